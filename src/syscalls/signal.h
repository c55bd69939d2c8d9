/* Signals whose sending the model must see (syscalls/signal.c). */
#ifndef PTV_SYSCALLS_SIGNAL_H
#define PTV_SYSCALLS_SIGNAL_H

#include <signal.h>
#include <sys/types.h>

#include "syscalls.h"

enum ptv_send_call {
	PTV_SEND_KILL = 1,	/* kill(pid, sig) */
	PTV_SEND_TKILL,		/* tkill(tid, sig) */
	PTV_SEND_TGKILL,	/* tgkill(tgid, tid, sig), rt_tgsigqueueinfo */
	PTV_SEND_SIGQUEUE,	/* rt_sigqueueinfo(tgid, sig, info) */
	PTV_SEND_PIDFD,		/* pidfd_send_signal(fd, sig, info, flags) */
};

/*
 * At the trap of a call that sends @sig (@pid, and @tid for tgkill, its
 * first arguments): it runs to its exit stop, where
 * ptv_signal_sent_at_exit() takes over. Preconditions: @task is in a host
 * seccomp stop, on the loop thread; its pids are the supervisor's.
 */
void ptv_sys_signal_send(struct ptv_syscall_env *env, struct ptv_task *task,
			 const struct ptv_syscall *syscall,
			 enum ptv_send_call call, int32_t pid, int32_t tid,
			 int sig, struct ptv_syscall_outcome *out);

/*
 * At the trap of a call that sends @sig, first: if it names a thread whose
 * tid Linux still has and the host no longer has (a traced thread that
 * exited, which its tracer has not reaped, after a SIGKILL ended its hold
 * at its exit stop), Linux's kill_pid_info() sends to its group, and
 * do_send_specific() queues to the zombie, both returning 0 (the
 * permission check is not made). A kill(2) or rt_sigqueueinfo(2) to it
 * then names its group's leader, if the host still has it, and goes on as
 * any send (false; its argument is put back at its exit, which
 * ptv_signal_sent_at_exit() handles); else the call returns 0 unrun
 * (true: @out is set). Preconditions: as ptv_sys_signal_send().
 */
bool ptv_sys_signal_to_vanished(struct ptv_syscall_env *env,
				struct ptv_task *task,
				const struct ptv_syscall *syscall,
				enum ptv_send_call call, int32_t pid,
				int32_t tid, int sig,
				struct ptv_syscall_outcome *out);

/*
 * At the trap of a tkill(2), tgkill(2) or rt_tgsigqueueinfo(2) of SIGKILL
 * (PTV_SENT_KILL_TO_THREAD_MASK). Linux does nothing but queue it for a
 * thread past its exit (kernel/signal.c:complete_signal(): wants_signal()
 * is false for PF_EXITING, and a signal to one thread goes to no other);
 * a traced thread the host holds at its PTRACE_EVENT_EXIT has no
 * PF_EXITING yet (do_exit() sets it after that stop, exit_signals()), and
 * there SIGKILL would kill its group (complete_signal(): sig_fatal()). So
 * to such a thread the call runs with signal 0 (the same checks), put back
 * at its exit. Preconditions: as ptv_sys_signal_send().
 */
void ptv_sys_signal_kill_thread(struct ptv_syscall_env *env,
				struct ptv_task *task,
				const struct ptv_syscall *syscall,
				enum ptv_send_call call, int32_t pid,
				int32_t tid, struct ptv_syscall_outcome *out);

/*
 * At the syscall exit of that call (task->signal_call), which returned
 * @result: its signal argument is put back if it was made 0; a group that
 * SIGCONT continued is continued in the model now, as Linux does when the
 * signal is sent, not when the group's threads trap on the host. Returns
 * the leader of a group whose pending SIGCHLD, one Linux had discarded,
 * stands for the SIGCHLD this call sent (the host dropped it), which is
 * to get its siginfo (ptv_loop_sigchld_sent_stands_in()); else 0.
 */
