// SPDX-License-Identifier: GPL-2.0-only
/*
 * export_perfetto.c - the timeline as a Perfetto trace: a protobuf Trace,
 * that is a run of TracePacket messages (field 1), each built as soon as
 * it is known and written out 64 KiB at a time, so the file streams.
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
 * names of events, categories and arguments, and the arguments' string
 * values, are interned on it.
 *
 * The field numbers are perfetto's, from protos/perfetto/trace/
 * (trace_packet.proto, track_event/track_event.proto, track_descriptor.proto,
 * process_descriptor.proto, thread_descriptor.proto, counter_descriptor.proto,
 * debug_annotation.proto, interned_data/interned_data.proto,
 * profiling/profile_common.proto, ps/process_tree.proto).
 * tests/export/perfetto_subset.proto is the same subset, which the tests
 * compile with protoc to read files back.
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
	ID_DEBUG_ANNOTATION_STRING_VALUES = 29,	/* InternedString: iid 1, str 2 */
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
	DA_STRING_VALUE_IID = 17,
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

/*
 * Interned strings: the names of events, categories and annotations, and
 * the string values of annotations (paths, errno names), are written once,
 * in the InternedData of the first packet that uses them, and then as
 * numbers (iids): a syscall's slice is about half as big with its names
 * interned, and a path written once per file instead of once per call
 * takes another third off.  The strings live in one pool, which is bounded
 * (a find(1) over a disk meets a path a call): when a table or the pool is
 * full, what is left of that packet is written out, and the next packet
 * with events clears the sequence's incremental state (a reader forgets
 * every iid) and starts the tables again.
 */
#define INTERN_MAX	65536		/* strings per table */
#define POOL_MAX	(8u << 20)	/* bytes of all tables' strings */
#define NEW_MAX		(2 * SR_EXP_ARGS_MAX + 2)	/* strings one packet may add */

enum { T_CAT, T_NAME, T_ANN, T_STR, T_COUNT };
static const uint32_t intern_field[T_COUNT] = {
	[T_CAT] = ID_EVENT_CATEGORIES, [T_NAME] = ID_EVENT_NAMES,
	[T_ANN] = ID_DEBUG_ANNOTATION_NAMES, [T_STR] = ID_DEBUG_ANNOTATION_STRING_VALUES,
};

/* A string of a table: its bytes in the pool. */
struct slot {
	uint32_t hash;			/* its hash's low bits, 0: an empty slot */
	uint32_t iid;
	uint32_t off, len;
};

struct intern {
	struct slot *v;			/* open addressing */
	size_t cap, n;
};

#define LIT_BITS	6
#define LIT_SLOTS	(1 << LIT_BITS)
#define SEEN_BITS	8
#define SEEN_SLOTS	(1 << SEEN_BITS)

/* Where a string was last met, and its slot (cleared when a table grows or starts again). */
struct seen {
	const char *s;
	int table;
	const struct slot *slot;
};

/* A string literal's iid, by its address. */
struct lit {
	const char *s;
	int table;
	uint64_t iid;
};

/* Packets are built in memory and written about this much at a time. */
#define SPILL		(64u << 10)

struct pf {
	struct sr_pb pb;
	int started;			/* the first packet was written */
	int clear;			/* a table is full: the next event packet starts them again */
	struct intern tab[T_COUNT];
	char *pool;			/* the tables' strings */
	size_t pool_len, pool_cap;
	struct lit lits[LIT_SLOTS];
	struct seen seen[SEEN_SLOTS];
	struct {			/* strings the packet being built defines */
		int table;
		uint32_t iid;
		uint32_t off, len;
	} fresh[NEW_MAX];
	int nfresh;
	struct sr_exp_bits counters;		/* proc * SR_EXP_C_COUNT + counter */
	struct sr_exp_bits states;		/* thread index */
	struct sr_exp_bits cpus, losts;	/* CPU_N */
};

/* A hash of @len bytes at @s, eight at a time: paths are a few dozen bytes. */
static uint32_t str_hash(const char *s, size_t len)
{
	uint64_t h = (uint64_t)len * 0x9e3779b97f4a7c15ull, w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	if (len) {
		w = 0;
		memcpy(&w, s, len);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	}
	h ^= h >> 29;
	return (uint32_t)h | 1;		/* never 0, the empty slot's */
}

