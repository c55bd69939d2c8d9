#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "filter.h"
#include "host.h"
#include "signals.h"

/* What the child reports through its close-on-exec pipe when it fails. */
struct spawn_failure {
	enum ptv_spawn_stage stage;
	int err;
};

/*
 * The supervisor leads the session of its terminal (a terminal emulator,
 * tmux or script(1) started it as the session's process): natively its
 * program would. The first guest becomes the leader of a session of its own
 * with the terminal as its controlling terminal (TIOCSCTTY with 1 takes it
 * from our session, which needs CAP_SYS_ADMIN), so that a hangup's SIGHUP,
 * which only the session leader gets, reaches it as it would natively.
 */
static void take_terminal(int fd)
{
	if (setsid() < 0)
		return;
	ioctl(fd, TIOCSCTTY, 1);
}

/* Runs in the child; never returns. Reports a failure through @err_fd. */
static void __attribute__((noreturn))
first_guest_main(char *const argv[], bool no_new_privs, int terminal_fd,
		 int go_fd, int err_fd)
{
	struct spawn_failure failure = { .stage = PTV_SPAWN_FILTER };
	char go;
	int r;

	ptv_signals_restore();
	if (terminal_fd >= 0)
		take_terminal(terminal_fd);
	/* Wait until the supervisor has seized us. */
	if (read(go_fd, &go, 1) != 1)
		_exit(127);
	r = ptv_filter_install(no_new_privs);
	if (r == 0) {
		execvp(argv[0], argv);
		failure.stage = PTV_SPAWN_EXEC;
		r = -errno;
	}
	failure.err = -r;
	(void)!write(err_fd, &failure, sizeof(failure));
	_exit(127);
}

/*
 * Lets the seized child run up to its exec: the filter it installed traps
 * execve, so each attempt of execvp(3) is a seccomp stop, let run natively.
 * Returns 1 when the child is at its PTRACE_EVENT_EXEC stop, left pending
 * for the loop (peeked with WNOWAIT); 0 when it has exited (reaped).
 */
static int await_exec(pid_t pid)
{
	for (;;) {
		siginfo_t si;
		int status, sig = 0;

		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si,
			   WEXITED | WSTOPPED | WNOWAIT | __WALL) < 0) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		/* waitid's si_status is the whole ptrace exit_code. */
		if (si.si_code == CLD_TRAPPED &&
		    si.si_status == (SIGTRAP | (PTRACE_EVENT_EXEC << 8)))
			return 1;
		if (waitpid(pid, &status, __WALL) != pid)
			continue;
		if (WIFEXITED(status) || WIFSIGNALED(status))
			return 0;
		/* A seccomp or exit event, or a signal: deliver the signal. */
		if ((status >> 16) == 0 && WSTOPSIG(status) != SIGTRAP)
			sig = WSTOPSIG(status);
		ptv_host_cont(pid, sig);
	}
}

/* Reaps a child whose exec failed; it exits without trapping anything. */
static void reap_failed_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, __WALL) == pid) {
		if (WIFEXITED(status) || WIFSIGNALED(status))
			return;
		/* A stop (a signal sent to it meanwhile): let it go on dying. */
		ptv_host_cont(pid, 0);
	}
}

/*
 * A descriptor of our controlling terminal if we lead its session and may
 * hand it over (CAP_SYS_ADMIN), else -1.
 */
static int terminal_to_hand_over(void)
{
	if (getsid(0) != getpid() || prctl(PR_CAPBSET_READ, 21 /* CAP_SYS_ADMIN */) != 1 ||
	    geteuid() != 0)
		return -1;
	for (int fd = 0; fd <= 2; fd++)
		if (isatty(fd) && tcgetsid(fd) == getpid())
			return fd;
	return -1;
}

int ptv_spawn_first_guest(char *const argv[], bool no_new_privs, pid_t *pidp,
			  enum ptv_spawn_stage *stage)
{
	int terminal_fd = terminal_to_hand_over();
	struct spawn_failure failure;
	int go[2], err_pipe[2];
	int r;
	ssize_t n;
	pid_t pid;

	*stage = PTV_SPAWN_SETUP;
	if (pipe2(go, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(err_pipe, O_CLOEXEC) < 0) {
		r = -errno;
		close(go[0]);
		close(go[1]);
		return r;
	}
	/*
	 * The supervisor is not dumpable; a child inherits that, and seizing
	 * a non-dumpable task needs CAP_SYS_PTRACE (kernel/ptrace.c:
	 * __ptrace_may_access()). So the child is forked dumpable, which it
	 * would be anyway after its exec; no guest exists yet to exploit the
	 * supervisor meanwhile.
	 */
	prctl(PR_SET_DUMPABLE, 1);
	pid = fork();
	if (pid != 0)
		prctl(PR_SET_DUMPABLE, 0);
	if (pid < 0) {
		r = -errno;
		goto out;
	}
	if (pid == 0) {
		close(go[1]);
		close(err_pipe[0]);
		first_guest_main(argv, no_new_privs, terminal_fd, go[0],
				 err_pipe[1]);
	}
	close(go[0]);
	go[0] = -1;
	close(err_pipe[1]);
	err_pipe[1] = -1;
	r = ptv_host_seize(pid, PTV_HOST_OPTIONS);
	if (r < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto out;
	}
	/* Let it go; the exec closes err_pipe before its PTRACE_EVENT_EXEC stop. */
	if (write(go[1], "g", 1) != 1) {
		r = -errno;
		kill(pid, SIGKILL);
		reap_failed_child(pid);
		goto out;
	}
	if (await_exec(pid) == 0) {
		/* It exited: a failure is in the pipe (EOF if it died before). */
		do
			n = read(err_pipe[0], &failure, sizeof(failure));
		while (n < 0 && errno == EINTR);
		*stage = n == sizeof(failure) ? failure.stage : PTV_SPAWN_FILTER;
		r = n == sizeof(failure) ? -failure.err : -ECHILD;
		goto out;
	}
	*pidp = pid;
	r = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (go[i] >= 0)
			close(go[i]);
		if (err_pipe[i] >= 0)
			close(err_pipe[i]);
	}
	return r;
}
