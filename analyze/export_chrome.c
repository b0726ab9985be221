// SPDX-License-Identifier: GPL-2.0-only
/*
 * export_chrome.c - the timeline in the Trace Event Format (Chrome's JSON,
 * "JSON Array Format"): one event object a line, for the tools that read
 * only that (chrome://tracing, speedscope, older Perfetto UIs).
 *
 * Syscalls are complete events ("X") on their thread, exec/fork/exit
 * instants ("i") with a flow ("s" -> "f") from a fork to the child's start,
 * counters "C" events of their process, names "M" metadata.  The format has
 * no tracks but threads, and slices on one thread must nest, which a
 * thread's states do not with its syscalls: they go on a thread of their
 * own (tid | 0x40000000, named "<name> state"); CPUs and lost ranges on
 * pseudo processes, one thread a CPU.  Times are microseconds with three
 * decimals, so every nanosecond is kept.  Written with format/json.c's
 * writer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/util.h"
#include "export.h"

#define STATE_TID	0x40000000u	/* the state thread of tid T: T | STATE_TID */
#define CPU_PID		0x7fff0000u	/* + recording: the CPUs' pseudo process */
#define LOST_PID	0x7ffe0000u	/* + recording: lost ranges, one thread a CPU */

/* Which pseudo threads were named: a growing bitmap. */
struct named {
	uint8_t *v;
	size_t n;
};

struct cj {
	struct sr_json *j;
	struct named states;		/* by thread index */
	struct named pseudo;		/* PSEUDO() */
};

/* The CPUs' (@what 0) or lost ranges' (1) pseudo process of @rec (@cpu -1) or its thread @cpu. */
#define PSEUDO(what, rec, cpu)	(((uint64_t)(rec) * 2 + (what)) * 65537 + (uint64_t)((cpu) + 1))

/* 1 the first time @i is asked for, else 0; -ENOMEM. */
static int first_time(struct named *b, uint64_t i)
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

static void ts_key(struct sr_json *j, const char *key, uint64_t ns)
{
	char b[32];

	sr_json__key(j, key);
	sr_json__raw(j, b, sr_exp_us(b, ns));
}

static void head(struct sr_json *j, const char *ph, const char *name, uint32_t pid, uint32_t tid)
{
	sr_json__obj_start(j);
	SR_JSON_KEY(j, "ph");
	sr_json__str(j, ph);
	SR_JSON_KEY(j, "name");
	sr_json__str(j, name);
	SR_JSON_KEY(j, "pid");
	sr_json__u64(j, pid);
	SR_JSON_KEY(j, "tid");
	sr_json__u64(j, tid);
}

static void args(struct sr_json *j, const struct sr_exp_arg *a, int na)
{
	SR_JSON_KEY(j, "args");
	sr_json__obj_start(j);
	for (int i = 0; i < na; i++) {
		sr_json__key(j, a[i].key);
		if (a[i].s)
			sr_json__strn(j, a[i].s, a[i].len);
		else
			sr_json__s64(j, a[i].i);
	}
	sr_json__obj_end(j);
}

/* {"ph":"M","name":"process_name"|"thread_name",...,"args":{"name":...}} */
static void meta(struct sr_json *j, const char *what, uint32_t pid, uint32_t tid,
		 const char *name, int64_t ppid)
{
	head(j, "M", what, pid, tid);
	SR_JSON_KEY(j, "args");
	sr_json__obj_start(j);
	SR_JSON_KEY(j, "name");
	sr_json__str(j, name);
	if (ppid >= 0) {
		SR_JSON_KEY(j, "ppid");
		sr_json__s64(j, ppid);
	}
	sr_json__obj_end(j);
	sr_json__obj_end(j);
}

static void complete(struct sr_json *j, const char *cat, const char *name, uint32_t pid,
		     uint32_t tid, uint64_t start, uint64_t end, const struct sr_exp_arg *a, int na)
{
	head(j, "X", name, pid, tid);
	SR_JSON_KEY(j, "cat");
	sr_json__str(j, cat);
	ts_key(j, "ts", start);
	ts_key(j, "dur", end - start);
	args(j, a, na);
	sr_json__obj_end(j);
}

