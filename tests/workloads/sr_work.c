// SPDX-License-Identifier: GPL-2.0-only
/*
 * sr_work.c - deterministic workloads for the end-to-end tests.  Every byte
 * count, path and exit code here is asserted by the tests under tests/bpf, so change
 * one only together with the other.
 *
 *   sr_work basic DIR      files of known sizes via write, pwrite64, writev,
 *                          read; dup2; anonymous mmap/munmap; two children
 *                          that fork, exec this program and exit 5 and 6
 *   sr_work paths DIR      files reached by relative names, a directory fd,
 *                          a symlinked directory, "..", chdir/fchdir
 *                          inherited across fork, and a descriptor opened
 *                          before recording (waits for SIGUSR1 after
 *                          writing DIR/ready, so a recorder can start)
 *   sr_work forks N        N short-lived children, each writing 10 bytes
 *   sr_work slow DIR N     N rounds of file I/O 100 ms apart, one descriptor
 *                          held open across all of them
 *   sr_work loop N DIR     the benchmark loop: N rounds of open/read/read/
 *                          close and open/write/close, an mmap/munmap and
 *                          brk every 64 rounds, a fork+exec every 1024
 *   sr_work edge DIR       the other variants: creat, openat2, a failed open,
 *                          readv/preadv/pwritev, dup/dup3/fcntl(F_DUPFD_CLOEXEC),
 *                          a file mapping, a thread, vfork+exec, clone3, a
 *                          failed exec, brk
 *   sr_work compat DIR     32-bit syscalls (int $0x80, x86-64 only): open,
 *                          read 50 bytes, write 7 and close DIR/c.dat, then the
 *                          same four as 64-bit calls; then a 32-bit fork whose
 *                          child makes a 32-bit execve of /bin/true, and a
 *                          32-bit execve of /nonexistent ["nope", "arg1"] that
 *                          fails; prints the 32-bit open's return (-38,
 *                          ENOSYS, without ia32 emulation)
 *   sr_work leader DIR N   the main thread exits (pthread_exit) once it
 *                          has started a thread, which then writes 10
 *                          bytes to DIR/wI for I < N, 100 ms apart, and
 *                          exits the process with status 9
 *   sr_work child K DIR    (internal) the exec'd child: writes 100*K bytes
 *                          to DIR/childK.dat and exits 4+K
 *
 * With SR_WORK_READY=FILE in the environment, a workload creates FILE once
 * it is set up and waits for SIGUSR1 before doing its work, so that a
 * recorder can be started on it with -p or -c.
 */
#include <errno.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static char buf[8192];
static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	(void)sig;
	go = 1;
}
static const char *self;

static void die(const char *what)
{
	fprintf(stderr, "sr_work: %s: %s\n", what, strerror(errno));
	exit(99);
}

static int xopen(const char *path, int flags)
{
	int fd = open(path, flags, 0644);

	if (fd < 0)
		die(path);
	return fd;
}

static void xwrite(int fd, size_t n)
{
	if (write(fd, buf, n) != (ssize_t)n)
		die("write");
}

static char *join(const char *dir, const char *name)
{
	static char paths[16][4096];
	static int next;
	char *p = paths[next++ % 16];

	snprintf(p, 4096, "%s/%s", dir, name);
	return p;
}

/* fork; the child execs "self child K dir"; returns the child's pid */
static pid_t spawn_child(int k, const char *dir)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (!pid) {
		char ks[16];

		snprintf(ks, sizeof(ks), "%d", k);
		execl(self, self, "child", ks, dir, (char *)NULL);
		_exit(98);
	}
	return pid;
}

static void wait_child(pid_t pid, int want)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		die("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != want) {
		fprintf(stderr, "sr_work: child %d: status %#x\n", pid, st);
		exit(97);
	}
}

