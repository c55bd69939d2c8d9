/*
 * Raw clone and clone3 (no glibc wrapper): a thread (CLONE_THREAD, with
 * PARENT_SETTID and CHILD_CLEARTID), a process sharing memory (CLONE_VM), a
 * sibling (CLONE_PARENT: the caller's parent waits for it), CLONE_UNTRACED,
 * exit signals other than SIGCHLD (__WCLONE), CLONE_PIDFD,
 * CLONE_CLEAR_SIGHAND, and the errors of bad flags and bad clone_args.
 *
 * Under ptvisor clone with CLONE_UNTRACED and every clone3 are trapped: the
 * supervisor reads the flags (clone3: from guest memory) and must leave the
 * call's result, including its errors, as natively.
 */
#include <errno.h>
#include <linux/futex.h>
#include <linux/sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenario.h"

#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif

/* What a raw child runs: fn(arg), whose result is its exit code. */
struct entry {
	int (*fn)(void *);
	void *arg;
};

/*
 * long raw_clone(flags, stack, parent_tid, child_tid, tls, entry)
 * long raw_clone3(args, size, entry)
 * The child keeps the parent's registers but rax, rcx and r11, so it finds
 * @entry in r9 (clone) or rdx (clone3), runs it on its stack (its own, or a
 * copy of the parent's) and exits with its result; it never returns into C.
 */
long raw_clone(unsigned long flags, void *stack, pid_t *parent_tid,
	       pid_t *child_tid, unsigned long tls, const struct entry *entry);
long raw_clone3(struct clone_args *args, size_t size, const struct entry *entry);
__asm__(".text\n"
	".type raw_clone, @function\n"
	"raw_clone:\n"
	"	mov %rcx, %r10\n"
	"	mov $56, %eax\n" /* SYS_clone */
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jz 1f\n"
	"	ret\n"
	"1:	mov %r9, %rdx\n"
	"	jmp raw_child_start\n"
	".type raw_clone3, @function\n"
	"raw_clone3:\n"
	"	mov $435, %eax\n" /* SYS_clone3 */
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jz raw_child_start\n"
	"	ret\n"
	"raw_child_start:\n" /* rdx = entry */
	"	xor %ebp, %ebp\n"
	"	and $-16, %rsp\n"
	"	mov 8(%rdx), %rdi\n"
	"	call *(%rdx)\n"
	"	mov %eax, %edi\n"
	"	mov $60, %eax\n" /* SYS_exit */
	"	syscall\n"
	"	hlt\n");

#define STACK_SIZE (64 * 1024)

/* Shared with children that share our memory (CLONE_VM). */
static volatile int shared_value;
static volatile pid_t seen_tid, seen_pid, seen_ppid;
static pid_t child_tid_word, parent_tid_word;
static int report_fd;

static void *new_stack(void)
{
	void *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);

	scn_check(stack != MAP_FAILED);
	return stack;
}

static const char *raw_result(long r)
{
	static char buf[4][32];
	static unsigned next;

	return scn_raw_result(r, buf[next++ % 4]);
}

/* Runs in a CLONE_VM child: raw system calls only, no errno, no stdio. */
static int in_shared_memory(void *arg)
{
	shared_value = (int)(long)arg;
	seen_tid = (pid_t)syscall(SYS_gettid);
	seen_pid = (pid_t)syscall(SYS_getpid);
	seen_ppid = (pid_t)syscall(SYS_getppid);
	return 12;
}

static void wait_thread_gone(void)
{
	pid_t tid;

	/* CLONE_CHILD_CLEARTID: the kernel zeroes the word and wakes us. */
	while ((tid = __atomic_load_n(&child_tid_word, __ATOMIC_ACQUIRE)) != 0)
		syscall(SYS_futex, &child_tid_word, FUTEX_WAIT, tid, NULL);
}

