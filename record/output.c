// SPDX-License-Identifier: GPL-2.0-only
/*
 * output.c - sysrec record's trace files: their names (-o, rotated
 * FILE.NNNNNN.ext), metadata and snapshot, -f's FILE.new kept until the
 * command runs, rotation by --rotate-size and --rotate-time, --keep, and
 * the one place every record is written.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "record.h"
#include "sysrec.skel.h"
#include "sysrec/format.h"
#include "sysrec/util.h"

static char *rotated_name(const char *out, uint64_t idx)
{
	const char *slash = strrchr(out, '/');
	const char *dot = strrchr(out, '.');
	char *name;

	if (!dot || (slash && dot < slash) || dot == (slash ? slash + 1 : out))
		dot = out + strlen(out);
	if (asprintf(&name, "%.*s.%06llu%s", (int)(dot - out), out,
		     (unsigned long long)idx, dot) < 0)
		return NULL;
	return name;
}

/* The name of file number @idx of the recording: rotated, or -o as given. */
static char *file_name(const struct sr_rec_opts *o, uint64_t idx)
{
	return o->rotate_size || o->rotate_ns ? rotated_name(o->output, idx) : strdup(o->output);
}

/* CLOCK_REALTIME minus CLOCK_MONOTONIC, for the metadata and --print. */
int64_t sr_rec__clock_offset(void)
{
	struct timespec m1, rt, m2;
	int64_t best = 0, best_gap = INT64_MAX;

	/* the tightest of a few samples */
	for (int i = 0; i < 5; i++) {
		clock_gettime(CLOCK_MONOTONIC, &m1);
		clock_gettime(CLOCK_REALTIME, &rt);
		clock_gettime(CLOCK_MONOTONIC, &m2);
		int64_t a = m1.tv_sec * 1000000000ll + m1.tv_nsec;
		int64_t b = m2.tv_sec * 1000000000ll + m2.tv_nsec;
		int64_t w = rt.tv_sec * 1000000000ll + rt.tv_nsec;

		if (b - a < best_gap) {
			best_gap = b - a;
			best = w - (a + (b - a) / 2);
		}
	}
	return best;
}

static int meta_u64(struct sr_writer *w, const char *key, uint64_t v, int end)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return end ? sr_writer__end_meta(w, key, buf) : sr_writer__meta(w, key, buf);
}

static int write_start_meta(struct sr_rec *r, uint64_t start_ns)
{
	struct utsname u;
	char buf[64];
	int err = 0;

	uname(&u);
	snprintf(buf, sizeof(buf), "%lld", (long long)r->clock_offset);
	err = err ?: sr_writer__meta(r->w, "recording_id", r->recording_id);
	err = err ?: meta_u64(r->w, "rotation_index", r->rotation, 0);
	err = err ?: sr_writer__meta(r->w, "host", r->host);
	err = err ?: sr_writer__meta(r->w, "kernel", u.release);
	err = err ?: sr_writer__meta(r->w, "machine", u.machine);
	err = err ?: meta_u64(r->w, "ncpus", libbpf_num_possible_cpus(), 0);
	err = err ?: meta_u64(r->w, "page_size", sysconf(_SC_PAGESIZE), 0);
	err = err ?: sr_writer__meta(r->w, "clock", "CLOCK_MONOTONIC");
	err = err ?: sr_writer__meta(r->w, "clock_offset_ns", buf);
	err = err ?: meta_u64(r->w, "start_ns", start_ns, 0);
	err = err ?: meta_u64(r->w, "recording_start_ns", r->start_ns, 0);
	err = err ?: sr_writer__meta(r->w, "sysrec_version", SYSREC_VERSION);
	err = err ?: sr_writer__meta(r->w, "cmdline", r->cmdline);
	err = err ?: meta_u64(r->w, "recorder_pid", (uint64_t)getpid(), 0);
	/* the command's parent: analyze fills its ppid from these */
	if (r->child > 0)
		err = err ?: meta_u64(r->w, "command_pid", (uint64_t)r->child, 0);
	err = err ?: sr_writer__meta(r->w, "filters", r->filters);
	err = err ?: sr_writer__meta(r->w, "classes", r->classes);
	err = err ?: meta_u64(r->w, "reorder_window_ns", r->window_ns, 0);
	if (sr_cgroups__mount(r->cg))
		err = err ?: sr_writer__meta(r->w, "cgroup2_mount", sr_cgroups__mount(r->cg));
	return err;
}

