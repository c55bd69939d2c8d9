/*
 * ptrace(2) errors in Linux's order (issue #3, item 5):
 *  - ESRCH: no such task, not our tracee, our tracee but running or gone,
 *    a request made by another thread of the tracer;
 *  - EPERM: our own thread group, a task traced already, TRACEME twice, a
 *    zombie;
 *  - EIO: an unknown request, an invalid signal for CONT/DETACH,
 *    INTERRUPT/LISTEN on a tracee that was not seized, PEEK/POKE of a bad
 *    tracee address, PEEKUSER out of range;
 *  - EINVAL: unknown options for SETOPTIONS (which keeps the old ones);
 *    GETSIGMASK with a wrong size;
 *  - EFAULT: a bad tracer address for GETREGS, SETREGS, GETEVENTMSG,
 *    GETSIGINFO, including read-only and PROT_NONE pages.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt.h"

static struct pt_child child;

/* A child traced by us (TRACEME) and held in a signal-delivery-stop. */
static void start_stopped_tracee(void)
{
	pt_child_start(&child, true);
	scn_wait_syscall(child.pid, SYS_read);
	kill(child.pid, SIGUSR1);
	pt_wait_say(child.pid, 0, "wait");
}

static void end_tracee(void)
{
	pt_must(PTRACE_CONT, child.pid, 0, 0);
	pt_child_command(&child, 'x');
	pt_wait_say(child.pid, 0, "wait");
	pt_child_close(&child);
}

static pid_t thread_target;
static long thread_result;
static int thread_errno;

static void *thread_ptrace(void *arg)
{
	struct user_regs_struct regs;

	(void)arg;
	thread_result = pt_raw(PTRACE_GETREGS, thread_target, 0,
			       (unsigned long)&regs);
	thread_errno = errno;
	return NULL;
}

static void case_esrch(void)
{
	struct user_regs_struct regs;
	struct pt_child plain;
	pthread_t th;
	pid_t gone;

	pt_say("PTRACE_ATTACH(pid 5000001)", PTRACE_ATTACH, (pid_t)PT_MAGIC, 0, 0);
	pt_say("PTRACE_SEIZE(pid 0)", PTRACE_SEIZE, 0, 0, 0);
	pt_say("PTRACE_ATTACH(pid -1)", PTRACE_ATTACH, -1, 0, 0);
	pt_say("PTRACE_CONT(pid 5000001)", PTRACE_CONT, (pid_t)PT_MAGIC, 0, 0);
	pt_say("PTRACE_KILL(pid 0)", PTRACE_KILL, 0, 0, 0);

	scn_say("-- our child, not traced");
	pt_child_start(&plain, false);
	pt_say("PTRACE_CONT", PTRACE_CONT, plain.pid, 0, 0);
	pt_say("PTRACE_GETREGS", PTRACE_GETREGS, plain.pid, 0, (unsigned long)&regs);
	pt_say("PTRACE_KILL", PTRACE_KILL, plain.pid, 0, 0);
	pt_say("PTRACE_INTERRUPT", PTRACE_INTERRUPT, plain.pid, 0, 0);
	pt_say("PTRACE_DETACH", PTRACE_DETACH, plain.pid, 0, 0);
	pt_say("bad request 0x4299", 0x4299, plain.pid, 0, 0);

	scn_say("-- our tracee, running");
	pt_say("PTRACE_SEIZE", PTRACE_SEIZE, plain.pid, 0, 0);
	scn_wait_syscall(plain.pid, SYS_read);
	pt_say("PTRACE_CONT", PTRACE_CONT, plain.pid, 0, 0);
	pt_say("PTRACE_GETREGS", PTRACE_GETREGS, plain.pid, 0, (unsigned long)&regs);
	pt_say("PTRACE_SETOPTIONS", PTRACE_SETOPTIONS, plain.pid, 0, 0);
	pt_say("PTRACE_DETACH", PTRACE_DETACH, plain.pid, 0, 0);
	pt_say("PTRACE_LISTEN", PTRACE_LISTEN, plain.pid, 0, 0);
	pt_say("bad request 0x4299", 0x4299, plain.pid, 0, 0);

	scn_say("-- our tracee, stopped, asked by another thread of ours");
	pt_must(PTRACE_INTERRUPT, plain.pid, 0, 0);
	pt_wait_say(plain.pid, 0, "wait");
	thread_target = plain.pid;
	errno = pthread_create(&th, NULL, thread_ptrace, NULL);
	if (errno != 0)
		scn_die("pthread_create");
	pthread_join(th, NULL);
	scn_say("PTRACE_GETREGS(from a thread) = %ld %s", thread_result,
		thread_result < 0 ? scn_errno(thread_errno) : "");
	pt_say("PTRACE_GETREGS(from the tracer)", PTRACE_GETREGS, plain.pid, 0,
	       (unsigned long)&regs);

	scn_say("-- our tracee, gone");
	pt_say("PTRACE_KILL", PTRACE_KILL, plain.pid, 0, 0);
	pt_wait_say(plain.pid, 0, "wait");
	gone = plain.pid;
	pt_child_close(&plain);
	pt_say("PTRACE_CONT", PTRACE_CONT, gone, 0, 0);
	pt_say("PTRACE_KILL", PTRACE_KILL, gone, 0, 0);
	pt_say("PTRACE_ATTACH", PTRACE_ATTACH, gone, 0, 0);
}

