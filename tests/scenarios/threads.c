/*
 * 100 pthreads at once: each has its own tid in one thread group, all are
 * listed in /proc/self/task, each takes a signal sent to it with tgkill
 * exactly once, each forks a child and waits for it itself; after the joins
 * only the main thread is left.
 *
 * Under ptvisor every thread is a host tracee that starts with a stop, each
 * tgkill is a signal-delivery-stop, each fork an event: 100 of each at once.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenario.h"

#define NTHREADS 100

struct worker {
	pthread_t thread;
	int index;
	pid_t tid;
	pid_t pid;
	volatile int signals;	 /* SIGUSR1 handled by this thread */
	int child_status;	 /* of the child it forked */
	pid_t child;
};

static struct worker workers[NTHREADS];
static pthread_barrier_t all_started, signals_sent;
static __thread struct worker *self;

static void on_usr1(int sig, siginfo_t *info, void *ucontext)
{
	(void)sig;
	(void)info;
	(void)ucontext;
	if (self != NULL)
		self->signals++;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	pid_t child;

	self = w;
	w->tid = gettid();
	w->pid = getpid();
	pthread_barrier_wait(&all_started);
	/* The main thread counts us and signals each of us here. */
	pthread_barrier_wait(&signals_sent);
	child = fork();
	if (child == 0)
		_exit(w->index);
	w->child = child;
	if (waitpid(child, &w->child_status, 0) != child)
		w->child_status = -1;
	return NULL;
}

static int count_distinct_tids(void)
{
	int distinct = 0;

	for (int i = 0; i < NTHREADS; i++) {
		bool seen = workers[i].tid == getpid();

		for (int j = 0; j < i && !seen; j++)
			seen = workers[j].tid == workers[i].tid;
		distinct += !seen;
	}
	return distinct;
}

int main(void)
{
	int same_pid = 0, once = 0, reaped = 0;

	scn_start(30);
	scn_handle(SIGUSR1, on_usr1, SA_RESTART);
	pthread_barrier_init(&all_started, NULL, NTHREADS + 1);
	pthread_barrier_init(&signals_sent, NULL, NTHREADS + 1);
	for (int i = 0; i < NTHREADS; i++) {
		workers[i].index = i;
		if (pthread_create(&workers[i].thread, NULL, work, &workers[i]) != 0)
			scn_die("pthread_create %d", i);
	}
	pthread_barrier_wait(&all_started);
	scn_say("threads started: %d", NTHREADS);
	scn_say("tasks in /proc/self/task: %d", scn_count_tasks(getpid()));
	scn_say("distinct tids, none the main thread's: %d", count_distinct_tids());
	for (int i = 0; i < NTHREADS; i++) {
		same_pid += workers[i].pid == getpid();
		if (syscall(SYS_tgkill, getpid(), workers[i].tid, SIGUSR1) < 0)
			scn_die("tgkill");
	}
	scn_say("threads whose getpid is ours: %d", same_pid);
	/* Each waits at the barrier; a signal sent to it runs its handler
	 * before it goes on (SA_RESTART keeps it in the barrier's futex). */
	for (int i = 0; i < NTHREADS; i++)
		while (workers[i].signals == 0)
			sched_yield();
	pthread_barrier_wait(&signals_sent);
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(workers[i].thread, NULL);
		once += workers[i].signals == 1;
		reaped += WIFEXITED(workers[i].child_status) &&
			  WEXITSTATUS(workers[i].child_status) == i;
	}
	scn_say("threads that handled their signal exactly once: %d", once);
	scn_say("threads that reaped their own child's exit code: %d", reaped);
	/* A thread leaves the list a little after its join returns. */
	while (scn_count_tasks(getpid()) != 1)
		sched_yield();
	scn_say("tasks left: 1");
	scn_result("children left to wait for", waitpid(-1, NULL, WNOHANG));
	return 0;
}
