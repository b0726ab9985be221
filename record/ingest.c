// SPDX-License-Identifier: GPL-2.0-only
/*
 * ingest.c - sysrec record's records on their way in: the perf buffers and
 * the BPF batches read, paths put back in order, cgroups learnt and named,
 * drops turned into lost records, everything merged in time order by the
 * reorder buffer and handed to the file (output.c) and to --print.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "record.h"
#include "sysrec.skel.h"
#include "sysrec/format.h"
#include "sysrec/util.h"

/*
 * Each record released in time order (and each of a later file's
 * snapshot): the file rotated if it is due, the record's cgroup named the
 * first time the file sees it, the record written, and printed (--print).
 */
int sr_rec__append(void *ctx, const struct sr_event *ev)
{
	struct sr_rec *r = ctx;
	int err;

	if (r->w && sr_type_from_kernel(ev->type) && sr_rec__need_rotation(r, ev->ts)) {
		err = sr_rec__rotate(r, ev->ts);
		if (err)
			return err;
	}
	return sr_rec__put(r, ev);
}

/*
 * A record into the file at hand, whatever its time: the cgroup it names
 * named first, then printed (--print).  The records a file begins and
 * ends with (snapshot, thread totals) come this way, never starting a
 * file themselves.
 */
int sr_rec__put(void *ctx, const struct sr_event *ev)
{
	struct sr_rec *r = ctx;
	int err;

	/* Name each cgroup the first time a file sees it. */
	if (r->w && ev->cgroup_id && ev->type != SR_EV_CGROUP &&
	    sr_cgroups__first_seen(r->cg, ev->cgroup_id)) {
		const char *path = sr_cgroups__path(r->cg, ev->cgroup_id);
		uint8_t buf[sizeof(struct sr_ev_cgroup) + SR_PATH_MAX + 8] = {};
		struct sr_ev_cgroup *c = (void *)buf;
		size_t len = path ? strlen(path) : 0;

		if (len >= SR_PATH_MAX)
			len = SR_PATH_MAX - 1;
		c->h.type = SR_EV_CGROUP;
		c->h.ts = ev->ts;
		c->h.cpu = ev->cpu;
		c->h.cgroup_id = ev->cgroup_id;
		c->id = ev->cgroup_id;
		c->path.off = sizeof(*c);
		c->path.len = len;
		if (len)
			memcpy(buf + sizeof(*c), path, len);
		c->h.size = (sizeof(*c) + len + 1 + 7) & ~7;
		err = sr_rec__write(r, &c->h);
		if (err)
			return err;
	}
	if (r->w) {
		err = sr_rec__write(r, ev);
		if (err)
			return err;
	}
	/* --print-order cpu printed it as it was read */
	if (!r->o->print_now)
		sr_rec__print_event(r, ev);
	return 0;
}

/*
 * A file no mount reaches comes as "FSTYPE:NAME" or "FSTYPE:[INO]" (see
 * put_pseudo_name() in bpf/pathwalk.bpf.h); these are named as /proc names
 * them.  None is longer than its filesystem's name, so it is done in place.
 */
static const struct {
	const char *fs, *as;
} pseudo_alias[] = {
	{ "pipefs:", "pipe:" },
	{ "sockfs:", "socket:" },
	{ "anon_inodefs:", "anon_inode:" },
};

static void name_pseudo(char *s, size_t n, struct sr_str *ref)
{
	for (size_t i = 0; i < ARRAY_SIZE(pseudo_alias); i++) {
		size_t fl = strlen(pseudo_alias[i].fs), al = strlen(pseudo_alias[i].as);

		if (n < fl || memcmp(s, pseudo_alias[i].fs, fl))
			continue;
		memcpy(s, pseudo_alias[i].as, al);
		memmove(s + al, s + fl, n - fl);
		memset(s + n - (fl - al), 0, fl - al);
		ref->len = n - (fl - al);
		return;
	}
}

/*
 * bpf/pathwalk.bpf.h writes a path leaf first, each name after a NUL, which
 * no name holds ("\0f\0dir\0home"): put the names back in root-first
 * order, each after a '/' ("/home/dir/f"), in place.  The root itself is
 * written as "/".
 */
static void unreverse_path(struct sr_event *e, struct sr_str *ref)
{
	char buf[SR_PATH_MAX];
	const char *s, *z;
	size_t n, end, out = 0;

	if (sr_event__str(e, *ref, &s, &n) || n == 0 || n > sizeof(buf))
		return;
	if (s[0] != 0) {
		if (s[0] != '/')
			name_pseudo((char *)s, n, ref);
		return;
	}
	for (end = n; end > 0; end = z - s) {
		z = memrchr(s, 0, end);		/* s[0] is one */
		buf[out++] = '/';
		memcpy(buf + out, z + 1, end - (z + 1 - s));
		out += end - (z + 1 - s);
	}
	memcpy((char *)s, buf, n);
}

