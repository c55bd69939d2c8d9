#include "coloc.h"

#include <assert.h>
#include <errno.h>
#include <string.h>

#include "../common/log.h"
#include "../common/names.h"
#include "../platform/mem.h"
#include "../platform/procfs.h"
#include "../platform/sched.h"

/*
 * A turn (from a resume to the next host stop) this short counts towards
 * pinning; PIN_AFTER of them in a row pin the task. A tracee stepped from
 * syscall to syscall takes a few microseconds, its tracer not much more.
 */
#define SHORT_TURN_NS 1000000u
#define PIN_AFTER 4

/*
 * A pinned task that has run this long since its resume and is on a CPU or
 * runnable (state R) when the loop looks is let go: it computes, and on one
 * CPU it would hold up the others. The loop looks every CHECK_NS at least
 * (the tick wakes it for that). One asleep (a wait for a child, a read)
 * stays: it holds up nobody, and it will take short turns again.
 */
#define LONG_TURN_NS 2000000u
#define CHECK_NS 5000000u
#define TICK_MS 10u

static_assert(sizeof(((struct ptv_task *)0)->vmask) == sizeof(ptv_cpumask_t),
	      "a task's vmask is a ptv_cpumask_t");

static int count_cpus(const ptv_cpumask_t m)
{
	int n = 0;

	for (int i = 0; i < PTV_CPU_WORDS; i++)
		n += __builtin_popcountll(m[i]);
	return n;
}

static void one_cpu(ptv_cpumask_t m, int cpu)
{
	memset(m, 0, sizeof(ptv_cpumask_t));
	m[cpu / 64] = 1ULL << (cpu % 64);
}

/* Sets @tid's host affinity; a failure is logged (but for a task gone). */
static int set_affinity(pid_t tid, const ptv_cpumask_t mask)
{
	int r = ptv_sched_setaffinity(tid, mask);

	if (r < 0 && r != -ESRCH)
		ptv_log("[%d] co-location: sched_setaffinity: %s", tid,
			ptv_errno_name(-r));
	return r;
}

void ptv_coloc_init(struct ptv_loop *loop, bool enabled)
{
	struct ptv_coloc *c = &loop->coloc;

	c->cpu = -1;
	if (ptv_sched_getaffinity(0, c->self_mask) < 0)
		return;
	/* On one CPU there is nothing to pin, but the loop must yield. */
	c->one_cpu = count_cpus(c->self_mask) == 1;
	c->enabled = enabled && !c->one_cpu;
}

/* Ends co-location: the last pinned task is gone or let go. */
static void release(struct ptv_loop *loop)
{
	struct ptv_coloc *c = &loop->coloc;

	if (c->self_pinned)
		ptv_sched_setaffinity(0, c->self_mask);
	c->self_pinned = false;
	c->npinned = 0;
	c->cpu = -1;
	ptv_tick_stop();
	ptv_log("co-location ends");
}

/*
 * The CPU to share: the supervisor's, if the task may run there; else the
 * first both may use.
 */
static bool choose_cpu(struct ptv_coloc *c, const ptv_cpumask_t own)
{
	int cpu = ptv_sched_current_cpu();

	if (!ptv_cpu_isset(own, cpu) || !ptv_cpu_isset(c->self_mask, cpu))
		for (cpu = 0; cpu < 64 * PTV_CPU_WORDS; cpu++)
			if (ptv_cpu_isset(own, cpu) &&
			    ptv_cpu_isset(c->self_mask, cpu))
				break;
	if (cpu >= 64 * PTV_CPU_WORDS)
		return false;
	c->cpu = cpu;
	return true;
}

static bool pin(struct ptv_loop *loop, struct ptv_task *t)
{
	struct ptv_coloc *c = &loop->coloc;
	ptv_cpumask_t own, one;
	int r;

	if (ptv_sched_getaffinity(t->tid, own) < 0)
		return false;
	if (c->cpu < 0 && !choose_cpu(c, own))
		return false;
	/* A guest that keeps itself off that CPU stays off it. */
	if (!ptv_cpu_isset(own, c->cpu))
		return false;
	one_cpu(one, c->cpu);
	if (set_affinity(t->tid, one) < 0) {
		if (c->npinned == 0)
			c->cpu = -1;
		return false;
	}
	memcpy(t->vmask, own, sizeof(own));
	t->pinned = true;
	c->npinned++;
	if (!c->self_pinned && ptv_sched_setaffinity(0, one) == 0)
		c->self_pinned = true;
	r = ptv_tick_start(TICK_MS);
	if (r < 0)
		ptv_log("co-location: no tick: %s", ptv_errno_name(-r));
	ptv_log("[%d] co-located on CPU %d (%d there)", t->tid, c->cpu,
		c->npinned);
	return true;
}

static void drop(struct ptv_loop *loop, struct ptv_task *t)
{
	t->pinned = false;
	t->short_runs = 0;
	if (--loop->coloc.npinned <= 0)
		release(loop);
}

