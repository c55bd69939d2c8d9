/*
 * Reaching another guest's memory and files outside ptrace (issue #4):
 *  - vm-rw: process_vm_readv/writev on a traced, stopped child and on an
 *    untraced one; a partial transfer (a remote hole), bad addresses;
 *  - proc-mem: /proc/PID/mem of a traced child: pread, pwrite, and an int3
 *    written into its read-only text that then fires;
 *  - pidfd-getfd: pidfd_getfd of a child's descriptor, traced or not;
 *  - refused: a child running as another user (setresuid(65534)) against
 *    a non-dumpable root child, the root printer itself, its own child,
 *    and its own child made non-dumpable: process_vm_readv, /proc/PID/mem,
 *    pidfd_getfd and PTRACE_ATTACH are refused where Linux's
 *    ptrace_may_access() refuses (EPERM, or EACCES for /proc/PID/mem); the
 *    root printer may reach the non-dumpable child (CAP_SYS_PTRACE);
 *    refused-attach adds PTRACE_ATTACH of the uid 65534 child's own
 *    non-dumpable child (the same user: only dumpability refuses it).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt.h"

static int rep[2];
static volatile long data_words[2] = { 1234567, 7654321 };

static PT_ONE_COPY int target(int x)
{
	scn_report(rep[1], "  child: in target(%d)", x);
	return x + 1;
}
static int (*volatile target_ptr)(int) = target;

/* process_vm_readv of one word at @addr of @pid: "= n, word W" or errno. */
static void vm_read_say(const char *what, pid_t pid, unsigned long addr)
{
	long w = 0;
	struct iovec local = { &w, sizeof(w) };
	struct iovec remote = { (void *)addr, sizeof(w) };
	ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);

	if (n < 0)
		scn_say("%s = -1 %s", what, scn_errno(errno));
	else
		scn_say("%s = %zd, word %ld", what, n, w);
}

static void vm_write_say(const char *what, pid_t pid, unsigned long addr,
			 long w)
{
	struct iovec local = { &w, sizeof(w) };
	struct iovec remote = { (void *)addr, sizeof(w) };

	scn_result(what, process_vm_writev(pid, &local, 1, &remote, 1, 0));
}

static int report_words(void *arg)
{
	(void)arg;
	scn_report(rep[1], "  child: data_words %ld %ld", data_words[0],
		   data_words[1]);
	return 0;
}

static void case_vm_rw(void)
{
	unsigned long addr = (unsigned long)&data_words[0];
	long page = sysconf(_SC_PAGESIZE);
	char *hole = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long two[2] = { 0, 0 };
	struct iovec local = { two, sizeof(two) };
	struct iovec remote[2];
	int go[2];
	pid_t child;

	scn_check(hole != MAP_FAILED);
	scn_check(munmap(hole + page, (size_t)page) == 0);
	scn_say("-- a traced child in its SIGSTOP stop");
	scn_pipe(rep, O_CLOEXEC);
	child = pt_spawn_stopped(report_words, NULL);
	close(rep[1]);
	vm_read_say("process_vm_readv(data_words[0])", child, addr);
	vm_write_say("process_vm_writev(data_words[1], 222)", child, addr + 8,
		     222);
	vm_read_say("process_vm_readv(text of target)", child,
		    (unsigned long)(void *)target);
	vm_write_say("process_vm_writev(text of target)", child,
		     (unsigned long)(void *)target, 0);
	vm_read_say("process_vm_readv(NULL)", child, 0);
	vm_read_say("process_vm_readv(hole)", child, (unsigned long)hole + page);
	remote[0] = (struct iovec){ (void *)addr, 8 };
	remote[1] = (struct iovec){ hole + page, 8 };
	scn_result("process_vm_readv(data_words[0], then hole)",
		   process_vm_readv(child, &local, 1, remote, 2, 0));
	scn_say("  word %ld", two[0]);
	remote[0] = (struct iovec){ hole + page - 4, 8 };
	scn_result("process_vm_readv(4 bytes before the hole, 8 long)",
		   process_vm_readv(child, &local, 1, remote, 1, 0));
	scn_result("process_vm_readv(flags 1)",
		   process_vm_readv(child, &local, 1, remote, 1, 1));
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	scn_relay(rep[0]);
	close(rep[0]);

	scn_say("-- an untraced child blocked in read");
	scn_pipe(rep, O_CLOEXEC);
	scn_pipe(go, O_CLOEXEC);
	child = scn_fork();
	if (child == 0) {
		close(rep[0]);
		close(go[1]);
		scn_take(go[0]);
		report_words(NULL);
		_exit(0);
	}
	close(rep[1]);
	close(go[0]);
	scn_wait_syscall(child, SYS_read);
	vm_read_say("process_vm_readv(data_words[0])", child, addr);
	vm_write_say("process_vm_writev(data_words[0], 111)", child, addr, 111);
	scn_post(go[1]);
	close(go[1]);
	scn_wait_and_say(child, "wait");
	scn_relay(rep[0]);
	close(rep[0]);
}

