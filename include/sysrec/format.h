/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * format.h - the sysrec trace file: its writer and its reader.
 *
 * The byte layout belongs to format/ alone (docs/FORMAT.md); record/, analyze/
 * and the info/dump commands go through this API, never around it.
 *
 * All functions return 0 or a negative errno unless said otherwise.
 */
#ifndef SYSREC_FORMAT_H
#define SYSREC_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "sysrec/event.h"

#define SR_FORMAT_MAJOR		1	/* readers refuse a newer major */
#define SR_FORMAT_MINOR		0	/* readers accept any minor */

#define SR_CHUNK_DEFAULT	(4u << 20)	/* uncompressed bytes per chunk (docs/FORMAT.md) */
#define SR_CHUNK_MIN		4096u
#define SR_CHUNK_MAX		(64u << 20)	/* readers refuse bigger chunks */
#define SR_LEVEL_DEFAULT	3		/* zstd level (docs/FORMAT.md) */

/* CRC32C (Castagnoli, reflected polynomial 0x82F63B78) of every block; start with 0. */
uint32_t sr_crc32c(uint32_t crc, const void *buf, size_t len);

/* --- schema: the description of each record type, written into every file --- */

enum sr_field_kind {
	SR_FK_U8 = 1, SR_FK_U16, SR_FK_U32, SR_FK_U64,
	SR_FK_S32, SR_FK_S64,
	SR_FK_STR,	/* struct sr_str referencing the tail */
	SR_FK_COMM,	/* __u8[16], NUL padded */
	SR_FK_HEX,	/* u64 best shown in hex (addresses, flags) */
	SR_FK_PAD,	/* padding: not shown */
};

struct sr_field {
	const char *name;
	uint8_t kind;		/* enum sr_field_kind */
	uint16_t offset;	/* from the start of the record */
	uint16_t size;
};

struct sr_type {
	uint16_t type;		/* enum sr_event_type */
	const char *name;	/* "exec", "fork", "open", ... */
	uint16_t fixed_size;	/* sizeof the struct: the tail starts here */
	uint16_t nfields;
	const struct sr_field *fields;
};

/* The types this build knows, indexed by enum sr_event_type (NULL for holes). */
const struct sr_type *sr_schema_type(unsigned int type);
/* The same by name ("rw"), or NULL. */
const struct sr_type *sr_schema_type_by_name(const char *name);

/* --- syscall names (x86-64); the recorder writes the table it used into the file --- */

enum sr_class {
	SR_CLASS_PROC = 1 << 0,
	SR_CLASS_MEM = 1 << 1,
	SR_CLASS_FILE = 1 << 2,
	SR_CLASS_OTHER = 1 << 3,	/* only when named with -e */
	SR_CLASS_CPU = 1 << 4,		/* no syscall: the scheduler's records (switch ... cputime) */
	SR_CLASS_NET = 1 << 5,		/* socket syscalls (net) and the sock records */
};

/* A class as record -e and a trace's "classes" metadata name it. */
struct sr_class_name {
	const char *name;	/* "proc"; "all" names every class but other */
	uint32_t mask;		/* enum sr_class bits */
};

/* The names of the classes, the one list of them; n set to its length. */
const struct sr_class_name *sr_class_names(size_t *n);
/* The class bits of one name, 0 for a name that is no class ("openat"). */
uint32_t sr_class_by_name(const char *name);
/*
 * The classes a comma list names ("proc,mem,openat", a trace's "classes"
 * metadata), syscall names ignored; 0 for NULL.
 */
uint32_t sr_classes_in(const char *list);

/* The way a syscall moves bytes through its fd (fd_arg). */
enum sr_dir {
	SR_DIR_NONE = 0,
	SR_DIR_READ = 1,	/* from the fd to the caller */
	SR_DIR_WRITE = 2,	/* to the fd; an fd-to-fd copy writes its output fd */
};

/* How the arguments of a read or write give its bytes. */
enum sr_buf {
	SR_BUF_NONE = 0,
	SR_BUF_PLAIN = 1,	/* a buffer (buf_arg) and its size in bytes (count_arg) */
	SR_BUF_IOV = 2,		/* a struct iovec array (buf_arg) and its length (count_arg) */
};

