// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_format_tools.c - mktrace, gentrace and retrace, checked through the
 * reader: other engineers' tests build their traces with mktrace, so what it
 * writes is checked field by field here.
 *
 * The tools are in $OUTPUT/tools (tests/run.sh runs from the top of the tree
 * with OUTPUT set); when they were not built, the checks are skipped.
 */
#define TAP_PREFIX "format-tools"
#include "unit/tap.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sysrec/format.h"

static char dir[] = "/tmp/test_format_tools.XXXXXX";
static char tools[2048];
static char out_err[4096];

static const char *path(const char *name)
{
	static char buf[4][1100];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/* Runs a shell command line; its stderr in out_err.  Returns the exit status. */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int run(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	FILE *f;
	size_t n;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	strncat(cmd, " 2>", sizeof(cmd) - strlen(cmd) - 1);
	strncat(cmd, path("stderr"), sizeof(cmd) - strlen(cmd) - 1);
	st = system(cmd);
	f = fopen(path("stderr"), "r");
	n = f ? fread(out_err, 1, sizeof(out_err) - 1, f) : 0;
	out_err[n] = 0;
	if (f)
		fclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static int spec(const char *name, const char *text)
{
	FILE *f = fopen(path(name), "w");

	if (!f)
		return -1;
	fputs(text, f);
	fclose(f);
	return 0;
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

#define FIELD(ev, T, m) (((const T *)(ev))->m)

static int str_is(const struct sr_event *ev, struct sr_str ref, const char *want, size_t wlen)
{
	const char *s;
	size_t len;

	return !sr_event__str(ev, ref, &s, &len) && len == wlen && !memcmp(s, want, len);
}

static const char full_spec[] =
	"# every type\n"
	"meta host box1\n"
	"meta cmdline sysrec record -o x.trc -- make  -j 4\n"
	"meta filters   \n"
	"cgroup ts=1 id=77 path=\"/user.slice\"\n"
	"proc ts=1 pid=42 uid=1000 gid=100 cgroup_id=77 comm=bash ppid=1 start_ns=100 exe=\"/bin/bash\" argv=\"bash\\0-c\\0ls\" cwd=\"/home/a b\"\n"
	"fd ts=1 pid=42 comm=bash fd=3 flags=0x80002 dev=0x800001 ino=99 pos=10 path=\"/tmp/\\xff\\n\\t\\\"\\\\\"\n"
	"exec ts=900 pid=43 comm=ls sys=execve ret=0 old_tid=43 argc=2 dev=0x800001 ino=5 filename=\"/bin/ls\" path=\"/usr/bin/ls\" argv=\"ls\\0-l\"\n"
	"fork ts=950 pid=42 cpu=3 comm=bash sys=clone3 ret=43 child_pid=43 child_tid=44 clone_flags=0x1200011 dur_ns=12345\n"
	"  open ts=1000 pid=42 comm=cat sys=openat ret=3 dirfd=-100 flags=0x241 mode=0644 name=\"x\" path=\"/tmp/x\" dev=0x800001 ino=12\n"
	"rw ts=1100 pid=42 tid=45 comm=cat sys=pread64 ret=-28 fd=3 iovcnt=2 count=4096 offset=-1 dev=0x800001 ino=12 h.flags=0x20\n"
	"flush\n"
	"dup ts=1200 pid=42 comm=cat sys=fcntl ret=5 fd=3 newfd=-1 cmd=1030 arg=3\n"
	"close ts=1300 pid=42 comm=\"a b\" sys=close ret=0 fd=3 dev=0x800001 ino=12\n"
	"mmap ts=1400 pid=42 sys=mmap ret=0x7f0000000000 addr=0 len=8192 prot=3 flags=0x22 fd=-1 off=4096\n"
	"munmap ts=1500 pid=42 sys=munmap addr=0x7f0000000000 len=8192\n"
	"brk ts=1600 pid=42 sys=brk ret=0x5555000 req=0x5555000\n"
	"syscall ts=1700 pid=42 sys=getpid ret=42 args0=0xffffffffffffffff args5=-1\n"
	"lost ts=1800 cpu=3 count=17\n"
	"exit ts=1900 pid=43 comm=0123456789abcdef exit_code=-256 h.flags=0x2\n"
	"raw type=200 ts=2000 pid=7 bytes=0102030405\n"
	"raw type=65535 ts=2001 pid=8 tid=9\n"
	"endmeta stop_ns 5000\n";

static void test_mktrace(void)
{
	const struct sr_event *e[32];
	struct sr_reader_stats st;
	struct sr_reader *r;
	int n = 0, err;

	spec("full.txt", full_spec);
	ok_eq(run("%s/mktrace -o %s %s", tools, path("full.trc"), path("full.txt")), 0,
	      "mktrace: every type (%s)", out_err);
	err = sr_reader__open(&r, path("full.trc"), NULL, NULL);
	ok_eq(err, 0, "mktrace: the trace opens");
	if (err)
		return;
	/* records point into the reader: copy them */
	static uint64_t copies[32][512];

	for (const struct sr_event *ev; n < 32 && sr_reader__next(r, &ev) == 1; n++) {
		memcpy(copies[n], ev, ev->size);
		e[n] = (const void *)copies[n];
	}
	sr_reader__stats(r, &st);
	ok(n == 17 && st.chunks == 2 && st.complete && !st.cut, "mktrace: 17 records in 2 chunks");
	ok(!strcmp(sr_reader__meta(r, "host"), "box1") &&
	   !strcmp(sr_reader__meta(r, "cmdline"), "sysrec record -o x.trc -- make  -j 4") &&
	   !strcmp(sr_reader__meta(r, "filters"), "") &&
	   !strcmp(sr_reader__meta(r, "stop_ns"), "5000"), "mktrace: metadata, rest of the line");
	sr_reader__free(r);
	if (n != 17)
		return;

	ok(e[0]->type == SR_EV_CGROUP && e[0]->size == 88 && FIELD(e[0], struct sr_ev_cgroup, id) == 77 &&
	   str_is(e[0], FIELD(e[0], struct sr_ev_cgroup, path), "/user.slice", 11), "mktrace: cgroup");
	ok(e[1]->type == SR_EV_PROC && e[1]->pid == 42 && e[1]->tid == 42 && e[1]->uid == 1000 &&
	   e[1]->gid == 100 && e[1]->cgroup_id == 77 && !memcmp(e[1]->comm, "bash\0\0", 6) &&
	   FIELD(e[1], struct sr_ev_proc, ppid) == 1 && FIELD(e[1], struct sr_ev_proc, start_ns) == 100 &&
	   str_is(e[1], FIELD(e[1], struct sr_ev_proc, argv), "bash\0-c\0ls", 10) &&
	   str_is(e[1], FIELD(e[1], struct sr_ev_proc, cwd), "/home/a b", 9), "mktrace: proc, argv with \\0");
	ok(str_is(e[2], FIELD(e[2], struct sr_ev_fd, path), "/tmp/\xff\n\t\"\\", 10) &&
	   FIELD(e[2], struct sr_ev_fd, flags) == 0x80002 && FIELD(e[2], struct sr_ev_fd, dev) == 0x800001,
	   "mktrace: fd, escapes in a string");
	ok(e[3]->type == SR_EV_EXEC && FIELD(e[3], struct sr_ev_exec, s.nr) == 59 &&
	   str_is(e[3], FIELD(e[3], struct sr_ev_exec, path), "/usr/bin/ls", 11), "mktrace: exec, sys=execve");
	ok(e[4]->cpu == 3 && FIELD(e[4], struct sr_ev_fork, s.nr) == 435 &&
	   FIELD(e[4], struct sr_ev_fork, s.dur_ns) == 12345 &&
	   FIELD(e[4], struct sr_ev_fork, child_tid) == 44 &&
	   FIELD(e[4], struct sr_ev_fork, clone_flags) == 0x1200011, "mktrace: fork, hex");
	ok(e[5]->type == SR_EV_OPEN && e[5]->size == 144 && e[5]->flags == 0 &&
	   FIELD(e[5], struct sr_ev_open, dirfd) == -100 && FIELD(e[5], struct sr_ev_open, flags) == 0x241 &&
	   FIELD(e[5], struct sr_ev_open, mode) == 0644 && FIELD(e[5], struct sr_ev_open, s.ret) == 3 &&
	   str_is(e[5], FIELD(e[5], struct sr_ev_open, name), "x", 1) &&
	   str_is(e[5], FIELD(e[5], struct sr_ev_open, path), "/tmp/x", 6),
	   "mktrace: open: flags= is the type's, negative, octal-looking mode is decimal 0644");
	ok(e[6]->tid == 45 && e[6]->flags == 0x20 && FIELD(e[6], struct sr_ev_rw, s.ret) == -28 &&
	   FIELD(e[6], struct sr_ev_rw, offset) == -1 && FIELD(e[6], struct sr_ev_rw, iovcnt) == 2,
	   "mktrace: rw, h.flags and tid");
	ok(FIELD(e[7], struct sr_ev_dup, s.nr) == 72 && FIELD(e[7], struct sr_ev_dup, newfd) == -1 &&
	   !memcmp(e[8]->comm, "a b\0", 4), "mktrace: dup and a quoted comm");
	ok(FIELD(e[9], struct sr_ev_mmap, s.ret) == 0x7f0000000000 && FIELD(e[9], struct sr_ev_mmap, fd) == -1 &&
	   FIELD(e[9], struct sr_ev_mmap, off) == 4096 && FIELD(e[10], struct sr_ev_munmap, len) == 8192 &&
	   FIELD(e[11], struct sr_ev_brk, req) == 0x5555000, "mktrace: mmap, munmap, brk");
	ok(FIELD(e[12], struct sr_ev_syscall, s.nr) == 39 &&
	   FIELD(e[12], struct sr_ev_syscall, args[0]) == ~0ull &&
	   FIELD(e[12], struct sr_ev_syscall, args[5]) == ~0ull, "mktrace: syscall args");
	ok(e[13]->type == SR_EV_LOST && e[13]->cpu == 3 && FIELD(e[13], struct sr_ev_lost, count) == 17 &&
	   e[13]->pid == 0, "mktrace: lost");
	ok(FIELD(e[14], struct sr_ev_exit, exit_code) == -256 && e[14]->flags == 2 &&
	   !memcmp(e[14]->comm, "0123456789abcdef", 16), "mktrace: exit, a 16-byte comm");
	ok(e[15]->type == 200 && e[15]->size == 64 && !memcmp((const uint8_t *)e[15] + 56, "\1\2\3\4\5\0\0\0", 8) &&
	   e[16]->type == 65535 && e[16]->size == 56 && e[16]->pid == 8 && e[16]->tid == 9,
	   "mktrace: raw records");
	ok(e[1]->ts == 1 && e[5]->ts == 1000 && e[16]->ts == 2001, "mktrace: timestamps");
}

static void test_mktrace_errors(void)
{
	static const struct { const char *spec, *what; } bad[] = {
		{ "rw ts=1\nbogus ts=2\n", "unknown type" },
		{ "rw ts=1 nosuch=3\n", "unknown field" },
		{ "rw ts=1 fd=0x100000000\n", "a number too big for its field" },
		{ "rw ts=1 fd=12abc\n", "not a number" },
		{ "rw ts=1 fd=\"3\"\n", "a string for a number" },
		{ "open ts=1 name=\"abc\n", "unterminated string" },
		{ "open ts=1 name=\"a\\q\"\n", "unknown escape" },
		{ "open ts=1 sys=nosuchcall\n", "unknown syscall" },
		{ "rw ts=1 size=8\n", "size set" },
		{ "rw ts=1 comm=0123456789abcdefg\n", "a comm of 17 bytes" },
		{ "raw ts=1\n", "raw without type" },
		{ "raw type=5 ts=1\n", "raw of a known type, too short" },
		{ "raw type=300 bytes=abc\n", "odd hex" },
		{ "lost ts=1 sys=read\n", "sys= on a type without nr" },
		{ "meta\n", "meta without a key" },
		{ "rw ts\n", "no =" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc, line = (int)(strchr(bad[i].spec, '\n') < bad[i].spec + strlen(bad[i].spec) - 1 ? 2 : 1);
		char want[32];

		spec("bad.txt", bad[i].spec);
		unlink(path("bad.trc"));
		rc = run("%s/mktrace -o %s %s", tools, path("bad.trc"), path("bad.txt"));
		snprintf(want, sizeof(want), "mktrace: line %d: ", line);
		ok(rc == 1 && lines(out_err) == 1 && !strncmp(out_err, want, strlen(want)) &&
		   access(path("bad.trc"), F_OK) != 0,
		   "mktrace: %s: exit 1, one line naming line %d, no file (%.*s)", bad[i].what, line,
		   (int)strcspn(out_err, "\n"), out_err);
	}
	spec("ok.txt", "rw ts=1\n");
	run("%s/mktrace -o %s %s", tools, path("twice.trc"), path("ok.txt"));
	ok(run("%s/mktrace -o %s %s", tools, path("twice.trc"), path("ok.txt")) == 1 &&
	   lines(out_err) == 1 && strstr(out_err, "File exists"), "mktrace: an existing file is kept");
	ok_eq(run("%s/mktrace -f -o %s < %s", tools, path("twice.trc"), path("ok.txt")), 0,
	      "mktrace: -f replaces it, spec on stdin");
	ok_eq(run("%s/mktrace %s", tools, path("ok.txt")), 2, "mktrace: no -o is a usage error");
}

static void test_mktrace_cut(void)
{
	struct sr_reader_stats st;
	struct sr_reader *r;
	const struct sr_event *ev;
	int n = 0;

	spec("cut.txt", "meta host h\nrw ts=1 pid=1\nflush\nrw ts=2 pid=1\ncut\nrw ts=3 pid=1\nendmeta stop_ns 9\n");
	ok_eq(run("%s/mktrace -o %s %s", tools, path("cut.trc"), path("cut.txt")), 0, "mktrace cut: written");
	if (sr_reader__open(&r, path("cut.trc"), NULL, NULL))
		return;
	while (sr_reader__next(r, &ev) == 1)
		n++;
	sr_reader__stats(r, &st);
	ok(n == 2 && st.chunks == 2 && st.cut && !st.complete && !sr_reader__meta(r, "stop_ns") &&
	   sr_reader__meta(r, "host"), "mktrace cut: the 2 records before it, cut, no end metadata");
	sr_reader__free(r);
}

static int same_files(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	int same = fa && fb, ca = 0, cb = 0;

	while (same && (ca != EOF || cb != EOF)) {
		ca = getc(fa);
		cb = getc(fb);
		same = ca == cb;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

static void test_gentrace_retrace(void)
{
	struct sr_reader *a, *b;
	struct sr_reader_stats sa, sb;
	const struct sr_event *ea, *eb;
	static uint64_t copy[8192];
	const char *const *ka, *const *va, *const *kb, *const *vb;
	size_t na, nb;
	int same = 1, ra, rb;

	ok_eq(run("%s/gentrace -o %s -n 20000 --seed 5 --chunk 65536 > /dev/null", tools, path("g1.trc")),
	      0, "gentrace: 20000 events");
	run("%s/gentrace -o %s -n 20000 --seed 5 --chunk 65536 > /dev/null", tools, path("g2.trc"));
	ok(same_files(path("g1.trc"), path("g2.trc")), "gentrace: the same seed, the same bytes");
	ok_eq(run("%s/gentrace -o %s -n 1000 --loop > /dev/null", tools, path("loop.trc")), 0,
	      "gentrace: --loop");
	ok_eq(run("%s/retrace %s %s --level 9 --chunk 8192 > %s", tools, path("g1.trc"),
		  path("r.trc"), path("retrace.out")), 0, "retrace: runs");
	{
		FILE *f = fopen(path("retrace.out"), "r");
		char line[512] = "";

		if (f) {
			if (!fgets(line, sizeof(line), f))
				line[0] = 0;
			fclose(f);
		}
		ok(!strncmp(line, "events=20000 raw_bytes=", 23) && strstr(line, " bytes_per_event=") &&
		   strstr(line, " ratio="), "retrace: prints the figures (%.60s)", line);
	}
	if (sr_reader__open(&a, path("g1.trc"), NULL, NULL) || sr_reader__open(&b, path("r.trc"), NULL, NULL)) {
		ok(0, "retrace: both open");
		return;
	}
	for (;;) {
		ra = sr_reader__next(a, &ea);
		if (ra == 1)
			memcpy(copy, ea, ea->size);
		rb = sr_reader__next(b, &eb);
		if (ra != rb || (ra == 1 && memcmp(copy, eb, eb->size)))
			same = 0;
		if (ra != 1 || rb != 1)
			break;
	}
	sr_reader__stats(a, &sa);
	sr_reader__stats(b, &sb);
	na = sr_reader__meta_all(a, &ka, &va);
	nb = sr_reader__meta_all(b, &kb, &vb);
	ok(same && sa.events == 20000 && sb.events == 20000 && sb.chunks > sa.chunks,
	   "retrace: the same 20000 records, in smaller chunks (%" PRIu64 " > %" PRIu64 ")",
	   sb.chunks, sa.chunks);
	for (size_t i = 0; i < na && na == nb; i++)
		if (strcmp(ka[i], kb[i]) || strcmp(va[i], vb[i]))
			nb = 0;
	ok(na == nb && na > 15 && sr_reader__meta_nstart(a) == sr_reader__meta_nstart(b) &&
	   !strcmp(sr_reader__meta(b, "events"), "20000"), "retrace: start and end metadata copied (%zu)", na);
	sr_reader__free(a);
	sr_reader__free(b);
}

int main(void)
{
	const char *out = getenv("OUTPUT");
	char cmd[1200];

	char cwd[512] = ".";

	if (!out || !*out)
		out = ".output";
	if (out[0] != '/' && !getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, ".");
	snprintf(tools, sizeof(tools), "%s/%.1000s/tools", out[0] == '/' ? "" : cwd, out);
	if (access(tools, X_OK) || !mkdtemp(dir)) {
		printf("skip format-tools: no tools in %s: make tools first\n", tools);
		return 0;
	}
	test_mktrace();
	test_mktrace_errors();
	test_mktrace_cut();
	test_gentrace_retrace();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		printf("# could not remove %s\n", dir);
	return tap_done();
}
