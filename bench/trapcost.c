/*
 * trapcost: the cost of one trapped syscall by interception mechanism, for
 * the analysis in bench/TRACERS.md. A child installs a seccomp filter that
 * traps getppid only and times N getppid calls; the parent is the
 * supervisor. Prints one line: nanoseconds per call.
 *
 *   trapcost trace N      SECCOMP_RET_TRACE; the parent, its ptrace tracer,
 *                         does what ptvisor does per trap: wait4,
 *                         PTRACE_GET_SYSCALL_INFO, GETREGS, SETREGS (skip
 *                         the call, set its result), CONT
 *   trapcost notif N      SECCOMP_RET_USER_NOTIF; the parent answers with
 *                         SECCOMP_IOCTL_NOTIF_RECV and _SEND
 *   trapcost notif-sync N the same with SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
 *                         (Linux >= 6.6)
 *   trapcost native N     no filter, no supervisor
 *   trapcost trace-poll N, notif-poll N
 *                         the same as trace and notif, but the supervisor
 *                         polls for the next stop or notification for up
 *                         to 50 us before it sleeps, as ptvisor's loop does
 *                         while a guest is traced (design note 17)
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

static void die(const char *what)
{
	fprintf(stderr, "trapcost: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int install(unsigned int action, unsigned int flags)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, action),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 4, .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("PR_SET_NO_NEW_PRIVS");
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

static void timed_loop(long n)
{
	long long t0 = now_ns();

	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	printf("%.0f\n", (double)(now_ns() - t0) / (double)n);
	fflush(stdout);
}

static int polling;

/* Spin for up to 50 us until ready() says yes; true if it did. */
static int poll_briefly(int (*ready)(void *), void *arg)
{
	long long end;

	if (!polling)
		return 0;
	end = now_ns() + 50000;
	do {
		if (ready(arg))
			return 1;
	} while (now_ns() < end);
	return 0;
}

struct waited {
	pid_t pid;
	int status;
};

static int stop_ready(void *arg)
{
	struct waited *w = arg;

	return wait4(-1, &w->status, __WALL | WNOHANG, NULL) == w->pid;
}

static int notif_ready(void *arg)
{
	struct pollfd p = { .fd = *(int *)arg, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

static int trace_mode(long n)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			die("PTRACE_TRACEME");
		raise(SIGSTOP);
		if (install(SECCOMP_RET_TRACE, 0) < 0)
			die("seccomp");
		timed_loop(n);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	if (ptrace(PTRACE_SETOPTIONS, pid, 0,
		   PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL) < 0)
		die("PTRACE_SETOPTIONS");
	ptrace(PTRACE_CONT, pid, 0, 0);
	for (;;) {
		struct __ptrace_syscall_info info;
		struct user_regs_struct regs;
		int sig = 0;

		struct waited w = { .pid = pid };

		if (poll_briefly(stop_ready, &w))
			status = w.status;
		else if (wait4(-1, &status, __WALL, NULL) != pid)
			die("wait4");
		if (WIFEXITED(status) || WIFSIGNALED(status))
			break;
		if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
			ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info), &info);
			ptrace(PTRACE_GETREGS, pid, 0, &regs);
			regs.orig_rax = (unsigned long long)-1;
			regs.rax = 42;
			ptrace(PTRACE_SETREGS, pid, 0, &regs);
		} else if (WIFSTOPPED(status)) {
			sig = WSTOPSIG(status);
		}
		ptrace(PTRACE_CONT, pid, 0, sig);
	}
	return 0;
}

static int notif_mode(long n, int sync)
{
	int to_parent[2], go[2], fd, pidfd, status;
	pid_t pid;
	char c = 'g';

	if (pipe(to_parent) < 0 || pipe(go) < 0)
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		fd = install(SECCOMP_RET_USER_NOTIF, SECCOMP_FILTER_FLAG_NEW_LISTENER);
		if (fd < 0)
			die("seccomp(NEW_LISTENER)");
		if (write(to_parent[1], &fd, sizeof(fd)) != sizeof(fd) ||
		    read(go[0], &c, 1) != 1)
			die("pipe");
		timed_loop(n);
		_exit(0);
	}
	if (read(to_parent[0], &fd, sizeof(fd)) != sizeof(fd))
		die("read the listener");
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0 || (fd = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0)) < 0)
		die("pidfd_getfd");
	if (sync && ioctl(fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
			  SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0)
		die("SECCOMP_IOCTL_NOTIF_SET_FLAGS");
	if (write(go[1], &c, 1) != 1)
		die("write");
	for (long i = 0; i < n; i++) {
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;

		memset(&req, 0, sizeof(req));
		poll_briefly(notif_ready, &fd);
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
			die("SECCOMP_IOCTL_NOTIF_RECV");
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.val = 42;
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
			die("SECCOMP_IOCTL_NOTIF_SEND");
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc == 3 ? strtol(argv[2], NULL, 10) : 0;

	if (n > 0 && strcmp(argv[1], "trace") == 0)
		return trace_mode(n);
	if (n > 0 && strcmp(argv[1], "notif") == 0)
		return notif_mode(n, 0);
	if (n > 0 && strcmp(argv[1], "notif-sync") == 0)
		return notif_mode(n, 1);
	polling = 1;
	if (n > 0 && strcmp(argv[1], "trace-poll") == 0)
		return trace_mode(n);
	if (n > 0 && strcmp(argv[1], "notif-poll") == 0)
		return notif_mode(n, 0);
	if (n > 0 && strcmp(argv[1], "native") == 0) {
		timed_loop(n);
		return 0;
	}
	fprintf(stderr, "usage: trapcost trace|notif|notif-sync|trace-poll|notif-poll|native N\n");
	return 2;
}