/* SR_WORK_READY: say we are ready, then wait for SIGUSR1. */
static void wait_go(void)
{
	const char *ready = getenv("SR_WORK_READY");
	sigset_t set, old;

	if (!ready)
		return;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	close(xopen(ready, O_CREAT | O_WRONLY | O_TRUNC));
	while (!go)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static int do_child(int k, const char *dir)
{
	char name[32];
	int fd;

	snprintf(name, sizeof(name), "child%d.dat", k);
	fd = xopen(join(dir, name), O_CREAT | O_WRONLY | O_TRUNC);
	xwrite(fd, 100 * k);
	close(fd);
	return 4 + k;
}

/*
 * a.dat: 1000 (write) + 433 (pwrite64) + 6000 (writev) = 7433 bytes,
 *        read back with read(4096) = 4096, 3337, 0;
 * b.dat: 2222 bytes through a dup2'd descriptor 100;
 * mmap/munmap 1 MiB and 64 KiB anonymous; children 1 and 2.
 */
static int do_basic(const char *dir)
{
	struct iovec iov[3] = {
		{ buf, 1000 }, { buf, 2000 }, { buf, 3000 },
	};
	pid_t c1, c2;
	void *m;
	int fd;

	wait_go();
	fd = xopen(join(dir, "a.dat"), O_CREAT | O_WRONLY | O_TRUNC);
	xwrite(fd, 1000);
	if (pwrite(fd, buf, 433, 1000) != 433)
		die("pwrite");
	if (lseek(fd, 1433, SEEK_SET) != 1433)
		die("lseek");
	if (writev(fd, iov, 3) != 6000)
		die("writev");
	close(fd);

	fd = xopen(join(dir, "a.dat"), O_RDONLY);
	if (read(fd, buf, 4096) != 4096 || read(fd, buf, 4096) != 3337 || read(fd, buf, 4096) != 0)
		die("read");
	close(fd);

	fd = xopen(join(dir, "b.dat"), O_CREAT | O_WRONLY | O_TRUNC);
	if (dup2(fd, 100) != 100)
		die("dup2");
	close(fd);
	xwrite(100, 2222);
	close(100);

	m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		die("mmap");
	munmap(m, 1 << 20);
	m = mmap(NULL, 65536, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		die("mmap");
	munmap(m, 65536);

	c1 = spawn_child(1, dir);
	wait_child(c1, 5);
	c2 = spawn_child(2, dir);
	wait_child(c2, 6);
	return 0;
}


/*
 * Under DIR: pre.dat 1111 (fd opened before SIGUSR1), rel.dat 101,
 * sub/dfd.dat 202, link -> sub: sub/sym.dat 303, dotdot.dat 404,
 * sub/child.dat 505 (child after chdir), sub/inh.dat 606 (child of an
 * fchdir'd parent).
 */
static int do_paths(const char *dir)
{
	int pre, fd, dfd;
	pid_t pid;

	pre = xopen(join(dir, "pre.dat"), O_CREAT | O_WRONLY | O_TRUNC);
	if (mkdir(join(dir, "sub"), 0755) && errno != EEXIST)
		die("mkdir");
	if (symlink("sub", join(dir, "link")) && errno != EEXIST)
		die("symlink");
	wait_go();

	xwrite(pre, 1111);
	close(pre);

	if (chdir(dir))
		die("chdir");
	fd = xopen("rel.dat", O_CREAT | O_WRONLY | O_TRUNC);
	xwrite(fd, 101);
	close(fd);

	dfd = xopen("sub", O_RDONLY | O_DIRECTORY);
	fd = openat(dfd, "dfd.dat", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0)
		die("openat");
	xwrite(fd, 202);
	close(fd);

	fd = xopen(join(dir, "link/sym.dat"), O_CREAT | O_WRONLY | O_TRUNC);
	xwrite(fd, 303);
	close(fd);

	fd = xopen("sub/../dotdot.dat", O_CREAT | O_WRONLY | O_TRUNC);
	xwrite(fd, 404);
	close(fd);

	pid = fork();
	if (!pid) {
		if (chdir("sub"))
			_exit(96);
		fd = xopen("child.dat", O_CREAT | O_WRONLY | O_TRUNC);
		xwrite(fd, 505);
		_exit(0);
	}
	wait_child(pid, 0);

	if (fchdir(dfd))
		die("fchdir");
	pid = fork();
	if (!pid) {
		fd = xopen("inh.dat", O_CREAT | O_WRONLY | O_TRUNC);
		xwrite(fd, 606);
		_exit(0);
	}
	wait_child(pid, 0);
	close(dfd);
	return 0;
}

static void *thread_fn(void *arg)
{
	int fd = xopen(arg, O_CREAT | O_WRONLY | O_TRUNC);

	xwrite(fd, 77);
	close(fd);
	return NULL;
}

/*
 * e.dat: creat + write 10; openat2 + pwritev 2x20 at 100 = 40; readv 3x10
 * from it (ret 30); preadv 1x16 at 120 (ret 16); dup -> write 5; dup3 ->
 * write 6; fcntl(F_DUPFD_CLOEXEC, 50) -> write 7; mmap of 4096 of it;
 * open of DIR/missing fails with ENOENT; thread writes 77 to t.dat; vfork
 * child execs /nonexistent (fails, ENOENT) and exits 9; clone3 child exits
 * 3; sbrk(8192).
 */
static int do_edge(const char *dir)
{
	struct open_how how = { .flags = O_RDWR, .mode = 0 };
	struct iovec w2[2] = { { buf, 20 }, { buf, 20 } };
	struct iovec r3[3] = { { buf, 10 }, { buf, 10 }, { buf, 10 } };
	struct iovec r1[1] = { { buf, 16 } };
	struct clone_args ca = { .exit_signal = SIGCHLD };
	pthread_t th;
	pid_t pid;
	void *m;
	int fd, fd2, d1, d3, d5;

	wait_go();
	fd = creat(join(dir, "e.dat"), 0600);
	if (fd < 0)
		die("creat");
	xwrite(fd, 10);
	close(fd);

	fd = syscall(SYS_openat2, AT_FDCWD, join(dir, "e.dat"), &how, sizeof(how));
	if (fd < 0)
		die("openat2");
	if (pwritev(fd, w2, 2, 100) != 40)
		die("pwritev");
	if (lseek(fd, 0, SEEK_SET) != 0 || readv(fd, r3, 3) != 30)
		die("readv");
	if (preadv(fd, r1, 1, 120) != 16)
		die("preadv");
	d1 = dup(fd);
	xwrite(d1, 5);
	d3 = dup3(fd, 60, O_CLOEXEC);
	xwrite(d3, 6);
	d5 = fcntl(fd, F_DUPFD_CLOEXEC, 50);
	xwrite(d5, 7);
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		die("mmap file");
	munmap(m, 4096);
	close(d1);
	close(d3);
	close(d5);
	close(fd);

	fd2 = open(join(dir, "missing"), O_RDONLY);
	if (fd2 >= 0 || errno != ENOENT)
		die("open missing");

	if (pthread_create(&th, NULL, thread_fn, join(dir, "t.dat")) || pthread_join(th, NULL))
		die("pthread");

	pid = vfork();
	if (!pid) {
		execl("/nonexistent/sr_work", "nope", (char *)NULL);
		_exit(9);
	}
	wait_child(pid, 9);

	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0)
		die("clone3");
	if (!pid)
		syscall(SYS_exit, 3);
	wait_child(pid, 3);

	if (sbrk(8192) == (void *)-1)
		die("sbrk");
	return 0;
}

static int do_forks(int n)
{
	wait_go();
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (!pid) {
			int fd = xopen("/dev/null", O_WRONLY);

			xwrite(fd, 10);
			_exit(0);
		}
		wait_child(pid, 0);
	}
	return 0;
}

