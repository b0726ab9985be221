// SPDX-License-Identifier: GPL-2.0-only
/*
 * record.c - sysrec record: load the BPF programs, follow the processes asked
 * for, merge the per-CPU streams into time order and hand the records to
 * the trace writer.
 *
 * cmd_record() runs as libbpf-tools' mains do: parse options,
 * libbpf_set_print, open, set rodata, load, attach, poll loop, one cleanup
 * path; each step is a function of the file named for its job (options.c,
 * bpf_setup.c, target.c, output.c, ingest.c).  This file holds the order,
 * the stop signals and the poll loop.
 */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "record.h"
#include "sysrec/builtin.h"
#include "sysrec/format.h"
#include "sysrec/util.h"

#define REORDER_WINDOW_NS	100000000ull	/* see docs/FORMAT.md, "Order" */
#define POLL_MS			100
/*
 * Watching live, records are read more often: --print in time order shows
 * a record within the window and 20 ms, --print-order cpu within 5 ms of
 * its CPU's flush, top counts each second's records in that second.
 */
#define POLL_MS_PRINT		20
#define POLL_MS_NOW		5

volatile sig_atomic_t sr_rec_stop_signal;

static void on_signal(int sig)
{
	sr_rec_stop_signal = sig;
}

/*
 * First thing: a stop request must never be lost, and a background job of
 * a non-interactive shell starts with SIGINT ignored.
 */
static void catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void status_line(struct sr_rec *r, uint64_t now, uint64_t *last_ns, uint64_t *last_events)
{
	struct sr_writer_stats st;
	char b[32];
	double secs = (now - *last_ns) / 1e9;

	sr_writer__stats(r->w, &st);
	fprintf(stderr, "\r\033[Ksysrec: %llu events (%.0f/s), %s written, ratio %.1fx, lost %llu",
		(unsigned long long)r->events, (r->events - *last_events) / (secs > 0 ? secs : 1),
		sr_human_bytes(r->bytes_prev_files + st.file_bytes, b, sizeof(b)),
		st.file_bytes ? (double)st.raw_bytes / st.file_bytes : 0.0,
		(unsigned long long)r->lost_total);
	*last_ns = now;
	*last_events = r->events;
}

/* What the recording needs before the BPF object: metadata, owner, cgroups. */
static int prepare(struct sr_rec *r, int argc, char **argv)
{
	sr_rec__describe(r, argc, argv);
	sr_rec__find_owner(r);
	r->cg = sr_cgroups__new();
	r->ro = sr_reorder__new();
	if (r->o->top)
		r->top = sr_top__new(r);
	if (!r->cg || !r->ro || (r->o->top && !r->top)) {
		sr_err("out of memory");
		return -ENOMEM;
	}
	return (r->o->cgroup ? sr_rec__open_cgroup(r) : 0) ?: sr_rec__print_prepare(r);
}

/* The recording starts when the hooks are attached. */
static int attach(struct sr_rec *r)
{
	r->window_ns = REORDER_WINDOW_NS;
	if (r->window_ns > r->o->flush_ns / 4)
		r->window_ns = r->o->flush_ns / 4;
	r->clock_offset = sr_rec__clock_offset();
	r->start_ns = sr_mono_ns();
	return sr_rec__bpf_attach(r);
}

/* Until a stop signal, -d, the command's or the -p processes' end, or an error. */
static int poll_loop(struct sr_rec *r)
{
	const struct sr_rec_opts *o = r->o;
	uint64_t now, end_ns = 0, last_status = r->start_ns, last_events = 0;
	int err = 0;

	if (o->duration_ns)
		end_ns = r->start_ns + o->duration_ns;
	while (!sr_rec_stop_signal) {
		err = perf_buffer__poll(r->pb, (int)r->poll_ms);
		if (err < 0 && err != -EINTR) {
			sr_err("polling the perf buffers: %s", strerror(-err));
			break;
		}
		now = sr_mono_ns();
		err = sr_rec__ingest(r, now - r->window_ns);
		err = err ?: sr_rec__rotate_on_time(r, now - r->window_ns);
		if (o->output)
			err = err ?: (r->w ? sr_writer__error(r->w) : -EIO);
		if (err) {
			sr_top__stop_view(r->top);	/* the terminal back before the message */
			if (!r->reported)
				sr_err("writing %s: %s", r->path ? r->path : "the records",
				       strerror(-err));
			r->reported = 1;
			break;
		}
		/*
		 * A record reaches the file at most flush-interval after its
		 * time: it waited the reorder window before release, and the
		 * next poll may come POLL_MS late.
		 */
		if (r->chunk_first_ts &&
		    now + r->poll_ms * 1000000ull >= r->chunk_first_ts + o->flush_ns) {
			sr_writer__flush(r->w);
			r->chunk_first_ts = 0;
		}
		/* nothing is recorded for anyone any more */
		if (!o->output && sr_rec__print_gone(r))
			break;
		if (r->tty && now - last_status >= 1000000000ull)
			status_line(r, now, &last_status, &last_events);
		if (end_ns && now >= end_ns)
			break;
		if (sr_rec__targets_ended(r))
			break;
	}
	return err;
}

