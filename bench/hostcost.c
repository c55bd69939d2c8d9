/*
 * hostcost: what each host call the supervisor makes per trap costs, for
 * the analysis in bench/TRACERS.md. A child stops itself; the parent seizes
 * it, holds it in a PTRACE_EVENT_STOP and times N calls of each kind on it
 * (a ptrace request, a /proc read of a kept-open file, a memory write).
 * Prints one line per call: nanoseconds per call.
 *
 *   hostcost [N]      default N = 20000
 *
 * The numbers chose, for example, two PTRACE_POKEUSRs over GETREGS and
 * SETREGS to skip a trapped call, and PTRACE_GETSIGMASK over
 * /proc/PID/stat for a blocked mask.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ptrace.h>

static void die(const char *what)
{
	fprintf(stderr, "hostcost: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

enum call {
	GETPID,
	GETREGS,
	SETREGS,
	POKEUSR,
	GET_SYSCALL_INFO,
	GETEVENTMSG,
	GETSIGINFO,
	GETSIGMASK,
	WAITID_WNOWAIT,
	WAIT4_WNOHANG,
	PREAD_STAT,
	PREAD_STATUS,
	PROCESS_VM_WRITEV,
	PWRITE_MEM,
	NCALLS
};

static const char *const names[NCALLS] = {
	[GETPID] = "getpid (a plain syscall)",
	[GETREGS] = "PTRACE_GETREGS",
	[SETREGS] = "PTRACE_SETREGS",
	[POKEUSR] = "PTRACE_POKEUSR",
	[GET_SYSCALL_INFO] = "PTRACE_GET_SYSCALL_INFO",
	[GETEVENTMSG] = "PTRACE_GETEVENTMSG",
	[GETSIGINFO] = "PTRACE_GETSIGINFO",
	[GETSIGMASK] = "PTRACE_GETSIGMASK",
	[WAITID_WNOWAIT] = "waitid(P_PID, WNOHANG|WNOWAIT)",
	[WAIT4_WNOHANG] = "wait4(-1, WNOHANG)",
	[PREAD_STAT] = "pread /proc/PID/stat",
	[PREAD_STATUS] = "pread /proc/PID/status",
	[PROCESS_VM_WRITEV] = "process_vm_writev, 8 bytes",
	[PWRITE_MEM] = "pwrite /proc/PID/mem, 8 bytes",
};

struct target {
	pid_t pid;
	int stat_fd, status_fd, mem_fd;
	struct user_regs_struct regs;
	long word;
};

static long one_call(struct target *t, enum call c)
{
	struct ptrace_syscall_info info;
	struct iovec local = { &t->word, sizeof(t->word) };
	struct iovec remote = { &t->word, sizeof(t->word) };
	unsigned long msg, mask;
	siginfo_t si;
	char buf[4096];
	int status;

	switch (c) {
	case GETPID:
		return getpid();
	case GETREGS:
		return ptrace(PTRACE_GETREGS, t->pid, 0, &t->regs);
	case SETREGS:
		return ptrace(PTRACE_SETREGS, t->pid, 0, &t->regs);
	case POKEUSR:
		return ptrace(PTRACE_POKEUSER, t->pid,
			      offsetof(struct user_regs_struct, rax), t->regs.rax);
	case GET_SYSCALL_INFO:
		return ptrace(PTRACE_GET_SYSCALL_INFO, t->pid, sizeof(info), &info);
	case GETEVENTMSG:
		return ptrace(PTRACE_GETEVENTMSG, t->pid, 0, &msg);
	case GETSIGINFO:
		return ptrace(PTRACE_GETSIGINFO, t->pid, 0, &si);
	case GETSIGMASK:
		return ptrace(PTRACE_GETSIGMASK, t->pid, sizeof(mask), &mask);
	case WAITID_WNOWAIT:
		return waitid(P_PID, (id_t)t->pid, &si,
			      WSTOPPED | WEXITED | WNOHANG | WNOWAIT | __WALL);
	case WAIT4_WNOHANG:
		return wait4(-1, &status, WNOHANG | __WALL, NULL);
	case PREAD_STAT:
		return pread(t->stat_fd, buf, sizeof(buf), 0);
	case PREAD_STATUS:
		return pread(t->status_fd, buf, sizeof(buf), 0);
	case PROCESS_VM_WRITEV:
		return process_vm_writev(t->pid, &local, 1, &remote, 1, 0);
	case PWRITE_MEM:
		return pwrite(t->mem_fd, &t->word, sizeof(t->word),
			      (off_t)(unsigned long)&t->word);
	case NCALLS:
		break;
	}
	return -1;
}

static int open_proc(pid_t pid, const char *file, int flags)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		die(path);
	return fd;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
	struct target t = { 0 };
	int status;

	if (n <= 0 || argc > 2) {
		fprintf(stderr, "usage: hostcost [N]\n");
		return 2;
	}
	t.pid = fork();
	if (t.pid < 0)
		die("fork");
	if (t.pid == 0) {
		raise(SIGSTOP);
		for (;;)
			pause();
	}
	if (waitpid(t.pid, &status, WSTOPPED) != t.pid)
		die("waitpid");
	if (ptrace(PTRACE_SEIZE, t.pid, 0, 0) < 0 ||
	    ptrace(PTRACE_INTERRUPT, t.pid, 0, 0) < 0)
		die("PTRACE_SEIZE");
	if (waitpid(t.pid, &status, __WALL) != t.pid)
		die("waitpid");
	if (ptrace(PTRACE_GETREGS, t.pid, 0, &t.regs) < 0)
		die("PTRACE_GETREGS");
	t.stat_fd = open_proc(t.pid, "stat", O_RDONLY);
	t.status_fd = open_proc(t.pid, "status", O_RDONLY);
	t.mem_fd = open_proc(t.pid, "mem", O_RDWR);
	for (int c = 0; c < NCALLS; c++) {
		long long start;

		if (one_call(&t, (enum call)c) < 0)
			die(names[c]);
		start = now_ns();
		for (long i = 0; i < n; i++)
			one_call(&t, (enum call)c);
		printf("%-32s %6lld ns\n", names[c], (now_ns() - start) / n);
	}
	kill(t.pid, SIGKILL);
	waitpid(t.pid, &status, __WALL);
	return 0;
}
