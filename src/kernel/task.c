#include "task.h"

#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "check.h"

#define PTV_TOMBSTONE ((struct ptv_task *)(uintptr_t)1)
#define PTV_TASKS_MIN_SLOTS 64

void ptv_tasks_init(struct ptv_tasks *tasks)
{
	memset(tasks, 0, sizeof(*tasks));
}

static bool slot_live(const struct ptv_task *slot)
{
	return slot != NULL && slot != PTV_TOMBSTONE;
}

void ptv_tasks_destroy(struct ptv_tasks *tasks)
{
	for (size_t i = 0; i < tasks->nslots; i++)
		if (slot_live(tasks->slots[i])) {
			free(tasks->slots[i]->pidns_view);
			free(tasks->slots[i]);
		}
	for (size_t i = 0; i < PTV_GONE_VIEWS; i++)
		free(tasks->gone[i].view);
	free(tasks->slots);
	memset(tasks, 0, sizeof(*tasks));
}

static size_t hash_tid(ptv_tid_t tid, size_t nslots)
{
	/* Fibonacci hashing: tids are often consecutive. */
	return (size_t)(((uint32_t)tid * 2654435769u) >> 7) & (nslots - 1);
}

/* Index of the slot holding @tid, or of the first free slot on its path. */
static size_t probe(const struct ptv_tasks *tasks, ptv_tid_t tid, bool *found)
{
	size_t mask = tasks->nslots - 1;
	size_t i = hash_tid(tid, tasks->nslots);
	size_t first_free = SIZE_MAX;

	for (;;) {
		struct ptv_task *slot = tasks->slots[i];

		if (slot == NULL) {
			*found = false;
			return first_free != SIZE_MAX ? first_free : i;
		}
		if (slot == PTV_TOMBSTONE) {
			if (first_free == SIZE_MAX)
				first_free = i;
		} else if (slot->tid == tid) {
			*found = true;
			return i;
		}
		i = (i + 1) & mask;
	}
}

struct ptv_task *ptv_task_find(const struct ptv_tasks *tasks, ptv_tid_t tid)
{
	bool found;
	size_t i;

	if (tasks->count == 0)
		return NULL;
	i = probe(tasks, tid, &found);
	return found ? tasks->slots[i] : NULL;
}

static bool grow(struct ptv_tasks *tasks)
{
	size_t nslots = tasks->nslots ? tasks->nslots : PTV_TASKS_MIN_SLOTS;
	struct ptv_tasks bigger = { 0 };

	/* Keep the load (live + tombstones) under a half. */
	while ((tasks->count + 1) * 2 > nslots)
		nslots *= 2;
	bigger.slots = calloc(nslots, sizeof(*bigger.slots));
	if (bigger.slots == NULL)
		return false;
	bigger.nslots = nslots;
	for (size_t i = 0; i < tasks->nslots; i++) {
		struct ptv_task *task = tasks->slots[i];
		bool found;

		if (!slot_live(task))
			continue;
		bigger.slots[probe(&bigger, task->tid, &found)] = task;
		bigger.count++;
		bigger.used++;
	}
	free(tasks->slots);
	tasks->slots = bigger.slots;
	tasks->nslots = bigger.nslots;
	tasks->count = bigger.count;
	tasks->used = bigger.used;
	return true;
}

static bool insert(struct ptv_tasks *tasks, struct ptv_task *task)
{
	bool found;
	size_t i;

	if ((tasks->used + 1) * 2 > tasks->nslots && !grow(tasks))
		return false;
	i = probe(tasks, task->tid, &found);
	PTV_CHECK(!found, "tid %d is already in the task table", task->tid);
	if (tasks->slots[i] == NULL)
		tasks->used++;
	tasks->slots[i] = task;
	tasks->count++;
	return true;
}

static void unlink_task(struct ptv_tasks *tasks, struct ptv_task *task)
{
	bool found;
	size_t i = probe(tasks, task->tid, &found);

	PTV_CHECK(found && tasks->slots[i] == task,
		  "tid %d is not in the task table", task->tid);
	tasks->slots[i] = PTV_TOMBSTONE;
	tasks->count--;
}

