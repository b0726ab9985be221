// SPDX-License-Identifier: GPL-2.0-only
/*
 * bpf_setup.c - sysrec record's BPF side, in libbpf-tools' order: check
 * the privileges and BTF it needs, open the skeleton, set its rodata
 * from the options, load it, fill its maps, attach (sched_switch before
 * the syscall hooks), detach (after them), destroy.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "record.h"
#include "sysrec.skel.h"
#include "sysrec/format.h"
#include "sysrec/util.h"

static int check_privileges(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = {};
	static const struct { int cap; const char *name; } need[] = {
		{ CAP_BPF, "CAP_BPF" }, { CAP_PERFMON, "CAP_PERFMON" },
	};

	if (syscall(SYS_capget, &hdr, data))
		return 0;	/* cannot tell: let the load fail with its own error */
	for (size_t i = 0; i < ARRAY_SIZE(need); i++) {
		int c = need[i].cap;

		if (!(data[c / 32].effective & (1u << (c % 32))) &&
		    !(data[CAP_SYS_ADMIN / 32].effective & (1u << (CAP_SYS_ADMIN % 32)))) {
			sr_err("record needs root, or CAP_BPF and CAP_PERFMON: %s is missing", need[i].name);
			return -EPERM;
		}
	}
	return 0;
}

/* What record needs before anything is opened: said, and -EPERM or -ENOENT. */
int sr_rec__check_system(void)
{
	if (check_privileges())
		return -EPERM;
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		sr_err("this kernel has no BTF (/sys/kernel/btf/vmlinux): record needs CONFIG_DEBUG_INFO_BTF");
		return -ENOENT;
	}
	return 0;
}

int sr_rec__libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && !sr_verbose)
		return 0;
	if (!sr_verbose)
		return 0;	/* libbpf's own words go to -v; we print one line on failure */
	return vfprintf(stderr, fmt, args);
}

int sr_rec__bpf_open(struct sr_rec *r)
{
	int err;

	r->skel = sysrec_bpf__open();
	if (!r->skel) {
		err = -errno;
		sr_err("cannot open the BPF object: %s", strerror(-err));
		return err;
	}
	/* run on demand by flush_batches() (ingest.c), never attached */
	bpf_program__set_autoattach(r->skel->progs.flush, false);
	/*
	 * sched_switch moves a switched-out task's pending syscall out of its
	 * CPU's slot: it must be attached for as long as sys_enter is.
	 */
	bpf_program__set_autoattach(r->skel->progs.sched_switch, false);
	return 0;
}

/*
 * The filters and the record type of each syscall, fixed before the load;
 * the cpu class's programs loaded only when it is asked for, so that
 * without it (or without switch records) they cost nothing.
 */
void sr_rec__set_rodata(struct sr_rec *r)
{
	const struct sr_rec_opts *o = r->o;
	bool cpu = r->class_mask & SR_CLASS_CPU, sys = false;
	bool switches = cpu && o->sched_switches;
	struct stat st;

	r->skel->rodata->self_tgid = getpid();
	r->skel->rodata->filter_pids = o->npids || o->cmd;
	if (o->comm) {
		r->skel->rodata->filter_comm_on = 1;
		strncpy((char *)r->skel->rodata->filter_comm, o->comm, SR_COMM_LEN - 1);
	}
	r->skel->rodata->filter_cgroup = o->cgroup != NULL;
	/* tasks other than the current one are matched by id: kernfs ids are inode numbers */
	if (r->cg_fd >= 0 && !fstat(r->cg_fd, &st))
		r->skel->rodata->filter_cgroup_id = st.st_ino;
	r->skel->rodata->cpu_on = cpu;
	r->skel->rodata->switches_on = switches;
	bpf_program__set_autoload(r->skel->progs.sched_wakeup_new, switches);
	r->skel->rodata->argv_max = (uint32_t)o->argv_max;
	r->skel->rodata->attach_only = o->attach_only;
	memcpy((void *)r->skel->rodata->sys_type, r->sys_type, sizeof(r->sys_type));
	for (int i = 0; i < SR_NR_MAX; i++) {
		if (r->sys_type[i])
			sys = true;
		if (r->sys_type[i] == SR_EV_EXEC || r->sys_type[i] == SR_EV_FORK)
			r->skel->rodata->proc_on = 1;
	}
	/*
	 * No syscall recorded (-e cpu): no syscall hooks either.  Attached,
	 * they would make every syscall of the system take the tracepoint
	 * path and run two programs that return at once.  sched_switch moves
	 * pending syscalls or writes switch records, sched_wakeup ends a
	 * pending syscall's sleep or writes wakeup records: with neither to
	 * do (-e cpu --sched-switches none: thread totals only), not loaded.
	 */
	r->skel->rodata->sys_on = sys;
	bpf_program__set_autoload(r->skel->progs.sys_enter, sys);
	bpf_program__set_autoload(r->skel->progs.sys_exit, sys);
	bpf_program__set_autoload(r->skel->progs.sched_switch, sys || switches);
	bpf_program__set_autoload(r->skel->progs.sched_wakeup, cpu && (sys || switches));
}

