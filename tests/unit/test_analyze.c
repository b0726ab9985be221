// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_analyze.c - the pure helpers of sysrec analyze (analyze/cgroup.c,
 * stats.c, text.c, hashmap.c, resultset.c): container ids from cgroup paths,
 * the cgroup filter, exact
 * nearest-rank percentiles, sorting, shortening, the hash map, printers,
 * result sets cut at a limit, write errors of the output, and streamed
 * output the same as printed whole.
 */
#define TAP_PREFIX "analyze"
#include "unit/tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../analyze/analyze.h"

static void cg(const char *path, const char *runtime, const char *id, const char *unit)
{
	struct sr_cg_info ci;

	sr_cg_parse(path, strlen(path), &ci);
	ok(!strcmp(ci.runtime, runtime) && !strcmp(ci.id, id) && !strcmp(ci.unit, unit),
	   "cgroup %s -> runtime '%s' id '%s' unit '%s' (got '%s' '%s' '%s')",
	   path, runtime, id, unit, ci.runtime, ci.id, ci.unit);
}

static void test_cg_parse(void)
{
	const char *id64 = "4f1e3c2b5a6978d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8";
	char path[256];

	cg("/system.slice/docker-0123456789abcdef.scope", "docker", "0123456789abcdef",
	   "docker-0123456789abcdef.scope");
	snprintf(path, sizeof(path), "/docker/%s", id64);
	cg(path, "docker", id64, "");
	snprintf(path, sizeof(path),
		 "/kubepods.slice/kubepods-burstable.slice/cri-containerd-%s.scope", id64);
	cg(path, "containerd", id64, strrchr(path, '/') + 1);
	cg("/machine.slice/libpod-abcdef012345.scope/container", "podman", "abcdef012345",
	   "libpod-abcdef012345.scope");
	cg("/machine.slice/libpod-conmon-abcdef012345.scope", "", "",
	   "libpod-conmon-abcdef012345.scope");
	cg("/system.slice/crio-0011223344556677.scope", "crio", "0011223344556677",
	   "crio-0011223344556677.scope");
	cg("/system.slice/nginx.service", "", "", "nginx.service");
	cg("/user.slice/user-1000.slice/user@1000.service/app.slice/run-u12.scope", "", "",
	   "run-u12.scope");
	cg("/", "", "", "");
	cg("", "", "", "");
	cg("/mygroup/sub", "", "", "");
	/* not an id: a slash or a dot inside */
	cg("/docker-a.b.scope", "", "", "docker-a.b.scope");
	cg("/docker-.scope", "", "", "docker-.scope");
	/* a short hex name under docker/ is still its id; elsewhere it is not */
	cg("/docker/0123456789ab", "docker", "0123456789ab", "");
	cg("/other/0123456789ab", "", "", "");
	{
		/* hostile: very long components are cut, never overflow */
		char big[2048];

		memset(big, 'a', sizeof(big) - 1);
		big[0] = '/';
		memcpy(big + 1, "docker-", 7);
		memcpy(big + sizeof(big) - 7, ".scope", 6);
		big[sizeof(big) - 1] = 0;
		struct sr_cg_info ci;

		sr_cg_parse(big, strlen(big), &ci);
		ok_eq(strlen(ci.id), sizeof(ci.id) - 1, "long container id cut to the buffer");
		ok_eq(strlen(ci.unit), sizeof(ci.unit) - 1, "long unit name cut to the buffer");
	}
}