/*
 * A syscall and what sysrec knows of it.  Argument indices count from 0 (the
 * kernel's SYSCALL_DEFINE order) and are -1 where there is none.  fd_arg is
 * given for the syscalls that have a record type of their own and for those
 * with a direction; buf, buf_arg, count_arg and off_arg for the SR_EV_RW ones
 * (an SR_EV_RW record's byte count is its return value).
 */
struct sr_syscall {
	uint16_t nr;
	uint16_t ev_type;	/* the record type it produces */
	uint32_t class;		/* enum sr_class */
	const char *name;	/* as the kernel names it: "pwrite64" */
	uint8_t dir;		/* enum sr_dir */
	uint8_t buf;		/* enum sr_buf */
	int8_t fd_arg;		/* the fd it reads, writes, closes, dups, maps or looks up from */
	int8_t buf_arg;		/* the buffer or iovec array */
	int8_t count_arg;	/* the byte count (SR_BUF_PLAIN) or iovec count (SR_BUF_IOV) */
	int8_t off_arg;		/* the file offset; -1: the fd's own position */
};

/* Sorted by name; n set to its length. */
const struct sr_syscall *sr_syscalls(size_t *n);
const struct sr_syscall *sr_syscall_by_name(const char *name);
const struct sr_syscall *sr_syscall_by_nr(unsigned int nr);
/*
 * The direction (enum sr_dir) of the syscall @name as a trace's own syscall
 * table names it; SR_DIR_NONE for a name this table does not know.
 */
int sr_syscall_dir(const char *name);

/*
 * A syscall recorded from 32-bit (ia32) programs too, under its x86-64 twin's
 * number with SR_F_COMPAT.
 */
struct sr_syscall_ia32 {
	uint16_t nr;		/* its ia32 number */
	const char *name;	/* its x86-64 twin in sr_syscalls() */
};

const struct sr_syscall_ia32 *sr_syscalls_ia32(size_t *n);

/* --- writer --- */

struct sr_writer;

struct sr_writer_opts {
	int level;		/* zstd level; 0 means the default */
	size_t chunk_bytes;	/* uncompressed bytes per chunk; 0 means the default */
	int force;		/* replace an existing regular file */
	int threaded;		/* compress and write on a thread of the writer's own */
	uid_t owner_uid;	/* chown the new file to this uid/gid unless (uid_t)-1 */
	gid_t owner_gid;
	size_t index_max;	/* index entries kept (runs of chunks beyond); 0: the default */
};

/*
 * Create @path (mode 0600, O_EXCL unless opts->force, never through a symbolic
 * link) and write the file header.  The caller then adds metadata, begins, and
 * appends records in time order.  *w is owned by the caller: sr_writer__free().
 */
int sr_writer__new(struct sr_writer **w, const char *path,
		   const struct sr_writer_opts *opts);
/* The same on a descriptor open for writing (a pipe, /dev/full); the writer owns @fd. */
int sr_writer__new_fd(struct sr_writer **w, int fd, const struct sr_writer_opts *opts);
/*
 * Describe a record type in the file's schema, replacing this build's
 * description of the same type number or adding one it does not know (retrace
 * copies the types of its input; tests simulate other versions).  Copies @t.
 * Only before sr_writer__begin().
 */
int sr_writer__add_type(struct sr_writer *w, const struct sr_type *t);
/* Metadata for the start block; only before sr_writer__begin().  Copies both. */
int sr_writer__meta(struct sr_writer *w, const char *key, const char *value);
/* Write the start metadata, the schema and the syscall table. */
int sr_writer__begin(struct sr_writer *w);
/*
 * Append one record (a complete struct sr_event with its tail, ev->size bytes).
 * Copies it.  A full chunk is handed to the writer thread; this never waits on
 * compression or the disk unless the thread's queue is full.
 */
