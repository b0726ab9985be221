// SPDX-License-Identifier: GPL-2.0-only
/*
 * import_rows.c - what every event adds: its events row (queued and inserted
 * EV_BATCH at a time), its share of the agg and tl buckets (per second, per
 * 10 ms; process, file, cgroup) and of its syscall's statistics.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

/*
 * The agg row of (second, process, file, cgroup).  Types and syscalls are
 * not part of the key: what the I/O, file and overview reports need is
 * summed in columns, and --syscalls has its own table.
 */
static struct an_agg *agg_get(struct an_imp *im, int64_t ts, uint32_t proc, uint32_t file,
			      uint64_t cgroup)
{
	int64_t rel = ts - im->start, bucket;
	uint32_t i;
	struct an_agg *g;

	bucket = rel >= 0 ? rel / SR_NS_PER_SEC : -((-rel + SR_NS_PER_SEC - 1) / SR_NS_PER_SEC);
	i = im->procs[proc].agg_hint - 1;
	if (i != NONE) {
		g = &im->aggs[i];
		if (g->bucket == bucket && g->proc == proc && g->file == file && g->cgroup == cgroup)
			return g;
	}
	i = sr_map__get(&im->agg_map, (uint64_t)bucket, ((uint64_t)proc << 32) | file, cgroup);
	if (i != NONE) {
		im->procs[proc].agg_hint = i + 1;
		return &im->aggs[i];
	}
	if (im->naggs + 1 >= NONE ||
	    sr_grow_mem(&im->mem, &im->aggs, &im->capaggs, im->naggs + 1, sizeof(*im->aggs)) ||
	    sr_map__set(&im->agg_map, (uint64_t)bucket, ((uint64_t)proc << 32) | file, cgroup,
			(uint32_t)im->naggs))
		return NULL;
	im->procs[proc].agg_hint = (uint32_t)im->naggs + 1;
	g = &im->aggs[im->naggs++];
	memset(g, 0, sizeof(*g));
	g->bucket = bucket;
	g->proc = proc;
	g->file = file;
	g->cgroup = cgroup;
	return g;
}

static struct an_tl *tl_get(struct an_imp *im, int64_t ts, uint32_t proc, uint64_t cgroup)
{
	int64_t bucket = sr_floor_div(ts - im->start, SR_TL_NS);
	uint32_t i = im->procs[proc].tl_hint - 1;
	struct an_tl *t;

	if (i != NONE) {
		t = &im->tls[i];
		if (t->bucket == bucket && t->proc == proc && t->cgroup == cgroup)
			return t;
	}
	i = sr_map__get(&im->tl_map, (uint64_t)bucket, proc, cgroup);
	if (i != NONE) {
		im->procs[proc].tl_hint = i + 1;
		return &im->tls[i];
	}
	if (im->ntls + 1 >= NONE ||
	    sr_grow_mem(&im->mem, &im->tls, &im->captls, im->ntls + 1, sizeof(*im->tls)) ||
	    sr_map__set(&im->tl_map, (uint64_t)bucket, proc, cgroup, (uint32_t)im->ntls))
		return NULL;
	im->procs[proc].tl_hint = (uint32_t)im->ntls + 1;
	t = &im->tls[im->ntls++];
	memset(t, 0, sizeof(*t));
	t->bucket = bucket;
	t->proc = proc;
	t->cgroup = cgroup;
	return t;
}

/* A call running from @at on (@d = 1) or no more (@d = -1), in the tl buckets. */
static int tl_step(struct an_imp *im, int64_t at, int d, uint32_t proc, uint64_t cgroup)
{
	int64_t b = sr_floor_div(at - im->start, SR_TL_NS);
	struct an_tl *t = tl_get(im, at, proc, cgroup), *next;

	if (!t)
		return -ENOMEM;
	/* what is left of its 10 ms from @at (t is moved by tl_get: add first) */
	t->sys_ns += d * (im->start + (b + 1) * SR_TL_NS - at);
	next = tl_get(im, im->start + (b + 1) * SR_TL_NS, proc, cgroup);
	if (!next)
		return -ENOMEM;
	next->sys_rate += d;
	return 0;
}

/* The syscall [s, e) in the tl buckets it spans (struct an_tl). */
static int tl_span(struct an_imp *im, int64_t s, int64_t e, uint32_t proc, uint64_t cgroup)
{
	int64_t bs = sr_floor_div(s - im->start, SR_TL_NS);
	int64_t be = sr_floor_div(e - im->start, SR_TL_NS);
	struct an_tl *t;

	if (bs == be) {
		/* within one 10 ms: its time there, no rate */
		t = tl_get(im, e, proc, cgroup);
		if (!t)
			return -ENOMEM;
		t->sys_ns += e - s;
		return 0;
	}
	return tl_step(im, s, 1, proc, cgroup) ?: tl_step(im, e, -1, proc, cgroup);
}