static void say_thread(long r)
{
	int status;

	scn_say("  returned a tid: %s; parent_tid word equal: %s",
		r > 0 ? "yes" : raw_result(r), parent_tid_word == r ? "yes" : "no");
	wait_thread_gone();
	scn_say("  ran: %s; tid equals the return: %s; getpid ours: %s; getppid "
		"our parent's: %s", shared_value == 7 ? "yes" : "no",
		seen_tid == r ? "yes" : "no", seen_pid == getpid() ? "yes" : "no",
		seen_ppid == getppid() ? "yes" : "no");
	scn_say("  child_tid word cleared: yes");
	scn_result("  waitpid(thread, __WALL)", waitpid((pid_t)r, &status, __WALL));
}

static void case_thread(void)
{
	const unsigned long flags = CLONE_VM | CLONE_FS | CLONE_FILES |
		CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
		CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
	struct entry e = { in_shared_memory, (void *)7L };
	struct clone_args args = {
		.flags = flags,
		.parent_tid = (uintptr_t)&parent_tid_word,
		.child_tid = (uintptr_t)&child_tid_word,
	};
	char *stack = new_stack();
	long r;

	scn_say("== CLONE_THREAD ==");
	shared_value = 0;
	child_tid_word = -1;
	r = raw_clone(flags, stack + STACK_SIZE, &parent_tid_word, &child_tid_word,
		      0, &e);
	say_thread(r);
	scn_say("== clone3 CLONE_THREAD ==");
	shared_value = 0;
	child_tid_word = -1;
	args.stack = (uintptr_t)stack;
	args.stack_size = STACK_SIZE;
	r = raw_clone3(&args, sizeof(args), &e);
	say_thread(r);
	munmap(stack, STACK_SIZE);
}

static void case_shared_memory_process(void)
{
	struct entry e = { in_shared_memory, (void *)8L };
	char *stack = new_stack();
	long r;

	scn_say("== CLONE_VM process ==");
	shared_value = 0;
	r = raw_clone(CLONE_VM | SIGCHLD, stack + STACK_SIZE, NULL, NULL, 0, &e);
	scn_check(r > 0);
	scn_track_child((pid_t)r);
	scn_wait_and_say((pid_t)r, "  child");
	scn_say("  wrote our memory: %s; getpid is its own: %s; getppid is us: %s",
		shared_value == 8 ? "yes" : "no", seen_pid == r ? "yes" : "no",
		seen_ppid == getpid() ? "yes" : "no");
	munmap(stack, STACK_SIZE);
}

/* Runs in a child with its own copy of memory: it may use libc. */
static int report_and_exit(void *arg)
{
	scn_report(report_fd, "  child: pid {pid %d}, parent {pid %d}",
		   (int)getpid(), (int)getppid());
	return (int)(long)arg;
}

static long clone3_simple(uint64_t flags, uint64_t exit_signal, int *pidfd,
			  const struct entry *e)
{
	struct clone_args args = { .flags = flags, .exit_signal = exit_signal,
				   .pidfd = (uintptr_t)pidfd };

	return raw_clone3(&args, sizeof(args), e);
}

/* A middle child makes a CLONE_PARENT sibling; we wait for both. */
static void case_clone_parent(bool use_clone3)
{
	int report[2], sibling_report[2];
	pid_t middle;

	scn_say("== %s CLONE_PARENT from a child ==", use_clone3 ? "clone3" : "clone");
	scn_pipe(report, O_CLOEXEC);
	scn_pipe(sibling_report, O_CLOEXEC);
	report_fd = sibling_report[1];
	middle = scn_fork();
	if (middle == 0) {
		struct entry e = { report_and_exit, (void *)13L };
		/* clone3 wants exit signal 0: the sibling takes ours, SIGCHLD. */
		long r = use_clone3 ? clone3_simple(CLONE_PARENT, 0, NULL, &e)
				    : raw_clone(CLONE_PARENT | SIGCHLD, NULL, NULL,
						NULL, 0, &e);
		int status;

		scn_report(report[1], "  middle {pid %d} made {pid %ld}; waitpid "
			   "on it: %s", (int)getpid(), r,
			   waitpid((pid_t)r, &status, WNOHANG) < 0 ? scn_errno(errno)
								   : "allowed");
		_exit(0);
	}
	close(report[1]);
	close(sibling_report[1]);
	scn_relay(report[0]);
	scn_relay(sibling_report[0]);
	close(report[0]);
	close(sibling_report[0]);
	scn_wait_and_say(middle, "  middle");
	/* Any child: the sibling is ours now. */
	{
		char buf[64];
		int status;
		pid_t r = scn_waitpid(-1, &status, 0);

		scn_say("  waitpid(-1): %s %s", scn_pid(r), scn_wstatus(status, buf));
	}
}