static int traceme_twice_main(void *arg)
{
	int fd = *(int *)arg;
	long r1 = pt_raw(PTRACE_TRACEME, 0, 0, 0);
	int e1 = errno;
	long r2 = pt_raw(PTRACE_TRACEME, 0, 0, 0);
	int e2 = errno;

	scn_report(fd, "  child: PTRACE_TRACEME = %ld %s", r1,
		   r1 < 0 ? scn_errno(e1) : "");
	scn_report(fd, "  child: PTRACE_TRACEME again = %ld %s", r2,
		   r2 < 0 ? scn_errno(e2) : "");
	return 0;
}

/* A second tracer: a child of ours that tries to attach to @target. */
static int second_tracer_main(void *arg)
{
	const int *a = arg;
	long r = pt_raw(PTRACE_ATTACH, (pid_t)a[1], 0, 0);
	int e = errno;
	long s = pt_raw(PTRACE_SEIZE, (pid_t)a[1], 0, 0);

	scn_report(a[0], "  second tracer: PTRACE_ATTACH = %ld %s", r,
		   r < 0 ? scn_errno(e) : "");
	scn_report(a[0], "  second tracer: PTRACE_SEIZE = %ld %s", s,
		   s < 0 ? scn_errno(errno) : "");
	return 0;
}

static int idle_pipe[2], tid_pipe[2];

static void *idle_thread(void *arg)
{
	pid_t tid = (pid_t)syscall(SYS_gettid);
	char c;

	(void)arg;
	scn_write_full(tid_pipe[1], &tid, sizeof(tid));
	(void)!read(idle_pipe[0], &c, 1);
	return NULL;
}

static void case_eperm(void)
{
	int report[2], args[2];
	pid_t pid, zombie, tid;
	pthread_t th;

	pt_say("PTRACE_ATTACH(self)", PTRACE_ATTACH, getpid(), 0, 0);
	pt_say("PTRACE_SEIZE(self)", PTRACE_SEIZE, getpid(), 0, 0);
	scn_pipe(idle_pipe, O_CLOEXEC);
	scn_pipe(tid_pipe, O_CLOEXEC);
	errno = pthread_create(&th, NULL, idle_thread, NULL);
	if (errno != 0)
		scn_die("pthread_create");
	scn_check(scn_read_full(tid_pipe[0], &tid, sizeof(tid)));
	pt_say("PTRACE_ATTACH(own thread)", PTRACE_ATTACH, tid, 0, 0);
	pt_say("PTRACE_SEIZE(own thread)", PTRACE_SEIZE, tid, 0, 0);
	scn_post(idle_pipe[1]);
	pthread_join(th, NULL);

	scn_say("-- PTRACE_TRACEME twice");
	scn_pipe(report, O_CLOEXEC);
	pid = pt_spawn(traceme_twice_main, &report[1]);
	close(report[1]);
	pt_wait_say(pid, 0, "wait");
	scn_relay(report[0]);
	close(report[0]);

	scn_say("-- a task traced already");
	start_stopped_tracee();
	pt_say("PTRACE_ATTACH(again)", PTRACE_ATTACH, child.pid, 0, 0);
	pt_say("PTRACE_SEIZE(again)", PTRACE_SEIZE, child.pid, 0, 0);
	scn_pipe(report, O_CLOEXEC);
	args[0] = report[1];
	args[1] = child.pid;
	pid = pt_spawn(second_tracer_main, args);
	close(report[1]);
	pt_wait_say(pid, 0, "wait(second tracer)");
	scn_relay(report[0]);
	close(report[0]);
	end_tracee();

	scn_say("-- a zombie");
	zombie = scn_fork();
	if (zombie == 0)
		_exit(0);
	scn_wait_state(zombie, "Z");
	pt_say("PTRACE_ATTACH(zombie)", PTRACE_ATTACH, zombie, 0, 0);
	pt_say("PTRACE_SEIZE(zombie)", PTRACE_SEIZE, zombie, 0, 0);
	pt_wait_say(zombie, 0, "wait");
}

