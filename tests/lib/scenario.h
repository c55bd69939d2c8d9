/*
 * Helpers for guest scenario programs (DESIGN.md, "Testing: the host kernel
 * is the oracle"). A scenario prints a transcript that must be the same when
 * it runs natively and under ptvisor; tests/compare.sh diffs the two.
 *
 * The rules every scenario keeps, so that its transcript is deterministic:
 * - Only one process prints (the one that called scn_start()). Children
 *   report to it through pipes (scn_report() / scn_relay()).
 * - Nothing is ordered by sleeping: processes synchronise with pipes, and
 *   where only a kernel state proves a condition (a task blocked in read, a
 *   task stopped) the printer polls /proc (scn_wait_state(),
 *   scn_wait_syscall()).
 * - Pids never appear as numbers: scn_pid() names them P0, P1, ... in the
 *   order the printer first mentions them; children write "{pid N}" markers
 *   that the printer turns into the same names (scn_say() does it).
 * - A watchdog alarm ends a stuck scenario with "WATCHDOG" and status 99.
 *
 * Output goes straight to file descriptor 1 with write(2), unbuffered, so a
 * fork never duplicates pending output. Every helper that can fail prints
 * "FAIL: ..." and exits 1: a scenario's own setup errors are never silent.
 */
#ifndef PTV_TESTS_SCENARIO_H
#define PTV_TESTS_SCENARIO_H

#include <fcntl.h> /* O_CLOEXEC for scn_pipe() */
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define SCN_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Exit status of a scenario whose watchdog fired. */
#define SCN_EXIT_WATCHDOG 99

/*
 * Starts a scenario in the printing process: names it P0, arms the
 * watchdog (@seconds; 0 leaves it off, e.g. after an exec that re-armed it).
 */
void scn_start(unsigned seconds);

