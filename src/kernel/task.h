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

/*
 * What a group does with SIGCHLD, as far as the model knows: told by the
 * trapped sigaction(SIGCHLD) calls, carried over fork and exec. Unknown
 * until the group's first such call, and for good in processes that share
 * their actions (CLONE_SIGHAND without CLONE_THREAD), whose calls the
 * model cannot follow: then /proc tells.
 */
enum ptv_sigchld_action {
	PTV_SIGCHLD_UNKNOWN = 0,
	PTV_SIGCHLD_DEFAULT,	/* SIG_DFL: ignored, unless blocked */
	PTV_SIGCHLD_IGNORED,	/* SIG_IGN */
	PTV_SIGCHLD_CAUGHT,	/* a handler */
};

/*
 * An untraced group leader that exits while a traced thread of its group
 * is a zombie its tracer has not reaped: Linux reports the leader's death
 * only once that thread is reaped (kernel/exit.c:delay_group_leader()).
 */
enum ptv_leader_hold {
	PTV_LEADER_FREE = 0,
	PTV_LEADER_HELD,	/* held at its host PTRACE_EVENT_EXIT */
	PTV_LEADER_RELEASED,	/* let go when the thread was reaped; its
				   death on the host not seen yet */
};

/* The virtual ptrace-stop a tracee is in (kernel/ptrace.h). */
enum ptv_vstop {
	PTV_VSTOP_NONE = 0,	/* not in a virtual ptrace-stop */
	PTV_VSTOP_SIGNAL,	/* signal-delivery-stop */
	PTV_VSTOP_GROUP,	/* group-stop (PTRACE_EVENT_STOP when seized) */
	PTV_VSTOP_EVENT,	/* PTRACE_EVENT_* stop, INTERRUPT trap included */
	PTV_VSTOP_SYSCALL_ENTER,/* syscall-enter-stop (also after SYSEMU) */
	PTV_VSTOP_SYSCALL_EXIT,	/* syscall-exit-stop */
};

/* How the virtual tracer last resumed a tracee (ptrace_resume()). */
enum ptv_vresume {
	PTV_VRESUME_CONT = 0,
	PTV_VRESUME_SYSCALL,
	PTV_VRESUME_SINGLESTEP,
	PTV_VRESUME_SINGLEBLOCK,	/* x86 block step (BTF) */
	PTV_VRESUME_SYSEMU,
	PTV_VRESUME_SYSEMU_SINGLESTEP,
	PTV_VRESUME_LISTEN,
};

/* @how single-steps (TIF_SINGLESTEP): its next stop is the step's SIGTRAP. */
static inline bool ptv_vresume_steps(enum ptv_vresume how)
{
	return how == PTV_VRESUME_SINGLESTEP || how == PTV_VRESUME_SINGLEBLOCK ||
	       how == PTV_VRESUME_SYSEMU_SINGLESTEP;
}

/* Under @how, syscall_trace_enter() emulates calls (SYSCALL_WORK_SYSCALL_EMU). */
static inline bool ptv_vresume_emulates(enum ptv_vresume how)
{
	return how == PTV_VRESUME_SYSEMU || how == PTV_VRESUME_SYSEMU_SINGLESTEP;
}

/* An exec of a task whose tracer may not see it gain privileges. */
enum ptv_exec_guard {
	PTV_EXEC_GUARD_NONE = 0,
	PTV_EXEC_GUARD_PRCTL,	/* prctl(PR_SET_NO_NEW_PRIVS) runs in its place */
	PTV_EXEC_GUARD_REEXEC,	/* the execve runs again: its stops hidden */
};

/* Host signals the supervisor sent itself; their siginfo is made Linux's. */
enum ptv_sigfix {
	PTV_SIGFIX_NONE = 0,
	PTV_SIGFIX_ATTACH_SIGSTOP,	/* ATTACH's SIGSTOP: SEND_SIG_PRIV */
	PTV_SIGFIX_CHILD_SIGSTOP,	/* auto-attach SIGSTOP: no siginfo */
	PTV_SIGFIX_EXEC_SIGTRAP,	/* post-exec SIGTRAP: send_sig(.., 0) */
};

struct ptv_wait;

