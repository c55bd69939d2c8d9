/*
 * What a process inherits from whoever started it reaches the guest through
 * the supervisor unchanged: arguments, environment (in order, odd entries
 * included), working directory, umask, resource limits, nice value, open
 * descriptors above 2 (with their offsets, flags and close-on-exec), the
 * signal mask and ignored signals, no_new_privs, personality, CPU affinity,
 * timer slack, groups, session and process group.
 *
 * Two roles in one program:
 *   scn-inherit --setup COMMAND...  sets all of that up, then execs COMMAND
 *                                   (compare.sh --wrap: it runs before
 *                                   ptvisor, or before the native parent)
 *   scn-inherit [ARG...]            reports what it was given
 * Without --setup in front, it reports what the harness gave (compare.sh
 * --setup can add descriptors, a umask and ignored signals).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenario.h"

extern char **environ;

static void die_setup(const char *what)
{
	fprintf(stderr, "scn-inherit --setup: %s: %s\n", what, strerror(errno));
	exit(125);
}

static void setup_fds(void)
{
	int file, pipefd[2], appender, cloexec;

	file = open("inherited-file", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (file < 0 || write(file, "0123456789\n", 11) != 11 ||
	    lseek(file, 4, SEEK_SET) != 4 || dup2(file, 5) != 5)
		die_setup("fd 5");
	close(file);
	if (pipe(pipefd) < 0 || dup2(pipefd[0], 6) != 6 ||
	    dup2(pipefd[1], 7) != 7 || write(7, "queued in the pipe", 18) != 18)
		die_setup("fds 6, 7");
	close(pipefd[0]);
	close(pipefd[1]);
	if (fcntl(6, F_SETFL, O_NONBLOCK) < 0)
		die_setup("O_NONBLOCK on fd 6");
	appender = open("appended-file", O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (appender < 0 || dup2(appender, 8) != 8)
		die_setup("fd 8");
	close(appender);
	cloexec = open("/dev/null", O_RDONLY);
	if (cloexec < 0 || dup3(cloexec, 9, O_CLOEXEC) != 9)
		die_setup("fd 9");
	close(cloexec);
}

static void setup_signals(void)
{
	static const int ignored[] = { SIGINT, SIGQUIT, SIGUSR2, SIGPIPE,
				       SIGTTOU, SIGCHLD };
	sigset_t blocked;

	for (size_t i = 0; i < sizeof(ignored) / sizeof(*ignored); i++)
		if (signal(ignored[i], SIG_IGN) == SIG_ERR)
			die_setup("signal");
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGUSR1);
	sigaddset(&blocked, SIGTERM);
	sigaddset(&blocked, SIGRTMIN + 3);
	if (sigprocmask(SIG_SETMASK, &blocked, NULL) < 0)
		die_setup("sigprocmask");
}

static void setup_limits(void)
{
	static const struct {
		int resource;
		rlim_t soft;
	} limits[] = {
		{ RLIMIT_NOFILE, 200 },
		{ RLIMIT_STACK, 6 << 20 },
		{ RLIMIT_FSIZE, 1 << 30 },
		{ RLIMIT_CPU, 1000 },
		{ RLIMIT_MSGQUEUE, 4096 },
	};

	for (size_t i = 0; i < sizeof(limits) / sizeof(*limits); i++) {
		struct rlimit rl;

		if (getrlimit(limits[i].resource, &rl) < 0)
			die_setup("getrlimit");
		rl.rlim_cur = limits[i].soft;
		if (setrlimit(limits[i].resource, &rl) < 0)
			die_setup("setrlimit");
	}
}

static void setup_process(void)
{
	static const gid_t groups[] = { 3, 1, 2 };
	cpu_set_t cpus;

	umask(027);
	if (mkdir("sub", 0755) < 0 || chdir("sub") < 0)
		die_setup("sub");
	if (setpriority(PRIO_PROCESS, 0, 5) < 0)
		die_setup("setpriority");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_setup("PR_SET_NO_NEW_PRIVS");
	if (personality(PER_LINUX | ADDR_NO_RANDOMIZE) < 0)
		die_setup("personality");
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus) < 0)
		die_setup("sched_setaffinity");
	if (prctl(PR_SET_TIMERSLACK, 123456, 0, 0, 0) < 0)
		die_setup("PR_SET_TIMERSLACK");
	if (setgroups(3, groups) < 0)
		die_setup("setgroups");
}

static int run_setup(char **command)
{
	/* Odd entries: no '=', an empty value, a duplicate name. */
	static char *extra[] = { "SCN_INHERIT=set up before the supervisor",
				 "NO_EQUALS_SIGN", "SCN_EMPTY=", "SCN_DUP=first",
				 "SCN_DUP=second" };
	size_t n = 0, i;
	char **env;

	while (environ[n] != NULL)
		n++;
	env = calloc(n + 6, sizeof(*env));
	if (env == NULL)
		die_setup("calloc");
	for (i = 0; i < n; i++)
		env[i] = environ[i];
	for (size_t j = 0; j < 5; j++)
		env[i++] = extra[j];
	setup_fds();
	setup_limits();
	setup_process();
	setup_signals();
	execve(command[0], command, env);
	die_setup(command[0]);
	return 125;
}

static void report_args_and_env(int argc, char **argv)
{
	scn_say("argc %d", argc);
	for (int i = 0; i < argc; i++)
		scn_say("argv[%d] = \"%s\"", i, argv[i]);
	for (char **e = environ; *e != NULL; e++)
		scn_say("env: %s", *e);
}