static void test_cg_under(void)
{
	ok_eq(sr_cg_under("/mygroup", "/sys/fs/cgroup", "/mygroup"), 1, "cg: same path");
	ok_eq(sr_cg_under("/mygroup/a/b", "/sys/fs/cgroup", "/mygroup"), 1, "cg: descendant");
	ok_eq(sr_cg_under("/mygroupx", "/sys/fs/cgroup", "/mygroup"), 0,
	      "cg: prefix not on a component boundary");
	ok_eq(sr_cg_under("/other", "/sys/fs/cgroup", "/mygroup"), 0, "cg: other group");
	ok_eq(sr_cg_under("/mygroup/a", "/sys/fs/cgroup/unified", "/sys/fs/cgroup/unified/mygroup"),
	      1, "cg: full path under the mount");
	ok_eq(sr_cg_under("/mygroup", "/sys/fs/cgroup/unified/", "/sys/fs/cgroup/unified/mygroup/"),
	      1, "cg: trailing slashes ignored");
	ok_eq(sr_cg_under("/unifiedx/mygroup", "/sys/fs/cgroup/unified", "/sys/fs/cgroup/unifiedx/mygroup"),
	      0, "cg: mount prefix must end on a component");
	ok_eq(sr_cg_under("/anything/at/all", "/sys/fs/cgroup", "/"), 1, "cg: / is everything");
	ok_eq(sr_cg_under("/x", "/sys/fs/cgroup", "/sys/fs/cgroup"), 1, "cg: the mount itself is /");
	ok_eq(sr_cg_under("/mygroup", NULL, "mygroup"), 1, "cg: relative filter, no mount");
	ok_eq(sr_cg_under("/a", "", "/a/b"), 0, "cg: ancestor does not match a deeper filter");
	ok_eq(sr_cg_under(NULL, "/", "/a"), 0, "cg: unknown path never matches");
	ok_eq(sr_cg_under("/", "/sys/fs/cgroup", "/a"), 0, "cg: root is not under /a");
}

