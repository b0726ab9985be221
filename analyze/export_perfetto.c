// SPDX-License-Identifier: GPL-2.0-only
/*
 * export_perfetto.c - the timeline as a Perfetto trace: a protobuf Trace,
 * that is a run of TracePacket messages (field 1), each written as soon as
 * it is known, so the file streams.
 *
 * Processes and threads are TrackDescriptors with a ProcessDescriptor or a
 * ThreadDescriptor (and a ProcessTree entry for the parent pid, which the
 * descriptor has no field for); syscalls are TrackEvent slices (a BEGIN and
 * an END packet) on their thread's track with DebugAnnotations for the
 * arguments; exec, fork and exit are instants, a fork's flow id joins the
 * parent's instant to the child's start; counters are counter tracks
 * below their process; thread states are slices on a "state" track below
 * the thread, CPUs and lost ranges global tracks.  Every packet is on one
 * trusted sequence whose first packet clears its incremental state; the
 * names of events, categories and arguments are interned on it.
 *
 * The field numbers are perfetto's, from protos/perfetto/trace/
 * (trace_packet.proto, track_event/track_event.proto, track_descriptor.proto,
 * process_descriptor.proto, thread_descriptor.proto, counter_descriptor.proto,
 * debug_annotation.proto, ps/process_tree.proto).  tests/cli/export.proto is
 * the same subset, which the tests compile with protoc to read files back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "pbuf.h"

enum {
	TRACE_PACKET = 1,

	PKT_PROCESS_TREE = 2,
	PKT_TIMESTAMP = 8,
	PKT_SEQUENCE_ID = 10,		/* trusted_packet_sequence_id */
	PKT_TRACK_EVENT = 11,
	PKT_INTERNED_DATA = 12,
	PKT_SEQUENCE_FLAGS = 13,
	PKT_TRACK_DESCRIPTOR = 60,
	SEQ_INCREMENTAL_STATE_CLEARED = 1,
	SEQ_NEEDS_INCREMENTAL_STATE = 2,

	/* InternedData: its lists; each entry (EventCategory, EventName, DebugAnnotationName) iid 1, name 2 */
	ID_EVENT_CATEGORIES = 1,
	ID_EVENT_NAMES = 2,
	ID_DEBUG_ANNOTATION_NAMES = 3,
	IE_IID = 1,
	IE_NAME = 2,

	TD_UUID = 1,
	TD_NAME = 2,
	TD_PROCESS = 3,
	TD_THREAD = 4,
	TD_PARENT_UUID = 5,
	TD_COUNTER = 8,

	PD_PID = 1,
	PD_CMDLINE = 2,
	PD_PROCESS_NAME = 6,

	THD_PID = 1,
	THD_TID = 2,
	THD_THREAD_NAME = 5,

	CD_UNIT = 3,
	UNIT_SIZE_BYTES = 3,

	TE_CATEGORY_IIDS = 3,
	TE_DEBUG_ANNOTATIONS = 4,
	TE_TYPE = 9,
	TE_NAME_IID = 10,
	TE_TRACK_UUID = 11,
	TE_CATEGORIES = 22,
	TE_NAME = 23,
	TE_COUNTER_VALUE = 30,
	TE_FLOW_IDS = 47,
	TE_TERMINATING_FLOW_IDS = 48,
	TYPE_SLICE_BEGIN = 1,
	TYPE_SLICE_END = 2,
	TYPE_INSTANT = 3,
	TYPE_COUNTER = 4,

	DA_NAME_IID = 1,
	DA_INT_VALUE = 4,
	DA_STRING_VALUE = 6,
	DA_NAME = 10,

	PT_PROCESSES = 1,
	PTP_PID = 1,
	PTP_PPID = 2,
	PTP_CMDLINE = 3,
};

#define SEQ_ID		1	/* the one packet sequence */

/*
 * Track uuids: the model's index, and a kind in the low 4 bits, so that the
 * uuid of every event is a short varint (uuid 0 is the global track).
 */
