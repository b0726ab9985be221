// SPDX-License-Identifier: GPL-2.0-only
/*
 * sr_live.c - workloads for the live tests (record --print, sysrec top):
 * each knows what it did and when, so a test checks the live output
 * against it.
 *
 *   sr_live talk N DIR     N lines on stdout and N on stderr (known bytes),
 *                          each line also written to DIR/talk.dat, which
 *                          is opened and closed once: the output of a
 *                          traced command must stay its own
 *   sr_live stamp N MS DIR N opens of DIR/stamp-T (which does not exist:
 *                          ENOENT), MS ms apart, T the CLOCK_MONOTONIC
 *                          nanoseconds just before the call: a reader of
 *                          the live output learns each event's lag
 *   sr_live rate BPS SECS DIR
 *                          BPS bytes a second for SECS seconds in 16 KiB
 *                          pwrite64 calls to DIR/rate.dat at offset 0,
 *                          paced on absolute times (no drift); SECS 0:
 *                          until killed
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK	16384

static char buf[CHUNK];

static void die(const char *what)
{
	fprintf(stderr, "sr_live: %s: %s\n", what, strerror(errno));
	exit(99);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static int talk(long n, const char *dir)
{
	char path[4096], line[128];
	int fd;

	snprintf(path, sizeof(path), "%s/talk.dat", dir);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die(path);
	for (long i = 0; i < n; i++) {
		int len = snprintf(line, sizeof(line), "line %ld of %ld: the command's own output\n",
				   i + 1, n);

		if (write(STDOUT_FILENO, line, len) != len || write(STDERR_FILENO, line, len) != len ||
		    write(fd, line, len) != len)
			die("write");
	}
	close(fd);
	return 0;
}

static int stamp(long n, long ms, const char *dir)
{
	char path[4096];
	uint64_t next = mono_ns();

	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/stamp-%llu", dir, (unsigned long long)mono_ns());
		if (open(path, O_RDONLY | O_CLOEXEC) >= 0 || errno != ENOENT)
			die(path);
		next += (uint64_t)ms * 1000000ull;
		sleep_until(next);
	}
	return 0;
}

static int rate(long bps, long secs, const char *dir)
{
	char path[4096];
	uint64_t start, gap;
	int fd;

	snprintf(path, sizeof(path), "%s/rate.dat", dir);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die(path);
	memset(buf, 'r', sizeof(buf));
	gap = 1000000000ull * CHUNK / (uint64_t)bps;
	start = mono_ns();
	for (uint64_t i = 0; !secs || i * gap < (uint64_t)secs * 1000000000ull; i++) {
		sleep_until(start + i * gap);
		if (pwrite(fd, buf, CHUNK, 0) != CHUNK)
			die("pwrite");
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "talk"))
		return talk(atol(argv[2]), argv[3]);
	if (argc == 5 && !strcmp(argv[1], "stamp"))
		return stamp(atol(argv[2]), atol(argv[3]), argv[4]);
	if (argc == 5 && !strcmp(argv[1], "rate") && atol(argv[2]) > 0)
		return rate(atol(argv[2]), atol(argv[3]), argv[4]);
	fprintf(stderr, "usage: sr_live talk N DIR | stamp N MS DIR | rate BPS SECS DIR\n");
	return 2;
}