ptv_tid_t ptv_signal_sent_at_exit(struct ptv_syscall_env *env,
				  struct ptv_task *task, long result);

/*
 * At @t's host signal-delivery-stop for @sig: true if Linux discarded that
 * signal when it was sent, or never queued it (then it is not taken).
 * Either the supervisor saw it sent (a trapped kill(2) or tgkill(2)), or
 * it was pending, ignored, when @t was attached (task->discard_sigs).
 */
bool ptv_signal_discarded(struct ptv_kernel *k, struct ptv_task *t, int sig);

/*
 * At @t's host signal-delivery-stop for @sig, a group signal: true if @t,
 * asleep (its call interrupted; not resumed from a stop in get_signal(),
 * where it goes on in Linux too), was woken by a signal Linux discarded,
 * which is still pending, and not for @sig, which was pending while it
 * slept (complete_signal() gave it another thread). @sig is then blocked
 * in @t until its next host stop, and @t is to be resumed with it: the
 * host queues it back where it came from (kernel/signal.c:
 * ptrace_signal(): "If the (new) signal is now blocked, requeue it").
 */
bool ptv_signal_unwoken(struct ptv_kernel *k, struct ptv_task *t, int sig);

/*
 * @sig is sent to @leader's group now, by the kernel (a child's exit
 * signal), and Linux keeps it. True if the host has one pending for the
 * group already that Linux had discarded: the host drops the new one, the
 * pending one stands for it, and its siginfo is not Linux's (the caller
 * gives it the new one's). Its record as discarded is dropped.
 */
bool ptv_signal_kept_stands_in(struct ptv_kernel *k, struct ptv_task *leader,
			       int sig);

/*
 * At @t's host signal-delivery-stop for @sig, a signal sent to its group
 * that Linux gives another thread, a traced one (task->sigcont_named):
 * true if it was sent on to that thread (@t, resumed with 0 by the caller,
 * does not take it). SIGCONT only.
 */
bool ptv_signal_reroute(struct ptv_kernel *k, struct ptv_task *t, int sig);

/*
 * At @t's host signal-delivery-stop for @sig, sent to its group: a SIGCONT
 * that ptv_signal_reroute() kept for another thread until it leaves its
 * ptrace-stop is pending for the group in Linux, and @t takes it unless it
 * blocks it. Then that thread does not: @t, untraced and ignoring it, drops
 * it and goes on to @sig; if next_signal() gives SIGCONT before @sig, @t
 * takes it now (its siginfo set) and @sig is sent again; else @t takes it
 * after @sig, and the deferral moves to @t. Returns the signal @t takes
 * now. Design notes, 37.
 */
int ptv_signal_deferred_met(struct ptv_kernel *k, struct ptv_task *t, int sig);

/*
 * The host is about to resume @t (@stops: with a signal that stops it):
 * a SIGCONT ptv_signal_reroute() kept for it while it was in a ptrace-stop
 * is sent on now, unless its group stops or is stopped, or its tracer steps
 * it and the host resumes it out of a stop of its own. Design notes, 37.
 */
void ptv_signal_deferred_at_resume(struct ptv_kernel *k, struct ptv_task *t,
				   bool stops);

/*
 * @t is resumed with @sig (@how) out of a virtual signal-delivery-stop,
 * with a SIGCONT kept for it that the supervisor may not send on (a thread
 * of its group is seized: sigcont_may_be_sent()). In Linux it goes on in
 * get_signal() and dequeues that SIGCONT next if nothing comes first (a
 * jobctl trap or group-stop, a signal of its own queue, a lower one of its
 * group's). With no signal, or one it ignores, its stop for it is then
 * made in place: the host's stop kept with the SIGCONT's siginfo, and
 * true is returned (the caller does not resume the host). With a signal
 * it handles (not single-stepped), the handler's frame comes first:
 * ->sigcont_at_frame is set, and false returned; single-stepped, the
 * frame's trap is its tracer's to see (then
 * ptv_signal_deferred_at_frame_trap()). Design notes, 37.
 */