/*
 * A cgroup made during the recording (bpf/sysrec.bpf.c's cgroup_mkdir: its
 * id, its name in 'path', its parent's id in the header's cgroup_id): its
 * path is learnt now, while the group may still be short of its first
 * record, and written when a record first names its id (sr_rec__append()).
 */
static void learn_cgroup(struct sr_rec *r, const struct sr_ev_cgroup *c)
{
	const char *name;
	size_t len;

	if (c->h.size < sizeof(*c) || c->path.off < sizeof(*c) ||
	    sr_event__str(&c->h, c->path, &name, &len))
		return;
	sr_cgroups__learn(r->cg, c->id, c->h.cgroup_id, name, len);
}

/*
 * A record as it is read, whatever its CPU: to top's figures and to
 * --print-order cpu, at once; to the reorder buffer when a file or --print
 * in time order takes it.
 */
static void take(struct sr_rec *r, const struct sr_event *e)
{
	if (r->top)
		sr_top__event(r->top, e);
	if (r->o->print_now)
		sr_rec__print_event(r, e);
	if ((r->o->output || (r->o->print && !r->o->print_now)) && sr_reorder__push(r->ro, e) &&
	    !r->err)
		r->err = -ENOMEM;
}

/*
 * Hand the records of a batch (8-aligned, back to back, as bpf/transport.bpf.h
 * gathers them) on (take()), their paths in order.  A tail shorter than a
 * record is padding.
 */
static void push_batch(struct sr_rec *r, uint8_t *p, size_t left)
{
	while (left >= sizeof(struct sr_event)) {
		struct sr_event *e = (void *)p;

		if (e->size < sizeof(struct sr_event) || e->size > left || e->size % 8)
			break;
		if (e->type == SR_EV_CGROUP) {
			learn_cgroup(r, (struct sr_ev_cgroup *)e);
			p += e->size;
			left -= e->size;
			continue;
		}
		if (e->type == SR_EV_OPEN && e->size >= sizeof(struct sr_ev_open))
			unreverse_path(e, &((struct sr_ev_open *)e)->path);
		else if (e->type == SR_EV_EXEC && e->size >= sizeof(struct sr_ev_exec))
			unreverse_path(e, &((struct sr_ev_exec *)e)->path);
		take(r, e);
		p += e->size;
		left -= e->size;
	}
}

/* A perf sample holds one record or a batch of them. */
static enum bpf_perf_event_ret on_sample(void *ctx, int cpu, struct perf_event_header *hdr)
{
	struct sr_rec *r = ctx;

	(void)cpu;	/* every record names its CPU itself */
	if (hdr->type == PERF_RECORD_SAMPLE) {
		const struct { struct perf_event_header h; __u32 size; __u8 data[]; } *s = (void *)hdr;
		/* the raw data sits 4 bytes into an 8-aligned record: realign it */
		static uint64_t copy[65536 / 8];
		size_t len = s->size < sizeof(copy) ? s->size : sizeof(copy);

		memcpy(copy, s->data, len);
		push_batch(r, (uint8_t *)copy, len);
	}
	/*
	 * PERF_RECORD_LOST is ignored: the kernel writes it only once a later
	 * record fits, and the BPF side counts every drop itself (see
	 * collect_drops()).
	 */
	return LIBBPF_PERF_EVENT_CONT;
}

/*
 * Have every CPU send the records waiting in its BPF batch.  Run before the
 * buffers are read, so that a record waits at most one poll in a batch.
 * Returns the number of online CPUs whose batch was busy (left for the next
 * call); offline[cpu] tells which CPUs could not run the flush at all.
 */
static int flush_batches(struct sr_rec *r, bool *offline)
{
	int fd = bpf_program__fd(r->skel->progs.flush);
	int ncpu = libbpf_num_possible_cpus(), busy = 0;

	for (int cpu = 0; cpu < ncpu && cpu < MAX_CPUS; cpu++) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = cpu);
		int e = bpf_prog_test_run_opts(fd, &opts);

		if (offline)
			offline[cpu] = e == -ENXIO;
		if (!e && opts.retval)
			busy++;
	}
	return busy;
}

/*
 * After detach: a CPU taken offline during the recording cannot run the
 * flush, so the records left in its batch are read from the map itself
 * (nothing can touch them any more).  Online CPUs' batches are empty.
 */
