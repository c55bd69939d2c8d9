/*
 * ptvbench: the guest programs of bench/run.sh. Each mode times its own work
 * with clock_gettime(CLOCK_MONOTONIC), so process start-up (and ptvisor's)
 * is not counted, and prints one line: the elapsed time in nanoseconds.
 *
 *   ptvbench getppid N        N raw getppid syscalls
 *   ptvbench wait4 N          N raw wait4(-1, NULL, WNOHANG) with no child
 *                             (ECHILD): a call ptvisor traps
 *   ptvbench forkexec N PATH  N times: fork, exec PATH, waitpid
 *   ptvbench tasks N READY GO N children blocked on a pipe read; see
 *                             tasks_mode()
 *   ptvbench mix N            N raw cheap syscalls, cycling through getppid,
 *                             getuid, getgid and close(-1) (EBADF): the
 *                             syscall-heavy loop of bench/tracers.sh
 *   ptvbench hits N           N calls of the function ptvbench_hit(), the
 *                             breakpoint of bench/tracers.sh's gdb loop
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "ptvbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long count_arg(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*end != '\0' || n <= 0) {
		fprintf(stderr, "ptvbench: bad count '%s'\n", s);
		exit(2);
	}
	return n;
}

static int getppid_mode(long n)
{
	long long t0 = now_ns();

	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	printf("%lld\n", now_ns() - t0);
	return 0;
}

static int wait4_mode(long n)
{
	long long t0;

	/* Check once that the call fails as intended. */
	if (syscall(SYS_wait4, -1, NULL, WNOHANG, NULL) != -1 || errno != ECHILD)
		die("wait4 without children did not fail with ECHILD");
	t0 = now_ns();
	for (long i = 0; i < n; i++)
		syscall(SYS_wait4, -1, NULL, WNOHANG, NULL);
	printf("%lld\n", now_ns() - t0);
	return 0;
}

static int mix_mode(long n)
{
	static const long nrs[4] = { SYS_getppid, SYS_getuid, SYS_getgid, SYS_close };
	long long t0 = now_ns();

	for (long i = 0; i < n; i++) {
		long nr = nrs[i & 3];

		if (nr == SYS_close)
			syscall(nr, -1);
		else
			syscall(nr);
	}
	printf("%lld\n", now_ns() - t0);
	return 0;
}

/* The breakpoint: not inlined, not folded away. */
static volatile long ptvbench_hits;
__attribute__((noinline, used)) static void ptvbench_hit(long i)
{
	ptvbench_hits += i;
	__asm__ volatile("" ::: "memory");
}

static int hits_mode(long n)
{
	long long t0 = now_ns();

	for (long i = 0; i < n; i++)
		ptvbench_hit(i);
	printf("%lld\n", now_ns() - t0);
	return 0;
}

static int forkexec_mode(long n, const char *path)
{
	long long t0 = now_ns();

	for (long i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			execl(path, path, (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) != pid)
			die("waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "ptvbench: %s: status %#x\n", path, status);
			return 1;
		}
	}
	printf("%lld\n", now_ns() - t0);
	return 0;
}

static void await_go(int go_fd)
{
	char c;

	if (read(go_fd, &c, 1) != 1)
		die("read from the go fifo");
}

/*
 * Forks @n children, each of which says it has started through a pipe and
 * then blocks reading another pipe. When all are blocked, writes
 * "alive PPID NS" to the READY fifo (PPID: our parent, i.e. ptvisor when
 * supervised; NS: time to start them all) and waits for a byte on the GO
 * fifo. Then closes the pipe (all children read EOF and exit), reaps them,
 * writes "gone NS" and waits for a second byte before exiting.
 */
static int tasks_mode(long n, const char *ready_path, const char *go_path)
{
	int block[2], started[2];
	long long t0;
	FILE *ready;
	int go_fd;
	long got = 0;

	ready = fopen(ready_path, "w");
	if (ready == NULL)
		die("open the ready fifo");
	go_fd = open(go_path, O_RDONLY | O_CLOEXEC);
	if (go_fd < 0)
		die("open the go fifo");
	if (pipe2(block, O_CLOEXEC) < 0 || pipe2(started, O_CLOEXEC) < 0)
		die("pipe");
	t0 = now_ns();
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		char c = 's';

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			close(block[1]);
			close(started[0]);
			if (write(started[1], &c, 1) != 1)
				_exit(1);
			close(started[1]);
			_exit(read(block[0], &c, 1) == 0 ? 0 : 1);
		}
	}
	close(started[1]);
	while (got < n) {
		char buf[256];
		ssize_t r = read(started[0], buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die("read from the started pipe");
		got += r;
	}
	/* Each child wrote before its read(): all have started; some may not
	 * be asleep yet, which does not matter to the supervisor's memory. */
	fprintf(ready, "alive %d %lld\n", (int)getppid(), now_ns() - t0);
	fflush(ready);
	await_go(go_fd);

	t0 = now_ns();
	close(block[1]);
	for (long i = 0; i < n; i++) {
		int status;

		if (wait(&status) < 0)
			die("wait");
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "ptvbench: a child ended with %#x\n", status);
			return 1;
		}
	}
	fprintf(ready, "gone %lld\n", now_ns() - t0);
	fflush(ready);
	await_go(go_fd);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "getppid") == 0)
		return getppid_mode(count_arg(argv[2]));
	if (argc == 3 && strcmp(argv[1], "wait4") == 0)
		return wait4_mode(count_arg(argv[2]));
	if (argc == 3 && strcmp(argv[1], "mix") == 0)
		return mix_mode(count_arg(argv[2]));
	if (argc == 3 && strcmp(argv[1], "hits") == 0)
		return hits_mode(count_arg(argv[2]));
	if (argc == 4 && strcmp(argv[1], "forkexec") == 0)
		return forkexec_mode(count_arg(argv[2]), argv[3]);
	if (argc == 5 && strcmp(argv[1], "tasks") == 0)
		return tasks_mode(count_arg(argv[2]), argv[3], argv[4]);
	fprintf(stderr,
		"usage: ptvbench getppid N | wait4 N | mix N | hits N |"
		" forkexec N PATH |"
		" tasks N READY_FIFO GO_FIFO\n");
	return 2;
}
