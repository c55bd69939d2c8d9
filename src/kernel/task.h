/*
 * The task model: one struct per guest thread the supervisor traces, kept in
 * a table keyed by host tid. Pure data; it never calls the host. The loop
 * creates, renames and removes entries as host lifecycle events arrive
 * (clone/fork/vfork, exec, exit).
 */
#ifndef PTV_KERNEL_TASK_H
#define PTV_KERNEL_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t ptv_tid_t;

/* Where the host holds a task right now, as far as the loop knows. */
enum ptv_host_state {
	PTV_HOST_RUNNING = 0,	/* resumed; no stop seen since */
	PTV_HOST_STOPPED,	/* in a host ptrace-stop, waiting for the loop */
	PTV_HOST_LISTENING,	/* group-stopped, resumed with PTRACE_LISTEN */
	PTV_HOST_EXITING,	/* its exit (or exit event) was seen */
};

struct ptv_task {
	ptv_tid_t tid;		/* host tid (== guest tid: no pid namespace yet) */
	ptv_tid_t tgid;		/* thread group id; == tid for a group leader */
	ptv_tid_t parent_tgid;	/* real parent's tgid at creation (0: unknown) */
	enum ptv_host_state host_state;
	bool first_guest;	/* the program ptvisor was asked to run */
	bool attached;		/* its first host stop (or the seize) was seen */
	uint64_t clone_flags;	/* flags of the clone that made it (0: first) */
	bool untraced_clone_pending; /* its clone in flight had CLONE_UNTRACED,
					which the supervisor cleared */
};

/*
 * Open-addressing table of tasks keyed by tid. Entries are stable pointers
 * (tasks are allocated one by one), so a struct ptv_task * stays valid until
 * ptv_task_remove().
 */
struct ptv_tasks {
	struct ptv_task **slots; /* NULL: never used; PTV_TOMBSTONE: removed */
	size_t nslots;		 /* a power of two */
	size_t count;		 /* live entries */
	size_t used;		 /* live + tombstones */
};

void ptv_tasks_init(struct ptv_tasks *tasks);
void ptv_tasks_destroy(struct ptv_tasks *tasks);

/* Returns the task with host tid @tid, or NULL. */
struct ptv_task *ptv_task_find(const struct ptv_tasks *tasks, ptv_tid_t tid);

/*
 * Adds a task. Preconditions: no task with @tid exists.
 * Returns NULL only when memory is exhausted.
 */
struct ptv_task *ptv_task_add(struct ptv_tasks *tasks, ptv_tid_t tid,
			      ptv_tid_t tgid);

/* Removes and frees @task. */
void ptv_task_remove(struct ptv_tasks *tasks, struct ptv_task *task);

/*
 * An exec by a non-leader thread: "the execing tracee changes its TID to the
 * TID of the thread group leader" (ptrace(2), execve(2) under ptrace). The
 * task @task (old tid) takes @new_tid; a stale entry for @new_tid (the old
 * leader, which is gone) is removed first.
 */
void ptv_task_rename(struct ptv_tasks *tasks, struct ptv_task *task,
		     ptv_tid_t new_tid);

/* Calls @fn on every task; @fn may not add or remove tasks. */
void ptv_tasks_for_each(const struct ptv_tasks *tasks,
			void (*fn)(struct ptv_task *task, void *arg), void *arg);

/*
 * The one mapping of pids that cross the guest boundary (wait results, event
 * messages, siginfo). Identity today: guests share the supervisor's pid
 * namespace (DESIGN.md, PIDs).
 */
static inline ptv_tid_t ptv_guest_pid(ptv_tid_t host_pid)
{
	return host_pid;
}

#endif
