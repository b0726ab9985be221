// SPDX-License-Identifier: GPL-2.0-only
/*
 * sr_cpu.c - threads of known scheduling behaviour, and the kernel's own
 * counters of each as the oracle for the cpu class (tests/bpf/record_cpu.sh).
 *
 *   sr_cpu threads ORACLE   six threads at once:
 *       spin      spins until it has had 200 ms of CPU
 *       sleep     sleeps in nanosleep 3 x 50 ms
 *       reader    blocks in a 1-byte read of a pipe
 *       writer    waits until the reader sleeps in it, waits 150 ms more,
 *                 writes the byte
 *       pinA/B    both pinned to one CPU, each spinning until it has had
 *                 100 ms of CPU: each waits for the other on the run queue
 *     then writes ORACLE, a line per thread:
 *       NAME TID ON_CPU_NS RUNQ_NS TIMESLICES VOL INVOL
 *     each thread's /proc/self/task/TID/schedstat and status, read by the
 *     thread itself as the last thing it does (schedstat, status and
 *     schedstat again, until no switch came between them: they agree), and a last line
 *       delay FD NS
 *     the reader's pipe descriptor and the time from just before its read
 *     to just before the writer's write (CLOCK_MONOTONIC).
 *   sr_cpu pingpong N       two processes passing a byte back and forth
 *                           over two pipes N times (the sched benchmark)
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MS	1000000ull

enum { SPIN, SLEEP, READER, WRITER, PIN_A, PIN_B, NTHREADS };

static const char *const names[NTHREADS] = { "spin", "sleep", "reader", "writer", "pinA", "pinB" };

struct oracle {
	pid_t tid;
	unsigned long long on_cpu, runq, slices, vol, invol;
};

static struct oracle oracle[NTHREADS];
static int pipefd[2];
static volatile pid_t reader_tid;
static uint64_t read_at, write_at;	/* CLOCK_MONOTONIC ns */
static int pin_cpu;

static void die(const char *what)
{
	fprintf(stderr, "sr_cpu: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* A small /proc file whole, with plain syscalls: nothing that may allocate or block. */
static ssize_t read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		die(path);
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		die(path);
	buf[n] = 0;
	return n;
}

/* schedstat's three counters of the calling thread, into @o. */
static void read_schedstat(struct oracle *o)
{
	char path[96], buf[256];

	snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", o->tid);
	read_text(path, buf, sizeof(buf));
	if (sscanf(buf, "%llu %llu %llu", &o->on_cpu, &o->runq, &o->slices) != 3)
		die("schedstat");
}

/*
 * The thread's own counters, as late as it can: its last act.  schedstat
 * and status are two reads: a switch between them (the thread preempted)
 * would show in one and not the other, so they are read again until
 * schedstat's timeslices did not move across the status read.
 */
static void take_oracle(int i)
{
	struct oracle *o = &oracle[i];
	char path[96], buf[4096], *p, *save = NULL;
	unsigned long long slices;

	o->tid = gettid();
	read_schedstat(o);
	for (int tries = 0; tries < 100; tries++) {
		slices = o->slices;
		snprintf(path, sizeof(path), "/proc/self/task/%d/status", o->tid);
		read_text(path, buf, sizeof(buf));
		save = NULL;
		for (p = strtok_r(buf, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
			sscanf(p, "voluntary_ctxt_switches: %llu", &o->vol);
			sscanf(p, "nonvoluntary_ctxt_switches: %llu", &o->invol);
		}
		read_schedstat(o);
		if (o->slices == slices)
			break;
	}
}

/* Spin until this thread has had ns of CPU. */
static void spin_cpu(uint64_t ns)
{
	uint64_t start = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	volatile uint64_t x = 0;

	while (clock_ns(CLOCK_THREAD_CPUTIME_ID) - start < ns)
		for (int i = 0; i < 1000; i++)
			x += i;
}

/* Whether thread tid is asleep ('S' in its stat). */
static int sleeping(pid_t tid)
{
	char path[96], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	read_text(path, buf, sizeof(buf));
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'S';
}

static void *thread(void *arg)
{
	int i = (int)(intptr_t)arg;
	struct timespec ts = { 0, 50 * MS };
	cpu_set_t set;
	char c = 'x';

	switch (i) {
	case SPIN:
		spin_cpu(200 * MS);
		break;
	case SLEEP:
		for (int k = 0; k < 3; k++)
			nanosleep(&ts, NULL);
		break;
	case READER:
		reader_tid = gettid();
		read_at = clock_ns(CLOCK_MONOTONIC);
		if (read(pipefd[0], &c, 1) != 1)
			die("read");
		break;
	case WRITER:
		while (!reader_tid)
			sched_yield();
		while (!sleeping(reader_tid))
			usleep(100);
		ts.tv_nsec = 150 * MS;
		nanosleep(&ts, NULL);
		write_at = clock_ns(CLOCK_MONOTONIC);
		if (write(pipefd[1], &c, 1) != 1)
			die("write");
		break;
	case PIN_A:
	case PIN_B:
		CPU_ZERO(&set);
		CPU_SET(pin_cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			die("sched_setaffinity");
		spin_cpu(100 * MS);
		break;
	}
	take_oracle(i);
	return NULL;
}

static int do_threads(const char *path)
{
	pthread_t t[NTHREADS];
	cpu_set_t set;
	FILE *f;

	if (pipe(pipefd))
		die("pipe");
	/* the spinners share the first CPU this process may use */
	if (sched_getaffinity(0, sizeof(set), &set))
		die("sched_getaffinity");
	while (pin_cpu < CPU_SETSIZE && !CPU_ISSET(pin_cpu, &set))
		pin_cpu++;
	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, thread, (void *)(intptr_t)i))
			die("pthread_create");
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	f = fopen(path, "we");
	if (!f)
		die(path);
	for (int i = 0; i < NTHREADS; i++)
		fprintf(f, "%s %d %llu %llu %llu %llu %llu\n", names[i], oracle[i].tid,
			oracle[i].on_cpu, oracle[i].runq, oracle[i].slices, oracle[i].vol,
			oracle[i].invol);
	fprintf(f, "delay %d %llu\n", pipefd[0], (unsigned long long)(write_at - read_at));
	if (fclose(f))
		die(path);
	return 0;
}

/* N round trips of a byte between two processes: two switches each way. */
static int do_pingpong(long n)
{
	int ab[2], ba[2];
	char c = 0;
	pid_t pid;

	if (pipe(ab) || pipe(ba))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		for (long i = 0; i < n; i++)
			if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	for (long i = 0; i < n; i++)
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			die("pingpong");
	return waitpid(pid, NULL, 0) == pid ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "threads"))
		return do_threads(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "pingpong"))
		return do_pingpong(atol(argv[2]));
	fprintf(stderr, "usage: sr_cpu threads ORACLE | sr_cpu pingpong N\n");
	return 2;
}
