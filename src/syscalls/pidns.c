/*
 * Pids across pid namespaces (docs/design-notes.md, 28). The model keys
 * tasks by host tid; a guest in a pid namespace below the supervisor's
 * (unshare -p, clone(CLONE_NEWPID)) names tasks and is told of them by its
 * own pids. Each task's pids, one per level below the supervisor's, and
 * the namespaces they are in come from /proc once and stay with it: a
 * task's pid namespace never changes. A guest in the supervisor's own
 * namespace costs nothing more than the first read.
 *
 * Linux's rules (kernel/pid.c): a task is seen from namespace N if it is in
 * N or below it, by its pid in N (pid_nr_ns()); else by 0.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "../common/log.h"
#include "../platform/procfs.h"
#include "syscalls.h"

/* Reads what the supervisor knows of @t's pid namespace, once. */
static void load(struct ptv_task *t)
{
	struct ptv_pidns_view v;
	int depth;

	if (t->pidns != PTV_PIDNS_UNKNOWN)
		return;
	depth = ptv_proc_pidns_view(t->tid, v.nr, v.ns, PTV_PIDNS_DEPTH);
	if (depth == 0) {
		t->pidns = PTV_PIDNS_OWN;
		return;
	}
	if (depth > 0) {
		v.depth = depth;
		t->pidns_view = malloc(sizeof(v));
		if (t->pidns_view != NULL) {
			*t->pidns_view = v;
			t->pidns = PTV_PIDNS_BELOW;
			return;
		}
	}
	/* Gone already (ESRCH), too deep (E2BIG), or out of memory. */
	if (depth != -ESRCH)
		ptv_log("[%d] its pid namespace cannot be read (%d): its pids "
			"are not mapped", t->tid, depth);
	t->pidns = PTV_PIDNS_UNREADABLE;
}

void ptv_pidns_load(struct ptv_task *t)
{
	load(t);
}

bool ptv_pidns_nested(struct ptv_task *t)
{
	load(t);
	return t->pidns == PTV_PIDNS_BELOW || t->pidns == PTV_PIDNS_UNREADABLE;
}

bool ptv_pidns_unmapped(struct ptv_task *t)
{
	load(t);
	return t->pidns == PTV_PIDNS_UNREADABLE;
}

/* The pid of view @v as seen from the namespace of @viewer, or 0. */
static pid_t seen_in(const struct ptv_pidns_view *v,
		     const struct ptv_pidns_view *viewer)
{
	if (v->depth < viewer->depth ||
	    v->ns[viewer->depth] != viewer->ns[viewer->depth])
		return 0;
	return v->nr[viewer->depth];
}

/* @t's pid as seen from the namespace of @viewer (below the supervisor's). */
static pid_t seen_at(struct ptv_task *t, const struct ptv_pidns_view *viewer)
{
	load(t);
	return t->pidns == PTV_PIDNS_BELOW ? seen_in(t->pidns_view, viewer) : 0;
}

pid_t ptv_pidns_supervisor_seen_by(struct ptv_task *t, pid_t self)
{
	return ptv_pidns_nested(t) ? 0 : self;
}

pid_t ptv_pidns_to_guest(struct ptv_kernel *k, struct ptv_task *viewer,
			 pid_t tid)
{
	struct ptv_task *t;

	if (tid <= 0 || viewer == NULL || !ptv_pidns_nested(viewer))
		return tid;
	if (viewer->pidns != PTV_PIDNS_BELOW)
		return 0;
	t = ptv_task_find(&k->tasks, tid);
	if (t != NULL)
		return seen_at(t, viewer->pidns_view);
	/* One the model forgot, which a native wait reported. */
	for (size_t i = 0; i < PTV_GONE_VIEWS; i++)
		if (k->tasks.gone[i].tid == tid)
			return seen_in(k->tasks.gone[i].view, viewer->pidns_view);
	return 0;
}

pid_t ptv_pidns_to_host(struct ptv_kernel *k, struct ptv_task *viewer,
			pid_t nr)
{
	const struct ptv_pidns_view *vv;
	struct ptv_task *t;
	size_t cursor = 0;

	if (nr <= 0 || !ptv_pidns_nested(viewer))
		return nr;
	if (viewer->pidns != PTV_PIDNS_BELOW)
		return 0;
	vv = viewer->pidns_view;
	/* Itself first: a task often names itself. */
	if (vv->nr[vv->depth] == nr)
		return viewer->tid;
	while ((t = ptv_tasks_next(&k->tasks, &cursor)) != NULL)
		if (seen_at(t, vv) == nr)
			return t->tid;
	for (size_t i = 0; i < PTV_GONE_VIEWS; i++)
		if (k->tasks.gone[i].tid != 0 &&
		    seen_in(k->tasks.gone[i].view, vv) == nr)
			return k->tasks.gone[i].tid;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* User namespaces: the uids the supervisor writes into siginfo           */

/* A guest may have a user namespace of its own: see ptv_userns_note(). */
static bool userns_seen;

void ptv_userns_note(void)
{
	if (!userns_seen)
		ptv_log("a guest may be in a user namespace of its own: uids "
			"in siginfo are mapped from now on");
	userns_seen = true;
}

int ptv_real_uid_seen_by(pid_t viewer, pid_t tid, uid_t *uid)
{
	struct ptv_proc_creds c;
	int r = ptv_proc_creds(tid, &c);

	if (r < 0)
		return r;
	*uid = ptv_uid_seen_by(viewer, c.uid[0]);
	return 0;
}

uid_t ptv_uid_seen_by(pid_t viewer, uid_t uid)
{
	static uint64_t own;
	uint64_t ino;
	uid_t seen;

	if (!userns_seen)
		return uid;
	if (own == 0 && ptv_proc_userns_ino(getpid(), &own) < 0)
		return uid;
	if (ptv_proc_userns_ino(viewer, &ino) < 0 || ino == own ||
	    ptv_proc_uid_seen_by(viewer, uid, &seen) < 0)
		return uid;
	return seen;
}