enum { K_PROCESS = 1, K_THREAD, K_STATE, K_COUNTER, K_CPU = K_COUNTER + SR_EXP_C_COUNT, K_LOST };
_Static_assert(K_LOST < 16, "a track kind fits 4 bits");
#define UUID(kind, n)	((uint64_t)(n) << 4 | (uint64_t)(kind))
#define CPU_N(rec, cpu)	((uint64_t)(rec) << 20 | (uint64_t)(cpu & 0xfffff))

/* Which lazily described tracks were described: a growing bitmap. */
struct bits {
	uint8_t *v;
	size_t n;
};

/* 1 when bit @i was clear (and now is set); -ENOMEM. */
static int bit_claim(struct bits *b, uint64_t i)
{
	if (i / 8 >= b->n) {
		size_t n = b->n ? b->n : 256;
		uint8_t *v;

		while (i / 8 >= n)
			n *= 2;
		v = realloc(b->v, n);
		if (!v)
			return -ENOMEM;
		memset(v + b->n, 0, n - b->n);
		b->v = v;
		b->n = n;
	}
	if (b->v[i / 8] >> (i % 8) & 1)
		return 0;
	b->v[i / 8] |= (uint8_t)(1u << (i % 8));
	return 1;
}

/*
 * Interned strings: the names of events, categories and annotations are
 * written once, in the InternedData of the first packet that uses them,
 * and then as numbers (iids): a slice's packet is about half as big.
 * Only names from small sets are interned (syscalls, states, comms, the
 * fixed keys); a table that fills up leaves further names written out.
 */
#define INTERN_MAX	16384		/* names per table */
#define NEW_MAX		(SR_EXP_ARGS_MAX + 2)	/* names one packet may add */

enum { T_CAT, T_NAME, T_ANN, T_COUNT };
static const uint32_t intern_field[T_COUNT] = {
	[T_CAT] = ID_EVENT_CATEGORIES, [T_NAME] = ID_EVENT_NAMES, [T_ANN] = ID_DEBUG_ANNOTATION_NAMES,
};

struct intern {
	char **keys;			/* open addressing, NULL: empty */
	uint32_t *iids;
	size_t cap, n;
};

#define LIT_SLOTS	64

/* A string literal's iid, by its address. */
struct lit {
	const char *s;
	int table;
	uint64_t iid;
};

struct pf {
	struct sr_pb pb;
	int started;			/* the first packet was written */
	struct intern tab[T_COUNT];
	struct lit lits[LIT_SLOTS];
	struct {			/* names the packet being built defines */
		int table;
		uint64_t iid;
		const char *name;
	} fresh[NEW_MAX];
	int nfresh;
	struct bits counters;		/* proc * SR_EXP_C_COUNT + counter */
	struct bits states;		/* thread index */
	struct bits cpus, losts;	/* CPU_N */
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 1099511628211ull;
	return h;
}

/* The iid of @name in table @t: 0 when the table is full or out of memory (write it out). */
static uint64_t intern(struct pf *pf, int t, const char *name)
{
	struct intern *in = &pf->tab[t];
	size_t i;

	if (in->n * 2 >= in->cap) {
		struct intern g = { .cap = in->cap ? in->cap * 2 : 64 };

		if (in->n >= INTERN_MAX || pf->nfresh >= NEW_MAX)
			goto look;
		g.keys = calloc(g.cap, sizeof(*g.keys));
		g.iids = calloc(g.cap, sizeof(*g.iids));
		if (!g.keys || !g.iids) {
			free(g.keys);
			free(g.iids);
			goto look;
		}
		for (size_t k = 0; k < in->cap; k++) {
			if (!in->keys[k])
				continue;
			i = str_hash(in->keys[k]) & (g.cap - 1);
			while (g.keys[i])
				i = (i + 1) & (g.cap - 1);
			g.keys[i] = in->keys[k];
			g.iids[i] = in->iids[k];
		}
		free(in->keys);
		free(in->iids);
		g.n = in->n;
		*in = g;
	}
look:
	if (!in->cap)
		return 0;
	i = str_hash(name) & (in->cap - 1);
	while (in->keys[i]) {
		if (!strcmp(in->keys[i], name))
			return in->iids[i];
		i = (i + 1) & (in->cap - 1);
	}
	if (in->n * 2 >= in->cap || pf->nfresh >= NEW_MAX || !(in->keys[i] = strdup(name)))
		return 0;
	in->iids[i] = (uint32_t)++in->n;
	pf->fresh[pf->nfresh].table = t;
	pf->fresh[pf->nfresh].iid = in->iids[i];
	pf->fresh[pf->nfresh].name = in->keys[i];
	pf->nfresh++;
	return in->iids[i];
}

