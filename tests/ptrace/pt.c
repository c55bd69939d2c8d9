#include "pt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

long pt_raw(long request, pid_t pid, unsigned long addr, unsigned long data)
{
	return syscall(SYS_ptrace, request, (long)pid, addr, data);
}

long pt_say(const char *what, long request, pid_t pid, unsigned long addr,
	    unsigned long data)
{
	long r = pt_raw(request, pid, addr, data);
	int err = errno;

	scn_result(what, r);
	errno = err;
	return r;
}

void pt_must(long request, pid_t pid, unsigned long addr, unsigned long data)
{
	if (pt_raw(request, pid, addr, data) != 0)
		scn_die("ptrace(%#lx, %s)", request, scn_pid(pid));
}

static const char *const event_names[] = {
	[PTRACE_EVENT_FORK] = "FORK",	    [PTRACE_EVENT_VFORK] = "VFORK",
	[PTRACE_EVENT_CLONE] = "CLONE",	    [PTRACE_EVENT_EXEC] = "EXEC",
	[PTRACE_EVENT_VFORK_DONE] = "VFORK_DONE",
	[PTRACE_EVENT_EXIT] = "EXIT",	    [PTRACE_EVENT_SECCOMP] = "SECCOMP",
};

const char *pt_event_name(int event)
{
	static char buf[4][16];
	static unsigned next;

	if (event == PTRACE_EVENT_STOP)
		return "STOP";
	if (event > 0 && event < (int)(sizeof(event_names) / sizeof(*event_names)) &&
	    event_names[event] != NULL)
		return event_names[event];
	snprintf(buf[next % 4], sizeof(buf[0]), "%d", event);
	return buf[next++ % 4];
}

const char *pt_status(int status)
{
	static char buf[8][96];
	static unsigned next;
	char *out = buf[next++ % 8];
	int sig = (status >> 8) & 0xff, event = (status >> 16) & 0xffff;

	if (WIFEXITED(status)) {
		snprintf(out, sizeof(buf[0]), "exited %d", WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		snprintf(out, sizeof(buf[0]), "killed by %s%s",
			 scn_sig(WTERMSIG(status)),
			 WCOREDUMP(status) ? " (core dumped)" : "");
	} else if (WIFCONTINUED(status)) {
		snprintf(out, sizeof(buf[0]), "continued");
	} else if (WIFSTOPPED(status) && sig == (SIGTRAP | 0x80)) {
		snprintf(out, sizeof(buf[0]), "syscall-stop SIGTRAP|0x80 [%#x]",
			 status);
	} else if (WIFSTOPPED(status) && event != 0) {
		/* Split: compare.sh takes 6 hex digits for an address. */
		snprintf(out, sizeof(buf[0]), "event %s %s [%#x<<16|%#x]",
			 pt_event_name(event), scn_sig(sig), event,
			 status & 0xffff);
	} else if (WIFSTOPPED(status)) {
		snprintf(out, sizeof(buf[0]), "stopped by %s [%#x]",
			 scn_sig(sig), status);
	} else {
		snprintf(out, sizeof(buf[0]), "unknown status %#x", status);
	}
	return out;
}

pid_t pt_wait(pid_t pid, int *status, int flags)
{
	pid_t r;

	do
		r = wait4(pid, status, flags, NULL);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		scn_die("wait4(%s, %#x)", scn_pid(pid), flags);
	return r;
}

int pt_wait_say(pid_t pid, int flags, const char *who)
{
	int status = 0;
	pid_t r = pt_wait(pid, &status, flags);

	if (r == 0) {
		scn_say("%s: nothing (0)", who);
		return -1;
	}
	if (pid > 0 && r != pid)
		scn_die("%s: waited for %s, got %s", who, scn_pid(pid), scn_pid(r));
	scn_say("%s: %s %s", who, scn_pid(r), pt_status(status));
	return status;
}

void pt_waitid_say(idtype_t idtype, pid_t pid, int flags, const char *what)
{
	siginfo_t si;
	int r;

	memset(&si, 0, sizeof(si));
	do
		r = waitid(idtype, (id_t)pid, &si, flags);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		scn_say("%s = -1 %s", what, scn_errno(errno));
		return;
	}
	if (si.si_pid == 0) {
		scn_say("%s = 0, nothing", what);
		return;
	}
	if (si.si_code == CLD_EXITED || si.si_code == CLD_TRAPPED)
		scn_say("%s = 0: %s %s status %d", what,
			scn_si_code(SIGCHLD, si.si_code), scn_pid(si.si_pid),
			si.si_status);
	else
		scn_say("%s = 0: %s %s status %s", what,
			scn_si_code(SIGCHLD, si.si_code), scn_pid(si.si_pid),
			scn_sig(si.si_status));
}

