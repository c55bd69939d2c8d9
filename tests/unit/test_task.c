/* Unit tests of the task table (src/kernel/task.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_find_remove),
		cmocka_unit_test(grow_and_churn),
		cmocka_unit_test(rename_on_exec),
		cmocka_unit_test(for_each_visits_all),
	};

	return cmocka_run_group_tests_name("task table", tests, NULL, NULL);
}