/* Detach first, then drain: nothing can arrive after the last read. */
static int stop(struct sr_rec *r, int err)
{
	if (err == -EINTR)
		err = 0;
	err = sr_top__stop_view(r->top) ?: err;
	sr_rec__bpf_detach(r);
	if ((r->w || !r->o->output) && !err)
		err = sr_rec__drain(r);
	if (r->w) {
		int e = sr_rec__close_file(r, sr_mono_ns());

		err = err ?: e;
	}
	if (r->tty)
		fputs("\r\033[K", stderr);
	sr_rec__print_close(r);
	if (!r->o->quiet && r->path && !err) {
		fprintf(stderr, "sysrec: %llu events, %llu lost, %llu bytes (%.1f bytes/event) in %s%s\n",
			(unsigned long long)r->events, (unsigned long long)r->lost_total,
			(unsigned long long)r->bytes_prev_files,
			r->events ? (double)r->bytes_prev_files / r->events : 0.0, r->path,
			r->rotation ? " and earlier files" : "");
	}
	return err;
}

/* The one cleanup path, whatever step failed; the command is waited for. */
static void tear_down(struct sr_rec *r, int err)
{
	if (r->go_fd >= 0)
		close(r->go_fd);
	if (r->err_fd >= 0)
		close(r->err_fd);
	if (r->cg_fd >= 0)
		close(r->cg_fd);
	sr_top__stop_view(r->top);	/* a last wait for a terminal that took nothing */
	sr_rec__wait_command(r, err != 0);
	sr_rec__print_close(r);
	sr_top__free(r->top);
	sr_rec__close_buffers(r);
	sr_rec__bpf_destroy(r);
	sr_rec__free_files(r);
	sr_reorder__free(r->ro);
	sr_cgroups__free(r->cg);
}

/* sysrec record, and sysrec top (top set): the same recording, watched or not. */
static int record_main(int argc, char **argv, int top)
{
	struct sr_rec_opts o = { .top = top };
	struct sr_rec r = { .o = &o, .child = -1, .go_fd = -1, .err_fd = -1, .cg_fd = -1,
			    .print_fd = -1 };
	int err;

	err = sr_rec__parse_opts(&r, argc, argv);
	if (err == 1) {
		fputs(top ? sr_usage_top : sr_usage_record, stdout);
		return SR_EXIT_OK;
	}
	if (err)
		return SR_EXIT_USAGE;
	if (o.top && sr_top__check_terminal())
		return SR_EXIT_FAIL;
	/* no status line over the full screen, nor between the lines printed on it */
	r.tty = isatty(STDERR_FILENO) && !o.quiet && !o.top &&
		!(o.print && !o.print_to && isatty(STDOUT_FILENO));
	r.poll_ms = o.top ? POLL_MS_PRINT : !o.print ? POLL_MS :
		    o.print_now ? POLL_MS_NOW : POLL_MS_PRINT;
	catch_stop_signals();
	/*
	 * Buffers of a MiB and more (reorder, chunks) are allocated and given
	 * back as the event rate changes.  glibc would raise its mmap
	 * threshold after the first such free and serve the next ones from
	 * the heap, which fragments and never shrinks: a recorder running
	 * for days would creep.  A fixed threshold keeps them mmap()ed, so a
	 * free returns the memory.
	 */
	mallopt(M_MMAP_THRESHOLD, 128 << 10);
	if (sr_rec__check_system() || sr_rec__check_pids(&o))
		return SR_EXIT_FAIL;
	libbpf_set_print(sr_rec__libbpf_print);

	err = prepare(&r, argc, argv);
	err = err ?: sr_rec__bpf_open(&r);
	if (err)
		goto cleanup;
	sr_rec__set_rodata(&r);
	err = sr_rec__bpf_load(&r);
	err = err ?: sr_rec__fill_maps(&r);
	err = err ?: sr_rec__fork_command(&r);	/* stopped until sr_rec__run_command() */
	err = err ?: sr_rec__open_buffers(&r);
	err = err ?: attach(&r);
	err = err ?: sr_rec__print_open(&r);
	if (o.output)
		err = err ?: sr_rec__open_first_file(&r);
	else
		err = err ?: sr_rec__print_snapshot(&r);
	err = err ?: sr_rec__run_command(&r);
	err = err ?: sr_top__start_view(r.top);
	if (!err)
		err = stop(&r, poll_loop(&r));
cleanup:
	tear_down(&r, err);
	return sr_rec__exit_status(&r, err);
}

int cmd_record(int argc, char **argv)
{
	return record_main(argc, argv, 0);
}

int cmd_top(int argc, char **argv)
{
	return record_main(argc, argv, 1);
}