/* slow.dat: sum of 1000+i for i < N; held.dat: 10*N through one descriptor */
static int do_slow(const char *dir, int n)
{
	int held;

	wait_go();
	held = xopen(join(dir, "held.dat"), O_CREAT | O_WRONLY | O_TRUNC);
	for (int i = 0; i < n; i++) {
		int fd = xopen(join(dir, "slow.dat"), O_CREAT | O_WRONLY | O_APPEND);

		xwrite(fd, 1000 + i);
		close(fd);
		xwrite(held, 10);
		usleep(100000);
	}
	close(held);
	return 0;
}

struct leader_args {
	const char *dir;
	int n;
};

static void *leader_thread(void *arg)
{
	const struct leader_args *a = arg;

	for (int i = 0; i < a->n; i++) {
		char name[16];
		int fd;

		usleep(100000);
		snprintf(name, sizeof(name), "w%d", i);
		fd = xopen(join(a->dir, name), O_CREAT | O_WRONLY | O_TRUNC);
		xwrite(fd, 10);
		close(fd);
	}
	exit(9);
}

/* The process lives on in a thread after its main thread is gone. */
static int do_leader(const char *dir, int n)
{
	static struct leader_args a;
	pthread_t th;

	a.dir = dir;
	a.n = n;
	wait_go();
	if (pthread_create(&th, NULL, leader_thread, &a))
		die("pthread_create");
	pthread_exit(NULL);
}

#ifdef __x86_64__
/* A 32-bit syscall: ia32 numbers, arguments in ebx, ecx, edx. */
static long sys32(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return r;
}

