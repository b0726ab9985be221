// SPDX-License-Identifier: GPL-2.0-only
/*
 * top.c - sysrec top's figures: per process, the sums of what its records
 * say (syscalls, bytes read and written, opens, failed calls) and the time
 * it ran on a CPU, from the cpu class's context switches.  The poll loop's
 * thread adds each record as it is read (every CPU's stream is in time
 * order, which is all the switches need); the screen's thread
 * (top_view.c) takes a copy of the sums each second and makes rates of the
 * differences.  One mutex between the two, held for a record or a copy:
 * the screen never holds the reading of the perf buffers.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "record.h"
#include "sysrec.skel.h"
#include "top.h"
#include "sysrec/format.h"
#include "sysrec/util.h"

#define NBUCKETS	4096	/* a power of two */

struct sr_top *sr_top__new(struct sr_rec *r)
{
	struct sr_top *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->buckets = calloc(NBUCKETS, sizeof(*t->buckets));
	if (!t->buckets) {
		free(t);
		return NULL;
	}
	pthread_mutex_init(&t->mu, NULL);
	t->rec = r;
	t->cg = r->cg;
	/* with a filter, a switch names threads that are not recorded: they get no row */
	t->filtered = r->o->npids || r->o->cmd || r->o->comm || r->o->cgroup;
	return t;
}

void sr_top__free(struct sr_top *t)
{
	/* a screen's thread still held by its terminal reads these until the exit */
	if (!t || t->view)
		return;
	for (size_t i = 0; i < NBUCKETS; i++) {
		struct top_proc *p = t->buckets[i], *n;

		for (; p; p = n) {
			n = p->next;
			free(p);
		}
	}
	free(t->buckets);
	pthread_mutex_destroy(&t->mu);
	free(t);
}

static struct top_proc *find(struct sr_top *t, uint32_t pid)
{
	struct top_proc *p = t->buckets[pid & (NBUCKETS - 1)];

	while (p && p->s.pid != pid)
		p = p->next;
	return p;
}

/* The row of the record's process, made on its first record. */
static struct top_proc *proc_of(struct sr_top *t, const struct sr_event *ev)
{
	struct top_proc *p = find(t, ev->pid);

	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p)
			return NULL;
		p->s.pid = ev->pid;
		p->next = t->buckets[ev->pid & (NBUCKETS - 1)];
		t->buckets[ev->pid & (NBUCKETS - 1)] = p;
		t->nprocs++;
	}
	/* the main thread's comm names the process; another's until one is seen */
	if (!p->s.comm[0] || ev->tid == ev->pid)
		memcpy(p->s.comm, ev->comm, SR_COMM_LEN);
	p->s.comm[SR_COMM_LEN] = 0;
	if (ev->cgroup_id && ev->cgroup_id != p->cgroup_id) {
		const char *path = sr_cgroups__path(t->cg, ev->cgroup_id);

		p->cgroup_id = ev->cgroup_id;
		snprintf(p->s.cgroup, sizeof(p->s.cgroup), "%s", path ? path : "?");
	}
	return p;
}

/*
 * Whether a thread a switch names, with no record of its own yet, is one
 * the filters record (a switch is recorded when either of its threads is):
 * with -p or a command, when BPF tracks its process; with -c, by its comm;
 * with --cgroup, not known here (its syscalls make its row).
 */
static int recorded(struct sr_top *t, const struct top_cpu *c)
{
	const struct sr_rec_opts *o = t->rec->o;
	__u8 v;

	if (!t->filtered)
		return 1;
	if (o->cgroup)
		return 0;
	if (o->comm && strncmp((const char *)c->comm, o->comm, SR_COMM_LEN))
		return 0;
	if ((o->npids || o->cmd) &&
	    bpf_map__lookup_elem(t->rec->skel->maps.tracked, &c->pid, sizeof(c->pid), &v, sizeof(v), 0))
		return 0;
	return 1;
}

/* Time on CPU for the thread that was running there, up to ts. */
static void charge(struct sr_top *t, unsigned int cpu, uint64_t ts)
{
	struct top_cpu *c = &t->cpus[cpu];
	struct top_proc *p;

	if (!c->since || ts <= c->since) {
		if (!c->since)
			c->since = ts;
		return;
	}
	if (c->pid) {
		p = find(t, c->pid);
		if (!p && recorded(t, c)) {
			struct sr_event h = { .pid = c->pid, .tid = c->tid };

			memcpy(h.comm, c->comm, SR_COMM_LEN);
			p = proc_of(t, &h);
		}
		if (p)
			p->s.oncpu_ns += ts - c->since;
	}
	c->since = ts;
}

