/* Unit tests of the task table (src/kernel/task.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "kernel/task.h"

static void add_find_remove(void **state)
{
	struct ptv_tasks tasks;
	struct ptv_task *a, *b;

	(void)state;
	ptv_tasks_init(&tasks);
	assert_null(ptv_task_find(&tasks, 100));
	a = ptv_task_add(&tasks, 100, 100);
	b = ptv_task_add(&tasks, 101, 100);
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_equal(ptv_task_find(&tasks, 100), a);
	assert_ptr_equal(ptv_task_find(&tasks, 101), b);
	assert_int_equal(b->tgid, 100);
	assert_int_equal(tasks.count, 2);
	ptv_task_remove(&tasks, a);
	assert_null(ptv_task_find(&tasks, 100));
	assert_ptr_equal(ptv_task_find(&tasks, 101), b);
	assert_int_equal(tasks.count, 1);
	ptv_tasks_destroy(&tasks);
}

/* Many tasks, interleaved removals: the table grows and tombstones are reused. */
static void grow_and_churn(void **state)
{
	struct ptv_tasks tasks;
	const int n = 5000;

	(void)state;
	ptv_tasks_init(&tasks);
	for (int tid = 1; tid <= n; tid++)
		assert_non_null(ptv_task_add(&tasks, tid, tid));
	for (int tid = 1; tid <= n; tid += 2)
		ptv_task_remove(&tasks, ptv_task_find(&tasks, tid));
	assert_int_equal(tasks.count, n / 2);
	for (int tid = 1; tid <= n; tid++) {
		struct ptv_task *task = ptv_task_find(&tasks, tid);

		if (tid % 2)
			assert_null(task);
		else
			assert_int_equal(task->tid, tid);
	}
	/* Churn: tombstones are purged by rehashing, the table does not grow. */
	size_t nslots = tasks.nslots;

	for (int round = 0; round < 20000; round++) {
		int tid = n + 1 + round;

		assert_non_null(ptv_task_add(&tasks, tid, tid));
		ptv_task_remove(&tasks, ptv_task_find(&tasks, tid));
	}
	assert_int_equal(tasks.count, n / 2);
	assert_int_equal(tasks.nslots, nslots);
	ptv_tasks_destroy(&tasks);
}

/* exec by a non-leader: the execing thread takes the leader's tid. */
static void rename_on_exec(void **state)
{
	struct ptv_tasks tasks;
	struct ptv_task *leader, *thread;

	(void)state;
	ptv_tasks_init(&tasks);
	leader = ptv_task_add(&tasks, 200, 200);
	thread = ptv_task_add(&tasks, 201, 200);
	assert_non_null(leader);
	thread->clone_flags = 0x10000;
	ptv_task_rename(&tasks, thread, 200);
	assert_ptr_equal(ptv_task_find(&tasks, 200), thread);
	assert_null(ptv_task_find(&tasks, 201));
	assert_int_equal(thread->tid, 200);
	assert_int_equal(thread->tgid, 200);
	assert_int_equal(tasks.count, 1);
	ptv_tasks_destroy(&tasks);
}

static int count_fn_total;
static void count_fn(struct ptv_task *task, void *arg)
{
	count_fn_total += task->tid;
	(void)arg;
}

static void for_each_visits_all(void **state)
{
	struct ptv_tasks tasks;

	(void)state;
	ptv_tasks_init(&tasks);
	for (int tid = 1; tid <= 10; tid++)
		ptv_task_add(&tasks, tid, tid);
	count_fn_total = 0;
	ptv_tasks_for_each(&tasks, count_fn, NULL);
	assert_int_equal(count_fn_total, 55);
	ptv_tasks_destroy(&tasks);
}

/* A task in a namespace @depth levels below, with pids @nr and @ns. */
static struct ptv_task *add_below(struct ptv_tasks *tasks, ptv_tid_t tid,
				  int depth, const int32_t *nr,
				  const uint64_t *ns)
{
	struct ptv_task *t = ptv_task_add(tasks, tid, tid);
	struct ptv_pidns_view *v = calloc(1, sizeof(*v));

	assert_non_null(t);
	assert_non_null(v);
	v->depth = depth;
	for (int i = 0; i <= depth; i++) {
		v->nr[i] = nr[i];
		v->ns[i] = ns[i];
	}
	t->pidns = PTV_PIDNS_BELOW;
	t->pidns_view = v;
	return t;
}

/*
 * The init of a task's namespace below the supervisor's (the reaper of its
 * orphans, find_new_reaper()): an init is its own; none once it is gone, and
 * none in the supervisor's namespace.
 */
static void pidns_init_of(void **state)
{
	struct ptv_tasks tasks;
	struct ptv_task *init1, *init2, *orphan, *inner;
	const uint64_t ns[] = { 0, 7001, 7002 };

	(void)state;
	ptv_tasks_init(&tasks);
	init1 = add_below(&tasks, 200, 1, (const int32_t[]){ 200, 1 }, ns);
	orphan = add_below(&tasks, 201, 1, (const int32_t[]){ 201, 5 }, ns);
	init2 = add_below(&tasks, 202, 2, (const int32_t[]){ 202, 6, 1 }, ns);
	inner = add_below(&tasks, 203, 2, (const int32_t[]){ 203, 7, 2 }, ns);
	assert_ptr_equal(ptv_pidns_init_of(&tasks, orphan), init1);
	assert_ptr_equal(ptv_pidns_init_of(&tasks, inner), init2);
	assert_ptr_equal(ptv_pidns_init_of(&tasks, init2), init2);
	assert_ptr_equal(ptv_pidns_init_of(&tasks, init1), init1);
	assert_null(ptv_pidns_init_of(&tasks, ptv_task_add(&tasks, 100, 100)));
	init2->host_gone = true;
	assert_null(ptv_pidns_init_of(&tasks, inner));
	ptv_tasks_destroy(&tasks);
}

/*
 * A removed task's pid view stays in the ring until its tid is another
 * task's; the table may grow meanwhile (its ring is kept).
 */
static void gone_views(void **state)
{
	struct ptv_tasks tasks;
	const uint64_t ns[] = { 0, 7001 };
	bool found = false;

	(void)state;
	ptv_tasks_init(&tasks);
	ptv_task_remove(&tasks, add_below(&tasks, 300, 1,
					  (const int32_t[]){ 300, 4 }, ns));
	for (int tid = 1000; tid < 1100; tid++)
		ptv_task_add(&tasks, tid, tid);
	for (size_t i = 0; i < PTV_GONE_VIEWS; i++)
		if (tasks.gone[i].tid == 300) {
			found = true;
			assert_int_equal(tasks.gone[i].view->nr[1], 4);
		}
	assert_true(found);
	ptv_task_add(&tasks, 300, 300);
	for (size_t i = 0; i < PTV_GONE_VIEWS; i++)
		assert_int_not_equal(tasks.gone[i].tid, 300);
	ptv_tasks_destroy(&tasks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_find_remove),
		cmocka_unit_test(grow_and_churn),
		cmocka_unit_test(rename_on_exec),
		cmocka_unit_test(for_each_visits_all),
		cmocka_unit_test(pidns_init_of),
		cmocka_unit_test(gone_views),
	};

	return cmocka_run_group_tests_name("task table", tests, NULL, NULL);
}
