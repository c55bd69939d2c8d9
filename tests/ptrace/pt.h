/*
 * Helpers for the virtual ptrace scenarios (issue #3), on top of
 * ../lib/scenario.h: ptrace calls that print their result, wait statuses
 * decoded with ptrace's events and syscall-stop bit, siginfo fields.
 *
 * Everything printed is free of raw pids (scn_pid() names them) and of
 * addresses, so that the native and the ptvisor transcripts compare equal.
 * Values a tracer injects (PT_MAGIC) lie above PID_MAX_LIMIT so they can
 * never be mistaken for a pid.
 */
#ifndef PTV_TESTS_PTRACE_PT_H
#define PTV_TESTS_PTRACE_PT_H

#include <signal.h>
#include <stdbool.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/user.h>
#include <sys/wait.h>

#include "scenario.h"

/*
 * A function whose code a tracer patches or watches: one copy, called.
 * (clang has no noclone; it does not clone functions for constants.)
 */
#ifdef __clang__
#define PT_ONE_COPY __attribute__((noinline))
#else
#define PT_ONE_COPY __attribute__((noinline, noclone))
#endif

/* Above PID_MAX_LIMIT (4194304): an injected value, never a pid. */
#define PT_MAGIC 5000001L

#ifndef PTRACE_EVENTMSG_SYSCALL_ENTRY
#define PTRACE_EVENTMSG_SYSCALL_ENTRY 1
#define PTRACE_EVENTMSG_SYSCALL_EXIT 2


/*
 * A tracee for data requests (issue #4): forks a child that calls
 * PTRACE_TRACEME, stops itself with a raw kill(getpid(), SIGSTOP) and, once
 * resumed, runs @body(@arg) and _exits with its result. Returns the pid
 * when the child is in that signal-delivery-stop (waited for, not printed).
 */
pid_t pt_spawn_stopped(int (*body)(void *), void *arg);

#endif

/* The raw ptrace(2) system call: -1 with errno on failure. */
long pt_raw(long request, pid_t pid, unsigned long addr, unsigned long data);

/*
 * Makes the call and prints "@what = R" or "@what = -1 ENAME"; returns the
 * result (errno is kept).
 */
long pt_say(const char *what, long request, pid_t pid, unsigned long addr,
	    unsigned long data);

/* Makes the call and dies unless it returns 0. */
void pt_must(long request, pid_t pid, unsigned long addr, unsigned long data);

/*
 * A wait status as text, with the raw value for stops: "exited 3", "killed
 * by SIGKILL", "stopped by SIGSTOP [0x137f]", "syscall-stop SIGTRAP|0x80
 * [0x857f]", "event FORK SIGTRAP [0x1<<16|0x57f]",
 * "event STOP SIGSTOP [0x80<<16|0x137f]".
 */
const char *pt_status(int status);
/* PTRACE_EVENT_* name ("FORK", "STOP", or the number). */
const char *pt_event_name(int event);

/* wait4() that retries on EINTR and dies on any other error. */
pid_t pt_wait(pid_t pid, int *status, int flags);
/*
 * Waits (retrying on EINTR) and prints "@who: P1 <status>"; returns the
 * status. Dies if another pid is reported.
 */
int pt_wait_say(pid_t pid, int flags, const char *who);
/*
 * waitid() (retrying on EINTR), printed as "@what = 0: CLD_* P1 status N"
 * (CLD_TRAPPED's and CLD_EXITED's si_status as a number), "= 0, nothing"
 * or "= -1 ERRNO".
 */
void pt_waitid_say(idtype_t idtype, pid_t pid, int flags, const char *what);
/* Waits for a stop of @pid and dies unless its status is @expected. */
void pt_wait_expect(pid_t pid, int expected);

/*
 * For a child that reports to the printer on @fd (scn_report()): the call
 * and "@what = R" or "@what = -1 ENAME"; returns the result.
 */
long pt_report_call(int fd, const char *what, long request, pid_t pid,
		    unsigned long data);

/*
 * wait4(@pid, @flags) (retrying on EINTR), reported on @fd as "@what = PID:
 * <status>", "@what = 0" or "@what = -1 ENAME"; the pid is named ({pid N})
 * if @named, else printed as a number (a pid of a namespace below, whose
 * pids are small and given in order). Returns wait4's result.
 */