int sr_writer__append(struct sr_writer *w, const struct sr_event *ev);
/* Close the current chunk even if it is not full (the flush interval). */
int sr_writer__flush(struct sr_writer *w);
/* Metadata for the end block (stop time, totals); before sr_writer__finish(). */
int sr_writer__end_meta(struct sr_writer *w, const char *key, const char *value);
/* Flush, write the end block and the index, close the file.  Returns the first error. */
int sr_writer__finish(struct sr_writer *w);
/* The first error the writer met (for instance -ENOSPC from its thread), or 0. */
int sr_writer__error(const struct sr_writer *w);

struct sr_writer_stats {
	uint64_t events;		/* records appended */
	uint64_t raw_bytes;		/* their bytes before compression */
	uint64_t raw_written;		/* ... of those in chunks written to the file */
	uint64_t chunk_bytes;		/* what those chunks take in the file, index entries too */
	uint64_t file_bytes;		/* bytes written to the file so far */
	uint64_t chunks;		/* chunks written */
	uint64_t queued;		/* chunks waiting for the thread */
};
void sr_writer__stats(const struct sr_writer *w, struct sr_writer_stats *st);
/* Frees everything; closes the file without finishing it if finish was not called. */
void sr_writer__free(struct sr_writer *w);

/* --- reader --- */

struct sr_reader;

/* Called for each problem found in the file; offset is where it was found. */
typedef void (*sr_damage_fn)(void *ctx, uint64_t offset, const char *what);

/*
 * Open a trace.  The bytes are hostile: every length is checked, allocations
 * are capped, a damaged chunk is reported through @damage (may be NULL) and
 * skipped.  Returns -EINVAL for a file that is not a sysrec trace or whose
 * file header is damaged (@damage says which), -EPROTONOSUPPORT for a newer
 * major version or a big-endian file.  The metadata, the schema and the
 * syscall table are read by open; the end metadata too when the file ends
 * with a good trailer.
 */
int sr_reader__open(struct sr_reader **r, const char *path,
		    sr_damage_fn damage, void *ctx);
/*
 * fstat(2) of the file @r reads (0 or -errno; -EBADF for a reader from
 * memory): what was opened, not what the name points at by now.
 */
int sr_reader__stat(const struct sr_reader *r, struct stat *st);
/* The same from memory (the fuzz target); @buf must outlive the reader. */
int sr_reader__open_mem(struct sr_reader **r, const void *buf, size_t len,
			sr_damage_fn damage, void *ctx);

/*
 * The next record in file order (which is time order).  Returns 1 with *ev
 * set, 0 at the end, or a negative errno for an I/O error.  *ev points into
 * the reader and stays valid until the next call.  The reader has checked
 * that ev->size fits, is a multiple of 8 and is at least the fixed size of a
 * known type; records of types it does not know are returned as they are.
 */
int sr_reader__next(struct sr_reader *r, const struct sr_event **ev);

/*
 * A string of a record, checked against its size: sets *s and *len and
 * returns 0, or -EINVAL when the reference points outside the record.  The
 * string is not NUL-terminated in general; use len.
 */
int sr_event__str(const struct sr_event *ev, struct sr_str ref,
		  const char **s, size_t *len);

/*
 * The syscall number of a record whose type carries struct sr_sys (and whose
 * size reaches it), or -1.
 */
static inline int sr_event__sys_nr(const struct sr_event *ev)
{
	uint16_t nr;

	if (!sr_type_has_sys(ev->type) ||
	    ev->size < sizeof(*ev) + __builtin_offsetof(struct sr_sys, nr) + sizeof(nr))
		return -1;
	__builtin_memcpy(&nr, (const char *)ev + sizeof(*ev) + __builtin_offsetof(struct sr_sys, nr),
			 sizeof(nr));
	return nr;
}

/* Metadata by key (start block, then end block), or NULL. */
const char *sr_reader__meta(const struct sr_reader *r, const char *key);
/*
 * All metadata in order, the start block's then the end block's: returns the
 * count, sets keys and values (valid until the next sr_reader__next()).
 */
size_t sr_reader__meta_all(const struct sr_reader *r, const char *const **keys,
			   const char *const **values);
