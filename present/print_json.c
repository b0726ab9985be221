// SPDX-License-Identifier: GPL-2.0-only
/*
 * present/print_json.c - one JSON object per record (NDJSON): the header,
 * then every field the record's schema names.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "printer.h"

static inline void jkey(struct obuf *f, const char *key)
{
	put_s(f, ",\"");
	put_s(f, key);
	put_s(f, "\":");
}

/* The fields of @t from offset @from on: the file's schema is hostile, each is checked. */
static void json_fields(struct sr_printer *p, const struct sr_event *ev, const struct sr_type *t,
			unsigned int from)
{
	struct obuf *f = &p->out;
	uint64_t u;
	int64_t s;
	size_t i;

	if (!t || !t->fields) {
		if (ev->size > sizeof(*ev)) {
			jkey(f, "data");
			put_c(f, '"');
			put_hexbytes(f, (const unsigned char *)(ev + 1), ev->size - sizeof(*ev));
			put_c(f, '"');
		}
		return;
	}
	for (i = 0; i < t->nfields; i++) {
		const struct sr_field *fl = &t->fields[i];
		const char *str;
		struct sr_str ref;
		size_t len;

		if (!pr_field_ok(ev, fl) || fl->offset < from)
			continue;
		put_c(f, ',');
		put_json(f, fl->name, strlen(fl->name));
		put_c(f, ':');
		switch (fl->kind) {
		case SR_FK_STR:
			if (fl->size != sizeof(ref)) {
				put_s(f, "null");
				break;
			}
			memcpy(&ref, (const char *)ev + fl->offset, sizeof(ref));
			if (sr_event__str(ev, ref, &str, &len)) {
				put_s(f, "null");
				break;
			}
			if (!strcmp(fl->name, "argv"))
				pr_put_argv(f, str, len, 1);
			else
				put_json(f, str, len);
			if (pr_str_cut(ev, fl->name)) {
				char key[80];
				int n = snprintf(key, sizeof(key), "%s_cut", fl->name);

				put_c(f, ',');
				put_json(f, key, n < (int)sizeof(key) ? (size_t)n : sizeof(key) - 1);
				put_s(f, ":true");
			}
			break;
		case SR_FK_COMM:
			put_json(f, (const char *)ev + fl->offset,
				     strnlen((const char *)ev + fl->offset, fl->size));
			break;
		case SR_FK_S32:
		case SR_FK_S64:
			if (pr_field_int(ev, fl, &u, &s))
				put_s(f, "null");
			else
				put_s64(f, s);
			break;
		default:
			if (pr_field_int(ev, fl, &u, &s))
				put_s(f, "null");
			else
				put_u64(f, u);
			break;
		}
	}
}

void pr_print_json(struct sr_printer *p, const struct sr_event *ev)
{
	struct obuf *f = &p->out;
	const char *name;
	const struct sr_type *t = sr_schema_type(ev->type);
	const struct sr_type *ft = p->r ? sr_reader__file_type(p->r, ev->type) : NULL;
	int nr = sr_event__sys_nr(ev);
	int64_t wall;

	put_s(f, "{\"ts_ns\":");
	put_u64(f, ev->ts);
	if (nr >= 0) {
		/* when the call began: ts is its end */
		const struct sr_sys *s = (const void *)(ev + 1);

		jkey(f, "ts_start_ns");
		put_u64(f, s->dur_ns < ev->ts ? ev->ts - s->dur_ns : 0);
	}
	jkey(f, "time");
	if (p->have_offset && !sr_wall_ns(ev->ts, p->clock_offset, &wall)) {
		put_c(f, '"');
		pr_put_wall(p, wall);
		put_c(f, '"');
	} else {
		put_s(f, "null");
	}
	jkey(f, "cpu");
	put_u64(f, ev->cpu);
	jkey(f, "pid");
	put_u64(f, ev->pid);
	jkey(f, "tid");
	put_u64(f, ev->tid);
	jkey(f, "type");
	name = pr_type_name(p, ev->type);
	if (name) {
		put_json(f, name, strlen(name));
	} else {
		put_s(f, "\"type");
		put_u64(f, ev->type);
		put_c(f, '"');
	}
	jkey(f, "comm");
	pr_put_comm(f, ev, 1);
	jkey(f, "uid");
	put_u64(f, ev->uid);
	jkey(f, "gid");
	put_u64(f, ev->gid);
	jkey(f, "cgroup_id");
	put_u64(f, ev->cgroup_id);
	if (nr >= 0) {
		jkey(f, "syscall");
		name = pr_syscall_name(p, nr);
		if (name) {
			put_json(f, name, strlen(name));
		} else {
			put_s(f, "\"syscall_");
			put_u64(f, nr);
			put_c(f, '"');
		}
	}
	if (ev->flags & SR_F_THREAD)
		put_s(f, ",\"thread\":true");
	if (ev->flags & SR_F_GROUP_DEAD)
		put_s(f, ",\"group_dead\":true");
	if (ev->flags & SR_F_NO_FILE)
		put_s(f, ",\"no_file\":true");
	if (ev->flags & SR_F_IOV_CUT)
		put_s(f, ",\"count_cut\":true");
	if (ev->flags & SR_F_COMPAT)
		put_s(f, ",\"compat\":true");
	if (ev->type == SR_EV_WAKEUP && (ev->flags & SR_F_WAKE_NEW))
		put_s(f, ",\"new\":true");
	if (ev->type == SR_EV_CPUTIME && (ev->flags & SR_F_CPU_EXIT))
		put_s(f, ",\"at_exit\":true");
	if (ev->type == SR_EV_CPUTIME && (ev->flags & SR_F_CPU_START))
		put_s(f, ",\"baseline\":true");
	/*
	 * A type this build knows by its own layout, never by the file's names
	 * (the reader refuses a schema that contradicts it); then the fields a
	 * later minor appended.  Other types by the file's schema.
	 */
	json_fields(p, ev, t ? t : ft, 0);
	if (t && ft && ft->fixed_size > t->fixed_size)
		json_fields(p, ev, ft, t->fixed_size);
	if (nr >= 0 && ev->size >= sizeof(struct sr_event) + sizeof(struct sr_sys)) {
		const struct sr_sys *sys = (const void *)(ev + 1);

		struct pr_split sp;

		if (sys->ret < 0 && sys->ret >= -4095 && (name = sr_errno_name((int)-sys->ret))) {
			jkey(f, "errno");
			put_c(f, '"');
			put_s(f, name);
			put_c(f, '"');
		}
		/*
		 * Where the call's time went: its SYSCPU record's split; with
		 * none, all on CPU in a trace of the cpu class, and unknown
		 * (null) in a trace without it.
		 */
		if (pr_syscpu_take(p, ev, &sp)) {
			jkey(f, "on_cpu_ns");
			put_s64(f, sp.on_cpu_ns);
			jkey(f, "off_cpu_ns");
			put_u64(f, sp.off_cpu_ns);
			jkey(f, "runq_ns");
			put_u64(f, sp.runq_ns);
		} else if (p->cpu_class) {
			jkey(f, "on_cpu_ns");
			put_u64(f, sys->dur_ns);
			put_s(f, ",\"off_cpu_ns\":0,\"runq_ns\":0");
		} else {
			put_s(f, ",\"on_cpu_ns\":null,\"off_cpu_ns\":null,\"runq_ns\":null");
		}
	}
	put_s(f, "}\n");
}

