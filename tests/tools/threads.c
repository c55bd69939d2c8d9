/*
 * A multi-threaded program for tool tests. Two workers, each blocked in
 * read() on its own pipe until main releases it; main releases and joins
 * them one at a time, so the transcript is deterministic.
 *   (no argument)  for tracers: each worker, once released, runs work()
 *   settle         for debuggers: main calls checkpoint() only once both
 *                  workers are asleep in read(), and a released worker runs
 *                  work() only once main is asleep in pthread_join(); so a
 *                  stop in either function finds every thread at a known
 *                  place (state letters from /proc, never timing)
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define WORKERS 2

static int release_pipe[WORKERS][2];
static pid_t main_tid, worker_tid[WORKERS];
static int settle;
int total;

void checkpoint(void);
int work(int id);

void checkpoint(void)
{
	printf("checkpoint: workers waiting\n");
}

int work(int id)
{
	total += id;
	printf("worker %d: total=%d\n", id, total);
	return total;
}

static char thread_state(pid_t tid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

static void wait_until_asleep(pid_t tid)
{
	while (thread_state(tid) != 'S')
		sched_yield();
}

static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	char c;

	worker_tid[id - 1] = (pid_t)syscall(SYS_gettid);
	if (read(release_pipe[id - 1][0], &c, 1) != 1)
		return NULL;
	if (settle)
		wait_until_asleep(main_tid);
	work(id);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t threads[WORKERS];

	settle = argc > 1 && strcmp(argv[1], "settle") == 0;
	setvbuf(stdout, NULL, _IONBF, 0);
	main_tid = (pid_t)syscall(SYS_gettid);
	for (int i = 0; i < WORKERS; i++) {
		if (pipe(release_pipe[i]) != 0) {
			perror("pipe");
			return 1;
		}
		pthread_create(&threads[i], NULL, worker, (void *)(intptr_t)(i + 1));
		if (settle) {
			while (__atomic_load_n(&worker_tid[i], __ATOMIC_SEQ_CST) == 0)
				sched_yield();
			wait_until_asleep(worker_tid[i]);
		}
	}
	if (settle)
		checkpoint();
	for (int i = 0; i < WORKERS; i++) {
		if (write(release_pipe[i][1], "x", 1) != 1) {
			perror("write");
			return 1;
		}
		pthread_join(threads[i], NULL);
	}
	printf("main: total=%d\n", total);
	return 0;
}