/* Whether @n bytes at @a and @b are the same: eight at a time in line, as paths are short. */
static inline int same(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	size_t i;

	if (n < 8 || n > 128)
		return !memcmp(a, b, n);
	for (i = 0; i + 8 < n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return 0;
	}
	memcpy(&x, a + n - 8, 8);	/* the last eight, overlapping */
	memcpy(&y, b + n - 8, 8);
	return x == y;
}

/* Every table empty again: the iids start from 1 (the packet says so). */
static void intern_clear(struct pf *pf)
{
	for (int t = 0; t < T_COUNT; t++) {
		if (pf->tab[t].v)
			memset(pf->tab[t].v, 0, pf->tab[t].cap * sizeof(*pf->tab[t].v));
		pf->tab[t].n = 0;
	}
	pf->pool_len = 0;
	memset(pf->lits, 0, sizeof(pf->lits));
	memset(pf->seen, 0, sizeof(pf->seen));
	pf->clear = 0;
}

/* Room for another string in @in: 0, or -ENOSPC (full: the tables start again) or -ENOMEM. */
static int intern_room(struct pf *pf, struct intern *in, size_t len)
{
	size_t need = pf->pool_len + len;

	if (in->n >= INTERN_MAX || need > POOL_MAX || pf->nfresh >= NEW_MAX) {
		pf->clear = 1;
		return -ENOSPC;
	}
	if (need > pf->pool_cap) {
		size_t cap = pf->pool_cap ? pf->pool_cap : 64u << 10;
		char *p;

		while (cap < need)
			cap *= 2;
		p = realloc(pf->pool, cap);
		if (!p)
			return -ENOMEM;
		pf->pool = p;
		pf->pool_cap = cap;
	}
	if (in->n * 2 >= in->cap) {
		struct intern g = { .cap = in->cap ? in->cap * 2 : 64, .n = in->n };

		g.v = calloc(g.cap, sizeof(*g.v));
		if (!g.v)
			return -ENOMEM;
		for (size_t k = 0; k < in->cap; k++) {
			size_t i = in->v[k].hash & (g.cap - 1);

			if (!in->v[k].hash)
				continue;
			while (g.v[i].hash)
				i = (i + 1) & (g.cap - 1);
			g.v[i] = in->v[k];
		}
		free(in->v);
		*in = g;
		memset(pf->seen, 0, sizeof(pf->seen));	/* they point into the old slots */
	}
	return 0;
}

/*
 * The iid of @len bytes at @s in table @t: 0 when the table is full or out
 * of memory (write it out).  The same string mostly comes from the same
 * place (a descriptor's path, the syscall table's name): a string met at
 * the address of the last one in its cache slot is compared with it, not
 * hashed.
 */
static uint32_t intern(struct pf *pf, int t, const char *s, size_t len)
{
	struct intern *in = &pf->tab[t];
	struct seen *c = &pf->seen[sr_exp_addr_slot(s + t, SEEN_BITS)];
	uint32_t h;
	size_t i;

	if (c->s == s && c->table == t && c->slot->len == len &&
	    same(pf->pool + c->slot->off, s, len))
		return c->slot->iid;
	h = str_hash(s, len);
	if (in->cap) {
		for (i = h & (in->cap - 1); in->v[i].hash; i = (i + 1) & (in->cap - 1)) {
			const struct slot *e = &in->v[i];

			if (e->hash == h && e->len == len && same(pf->pool + e->off, s, len)) {
				*c = (struct seen){ .s = s, .table = t, .slot = e };
				return e->iid;
			}
		}
	}
	if (len > UINT32_MAX || intern_room(pf, in, len))
		return 0;
	for (i = h & (in->cap - 1); in->v[i].hash; i = (i + 1) & (in->cap - 1))
		;
	memcpy(pf->pool + pf->pool_len, s, len);
	in->v[i] = (struct slot){ .hash = h, .iid = (uint32_t)++in->n,
				  .off = (uint32_t)pf->pool_len, .len = (uint32_t)len };
	pf->pool_len += len;
	pf->fresh[pf->nfresh].table = t;
	pf->fresh[pf->nfresh].iid = in->v[i].iid;
	pf->fresh[pf->nfresh].off = in->v[i].off;
	pf->fresh[pf->nfresh].len = in->v[i].len;
	pf->nfresh++;
	return in->v[i].iid;
}