/*
 * CLONE_PARENT from the first guest: the sibling is a child of whoever
 * started us (under ptvisor: of the supervisor). We cannot wait for it; its
 * report's end of file tells us it is gone.
 */
static void case_clone_parent_of_first(void)
{
	struct entry e = { report_and_exit, (void *)14L };
	int report[2], status;
	long r;

	scn_say("== clone CLONE_PARENT from the first guest ==");
	scn_pipe(report, O_CLOEXEC);
	report_fd = report[1];
	r = raw_clone(CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, 0, &e);
	scn_check(r > 0);
	close(report[1]);
	scn_say("  made {pid %ld}; our parent is {pid %d}", r, (int)getppid());
	scn_relay(report[0]);
	close(report[0]);
	scn_result("  waitpid on it", waitpid((pid_t)r, &status, __WALL));
}

static void case_fork_like(void)
{
	static const struct {
		const char *what;
		uint64_t flags;
		int exit_signal;
		bool use_clone3;
	} cases[] = {
		{ "clone CLONE_UNTRACED", CLONE_UNTRACED, SIGCHLD, false },
		{ "clone3 CLONE_UNTRACED", CLONE_UNTRACED, SIGCHLD, true },
		{ "clone exit signal SIGUSR1", 0, SIGUSR1, false },
		{ "clone3 exit signal SIGUSR1", 0, SIGUSR1, true },
		{ "clone3 exit signal 0", 0, 0, true },
	};
	int report[2];

	scn_block(SIGUSR1, true);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct entry e = { report_and_exit, (void *)(long)(20 + i) };
		int status;
		long r;

		scn_say("== %s ==", cases[i].what);
		scn_pipe(report, O_CLOEXEC);
		report_fd = report[1];
		r = cases[i].use_clone3
			    ? clone3_simple(cases[i].flags, (uint64_t)cases[i].exit_signal,
					    NULL, &e)
			    : raw_clone(cases[i].flags | (unsigned)cases[i].exit_signal,
					NULL, NULL, NULL, 0, &e);
		scn_check(r > 0);
		scn_track_child((pid_t)r);
		close(report[1]);
		scn_say("  returned %s", scn_pid((pid_t)r));
		scn_relay(report[0]);
		close(report[0]);
		if (cases[i].exit_signal != SIGCHLD) {
			scn_result("  waitpid(0 flags)", waitpid((pid_t)r, &status, 0));
			scn_wait_and_say((pid_t)r, "  waitpid(__WALL)");
		} else {
			scn_wait_and_say((pid_t)r, "  waitpid");
		}
		if (cases[i].exit_signal == SIGUSR1) {
			siginfo_t si;
			sigset_t set;

			sigemptyset(&set);
			sigaddset(&set, SIGUSR1);
			scn_check(sigwaitinfo(&set, &si) == SIGUSR1);
			scn_say("  SIGUSR1: %s from %s", scn_si_code(SIGCHLD, si.si_code),
				scn_pid(si.si_pid));
		}
	}
	scn_block(SIGUSR1, false);
}

static int report_handler(void *arg)
{
	struct sigaction sa;

	(void)arg;
	sigaction(SIGUSR2, NULL, &sa);
	scn_report(report_fd, "  child: SIGUSR2 handler %s",
		   sa.sa_handler == SIG_DFL ? "reset to SIG_DFL" : "kept");
	return 0;
}

