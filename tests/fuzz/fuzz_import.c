// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_import.c - libFuzzer target for the importer: each input is imported
 * as a trace file into a temporary database, as `sysrec analyze FILE` does,
 * under a 64 MiB memory budget, and the peak RSS may grow by no more than a
 * cap over the first input's: a file that makes the import keep state past
 * its budget fails here, not only one that crashes it.
 *
 * The reader runs with sr_format_fuzzing set, so that a mutation behind a
 * checksum reaches the importer instead of stopping at the reader.
 *
 * The seeds in corpus/import/ are some of corpus/reader/ (full.trc with
 * every record type, gen-300.trc, loop-200.trc, cut and damaged ones) and
 * tiny hostile traces of tests/tools/mkhostile (a million exits, forks,
 * opens), which stop at the budget.
 *
 *   make fuzz && .output/fuzz/fuzz_import -max_total_time=300 DIR tests/fuzz/corpus/import
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "sysrec/format.h"
#include "../../analyze/analyze.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * What the peak RSS may grow by: the budget (64 MiB), the reader's buffers
 * for one chunk of the largest size the format allows (payload, records and
 * a scratch copy, 3 x 72 MiB; a mutated seed of 1M records took 230 MiB in
 * all without ASan), and what ASan keeps beside: redzones, shadow (an
 * eighth), and its quarantine of freed memory, cut to 64 MiB below so that
 * it does not hide growth.  Before the budget, the hostile seeds alone took
 * 860 MiB without ASan, and grew with every chunk.
 */
#define BUDGET		(64ull << 20)
#define RSS_CAP_KB	(768ull << 10)

const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=64";
}

static char *path;
static long base_kb = -1;

static long max_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* The input as a file: the importer reads paths, as analyze does. */
static int write_input(const uint8_t *data, size_t size)
{
	int fd;

	if (!path) {
		const char *t = getenv("TMPDIR");

		if (asprintf(&path, "%s/fuzz_import.%d.trc", t && *t ? t : "/tmp", (int)getpid()) < 0)
			abort();
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	for (size_t done = 0; done < size;) {
		ssize_t n = write(fd, data + done, size - done);

		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	close(fd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_an_import_opts o = { .event_rows = 1, .query_indexes = 1, .mem_limit = BUDGET };
	struct sr_an_db *d = NULL;
	int nfailed = 0;
	long kb;

	if (base_kb < 0)
		base_kb = max_rss_kb();
	sr_format_fuzzing = 1;
	if (write_input(data, size))
		return 0;
	if (!sr_an_db__open(&d, NULL)) {
		sr_an_import(d, &path, 1, &o, &nfailed);
		sr_an_db__free(d);
	}
	unlink(path);
	kb = max_rss_kb();
	if ((unsigned long long)(kb - base_kb) > RSS_CAP_KB) {
		fprintf(stderr, "fuzz_import: peak RSS grew by %ld KiB, over the cap of %llu KiB\n",
			kb - base_kb, RSS_CAP_KB);
		abort();
	}
	return 0;
}