static int do_compat(const char *dir)
{
	char *path = join(dir, "c.dat");
	/* int $0x80 takes 32-bit pointers: the name and buffer go below 4 GiB */
	char *low = mmap((void *)0x10000000, 8192, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	long fd;
	int fd64;

	if (low == MAP_FAILED)
		die("mmap below 4 GiB");
	fd64 = xopen(path, O_CREAT | O_WRONLY | O_TRUNC);
	xwrite(fd64, 100);
	close(fd64);
	snprintf(low, 4096, "%s", path);
	fd = sys32(5, (long)low, O_RDWR, 0);		/* open */
	printf("%ld\n", fd);
	if (fd >= 0) {
		sys32(3, fd, (long)low + 4096, 50);	/* read */
		sys32(4, fd, (long)low + 4096, 7);	/* write */
		sys32(6, fd, 0, 0);			/* close */
	}
	fd64 = xopen(path, O_RDWR);
	if (read(fd64, buf, 50) != 50 || write(fd64, buf, 7) != 7)
		die("c.dat");
	close(fd64);
	if (fd < 0)
		return 0;
	/* argv of 32-bit pointers, and their strings, below 4 GiB */
	{
		uint32_t *av = (uint32_t *)(low + 6144);
		char *s = low + 7168;
		long pid;

		strcpy(s, "/bin/true");
		strcpy(s + 16, "nope");
		strcpy(s + 32, "arg1");
		strcpy(s + 48, "/nonexistent");
		av[0] = (uint32_t)(uintptr_t)(s + 16);
		av[1] = (uint32_t)(uintptr_t)(s + 32);
		av[2] = 0;
		fflush(stdout);
		pid = sys32(2, 0, 0, 0);		/* fork */
		if (pid == 0) {
			sys32(11, (long)s, (long)av, 0);	/* execve /bin/true */
			_exit(97);
		}
		if (pid < 0 || waitpid((pid_t)pid, NULL, 0) != pid)
			die("32-bit fork");
		if (sys32(11, (long)(s + 48), (long)av, 0) != -ENOENT)	/* execve fails */
			die("32-bit execve of /nonexistent");
	}
	return 0;
}
#else
static int do_compat(const char *dir)
{
	(void)dir;
	printf("-38\n");
	return 0;
}
#endif

static int do_loop(long n, const char *dir)
{
	char *in = join(dir, "loop.in"), *out = join(dir, "loop.out");
	int fd = xopen(in, O_CREAT | O_WRONLY | O_TRUNC);

	xwrite(fd, 8192);
	close(fd);
	for (long i = 0; i < n; i++) {
		fd = xopen(in, O_RDONLY);
		if (read(fd, buf, 4096) != 4096 || read(fd, buf, 8192) != 4096)
			die("read");
		close(fd);
		fd = xopen(out, O_CREAT | O_WRONLY | O_TRUNC);
		xwrite(fd, 512);
		close(fd);
		if (i % 64 == 0) {
			void *m = mmap(NULL, 65536, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (m == MAP_FAILED)
				die("mmap");
			munmap(m, 65536);
			free(malloc(256 << 10));	/* brk (or mmap) through malloc */
			sbrk(4096);
			sbrk(-4096);
		}
		if (i % 1024 == 1023) {
			pid_t pid = fork();

			if (!pid) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(98);
			}
			waitpid(pid, NULL, 0);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	/* exec by real name: comm stays "sr_work" for the -c tests */
	if (n <= 0)
		die("readlink /proc/self/exe");
	self = exe;
	memset(buf, 'x', sizeof(buf));
	signal(SIGUSR1, on_usr1);
	if (argc >= 3 && !strcmp(argv[1], "basic"))
		return do_basic(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "paths"))
		return do_paths(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "edge"))
		return do_edge(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "forks"))
		return do_forks(atoi(argv[2]));
	if (argc >= 4 && !strcmp(argv[1], "slow"))
		return do_slow(argv[2], atoi(argv[3]));
	if (argc >= 4 && !strcmp(argv[1], "loop"))
		return do_loop(atol(argv[2]), argv[3]);
	if (argc >= 3 && !strcmp(argv[1], "compat"))
		return do_compat(argv[2]);
	if (argc >= 4 && !strcmp(argv[1], "leader"))
		return do_leader(argv[2], atoi(argv[3]));
	if (argc >= 4 && !strcmp(argv[1], "child"))
		return do_child(atoi(argv[2]), argv[3]);
	fprintf(stderr, "usage: sr_work basic|paths|edge|compat DIR | forks N | slow DIR N | leader DIR N | loop N DIR | child K DIR\n");
	return 2;
}