/*
 * The iid of name @name in table @t, 0 when it is written out.
 * Categories and argument keys are string literals, which live as long as
 * the program: those are looked up by address first, a slice's half dozen
 * without hashing a byte.
 */
static uint64_t name_iid(struct pf *pf, int t, const char *name)
{
	struct lit *l;
	uint64_t iid;

	if (t == T_NAME)
		return intern(pf, t, name, strlen(name));
	l = &pf->lits[sr_exp_addr_slot(name, LIT_BITS)];
	if (l->s == name && l->table == t)
		return l->iid;
	iid = intern(pf, t, name, strlen(name));
	if (iid)
		*l = (struct lit){ .s = name, .table = t, .iid = iid };
	return iid;
}

/* @name as an iid (field @iid_field) when interned, else as a string (@str_field). */
static void pb_name(struct pf *pf, int t, uint32_t iid_field, uint32_t str_field, const char *name)
{
	uint64_t iid = name_iid(pf, t, name);

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
	if (!pf->started || (events && pf->clear)) {
		if (pf->clear)
			intern_clear(pf);
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

/* What is built goes out when it is SPILL bytes or more, or @all. */
static void spill(struct sr_exp_sink *s, int all)
{
	struct pf *pf = s->priv;

	if (pf->pb.len < SPILL && !all)
		return;
	if (pf->pb.err && !s->err)
		s->err = pf->pb.err;
	if (!s->err && pf->pb.len && fwrite(pf->pb.buf, 1, pf->pb.len, s->f) != pf->pb.len)
		s->err = -(errno ? errno : EIO);
	sr_pb__reset(&pf->pb);
}

static void pkt_end(struct sr_exp_sink *s)
{
	struct pf *pf = s->priv;

	if (pf->nfresh) {
		sr_pb__begin(&pf->pb, PKT_INTERNED_DATA);
		for (int i = 0; i < pf->nfresh; i++) {
			sr_pb__begin(&pf->pb, intern_field[pf->fresh[i].table]);
			sr_pb__varint(&pf->pb, IE_IID, pf->fresh[i].iid);
			sr_pb__bytes(&pf->pb, IE_NAME, pf->pool + pf->fresh[i].off,
				     pf->fresh[i].len);
			sr_pb__end(&pf->pb);
		}
		sr_pb__end(&pf->pb);
		pf->nfresh = 0;
	}
	sr_pb__end(&pf->pb);
	spill(s, 0);
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

static size_t varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/*
 * The arguments as DebugAnnotations.  With its name and value interned or
 * an integer, an annotation is at most 24 bytes, its length one byte known
 * before it is written: such ones (nearly all) are written in one go.
 */
static void annotations(struct pf *pf, const struct sr_exp_arg *a, int na)
{
	struct sr_pb *pb = &pf->pb;

	for (int i = 0; i < na; i++) {
		uint64_t key = name_iid(pf, T_ANN, a[i].key), val;
		size_t body;
		uint8_t *d;

		val = a[i].s ? intern(pf, T_STR, a[i].s, a[i].len) : (uint64_t)a[i].i;
		if (!key || (a[i].s && !val)) {
			sr_pb__begin(pb, TE_DEBUG_ANNOTATIONS);
			if (key)
				sr_pb__varint(pb, DA_NAME_IID, key);
			else
				sr_pb__str(pb, DA_NAME, a[i].key);
			if (a[i].s)
				sr_pb__bytes(pb, DA_STRING_VALUE, a[i].s, a[i].len);
			else
				sr_pb__int(pb, DA_INT_VALUE, a[i].i);
			sr_pb__end(pb);
			continue;
		}
		body = 1 + varint_len(key) + (a[i].s ? 2 : 1) + varint_len(val);
		d = sr_pb__need(pb, 2 + body);
		if (!d)
			return;
		*d++ = TE_DEBUG_ANNOTATIONS << 3 | SR_PB_LEN;
		*d++ = (uint8_t)body;
		*d++ = DA_NAME_IID << 3 | SR_PB_VARINT;
		d += sr_pb_varint_enc(d, key);
		if (a[i].s) {
			*d++ = (uint8_t)((DA_STRING_VALUE_IID << 3 | SR_PB_VARINT) | 0x80);
			*d++ = (uint8_t)((DA_STRING_VALUE_IID << 3 | SR_PB_VARINT) >> 7);
		} else {
			*d++ = DA_INT_VALUE << 3 | SR_PB_VARINT;
		}
		d += sr_pb_varint_enc(d, val);
		pb->len = (size_t)(d - pb->buf);
	}
}
_Static_assert((DA_STRING_VALUE_IID << 3) >= 0x80 && (DA_STRING_VALUE_IID << 3) < 0x4000,
	       "string_value_iid's tag is two bytes");
_Static_assert((TE_DEBUG_ANNOTATIONS << 3) < 0x80 && (DA_INT_VALUE << 3) < 0x80,
	       "one-byte tags");

/*
 * The END of a slice on @uuid at @ts: half the packets, and always the
 * same few fields, whose lengths are known before they are written (a
 * packet that clears the incremental state takes the general way).  It
 * uses no interned string, so it does without SEQ_NEEDS_INCREMENTAL_STATE.
 */
static void slice_end(struct sr_exp_sink *s, uint64_t uuid, uint64_t ts)
{
	struct pf *pf = s->priv;
	struct sr_pb *pb = &pf->pb;
	size_t te = 2 + 1 + varint_len(uuid), body = 1 + varint_len(ts) + 2 + 2 + te;
	uint8_t *d;

	if (!pf->started || pf->clear) {
		pkt_begin_ev(s, ts, 1);
		sr_pb__begin(pb, PKT_TRACK_EVENT);
		sr_pb__varint(pb, TE_TYPE, TYPE_SLICE_END);
		sr_pb__varint(pb, TE_TRACK_UUID, uuid);
		sr_pb__end(pb);
		pkt_end(s);
		return;
	}
	d = sr_pb__need(pb, 2 + body);
	if (!d)
		return;
	*d++ = TRACE_PACKET << 3 | SR_PB_LEN;
	*d++ = (uint8_t)body;
	*d++ = PKT_TIMESTAMP << 3 | SR_PB_VARINT;
	d += sr_pb_varint_enc(d, ts);
	*d++ = PKT_SEQUENCE_ID << 3 | SR_PB_VARINT;
	*d++ = SEQ_ID;
	*d++ = PKT_TRACK_EVENT << 3 | SR_PB_LEN;
	*d++ = (uint8_t)te;
	*d++ = TE_TYPE << 3 | SR_PB_VARINT;
	*d++ = TYPE_SLICE_END;
	*d++ = TE_TRACK_UUID << 3 | SR_PB_VARINT;
	d += sr_pb_varint_enc(d, uuid);
	pb->len = (size_t)(d - pb->buf);
	spill(s, 0);
}
_Static_assert((PKT_SEQUENCE_ID << 3) < 0x80 && (PKT_TRACK_EVENT << 3) < 0x80 &&
	       (TE_TRACK_UUID << 3) < 0x80 && SEQ_ID < 0x80, "one-byte tags and values");

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
	slice_end(s, uuid, end);
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
	int rc = sr_exp_bit_claim(&pf->counters, p->uuid * SR_EXP_C_COUNT + c);

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
	int rc = sr_exp_bit_claim(&pf->states, t->uuid);

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
	int rc = sr_exp_bit_claim(&pf->cpus, CPU_N(rec, cpu));
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
	int rc = sr_exp_bit_claim(&pf->losts, CPU_N(rec, cpu));
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
		spill(s, 1);
		for (int t = 0; t < T_COUNT; t++)
			free(pf->tab[t].v);
		free(pf->pool);
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
