// SPDX-License-Identifier: GPL-2.0-only
/*
 * present/print_json.c - one JSON object per record (NDJSON): the header,
 * then every field the record's schema names.  Each object is built with
 * format/json.c's writer, the one info and analyze use, and then copied
 * into the printer's output buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printer.h"

/* A member with a literal key, one line each. */
#define json_true(j, lit)	do { SR_JSON_KEY(j, lit); sr_json__bool(j, 1); } while (0)
#define json_u64(j, lit, v)	do { SR_JSON_KEY(j, lit); sr_json__u64(j, v); } while (0)
#define json_null(j, lit)	do { SR_JSON_KEY(j, lit); sr_json__null(j); } while (0)

/* A record with no fields to name: its bytes after the header, in hex. */
static void json_hex(struct sr_json *j, const unsigned char *s, size_t n)
{
	static const char dig[] = "0123456789abcdef";
	char *b = malloc(2 * n);
	size_t i;

	if (!b) {
		sr_err("dump: out of memory");
		exit(SR_EXIT_FAIL);
	}
	for (i = 0; i < n; i++) {
		b[2 * i] = dig[s[i] >> 4];
		b[2 * i + 1] = dig[s[i] & 15];
	}
	sr_json__strn(j, b, 2 * n);
	free(b);
}

/* ["ls","-l"] from NUL-separated arguments (one trailing NUL optional). */
static void json_argv(struct sr_json *j, const char *s, size_t len)
{
	const char *end = s + len, *z;

	sr_json__arr_start(j);
	while (s < end) {
		z = memchr(s, 0, end - s);
		if (!z)
			z = end;
		sr_json__strn(j, s, z - s);
		s = z + 1;
	}
	sr_json__arr_end(j);
}

