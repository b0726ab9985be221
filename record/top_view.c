// SPDX-License-Identifier: GPL-2.0-only
/*
 * top_view.c - sysrec top's screen: ncurses on a thread of its own, so that
 * a terminal slow to take the screen never holds the poll loop (top.c sums
 * the records there).  Each second it takes a copy of the sums, makes
 * rates of the differences over the time the records cover, and draws the
 * processes sorted by the key chosen, filtered by what '/' was given.
 *
 * The terminal is given back on every way out: 'q', and SIGINT, SIGTERM
 * and SIGHUP (the poll loop stops on them, and the stop ends this thread,
 * which calls endwin()).  Those signals are blocked here, so they reach the
 * poll loop's thread, whose handler only sets the stop flag.
 */
#include <errno.h>
#include <ctype.h>
#include <curses.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <time.h>
#include <unistd.h>

#include "record.h"
#include "top.h"
#include "sysrec/util.h"

#define FILTER_MAX	64

/* A process on the screen: its sums and their rates over the last interval. */
struct top_row {
	struct top_sums s;
	double sys, rd, wr, opens, err, cpu;	/* per second; cpu in % of one CPU */
};

enum sort_by { BY_SYSCALLS, BY_READ, BY_WRITE, BY_OPENS, BY_CPU, BY_ERRORS, BY_PID, BY_COMM };

/* The sort keys, as the screen shows them. */
static const struct {
	int key;
	const char *what;
} sort_keys[] = {
	[BY_SYSCALLS]	= { 's', "syscalls" },
	[BY_READ]	= { 'r', "read" },
	[BY_WRITE]	= { 'w', "write" },
	[BY_OPENS]	= { 'o', "opens" },
	[BY_CPU]	= { 'c', "cpu" },
	[BY_ERRORS]	= { 'e', "errors" },
	[BY_PID]	= { 'p', "pid" },
	[BY_COMM]	= { 'n', "comm" },
};

struct top_view {
	struct sr_top *t;
	pthread_t th;
	volatile int stop;		/* set by sr_top__stop_view() */
	int failed;			/* newterm() failed: said once the thread is joined */
	struct top_sums *prev;		/* the last copy, sorted by pid */
	size_t nprev;
	uint64_t prev_ns, prev_events;
	struct top_row *rows;
	size_t nrows;
	double ev_rate;
	uint64_t lost;
	enum sort_by sort;
	char filter[FILTER_MAX];	/* "" none */
	int editing;			/* '/' was typed: the bottom line takes the filter */
	char edit[FILTER_MAX];
	size_t elen;
};

int sr_top__check_terminal(void)
{
	int e = 0;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		sr_err("top: needs a terminal on its standard input and output");
		return -ENOTTY;
	}
	if (setupterm(NULL, STDOUT_FILENO, &e) != OK) {
		const char *term = getenv("TERM");

		sr_err("top: cannot use the terminal (TERM=%s): %s", term ? term : "",
		       e == 0 ? "not in the terminfo database" : "no terminfo database");
		return -EINVAL;
	}
	del_curterm(cur_term);
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	const struct top_sums *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static double row_key(const struct top_row *r, enum sort_by by)
{
	switch (by) {
	case BY_SYSCALLS: return r->sys;
	case BY_READ: return r->rd;
	case BY_WRITE: return r->wr;
	case BY_OPENS: return r->opens;
	case BY_CPU: return r->cpu;
	case BY_ERRORS: return r->err;
	default: return 0;
	}
}

static enum sort_by sort_now;	/* qsort takes no context: set before each sort */