/* Write the waiting event rows: a full batch in one statement, a rest one by one. */
int flush_events(struct an_imp *im)
{
	sqlite3_stmt *st = im->npend == EV_BATCH ? im->ins_events : im->ins_event;
	int n = im->npend == EV_BATCH ? EV_BATCH : 1;

	if (im->sink) {
		int err = im->npend ? im->sink(im->sink_ctx, im->pend, im->npend) : 0;

		im->npend = 0;
		return err;
	}

	for (int done = 0; done < im->npend; done += n) {
		for (int k = 0; k < n; k++) {
			struct sr_an_evrow *r = &im->pend[done + k];

			for (int c = 0; c < EV_COLS; c++) {
				int at = k * EV_COLS + c + 1;

				if (c == EV_COL_COMM)
					sqlite3_bind_text(st, at, r->comm, r->comm_len, SQLITE_STATIC);
				else if (r->nulls & (1u << c))
					sqlite3_bind_null(st, at);
				else
					sqlite3_bind_int64(st, at, r->v[c]);
			}
		}
		if (step_reset(im, st))
			return -EIO;
	}
	im->npend = 0;
	return 0;
}

/* The events row of a record, queued for the next batch INSERT. */
static int queue_event_row(struct an_imp *im, const struct sr_event *h, uint32_t proc,
			   const struct sr_sys *s, uint32_t sys, const struct ev_row *x,
			   const struct cpu_split *sp)
{
	struct sr_an_evrow *r = &im->pend[im->npend];

	r->nulls = 0;
	r->v[0] = im->next_event;
	r->v[1] = im->trace_id;
	r->v[2] = im->rec_id;
	r->v[3] = (int64_t)h->ts;
	r->v[4] = h->type;
	r->v[5] = h->cpu;
	r->v[6] = h->flags;
	r->v[7] = im->proc_base + proc;
	r->v[8] = h->pid;
	r->v[9] = h->tid;
	r->v[10] = h->uid;
	r->v[11] = h->gid;
	r->v[12] = (int64_t)h->cgroup_id;
	r->comm_len = (uint8_t)comm_len(h->comm);
	memcpy(r->comm, h->comm, SR_COMM_LEN);
	if (s) {
		if (sys != NONE)
			r->v[14] = (int64_t)sys + 1;
		else
			r->nulls |= 1u << 14;
		r->v[15] = s->nr;
		r->v[16] = s->ret;
		r->v[17] = (int64_t)s->dur_ns;
	} else {
		r->nulls |= 0xfu << 14;
	}
	if (x->fd != -1)
		r->v[18] = x->fd;
	else
		r->nulls |= 1u << 18;
	if (x->file != NONE)
		r->v[19] = im->file_base + x->file;
	else
		r->nulls |= 1u << 19;
	if (x->has_len)
		r->v[20] = (int64_t)x->len;
	else
		r->nulls |= 1u << 20;
	if (x->has_off)
		r->v[21] = x->off;
	else
		r->nulls |= 1u << 21;
	if (x->has_arg)
		r->v[22] = x->arg;
	else
		r->nulls |= 1u << 22;
	if (sp) {
		r->v[EV_COL_CPU] = sp->on_cpu;
		r->v[EV_COL_CPU + 1] = sp->off_cpu;
		r->v[EV_COL_CPU + 2] = sp->blocked;
		r->v[EV_COL_CPU + 3] = sp->runq;
		r->v[EV_COL_CPU + 4] = sp->vol;
		r->v[EV_COL_CPU + 5] = sp->invol;
	} else {
		r->nulls |= 0x3fu << EV_COL_CPU;
	}
	if (++im->npend == EV_BATCH && flush_events(im))
		return -EIO;
	return 0;
}