static void test_percentiles(void)
{
	uint64_t one[] = { 42 };
	uint64_t ten[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	uint64_t *big;
	size_t n = 1000;

	ok_eq(sr_percentile(NULL, 0, 50), 0, "percentile of nothing is 0");
	ok_eq(sr_percentile(one, 1, 50), 42, "p50 of one value");
	ok_eq(sr_percentile(one, 1, 99), 42, "p99 of one value");
	/* nearest rank: ceil(0.5 * 10) = 5 -> 5; ceil(0.99 * 10) = 10 -> 10 */
	ok_eq(sr_percentile(ten, 10, 50), 5, "p50 of 1..10 is 5 (nearest rank)");
	ok_eq(sr_percentile(ten, 10, 99), 10, "p99 of 1..10 is 10");
	ok_eq(sr_percentile(ten, 10, 10), 1, "p10 of 1..10 is 1");
	ok_eq(sr_percentile(ten, 10, 100), 10, "p100 is the max");
	big = malloc(n * sizeof(*big));
	for (size_t i = 0; i < n; i++)
		big[i] = (i + 1) * 10;
	/* rank ceil(0.99 * 1000) = 990 -> 9900; ceil(0.5 * 1000) = 500 -> 5000 */
	ok_eq(sr_percentile(big, n, 99), 9900, "p99 of 1000 values is the 990th");
	ok_eq(sr_percentile(big, n, 50), 5000, "p50 of 1000 values is the 500th");
	ok_eq(sr_percentile(big, 3, 50), 20, "p50 of 3 values is the 2nd");
	free(big);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void test_sort(void)
{
	size_t n = 100000;
	uint64_t *a = malloc(n * sizeof(*a)), *b = malloc(n * sizeof(*b));
	uint64_t x = 88172645463325252ULL;
	int same;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* a mix of small durations and huge values */
		a[i] = b[i] = (i % 3) ? x % 100000 : x;
	}
	sr_sort_u64(a, n);
	qsort(b, n, sizeof(*b), cmp_u64);
	same = !memcmp(a, b, n * sizeof(*a));
	ok(same, "radix sort of 100000 values equals qsort");
	{
		uint64_t s[] = { 5, 3, 9, 1, 1, 0 };

		sr_sort_u64(s, 6);
		ok(s[0] == 0 && s[1] == 1 && s[2] == 1 && s[3] == 3 && s[4] == 5 && s[5] == 9,
		   "small sort");
	}
	free(a);
	free(b);
}

static void test_shorten(void)
{
	char out[64];
	const char *p = "/very/long/path/to/some/file.txt";

	sr_shorten_middle(p, strlen(p), 64, out);
	ok(!strcmp(out, p), "shorten: fits, unchanged");
	sr_shorten_middle(p, strlen(p), 15, out);
	ok(!strcmp(out, "/very...le.txt") || !strcmp(out, "/very/...le.txt"),
	   "shorten: middle cut to 15 (%s)", out);
	ok_eq(strlen(out), 15, "shorten: width kept");
	ok(!strncmp(out, "/very/", 6) && strstr(out, "...") && !strcmp(out + strlen(out) - 6, "le.txt"),
	   "shorten: head and tail kept (%s)", out);
	/* never cut inside a UTF-8 sequence: 10 x "é" (2 bytes each) */
	{
		const char *u = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";
		size_t l = sr_shorten_middle(u, strlen(u), 7, out);

		ok_eq(l, 2 * 2 + 3 + 2 * 2, "shorten: counts code points, not bytes");
	}
}

/* a path keeps its end: that is what tells two paths apart */
static void test_shorten_path(void)
{
	char out[64];
	const char *p = "/home/user/project/src/dir/file.c";
	const char *u = "/\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9/\xc3\xa9\xc3\xa9\xc3\xa9";

	sr_shorten_path(p, strlen(p), 64, out);
	ok(!strcmp(out, p), "shorten path: fits, unchanged");
	sr_shorten_path(p, strlen(p), 17, out);
	ok(!strcmp(out, ".../dir/file.c"), "shorten path: from a directory (%s)", out);
	sr_shorten_path(p, strlen(p), 12, out);
	ok(!strcmp(out, "...ir/file.c"), "shorten path: the name and what fits (%s)", out);
	ok_eq(sr_shorten_path(u, strlen(u), 6, out), 3 + 3 * 2, "shorten path: code points, not bytes");
	sr_shorten_path(p, strlen(p), 3, out);
	ok(!strcmp(out, "..."), "shorten path: narrower than the dots (%s)", out);
}

static void test_human(void)
{
	char b[32];

	ok(!strcmp(sr_human_short(1023, b, sizeof(b)), "1023"), "human 1023");
	ok(!strcmp(sr_human_short(7433, b, sizeof(b)), "7.3K"), "human 7433 = %s", b);
	ok(!strcmp(sr_human_short(1ULL << 30, b, sizeof(b)), "1.0G"), "human 1G = %s", b);
	ok(!strcmp(sr_human_short(1048575, b, sizeof(b)), "1.0M"), "human 1048575 = %s", b);
	ok(!strcmp(sr_human_short(UINT64_MAX, b, sizeof(b)), "16.0E"), "human max = %s", b);
	ok(!strcmp(sr_human_dur(999, b, sizeof(b)), "999ns"), "dur 999ns");
	ok(!strcmp(sr_human_dur(1500000, b, sizeof(b)), "1.50ms"), "dur 1.5ms = %s", b);
	ok(!strcmp(sr_human_dur(2500000000ULL, b, sizeof(b)), "2.500s"), "dur 2.5s = %s", b);
}

static void test_map(void)
{
	struct sr_map m = { 0 };
	int good = 1;

	ok_eq(sr_map__get(&m, 1, 2, 3), UINT32_MAX, "map: empty");
	for (uint32_t i = 0; i < 10000; i++)
		if (sr_map__set(&m, i, i * 7, i ^ 5, i))
			good = 0;
	ok(good, "map: 10000 inserts");
	ok_eq(m.n, 10000, "map: size");
	for (uint32_t i = 0; i < 10000; i++)
		if (sr_map__get(&m, i, i * 7, i ^ 5) != i)
			good = 0;
	ok(good, "map: every key found");
	ok_eq(sr_map__get(&m, 1, 7, 5), UINT32_MAX, "map: a near key is not found");
	sr_map__set(&m, 5, 35, 0, 99);
	ok_eq(sr_map__get(&m, 5, 35, 0), 99, "map: overwrite");
	ok_eq(m.n, 10000, "map: overwrite keeps the size");
	/* delete every other key: the rest must still be found */
	for (uint32_t i = 0; i < 10000; i += 2)
		if (sr_map__del(&m, i, i * 7, i ^ 5) != 1)
			good = 0;
	ok(good, "map: 5000 deletes");
	ok_eq(m.n, 5000, "map: size after deletes");
	ok_eq(sr_map__del(&m, 0, 0, 5), 0, "map: deleting a missing key");
	for (uint32_t i = 0; i < 10000; i++) {
		uint32_t want = (i & 1) ? (i == 5 ? 99 : i) : UINT32_MAX;

		if (sr_map__get(&m, i, i * 7, i ^ 5) != want)
			good = 0;
	}
	ok(good, "map: deleted keys gone, others found");
	/* churn: insert and delete with few live keys, as descriptors do */
	for (uint32_t r = 0; r < 100000; r++) {
		sr_map__set(&m, 1u << 20, r, 0, r);
		if (r >= 3 && sr_map__del(&m, 1u << 20, r - 3, 0) != 1)
			good = 0;
	}
	ok(good && m.n == 5003, "map: churn keeps the size (%zu)", m.n);
	for (uint32_t r = 99997; r < 100000; r++)
		if (sr_map__get(&m, 1u << 20, r, 0) != r)
			good = 0;
	ok(good, "map: the last churned keys found");
	sr_map__clear(&m);
	ok_eq(sr_map__get(&m, 5, 35, 0), UINT32_MAX, "map: cleared");
}

/* Tables counted against a limit (struct sr_mem): refused past it, given back when freed. */
static void test_mem(void)
{
	struct sr_mem mem = { .limit = 4096 };
	struct sr_map m = { .mem = &mem };
	uint64_t *a = NULL;
	size_t cap = 0;
	int good = 1;

	ok_eq(sr_grow_mem(&mem, &a, &cap, 16, sizeof(*a)), 0, "mem: 16 elements fit");
	ok_eq(mem.used, 16 * sizeof(*a), "mem: their bytes counted");
	ok_eq(sr_grow_mem(&mem, &a, &cap, 200, sizeof(*a)), 0, "mem: 256 elements fit");
	ok_eq(mem.used, 256 * sizeof(*a), "mem: the old array given back");
	ok_eq(sr_grow_mem(&mem, &a, &cap, 300, sizeof(*a)), -ENOMEM, "mem: 512 do not");
	ok(mem.over && cap == 256 && mem.used == 256 * sizeof(*a), "mem: refused, the array as it was");
	free(a);
	sr_mem__give(&mem, cap * sizeof(*a));
	mem.over = 0;
	mem.limit = 1 << 20;
	for (uint32_t i = 0; i < 1000; i++)
		if (sr_map__set(&m, i, 0, 0, i))
			good = 0;
	ok(good && mem.used > 0 && !mem.over, "mem: a map counts its slots (%llu bytes)",
	   (unsigned long long)mem.used);
	for (uint32_t i = 1000; i < 100000 && good; i++)
		if (sr_map__set(&m, i, 0, 0, i))
			good = 0;
	ok(!good && mem.over && mem.used <= mem.limit, "mem: a map refused past the limit");
	ok_eq(sr_map__get(&m, 999, 0, 0), 999, "mem: the refused map keeps its keys");
	sr_map__clear(&m);
	ok(mem.used == 0 && m.mem == &mem, "mem: a cleared map gives back all, still counted");
	ok_eq(sr_mem__take(NULL, 1ull << 62), 0, "mem: no counter, no limit");
}

static char *print_rs(struct sr_rs *rs, int fmt, size_t width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	sr_rs__print(rs, f, fmt, width);
	fclose(f);
	return buf;
}

static void test_printers(void)
{
	struct sr_rs *rs = sr_rs__new();
	char *s;

	sr_rs__col(rs, "path", SR_COL_PATH, 0);
	sr_rs__col(rs, "write_bytes", SR_COL_BYTES, 0);
	sr_rs__col(rs, "host", SR_COL_TEXT, SR_COL_F_NOTABLE);
	sr_rs__row(rs);
	sr_rs__str(rs, "/tmp/a\"b,c\n");
	sr_rs__int(rs, 7433);
	sr_rs__str(rs, "h");
	sr_rs__row(rs);
	sr_rs__str(rs, "/x");
	sr_rs__null(rs);
	sr_rs__str(rs, NULL);

	s = print_rs(rs, SR_FMT_CSV, 80);
	ok(!strcmp(s, "path,write_bytes,host\n\"/tmp/a\"\"b,c\\x0a\",7433,h\n/x,,\n"),
	   "csv: header, quoting, raw numbers, empty nulls");
	free(s);
	s = print_rs(rs, SR_FMT_JSON, 80);
	ok(!strcmp(s, "[\n{\"path\": \"/tmp/a\\\"b,c\\n\", \"write_bytes\": 7433, \"host\": \"h\"},\n"
		      "{\"path\": \"/x\", \"write_bytes\": null, \"host\": null}\n]\n"),
	   "json: array of objects, numbers as numbers");
	free(s);
	s = print_rs(rs, SR_FMT_TABLE, 80);
	ok(!strcmp(s, "path           write_bytes\n"
		      "/tmp/a\\\"b,c\\n  7433 (7.3K)\n"
		      "/x                       -\n"),
	   "table: aligned, human bytes, escaped, hidden column: [%s]", s);
	free(s);
	sr_rs__free(rs);

	/* a long path in a narrow table is cut in the middle */
	rs = sr_rs__new();
	sr_rs__col(rs, "path", SR_COL_PATH, 0);
	sr_rs__col(rs, "n", SR_COL_INT, 0);
	sr_rs__row(rs);
	sr_rs__str(rs, "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/end");
	sr_rs__int(rs, 1);
	s = print_rs(rs, SR_FMT_TABLE, 40);
	ok(strstr(s, "...") && strstr(s, "/end  1\n") && strlen(strchr(s, '\n') + 1) == 41,
	   "table: a long path is cut to fit 40 columns: [%s]", s);
	free(s);
	sr_rs__free(rs);

	/* no rows */
	rs = sr_rs__new();
	sr_rs__col(rs, "a", SR_COL_INT, 0);
	s = print_rs(rs, SR_FMT_JSON, 80);
	ok(!strcmp(s, "[]\n"), "json: empty array");
	free(s);
	sr_rs__free(rs);
}

/* Rows of @sql with at most @max: the values of column 0, "1,2,3" */
static char *rows_of(sqlite3 *db, const char *sql, int64_t max, int *more, int *err)
{
	struct sr_rs *rs = sr_rs__new();
	sqlite3_stmt *st = NULL;
	char *buf = NULL;
	size_t sz = 0;
	FILE *f = open_memstream(&buf, &sz);

	*err = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK ?
	       sr_rs__from_stmt(rs, st, max) : -EINVAL;
	for (size_t r = 0; r < rs->nrows; r++)
		fprintf(f, "%s%lld", r ? "," : "", (long long)sr_rs__at(rs, r, 0)->i);
	fclose(f);
	*more = rs->more;
	sqlite3_finalize(st);
	sr_rs__free(rs);
	return buf;
}

static void test_from_stmt_limit(void)
{
	const char *endless = "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r)"
			      " SELECT x FROM r";
	const char *three = "SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3";
	sqlite3 *db;
	int more, err;
	char *s;

	sqlite3_open(":memory:", &db);
	/* a query without end stops at the limit: this returns at all */
	s = rows_of(db, endless, 3, &more, &err);
	ok(!err && !strcmp(s, "1,2,3") && more, "from_stmt: endless query, max 3 -> [%s] more %d",
	   s, more);
	free(s);
	s = rows_of(db, three, 3, &more, &err);
	ok(!err && !strcmp(s, "1,2,3") && !more, "from_stmt: exactly max rows: no more (%d)", more);
	free(s);
	s = rows_of(db, three, 2, &more, &err);
	ok(!err && !strcmp(s, "1,2") && more, "from_stmt: max 2 of 3 -> [%s] more %d", s, more);
	free(s);
	s = rows_of(db, three, 0, &more, &err);
	ok(!err && !strcmp(s, "1,2,3") && !more, "from_stmt: max 0 is all -> [%s]", s);
	free(s);
	sqlite3_close(db);
}

/* @sql streamed (sr_rs__stream) or read whole and printed, in @fmt */
static char *query_out(sqlite3 *db, const char *sql, int fmt, int64_t max, int stream,
		       int *err)
{
	struct sr_rs_stream so = { .fmt = fmt, .width = 80, .max = max };
	struct sr_rs *rs = sr_rs__new();
	sqlite3_stmt *st = NULL;
	char *buf = NULL;
	size_t sz = 0;
	FILE *f = open_memstream(&buf, &sz);

	*err = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK ? 0 : -EINVAL;
	if (!*err && stream)
		*err = sr_rs__stream(rs, st, &so, f);
	else if (!*err && !(*err = sr_rs__from_stmt(rs, st, max)))
		*err = sr_rs__print(rs, f, fmt, 80);
	fclose(f);
	sqlite3_finalize(st);
	sr_rs__free(rs);
	return buf;
}

/* Streamed or not, the same bytes, up to a table's first page */
static void test_stream(void)
{
	const char *const sqls[] = {
		"SELECT 1 AS n, 'a,b\"c' AS path, NULL AS x, 2.5 AS read_bytes, 7000 AS write_bytes",
		"SELECT 1 WHERE 0",
		"WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r)"
		" SELECT x, x * 1000 AS total_ns, printf('/p/%d', x) AS path FROM r LIMIT 1000",
	};
	const char *const fmts[] = { "table", "csv", "json" };
	sqlite3 *db;
	int e1, e2;

	sqlite3_open(":memory:", &db);
	for (size_t i = 0; i < sizeof(sqls) / sizeof(sqls[0]); i++) {
		for (int fmt = 0; fmt < 3; fmt++) {
			for (int64_t max = 0; max < 3; max += 2) {
				char *a = query_out(db, sqls[i], fmt, max, 1, &e1);
				char *b = query_out(db, sqls[i], fmt, max, 0, &e2);

				ok(!e1 && !e2 && !strcmp(a, b), "stream: query %zu in %s, max %d: as printed whole",
				   i, fmts[fmt], (int)max);
				free(a);
				free(b);
			}
		}
	}
	sqlite3_close(db);
}

/* A full disk: the printers stop at the first row that fails, with its errno. */
static void test_print_errors(void)
{
	struct sr_rs *rs = sr_rs__new();
	FILE *f = fopen("/dev/full", "w");

	ok(f != NULL, "open /dev/full");
	if (!f) {
		sr_rs__free(rs);
		return;
	}
	setvbuf(f, NULL, _IONBF, 0);
	sr_rs__col(rs, "n", SR_COL_INT, 0);
	for (int i = 0; i < 1000; i++) {
		sr_rs__row(rs);
		sr_rs__int(rs, i);
	}
	ok(sr_out_err(f) == 0, "out_err: 0 before any write");
	ok(sr_rs__print(rs, f, SR_FMT_CSV, 80) == -ENOSPC, "csv on /dev/full: -ENOSPC");
	ok(sr_rs__print(rs, f, SR_FMT_JSON, 80) == -ENOSPC, "json on /dev/full: -ENOSPC");
	ok(sr_rs__print(rs, f, SR_FMT_TABLE, 80) == -ENOSPC, "table on /dev/full: -ENOSPC");
	fclose(f);
	sr_rs__free(rs);
}

int main(void)
{
	test_cg_parse();
	test_cg_under();
	test_percentiles();
	test_sort();
	test_shorten();
	test_shorten_path();
	test_human();
	test_map();
	test_mem();
	test_printers();
	test_from_stmt_limit();
	test_print_errors();
	test_stream();
	return tap_done();
}
