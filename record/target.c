// SPDX-License-Identifier: GPL-2.0-only
/*
 * target.c - the processes sysrec record was asked for: the COMMAND
 * (found in PATH, forked stopped, released once recording is ready, its
 * exec confirmed, waited for, its status made the exit status) and the
 * -p processes (watched until every one has exited).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "record.h"
#include "sysrec.skel.h"
#include "sysrec/util.h"

/* Whether the task whose stat file is 'path' runs: not gone, not a zombie. */
static int task_runs(const char *path)
{
	char buf[256], *p;
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	p = p ? strrchr(buf, ')') : NULL;
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/*
 * -p: like perf, stop once every process asked for has exited (zombies
 * too).  A process lives while any of its threads does: a main thread
 * that called pthread_exit() stays a zombie while the others run.
 */
static int pids_alive(const struct sr_rec_opts *o)
{
	for (int i = 0; i < o->npids; i++) {
		char path[96];
		struct dirent *de;
		DIR *d;
		int alive = 0;

		snprintf(path, sizeof(path), "/proc/%u/stat", o->pids[i]);
		if (task_runs(path))
			return 1;
		snprintf(path, sizeof(path), "/proc/%u/task", o->pids[i]);
		d = opendir(path);
		if (!d)
			continue;
		while (!alive && (de = readdir(d))) {
			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%u/task/%.16s/stat", o->pids[i], de->d_name);
			alive = task_runs(path);
		}
		closedir(d);
		if (alive)
			return 1;
	}
	return 0;
}

/*
 * Wait for the command once recording is over, and take its status.  It is
 * sent SIGTERM when recording failed ('term') or a stop signal came, before
 * or during the wait; a signal is never taken for the command's end.
 */
static void wait_command(pid_t child, int *status, bool term)
{
	bool sent = false;

	for (;;) {
		struct timespec nap = { 0, 20 * 1000000 };
		pid_t p;

		if ((term || sr_rec_stop_signal) && !sent) {
			kill(child, SIGTERM);
			kill(child, SIGCONT);	/* a stopped command takes it only once running */
			sent = true;
		}
		/*
		 * Polled: a signal that came between the test above and a
		 * blocking waitpid() would not interrupt it.
		 */
		p = waitpid(child, status, WNOHANG);
		if (p == child || (p < 0 && errno != EINTR))
			return;
		nanosleep(&nap, NULL);
	}
}

/*
 * The command's file, searched in PATH as execvp would, but before the
 * fork: the child then makes exactly one execve, and nothing the recorder's
 * child does before it is recorded.
 */
static char *find_command(const char *cmd)
{
	const char *env = getenv("PATH");
	char *paths, *dir, *save = NULL, *found = NULL;

	if (strchr(cmd, '/'))
		return strdup(cmd);
	paths = strdup(env && *env ? env : "/usr/local/bin:/usr/bin:/bin");
	if (!paths)
		return NULL;
	for (dir = strtok_r(paths, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *cand;
		struct stat st;

		if (asprintf(&cand, "%s/%s", *dir ? dir : ".", cmd) < 0)
			break;
		if (!stat(cand, &st) && S_ISREG(st.st_mode) && !access(cand, X_OK)) {
			found = cand;
			break;
		}
		free(cand);
	}
	free(paths);
	if (!found)
		errno = ENOENT;
	return found;
}

/*
 * Fork the command stopped on a pipe, so its pid can be tracked before it
 * runs; a second, close-on-exec pipe carries exec's errno back.
 */
static int start_command(struct sr_rec *r, int *go_fd, int *err_fd)
{
	int tracked_fd = bpf_map__fd(r->skel->maps.tracked);
	int go[2], ep[2];
	char *path;
	__u32 self;
	__u8 one = 1;
	pid_t pid;

	path = find_command(r->o->cmd[0]);
	if (!path)
		return -errno;
	if (pipe2(go, O_CLOEXEC) || pipe2(ep, O_CLOEXEC)) {
		free(path);
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		int e = errno;

		free(path);
		return -e;
	}
	if (!pid) {
		ssize_t n;
		char c;
		int e;

		close(go[1]);
		close(ep[0]);
		/* the recorder's handlers are ours until the exec: a signal only interrupts */
		while ((n = read(go[0], &c, 1)) < 0 && errno == EINTR)
			;
		if (n != 1)
			_exit(127);
		/*
		 * Track ourselves only now, so the only syscall recorded
		 * before the command runs is its execve.
		 */
		self = getpid();
		bpf_map_update_elem(tracked_fd, &self, &one, BPF_ANY);
		sr_rec__tracked_changed(r);
		/*
		 * The recorder's SIGINT and SIGTERM handlers stay until the exec,
		 * which resets them: a signal meanwhile cannot kill the child
		 * between this point and the exec, where its EOF would read as
		 * an exec that succeeded.
		 */
		execv(path, r->o->cmd);
		e = errno;
		if (write(ep[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	free(path);
	close(go[0]);
	close(ep[1]);
	*go_fd = go[1];
	*err_fd = ep[0];
	r->child = pid;
	return 0;
}

/* With a COMMAND: fork it, stopped until sr_rec__run_command(). */
int sr_rec__fork_command(struct sr_rec *r)
{
	int err;

	if (!r->o->cmd)
		return 0;
	err = start_command(r, &r->go_fd, &r->err_fd);
	if (err)
		sr_err("cannot run '%s': %s", r->o->cmd[0], strerror(-err));
	return err;
}

/*
 * Everything is in place: let the command exec, and see that it did.  A
 * command that never runs leaves no trace file (and FILE as it was).
 */
int sr_rec__run_command(struct sr_rec *r)
{
	const struct sr_rec_opts *o = r->o;
	sighandler_t pipe_was;
	int err, e = 0;
	ssize_t n;

	if (!o->cmd)
		return 0;
	/* stopped before the command started: it never runs, FILE stays */
	if (sr_rec_stop_signal) {
		sr_err("interrupted before '%s' started", o->cmd[0]);
		sr_rec__discard_file(r);
		return -EINTR;
	}
	/* a child gone already is an error to report, not a SIGPIPE to die of */
	pipe_was = signal(SIGPIPE, SIG_IGN);
	n = write(r->go_fd, "g", 1);
	err = n == 1 ? 0 : -errno;
	signal(SIGPIPE, pipe_was);
	if (err) {
		sr_err("cannot start '%s': %s", o->cmd[0], strerror(-err));
		r->reported = 1;
		sr_rec__discard_file(r);
		return err;
	}
	close(r->go_fd);
	r->go_fd = -1;
	/* EOF: exec succeeded; a signal meanwhile does not tell */
	do
		n = read(r->err_fd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	if (n == sizeof(e)) {
		sr_err("cannot run '%s': %s", o->cmd[0], strerror(e));
		waitpid(r->child, NULL, 0);
		r->child = -1;
		sr_rec__discard_file(r);
		return -e;
	}
	/* the command runs: its trace takes FILE's place, stopped or not */
	return sr_rec__replace_kept(r);
}

/* The recording ends with the command, or once every -p process is gone. */
int sr_rec__targets_ended(struct sr_rec *r)
{
	if (r->child > 0 && waitpid(r->child, &r->status, WNOHANG) == r->child) {
		r->child_done = 1;
		return 1;
	}
	return r->o->npids && !pids_alive(r->o);
}

/* Take the command's status, if not taken yet; see wait_command(). */
void sr_rec__wait_command(struct sr_rec *r, bool term)
{
	if (r->child > 0 && !r->child_done) {
		wait_command(r->child, &r->status, term);
		r->child_done = 1;
	}
}

/* With a COMMAND, its exit status (128 + the signal that killed it). */
int sr_rec__exit_status(const struct sr_rec *r, int err)
{
	int exit_code;

	if (err)
		return SR_EXIT_FAIL;
	if (r->child_done && r->o->cmd) {
		if (WIFEXITED(r->status))
			exit_code = WEXITSTATUS(r->status);
		else if (WIFSIGNALED(r->status))
			exit_code = 128 + WTERMSIG(r->status);
		else
			exit_code = SR_EXIT_FAIL;
		return exit_code;
	}
	return SR_EXIT_OK;
}