/* What the supervisor knows of a task's pid namespace (syscalls/pidns.c). */
enum ptv_pidns_known {
	PTV_PIDNS_UNKNOWN = 0,	/* not read yet */
	PTV_PIDNS_OWN,		/* the supervisor's: its pids are the host's */
	PTV_PIDNS_BELOW,	/* one below it: ->pidns_view */
	PTV_PIDNS_UNREADABLE,	/* gone before it was read, or too deep */
};

/* Levels of pid namespaces below the supervisor's that pids are mapped for. */
#define PTV_PIDNS_DEPTH 7

struct ptv_pidns_view {
	int depth;			/* levels below the supervisor's */
	int32_t nr[PTV_PIDNS_DEPTH + 1]; /* its pid at each level: nr[0]
					    the host's, nr[depth] its own */
	uint64_t ns[PTV_PIDNS_DEPTH + 1]; /* those namespaces (inodes; ns[0]
					     is the supervisor's, unused) */
};

struct ptv_task {
	ptv_tid_t tid;		/* host tid (a guest's own in the supervisor's
				   pid namespace; syscalls/pidns.c) */
	ptv_tid_t tgid;		/* thread group id; == tid for a group leader */
	ptv_tid_t parent_tgid;	/* real parent's tgid (0: unknown, or not a
				   guest since it was orphaned) */
	ptv_tid_t parent_tid;	/* the real parent thread at creation or
				   adoption */
	uint64_t seq;		/* creation order */
	uint64_t child_seq;	/* its place in its parent's ->children: ->seq,
				   or a later one once a subreaper or a pid
				   namespace's init adopted it (ptrace.c:
				   adopt_orphans()) */
	enum ptv_host_state host_state;
	bool first_guest;	/* the program ptvisor was asked to run */
	bool attached;		/* its first host stop (or the seize) was seen */
	bool host_gone;		/* the host has reported its death */
	bool exit_seen;		/* its PTRACE_EVENT_EXIT stop was seen: it
				   takes part in no group-stop any more */
	enum ptv_pidns_known pidns; /* its pid namespace (syscalls/pidns.c) */
	struct ptv_pidns_view *pidns_view; /* PTV_PIDNS_BELOW: its pids */
	bool child_subreaper;	/* its group called prctl(
				   PR_SET_CHILD_SUBREAPER, 1): orphans below it
				   come to it (each thread has the flag) */
	bool pidns_for_children; /* it (or an ancestor) called unshare(
				   CLONE_NEWPID) or setns: its children may be
				   in a namespace below */
	uint64_t clone_flags;	/* flags of the clone that made it, its exit
				   signal in the low byte (fork(): SIGCHLD;
				   SIGCHLD too once reparented) */
	bool execed;		/* it has exec'd since that clone */
	bool own_filters;	/* it may have seccomp filters of its own */
	bool strict;		/* in SECCOMP_MODE_STRICT (syscalls/strict.c) */
	bool strict_call;	/* its call asking for it runs, rewritten */
	bool procview_call;	/* its open runs on a file of the virtual
				   /proc view (syscalls/procview.c) */
	bool sigchld_nocldstop;	/* its SIGCHLD action has SA_NOCLDSTOP */
	bool sigchld_nocldwait;	/* ... and SA_NOCLDWAIT */
	enum ptv_sigchld_action sigchld_action; /* ... and its handler */
	bool made_signalfd;	/* its group made a signalfd (carried over
				   fork and exec): a SIGCHLD it blocks may be
				   read there, so the supervisor sends one on
				   a carrier (loop/host_iface.c, note 38) */
	bool signalfd_first;	/* its call is its group's first signalfd(2)
				   (loop/host_iface.c:
				   ptv_loop_sigchld_refix_start() at its exit) */
	bool chld_refix;	/* single-stepped with SIGCHLD unblocked, so
				   that it takes a SIGCHLD pending with
				   kill(2)'s siginfo at a signal-delivery-stop
				   (ptv_loop_sigchld_refix_stop()) */
	uint64_t chld_refix_mask; /* ... its signal mask to put back there */
	bool sighand_shared;	/* shares its actions with another process */
	bool host_suspended;	/* host PTRACE_O_SUSPEND_SECCOMP is set: the
				   supervisor runs its own filter itself */
	bool seccomp_due;	/* at a syscall-entry stop whose seccomp check
				   is still to come (loop.c:emulate_seccomp) */
	bool seccomp_recheck;	/* at a guest filter's seccomp stop: the
				   supervisor's filter runs at the resume */
	uint64_t sigwait_info;	/* in rt_sigtimedwait: its siginfo pointer
				   (0: none); see loop/host_iface.c */
	bool in_sigwait;	/* a trapped rt_sigtimedwait is in flight */
	int signal_call;	/* a trapped call sending a signal is in flight
				   (syscalls/signal.c); its targets: */
	int32_t signal_args[2];
	int signal_sig;		/* ... its signal */
	uint64_t fatal_to_traced;  /* (a leader) fatal signals sent by kill()
				      and kin naming a traced task of its
				      group (or when no thread of it
				      wanted them), not yet dequeued */
	uint64_t fatal_to_untraced;/* ... to an untraced one */
	bool fatal_left;	/* (a leader) its group was killed as such a
				   signal was sent: Linux leaves it in the
				   group's queue, the host's thread took it */
	uint8_t fatal_left_info[128]; /* ... its siginfo_t */
	uint64_t fatal_at_exit;	/* (a leader) those the thread that takes
				   them, asleep in vfork(2), cannot dequeue:
				   the group is killed at the send's exit */
	bool in_vfork;		/* asleep in vfork(2): between the host's
				   PTRACE_EVENT_VFORK and _VFORK_DONE */
	int signal_zeroed;	/* ... 1 + the offset in the register set of
				   its signal argument, which the supervisor
				   made 0 (the call sends nothing); 0: none */
	int signal_pid_moved;	/* ... 1 + that of its pid argument, which
				   the supervisor made the named thread's
				   leader (syscalls/signal.c:
				   ptv_sys_signal_to_vanished()); 0: none */
	unsigned long long signal_pid_arg; /* ... that argument as made */
	ptv_tid_t discard_marks[4]; /* ... groups it marked discard_sent */
	ptv_tid_t signal_stands_in; /* ... the leader of a group whose
				   pending SIGCHLD, one Linux had discarded,
				   stands for this kill(2)'s (0: none) */
	uint64_t discard_sent;	/* (a leader) signals sent to its group that
				   Linux discarded at once, ignored by the
				   untraced task named; the host kept them */
	uint64_t discard_woke;	/* ... of those, a SIGCONT that woke its
				   stopped threads all the same */
	uint64_t kept_sent;	/* (a leader) ... and those sent to it that
				   Linux kept, not yet dequeued: a pending one
				   is no discarded one (kernel/ptrace.c) */
	uint64_t kept_own;	/* the same, sent to it alone (tgkill) */
	uint64_t given_at_syscall; /* signals its tracer gave it at a
				   syscall stop (send_sig(): its own queue,
				   SI_KERNEL; kept, it being traced), not
				   yet dequeued */
	ptv_tid_t sigcont_named;/* (a leader) the traced thread of its group
				   that Linux gives the SIGCONT just sent to
				   the group (it wanted it); 0: none */
	bool sigcont_flushed;	/* (a leader) a PTRACE_ATTACH's SIGSTOP, or
				   a stop signal sent to the group, flushed
				   the SIGCONT sigcont_named was to take: a
				   thread that dequeued it on the host
				   before the loop saw that does not take
				   it */
	ptv_tid_t sigcont_woken;/* (a leader) the thread of its group that
				   Linux wakes for that SIGCONT, traced or
				   not: the one named if it wanted it, else
				   the only other thread that does; 0: none,
				   or not known (several do) */
	uint64_t exit_wait_since; /* (loop.c) its wait has been deferred
				   since then (ns) for a thread's exit */
	bool sigcont_in_stop;	/* in a virtual stop when its group's last
				   SIGCONT was sent: it takes that SIGCONT
				   itself once resumed, if still pending */
	bool stop_dequeued_cleared; /* in a virtual signal-delivery-stop
				   when a SIGCONT that Linux discarded was
				   sent (as nothing): Linux cleared its
				   JOBCTL_STOP_DEQUEUED, so a stop signal
				   given there stops nothing */
	bool woken_in_vstop;	/* a group-stop began while it was in this
				   virtual stop: do_signal_stop() set its
				   TIF_SIGPENDING (signal_wake_up()), which
				   a ptrace-stop keeps */
	bool sigpending_at_resume; /* resumed from a syscall-entry or seccomp
				   stop so: the call it runs then ends at once
				   in Linux too (ptv_signal_spurious_*()) */
	bool step_group_stopped;/* stopped for its group while single-
				   stepped, the step's SIGTRAP pending: a call
				   it slept in was ended by the group-stop,
				   whose step is reported
				   (ptv_signal_spurious_step()) */
	int reroute_sig;	/* a signal the supervisor sent it for another
				   thread that took it on the host ... */
	uint8_t reroute_info[128]; /* ... whose siginfo_t it gets back */
	bool reroute_left;	/* ... one its group left to it (design
				   notes, 32) */
	bool reroute_taken;	/* ... which another thread took in Linux:
				   dropped when it dequeues it */
	bool reroute_unsent;	/* ... a left one not sent yet: it is in a
				   virtual stop, where an instance of its own
				   sent meanwhile would merge with it on the
				   host (design notes, 51) */
	bool sigcont_at_frame;	/* resumed with a signal it handles while
				   ->sigcont_deferred can't be sent on: the
				   host single-steps it, and its stop for the
				   SIGCONT is made at the step trap after the
				   handler's frame (ptv_signal_frame_trap()) */
	bool frame_mask_known;	/* ->blocked_before_frame is for the
				   handler it was last resumed into */
	uint64_t blocked_before_frame; /* its blocked signals then: what the
				   handler's sa_mask adds, rt_sigreturn(2)
				   unblocks (ptv_signal_frame_trap()) */
	int sigcont_carrier;	/* a signal the supervisor sent it after
				   that frame, whose signal-delivery-stop
				   becomes the one for the kept SIGCONT
				   (ptv_signal_carrier_stop()) */
	bool sigcont_deferred;	/* a SIGCONT Linux left pending for its
				   group, which it takes: it was in a
				   ptrace-stop, so it is sent on (with
				   ->reroute_info) when it leaves it
				   (ptv_signal_deferred_at_resume()) */
	int group_resent_sig;	/* a leader's: a signal a thread of its group
				   dequeued, sent to the group again by the
				   supervisor (ptv_signal_left_met())
				   ... */
	uint8_t group_resent_info[128]; /* ... whose siginfo_t the thread
				   that dequeues it gets back */
	uint64_t reroute_blocked;/* that signal, blocked by the supervisor
				   until its next host stop, so that it comes
				   after those Linux would give it first */
	uint64_t left_sigs;	/* pending for its group, unblocked, at its
				   trapped call (left_ip), which Linux leaves
				   to a thread its tracer stopped: sent on to
				   that one if it dequeues them there */
	uint64_t left_ip;	/* that call's return address */
	bool sigcont_trap_artifact; /* the host's trap for a SIGCONT sent
				   now is one Linux does not make for it */
	uint64_t sigcont_trap_shared; /* ... the signals pending for its
				   group then, less the stop signals that
				   SIGCONT flushes: only they can be left to
				   a stopped thread (ptv_signal_note_left()) */
	uint64_t host_stops;	/* host stops seen, counted */
	uint64_t vresumed_stop;	/* the count at its last virtual resume */
	uint64_t group_sends;	/* (a leader) guests' sends to its group seen */
	uint64_t vresumed_sends;/* its leader's group_sends at that resume */
	enum ptv_exec_guard exec_guard; /* see syscalls/exec.c */
	uint64_t saved_regs[27];/* its registers while the supervisor runs a
				   call of its own in it (the exec guard, the
				   CLONE_CLEAR_SIGHAND reset): the host's
				   struct user_regs_struct */
	bool untraced_clone_pending; /* its clone in flight had CLONE_UNTRACED,
					which the supervisor cleared */