static int breakpoint_child(void *arg)
{
	(void)arg;
	target_ptr(1);
	report_words(NULL);
	return 0;
}

static void case_proc_mem(void)
{
	unsigned long text = (unsigned long)(void *)target;
	struct user_regs_struct regs;
	char path[64];
	long w = 0, saved = 0;
	pid_t child;
	int fd;

	scn_pipe(rep, O_CLOEXEC);
	child = pt_spawn_stopped(breakpoint_child, NULL);
	close(rep[1]);
	snprintf(path, sizeof(path), "/proc/%d/mem", child);
	fd = open(path, O_RDWR | O_CLOEXEC);
	scn_result("open(/proc/P1/mem, O_RDWR) >= 0", fd < 0 ? -1 : 0);
	scn_result("pread(data_words[0])",
		   pread(fd, &w, sizeof(w), (off_t)(uintptr_t)&data_words[0]));
	scn_say("  word %ld", w);
	w = 333;
	scn_result("pwrite(data_words[1], 333)",
		   pwrite(fd, &w, sizeof(w), (off_t)(uintptr_t)&data_words[1]));
	scn_result("pread(NULL)", pread(fd, &w, sizeof(w), 0));
	scn_result("pread(text of target)",
		   pread(fd, &saved, sizeof(saved), (off_t)text));
	scn_say("  same as the tracer's own text: %s",
		memcmp(&saved, (void *)text, 8) == 0 ? "yes" : "no");
	scn_result("pwrite(target, int3)", pwrite(fd, "\xcc", 1, (off_t)text));
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	pt_getregs(child, &regs);
	scn_say("  rip = target + %lld", (long long)(regs.rip - text));
	scn_result("pwrite(target, saved byte)", pwrite(fd, &saved, 1, (off_t)text));
	regs.rip = text;
	pt_setregs(child, &regs);
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	scn_result("pread after the exit", pread(fd, &w, sizeof(w),
						 (off_t)(uintptr_t)&data_words[0]));
	close(fd);
	scn_relay(rep[0]);
	close(rep[0]);
}

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

/* Opens a file with known contents on descriptor 40, then blocks. */
static int holder(void *arg)
{
	int fd = open("outside.txt", O_RDONLY);

	(void)arg;
	if (fd < 0 || dup2(fd, 40) != 40)
		return 9;
	close(fd);
	scn_report(rep[1], "  child: holds outside.txt on 40");
	syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
	return 0;
}

static void getfd_say(pid_t child)
{
	int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	char buf[16] = "";
	int fd;

	scn_check(pidfd >= 0);
	fd = (int)syscall(SYS_pidfd_getfd, pidfd, 40, 0);
	scn_result("pidfd_getfd(40) >= 0", fd < 0 ? -1 : 0);
	if (fd >= 0) {
		scn_result("pread", pread(fd, buf, sizeof(buf) - 1, 0));
		scn_say("  contents %s", buf);
		close(fd);
	}
	scn_result("pidfd_getfd(41)", syscall(SYS_pidfd_getfd, pidfd, 41, 0));
	scn_result("pidfd_getfd(40, flags 1)",
		   syscall(SYS_pidfd_getfd, pidfd, 40, 1));
	close(pidfd);
}