/*
 * Events are built in the writer's memory and written 64 KiB at a time:
 * a FILE writer would make a stdio call for every key and value.
 */
#define SPILL	(64u << 10)

static void spill(struct sr_exp_sink *s, size_t at_least)
{
	struct cj *c = s->priv;
	size_t len;
	const char *b = sr_json__mem(c->j, &len);

	if (!b) {
		if (!s->err)
			s->err = -ENOMEM;
		sr_json__mem_clear(c->j);
		return;
	}
	if (len < at_least)
		return;
	if (!s->err && fwrite(b, 1, len, s->f) != len)
		s->err = -(errno ? errno : EIO);
	sr_json__mem_clear(c->j);
}

static int cj_open(struct sr_exp_sink *s)
{
	struct cj *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->j = sr_json__new_mem(SR_JSON_ROWS);
	if (!c->j) {
		free(c);
		return -ENOMEM;
	}
	sr_json__arr_start(c->j);
	s->priv = c;
	return 0;
}

static void cj_process(struct sr_exp_sink *s, const struct sr_exp_proc *p, uint64_t ts)
{
	struct cj *c = s->priv;

	(void)ts;
	meta(c->j, "process_name", p->pid, 0, p->name, p->ppid ? (int64_t)p->ppid : -1);
	spill(s, SPILL);
}

static void cj_thread(struct sr_exp_sink *s, const struct sr_exp_thread *t,
		      const struct sr_exp_proc *p, uint64_t ts)
{
	struct cj *c = s->priv;

	(void)ts;
	meta(c->j, "thread_name", p->pid, t->tid, t->name, -1);
	spill(s, SPILL);
}

static void cj_slice(struct sr_exp_sink *s, const struct sr_exp_thread *t,
		     const struct sr_exp_proc *p, uint64_t start, uint64_t end,
		     const char *name, const struct sr_exp_arg *a, int na)
{
	complete(((struct cj *)s->priv)->j, "syscall", name, p->pid, t->tid, start, end, a, na);
	spill(s, SPILL);
}

static void flow(struct sr_json *j, const char *ph, uint64_t id, uint32_t pid, uint32_t tid,
		 uint64_t ts)
{
	head(j, ph, "fork", pid, tid);
	SR_JSON_KEY(j, "cat");
	sr_json__str(j, "process");
	SR_JSON_KEY(j, "id");
	sr_json__u64(j, id);
	ts_key(j, "ts", ts);
	if (*ph == 'f') {
		SR_JSON_KEY(j, "bp");
		sr_json__str(j, "e");
	}
	sr_json__obj_end(j);
}

static void cj_instant(struct sr_exp_sink *s, const struct sr_exp_thread *t,
		       const struct sr_exp_proc *p, uint64_t ts, const char *name,
		       const struct sr_exp_arg *a, int na, uint64_t flow_out, uint64_t flow_in)
{
	struct sr_json *j = ((struct cj *)s->priv)->j;

	head(j, "i", name, p->pid, t->tid);
	SR_JSON_KEY(j, "cat");
	sr_json__str(j, "process");
	SR_JSON_KEY(j, "s");
	sr_json__str(j, "t");
	ts_key(j, "ts", ts);
	args(j, a, na);
	sr_json__obj_end(j);
	if (flow_out)
		flow(j, "s", flow_out, p->pid, t->tid, ts);
	if (flow_in)
		flow(j, "f", flow_in, p->pid, t->tid, ts);
	spill(s, SPILL);
}

static void cj_counter(struct sr_exp_sink *s, const struct sr_exp_proc *p,
		       enum sr_exp_counter c, uint64_t ts, int64_t v)
{
	struct sr_json *j = ((struct cj *)s->priv)->j;

	head(j, "C", sr_exp_counter_names[c], p->pid, 0);
	ts_key(j, "ts", ts);
	SR_JSON_KEY(j, "args");
	sr_json__obj_start(j);
	SR_JSON_KEY(j, "value");
	sr_json__s64(j, v);
	sr_json__obj_end(j);
	sr_json__obj_end(j);
	spill(s, SPILL);
}

