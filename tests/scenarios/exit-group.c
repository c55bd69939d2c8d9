/*
 * How a multi-threaded process ends, as its parent sees it: exit_group from
 * the leader or from another thread while the rest run, sleep or spin; the
 * leader leaving alone (a zombie leader, the process still alive and not
 * yet waitable) and the others exiting later; every thread leaving with
 * SYS_exit (the parent sees the code of the threads that left last, not the
 * leader's); a fatal signal to one thread (SIGKILL by tgkill, a SIGSEGV)
 * taking all of them.
 *
 * Under ptvisor each thread's exit is a host event; the parent must see one
 * status, the same, at the same point.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scenario.h"

enum ending {
	LEADER_EXIT_GROUP,    /* exit(3) in the leader */
	THREAD_EXIT_GROUP,    /* exit(4) in a thread */
	LEADER_LEAVES_FIRST,  /* leader SYS_exit(7), a thread exit(5) later */
	ALL_SYS_EXIT,	      /* leader SYS_exit(7), then every thread SYS_exit(8) */
	THREAD_SIGKILLED,     /* tgkill(thread, SIGKILL) from the parent */
	THREAD_SEGFAULTS,     /* a thread dereferences NULL */
};

static const char *const ending_names[] = {
	"exit_group from the leader", "exit_group from a thread",
	"the leader leaves first", "every thread leaves with SYS_exit",
	"SIGKILL to one thread", "SIGSEGV in one thread",
};

#define NTHREADS 3

/* go_pipe wakes the actors, leader_pipe the leader. */
static int go_pipe[2], leader_pipe[2], ready_pipe[2], tid_pipe[2];
static enum ending ending;

static void *spinner(void *arg)
{
	(void)arg;
	scn_post(ready_pipe[1]);
	for (;;)
		__asm__ volatile("" ::: "memory");
	return NULL;
}

static void *sleeper(void *arg)
{
	struct timespec ts = { 1000, 0 };

	(void)arg;
	scn_post(ready_pipe[1]);
	nanosleep(&ts, NULL);
	return NULL;
}

/* Waits for the parent's go, then does what ends the process. */
static void *actor(void *arg)
{
	pid_t tid = gettid();
	char c;

	(void)arg;
	scn_write_full(tid_pipe[1], &tid, sizeof(tid));
	scn_post(ready_pipe[1]);
	if (read(go_pipe[0], &c, 1) != 1)
		return NULL;
	switch (ending) {
	case THREAD_EXIT_GROUP:
		exit(4);
	case LEADER_LEAVES_FIRST:
		exit(5);
	case ALL_SYS_EXIT:
		syscall(SYS_exit, 8);
		break;
	case THREAD_SEGFAULTS:
		*(volatile int *)(long)c = 1;
		break;
	default:
		break;
	}
	for (;;)
		pause();
}

static void __attribute__((noreturn)) run_child(void)
{
	char c;
	/* Two actors and nothing else when every thread must leave. */
	void *(*const mains[NTHREADS])(void *) = { spinner, sleeper, actor };
	void *(*const leavers[NTHREADS])(void *) = { actor, actor };
	pthread_t thread;

	prctl(PR_SET_DUMPABLE, 0); /* no core file from the SIGSEGV */
	for (int i = 0; i < NTHREADS; i++) {
		void *(*fn)(void *) = ending == ALL_SYS_EXIT ? leavers[i] : mains[i];

		if (fn != NULL)
			scn_check(pthread_create(&thread, NULL, fn, NULL) == 0);
	}
	switch (ending) {
	case LEADER_EXIT_GROUP:
		scn_take(leader_pipe[0]);
		exit(3);
	case LEADER_LEAVES_FIRST:
	case ALL_SYS_EXIT:
		syscall(SYS_exit, 7);
		break;
	default:
		break;
	}
	for (;;)
		(void)!read(leader_pipe[0], &c, 1);
}

static void run_case(enum ending which)
{
	int threads = which == ALL_SYS_EXIT ? 2 : 3;
	pid_t child, actor_tid = 0;
	int status;

	scn_say("== %s ==", ending_names[which]);
	ending = which;
	scn_pipe(go_pipe, O_CLOEXEC);
	scn_pipe(leader_pipe, O_CLOEXEC);
	scn_pipe(ready_pipe, O_CLOEXEC);
	scn_pipe(tid_pipe, O_CLOEXEC);
	child = scn_fork();
	if (child == 0)
		run_child();
	for (int i = 0; i < threads; i++)
		scn_take(ready_pipe[0]);
	scn_check(scn_read_full(tid_pipe[0], &actor_tid, sizeof(actor_tid)));
	if (which == LEADER_LEAVES_FIRST || which == ALL_SYS_EXIT) {
		scn_wait_state(child, "Z");
		scn_say("  leader is a zombie; process alive; waitpid(WNOHANG) = %s",
			scn_pid(scn_waitpid(child, &status, WNOHANG)));
	}
	if (which == THREAD_SIGKILLED)
		syscall(SYS_tgkill, child, actor_tid, SIGKILL);
	else if (which == LEADER_EXIT_GROUP)
		scn_post(leader_pipe[1]);
	else
		scn_write_full(go_pipe[1], "!!", which == ALL_SYS_EXIT ? 2 : 1);
	scn_wait_and_say(child, "  child");
	scn_say("  gone from /proc: %s", scn_proc_state(child) == 0 ? "yes" : "no");
	for (int i = 0; i < 2; i++) {
		close(go_pipe[i]);
		close(leader_pipe[i]);
		close(ready_pipe[i]);
		close(tid_pipe[i]);
	}
}

int main(void)
{
	scn_start(20);
	for (int which = LEADER_EXIT_GROUP; which <= THREAD_SEGFAULTS; which++)
		run_case(which);
	return 0;
}