/* The snapshot's -p and COMMAND filter: the processes BPF tracks now. */
static int want_tracked(void *ctx, uint32_t pid)
{
	struct sr_rec *r = ctx;
	__u8 v;

	return !bpf_map__lookup_elem(r->skel->maps.tracked, &pid, sizeof(pid), &v, sizeof(v), 0);
}

/* The first file's snapshot, kept in r->presnap until the file exists. */
static int collect_rec(void *ctx, const struct sr_event *ev)
{
	struct sr_rec *r = ctx;

	if (r->presnap_len + ev->size > r->presnap_cap) {
		size_t cap = r->presnap_cap ? r->presnap_cap * 2 : 1 << 16;
		uint8_t *p;

		while (cap < r->presnap_len + ev->size)
			cap *= 2;
		p = realloc(r->presnap, cap);
		if (!p)
			return -ENOMEM;
		r->presnap = p;
		r->presnap_cap = cap;
	}
	memcpy(r->presnap + r->presnap_len, ev, ev->size);
	r->presnap_len += ev->size;
	return 0;
}

/* What the snapshot keeps: the processes the BPF filters would record. */
struct sr_snap_filter sr_rec__snap_filter(struct sr_rec *r)
{
	return (struct sr_snap_filter){
		.want_pid = r->skel->rodata->filter_pids ? want_tracked : NULL,
		.ctx = r,
		.comm = r->o->comm,
		.cgroup = r->o->cgroup ? r->cg_rel : NULL,
		.self = getpid(),
		.argv_max = (uint32_t)r->o->argv_max,
		.cputime = !!(r->class_mask & SR_CLASS_CPU),
		.cputime_flags = SR_F_CPU_START,
	};
}

/*
 * Snapshot /proc before the output file exists, so that the file's
 * appearance means everything is in place: a descriptor closed right after
 * the file shows up was still seen (tests and scripts wait for the file).
 */
static int take_first_snapshot(struct sr_rec *r, uint64_t ts)
{
	struct sr_snap_filter flt = sr_rec__snap_filter(r);
	int err;

	sr_cgroups__reset_seen(r->cg);
	err = sr_snapshot(&flt, r->cg, ts, collect_rec, r);
	if (!err && !r->presnap)
		r->presnap = malloc(8);	/* an empty snapshot is still "taken" */
	if (err)
		sr_err("cannot take the snapshot of /proc: %s", strerror(-err));
	return err ?: (r->presnap ? 0 : -ENOMEM);
}

/* Whether rename() over @path would fail for its attributes (chattr +i, +a). */
static bool cannot_replace(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), flags = 0;
	bool no = false;

	if (fd < 0)
		return false;
	if (!ioctl(fd, FS_IOC_GETFLAGS, &flags))
		no = flags & (FS_IMMUTABLE_FL | FS_APPEND_FL);
	close(fd);
	return no;
}

/*
 * With -f and a command, an existing trace is replaced only once the
 * command has started: a command that cannot run leaves it as it was.
 * The new trace is written as FILE.new (open_file()) and renamed over FILE
 * after the exec, so that everything else that can go wrong with it still
 * goes wrong before the command runs.  What -f never replaces is refused
 * here.  r->keep_old is set when there is a file to keep.
 */
static int keep_until_exec(struct sr_rec *r)
{
	const struct sr_rec_opts *o = r->o;
	char *path;
	struct stat st;
	int err = 0;

	if (!o->cmd || !o->force)
		return 0;
	path = file_name(o, 0);
	if (!path)
		return -ENOMEM;
	if (lstat(path, &st)) {
		free(path);
		return 0;		/* nothing to keep: created at once */
	}
	if (S_ISLNK(st.st_mode))
		sr_err("%s is a symbolic link: refusing to write through it", path);
	else if (S_ISDIR(st.st_mode))
		sr_err("cannot create %s: %s", path, strerror(EISDIR));
	else if (!S_ISREG(st.st_mode))
		sr_err("%s is not a regular file: -f replaces only regular files", path);
	else if (cannot_replace(path))
		sr_err("cannot replace %s: it is immutable or append-only", path);
	else
		r->keep_old = true;
	if (!r->keep_old) {
		err = -EEXIST;
		r->reported = 1;
	}
	free(path);
	return err;
}

/*
 * The command never ran: nothing was recorded, so no half-written file is
 * left behind (FILE, or FILE.new with FILE kept as it was).
 */
void sr_rec__discard_file(struct sr_rec *r)
{
	if (!r->w)
		return;
	sr_writer__free(r->w);
	r->w = NULL;
	unlink(r->path);
}