pid_t pt_report_wait4(int fd, pid_t pid, int flags, const char *what,
		      bool named);

/* PTRACE_GETEVENTMSG, dying on failure. */
unsigned long pt_eventmsg(pid_t pid);
/* PTRACE_GETREGS, dying on failure. */
void pt_getregs(pid_t pid, struct user_regs_struct *regs);
void pt_setregs(pid_t pid, const struct user_regs_struct *regs);

/* Prints "@who: siginfo SIGX code NAME pid Pn status S" for a tracee. */
void pt_say_siginfo(pid_t pid, const char *who);
/* The same line for a siginfo the caller holds. */
void pt_say_info(const char *who, const siginfo_t *si);

/*
 * A child that will be traced: fork, and in the child run @body(@arg),
 * then _exit with its result. The parent gets the pid.
 */
pid_t pt_spawn(int (*body)(void *), void *arg);

/*
 * Reads one report line of @fd (see scn_report) into @buf, with every
 * "{pid N}" named; false on EOF.
 */
bool pt_read_line(int fd, char *buf, size_t size);
/* Prints report lines of @fd up to and including one equal to @last. */
void pt_relay_until(int fd, const char *last);

/*
 * A child's command loop: reads one command byte at a time from @fd
 * (retrying on EINTR) and returns it; returns 0 at EOF.
 */
char pt_next_command(int fd);

/*
 * A child with a report pipe: makes @rep (the child writes rep[1]), starts
 * @body with pt_spawn_stopped() and prints "child is Pn, in its SIGSTOP
 * stop". pt_finish_reporting() waits for its end and relays its reports.
 */
pid_t pt_spawn_reporting(int (*body)(void *), int rep[2]);
void pt_finish_reporting(pid_t child, int rep[2]);

/* One case of a scenario program: "NAME" runs @run. */
struct pt_case {
	const char *name;
	void (*run)(void);
};

/*
 * The main function of a scenario program made of cases: with no argument
 * it runs every case in order, with one it runs the case of that name.
 * Arms a watchdog of @seconds. Prints "done" at the end.
 */
int pt_main(int argc, char **argv, const struct pt_case *cases, size_t ncases,
	    unsigned seconds);
#define PT_NCASES(a) (sizeof(a) / sizeof(*(a)))

/*
 * In a child: PTRACE_TRACEME (exits 3 if it fails), then one byte on @fd.
 * A parent that reads the byte (scn_take()) before it waits for the
 * child's first stop never waits before the child is its tracee: the
 * scenarios keep that race out of their transcripts (wait.c's
 * "before-traceme" case is about it).
 */
void pt_traceme_then_post(int fd);

/*
 * A child that obeys one-byte commands and reports to the printer:
 *   'p'  reports "  child: pong";
 *   'r'  raises SIGUSR2;
 *   's'  stops itself with SIGSTOP (kill(getpid()));
 *   'x'  exits 0 (so does EOF on the command pipe).
 * Handlers for SIGUSR1, SIGUSR2 and SIGCONT (SA_RESTART) report
 * "  child handler: SIGX code C pid P". The child is scn_fork()ed.
 */
struct pt_child {
	pid_t pid;
	int cmd;	/* write end of its command pipe */
	int report;	/* read end of its report pipe */
};

/* Starts the child; with @traceme it first calls PTRACE_TRACEME. */
void pt_child_start(struct pt_child *c, bool traceme);
/* Sends @cmd; for 'p' prints the reports up to the pong. */
void pt_child_command(struct pt_child *c, char cmd);
void pt_child_ping(struct pt_child *c);
/* Closes the pipes: the child exits when it next reads a command. */
void pt_child_close(struct pt_child *c);

/*
 * A tracee for data requests (issue #4): forks a child that calls
 * PTRACE_TRACEME, stops itself with a raw kill(getpid(), SIGSTOP) and, once
 * resumed, runs @body(@arg) and _exits with its result. Returns the pid
 * when the child is in that signal-delivery-stop (waited for, not printed).
 */
pid_t pt_spawn_stopped(int (*body)(void *), void *arg);

#endif