/* Prints one line (a '\n' is added), with every "{pid N}" named. */
void scn_say(const char *fmt, ...) SCN_PRINTF(1, 2);
/* Prints "FAIL: ..." with errno's name when it is set, and exits 1. */
void __attribute__((noreturn)) scn_die(const char *fmt, ...) SCN_PRINTF(1, 2);
/* Dies unless @cond, naming the condition. */
#define scn_check(cond)                                                       \
	do {                                                                  \
		if (!(cond))                                                  \
			scn_die("%s:%d: %s", __FILE__, __LINE__, #cond);      \
	} while (0)

/*
 * The symbolic name of @pid ("P0", "P1", ...), given in order of first
 * appearance; 0 and negative values are printed as numbers. The returned
 * string lives until the program ends.
 */
const char *scn_pid(pid_t pid);
/* "ENOENT", or "E<number>" for an errno without a name. */
const char *scn_errno(int err);
/* "SIGUSR1", "SIGRTMIN+2", or "SIG<number>". */
const char *scn_sig(int sig);
/* The name of a siginfo si_code for @signo ("CLD_STOPPED", "SI_QUEUE", ...). */
const char *scn_si_code(int signo, int code);

/*
 * Prints "@what = R" for R >= 0, "@what = -1 ENAME" for a failed libc call
 * (R == -1, errno set). Returns @r.
 */
long scn_result(const char *what, long r);
/* Reports (scn_report) "@what = R", or "@what = -1 ENAME" as scn_result(). */
void scn_report_result(int fd, const char *what, long r);
/* A raw syscall's return value: "-ENAME" for -4095..-1, else the number. */
const char *scn_raw_result(long r, char buf[static 32]);

/* A wait status as text: "exited 3", "killed by SIGSEGV", "stopped by
 * SIGSTOP", "continued", "killed by SIGSYS (core dumped)". */
const char *scn_wstatus(int status, char buf[static 64]);
/* waitpid() that retries on EINTR and dies on any other error. */
pid_t scn_waitpid(pid_t pid, int *status, int flags);
/* Waits for @pid and prints "@who: <status>". Returns the status. */
int scn_wait_and_say(pid_t pid, const char *who);

/* fork() that registers the child, which the watchdog then kills. */
pid_t scn_fork(void);
/* Registers a child made some other way (clone, vfork, clone3). */
void scn_track_child(pid_t pid);

/*
 * Prints "== @title ==", runs @fn(report_fd) in a child (which then exits
 * 0), relays its reports and prints its status. For what cannot be undone
 * in the printer (seccomp filters, fatal signals).
 */
void scn_in_child(const char *title, void (*fn)(int report_fd));

/* pipe2(); dies on failure. */
void scn_pipe(int fds[2], int flags);
/*
 * In a child: closes every descriptor above 2 but @keep (-1: none), so that
 * the child holds no end of its siblings' pipes and their EOF still comes.
 */
void scn_close_other_fds(int keep);
/* Writes one byte, or reads one byte and checks it; die on EOF/error. */
void scn_post(int fd);
void scn_take(int fd);
/* Reads exactly @len bytes (retrying on EINTR); false on EOF. */
bool scn_read_full(int fd, void *buf, size_t len);
/* Writes all of @buf (retrying on EINTR); dies on error. */
void scn_write_full(int fd, const void *buf, size_t len);

/*
 * A child's report line to the printer: written with one write(2), so lines
 * from several children never interleave (the line must stay below
 * PIPE_BUF). Use "{pid N}" for any pid so the printer can name it.
 */
void scn_report(int fd, const char *fmt, ...) SCN_PRINTF(2, 3);
/* Prints every line read from @fd until EOF, with "{pid N}" named. */
void scn_relay(int fd);
/* Prints one report line (the next one in @fd); false on EOF. */
/*
 * Reads one newline-terminated line (without the newline) into @line;
 * false at end of file. Longer lines are cut to @size - 1 bytes.
 */
bool scn_read_line(int fd, char *line, size_t size);
bool scn_relay_line(int fd);
/* Copies @in to @out with each "{pid N}" replaced by scn_pid(N). */
void scn_name_pids(const char *in, char *out, size_t size);

/* The number of threads listed in /proc/@pid/task. */
int scn_count_tasks(pid_t pid);
/* The state letter of /proc/@tid/stat, or 0 when the task is gone. */
char scn_proc_state(pid_t tid);
/* Polls until the state of @tid is one of @letters (0 in @letters: gone). */
void scn_wait_state(pid_t tid, const char *letters);
/* Polls until @tid sleeps in syscall @nr (/proc/@tid/syscall). */
void scn_wait_syscall(pid_t tid, long nr);
/* Does @tid sleep in syscall @nr now (false if there is no such task)? */
bool scn_sleeps_in(pid_t tid, long nr);
/* Polls until /proc/@pid is gone: the task was reaped. */
void scn_wait_reaped(pid_t pid);

/*
 * A number field of /proc/@tid/status ("TracerPid" in @base 10, "ShdPnd"
 * in 16...); 0 if the task or the field is gone.
 */
unsigned long long scn_status_field(pid_t tid, const char *name, int base);

/* Writes @text to /proc/self/@name (uid_map, setgroups...), or dies. */
void scn_write_proc_self(const char *name, const char *text);

/*
 * Unshares a user namespace and maps ids there, or dies: @uid and @gid, the
 * caller's ids in the namespace it leaves, become @id in the new one (a
 * task may map its own ids without privilege; setgroups is denied).
 */
void scn_unshare_userns(unsigned int id, uid_t uid, gid_t gid);

/* Takes the SIGCHLD pending for the caller (blocked) into *@si, or dies. */
void scn_take_sigchld(siginfo_t *si);

/* sigaction() with @flags (SA_SIGINFO is added for @action); dies on error. */
void scn_handle(int sig, void (*action)(int, siginfo_t *, void *), int flags);
/* Blocks (@block true) or unblocks one signal in the calling thread. */
void scn_block(int sig, bool block);

#endif