/* How many of those come from the start block. */
size_t sr_reader__meta_nstart(const struct sr_reader *r);
/* The type description the file itself gives, or NULL (for printing unknown types). */
const struct sr_type *sr_reader__file_type(const struct sr_reader *r, unsigned int type);
/* Every type the file's schema describes, sorted by number: returns the count. */
size_t sr_reader__file_types(const struct sr_reader *r, const struct sr_type *const **types);
/* The syscall name the file's own table gives for nr, or NULL. */
const char *sr_reader__syscall_name(const struct sr_reader *r, unsigned int nr);
/*
 * Go to the first record with ts >= @ts: chunks that end before it are passed
 * over by their headers alone (with the index when the file has one), without
 * decompressing them.  Only forward: a @ts before the current position is a no-op.
 */
int sr_reader__seek(struct sr_reader *r, uint64_t ts);

struct sr_reader_stats {
	uint64_t file_bytes;
	uint64_t chunks;		/* good chunks read so far */
	uint64_t bad_chunks;		/* damaged chunks skipped */
	uint64_t events;		/* records returned so far */
	uint64_t raw_bytes;		/* their uncompressed bytes */
	uint64_t compressed_bytes;	/* chunk payload bytes */
	uint64_t skipped_bytes;		/* bytes passed over while resyncing */
	uint64_t damaged;		/* damage reported, a cut aside: any block, entry or byte range */
	int ended;			/* the END block was read */
	uint64_t ts_first, ts_last;
	/*
	 * Final once sr_reader__next() has returned 0; until then what the
	 * trailer said at open.
	 */
	int complete;			/* the end block and index were found */
	int cut;			/* the file ends inside a block or without its trailer */
	uint16_t major, minor;
};
void sr_reader__stats(const struct sr_reader *r, struct sr_reader_stats *st);
/* one line on stderr naming the damage (chunks skipped, problems) @st holds, if any */
void sr_reader_stats__say_damage(const struct sr_reader_stats *st, const char *path);
/*
 * Asked before the reader's buffers (the chunk's payload, decompressed body,
 * column scratch and records, about three times a chunk's records; a pipe's
 * bytes) grow by @n bytes: 0 lets them, non-zero refuses.  A negative @n
 * gives bytes back.  Called on whatever thread reads.
 */
typedef int (*sr_reader_mem_fn)(void *ctx, int64_t n);
/*
 * Count the reader's buffers through @fn (NULL: stop counting, giving back
 * what was counted): what they hold already is asked at once (-ENOMEM when
 * refused), and sr_reader__free() gives it all back.  A chunk whose buffers
 * @fn refuses stops sr_reader__next() with -ENOMEM, not as damage.
 */
int sr_reader__set_mem_fn(struct sr_reader *r, sr_reader_mem_fn fn, void *ctx);
void sr_reader__free(struct sr_reader *r);

/*
 * Fuzz targets only: readers opened while this is set still compute every
 * checksum but go on when one does not match, so that mutated inputs reach
 * the decoders behind them.  Never set it anywhere else.
 */
extern int sr_format_fuzzing;

/* --- socket names (format/sockname.c) --- */

/*
 * The name of the socket of a sock record, as dump and --top-io show it:
 * "tcp 127.0.0.1:5432->127.0.0.1:40000" (local, then peer; IPv6 in
 * brackets), "udp 0.0.0.0:53", "unix /path", "unix @abstract", "unix
 * socketpair:[PEER_INO]", "netlink route".  The length written (cut to @n).
 */
size_t sr_sock_name(const struct sr_ev_sock *e, char *buf, size_t n);
/*
 * Its remote endpoint, as --net groups by: "tcp 127.0.0.1:5432" (@a when
 * it is an IP address, as a datagram's, else the socket's peer), or the
 * unix name; 0 when it has none (an IP socket with no peer).
 */
size_t sr_sock_endpoint(const struct sr_ev_sock *e, const struct sr_addr *a, char *buf, size_t n);
/* "tcp", "udp", "unix", "netlink"... */
const char *sr_sock_proto(const struct sr_ev_sock *e);
/* "127.0.0.1:5432", "[::1]:5432"; 0 (and "") for no IP address. */
size_t sr_addr_str(const struct sr_addr *a, char *buf, size_t n);

#endif /* SYSREC_FORMAT_H */