static void report_limits(void)
{
	static const char *const names[RLIM_NLIMITS] = {
		[RLIMIT_CPU] = "CPU",		[RLIMIT_FSIZE] = "FSIZE",
		[RLIMIT_DATA] = "DATA",		[RLIMIT_STACK] = "STACK",
		[RLIMIT_CORE] = "CORE",		[RLIMIT_RSS] = "RSS",
		[RLIMIT_NPROC] = "NPROC",	[RLIMIT_NOFILE] = "NOFILE",
		[RLIMIT_MEMLOCK] = "MEMLOCK",	[RLIMIT_AS] = "AS",
		[RLIMIT_LOCKS] = "LOCKS",	[RLIMIT_SIGPENDING] = "SIGPENDING",
		[RLIMIT_MSGQUEUE] = "MSGQUEUE", [RLIMIT_NICE] = "NICE",
		[RLIMIT_RTPRIO] = "RTPRIO",	[RLIMIT_RTTIME] = "RTTIME",
	};

	for (int r = 0; r < RLIM_NLIMITS; r++) {
		struct rlimit rl;

		scn_check(getrlimit(r, &rl) == 0);
		scn_say("rlimit %s: soft %lld hard %lld", names[r],
			rl.rlim_cur == RLIM_INFINITY ? -1LL : (long long)rl.rlim_cur,
			rl.rlim_max == RLIM_INFINITY ? -1LL : (long long)rl.rlim_max);
	}
}

/* "pipe:[1234]" names an inode that differs between runs. */
static void describe_target(int fd, char *target, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, size - 1);
	target[n < 0 ? 0 : n] = '\0';
	if (strncmp(target, "pipe:", 5) == 0)
		strcpy(target, "pipe");
	else if (strncmp(target, "socket:", 7) == 0)
		strcpy(target, "socket");
}

static void report_fd(int fd)
{
	int flags = fcntl(fd, F_GETFL), fdflags = fcntl(fd, F_GETFD);
	char target[512];
	off_t offset;
	int queued = -1;

	describe_target(fd, target, sizeof(target));
	offset = lseek(fd, 0, SEEK_CUR);
	if (offset < 0 && errno == ESPIPE)
		ioctl(fd, FIONREAD, &queued);
	/* 0100000: the kernel's O_LARGEFILE, which glibc's headers define as 0. */
	scn_say("fd %d: %s, flags %#o%s, offset %s, queued %d", fd, target,
		flags & ~0100000, fdflags & FD_CLOEXEC ? ", cloexec" : "",
		offset < 0 ? scn_errno(errno) : "ok", queued);
	/* stdout's offset is the length of the transcript so far. */
	if (offset > 0 && fd > 2)
		scn_say("fd %d: at offset %ld", fd, (long)offset);
}

static void report_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	bool open_fds[1024] = { false };
	struct dirent *d;

	scn_check(dir != NULL);
	while ((d = readdir(dir)) != NULL) {
		int fd = atoi(d->d_name);

		if (d->d_name[0] != '.' && fd != dirfd(dir) && fd < 1024)
			open_fds[fd] = true;
	}
	closedir(dir);
	for (int fd = 0; fd < 1024; fd++)
		if (open_fds[fd])
			report_fd(fd);
}

static void report_signals(void)
{
	char blocked[512] = "", ignored[512] = "";
	sigset_t mask;

	scn_check(sigprocmask(SIG_SETMASK, NULL, &mask) == 0);
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;

		if (sigismember(&mask, sig) == 1) {
			strcat(blocked, " ");
			strcat(blocked, scn_sig(sig));
		}
		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN) {
			strcat(ignored, " ");
			strcat(ignored, scn_sig(sig));
		}
	}
	scn_say("blocked:%s", blocked);
	scn_say("ignored:%s", ignored);
}

static void report_process(void)
{
	char cwd[4096], list[256] = "";
	gid_t groups[64];
	cpu_set_t cpus;
	mode_t mask = umask(0);
	int ngroups;

	umask(mask);
	scn_say("cwd %s", getcwd(cwd, sizeof(cwd)) ? cwd : scn_errno(errno));
	scn_say("umask %03o", (unsigned)mask);
	errno = 0;
	scn_say("nice %d", getpriority(PRIO_PROCESS, 0));
	scn_say("no_new_privs %d", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	scn_say("personality %#x", personality(0xffffffff));
	scn_say("timerslack %d", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0));
	scn_say("dumpable %d", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	scn_check(sched_getaffinity(0, sizeof(cpus), &cpus) == 0);
	for (int cpu = 0; cpu < 64; cpu++)
		if (CPU_ISSET(cpu, &cpus))
			snprintf(list + strlen(list), sizeof(list) - strlen(list),
				 " %d", cpu);
	scn_say("cpus:%s", list);
	ngroups = getgroups(64, groups);
	list[0] = '\0';
	for (int i = 0; i < ngroups; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), " %d",
			 (int)groups[i]);
	scn_say("uid %d euid %d gid %d groups:%s", (int)getuid(),
		(int)geteuid(), (int)getgid(), list);
	scn_say("parent {pid %d}, process group {pid %d}, session {pid %d}",
		(int)getppid(), (int)getpgrp(), (int)getsid(0));
	scn_say("open(/dev/tty): %s",
		open("/dev/tty", O_RDONLY) < 0 ? scn_errno(errno) : "opened");
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "--setup") == 0)
		return run_setup(argv + 2);
	scn_start(20);
	report_args_and_env(argc, argv);
	report_process();
	report_limits();
	report_fds();
	report_signals();
	return 0;
}