/*
 * @name as an iid (field @iid_field) when interned, else as a string
 * (@str_field).  Categories and argument keys are string literals, which
 * live as long as the program: those are looked up by address first, a
 * slice's half dozen without hashing a byte.
 */
static void pb_name(struct pf *pf, int t, uint32_t iid_field, uint32_t str_field, const char *name)
{
	uint64_t iid;

	if (t != T_NAME) {
		struct lit *l = &pf->lits[(uintptr_t)name / 8 % LIT_SLOTS];

		if (l->s == name && l->table == t) {
			sr_pb__varint(&pf->pb, iid_field, l->iid);
			return;
		}
		iid = intern(pf, t, name);
		if (iid)
			*l = (struct lit){ .s = name, .table = t, .iid = iid };
	} else {
		iid = intern(pf, t, name);
	}

	if (iid)
		sr_pb__varint(&pf->pb, iid_field, iid);
	else
		sr_pb__str(&pf->pb, str_field, name);
}

/* A packet at @ts; @events: it holds a TrackEvent, which may use interned names. */
static void pkt_begin_ev(struct sr_exp_sink *s, uint64_t ts, int events)
{
	struct pf *pf = s->priv;
	uint32_t flags = events ? SEQ_NEEDS_INCREMENTAL_STATE : 0;

	sr_pb__begin(&pf->pb, TRACE_PACKET);
	sr_pb__varint(&pf->pb, PKT_TIMESTAMP, ts);
	sr_pb__varint(&pf->pb, PKT_SEQUENCE_ID, SEQ_ID);
	if (!pf->started) {
		flags |= SEQ_INCREMENTAL_STATE_CLEARED;
		pf->started = 1;
	}
	if (flags)
		sr_pb__varint(&pf->pb, PKT_SEQUENCE_FLAGS, flags);
	pf->nfresh = 0;
}

static void pkt_begin(struct sr_exp_sink *s, uint64_t ts)
{
	pkt_begin_ev(s, ts, 0);
}

static void pkt_end(struct sr_exp_sink *s)
{
	struct pf *pf = s->priv;

	if (pf->nfresh) {
		sr_pb__begin(&pf->pb, PKT_INTERNED_DATA);
		for (int i = 0; i < pf->nfresh; i++) {
			sr_pb__begin(&pf->pb, intern_field[pf->fresh[i].table]);
			sr_pb__varint(&pf->pb, IE_IID, pf->fresh[i].iid);
			sr_pb__str(&pf->pb, IE_NAME, pf->fresh[i].name);
			sr_pb__end(&pf->pb);
		}
		sr_pb__end(&pf->pb);
		pf->nfresh = 0;
	}
	sr_pb__end(&pf->pb);
	if (pf->pb.err && !s->err)
		s->err = pf->pb.err;
	if (!s->err && fwrite(pf->pb.buf, 1, pf->pb.len, s->f) != pf->pb.len)
		s->err = -(errno ? errno : EIO);
	sr_pb__reset(&pf->pb);
}

static void pb_argv(struct sr_pb *pb, uint32_t field, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t n = strnlen(s + i, len - i);

		sr_pb__bytes(pb, field, s + i, n);
		i += n + 1;
	}
}