	/* --- Virtual ptrace, as a tracee (kernel/ptrace.c) --- */
	struct ptv_task *tracer;  /* virtual tracer thread; NULL: not traced */
	struct ptv_task *traced_prev, *traced_next; /* list of traced tasks,
					most recently attached first */
	bool seized;		/* attached by PTRACE_SEIZE */
	uint32_t options;	/* virtual PTRACE_O_* */
	enum ptv_vstop vstop;	/* the virtual stop it is held in */
	int exit_code;		/* Linux's ->exit_code in the stop: what a wait
				   reports; 0 once reported (or resumed) */
	int event_msg_code;	/* the stop's code, kept after it is reported
				   (last_siginfo->si_code for LISTEN) */
	unsigned long event_msg;/* PTRACE_GETEVENTMSG */
	enum ptv_vresume resume;/* how the tracer last resumed it */
	bool sysemu_runs_call;	/* resumed by PTRACE_SYSEMU(_SINGLESTEP) from
				   a syscall-enter-stop made without it: that
				   call runs (syscall_trace_enter() decided
				   before the stop) */
	bool listening;		/* resumed by PTRACE_LISTEN, still stopped */
	bool interrupt_pending;	/* a virtual PTRACE_INTERRUPT is owed */
	enum ptv_sigfix sigfix;	/* a supervisor-sent signal to fix up */
	uint64_t discard_sigs;	/* pending at its attach, ignored: Linux had
				   discarded them when sent, untraced */
	uint64_t discard_twice;	/* ... those pending twice (own and shared) */
	bool vzombie;		/* dead, waiting for its virtual tracer's wait */
	int zombie_status;	/* its wait status */
	bool native_reap;	/* that zombie is its real parent's on the host
				   too: a native wait reaps it */
	bool held_at_exit;	/* host: held in PTRACE_EVENT_EXIT meanwhile */
	enum ptv_leader_hold leader_hold; /* (an untraced leader) its exit
				   and a traced thread of its group the
				   tracer has not reaped (kernel/ptrace.c:
				   ptv_leader_exit_delayed()) */
	bool group_stopped;	/* last host group-stop not yet ended by SIGCONT */
	bool native_stop_taken;	/* (leader) its real parent's native wait has
				   taken that group-stop's report */
	bool native_stop_owed;	/* (leader) a native wait took the host's
				   report while its real parent's group traced
				   it, which Linux keeps: the model gives it */
	bool continue_taken;	/* (leader) a tracer outside the real parent's
				   group took the group's one continue report;
				   the host still has it for the real parent */
	bool vcontinued;	/* its group was continued since: a tracer's
				   WCONTINUED wait has that to report */
	int group_stop_sig;	/* the stop signal of that group-stop */
	bool sigcont_trap_wakes; /* a SIGCONT sent while it was in no stop:
				   the host's trap for it is a wake-up */
	bool stopped_in_get_signal; /* its last host stop was one
				   get_signal() makes, and Linux too
				   (signal-delivery, group, trap) ... */
	bool resumed_in_get_signal; /* ... and the one before it: from there
				   it went on in get_signal() */
	bool stop_in_flight;	/* resumed with a stop signal to deliver: its
				   group-stop is still to come (loop.c) */

