/*
 * Co-location of tracing clusters (docs/design-notes.md, 24). A guest tracer,
 * its tracees and the supervisor take turns, each waiting for the next; on
 * different CPUs each turn is a cross-CPU wake-up, which on a VM whose idle
 * vCPUs halt costs more than the work. While a task of a virtual trace
 * relation runs in short turns, the loop keeps it, and itself, on one CPU;
 * a task that computes is let go. Guests see the affinity they
 * would have: their sched_getaffinity and sched_setaffinity calls are
 * trapped (syscalls/dispatch.c) and finished here.
 */
#ifndef PTV_LOOP_COLOC_H
#define PTV_LOOP_COLOC_H

#include "loop.h"

void ptv_coloc_init(struct ptv_loop *loop, bool enabled);

/* At each host stop of @t (not its death). */
void ptv_coloc_at_stop(struct ptv_loop *loop, struct ptv_task *t);

/* At each resume of @t (its clones so far have had their events). */
static inline void ptv_coloc_at_resume(const struct ptv_loop *loop,
				       struct ptv_task *t)
{
	if (!loop->coloc.enabled)
		return;
	t->resumed_ns = ptv_now_ns();
	t->pin_dirty = false;
}

/* At each turn of the loop: lets go of pinned tasks that run long. */
void ptv_coloc_check(struct ptv_loop *loop);

/* @t is gone on the host. */
void ptv_coloc_gone(struct ptv_loop *loop, struct ptv_task *t);

/*
 * @child, new and not yet run, inherited @parent's host affinity. Traced
 * (auto-attached) by a pinned parent's tracer, it stays on the one CPU;
 * else it gets @parent's own affinity (the one its guests see).
 */
void ptv_coloc_new_child(struct ptv_loop *loop, struct ptv_task *parent,
			 struct ptv_task *child);

/*
 * At the syscall-exit stop of @caller's sched_getaffinity or
 * sched_setaffinity (->affinity_call), which returned @rval: shows a pinned
 * target's own affinity, or takes the new one as its own.
 */
void ptv_coloc_affinity_exit(struct ptv_loop *loop, struct ptv_task *caller,
			     long rval);

/*
 * Does the supervisor share its CPU with the guests it waits for (it must
 * yield while it polls)? When pinned, or when it may use one CPU only.
 */
static inline bool ptv_coloc_sharing(const struct ptv_loop *loop)
{
	return loop->coloc.self_pinned || loop->coloc.one_cpu;
}

#endif