bool ptv_signal_deferred_stop_in_place(struct ptv_kernel *k,
				       struct ptv_task *t, int sig,
				       enum ptv_vresume how);

/*
 * @t, in a virtual signal-delivery-stop, is resumed, with a SIGCONT kept
 * for it that the supervisor may not send on: if the stop is the trap
 * after a handler's frame that its tracer's single-step made
 * (signal_delivered(): ptrace_notify(SIGTRAP), which drops the signal
 * given there), true; and if the SIGCONT is what get_signal() takes next,
 * before the handler's first instruction, a carrier is sent as by
 * ptv_signal_frame_trap().
 */
bool ptv_signal_deferred_at_frame_trap(struct ptv_kernel *k,
				       struct ptv_task *t);

/*
 * @t, with ->sigcont_at_frame, stopped for @sig on the host: if it is the
 * step trap after its handler's frame (signal_delivered()), true; if the
 * kept SIGCONT is what comes next now (the handler's sa_mask may block
 * it), a carrier signal is sent to @t (->sigcont_carrier), at whose
 * signal-delivery-stop its stop for the SIGCONT is made: a real one, from
 * which its tracer's signal is delivered. The caller resumes it.
 */
bool ptv_signal_frame_trap(struct ptv_kernel *k, struct ptv_task *t, int sig);

/*
 * @t, with ->sigcont_carrier, stopped for @sig on the host: if it is that
 * carrier (sent by the supervisor, @self), true, and its stop for the kept
 * SIGCONT is made there (its siginfo the SIGCONT's), or, the SIGCONT gone
 * meanwhile or @t detached, the caller resumes it with no signal.
 */
bool ptv_signal_carrier_stop(struct ptv_kernel *k, struct ptv_task *t, int sig,
			     pid_t self);

/*
 * At @t's host signal-delivery-stop for @sig: a stop signal a guest sent
 * its group flushed the SIGCONT pending for the group when it was sent
 * (kernel/signal.c:prepare_signal()), so one kept for a thread to take
 * when resumed is gone. (Pending still, it was sent after that SIGCONT,
 * which flushed the stop signals sent before it.) @self: the supervisor.
 */
void ptv_signal_stop_flushes_deferred(struct ptv_kernel *k,
				      struct ptv_task *t, int sig, pid_t self);

/*
 * At @t's seccomp stop for @call, a host stop Linux does not make (not
 * preceded by a virtual stop of the same call: @after_vstop false), or at
 * the host's trap for a SIGCONT that Linux wakes another thread for (@call
 * NULL; task->sigcont_trap_artifact, marked when a guest sends it): when
 * another thread of its group is in a virtual stop, the signals pending
 * for the group that @t does not block are noted (task->left_sigs).
 * Linux leaves them to the thread it woke for them, which its tracer
 * stopped first, while @t, leaving the host stop (ptrace_stop() ends with
 * recalc_sigpending_tsk()), would take them at the call's exit. Only for
 * calls that make Linux look at no signal (not a fork, a send, an exec,
 * rt_sigtimedwait).
 */
void ptv_signal_note_left(struct ptv_kernel *k, struct ptv_task *t,
			  const struct ptv_syscall *call, bool after_vstop);

/*
 * How many sends of guests to @t's group the supervisor has seen (kill(2)
 * and the others that name a group), kept at each virtual resume of @t:
 * one made since is pending for the group after Linux looked at its
 * signals there, so a trapped call right after that resume may still be
 * a host stop that takes one Linux leaves to another thread (ptfuzz seed
 * 1224 at 10000 steps, step 8607).
 */
uint64_t ptv_signal_group_sends(struct ptv_kernel *k,
				const struct ptv_task *t);

/*
 * At @t's host signal-delivery-stop for @sig: one ptv_signal_note_left()
 * noted, dequeued at the exit of that call? True if it was sent on to a
 * thread of the group in a virtual stop (the caller resumes @t with 0).
 */
