/*
 * The supervisor loop: the single host-tracer thread. One host event in
 * (ptv_host_wait), a kernel-model transition, platform actions out.
 */
#ifndef PTV_LOOP_LOOP_H
#define PTV_LOOP_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "../kernel/ptrace.h"
#include "../platform/host.h"
#include "../platform/sched.h"
#include "../syscalls/syscalls.h"

/* Blocking waits held back at once, at most (more run at once). */
#define PTV_MAX_DEFERRED 16

/* Host events taken ahead of their turn at once, at most (loop.c). */
#define PTV_MAX_TAKEN 64

/* CLOCK_MONOTONIC in nanoseconds. */
static inline uint64_t ptv_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct ptv_loop_options {
	bool wait_all;		/* wait for every guest, not just the first */
	int yama_scope;		/* enum ptv_yama_scope */
	bool colocate;		/* keep tracing clusters on one CPU (coloc.c) */
};

/*
 * Co-location (loop/coloc.c, docs/design-notes.md, 24): the tasks of a
 * virtual trace relation that take short turns, and the supervisor, share
 * one CPU.
 */
struct ptv_coloc {
	bool enabled;
	bool one_cpu;		/* the supervisor may use one CPU only */
	int cpu;		/* the CPU they share, or -1 (none pinned) */
	int npinned;		/* tasks pinned to it */
	bool self_pinned;	/* the supervisor is pinned to it too */
	ptv_cpumask_t self_mask;	/* the supervisor's own affinity */
	uint64_t checked_ns;	/* the last look for long turns */
};

struct ptv_loop {
	struct ptv_loop_options opts;
	struct ptv_kernel k;
	pid_t first_pid;	/* the first guest (our child) */
	pid_t self;		/* the supervisor's pid */
	bool first_done;	/* its exit has been seen */
	int exit_status;	/* ptvisor's: its exit code, or 128+signal */
	int killed_by;		/* the signal that killed it, or 0 */
	bool killing;		/* first guest gone: killing the rest */
	bool host_has_x32;
	/* Blocking waits decided again after pending host events (loop.c). */
	struct ptv_deferred {
		struct ptv_task *task;
		struct ptv_syscall call;
		bool for_exit;	/* until a reaped thread is gone: the loop
				   need not poll for it */
	} deferred[PTV_MAX_DEFERRED];
	int ndeferred;
	uint64_t deferred_since_ns;	/* when the first of them came */
	uint64_t events;		/* host events handled so far */
	/*
	 * Host events take_pending() collected for the task whose call
	 * asked for them: handled by the loop after that call's, in order.
	 */
	struct ptv_host_event kept[PTV_MAX_TAKEN];
	int nkept;
	bool taking;			/* in take_pending() */
	/* The last host check that a task is still in its stop (host_iface.c). */
	struct {
		pid_t tid;
		uint64_t events;	/* ->events when it was made */
		bool stopped;
	} stop_check;
	struct ptv_coloc coloc;
};

/*
 * @tid leaves its stop, or may re-trap in it (PTRACE_LISTEN): the loop's
 * last check of it (->stop_check) no longer holds.
 */
static inline void ptv_loop_stop_check_forget(struct ptv_loop *loop, pid_t tid)
{
	if (loop->stop_check.tid == tid)
		loop->stop_check.tid = 0;
}

/*
 * Does @sig, delivered to @task, stop it (its action is the default, to
 * stop; for SIGTSTP, SIGTTIN and SIGTTOU, in a process group that is not
 * orphaned, which discards them)?
 */
bool ptv_loop_stops_task(const struct ptv_task *task, int sig);

/*
 * Runs until no guest is left; returns ptvisor's exit status (the first
 * guest's exit code, or 128+N) and sets *killed_by to N if signal N killed
 * it. Preconditions: @first_pid was started by ptv_spawn_first_guest().
 */
int ptv_loop_run(const struct ptv_loop_options *opts, pid_t first_pid,
		 int *killed_by);

/*
 * Resumes @t from its host stop the way its virtual tracer and the
 * supervisor's own needs (a wait vehicle's exit stop) want it.
 * Preconditions: @t is in a host stop; on the loop thread.
 */
int ptv_loop_resume(struct ptv_loop *loop, struct ptv_task *t, int sig);

/* The host iface the kernel model calls (loop/host_iface.c). */
extern const struct ptv_host_iface ptv_loop_host_iface;

