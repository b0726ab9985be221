// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_mem.c - --mem: per process its mmaps, munmaps and brk growth and
 * the peak of what it had mapped.  proc_mem, made at import, answers for
 * the whole recording; a time window replays the window's mem_ev rows.
 */
#include <errno.h>
#include <stdint.h>

#include "sysrec/event.h"
#include "report.h"

/* temp.fmem: proc_mem of the window's mmap/munmap/brk, replayed in order */
static int window_mem(struct rctx *c)
{
	struct qbuf q = { .n = 0 };
	sqlite3_stmt *st = NULL, *ins;
	int err;

	err = temp_table(c, "DROP TABLE IF EXISTS temp.fmem;"
			 "CREATE TEMP TABLE fmem(proc_id INTEGER PRIMARY KEY, mmaps INTEGER,"
			 " mapped INTEGER, munmaps INTEGER, unmapped INTEGER, peak INTEGER,"
			 " brks INTEGER, brk_first INTEGER, brk_last INTEGER)",
			 "INSERT INTO temp.fmem VALUES(?,?,?,?,?,?,?,?,?)", &ins);
	if (err)
		goto out;
	q_add(&q, "SELECT m.proc_id, m.type, m.ret, m.len FROM mem_ev m"
	      " JOIN temp.fwin w ON w.rec_id = m.rec_id AND m.ts >= w.ts_lo AND m.ts < w.ts_hi"
	      " WHERE 1");
	if (c->fproc)
		q_add(&q, " AND m.proc_id IN (SELECT proc_id FROM temp.fproc)");
	if (c->fcg)
		q_add(&q, " AND m.proc_id IN (SELECT proc_id FROM procs"
		      " WHERE (rec_id, cgroup_id) IN (SELECT rec_id, id FROM temp.fcg))");
	q_add(&q, " ORDER BY m.proc_id, m.ts, m.rowid");
	err = q_prepare(c, &q, &st);
	if (err)
		goto out;
	{
		int64_t cur_proc = -1, cur = 0, peak = 0, mm = 0, mapped = 0, mu = 0, unm = 0;
		int64_t brks = 0, bf = 0, bl = 0;
		int rc;

		do {
			int64_t pid_, type, ret, len;

			rc = sqlite3_step(st);
			pid_ = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -2;
			if (pid_ != cur_proc && cur_proc != -1) {
				int64_t vals[9] = { cur_proc, mm, mapped, mu, unm, peak, brks, bf, bl };

				insert_row(ins, vals, 9);
			}
			if (rc != SQLITE_ROW)
				break;
			if (pid_ != cur_proc) {
				cur_proc = pid_;
				cur = peak = mm = mapped = mu = unm = brks = bf = bl = 0;
			}
			type = sqlite3_column_int64(st, 1);
			ret = sqlite3_column_int64(st, 2);
			len = sqlite3_column_int64(st, 3);
			if (ret < 0 && ret >= -4095)
				continue;
			len = sr_clamp(len, 0, SR_LEN_MAX);
			if (type == SR_EV_MMAP) {
				mm++;
				mapped = sr_sum(mapped, len);
				cur = sr_sum(cur, len);
				if (cur > peak)
					peak = cur;
			} else if (type == SR_EV_MUNMAP) {
				mu++;
				unm = sr_sum(unm, len);
				cur = sr_sum(cur, -len);
			} else {
				if (!brks)
					bf = ret;
				bl = ret;
				brks++;
			}
		} while (1);
	}
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(st);
	return err;
}

int report_mem(struct rctx *c)
{
	struct qbuf q = { .n = 0 };
	struct sr_rs *rs;
	int err;

	err = c->ftime ? window_mem(c) : 0;
	if (err)
		return err;
	rs = rep_rs(c, SR_REP_MEM, c->o->by);
	if (!rs)
		return -ENOMEM;
	q_add(&q, "SELECT p.pid, p.comm, m.mmaps, m.mapped, m.munmaps, m.unmapped,"
	      " m.peak, m.brks, m.brk_last - m.brk_first, r.host");
	if (rec_split(c))
		q_rec(&q, "r.rec_id");
	q_add(&q, " FROM %s m JOIN procs p ON p.proc_id = m.proc_id"
	      " JOIN recordings r ON r.rec_id = p.rec_id WHERE 1",
	      c->ftime ? "temp.fmem" : "proc_mem");
	if (!c->ftime)
		q_filters(c, &q, "p");	/* temp.fmem holds only what passed them */
	/* ties: by recording, then its import's order (report.h, SR_REC_KEY) */
	q_add(&q, " ORDER BY m.peak DESC, m.mapped DESC, p.pid, r.host, " SR_REC_KEY("r")
	      ", p.proc_id LIMIT :limit");
	return run_print(c, &q, rs);
}