/* Gives @t its own affinity back. @running: it is not in a host stop. */
static void unpin(struct ptv_loop *loop, struct ptv_task *t, bool running,
		  const char *why)
{
	set_affinity(t->tid, t->vmask);
	t->pin_dirty = running;
	ptv_log("[%d] co-location: let go (%s)", t->tid, why);
	drop(loop, t);
}

/* Is @t in a virtual trace relation? */
static bool involved(const struct ptv_task *t)
{
	return t->tracer != NULL || t->ntracees > 0;
}

void ptv_coloc_at_stop(struct ptv_loop *loop, struct ptv_task *t)
{
	uint64_t turn;

	if (!loop->coloc.enabled || (!t->pinned && !involved(t)) ||
	    t->affinity_busy > 0)
		return;
	if (t->pinned) {
		if (!involved(t))
			unpin(loop, t, false, "no longer tracing or traced");
		return;
	}
	turn = t->resumed_ns ? ptv_now_ns() - t->resumed_ns : UINT64_MAX;
	if (loop->killing || turn > SHORT_TURN_NS) {
		t->short_runs = 0;
		return;
	}
	if (++t->short_runs >= PIN_AFTER && !pin(loop, t))
		t->short_runs = 0;
}

void ptv_coloc_check(struct ptv_loop *loop)
{
	struct ptv_coloc *c = &loop->coloc;
	uint64_t now;
	struct ptv_task *t;
	int n = 0;

	if (c->cpu < 0)
		return;
	now = ptv_now_ns();
	if (now - c->checked_ns < CHECK_NS)
		return;
	c->checked_ns = now;
	for (size_t cursor = 0; (t = ptv_tasks_next(&loop->k.tasks, &cursor));) {
		if (!t->pinned)
			continue;
		if (t->host_state != PTV_HOST_RUNNING || t->affinity_busy > 0 ||
		    now - t->resumed_ns <= LONG_TURN_NS)
			n++;
		else if (!involved(t))
			unpin(loop, t, true, "no longer tracing or traced");
		else if (ptv_proc_state(t->tid) == 'R')
			unpin(loop, t, true, "computes");
		else
			n++;
	}
	/* Counted again: a task can go without ptv_coloc_gone() (an exec by
	   another thread of its group replaces it). */
	if (c->cpu >= 0) {
		c->npinned = n;
		if (n == 0)
			release(loop);
	}
}

/*
 * @caller's affinity call is over (at its exit, or its death): its target
 * may be pinned and let go again. Returns the target, or NULL if gone.
 */
static struct ptv_task *end_affinity_call(struct ptv_loop *loop,
					  struct ptv_task *caller)
{
	struct ptv_task *target = ptv_task_find(&loop->k.tasks,
						caller->affinity_target);

	caller->affinity_call = PTV_AFFINITY_NONE;
	if (target != NULL && target->affinity_busy > 0)
		target->affinity_busy--;
	return target;
}

void ptv_coloc_gone(struct ptv_loop *loop, struct ptv_task *t)
{
	if (t->affinity_call != PTV_AFFINITY_NONE)
		end_affinity_call(loop, t);
	if (t->pinned)
		drop(loop, t);
}

void ptv_coloc_new_child(struct ptv_loop *loop, struct ptv_task *parent,
			 struct ptv_task *child)
{
	ptv_cpumask_t own;

	/*
	 * Pinned at its clone event, the parent was pinned all through the
	 * clone (only a stop pins): the child is on the one CPU already.
	 */
	if (parent->pinned && child->tracer != NULL && !loop->killing) {
		memcpy(child->vmask, parent->vmask, sizeof(child->vmask));
		child->pinned = true;
		loop->coloc.npinned++;
		ptv_log("[%d] co-located on CPU %d, as its parent (%d there)",
			child->tid, loop->coloc.cpu, loop->coloc.npinned);
		return;
	}
	if (parent->pinned)
		memcpy(own, parent->vmask, sizeof(own));
	else if (!parent->pin_dirty || ptv_sched_getaffinity(parent->tid, own) < 0)
		return;
	set_affinity(child->tid, own);
}

void ptv_coloc_affinity_exit(struct ptv_loop *loop, struct ptv_task *caller,
			     long rval)
{
	enum ptv_affinity_call kind = (enum ptv_affinity_call)caller->affinity_call;
	struct ptv_task *target = end_affinity_call(loop, caller);
	ptv_cpumask_t own, one;

	if (target == NULL || rval < 0 || !target->pinned)
		return;
	if (kind == PTV_AFFINITY_GET) {
		/* It returned the bytes it copied. */
		size_t n = (size_t)rval < sizeof(target->vmask) ? (size_t)rval
							       : sizeof(target->vmask);

		ptv_mem_write(caller->tid, caller->affinity_buf, target->vmask, n);
		return;
	}
	/* sched_setaffinity: what the kernel made of it is the task's own. */
	if (ptv_sched_getaffinity(target->tid, own) < 0)
		return;
	memcpy(target->vmask, own, sizeof(own));
	if (ptv_cpu_isset(own, loop->coloc.cpu)) {
		one_cpu(one, loop->coloc.cpu);
		set_affinity(target->tid, one);
	} else {
		ptv_log("[%d] co-location: let go (its new affinity)", target->tid);
		drop(loop, target);
	}
}