	/* --- Yama, per process (kept in the group leader's task) --- */
	ptv_tid_t yama_ptracer;	/* PR_SET_PTRACER: 0 none, -1 any, else tgid */

	/* --- Wait emulation, as a waiter (syscalls/wait.c) --- */
	struct ptv_wait *wait;	/* non-NULL while asleep in a vehicle */
	bool ptvisor_interrupt;	/* the supervisor interrupted it (wake-up) */
	bool in_native_wait;	/* a trapped wait of its runs natively: it may
				   be asleep there when a virtual event comes */
	bool wait_woken_restart; /* a wake-up restarted its wait, which has
				   not run again yet (until its next host
				   stop but a signal-delivery-stop) */
	bool wait_for_children;	/* its vehicle is pause(2) where the native
				   wait could reap a leader whose death Linux
				   delays (ptv_wait_may_reap_delayed_zombie()):
				   any event of a child of its group wakes it
				   (ptv_wake_parent_waiters()) */
	bool hide_restart;	/* the host ended its call for no signal
				   Linux knows (ptv_signal_spurious_syscall_
				   exit()): the restart's entry stays hidden */
	bool hide_vehicle;	/* its wait's vehicle and restart stay hidden
				   from its own tracer's syscall stops */
	long skipped_nr;	/* a syscall the supervisor completed without
				   running it, until its exit stop (-1: none) */
	bool notif_fix;		/* interrupted in a user notification for a
				   clone the supervisor must see: loop/notif.c */
	ptv_tid_t notif_listener;/* the listener held meanwhile */
	int notif_waits;	/* as a listener: interrupted tasks to wait for */
	bool clone3_clear_sighand; /* that clone3 had CLONE_CLEAR_SIGHAND */
	uint64_t sighand_reset;	/* signals whose handlers the supervisor is
				   resetting in this new task (loop.c) */
	uint64_t sighand_deferred; /* signals that came meanwhile */
	bool sighand_busy;	/* that reset is under way */
	bool clone3_fixup;	/* its registers are clone's, not clone3's:
				   syscalls/clone.c:ptv_clone3_fixup() */
	int clone3_abi;		/* the ABI of that clone3 */
	uint64_t clone3_regs[5];/* clone3's argument registers before */
	long rewritten_nr;	/* a syscall the supervisor ran as another
				   (clone3 as clone), until its exit stop
				   (-1: none); its tracer sees this one */
	bool awaiting_parent;	/* new task held at its first stop until its
				   parent's clone event says who traces it */
	bool clone_seen;	/* its parent's clone event was handled */
	ptv_tid_t awaiting_ppid;/* its parent process while awaiting_parent */
	bool awaiting_sigstop;	/* auto-attached unseized: starts with SIGSTOP */
	bool autoattach_trap;	/* auto-attached seized: starts in a
				   PTRACE_EVENT_STOP trap */