/* A gone task's view stays until its tid is another task's. */
static void forget_gone_view(struct ptv_tasks *tasks, ptv_tid_t tid)
{
	for (size_t i = 0; i < PTV_GONE_VIEWS; i++) {
		if (tasks->gone[i].tid != tid)
			continue;
		free(tasks->gone[i].view);
		tasks->gone[i].view = NULL;
		tasks->gone[i].tid = 0;
	}
}

struct ptv_task *ptv_task_add(struct ptv_tasks *tasks, ptv_tid_t tid,
			      ptv_tid_t tgid)
{
	struct ptv_task *task = calloc(1, sizeof(*task));

	if (task == NULL)
		return NULL;
	forget_gone_view(tasks, tid);
	task->tid = tid;
	task->tgid = tgid;
	task->skipped_nr = -1;
	task->rewritten_nr = -1;
	/* Forked until its clone event says otherwise (the first guest is). */
	task->clone_flags = PTV_SIGCHLD;
	task->seq = tasks->next_seq++;
	task->child_seq = task->seq;
	if (!insert(tasks, task)) {
		free(task);
		return NULL;
	}
	return task;
}

void ptv_task_remove(struct ptv_tasks *tasks, struct ptv_task *task)
{
	unlink_task(tasks, task);
	if (task->pidns_view != NULL) {
		struct ptv_gone_view *g = &tasks->gone[tasks->gone_next++ %
						       PTV_GONE_VIEWS];

		free(g->view);
		g->tid = task->tid;
		g->view = task->pidns_view;
	}
	free(task);
}

void ptv_task_rename(struct ptv_tasks *tasks, struct ptv_task *task,
		     ptv_tid_t new_tid)
{
	struct ptv_task *stale;
	bool ok;

	if (task->tid == new_tid)
		return;
	/* Its pids are the leader's now: read anew when asked, if not known. */
	free(task->pidns_view);
	task->pidns_view = NULL;
	task->pidns = PTV_PIDNS_UNKNOWN;
	stale = ptv_task_find(tasks, new_tid);
	if (stale != NULL) {
		task->pidns = stale->pidns;
		task->pidns_view = stale->pidns_view;
		stale->pidns_view = NULL;
		ptv_task_remove(tasks, stale);
	}
	unlink_task(tasks, task);
	task->tid = new_tid;
	task->tgid = new_tid;
	ok = insert(tasks, task);
	PTV_CHECK(ok, "out of memory re-inserting tid %d", new_tid);
}

struct ptv_task *ptv_tasks_next(const struct ptv_tasks *tasks, size_t *cursor)
{
	while (*cursor < tasks->nslots) {
		struct ptv_task *slot = tasks->slots[(*cursor)++];

		if (slot_live(slot))
			return slot;
	}
	return NULL;
}

void ptv_tasks_for_each(const struct ptv_tasks *tasks,
			void (*fn)(struct ptv_task *task, void *arg), void *arg)
{
	for (size_t i = 0; i < tasks->nslots; i++)
		if (slot_live(tasks->slots[i]))
			fn(tasks->slots[i], arg);
}

struct ptv_task *ptv_pidns_init_of(const struct ptv_tasks *tasks,
				   const struct ptv_task *t)
{
	const struct ptv_pidns_view *v = t->pidns_view;
	struct ptv_task *p;

	if (t->pidns != PTV_PIDNS_BELOW || v == NULL)
		return NULL;
	for (size_t cursor = 0; (p = ptv_tasks_next(tasks, &cursor));) {
		const struct ptv_pidns_view *pv = p->pidns_view;

		if (p->pidns == PTV_PIDNS_BELOW && !p->host_gone &&
		    pv->depth == v->depth && pv->nr[v->depth] == 1 &&
		    pv->ns[v->depth] == v->ns[v->depth])
			return p;
	}
	return NULL;
}