/* The command runs: the trace written as FILE.new takes FILE's place. */
int sr_rec__replace_kept(struct sr_rec *r)
{
	if (!r->final_path)
		return 0;
	if (rename(r->path, r->final_path)) {
		int e = errno;

		sr_err("cannot replace %s: %s", r->final_path, strerror(e));
		r->reported = 1;
		return -e;
	}
	free(r->path);
	r->path = r->final_path;
	r->final_path = NULL;
	return 0;
}

/* Open the next file, write its metadata and snapshot (stamped ts). */
static int open_file(struct sr_rec *r, uint64_t ts)
{
	struct sr_writer_opts wo = {
		.level = (int)r->o->level,
		.force = r->o->force,
		.threaded = 1,
		.owner_uid = r->owner_uid,
		.owner_gid = r->owner_gid,
	};
	struct sr_snap_filter flt = sr_rec__snap_filter(r);
	int err;

	free(r->path);
	r->path = file_name(r->o, r->rotation);
	if (!r->path)
		return -ENOMEM;
	if (r->keep_old) {	/* see keep_until_exec() */
		r->keep_old = 0;
		r->final_path = r->path;
		if (asprintf(&r->path, "%s.new", r->final_path) < 0) {
			r->path = NULL;
			return -ENOMEM;
		}
		wo.force = 0;	/* -f is for FILE: whatever is at FILE.new stays */
	}
	err = sr_writer__new(&r->w, r->path, &wo);
	if (err) {
		if (err == -EEXIST && r->final_path)
			sr_err("%s exists: sysrec writes the new trace there until the command "
			       "runs; remove it", r->path);
		else if (err == -EEXIST && r->o->force)
			sr_err("%s is not a regular file: -f replaces only regular files", r->path);
		else if (err == -EEXIST)
			sr_err("%s exists: use -f to replace it", r->path);
		else if (err == -ELOOP)
			sr_err("%s is a symbolic link: refusing to write through it", r->path);
		else
			sr_err("cannot create %s: %s", r->path, strerror(-err));
		r->reported = 1;
		return err;
	}
	err = write_start_meta(r, ts);
	err = err ?: sr_writer__begin(r->w);
	if (err) {
		sr_err("cannot write %s: %s", r->path, strerror(-err));
		r->reported = 1;
		return err;
	}
	r->file_start_ns = ts;
	r->chunk_first_ts = 0;
	r->file_events = 0;
	r->file_lost = 0;
	memset(r->file_lost_cpu, 0, sizeof(r->file_lost_cpu));
	r->file_late = 0;
	if (r->presnap) {
		/* the first file: its snapshot was taken before the file appeared */
		for (size_t off = 0; !err && off < r->presnap_len;) {
			const struct sr_event *ev = (const void *)(r->presnap + off);

			err = sr_rec__write(r, ev);
			/* not printed, as before --print started: learnt (fds' paths) */
			sr_rec__print_note(r, ev);
			off += ev->size;
		}
		free(r->presnap);
		r->presnap = NULL;
	} else {
		sr_cgroups__reset_seen(r->cg);
		err = sr_snapshot(&flt, r->cg, ts, sr_rec__put, r);
	}
	if (err && !r->reported) {
		sr_err("cannot write the snapshot to %s: %s", r->path, strerror(-err));
		r->reported = 1;
	}
	if (!err) {
		struct sr_writer_stats st;

		sr_writer__stats(r->w, &st);
		r->file_base_raw = st.raw_bytes;
	}
	return err;
}

/*
 * The cpu class: every recorded thread's totals as the file ends, so that
 * a file says what each thread did in it (these minus its baseline) even
 * where no switch was recorded.
 */
static int write_end_cputime(struct sr_rec *r, uint64_t stop_ns)
{
	struct sr_snap_filter flt = sr_rec__snap_filter(r);
	int err;

	if (!flt.cputime)
		return 0;
	flt.cputime_only = 1;
	flt.cputime_flags = 0;
	err = sr_snapshot(&flt, r->cg, stop_ns, sr_rec__put, r);
	if (err && !r->reported) {
		sr_err("cannot write the threads' CPU times to %s: %s", r->path, strerror(-err));
		r->reported = 1;
	}
	return err;
}