static void drain_offline_batches(struct sr_rec *r, const bool *offline)
{
	const struct bpf_map *map = r->skel->maps.batches;
	size_t vsize = bpf_map__value_size(map);
	int ncpu = libbpf_num_possible_cpus();
	__u32 zero = 0;
	uint8_t *vals;

	if (ncpu <= 0)
		return;
	vals = calloc(ncpu, vsize);
	if (!vals) {
		r->err = r->err ?: -ENOMEM;
		return;
	}
	if (!bpf_map__lookup_elem(map, &zero, sizeof(zero), vals, ncpu * vsize, 0)) {
		for (int cpu = 0; cpu < ncpu && cpu < MAX_CPUS; cpu++) {
			/* struct batch of bpf/maps.bpf.h */
			struct { __u32 len, nrec, busy, pad; } *b = (void *)(vals + cpu * vsize);

			if (offline[cpu] && b->len <= vsize - sizeof(*b)) {
				sr_dbg("CPU %d went offline: %u records read from its batch",
				       cpu, b->nrec);
				push_batch(r, (uint8_t *)(b + 1), b->len);
			}
		}
	}
	free(vals);
}

/* Turn new drops counted in BPF into lost records, one per CPU that lost. */
static void collect_drops(struct sr_rec *r)
{
	static __u64 seen[MAX_CPUS];
	int ncpu = libbpf_num_possible_cpus();
	__u64 *vals;
	__u32 zero = 0;

	if (ncpu <= 0 || ncpu > MAX_CPUS)
		return;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return;
	if (!bpf_map__lookup_elem(r->skel->maps.drops, &zero, sizeof(zero), vals,
				  ncpu * sizeof(*vals), 0)) {
		for (int cpu = 0; cpu < ncpu; cpu++) {
			struct sr_ev_lost e = {};
			__u64 n = vals[cpu] - seen[cpu];

			if (!n)
				continue;
			seen[cpu] = vals[cpu];
			e.h.type = SR_EV_LOST;
			e.h.size = sizeof(e);
			e.h.cpu = cpu;
			e.h.ts = sr_mono_ns();
			e.count = n;
			r->lost_total += n;
			take(r, &e.h);
		}
	}
	free(vals);
}

/* One perf buffer per CPU for the events map; on_sample() reads them. */
int sr_rec__open_buffers(struct sr_rec *r)
{
	const struct sr_rec_opts *o = r->o;
	struct perf_event_attr attr = {};
	int err;

	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_BPF_OUTPUT;
	attr.sample_type = PERF_SAMPLE_RAW;
	attr.sample_period = 1;
	/* wake the reader when an eighth of a buffer is full, never per event */
	attr.watermark = 1;
	attr.wakeup_watermark = o->buffer_pages * sysconf(_SC_PAGESIZE) / 8;
	r->pb = perf_buffer__new_raw(bpf_map__fd(r->skel->maps.events), o->buffer_pages, &attr,
				     on_sample, r, NULL);
	if (!r->pb) {
		err = -errno;
		if (err == -EPERM && geteuid() != 0)
			sr_err("cannot set up the perf buffers (%llu pages per CPU): more than "
			       "kernel.perf_event_mlock_kb lets a user lock without CAP_IPC_LOCK; "
			       "use a smaller --buffer-pages or add CAP_IPC_LOCK",
			       (unsigned long long)o->buffer_pages);
		else
			sr_err("cannot set up the perf buffers (%llu pages per CPU): %s",
			       (unsigned long long)o->buffer_pages, strerror(-err));
		return err;
	}
	return 0;
}

void sr_rec__close_buffers(struct sr_rec *r)
{
	perf_buffer__free(r->pb);
}

/* Read what is in the buffers and release what is older than horizon. */
static int read_release(struct sr_rec *r, uint64_t horizon)
{
	perf_buffer__consume(r->pb);
	collect_drops(r);
	return r->err ?: sr_reorder__release(r->ro, horizon, sr_rec__append, r);
}

/* One poll's worth: the batches flushed, read, and released up to horizon. */
int sr_rec__ingest(struct sr_rec *r, uint64_t horizon)
{
	uint64_t t0 = sr_mono_ns();
	int err;

	flush_batches(r, NULL);
	err = read_release(r, horizon);
	/* what happened before the flush has been read */
	if (r->top)
		sr_top__read_up_to(r->top, t0);
	return err;
}

/* After detach: everything left, from every batch and buffer, to the file. */
int sr_rec__drain(struct sr_rec *r)
{
	static bool offline[MAX_CPUS];
	int err;

	/* a program still running on some CPU holds its batch a few µs */
	for (int i = 0; i < 100 && flush_batches(r, offline); i++)
		usleep(1000);
	drain_offline_batches(r, offline);
	err = read_release(r, UINT64_MAX);
	if (err && !r->reported) {
		sr_err("writing %s: %s", r->path ? r->path : "the records", strerror(-err));
		r->reported = 1;
	}
	return err;
}