long pt_report_call(int fd, const char *what, long request, pid_t pid,
		    unsigned long data)
{
	long r = pt_raw(request, pid, 0, data);

	scn_report_result(fd, what, r);
	return r;
}

pid_t pt_report_wait4(int fd, pid_t pid, int flags, const char *what,
		      bool named)
{
	int status = 0;
	pid_t r;

	do
		r = wait4(pid, &status, flags, NULL);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		scn_report(fd, "%s = -1 %s", what, scn_errno(errno));
	else if (r == 0)
		scn_report(fd, "%s = 0", what);
	else if (named)
		scn_report(fd, "%s = {pid %d}: %s", what, (int)r, pt_status(status));
	else
		scn_report(fd, "%s = %d: %s", what, (int)r, pt_status(status));
	return r;
}

void pt_wait_expect(pid_t pid, int expected)
{
	int status = 0;
	pid_t r = pt_wait(pid, &status, __WALL);

	if (r != pid || status != expected)
		scn_die("waited for %s %s, got %s %s", scn_pid(pid),
			pt_status(expected), scn_pid(r), pt_status(status));
}

unsigned long pt_eventmsg(pid_t pid)
{
	unsigned long msg = 0;

	if (pt_raw(PTRACE_GETEVENTMSG, pid, 0, (unsigned long)&msg) != 0)
		scn_die("PTRACE_GETEVENTMSG(%s)", scn_pid(pid));
	return msg;
}

void pt_getregs(pid_t pid, struct user_regs_struct *regs)
{
	if (pt_raw(PTRACE_GETREGS, pid, 0, (unsigned long)regs) != 0)
		scn_die("PTRACE_GETREGS(%s)", scn_pid(pid));
}

void pt_setregs(pid_t pid, const struct user_regs_struct *regs)
{
	if (pt_raw(PTRACE_SETREGS, pid, 0, (unsigned long)regs) != 0)
		scn_die("PTRACE_SETREGS(%s)", scn_pid(pid));
}

void pt_say_info(const char *who, const siginfo_t *si)
{
	char extra[64] = "";

	if (si->si_signo == SIGCHLD)
		snprintf(extra, sizeof(extra), " status %s",
			 si->si_code == CLD_EXITED ? "" : scn_sig(si->si_status));
	if (si->si_signo == SIGCHLD && si->si_code == CLD_EXITED)
		snprintf(extra, sizeof(extra), " status %d", si->si_status);
	scn_say("%s: siginfo %s code %s pid %s uid %s%s", who,
		scn_sig(si->si_signo), scn_si_code(si->si_signo, si->si_code),
		scn_pid(si->si_pid),
		si->si_uid == getuid() ? "self" : "other", extra);
}

void pt_say_siginfo(pid_t pid, const char *who)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (pt_raw(PTRACE_GETSIGINFO, pid, 0, (unsigned long)&si) != 0) {
		scn_say("%s: PTRACE_GETSIGINFO = -1 %s", who, scn_errno(errno));
		return;
	}
	pt_say_info(who, &si);
}

pid_t pt_spawn(int (*body)(void *), void *arg)
{
	pid_t pid = scn_fork();

	if (pid == 0)
		_exit(body(arg));
	return pid;
}


bool pt_read_line(int fd, char *buf, size_t size)
{
	char line[512];

	if (!scn_read_line(fd, line, sizeof(line)))
		return false;
	scn_name_pids(line, buf, size);
	return true;
}

void pt_relay_until(int fd, const char *last)
{
	char line[1024];

	for (;;) {
		if (!pt_read_line(fd, line, sizeof(line)))
			scn_die("report pipe closed before \"%s\"", last);
		/* Named already: printed as is, with "%s". */
		scn_write_full(STDOUT_FILENO, line, strlen(line));
		scn_write_full(STDOUT_FILENO, "\n", 1);
		if (strcmp(line, last) == 0)
			return;
	}
}

