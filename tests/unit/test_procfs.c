/*
 * Unit tests of the /proc readers (src/platform/procfs.c) against the
 * test's own process and a child: the signal masks read from stat (signals
 * below 32) and from status (the others), the cache of open /proc
 * files, which must follow a pid to its new task, and the chain of user
 * namespaces of a child that unshared one.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "platform/procfs.h"

static void set_action(int sig, void (*handler)(int))
{
	struct sigaction sa = { .sa_handler = handler };

	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(sig, &sa, NULL), 0);
}

static void on_signal(int sig)
{
	(void)sig;
}

static void block(int sig, int how)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	assert_int_equal(sigprocmask(how, &set, NULL), 0);
}

/* Ignored when sent: SIG_IGN, or SIG_DFL of a default-ignored signal. */
static void signal_ignored(void **state)
{
	pid_t self = getpid();
	int rt = SIGRTMIN + 1;

	(void)state;
	set_action(SIGCHLD, SIG_DFL);
	assert_true(ptv_proc_signal_ignored(self, SIGCHLD, true));
	set_action(SIGCHLD, on_signal);
	assert_false(ptv_proc_signal_ignored(self, SIGCHLD, true));
	set_action(SIGCHLD, SIG_IGN);
	assert_true(ptv_proc_signal_ignored(self, SIGCHLD, true));
	block(SIGCHLD, SIG_BLOCK);
	assert_false(ptv_proc_signal_ignored(self, SIGCHLD, true));
	block(SIGCHLD, SIG_UNBLOCK);
	set_action(SIGCHLD, SIG_DFL);
	/* SIGUSR1's default is to terminate. */
	assert_false(ptv_proc_signal_ignored(self, SIGUSR1, true));
	set_action(SIGUSR1, SIG_IGN);
	assert_true(ptv_proc_signal_ignored(self, SIGUSR1, true));
	set_action(SIGUSR1, SIG_DFL);
	/* Above 31: from status. */
	assert_false(ptv_proc_signal_ignored(self, rt, true));
	set_action(rt, SIG_IGN);
	assert_true(ptv_proc_signal_ignored(self, rt, true));
	block(rt, SIG_BLOCK);
	assert_false(ptv_proc_signal_ignored(self, rt, true));
	block(rt, SIG_UNBLOCK);
	set_action(rt, SIG_DFL);
	/* Read again: the cached file shows the change. */
	set_action(SIGWINCH, on_signal);
	assert_false(ptv_proc_signal_ignored(self, SIGWINCH, true));
	set_action(SIGWINCH, SIG_DFL);
	assert_true(ptv_proc_signal_ignored(self, SIGWINCH, true));
}

/* The masks of status, read at once; a signal's action SIG_DFL or not. */
static void signal_masks(void **state)
{
	uint64_t usr1 = 1ULL << (SIGUSR1 - 1), usr2 = 1ULL << (SIGUSR2 - 1);
	uint64_t hup = 1ULL << (SIGHUP - 1);
	struct ptv_proc_sig_masks m;
	pid_t self = getpid();

	(void)state;
	block(SIGUSR1, SIG_BLOCK);
	raise(SIGUSR1);				/* pending for the thread */
	set_action(SIGUSR2, SIG_IGN);
	set_action(SIGHUP, on_signal);
	ptv_proc_sig_masks(self, &m);
	assert_true(m.blocked & usr1);
	assert_true(m.pending & usr1);
	assert_false(m.shared & usr1);
	assert_true(m.ignored & usr2);
	assert_true(m.caught & hup);
	assert_false(ptv_proc_signal_default(self, SIGUSR2));
	assert_false(ptv_proc_signal_default(self, SIGHUP));
	assert_true(ptv_proc_signal_default(self, SIGUSR1));
	set_action(SIGUSR1, SIG_IGN);		/* discards the pending one */
	set_action(SIGUSR1, SIG_DFL);
	block(SIGUSR1, SIG_UNBLOCK);
	set_action(SIGUSR2, SIG_DFL);
	set_action(SIGHUP, SIG_DFL);
}

/* A task's file stays cached; once it is gone, reading it fails. */
static void cached_file_follows_the_task(void **state)
{
	int sync[2], status;
	char c;
	pid_t child;

	(void)state;
	assert_int_equal(pipe(sync), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		close(sync[1]);
		(void)read(sync[0], &c, 1);
		_exit(0);
	}
	close(sync[0]);
	assert_int_equal(ptv_proc_ppid(child), getpid());
	assert_true(ptv_proc_state(child) != 0);
	close(sync[1]);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(ptv_proc_ppid(child) < 0);
	assert_int_equal(ptv_proc_state(child), 0);
}

/* A child's own user namespace sits below the caller's, owned by its euid. */
static void userns_chain_of_a_child(void **state)
{
	struct ptv_userns chain[PTV_USERNS_MAX_DEPTH];
	int ready[2], hold[2], status, n;
	uint64_t own, child_ino;
	char c = 0;
	pid_t child;

	(void)state;
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(hold), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		close(ready[0]);
		close(hold[1]);
		c = unshare(CLONE_NEWUSER) == 0 ? 'y' : 'n';
		(void)write(ready[1], &c, 1);
		(void)read(hold[0], &c, 1);
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_int_equal(ptv_proc_userns_ino(0, &own), 0);
	assert_int_equal(ptv_proc_userns_chain(getpid(), chain, 4), 1);
	assert_true(chain[0].ino == own);
	if (c == 'y') {
		n = ptv_proc_userns_chain(child, chain, PTV_USERNS_MAX_DEPTH);
		assert_int_equal(n, 2);
		assert_int_equal(ptv_proc_userns_ino(child, &child_ino), 0);
		assert_true(chain[0].ino == child_ino && chain[1].ino == own);
		assert_int_equal(chain[0].owner, geteuid());
		assert_int_equal(ptv_proc_userns_chain(child, chain, 1), -E2BIG);
	}
	close(hold[1]);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(ptv_proc_userns_ino(child, &child_ino), -ESRCH);
	if (c != 'y')
		skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signal_ignored),
		cmocka_unit_test(signal_masks),
		cmocka_unit_test(cached_file_follows_the_task),
		cmocka_unit_test(userns_chain_of_a_child),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