int insert_event(struct an_imp *im, const struct sr_event *h, uint32_t proc,
		 const struct sr_sys *s, uint32_t sys, const struct ev_row *x)
{
	uint8_t rw = RW_NONE;
	struct an_agg *g;
	struct an_tl *t;
	int64_t dur = 0;
	struct cpu_split split;
	int has_split = s && syscall_split(im, h, s, &split);

	if (im->event_rows && queue_event_row(im, h, proc, s, sys, x, has_split ? &split : NULL))
		return -EIO;
	/* ids are counted with or without rows: recordings.first_event is the same */
	if (!im->rec_events)
		im->first_event = im->next_event;
	im->next_event++;
	im->rec_events++;
	im->tr_events++;
	if ((int64_t)h->ts < im->last_ts)
		im->ts_sorted = 0;
	im->last_ts = (int64_t)h->ts;

	/*
	 * A call's time within the recording (from its start when begun
	 * before), first: it may move the tl array, and t points into it.
	 */
	dur = s ? sr_clamp_u64(s->dur_ns, SR_DUR_MAX) : 0;
	if (dur && tl_span(im, im->have_start && (int64_t)h->ts - dur < im->start ?
			   im->start : (int64_t)h->ts - dur, (int64_t)h->ts, proc, h->cgroup_id))
		return -ENOMEM;
	g = agg_get(im, (int64_t)h->ts, proc, x->file, h->cgroup_id);
	t = tl_get(im, (int64_t)h->ts, proc, h->cgroup_id);
	if (!g || !t)
		return -ENOMEM;
	g->events++;
	t->events++;
	if (!s)
		return 0;
	if (h->type == SR_EV_OPEN && s->ret >= 0)
		g->opens++;
	dur = sr_clamp_u64(s->dur_ns, SR_DUR_MAX);
	if (sys != NONE)
		rw = im->sys[sys].rw;
	if ((h->type == SR_EV_RW || x->io) && s->ret >= 0) {
		uint64_t bytes = x->io ? x->io_bytes : (uint64_t)sr_io_bytes(s->ret);

		if (x->io)
			rw = x->io;
		if (rw == RW_READ) {
			g->reads++;
			g->read_bytes += bytes;
			t->read_bytes += bytes;
		} else if (rw == RW_WRITE) {
			g->writes++;
			g->write_bytes += bytes;
			t->write_bytes += bytes;
		}
	}
	if (h->type == SR_EV_MMAP || h->type == SR_EV_MUNMAP || h->type == SR_EV_BRK) {
		sqlite3_stmt *m = im->ins_memev;

		sqlite3_bind_int64(m, 1, im->proc_base + proc);
		sqlite3_bind_int64(m, 2, im->rec_id);
		sqlite3_bind_int64(m, 3, (int64_t)h->ts);
		sqlite3_bind_int(m, 4, h->type);
		sqlite3_bind_int64(m, 5, s->ret);
		sqlite3_bind_int64(m, 6, sr_clamp_u64(x->len, SR_LEN_MAX));
		if (step_reset(im, m))
			return -EIO;
	}
	if (sys != NONE) {
		struct an_sys *y = &im->sys[sys];

		y->calls++;
		y->errors += is_err(s->ret);
		y->total = (uint64_t)sr_sum((int64_t)y->total, dur);
		if ((uint64_t)dur > y->max)
			y->max = (uint64_t)dur;
		y->rec_calls++;
		y->rec_total = (uint64_t)sr_sum((int64_t)y->rec_total, dur);
		if (has_split) {
			y->off_cpu = (uint64_t)sr_sum((int64_t)y->off_cpu, split.off_cpu);
			y->blocked = (uint64_t)sr_sum((int64_t)y->blocked, split.blocked);
			y->runq = (uint64_t)sr_sum((int64_t)y->runq, split.runq);
			y->vol = (uint64_t)sr_sum((int64_t)y->vol, split.vol);
			y->invol = (uint64_t)sr_sum((int64_t)y->invol, split.invol);
		}
		if (im->keep_durs) {
			if (sr_grow_mem(&im->mem, &y->durs, &y->capdurs, y->ndurs + 1,
					sizeof(*y->durs)))
				return -ENOMEM;
			y->durs[y->ndurs++] = (uint64_t)dur;
		}
	}
	return 0;
}

int agg_io(struct an_imp *im, const struct sr_event *h, uint32_t proc, uint32_t file, int dir,
	   uint64_t bytes)
{
	struct an_agg *g = agg_get(im, (int64_t)h->ts, proc, file, h->cgroup_id);
	struct an_tl *t = tl_get(im, (int64_t)h->ts, proc, h->cgroup_id);

	if (!g || !t)
		return -ENOMEM;
	if (dir == RW_READ) {
		g->reads++;
		g->read_bytes += bytes;
		t->read_bytes += bytes;
	} else if (dir == RW_WRITE) {
		g->writes++;
		g->write_bytes += bytes;
		t->write_bytes += bytes;
	}
	return 0;
}