/*
 * A guest's ioctl(SECCOMP_IOCTL_NOTIF_SEND) by @listener (loop/notif.c):
 * returns true if it is held until the clones waiting in notifications
 * are interrupted. Preconditions: @listener is at the call's seccomp stop.
 */
bool ptv_loop_notif_send(struct ptv_loop *loop, struct ptv_task *listener);
/* At any stop of @t: its interrupted notification's clone is fixed. */
void ptv_loop_notif_fix(struct ptv_loop *loop, struct ptv_task *t);
/* @t is gone before that stop. */
void ptv_loop_notif_gone(struct ptv_loop *loop, struct ptv_task *t);

/* SIGCHLD siginfo fix-ups (loop/host_iface.c). */
bool ptv_loop_fix_sigchld(struct ptv_loop *loop, struct ptv_task *t);
/*
 * At @t's signal-delivery-stop for @sig: if it is a carrier of a SIGCHLD
 * (design note 38), it is made that SIGCHLD, and the signal to resume @t
 * with is returned (SIGCHLD, which the host queues again; 0 when @t no
 * longer blocks SIGCHLD and it was sent as SIGCHLD instead). -1: not one.
 * Preconditions: @t is in that stop, held by the loop.
 */
int ptv_loop_carrier_stop(struct ptv_loop *loop, struct ptv_task *t, int sig);
/*
 * At the exit of @t's group's first signalfd(2) (->signalfd_first), which
 * returned @rval: if a SIGCHLD the supervisor sent with kill(2) is pending
 * for the group, which @t blocks, @t is resumed (true) single-stepped with
 * SIGCHLD unblocked, so that it takes the SIGCHLD at a signal-delivery-stop
 * (ptv_loop_sigchld_refix_stop()). Preconditions: @t is in that stop and
 * has no virtual tracer.
 */
bool ptv_loop_sigchld_refix_start(struct ptv_loop *loop, struct ptv_task *t,
				  long rval);
/*
 * At @t's signal-delivery-stop for @sig while ->chld_refix: its mask is put
 * back; the SIGCHLD is given Linux's siginfo and the signal to resume @t
 * with returned (SIGCHLD, which the host queues again, blocked), or 0 for
 * the step's SIGTRAP (another thread took the SIGCHLD). -1: another signal,
 * to be handled as any. Preconditions: @t is in that stop, held by the loop.
 */
int ptv_loop_sigchld_refix_stop(struct ptv_loop *loop, struct ptv_task *t,
				int sig);
/*
 * At @t's syscall-exit-stop with @rval: true if only a SIGCHLD's carrier
 * ended the call, which restarts once the carrier is taken; its tracer is
 * shown neither this stop nor the restart's entry. Preconditions: @t is in
 * that stop and has a virtual tracer.
 */
bool ptv_loop_carrier_ended_call(struct ptv_loop *loop, struct ptv_task *t,
				 long rval);
/*
 * A task of group @tgid is gone on the host: once none is left, its
 * SIGCHLD notes go, so that a group that reuses its pid finds none.
 */
void ptv_loop_sigchld_group_gone(struct ptv_loop *loop, pid_t tgid);
/*
 * @sender's kill(2) sent a SIGCHLD to the group of @leader that Linux keeps,
 * and the host dropped it for one pending that Linux had discarded, which
 * stands for it: when dequeued, that one gets the kill's siginfo.
 */
void ptv_loop_sigchld_sent_stands_in(struct ptv_loop *loop,
				     struct ptv_task *sender, ptv_tid_t leader);
/*
 * At @t's signal-delivery-stop for a native SIGCHLD: true if it is one
 * Linux had discarded that was to stand for a kept one whose child's exit
 * the loop has not collected yet, so that the host has not sent that one
 * yet: it will come on its own, and this one is not taken (the caller
 * resumes @t with 0).
 */
bool ptv_loop_sigchld_stands_in_early(struct ptv_loop *loop,
				      struct ptv_task *t);
/*
 * At the exit of @t's rt_sigtimedwait that returned @result: a SIGCHLD the
 * supervisor sent gets its Linux siginfo in the caller's buffer.
 * Preconditions: @t is in the call's host syscall-exit stop.
 */
void ptv_loop_fix_sigwait(struct ptv_loop *loop, struct ptv_task *t,
			  long result);

#endif