static void case_pidfd_getfd(void)
{
	pid_t child;
	int fd = open("outside.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	scn_check(fd >= 0 && write(fd, "hello", 5) == 5);
	close(fd);
	scn_say("-- a traced child, stopped after it opened the file");
	scn_pipe(rep, O_CLOEXEC);
	child = pt_spawn_stopped(holder, NULL);
	close(rep[1]);
	pt_must(PTRACE_CONT, child, 0, 0);
	scn_relay_line(rep[0]);
	pt_wait_say(child, 0, "wait");
	getfd_say(child);
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	close(rep[0]);

	scn_say("-- an untraced child, stopped");
	scn_pipe(rep, O_CLOEXEC);
	child = scn_fork();
	if (child == 0) {
		close(rep[0]);
		holder(NULL);
		_exit(0);
	}
	close(rep[1]);
	scn_relay_line(rep[0]);
	pt_wait_say(child, WUNTRACED, "wait");
	getfd_say(child);
	kill(child, SIGCONT);
	pt_wait_say(child, 0, "wait");
	close(rep[0]);
}

/* In a child: one line per attempt on @pid. */
static void try_all(int out, const char *who, pid_t pid)
{
	long w = 0;
	struct iovec local = { &w, sizeof(w) };
	struct iovec remote = { (void *)&data_words[0], sizeof(w) };
	char path[64];
	int fd, pidfd;
	long r;

	r = process_vm_readv(pid, &local, 1, &remote, 1, 0);
	scn_report(out, "  %s: process_vm_readv %s", who,
		   r < 0 ? scn_errno(errno) : "ok");
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDONLY);
	scn_report(out, "  %s: open(/proc/PID/mem) %s", who,
		   fd < 0 ? scn_errno(errno) : "ok");
	if (fd >= 0)
		close(fd);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	r = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, 0, 0);
	scn_report(out, "  %s: pidfd_getfd(0) %s", who,
		   r < 0 ? scn_errno(errno) : "ok");
	if (r >= 0)
		close((int)r);
	if (pidfd >= 0)
		close(pidfd);
}

static void try_attach(int out, const char *who, pid_t pid)
{
	long r = pt_raw(PTRACE_ATTACH, pid, 0, 0);

	scn_report(out, "  %s: PTRACE_ATTACH %s", who,
		   r < 0 ? scn_errno(errno) : "ok");
	if (r == 0) {
		int status;

		waitpid(pid, &status, __WALL);
		pt_raw(PTRACE_DETACH, pid, 0, 0);
	}
}

/* refused-attach: PTRACE_ATTACH too, on its own non-dumpable child. */
static bool attach_own_nondumpable;

static void case_refused(void)
{
	int hold[2];
	pid_t nodump, other;

	scn_pipe(rep, O_CLOEXEC);
	scn_pipe(hold, O_CLOEXEC);
	nodump = scn_fork();
	if (nodump == 0) {
		char c;

		close(hold[1]);
		close(rep[0]);
		prctl(PR_SET_DUMPABLE, 0);
		scn_report(rep[1], "  root child: not dumpable");
		close(rep[1]);
		while (read(hold[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	scn_relay_line(rep[0]);
	scn_say("-- the root printer on its non-dumpable child");
	try_all(rep[1], "root", nodump);
	try_attach(rep[1], "root", nodump);
	for (int i = 0; i < 4; i++)
		scn_relay_line(rep[0]);

	scn_say("-- a child as uid 65534");
	other = scn_fork();
	if (other == 0) {
		int ready[2];
		pid_t own;

		close(rep[0]);
		close(hold[1]);
		if (setresgid(65534, 65534, 65534) != 0 ||
		    setresuid(65534, 65534, 65534) != 0)
			_exit(8);
		/* setresuid made it non-dumpable: dumpable again. */
		prctl(PR_SET_DUMPABLE, 1);
		try_all(rep[1], "65534 on the root non-dumpable child", nodump);
		try_attach(rep[1], "65534 on the root non-dumpable child", nodump);
		try_all(rep[1], "65534 on the root printer", getppid());
		/* Its own children wait for its SIGKILL. */
		own = fork();
		if (own == 0)
			for (;;)
				pause();
		try_all(rep[1], "65534 on its own child", own);
		kill(own, SIGKILL);
		waitpid(own, NULL, 0);
		scn_pipe(ready, O_CLOEXEC);
		own = fork();
		if (own == 0) {
			prctl(PR_SET_DUMPABLE, 0);
			scn_post(ready[1]);
			for (;;)
				pause();
		}
		scn_take(ready[0]);
		try_all(rep[1], "65534 on its own non-dumpable child", own);
		if (attach_own_nondumpable)
			try_attach(rep[1], "65534 on its own non-dumpable child",
				   own);
		kill(own, SIGKILL);
		waitpid(own, NULL, 0);
		_exit(0);
	}
	close(rep[1]);
	scn_relay(rep[0]);
	scn_wait_and_say(other, "wait 65534 child");
	close(hold[1]);
	scn_wait_and_say(nodump, "wait root child");
	close(rep[0]);
	close(hold[0]);
}

static void case_refused_attach(void)
{
	attach_own_nondumpable = true;
	case_refused();
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "vm-rw", case_vm_rw },
		{ "proc-mem", case_proc_mem },
		{ "pidfd-getfd", case_pidfd_getfd },
		{ "refused", case_refused },
		{ "refused-attach", case_refused_attach },
	};

	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