static void on_switch(struct sr_top *t, const struct sr_ev_switch *e)
{
	struct top_cpu *c;

	if (e->h.size < sizeof(*e) || e->h.cpu >= MAX_CPUS)
		return;
	c = &t->cpus[e->h.cpu];
	/* the thread leaving ran since the last switch on this CPU (or since it was read up to) */
	c->pid = e->h.pid;
	c->tid = e->h.tid;
	memcpy(c->comm, e->h.comm, SR_COMM_LEN);
	charge(t, e->h.cpu, e->h.ts);
	c->pid = e->next_pid;
	c->tid = e->next_tid;
	memcpy(c->comm, e->next_comm, SR_COMM_LEN);
	if (e->h.ts > c->since)
		c->since = e->h.ts;
}

void sr_top__event(struct sr_top *t, const struct sr_event *ev)
{
	struct top_proc *p;
	int nr;

	pthread_mutex_lock(&t->mu);
	t->events++;
	if (ev->type == SR_EV_LOST) {
		if (ev->size >= sizeof(struct sr_ev_lost))
			t->lost += ((const struct sr_ev_lost *)ev)->count;
		goto out;
	}
	if (ev->type == SR_EV_SWITCH) {
		on_switch(t, (const void *)ev);
		goto out;
	}
	nr = sr_event__sys_nr(ev);
	if (ev->pid == 0 || (nr < 0 && ev->type != SR_EV_EXIT))
		goto out;
	p = proc_of(t, ev);
	if (!p)
		goto out;
	if (ev->type == SR_EV_EXIT) {
		if (ev->flags & SR_F_GROUP_DEAD)
			p->s.dead = 1;
		goto out;
	}
	{
		const struct sr_sys *s = (const void *)(ev + 1);
		const struct sr_syscall *sc;

		p->s.syscalls++;
		/* -4095..-1 is an errno; ERESTARTSYS and its kin never reach the program */
		if (s->ret < 0 && s->ret >= -4095 && !(s->ret <= -512 && s->ret >= -516))
			p->s.errors++;
		if (ev->type == SR_EV_OPEN)
			p->s.opens++;
		if (ev->type == SR_EV_RW && s->ret > 0 && (sc = sr_syscall_by_nr(s->nr))) {
			if (sc->dir == SR_DIR_READ)
				p->s.read_bytes += (uint64_t)s->ret;
			else if (sc->dir == SR_DIR_WRITE)
				p->s.write_bytes += (uint64_t)s->ret;
		}
	}
out:
	pthread_mutex_unlock(&t->mu);
}

void sr_top__read_up_to(struct sr_top *t, uint64_t ts)
{
	pthread_mutex_lock(&t->mu);
	t->read_ns = ts;
	pthread_mutex_unlock(&t->mu);
}

/*
 * A copy of every row's sums for the screen (*rows, *n; the caller frees
 * it), the threads on a CPU counted up to where the records were read.
 * A process that has exited is dropped once a copy has shown it gone.
 */
int sr_top__take(struct sr_top *t, struct top_sums **rows, size_t *n, struct top_totals *tot)
{
	struct top_sums *v;
	size_t k = 0;

	pthread_mutex_lock(&t->mu);
	for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++)
		if (t->cpus[cpu].since && t->read_ns > t->cpus[cpu].since)
			charge(t, cpu, t->read_ns);
	v = malloc((t->nprocs ? t->nprocs : 1) * sizeof(*v));
	if (!v) {
		pthread_mutex_unlock(&t->mu);
		return -ENOMEM;
	}
	for (size_t i = 0; i < NBUCKETS; i++) {
		struct top_proc **pp = &t->buckets[i];

		while (*pp) {
			struct top_proc *p = *pp;

			v[k++] = p->s;
			if (p->s.dead && p->shown_dead) {
				*pp = p->next;
				free(p);
				t->nprocs--;
				continue;
			}
			p->shown_dead = p->s.dead;
			pp = &p->next;
		}
	}
	tot->events = t->events;
	tot->lost = t->lost;
	tot->read_ns = t->read_ns;
	pthread_mutex_unlock(&t->mu);
	*rows = v;
	*n = k;
	return 0;
}
