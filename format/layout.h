/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * layout.h - the byte layout of a trace file, private to format/.
 * docs/FORMAT.md is the description for people; this is the one for the code.
 */
#ifndef SYSREC_FORMAT_LAYOUT_H
#define SYSREC_FORMAT_LAYOUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sysrec/format.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "sysrec traces are little endian; this port would have to swap every field"
#endif

/* --- file header: 64 bytes --- */
#define SR_FILE_MAGIC		"\x89SYSREC\n"
#define SR_FILE_MAGIC_LEN	8
#define SR_FILE_HDR_SIZE	64
#define SR_BOM			0x01020304u
#define SR_FH_MAJOR		8
#define SR_FH_MINOR		10
#define SR_FH_BOM		12
#define SR_FH_SIZE		16	/* header size: the first block starts here */
#define SR_FH_FLAGS		20
#define SR_FH_CRC		60
#define SR_FILE_HDR_MAX		4096	/* a later minor may grow the header up to this */

/* --- block header: 64 bytes, then payload_len bytes --- */
#define SR_BLOCK_MAGIC		"\x95SRB"
#define SR_BLOCK_MAGIC_LEN	4
#define SR_BLOCK_HDR_SIZE	64
#define SR_BH_TYPE		4
#define SR_BH_FLAGS		6
#define SR_BH_SEQ		8
#define SR_BH_COUNT		12
#define SR_BH_PAYLOAD_LEN	16
#define SR_BH_BODY_LEN		20
#define SR_BH_DATA_LEN		24
#define SR_BH_PAYLOAD_CRC	28
#define SR_BH_TS_FIRST		32
#define SR_BH_TS_LAST		40
#define SR_BH_CRC		60

enum sr_block_type {
	SR_BLK_START = 1,	/* start metadata */
	SR_BLK_SCHEMA = 2,
	SR_BLK_SYSCALLS = 3,
	SR_BLK_CHUNK = 4,
	SR_BLK_END = 5,		/* end metadata */
	SR_BLK_INDEX = 6,
	SR_BLK_TRAILER = 7,
};

/* block flags: how the payload is encoded, applied in this order on read */
#define SR_BF_ZSTD	0x0001	/* the payload is zstd frames of body_len bytes */
#define SR_BF_COLUMNS	0x0002	/* CHUNK: the body is the column transform of the records */
#define SR_BF_KNOWN	(SR_BF_ZSTD | SR_BF_COLUMNS)

/* --- limits: what a reader allocates at most, what a writer never exceeds --- */
#define SR_DATA_MAX		SR_CHUNK_MAX		/* records of one chunk */
#define SR_GROUPS_MAX		256			/* record types in one chunk */
#define SR_BODY_MAX		(SR_DATA_MAX + SR_DATA_MAX / 8 + 4096)
#define SR_PAYLOAD_MAX		(SR_BODY_MAX + SR_BODY_MAX / 64 + 4096)
#define SR_META_PAYLOAD_MAX	(16u << 20)	/* metadata, schema, syscall table */
#define SR_INDEX_PAYLOAD_MAX	(256u << 20)	/* 8M chunks */
#define SR_META_MAX		4096		/* entries per metadata block */
#define SR_KEY_MAX		255
#define SR_VALUE_MAX		(1u << 20)
#define SR_TYPES_MAX		1024
#define SR_FIELDS_MAX		256
#define SR_NAME_MAX		255
#define SR_SYSCALLS_MAX		65536

#define SR_INDEX_ENTRY		32
#define SR_INDEX_MAX_DEFAULT	32768	/* entries (1 MiB) before runs of chunks share one */
#define SR_TRAILER_PAYLOAD	24	/* index offset, end block offset, file size */

/* --- little-endian access to unaligned bytes --- */
static inline uint16_t get16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* --- block headers and schema checks (block.c) --- */
struct sr_bhdr {
	uint16_t type;		/* enum sr_block_type */
	uint16_t flags;		/* SR_BF_* */
	uint32_t seq;		/* 0 for the first block after the file header */
	uint32_t count;		/* records (CHUNK) or entries */
	uint32_t payload_len;	/* bytes on disk after the header */
	uint32_t body_len;	/* after zstd */
	uint32_t data_len;	/* after the column transform */
	uint32_t payload_crc;
	uint64_t ts_first;	/* CHUNK: the smallest and largest ts of its records */
	uint64_t ts_last;
};

void sr_bhdr_encode(uint8_t out[SR_BLOCK_HDR_SIZE], const struct sr_bhdr *h);
/* 0, -EBADMSG for a bad magic, -EILSEQ for a bad header checksum. */
int sr_bhdr_decode(const uint8_t in[SR_BLOCK_HDR_SIZE], struct sr_bhdr *h);
/* Bytes a field of this kind must have, 0 for any (PAD), -1 for an unknown kind. */
int sr_kind_size(unsigned int kind);
/* The checks a reader applies to a type of a schema block: 0 or a reason. */
const char *sr_type_problem(const struct sr_type *t);
/*
 * The reader's check that no field of @t past the header would print as a
 * JSON key that dump writes itself or that another field already is: 0 or a
 * reason.  Not the writer's: test tools write such files on purpose.
 */
const char *sr_type_key_clash(const struct sr_type *t);
/*
 * Frees the name and the fields of a type copied to the heap (the reader's
 * and the writer's copies; t->nfields counts the fields that hold a name).
 */
void sr_type_free(struct sr_type *t);
/*
 * A file's description @ft of a type this build knows, checked against the
 * built-in one (schema.c): NULL when it agrees (the same name, the built-in
 * fields first as they are, fields of a later minor only past the built-in
 * fixed size), else a reason naming the type, written into @buf.  Records
 * of built-in types are read by the built-in layout: a file that says
 * otherwise is damaged for that type.
 */
const char *sr_type_conflict(const struct sr_type *ft, char *buf, size_t n);

/*
 * The column transform of a chunk (docs/FORMAT.md, "Chunk body").
 *
 * encode: @data holds @nrec records of at most SR_GROUPS_MAX types;
 * @fixed_of[type] is the length of the part of each type that is transposed
 * (its fixed size, 56 for types this build does not know); @scratch holds
 * @data_len bytes.  Writes sr_cols_size() bytes to @out and returns that, or
 * 0 for too many types.
 */
size_t sr_cols_size(uint32_t nrec, uint32_t ngroups, size_t data_len);
size_t sr_cols_encode(uint8_t *out, const uint8_t *data, size_t data_len, uint32_t nrec,
		      const uint16_t *fixed_of, uint8_t *scratch);
/*
 * decode: rebuilds the records of @body into @data (@data_cap bytes at most)
 * in their order.  Returns how many records are good; *data_len is their
 * bytes.  When that is not the count @nrec_hdr the header gives, or bytes are
 * left over, *why says what was wrong (else NULL).  @scratch holds @body_len
 * bytes.  Never reads or writes out of bounds, whatever @body holds.
 */
uint32_t sr_cols_decode(const uint8_t *body, size_t body_len, uint32_t nrec_hdr,
			uint8_t *data, size_t data_cap, size_t *data_len,
			uint8_t *scratch, const char **why);

#endif /* SYSREC_FORMAT_LAYOUT_H */