	/* --- Co-location (loop/coloc.c) --- */
	int ntracees;		/* as a virtual tracer: tasks it traces */
	bool pinned;		/* its host affinity is the loop's one CPU */
	bool pin_dirty;		/* unpinned while it ran: a child it made
				   meanwhile may have the one CPU */
	uint8_t short_runs;	/* short turns in a row since its last pin */
	uint64_t resumed_ns;	/* when the loop last resumed it */
	uint64_t vmask[16];	/* while pinned: its own affinity, which its
				   guests see (a 1024-CPU mask) */
	int affinity_busy;	/* guests' affinity calls on it in flight */
	uint8_t affinity_call;	/* its own in flight: enum ptv_affinity_call */
	ptv_tid_t affinity_target; /* ... on this task */
	uint64_t affinity_buf;	/* ... sched_getaffinity's buffer */
};

/* A task's sched_getaffinity or sched_setaffinity in flight. */
enum ptv_affinity_call {
	PTV_AFFINITY_NONE = 0,
	PTV_AFFINITY_GET,
	PTV_AFFINITY_SET,
};

/*
 * Is the host resuming @t out of the host stop in which it was last
 * resumed virtually (a stop Linux makes too), not out of one of the host's
 * own since? (->vresumed_stop is 0 until its first virtual resume.)
 */