bool ptv_signal_left_for_other(struct ptv_kernel *k, struct ptv_task *t,
			       int sig);

/*
 * At @t's host signal-delivery-stop for @sig, the one
 * ptv_signal_left_for_other() sent it (pid @self): Linux, with it pending
 * for the group, gives @t its own pending signals first. If @t has such,
 * @sig waits: it is sent again and blocked
 * until @t's next host stop (ptv_signal_unblock_rerouted()); true then
 * (the caller resumes @t with 0).
 */
bool ptv_signal_rerouted_later(struct ptv_task *t, int sig, pid_t self);

/*
 * At @t's host signal-delivery-stop for @sig, which Linux gives it too (a
 * signal it ignores, untraced): Linux's get_signal() goes on dequeuing in
 * the same call, and takes the group's other pending signals that @t does
 * not block. One that ptv_signal_left_for_other() sent on to a stopped
 * thread of the group, ignored too, is marked taken (->reroute_taken),
 * for that thread to drop (ptv_signal_rerouted_taken()).
 */
void ptv_signal_left_taken_by(struct ptv_kernel *k, struct ptv_task *t,
			      int sig);

/*
 * At @t's host signal-delivery-stop for @sig: @t is in Linux's
 * get_signal(), and a signal that ptv_signal_left_for_other() sent on to
 * a stopped thread of its group is one Linux has pending for the group,
 * which @t takes too, in next_signal()'s order, unless it blocks it.
 *  - After @sig: it goes back to the group's queue (kill(2), if that
 *    wakes no other thread), for @t, or a thread resumed first, to take
 *    as in Linux.
 *  - Before @sig (one sent to the group): @t takes it now. Unless @t,
 *    untraced, ignores it (Linux drops it and goes on to @sig), @t's
 *    siginfo becomes its original's and @sig goes back to the group's
 *    queue, or to @t alone if kill(2) would wake another thread.
 * The stopped thread's copy is marked taken (->reroute_taken); whoever
 * dequeues a signal sent again gets its siginfo back
 * (ptv_signal_rerouted_info()). Returns the signal @t takes now.
 */
int ptv_signal_left_met(struct ptv_kernel *k, struct ptv_task *t, int sig,
			pid_t self);

/*
 * @t leaves a virtual stop (its tracer resumed it): ptrace_stop() ends
 * with recalc_sigpending_tsk(), and @t takes the signals pending for its
 * group. One that ptv_signal_left_for_other() sent on to another stopped
 * thread goes back to the group's queue, as in ptv_signal_left_met(), and
 * that thread's copy is marked taken.
 */
void ptv_signal_left_at_resume(struct ptv_kernel *k, struct ptv_task *t);

/*
 * @t, resumed from its signal-delivery-stop with @sig (its siginfo's
 * si_code @code), blocks it: kernel/signal.c:ptrace_signal() queues it
 * again, and Linux keeps it, @t being traced. Recorded as one kept
 * (kept_own, kept_sent), so that an attach or its dequeue does not take
 * it for one Linux discarded.
 */
void ptv_signal_requeued_at_resume(struct ptv_kernel *k, struct ptv_task *t,
				   int sig, int code);

/*
 * At @t's host signal-delivery-stop for @sig, the one the supervisor (pid
 * @self) sent on to it, which another thread took in Linux
 * (ptv_signal_left_taken_by()): true (the caller resumes @t with 0).
 */
bool ptv_signal_rerouted_taken(struct ptv_task *t, int sig, pid_t self);

/* At any host stop of @t: what ptv_signal_rerouted_later() blocked goes. */
void ptv_signal_unblock_rerouted(struct ptv_task *t);

/*
 * At @t's host signal-delivery-stop for @sig: if it is the one
 * ptv_signal_reroute() or ptv_signal_left_for_other() sent it, or
 * ptv_signal_left_met() sent its group again (from the
 * supervisor, pid @self), it gets the siginfo_t of the original. True if
 * so.
 */