static void cj_state(struct sr_exp_sink *s, const struct sr_exp_thread *t,
		     const struct sr_exp_proc *p, uint64_t start, uint64_t end,
		     enum sr_exp_state state, int cpu)
{
	struct cj *c = s->priv;
	struct sr_exp_arg a = { .key = "cpu", .i = cpu };
	int rc = first_time(&c->states, t->uuid);
	char name[SR_COMM_LEN + 8];

	if (rc < 0) {
		s->err = rc;
		return;
	}
	if (rc) {
		snprintf(name, sizeof(name), "%s state", t->name);
		meta(c->j, "thread_name", p->pid, t->tid | STATE_TID, name, -1);
	}
	complete(c->j, "sched", sr_exp_state_names[state], p->pid, t->tid | STATE_TID, start, end,
		 &a, cpu >= 0);
	spill(s, SPILL);
}

/* The pseudo process @pid (CPUs or lost ranges of recording @rec) and its thread @cpu, named. */
static int pseudo(struct sr_exp_sink *s, uint32_t pid, unsigned int rec, int cpu,
		  const char *what, int key)
{
	struct cj *c = s->priv;
	char name[64];
	int rc = first_time(&c->pseudo, PSEUDO(key, rec, -1));

	if (rc > 0) {
		snprintf(name, sizeof(name), rec ? "%s (recording %u)" : "%s", what, rec + 1);
		meta(c->j, "process_name", pid, 0, name, -1);
	}
	if (rc >= 0)
		rc = first_time(&c->pseudo, PSEUDO(key, rec, cpu & 0xffff));
	if (rc > 0) {
		snprintf(name, sizeof(name), "CPU %d", cpu);
		meta(c->j, "thread_name", pid, (uint32_t)cpu, name, -1);
	}
	if (rc < 0)
		s->err = rc;
	return rc;
}

static void cj_cpu(struct sr_exp_sink *s, unsigned int rec, int cpu, uint64_t start,
		   uint64_t end, const struct sr_exp_thread *t, const struct sr_exp_proc *p)
{
	struct sr_exp_arg a[2] = { { .key = "pid", .i = p->pid }, { .key = "tid", .i = t->tid } };

	if (pseudo(s, CPU_PID + rec, rec, cpu, "CPUs", 0) < 0)
		return;
	complete(((struct cj *)s->priv)->j, "sched", t->name, CPU_PID + rec, (uint32_t)cpu, start,
		 end, a, 2);
	spill(s, SPILL);
}

static void cj_lost(struct sr_exp_sink *s, unsigned int rec, int cpu, uint64_t start,
		    uint64_t end, uint64_t count)
{
	struct sr_exp_arg a = { .key = "count", .i = (int64_t)(count & INT64_MAX) };
	char name[48];

	if (pseudo(s, LOST_PID + rec, rec, cpu, "Lost events", 1) < 0)
		return;
	snprintf(name, sizeof(name), "lost %llu events", (unsigned long long)count);
	complete(((struct cj *)s->priv)->j, "lost", name, LOST_PID + rec, (uint32_t)cpu, start,
		 end, &a, 1);
	spill(s, SPILL);
}

static int cj_close(struct sr_exp_sink *s)
{
	struct cj *c = s->priv;

	if (c) {
		sr_json__arr_end(c->j);
		spill(s, 0);
		sr_json__free(c->j);
		free(c->states.v);
		free(c->pseudo.v);
		free(c);
		s->priv = NULL;
	}
	return s->err;
}

const struct sr_exp_sink_ops sr_exp_chrome = {
	.option = "chrome-json",
	.writes_file = 1,
	.open = cj_open,
	.process = cj_process,
	.thread = cj_thread,
	.slice = cj_slice,
	.instant = cj_instant,
	.counter = cj_counter,
	.state = cj_state,
	.cpu = cj_cpu,
	.lost = cj_lost,
	.close = cj_close,
};