static void on_usr2(int sig, siginfo_t *info, void *ucontext)
{
	(void)sig;
	(void)info;
	(void)ucontext;
}

static void case_pidfd_and_clear_sighand(void)
{
	struct entry e = { report_handler, NULL };
	int report[2], pidfd = -1;
	siginfo_t si;
	long r;

	scn_say("== clone3 CLONE_PIDFD | CLONE_CLEAR_SIGHAND ==");
	scn_handle(SIGUSR2, on_usr2, 0);
	scn_pipe(report, O_CLOEXEC);
	report_fd = report[1];
	r = clone3_simple(CLONE_PIDFD | CLONE_CLEAR_SIGHAND, SIGCHLD, &pidfd, &e);
	scn_check(r > 0);
	scn_track_child((pid_t)r);
	close(report[1]);
	scn_relay(report[0]);
	close(report[0]);
	scn_say("  pidfd is a descriptor: %s", pidfd > 2 ? "yes" : "no");
	memset(&si, 0, sizeof(si));
	scn_check(waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) == 0);
	scn_say("  waitid(P_PIDFD): %s, %s, exit code %d", scn_pid(si.si_pid),
		scn_si_code(SIGCHLD, si.si_code), si.si_status);
	close(pidfd);
}

/* Calls that must fail, and fail the same way, without making a child. */
static void case_errors(void)
{
	struct entry e = { report_and_exit, NULL };
	struct {
		struct clone_args args;
		uint64_t extra;
	} big = { .args = { .exit_signal = SIGCHLD }, .extra = 1 };
	struct clone_args args = { .exit_signal = SIGCHLD };

	scn_say("== errors ==");
	scn_say("clone CLONE_THREAD without CLONE_SIGHAND: %s",
		raw_result(raw_clone(CLONE_THREAD | CLONE_VM, NULL, NULL, NULL, 0, &e)));
	scn_say("clone CLONE_SIGHAND without CLONE_VM: %s",
		raw_result(raw_clone(CLONE_SIGHAND, NULL, NULL, NULL, 0, &e)));
	scn_say("clone3 size 0: %s", raw_result(raw_clone3(&args, 0, &e)));
	scn_say("clone3 size 32: %s", raw_result(raw_clone3(&args, 32, &e)));
	scn_say("clone3 bad pointer: %s",
		raw_result(raw_clone3((struct clone_args *)8, sizeof(args), &e)));
	scn_say("clone3 trailing non-zero bytes: %s",
		raw_result(raw_clone3(&big.args, sizeof(big), &e)));
	scn_say("clone3 size above a page: %s",
		raw_result(raw_clone3(&args, 8192, &e)));
	args.flags = 1ULL << 40;
	scn_say("clone3 unknown flag: %s",
		raw_result(raw_clone3(&args, sizeof(args), &e)));
	args.flags = 0;
	args.exit_signal = 65;
	scn_say("clone3 exit signal 65: %s",
		raw_result(raw_clone3(&args, sizeof(args), &e)));
	args.exit_signal = SIGCHLD;
	args.stack_size = 4096;
	scn_say("clone3 stack size without a stack: %s",
		raw_result(raw_clone3(&args, sizeof(args), &e)));
	args.stack_size = 0;
	args.flags = CLONE_PARENT;
	scn_say("clone3 CLONE_PARENT with an exit signal: %s",
		raw_result(raw_clone3(&args, sizeof(args), &e)));
	args.flags = CLONE_THREAD | CLONE_VM;
	scn_say("clone3 CLONE_THREAD without CLONE_SIGHAND: %s",
		raw_result(raw_clone3(&args, sizeof(args), &e)));
	scn_say("children made: %s", waitpid(-1, NULL, __WALL | WNOHANG) < 0
						   ? scn_errno(errno)
						   : "some");
}

int main(void)
{
	scn_start(20);
	case_thread();
	case_shared_memory_process();
	case_clone_parent(false);
	case_clone_parent(true);
	case_clone_parent_of_first();
	case_fork_like();
	case_pidfd_and_clear_sighand();
	case_errors();
	return 0;
}