bool ptv_signal_rerouted_info(struct ptv_kernel *k, struct ptv_task *t,
			      int sig, pid_t self);

/*
 * A trapped kill(2), rt_sigqueueinfo(2) or pidfd_send_signal(2) (@pid its
 * first argument) of @sig, whose default kills without a core dump, by
 * @sender: whether each task it names (one, or every leader of a process
 * group) is traced is recorded for ptv_signal_kills_group(). The call runs
 * as it is; true if it must run to its exit (ptv_signal_sent_at_exit()),
 * where a group whose thread that takes @sig waits in vfork(2) is killed.
 */
bool ptv_signal_fatal_sent(struct ptv_kernel *k, struct ptv_task *sender,
			   enum ptv_send_call call, int32_t pid, int sig);

/*
 * At @t's host signal-delivery-stop for @sig: true if Linux killed the
 * group when @sig was sent, so that @t, traced by a guest, never stops for
 * it (the caller delivers it: the group dies by it).
 */
bool ptv_signal_kills_group(struct ptv_kernel *k, struct ptv_task *t, int sig);

/*
 * The fatal signal that killed @t's group as it was sent (complete_signal()
 * gave every thread SIGKILL), which Linux leaves in the group's queue and
 * the host's thread took off: true and its siginfo_t in *@si, if any.
 */
bool ptv_signal_fatal_left(struct ptv_kernel *k, const struct ptv_task *t,
			   siginfo_t *si);

/*
 * The signals pending for @t's group in Linux that the host's queues do not
 * hold, the supervisor keeping them for a thread of the group (@t too): a
 * SIGCONT it takes when it leaves its ptrace-stop (->sigcont_deferred),
 * and a signal left to it, sent on when it is resumed (->reroute_unsent).
 * Their siginfo_t in @si, at most @max; returns how many.
 */
size_t ptv_signal_group_kept(struct ptv_kernel *k, const struct ptv_task *t,
			     siginfo_t *si, size_t max);

/*
 * At @t's host signal-delivery-stop for @sig (not the fatal one), or at its
 * syscall-exit-stop (@sig 0): true if a signal sent to @t's group that
 * Linux killed the group with as it was sent (ptv_signal_kills_group()) is
 * pending, and @t, traced by a guest, takes it next: Linux makes no stop
 * of @t after that send (the caller resumes @t with 0; its next stop is
 * for the fatal signal).
 */
bool ptv_signal_group_dying(struct ptv_kernel *k, struct ptv_task *t, int sig);

/*
 * At @t's host signal-delivery-stop for @sig: true if it is the SIGTRAP of
 * a single step that reports a syscall the host interrupted for no signal
 * (the caller resumes @t with 0, the call restarts).
 */
bool ptv_signal_spurious_step(struct ptv_kernel *k, struct ptv_task *t,
			      int sig);

/*
 * At @t's host trap for a SIGCONT (PTRACE_EVENT_STOP, not reported): true
 * if that trap ended a call that @t, resumed by PTRACE_SYSEMU or
 * PTRACE_SYSEMU_SINGLESTEP from a syscall-entry-stop PTRACE_SYSCALL made,
 * runs, with no signal to interrupt it in Linux. The caller hides the
 * restart's entry and has it made without the emulation (ptv_loop_resume()
 * with ->hide_restart), so that the call runs again as in Linux.
 */
bool ptv_signal_spurious_sysemu_trap(struct ptv_kernel *k, struct ptv_task *t);

/*
 * At @t's host syscall-exit-stop with return value @rval: true if it is
 * that of a call the host interrupted for no signal, with @t resumed by
 * PTRACE_SYSCALL (the caller resumes @t and hides the restart's entry).
 */
bool ptv_signal_spurious_syscall_exit(struct ptv_kernel *k,
				      struct ptv_task *t, long rval);

#endif