/* The fields of @t from offset @from on: the file's schema is hostile, each is checked. */
static void json_fields(struct sr_json *j, const struct sr_event *ev, const struct sr_type *t,
			unsigned int from)
{
	uint64_t u;
	int64_t s;
	size_t i;

	if (!t || !t->fields) {
		if (ev->size > sizeof(*ev)) {
			SR_JSON_KEY(j, "data");
			json_hex(j, (const unsigned char *)(ev + 1), ev->size - sizeof(*ev));
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
		sr_json__key(j, fl->name);
		switch (fl->kind) {
		case SR_FK_STR:
			if (fl->size != sizeof(ref)) {
				sr_json__null(j);
				break;
			}
			memcpy(&ref, (const char *)ev + fl->offset, sizeof(ref));
			if (sr_event__str(ev, ref, &str, &len)) {
				sr_json__null(j);
				break;
			}
			if (!strcmp(fl->name, "argv"))
				json_argv(j, str, len);
			else
				sr_json__strn(j, str, len);
			if (pr_str_cut(ev, fl->name)) {
				char key[80];

				/* a longer name is cut: the key stays one string */
				snprintf(key, sizeof(key), "%s_cut", fl->name);
				sr_json__key(j, key);
				sr_json__bool(j, 1);
			}
			break;
		case SR_FK_COMM:
			sr_json__strn(j, (const char *)ev + fl->offset,
				      strnlen((const char *)ev + fl->offset, fl->size));
			break;
		case SR_FK_S32:
		case SR_FK_S64:
			if (pr_field_int(ev, fl, &u, &s))
				sr_json__null(j);
			else
				sr_json__s64(j, s);
			break;
		default:
			if (pr_field_int(ev, fl, &u, &s))
				sr_json__null(j);
			else
				sr_json__u64(j, u);
			break;
		}
	}
}

/* A name, or @prefix and the number when neither this build nor the file has one. */
static void json_name(struct sr_json *j, const char *name, const char *prefix, unsigned int nr)
{
	char b[32];

	if (!name) {
		snprintf(b, sizeof(b), "%s%u", prefix, nr);
		name = b;
	}
	sr_json__str(j, name);
}

static void json_record(struct sr_printer *p, struct sr_json *j, const struct sr_event *ev)
{
	const char *name;
	const struct sr_type *t = sr_schema_type(ev->type);
	const struct sr_type *ft = p->r ? sr_reader__file_type(p->r, ev->type) : NULL;
	int nr = sr_event__sys_nr(ev);
	int64_t wall;

	sr_json__obj_start(j);
	json_u64(j, "ts_ns", ev->ts);
	if (nr >= 0) {
		/* when the call began: ts is its end */
		const struct sr_sys *s = (const void *)(ev + 1);

		json_u64(j, "ts_start_ns", s->dur_ns < ev->ts ? ev->ts - s->dur_ns : 0);
	}
	SR_JSON_KEY(j, "time");
	if (p->have_offset && !sr_wall_ns(ev->ts, p->clock_offset, &wall)) {
		char b[PR_WALL_MAX];

		sr_json__strn(j, b, pr_wall_str(p, wall, b));
	} else {
		sr_json__null(j);
	}
	json_u64(j, "cpu", ev->cpu);
	json_u64(j, "pid", ev->pid);
	json_u64(j, "tid", ev->tid);
	SR_JSON_KEY(j, "type");
	json_name(j, pr_type_name(p, ev->type), "type", ev->type);
	SR_JSON_KEY(j, "comm");
	sr_json__strn(j, (const char *)ev->comm, strnlen((const char *)ev->comm, SR_COMM_LEN));
	json_u64(j, "uid", ev->uid);
	json_u64(j, "gid", ev->gid);
	json_u64(j, "cgroup_id", ev->cgroup_id);
	if (nr >= 0) {
		SR_JSON_KEY(j, "syscall");
		json_name(j, pr_syscall_name(p, nr), "syscall_", nr);
	}
	if (ev->flags & SR_F_THREAD)
		json_true(j, "thread");
	if (ev->flags & SR_F_GROUP_DEAD)
		json_true(j, "group_dead");
	if (ev->flags & SR_F_NO_FILE)
		json_true(j, "no_file");
	if (ev->flags & SR_F_IOV_CUT)
		json_true(j, "count_cut");
	if (ev->flags & SR_F_COMPAT)
		json_true(j, "compat");
	if (ev->type == SR_EV_WAKEUP && (ev->flags & SR_F_WAKE_NEW))
		json_true(j, "new");
	if (ev->type == SR_EV_CPUTIME && (ev->flags & SR_F_CPU_EXIT))
		json_true(j, "at_exit");
	if (ev->type == SR_EV_CPUTIME && (ev->flags & SR_F_CPU_START))
		json_true(j, "baseline");
	/*
	 * A type this build knows by its own layout, never by the file's names
	 * (the reader refuses a schema that contradicts it); then the fields a
	 * later minor appended.  Other types by the file's schema.
	 */
	json_fields(j, ev, t ? t : ft, 0);
	if (t && ft && ft->fixed_size > t->fixed_size)
		json_fields(j, ev, ft, t->fixed_size);
	if (nr >= 0 && ev->size >= sizeof(struct sr_event) + sizeof(struct sr_sys)) {
		const struct sr_sys *sys = (const void *)(ev + 1);
		struct pr_split sp;

		if (sys->ret < 0 && sys->ret >= -4095 && (name = sr_errno_name((int)-sys->ret))) {
			SR_JSON_KEY(j, "errno");
			sr_json__str(j, name);
		}
		/*
		 * Where the call's time went: its SYSCPU record's split; with
		 * none, all on CPU in a trace of the cpu class, and unknown
		 * (null) in a trace without it.
		 */
		if (pr_syscpu_take(p, ev, &sp)) {
			SR_JSON_KEY(j, "on_cpu_ns");
			sr_json__s64(j, sp.on_cpu_ns);
			json_u64(j, "off_cpu_ns", sp.off_cpu_ns);
			json_u64(j, "runq_ns", sp.runq_ns);
		} else if (p->cpu_class) {
			json_u64(j, "on_cpu_ns", sys->dur_ns);
			json_u64(j, "off_cpu_ns", 0);
			json_u64(j, "runq_ns", 0);
		} else {
			json_null(j, "on_cpu_ns");
			json_null(j, "off_cpu_ns");
			json_null(j, "runq_ns");
		}
	}
	sr_json__obj_end(j);
}

void pr_print_json(struct sr_printer *p, const struct sr_event *ev)
{
	const char *s;
	size_t len;

	json_record(p, p->js, ev);
	s = sr_json__mem(p->js, &len);
	if (!s) {
		sr_err("dump: out of memory");
		exit(SR_EXIT_FAIL);
	}
	put_mem(&p->out, s, len);
	sr_json__mem_clear(p->js);
}