static int pf_open(struct sr_exp_sink *s)
{
	s->priv = calloc(1, sizeof(struct pf));
	return s->priv ? 0 : -ENOMEM;
}

static void pf_process(struct sr_exp_sink *s, const struct sr_exp_proc *p, uint64_t ts)
{
	struct sr_pb *pb = &((struct pf *)s->priv)->pb;

	pkt_begin(s, ts);
	sr_pb__begin(pb, PKT_TRACK_DESCRIPTOR);
	sr_pb__varint(pb, TD_UUID, UUID(K_PROCESS, p->uuid));
	sr_pb__begin(pb, TD_PROCESS);
	sr_pb__int(pb, PD_PID, (int32_t)p->pid);
	if (p->cmdline)
		pb_argv(pb, PD_CMDLINE, p->cmdline, p->cmdline_len);
	sr_pb__str(pb, PD_PROCESS_NAME, p->name);
	sr_pb__end(pb);
	sr_pb__end(pb);
	pkt_end(s);
	if (!p->ppid)
		return;
	pkt_begin(s, ts);
	sr_pb__begin(pb, PKT_PROCESS_TREE);
	sr_pb__begin(pb, PT_PROCESSES);
	sr_pb__int(pb, PTP_PID, (int32_t)p->pid);
	sr_pb__int(pb, PTP_PPID, (int32_t)p->ppid);
	sr_pb__str(pb, PTP_CMDLINE, p->name);
	sr_pb__end(pb);
	sr_pb__end(pb);
	pkt_end(s);
}

static void pf_thread(struct sr_exp_sink *s, const struct sr_exp_thread *t,
		      const struct sr_exp_proc *p, uint64_t ts)
{
	struct sr_pb *pb = &((struct pf *)s->priv)->pb;

	pkt_begin(s, ts);
	sr_pb__begin(pb, PKT_TRACK_DESCRIPTOR);
	sr_pb__varint(pb, TD_UUID, UUID(K_THREAD, t->uuid));
	sr_pb__varint(pb, TD_PARENT_UUID, UUID(K_PROCESS, p->uuid));
	sr_pb__begin(pb, TD_THREAD);
	sr_pb__int(pb, THD_PID, (int32_t)p->pid);
	sr_pb__int(pb, THD_TID, (int32_t)t->tid);
	sr_pb__str(pb, THD_THREAD_NAME, t->name);
	sr_pb__end(pb);
	sr_pb__end(pb);
	pkt_end(s);
}

/* A track below @parent (0: none) named @name; a counter of bytes when @counter. */
static void track(struct sr_exp_sink *s, uint64_t ts, uint64_t uuid, uint64_t parent,
		  const char *name, int counter)
{
	struct sr_pb *pb = &((struct pf *)s->priv)->pb;

	pkt_begin(s, ts);
	sr_pb__begin(pb, PKT_TRACK_DESCRIPTOR);
	sr_pb__varint(pb, TD_UUID, uuid);
	if (parent)
		sr_pb__varint(pb, TD_PARENT_UUID, parent);
	sr_pb__str(pb, TD_NAME, name);
	if (counter) {
		sr_pb__begin(pb, TD_COUNTER);
		sr_pb__varint(pb, CD_UNIT, UNIT_SIZE_BYTES);
		sr_pb__end(pb);
	}
	sr_pb__end(pb);
	pkt_end(s);
}

static void annotations(struct pf *pf, const struct sr_exp_arg *a, int na)
{
	struct sr_pb *pb = &pf->pb;

	for (int i = 0; i < na; i++) {
		sr_pb__begin(pb, TE_DEBUG_ANNOTATIONS);
		pb_name(pf, T_ANN, DA_NAME_IID, DA_NAME, a[i].key);
		if (a[i].s)
			sr_pb__bytes(pb, DA_STRING_VALUE, a[i].s, a[i].len);
		else
			sr_pb__int(pb, DA_INT_VALUE, a[i].i);
		sr_pb__end(pb);
	}
}