char pt_next_command(int fd)
{
	for (;;) {
		char c;
		ssize_t n = read(fd, &c, 1);

		if (n == 1)
			return c;
		if (n < 0 && errno == EINTR)
			continue;
		return 0;
	}
}

int pt_main(int argc, char **argv, const struct pt_case *cases, size_t ncases,
	    unsigned seconds)
{
	bool found = false;

	scn_start(seconds);
	for (size_t i = 0; i < ncases; i++) {
		if (argc > 1 && strcmp(argv[1], cases[i].name) != 0)
			continue;
		found = true;
		scn_say("=== %s ===", cases[i].name);
		cases[i].run();
	}
	if (!found)
		scn_die("no case named %s", argv[1]);
	scn_say("done");
	return 0;
}

static int child_report_fd = -1;

static void on_child_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	scn_report(child_report_fd, "  child handler: %s code %s pid {pid %d}",
		   scn_sig(sig), scn_si_code(sig, si->si_code), (int)si->si_pid);
}

static void __attribute__((noreturn)) child_loop(int cmd, bool traceme)
{
	if (traceme && pt_raw(PTRACE_TRACEME, 0, 0, 0) != 0)
		_exit(3);
	scn_handle(SIGUSR1, on_child_signal, SA_RESTART);
	scn_handle(SIGUSR2, on_child_signal, SA_RESTART);
	scn_handle(SIGCONT, on_child_signal, SA_RESTART);
	scn_report(child_report_fd, "  child: ready");
	for (;;) {
		switch (pt_next_command(cmd)) {
		case 'p':
			scn_report(child_report_fd, "  child: pong");
			break;
		case 'r':
			raise(SIGUSR2);
			break;
		case 's':
			kill(getpid(), SIGSTOP);
			break;
		case 'x':
		case 0:
			_exit(0);
		}
	}
}

void pt_child_start(struct pt_child *c, bool traceme)
{
	int cmd[2], report[2];

	scn_pipe(cmd, O_CLOEXEC);
	scn_pipe(report, O_CLOEXEC);
	c->pid = scn_fork();
	if (c->pid == 0) {
		close(cmd[1]);
		close(report[0]);
		child_report_fd = report[1];
		child_loop(cmd[0], traceme);
	}
	close(cmd[0]);
	close(report[1]);
	c->cmd = cmd[1];
	c->report = report[0];
	scn_say("child is %s", scn_pid(c->pid));
	pt_relay_until(c->report, "  child: ready");
}

void pt_child_command(struct pt_child *c, char cmd)
{
	scn_write_full(c->cmd, &cmd, 1);
	if (cmd == 'p')
		pt_relay_until(c->report, "  child: pong");
}

void pt_child_ping(struct pt_child *c)
{
	pt_child_command(c, 'p');
}

void pt_child_close(struct pt_child *c)
{
	close(c->cmd);
	close(c->report);
	c->cmd = c->report = -1;
}

void pt_traceme_then_post(int fd)
{
	if (pt_raw(PTRACE_TRACEME, 0, 0, 0) != 0)
		_exit(3);
	scn_post(fd);
}

static int (*stopped_body)(void *);
static void *stopped_arg;
static int stopped_sync[2];

static int stopped_main(void *unused)
{
	(void)unused;
	close(stopped_sync[0]);
	pt_traceme_then_post(stopped_sync[1]);
	close(stopped_sync[1]);
	syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
	return stopped_body(stopped_arg);
}

pid_t pt_spawn_stopped(int (*body)(void *), void *arg)
{
	pid_t child;

	stopped_body = body;
	stopped_arg = arg;
	scn_pipe(stopped_sync, O_CLOEXEC);
	child = pt_spawn(stopped_main, NULL);
	close(stopped_sync[1]);
	scn_take(stopped_sync[0]);
	close(stopped_sync[0]);
	pt_wait_expect(child, 0x137f);
	return child;
}

pid_t pt_spawn_reporting(int (*body)(void *), int rep[2])
{
	pid_t child;

	scn_pipe(rep, O_CLOEXEC);
	child = pt_spawn_stopped(body, NULL);
	close(rep[1]);
	scn_say("child is %s, in its SIGSTOP stop", scn_pid(child));
	return child;
}

void pt_finish_reporting(pid_t child, int rep[2])
{
	pt_wait_say(child, 0, "wait");
	scn_relay(rep[0]);
	close(rep[0]);
}