/* Write the file's end metadata (its own counts) and finish it. */
int sr_rec__close_file(struct sr_rec *r, uint64_t stop_ns)
{
	struct sr_writer_stats st;
	char lpc[16 * 64] = "";
	int err = 0, ncpu = libbpf_num_possible_cpus();

	if (!r->w)
		return 0;
	err = write_end_cputime(r, stop_ns);
	for (int i = 0; i < ncpu && i < MAX_CPUS; i++) {
		size_t len = strlen(lpc);

		snprintf(lpc + len, sizeof(lpc) - len, "%s%d:%llu", i ? " " : "", i,
			 (unsigned long long)r->file_lost_cpu[i]);
	}
	err = err ?: meta_u64(r->w, "stop_ns", stop_ns, 1);
	err = err ?: meta_u64(r->w, "events", r->file_events, 1);
	err = err ?: meta_u64(r->w, "lost", r->file_lost, 1);
	err = err ?: sr_writer__end_meta(r->w, "lost_per_cpu", lpc);
	err = err ?: meta_u64(r->w, "late", r->file_late, 1);
	if (!err)
		err = sr_writer__finish(r->w);
	sr_writer__stats(r->w, &st);
	r->bytes_prev_files += st.file_bytes;
	if (st.raw_written)
		r->ratio = (double)st.chunk_bytes / st.raw_written;
	if (err && !r->reported) {
		sr_err("cannot finish %s: %s", r->path, strerror(-err));
		r->reported = 1;
	}
	sr_writer__free(r->w);
	r->w = NULL;
	return err;
}

/* --keep: remember the file just closed and drop the oldest beyond N. */
static void keep_files(struct sr_rec *r)
{
	char **k;

	if (!r->o->keep)
		return;
	k = realloc(r->kept, (r->nkept + 1) * sizeof(*k));
	if (!k)
		return;
	r->kept = k;
	r->kept[r->nkept++] = strdup(r->path);
	/* the file being written counts as one of the N */
	while (r->nkept + 1 > r->o->keep) {
		if (r->kept[0] && unlink(r->kept[0]) && errno != ENOENT)
			sr_err("cannot remove %s: %s", r->kept[0], strerror(errno));
		free(r->kept[0]);
		memmove(r->kept, r->kept + 1, (r->nkept - 1) * sizeof(*k));
		r->nkept--;
	}
}

/* End the file at ts and start the next one there. */
int sr_rec__rotate(struct sr_rec *r, uint64_t ts)
{
	int err = sr_rec__close_file(r, ts);

	if (err)
		return err;
	keep_files(r);
	r->rotation++;
	return open_file(r, ts);
}

/*
 * What 'raw' bytes of records will take in the file, compressed: at the
 * compression of this file's chunks written so far, else of the last
 * file's, else uncompressed (the first file may then end short of
 * --rotate-size, never far past it).
 */
static uint64_t compressed(const struct sr_rec *r, const struct sr_writer_stats *st, uint64_t raw)
{
	if (st->raw_written)
		return (uint64_t)((double)raw * st->chunk_bytes / st->raw_written);
	if (r->ratio > 0)
		return (uint64_t)((double)raw * r->ratio);
	return raw;
}

/* Whether --rotate-time ends the file by ts; a time before its start never does. */
static int rotation_time(const struct sr_rec *r, uint64_t ts)
{
	return r->o->rotate_ns && ts > r->file_start_ns && ts - r->file_start_ns >= r->o->rotate_ns;
}

/* Whether a record at ts starts a new file: --rotate-time or --rotate-size. */
int sr_rec__need_rotation(struct sr_rec *r, uint64_t ts)
{
	struct sr_writer_stats st;
	uint64_t size = r->o->rotate_size;

	/* a late record (before the file's start) stays in this file */
	if (rotation_time(r, ts))
		return 1;
	if (size) {
		sr_writer__stats(r->w, &st);
		/*
		 * What is written, and what is appended but not yet written
		 * (the open chunk, those queued for compression).  A file
		 * takes at least SIZE/2 of records after its snapshot, so that
		 * a SIZE below the snapshot's own does not make a file per
		 * record.
		 */
		if (st.file_bytes + compressed(r, &st, st.raw_bytes - st.raw_written) >= size &&
		    compressed(r, &st, st.raw_bytes - r->file_base_raw) >= size / 2)
			return 1;
	}
	return 0;
}

/* Every record written goes through here, so the end metadata counts them all. */
int sr_rec__write(struct sr_rec *r, const struct sr_event *ev)
{
	int err = sr_writer__append(r->w, ev);

	if (err)
		return err;
	if (!r->chunk_first_ts)
		r->chunk_first_ts = ev->ts ? ev->ts : 1;
	r->events++;
	r->file_events++;
	if (ev->type == SR_EV_LOST) {
		const struct sr_ev_lost *l = (const void *)ev;

		r->file_lost += l->count;
		if (ev->cpu < MAX_CPUS)
			r->file_lost_cpu[ev->cpu] += l->count;
	}
	/* a cgroup's name goes with the record that made it: late with it */
	if (ev->ts < r->max_ts && ev->type != SR_EV_CGROUP)
		r->file_late++;
	else if (ev->ts > r->max_ts)
		r->max_ts = ev->ts;
	return 0;
}

