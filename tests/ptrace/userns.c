/*
 * Uids in the siginfo a tracer gets, in a user namespace of its own (issue
 * #3, wait's siginfo contents): Linux writes a child's uid as the reader
 * sees it (kernel/exit.c: wait_task_stopped(), wait_task_zombie();
 * kernel/signal.c: do_notify_parent(), do_notify_parent_cldstop():
 * from_kuid_munged() into the reader's user namespace).
 *
 * The printer's child X unshares a user namespace in which its own uid
 * is 5 (uid_map "5 <euid> 1": a task may map its own uid without
 * privilege), then traces its child C: the stop and the exit, by waitid()
 * and by SIGCHLD (sigwaitinfo()), each with si_uid 5.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt.h"

static int report_fd;

#define say(...) scn_report(report_fd, __VA_ARGS__)

/* waitid(P_PID, @pid, @flags): what it says and the uid. */
static void waitid_say(pid_t pid, int flags, const char *what)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	while (waitid(P_PID, (id_t)pid, &si, flags) < 0)
		if (errno != EINTR)
			scn_die("waitid: %s", scn_errno(errno));
	say("%s: %s, status %d, si_uid %u", what,
	    scn_si_code(SIGCHLD, si.si_code), si.si_status,
	    (unsigned)si.si_uid);
}

/* The SIGCHLD pending for us: what it says and the uid. */
static void sigchld_say(const char *what)
{
	siginfo_t si;

	scn_take_sigchld(&si);
	say("%s: SIGCHLD %s, status %d, si_uid %u", what,
	    scn_si_code(SIGCHLD, si.si_code), si.si_status,
	    (unsigned)si.si_uid);
}

static void case_si_uid(int fd)
{
	int sync[2];
	pid_t c;

	report_fd = fd;
	scn_unshare_userns(5, geteuid(), getegid());
	say("getuid in the namespace: %u", (unsigned)getuid());
	scn_block(SIGCHLD, true);
	scn_pipe(sync, O_CLOEXEC);
	c = fork();
	if (c < 0)
		scn_die("fork");
	if (c == 0) {
		close(sync[0]);
		pt_traceme_then_post(sync[1]);
		kill(getpid(), SIGSTOP);
		_exit(3);
	}
	close(sync[1]);
	scn_take(sync[0]);
	close(sync[0]);
	waitid_say(c, WSTOPPED | WEXITED | WNOWAIT, "waitid(C, WNOWAIT)");
	sigchld_say("C stopped");
	waitid_say(c, WSTOPPED | WEXITED, "waitid(C)");
	scn_report_result(fd, "PTRACE_CONT(C)", pt_raw(PTRACE_CONT, c, 0, 0));
	sigchld_say("C exited");
	waitid_say(c, WEXITED, "waitid(C)");
}

static void si_uid_case(void)
{
	scn_in_child("si_uid in a user namespace", case_si_uid);
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "si-uid", si_uid_case },
	};

	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
