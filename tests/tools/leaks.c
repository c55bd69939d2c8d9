/*
 * A program with memory leaks, built with AddressSanitizer, for the
 * LeakSanitizer tool test. At exit LeakSanitizer stops the world with
 * ptrace: it clones a tracer task (CLONE_UNTRACED), allows it with
 * PR_SET_PTRACER, and the tracer PTRACE_ATTACHes every thread, waits for
 * each stop, reads each thread's registers (PTRACE_GETREGSET) to find its
 * stack, scans memory and detaches. So the report is right only if every
 * one of those requests is: a worker's block that only the worker's stack
 * holds must not be reported, the lost blocks must be.
 *
 * Two workers are alive at exit, each asleep in read() on a pipe nobody
 * writes, each holding a block on its stack. main loses two blocks: one of
 * 1000 bytes, and a 48-byte one that points to a 200-byte one (a direct
 * and an indirect leak).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WORKERS 2

static int gate[2], ready[2];

struct node {
	char *payload;
	char pad[40];
};

static void *worker(void *arg)
{
	/* volatile: the pointer stays in this stack frame. */
	char *volatile held = malloc(3000 + (size_t)(long)arg);
	char c;

	memset(held, 1, 16);
	if (write(ready[1], "r", 1) != 1)
		abort();
	if (read(gate[0], &c, 1) < 0) /* never written: asleep until exit */
		abort();
	free(held);
	return NULL;
}

static void lose(void)
{
	struct node *n = malloc(sizeof(*n));
	char *block = malloc(1000);

	memset(block, 2, 1000);
	n->payload = malloc(200);
	memset(n->payload, 3, 200);
	printf("main: blocks at %s\n", block && n ? "addresses" : "nothing");
}

int main(void)
{
	pthread_t t[WORKERS];
	char c;
	int i;

	if (pipe(gate) < 0 || pipe(ready) < 0)
		return 2;
	for (i = 0; i < WORKERS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(long)i) != 0)
			return 2;
	for (i = 0; i < WORKERS; i++)
		if (read(ready[0], &c, 1) != 1)
			return 2;
	lose();
	/* Overwrite what lose() left on the stack below main's frame. */
	{
		volatile char scrub[4096];

		memset((char *)scrub, 0, sizeof(scrub));
	}
	printf("main: exiting with %d workers asleep\n", WORKERS);
	fflush(stdout);
	return 0;
}