/* The start metadata that says what was asked: cmdline, filters, id, host. */
void sr_rec__describe(struct sr_rec *r, int argc, char **argv)
{
	size_t len = 0;
	unsigned char id[16];

	for (int i = 0; i < argc && len < sizeof(r->cmdline) - 1; i++)
		len += snprintf(r->cmdline + len, sizeof(r->cmdline) - len, "%s%s",
				i ? " " : "sysrec ", argv[i]);
	len = 0;
	r->filters[0] = 0;
	for (int i = 0; i < r->o->npids; i++)
		len += snprintf(r->filters + len, sizeof(r->filters) - len, "%s%u",
				i ? "," : "pid=", r->o->pids[i]);
	if (r->o->cmd)
		len += snprintf(r->filters + len, sizeof(r->filters) - len, "%scommand=%s",
				len ? " " : "", r->o->cmd[0]);
	if (r->o->comm && len < sizeof(r->filters))
		len += snprintf(r->filters + len, sizeof(r->filters) - len, "%scomm=%s",
				len ? " " : "", r->o->comm);
	if (r->o->cgroup && len < sizeof(r->filters))
		snprintf(r->filters + len, sizeof(r->filters) - len, "%scgroup=%s",
			 len ? " " : "", r->o->cgroup);
	if (getrandom(id, sizeof(id), 0) != sizeof(id))
		for (size_t i = 0; i < sizeof(id); i++)
			id[i] = (unsigned char)(sr_mono_ns() >> (i % 8));
	for (size_t i = 0; i < sizeof(id); i++)
		sprintf(r->recording_id + 2 * i, "%02x", id[i]);
	gethostname(r->host, sizeof(r->host) - 1);
}

/* Under sudo, hand the file to the user who asked for it. */
void sr_rec__find_owner(struct sr_rec *r)
{
	const char *u = getenv("SUDO_UID"), *g = getenv("SUDO_GID");
	uint64_t v;

	r->owner_uid = (uid_t)-1;
	r->owner_gid = (gid_t)-1;
	if (geteuid() != 0 || !u || !g)
		return;
	if (!sr_parse_u64(u, 0, UINT32_MAX - 1, &v))
		r->owner_uid = (uid_t)v;
	if (!sr_parse_u64(g, 0, UINT32_MAX - 1, &v))
		r->owner_gid = (gid_t)v;
}

/*
 * The first file: its snapshot is taken before it exists (see
 * take_first_snapshot()), and with -f and a command it is FILE.new.
 */
int sr_rec__open_first_file(struct sr_rec *r)
{
	int err = take_first_snapshot(r, r->start_ns);

	err = err ?: keep_until_exec(r);
	return err ?: open_file(r, r->start_ns);
}

/*
 * --rotate-time when no record comes to start the next file: every record
 * up to the horizon is out, and none came after start + T (it would have
 * rotated), so the file ends there, on time; or at the last record
 * written, if a lost-events record (which starts no file) came later.  One
 * rotation per poll: a file that would end more than T behind the horizon
 * (a T shorter than a poll, or than the snapshot takes) spans the empty
 * intervals up to the last one, so the recorder never falls behind.
 */
int sr_rec__rotate_on_time(struct sr_rec *r, uint64_t horizon)
{
	uint64_t at;

	if (!r->w || !rotation_time(r, horizon))
		return 0;
	at = r->file_start_ns + (horizon - r->file_start_ns) / r->o->rotate_ns * r->o->rotate_ns;
	return sr_rec__rotate(r, at > r->max_ts ? at : r->max_ts);
}

/* What cmd_record()'s cleanup leaves of the files: FILE.new never renamed goes. */
void sr_rec__free_files(struct sr_rec *r)
{
	free(r->presnap);
	r->presnap = NULL;
	/*
	 * Never renamed: the command never ran, FILE stays as it was, and
	 * FILE.new goes if it was made (the writer is ours only then).
	 */
	if (r->final_path) {
		sr_rec__discard_file(r);
		free(r->final_path);
	}
	if (r->w)
		sr_writer__free(r->w);
	for (size_t i = 0; i < r->nkept; i++)
		free(r->kept[i]);
	free(r->kept);
	free(r->path);
}