static inline bool ptv_task_leaves_vstop(const struct ptv_task *t)
{
	return t->vresumed_stop != 0 && t->vresumed_stop == t->host_stops;
}

/*
 * The pid views of tasks removed lately (syscalls/pidns.c): a native wait
 * in a pid namespace below may report a child the model has forgotten.
 */
#define PTV_GONE_VIEWS 64

struct ptv_gone_view {
	ptv_tid_t tid;			/* 0: a free slot */
	struct ptv_pidns_view *view;
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
	uint64_t next_seq;	 /* ->seq of the next task added */
	struct ptv_gone_view gone[PTV_GONE_VIEWS]; /* oldest overwritten */
	size_t gone_next;
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

/*
 * Iterates over the tasks: start with *cursor = 0; returns NULL at the end.
 * The table may not change during the walk.
 */
struct ptv_task *ptv_tasks_next(const struct ptv_tasks *tasks, size_t *cursor);

/*
 * The init of @t's pid namespace, when that is below the supervisor's and
 * the model knows its init (the namespace's child_reaper: kernel/exit.c:
 * find_new_reaper()); NULL otherwise.
 */
struct ptv_task *ptv_pidns_init_of(const struct ptv_tasks *tasks,
				   const struct ptv_task *t);

/* Calls @fn on every task; @fn may not add or remove tasks. */
void ptv_tasks_for_each(const struct ptv_tasks *tasks,
			void (*fn)(struct ptv_task *task, void *arg), void *arg);

#endif