static void case_eio(void)
{
	unsigned long word = 0;

	start_stopped_tracee();
	pt_say("bad request 0x4299", 0x4299, child.pid, 0, 0);
	pt_say("bad request -7", -7, child.pid, 0, 0);
	pt_say("PTRACE_CONT(signal 65)", PTRACE_CONT, child.pid, 0, 65);
	pt_say("PTRACE_CONT(signal -1)", PTRACE_CONT, child.pid, 0, (unsigned long)-1);
	pt_say("PTRACE_SYSCALL(signal 1000)", PTRACE_SYSCALL, child.pid, 0, 1000);
	pt_say("PTRACE_DETACH(signal 65)", PTRACE_DETACH, child.pid, 0, 65);
	pt_say("PTRACE_INTERRUPT(not seized)", PTRACE_INTERRUPT, child.pid, 0, 0);
	pt_say("PTRACE_LISTEN(not seized)", PTRACE_LISTEN, child.pid, 0, 0);
	pt_say("PTRACE_PEEKDATA(address 8)", PTRACE_PEEKDATA, child.pid, 8,
	       (unsigned long)&word);
	pt_say("PTRACE_POKEDATA(address 8)", PTRACE_POKEDATA, child.pid, 8, 1);
	pt_say("PTRACE_PEEKUSER(offset 1<<20)", PTRACE_PEEKUSER, child.pid,
	       1ul << 20, (unsigned long)&word);
	pt_say("PTRACE_PEEKUSER(offset 3)", PTRACE_PEEKUSER, child.pid, 3,
	       (unsigned long)&word);
	pt_say("PTRACE_POKEUSER(offset 1<<20)", PTRACE_POKEUSER, child.pid,
	       1ul << 20, 0);
	scn_say("-- the tracee is still stopped and still ours");
	pt_say("PTRACE_PEEKUSER(orig_rax)", PTRACE_PEEKUSER, child.pid,
	       offsetof(struct user_regs_struct, orig_rax), (unsigned long)&word);
	scn_say("orig_rax: %lu", word);
	end_tracee();
}

static void case_einval_efault(void)
{
	struct user_regs_struct regs;
	unsigned long msg = 0;
	uint64_t mask;
	char *ro, *none;
	long page = sysconf(_SC_PAGESIZE);

	ro = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	none = mmap(NULL, (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	scn_check(ro != MAP_FAILED && none != MAP_FAILED);
	start_stopped_tracee();
	pt_must(PTRACE_SETOPTIONS, child.pid, 0, PTRACE_O_TRACEEXIT);
	pt_say("PTRACE_SETOPTIONS(0x400)", PTRACE_SETOPTIONS, child.pid, 0, 0x400);
	pt_say("PTRACE_SETOPTIONS(1<<31)", PTRACE_SETOPTIONS, child.pid, 0,
	       1ul << 31);
	pt_say("PTRACE_GETSIGMASK(size 4)", PTRACE_GETSIGMASK, child.pid, 4,
	       (unsigned long)&mask);
	pt_say("PTRACE_GETSIGMASK(size 8)", PTRACE_GETSIGMASK, child.pid, 8,
	       (unsigned long)&mask);

	scn_say("-- EFAULT");
	pt_say("PTRACE_GETREGS(NULL)", PTRACE_GETREGS, child.pid, 0, 0);
	pt_say("PTRACE_GETREGS(read-only page)", PTRACE_GETREGS, child.pid, 0,
	       (unsigned long)ro);
	pt_say("PTRACE_GETREGS(PROT_NONE page)", PTRACE_GETREGS, child.pid, 0,
	       (unsigned long)none);
	pt_say("PTRACE_SETREGS(PROT_NONE page)", PTRACE_SETREGS, child.pid, 0,
	       (unsigned long)none);
	pt_say("PTRACE_GETEVENTMSG(NULL)", PTRACE_GETEVENTMSG, child.pid, 0, 0);
	pt_say("PTRACE_GETEVENTMSG(read-only page)", PTRACE_GETEVENTMSG,
	       child.pid, 0, (unsigned long)ro);
	pt_say("PTRACE_GETSIGINFO(address 8)", PTRACE_GETSIGINFO, child.pid, 0, 8);
	pt_say("PTRACE_SETSIGINFO(PROT_NONE page)", PTRACE_SETSIGINFO, child.pid,
	       0, (unsigned long)none);
	pt_say("PTRACE_PEEKDATA(result to NULL)", PTRACE_PEEKDATA, child.pid,
	       (unsigned long)&msg, 0);
	scn_say("-- the tracee is still stopped, its state intact");
	pt_getregs(child.pid, &regs);
	pt_say("PTRACE_GETEVENTMSG", PTRACE_GETEVENTMSG, child.pid, 0,
	       (unsigned long)&msg);
	pt_must(PTRACE_CONT, child.pid, 0, 0);
	pt_child_command(&child, 'x');
	scn_say("-- the options kept through the failed SETOPTIONS: an exit stop");
	pt_wait_say(child.pid, 0, "wait");
	pt_must(PTRACE_CONT, child.pid, 0, 0);
	pt_wait_say(child.pid, 0, "wait");
	pt_child_close(&child);
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "esrch", case_esrch },
		{ "eperm", case_eperm },
		{ "eio", case_eio },
		{ "einval-efault", case_einval_efault },
	};

	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