/* Largest first; pid and comm in ascending order; ties by pid. */
static int cmp_row(const void *a, const void *b)
{
	const struct top_row *x = a, *y = b;
	double kx = row_key(x, sort_now), ky = row_key(y, sort_now);
	int c = 0;

	if (sort_now == BY_COMM)
		c = strcmp(x->s.comm, y->s.comm);
	else if (sort_now != BY_PID)
		c = (kx < ky) - (kx > ky);
	return c ? c : (x->s.pid > y->s.pid) - (x->s.pid < y->s.pid);
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* The filter: a pid when it is a number, else part of the comm or the cgroup. */
static int wanted(const struct top_view *v, const struct top_sums *s)
{
	if (!v->filter[0])
		return 1;
	if (all_digits(v->filter))
		return s->pid == strtoul(v->filter, NULL, 10);
	return strstr(s->comm, v->filter) || strstr(s->cgroup, v->filter);
}

/* A new copy of the sums, and the rates since the last one. */
static void update(struct top_view *v)
{
	struct top_sums *cur;
	struct top_totals tot;
	size_t n;
	double secs;

	if (sr_top__take(v->t, &cur, &n, &tot))
		return;
	qsort(cur, n, sizeof(*cur), cmp_pid);
	secs = tot.read_ns > v->prev_ns ? (tot.read_ns - v->prev_ns) / 1e9 : 0;
	free(v->rows);
	v->rows = calloc(n ? n : 1, sizeof(*v->rows));
	v->nrows = 0;
	for (size_t i = 0; v->rows && i < n; i++) {
		const struct top_sums *p = bsearch(&cur[i], v->prev, v->nprev, sizeof(*cur), cmp_pid);
		struct top_sums z = { 0 };
		struct top_row *r;

		if (!p)
			p = &z;
		r = &v->rows[v->nrows++];
		r->s = cur[i];
		if (secs > 0) {
			r->sys = (cur[i].syscalls - p->syscalls) / secs;
			r->rd = (cur[i].read_bytes - p->read_bytes) / secs;
			r->wr = (cur[i].write_bytes - p->write_bytes) / secs;
			r->opens = (cur[i].opens - p->opens) / secs;
			r->err = (cur[i].errors - p->errors) / secs;
			r->cpu = (cur[i].oncpu_ns - p->oncpu_ns) / 1e7 / secs;
		}
	}
	if (secs > 0)
		v->ev_rate = (tot.events - v->prev_events) / secs;
	v->lost = tot.lost;
	free(v->prev);
	v->prev = cur;
	v->nprev = n;
	if (tot.read_ns > v->prev_ns)
		v->prev_ns = tot.read_ns;
	v->prev_events = tot.events;
}

/* "812", "12.5K", "3.4M": counts per second, in powers of 1000. */
static void fmt_count(char *b, size_t n, double v)
{
	if (v < 10 && v != (long)v)
		snprintf(b, n, "%.1f", v);
	else if (v < 10000)
		snprintf(b, n, "%.0f", v);
	else if (v < 1e6)
		snprintf(b, n, "%.1fK", v / 1e3);
	else
		snprintf(b, n, "%.1fM", v / 1e6);
}

/* "512", "64.0K", "1.0M": bytes per second, in powers of 1024. */
static void fmt_bytes(char *b, size_t n, double v)
{
	static const char unit[] = "KMGT";
	int u = -1;

	/* past 999 of a unit, the next: columns stay narrow */
	while (v >= 1000 && u < 3) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(b, n, "%.0f", v);
	else
		snprintf(b, n, "%.1f%c", v, unit[u]);
}

static void draw(struct top_view *v)
{
	const struct sr_rec_opts *o = v->t->rec->o;
	char now[16], ev[16], c[6][16];
	time_t tt = time(NULL);
	struct tm tm;
	int y = 0, maxy = getmaxy(stdscr);
	size_t shown = 0;

	localtime_r(&tt, &tm);
	strftime(now, sizeof(now), "%H:%M:%S", &tm);
	fmt_count(ev, sizeof(ev), v->ev_rate);
	sort_now = v->sort;
	if (v->nrows)
		qsort(v->rows, v->nrows, sizeof(*v->rows), cmp_row);
	for (size_t i = 0; i < v->nrows; i++)
		shown += wanted(v, &v->rows[i].s);
	erase();
	mvprintw(y++, 0, "sysrec top  %s  events %s/s  lost %llu  processes %zu  sort: %s  filter: %s",
		 now, ev, (unsigned long long)v->lost, shown, sort_keys[v->sort].what,
		 v->filter[0] ? v->filter : "none");
	mvprintw(y++, 0, "%s%s", o->output ? "recording to " : "not recording to a file",
		 o->output ? o->output : "");
	attron(A_REVERSE);
	mvprintw(y++, 0, "%7s %-15s %8s %8s %8s %7s %6s %7s  %-20s", "PID", "COMM", "SYSC/s",
		 "READ/s", "WRITE/s", "OPEN/s", "CPU%", "ERR/s", "CGROUP");
	attroff(A_REVERSE);
	for (size_t i = 0; i < v->nrows && y < maxy - 1; i++) {
		const struct top_row *r = &v->rows[i];

		if (!wanted(v, &r->s))
			continue;
		fmt_count(c[0], sizeof(c[0]), r->sys);
		fmt_bytes(c[1], sizeof(c[1]), r->rd);
		fmt_bytes(c[2], sizeof(c[2]), r->wr);
		fmt_count(c[3], sizeof(c[3]), r->opens);
		snprintf(c[4], sizeof(c[4]), "%.1f", r->cpu);
		fmt_count(c[5], sizeof(c[5]), r->err);
		mvprintw(y++, 0, "%7u %-15s %8s %8s %8s %7s %6s %7s  %s%s", r->s.pid, r->s.comm,
			 c[0], c[1], c[2], c[3], c[4], c[5], r->s.cgroup, r->s.dead ? " (exited)" : "");
	}
	if (v->editing)
		mvprintw(maxy - 1, 0, "filter (comm, pid or cgroup; Enter applies, Esc cancels): %s",
			 v->edit);
	else
		mvprintw(maxy - 1, 0, "sort: s syscalls  r read  w write  o opens  c cpu  e errors"
			 "  p pid  n comm   / filter   q quit");
	refresh();
}

/* One key; 1 when it asks to quit. */
static int on_key(struct top_view *v, int ch)
{
	if (v->editing) {
		if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
			memcpy(v->filter, v->edit, sizeof(v->filter));
			v->editing = 0;
		} else if (ch == 27) {
			v->editing = 0;
		} else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && v->elen) {
			v->edit[--v->elen] = 0;
		} else if (ch >= 32 && ch < 127 && v->elen < sizeof(v->edit) - 1) {
			v->edit[v->elen++] = (char)ch;
			v->edit[v->elen] = 0;
		}
		return 0;
	}
	if (ch == 'q' || ch == 'Q')
		return 1;
	if (ch == '/') {
		v->editing = 1;
		v->elen = strlen(v->filter);
		memcpy(v->edit, v->filter, sizeof(v->edit));
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(sort_keys); i++)
		if (ch == sort_keys[i].key)
			v->sort = (enum sort_by)i;
	return 0;
}