/* Load, then choose between per-CPU batches and one record per sample. */
int sr_rec__bpf_load(struct sr_rec *r)
{
	int err = sysrec_bpf__load(r->skel);

	if (err) {
		sr_err("cannot load the BPF programs: %s (run with -v for the verifier's log)",
		       strerror(-err));
		return err;
	}
	/*
	 * Batches only once the flush runs here (BPF_F_TEST_RUN_ON_CPU, 5.10):
	 * a record must never wait for a batch to fill.  SYSREC_NO_BATCH=1
	 * sends every record alone, the path a kernel without it takes (tests,
	 * benchmarks).
	 */
	if (getenv("SYSREC_NO_BATCH") && *getenv("SYSREC_NO_BATCH") == '1') {
		sr_dbg("records sent one by one: SYSREC_NO_BATCH is set");
	} else {
		LIBBPF_OPTS(bpf_test_run_opts, topts);

		if (!bpf_prog_test_run_opts(bpf_program__fd(r->skel->progs.flush), &topts)) {
			r->skel->bss->batch_on = 1;
			sr_dbg("records gathered in per-CPU batches");
		} else {
			sr_dbg("records sent one by one: the flush program cannot run (%s)",
				 strerror(errno));
		}
	}
	return 0;
}

/* The --cgroup filter and the -p processes, once the maps exist. */
int sr_rec__fill_maps(struct sr_rec *r)
{
	const struct sr_rec_opts *o = r->o;
	int err;

	if (r->cg_fd >= 0) {
		__u32 zero = 0;

		err = bpf_map__update_elem(r->skel->maps.cgroup_filter, &zero, sizeof(zero),
					   &r->cg_fd, sizeof(r->cg_fd), BPF_ANY);
		if (err) {
			sr_err("--cgroup: cannot set the filter: %s", strerror(-err));
			return err;
		}
	}
	for (int i = 0; i < o->npids; i++) {
		__u8 one = 1;

		bpf_map__update_elem(r->skel->maps.tracked, &o->pids[i], sizeof(__u32), &one, 1, BPF_ANY);
	}
	sr_rec__tracked_changed(r);
	return 0;
}

/*
 * After a change to 'tracked': the programs' answers they keep per CPU
 * (tgids_seen, bpf/maps.bpf.h) are stale.  The shared mapping of .bss,
 * so a child forked by the recorder may call it too.
 */
void sr_rec__tracked_changed(struct sr_rec *r)
{
	__atomic_fetch_add(&r->skel->bss->tracked_gen, 1, __ATOMIC_SEQ_CST);
}

/* sched_switch first: see sr_rec__bpf_open(). */
int sr_rec__bpf_attach(struct sr_rec *r)
{
	int err = 0;

	if (bpf_program__autoload(r->skel->progs.sched_switch)) {
		r->switch_link = bpf_program__attach(r->skel->progs.sched_switch);
		err = r->switch_link ? 0 : -errno;
	}
	err = err ?: sysrec_bpf__attach(r->skel);
	if (err)
		sr_err("cannot attach the BPF programs: %s", strerror(-err));
	return err;
}

/* The syscall hooks first, sched_switch last; the maps stay readable. */
void sr_rec__bpf_detach(struct sr_rec *r)
{
	sysrec_bpf__detach(r->skel);
	bpf_link__destroy(r->switch_link);
	r->switch_link = NULL;
}

void sr_rec__bpf_destroy(struct sr_rec *r)
{
	sysrec_bpf__destroy(r->skel);	/* sys_enter and sys_exit go before sched_switch */
	bpf_link__destroy(r->switch_link);
}