/* A slice from @start to @end on @uuid: a BEGIN packet with the name and arguments, an END. */
static void slice(struct sr_exp_sink *s, uint64_t uuid, uint64_t start, uint64_t end,
		  const char *cat, const char *name, int intern_name,
		  const struct sr_exp_arg *a, int na)
{
	struct pf *pf = s->priv;
	struct sr_pb *pb = &pf->pb;

	pkt_begin_ev(s, start, 1);
	sr_pb__begin(pb, PKT_TRACK_EVENT);
	sr_pb__varint(pb, TE_TYPE, TYPE_SLICE_BEGIN);
	sr_pb__varint(pb, TE_TRACK_UUID, uuid);
	pb_name(pf, T_CAT, TE_CATEGORY_IIDS, TE_CATEGORIES, cat);
	if (intern_name)
		pb_name(pf, T_NAME, TE_NAME_IID, TE_NAME, name);
	else
		sr_pb__str(pb, TE_NAME, name);
	annotations(pf, a, na);
	sr_pb__end(pb);
	pkt_end(s);
	pkt_begin_ev(s, end, 1);
	sr_pb__begin(pb, PKT_TRACK_EVENT);
	sr_pb__varint(pb, TE_TYPE, TYPE_SLICE_END);
	sr_pb__varint(pb, TE_TRACK_UUID, uuid);
	sr_pb__end(pb);
	pkt_end(s);
}

static void pf_slice(struct sr_exp_sink *s, const struct sr_exp_thread *t,
		     const struct sr_exp_proc *p, uint64_t start, uint64_t end,
		     const char *name, const struct sr_exp_arg *a, int na)
{
	(void)p;
	slice(s, UUID(K_THREAD, t->uuid), start, end, "syscall", name, 1, a, na);
}

static void pf_instant(struct sr_exp_sink *s, const struct sr_exp_thread *t,
		       const struct sr_exp_proc *p, uint64_t ts, const char *name,
		       const struct sr_exp_arg *a, int na, uint64_t flow_out, uint64_t flow_in)
{
	struct pf *pf = s->priv;
	struct sr_pb *pb = &pf->pb;

	(void)p;
	pkt_begin_ev(s, ts, 1);
	sr_pb__begin(pb, PKT_TRACK_EVENT);
	sr_pb__varint(pb, TE_TYPE, TYPE_INSTANT);
	sr_pb__varint(pb, TE_TRACK_UUID, UUID(K_THREAD, t->uuid));
	pb_name(pf, T_CAT, TE_CATEGORY_IIDS, TE_CATEGORIES, "process");
	pb_name(pf, T_NAME, TE_NAME_IID, TE_NAME, name);
	annotations(pf, a, na);
	if (flow_out)
		sr_pb__fixed64(pb, TE_FLOW_IDS, flow_out);
	if (flow_in)
		sr_pb__fixed64(pb, TE_TERMINATING_FLOW_IDS, flow_in);
	sr_pb__end(pb);
	pkt_end(s);
}

static void pf_counter(struct sr_exp_sink *s, const struct sr_exp_proc *p,
		       enum sr_exp_counter c, uint64_t ts, int64_t v)
{
	struct pf *pf = s->priv;
	uint64_t uuid = UUID(K_COUNTER + c, p->uuid);
	int rc = bit_claim(&pf->counters, p->uuid * SR_EXP_C_COUNT + c);

	if (rc < 0) {
		s->err = rc;
		return;
	}
	if (rc)
		track(s, ts, uuid, UUID(K_PROCESS, p->uuid), sr_exp_counter_names[c], 1);
	pkt_begin_ev(s, ts, 1);
	sr_pb__begin(&pf->pb, PKT_TRACK_EVENT);
	sr_pb__varint(&pf->pb, TE_TYPE, TYPE_COUNTER);
	sr_pb__varint(&pf->pb, TE_TRACK_UUID, uuid);
	sr_pb__int(&pf->pb, TE_COUNTER_VALUE, v);
	sr_pb__end(&pf->pb);
	pkt_end(s);
}

