// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_loop.c - time a workload from its start to its exit, so a benchmark
 * measures the traced program and not the tracer's start-up or shutdown.
 *
 *   bench_loop [-n COPIES] [-s SETTLE_MS] [-P PIDFILE] [-g GOFILE] OUT -- PROG ARGS...
 *
 * Writes its own pid to PIDFILE (for a tracer attached with -p, which then
 * follows the copies forked later), waits until GOFILE exists (created by
 * the script once that tracer is ready), sleeps SETTLE_MS, takes the time,
 * forks COPIES copies of PROG (an occurrence of "{}" in an argument becomes
 * the copy's index) and waits for all of them.  OUT receives
 *
 *   wall_ns=N user_us=N sys_us=N status=S
 *
 * wall_ns: from just before the first fork to the last copy reaped (the
 * exec of PROG, a static binary here, is part of the workload); user/sys:
 * the copies' CPU time, their children included.  Exit status 0 when every
 * copy exited 0, else 1; 2 for bad usage.
 *
 * Run under a tracer (tracer -- bench_loop OUT -- sr_work loop ...), the
 * copies are traced from their start, since every tracer used here starts
 * its command only once it has attached.  (sr_work's SR_WORK_READY handshake
 * is not used: its loop mode does not wait for the signal.)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_COPIES	64

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int usage(void)
{
	fprintf(stderr, "usage: bench_loop [-n COPIES] [-s SETTLE_MS] [-P PIDFILE] [-g GOFILE] OUT -- PROG ARGS...\n");
	return 2;
}

/* argv with "{}" replaced by the copy index (only the first occurrence per argument). */
static char **subst_argv(char **argv, int copy)
{
	int n = 0;
	char **out;

	while (argv[n])
		n++;
	out = calloc(n + 1, sizeof(*out));
	if (!out)
		return NULL;
	for (int i = 0; i < n; i++) {
		char *p = strstr(argv[i], "{}");
		size_t len = strlen(argv[i]) + 16;

		if (!p) {
			out[i] = argv[i];
			continue;
		}
		out[i] = malloc(len);
		if (!out[i])
			return NULL;
		snprintf(out[i], len, "%.*s%d%s", (int)(p - argv[i]), argv[i], copy, p + 2);
	}
	return out;
}

int main(int argc, char **argv)
{
	const char *pidfile = NULL, *gofile = NULL, *out;
	int copies = 1, opt, bad = 0;
	long settle_ms = 50;
	pid_t pids[MAX_COPIES];
	struct rusage ru;
	uint64_t t0, t1;
	FILE *f;

	while ((opt = getopt(argc, argv, "+n:s:P:g:")) != -1) {
		switch (opt) {
		case 'n':
			copies = atoi(optarg);
			if (copies < 1 || copies > MAX_COPIES)
				return usage();
			break;
		case 's':
			settle_ms = atol(optarg);
			break;
		case 'P':
			pidfile = optarg;
			break;
		case 'g':
			gofile = optarg;
			break;
		default:
			return usage();
		}
	}
	if (optind + 2 > argc || strcmp(argv[optind + 1], "--") || optind + 2 >= argc)
		return usage();
	out = argv[optind];
	argv += optind + 2;

	if (pidfile) {
		char tmp[4096];

		snprintf(tmp, sizeof(tmp), "%s.tmp", pidfile);
		f = fopen(tmp, "w");
		if (!f) {
			perror(pidfile);
			return 1;
		}
		fprintf(f, "%d\n", (int)getpid());
		if (fclose(f) || rename(tmp, pidfile)) {
			perror(pidfile);
			return 1;
		}
	}
	if (gofile)
		while (access(gofile, F_OK))
			nap_ms(2);
	nap_ms(settle_ms);

	t0 = now_ns();
	for (int i = 0; i < copies; i++) {
		char **cargv = subst_argv(argv, i);

		if (!cargv) {
			perror("bench_loop: malloc");
			return 1;
		}
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("bench_loop: fork");
			return 1;
		}
		if (!pids[i]) {
			execv(cargv[0], cargv);
			fprintf(stderr, "bench_loop: cannot run %s: %s\n", cargv[0], strerror(errno));
			_exit(127);
		}
	}
	for (int i = 0; i < copies; i++) {
		int st;

		while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			bad = st ? st : 1;
	}
	t1 = now_ns();
	getrusage(RUSAGE_CHILDREN, &ru);

	f = fopen(out, "w");
	if (!f) {
		perror(out);
		return 1;
	}
	fprintf(f, "wall_ns=%llu user_us=%llu sys_us=%llu status=%d\n",
		(unsigned long long)(t1 - t0),
		(unsigned long long)ru.ru_utime.tv_sec * 1000000ull + ru.ru_utime.tv_usec,
		(unsigned long long)ru.ru_stime.tv_sec * 1000000ull + ru.ru_stime.tv_usec, bad);
	if (fclose(f)) {
		perror(out);
		return 1;
	}
	return bad ? 1 : 0;
}
