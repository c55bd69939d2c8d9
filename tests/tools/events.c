/*
 * A program for tool tests, one mode per argument; every mode prints a
 * deterministic transcript on unbuffered stdout (no pids, no addresses).
 *   fork    fork; the child runs child_work() and execs this program in mode
 *           "exec"; the parent waits and prints the child's status
 *   exec    what the forked child execs: prints one line
 *   signal  SIGUSR1 and SIGUSR2 with handlers, raised by the program itself;
 *           then mark() (a place to stop) and the final count
 *   ids     getpid and getppid, printed as "a pid", a value a tracer
 *           injected (42), or an error name
 *   wait    "ready", then one "got LINE" per line read from stdin (each
 *           after on_line()), "bye" at end of input: a guest to attach to
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t usr1_count, usr2_count;

void child_work(void);
void mark(void);
void on_line(const char *line);

void child_work(void)
{
	printf("child: working\n");
}

void mark(void)
{
	printf("mark: usr1=%d usr2=%d\n", (int)usr1_count, (int)usr2_count);
}

void on_line(const char *line)
{
	printf("got %s", line);
}

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		usr1_count++;
	else
		usr2_count++;
}

static int mode_fork(const char *self)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		child_work();
		execl(self, self, "exec", (char *)NULL);
		perror("execl");
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid) {
		perror("waitpid");
		return 1;
	}
	printf("parent: child exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}

static int mode_signal(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR1);
	raise(SIGUSR2);
	mark();
	printf("final: usr1=%d usr2=%d\n", (int)usr1_count, (int)usr2_count);
	return 0;
}

static void print_id(const char *name, long r)
{
	if (r == 42)
		printf("%s: 42\n", name);
	else if (r > 0)
		printf("%s: a pid\n", name);
	else
		printf("%s: %ld %s\n", name, r, strerrorname_np(errno));
}

static int mode_ids(void)
{
	print_id("getpid", syscall(SYS_getpid));
	print_id("getppid", syscall(SYS_getppid));
	return 0;
}

static int mode_wait(void)
{
	char line[256];

	printf("ready\n");
	while (fgets(line, sizeof(line), stdin)) {
		on_line(line);
	}
	printf("bye\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IONBF, 0);
	if (strcmp(mode, "fork") == 0)
		return mode_fork(argv[0]);
	if (strcmp(mode, "exec") == 0) {
		printf("exec: running\n");
		return 0;
	}
	if (strcmp(mode, "signal") == 0)
		return mode_signal();
	if (strcmp(mode, "ids") == 0)
		return mode_ids();
	if (strcmp(mode, "wait") == 0)
		return mode_wait();
	fprintf(stderr, "usage: %s fork|exec|signal|ids|wait\n", argv[0]);
	return 2;
}