static void *view_main(void *arg)
{
	struct top_view *v = arg;
	SCREEN *scr;
	uint64_t next = 0;

	pthread_setname_np(pthread_self(), "sysrec-screen");
	scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		v->failed = 1;
		sr_rec_stop_signal = SIGTERM;	/* the poll loop stops */
		return NULL;
	}
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	timeout(100);
	while (!v->stop && !sr_rec_stop_signal) {
		uint64_t now = sr_mono_ns(), t0;
		int ch;

		if (now >= next) {
			update(v);
			next = now + 1000000000ull;
			draw(v);
		}
		t0 = sr_mono_ns();
		ch = getch();
		if (ch == ERR) {
			/* a terminal gone returns at once: no spinning until SIGHUP comes */
			if (sr_mono_ns() - t0 < 50000000ull)
				usleep(50000);
			continue;
		}
		if (ch == KEY_RESIZE) {
			/* a resized terminal may hold anything: the whole screen again */
			clearok(curscr, TRUE);
			draw(v);
			continue;
		}
		if (on_key(v, ch)) {
			/* as Ctrl-C: the recording stops, a command is sent SIGTERM */
			sr_rec_stop_signal = SIGINT;
			break;
		}
		draw(v);
	}
	endwin();
	delscreen(scr);
	return NULL;
}

int sr_top__start_view(struct sr_top *t)
{
	struct top_view *v;
	sigset_t stop, old;
	int err;

	if (!t)
		return 0;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->t = t;
	v->sort = BY_SYSCALLS;
	v->prev_ns = t->rec->start_ns;
	/* Ctrl-Z would stop the recording with the screen: top has no job control */
	signal(SIGTSTP, SIG_IGN);
	/* the stop signals go to the poll loop's thread: the new one inherits the mask */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigaddset(&stop, SIGWINCH);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	err = pthread_create(&v->th, NULL, view_main, v);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		sr_err("top: cannot start the screen's thread: %s", strerror(err));
		t->rec->reported = 1;
		free(v);
		return -err;
	}
	t->view = v;
	return 0;
}

int sr_top__stop_view(struct sr_top *t)
{
	struct top_view *v = t ? t->view : NULL;
	struct timespec until;
	int err = 0;

	if (!v)
		return 0;
	v->stop = 1;
	/*
	 * A terminal that takes nothing (a stopped ssh, a paused tmux) holds
	 * the thread in a write: the recording is finished meanwhile, and
	 * the thread is waited for again at the end (then left to the exit).
	 */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 2;
	if (pthread_timedjoin_np(v->th, NULL, &until))
		return 0;
	if (v->failed) {
		sr_err("top: cannot set up the terminal (TERM=%s)", getenv("TERM") ? getenv("TERM") : "");
		t->rec->reported = 1;
		err = -EIO;
	}
	t->view = NULL;
	free(v->prev);
	free(v->rows);
	free(v);
	return err;
}