static void pf_state(struct sr_exp_sink *s, const struct sr_exp_thread *t,
		     const struct sr_exp_proc *p, uint64_t start, uint64_t end,
		     enum sr_exp_state state, int cpu)
{
	struct pf *pf = s->priv;
	struct sr_exp_arg a = { .key = "cpu", .i = cpu };
	int rc = bit_claim(&pf->states, t->uuid);

	(void)p;
	if (rc < 0) {
		s->err = rc;
		return;
	}
	if (rc)
		track(s, start, UUID(K_STATE, t->uuid), UUID(K_THREAD, t->uuid), "state", 0);
	slice(s, UUID(K_STATE, t->uuid), start, end, "sched", sr_exp_state_names[state], 1, &a,
	      cpu >= 0);
}

static void pf_cpu(struct sr_exp_sink *s, unsigned int rec, int cpu, uint64_t start,
		   uint64_t end, const struct sr_exp_thread *t, const struct sr_exp_proc *p)
{
	struct pf *pf = s->priv;
	struct sr_exp_arg a[2] = { { .key = "pid", .i = p->pid }, { .key = "tid", .i = t->tid } };
	int rc = bit_claim(&pf->cpus, CPU_N(rec, cpu));
	char name[48];

	if (rc < 0) {
		s->err = rc;
		return;
	}
	if (rc) {
		snprintf(name, sizeof(name), rec ? "CPU %d (recording %u)" : "CPU %d", cpu, rec + 1);
		track(s, start, UUID(K_CPU, CPU_N(rec, cpu)), 0, name, 0);
	}
	slice(s, UUID(K_CPU, CPU_N(rec, cpu)), start, end, "sched", t->name, 1, a, 2);
}

static void pf_lost(struct sr_exp_sink *s, unsigned int rec, int cpu, uint64_t start,
		    uint64_t end, uint64_t count)
{
	struct pf *pf = s->priv;
	struct sr_exp_arg a = { .key = "count", .i = (int64_t)(count & INT64_MAX) };
	int rc = bit_claim(&pf->losts, CPU_N(rec, cpu));
	char name[64];

	if (rc < 0) {
		s->err = rc;
		return;
	}
	if (rc) {
		snprintf(name, sizeof(name), rec ? "Lost events, CPU %d (recording %u)" :
			 "Lost events, CPU %d", cpu, rec + 1);
		track(s, start, UUID(K_LOST, CPU_N(rec, cpu)), 0, name, 0);
	}
	snprintf(name, sizeof(name), "lost %llu events", (unsigned long long)count);
	slice(s, UUID(K_LOST, CPU_N(rec, cpu)), start, end, "lost", name, 0, &a, 1);
}

static int pf_close(struct sr_exp_sink *s)
{
	struct pf *pf = s->priv;

	if (pf) {
		for (int t = 0; t < T_COUNT; t++) {
			for (size_t i = 0; i < pf->tab[t].cap; i++)
				free(pf->tab[t].keys[i]);
			free(pf->tab[t].keys);
			free(pf->tab[t].iids);
		}
		sr_pb__free(&pf->pb);
		free(pf->counters.v);
		free(pf->states.v);
		free(pf->cpus.v);
		free(pf->losts.v);
		free(pf);
		s->priv = NULL;
	}
	return s->err;
}

const struct sr_exp_sink_ops sr_exp_perfetto = {
	.option = "perfetto",
	.writes_file = 1,
	.open = pf_open,
	.process = pf_process,
	.thread = pf_thread,
	.slice = pf_slice,
	.instant = pf_instant,
	.counter = pf_counter,
	.state = pf_state,
	.cpu = pf_cpu,
	.lost = pf_lost,
	.close = pf_close,
};
