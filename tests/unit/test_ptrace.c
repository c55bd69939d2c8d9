/*
 * Unit tests of the virtual ptrace state machine (src/kernel/ptrace.c)
 * against a fake platform that records the host actions asked for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "kernel/abi.h"
#include "kernel/ptrace.h"
#include "fake_host.h"

/* ---- the fake platform ---- */
struct fake {
	int resumes, interrupts, signals, notifies, wakes;
	int last_resume_sig, last_signal, last_notify_why, last_notify_status;
	enum ptv_vresume last_how;
	ptv_tid_t last_signal_tid, last_resume_tid;
	int deny_attach;
	bool autoreap;
	bool capable;
	/* The last capable() question: who, in whose user namespace, what. */
	ptv_tid_t capable_who, capable_ns_of;	/* ns_of 0: the initial one */
	int capable_cap;
	uint64_t pending_ignored, pending_twice; /* at an attach */
	int kept_exit_signals, last_kept_sig, last_kept_why, last_kept_status;
	bool kills_group;	/* kills_group_at_once()'s answer */
	ptv_tid_t last_kept_leader, last_kept_child;
};

static struct fake fake;

static int f_resume(void *ctx, struct ptv_task *t, enum ptv_vresume how,
		    int sig, bool signal_stop, ptv_tid_t sender)
{
	(void)ctx; (void)signal_stop; (void)sender;
	fake.resumes++;
	fake.last_how = how;
	fake.last_resume_sig = sig;
	fake.last_resume_tid = t->tid;
	return 0;
}
static int f_interrupt(void *ctx, struct ptv_task *t)
{
	(void)ctx; (void)t;
	fake.interrupts++;
	return 0;
}
static int f_send_signal(void *ctx, struct ptv_task *t, int sig)
{
	(void)ctx;
	fake.signals++;
	fake.last_signal = sig;
	fake.last_signal_tid = t->tid;
	return 0;
}
static bool f_kills_group(void *ctx, struct ptv_task *t, int sig)
{
	(void)ctx; (void)t; (void)sig;
	return fake.kills_group;
}
static void f_notify(void *ctx, struct ptv_task *parent, struct ptv_task *child,
		     int why, int status)
{
	(void)ctx; (void)parent; (void)child;
	fake.notifies++;
	fake.last_notify_why = why;
	fake.last_notify_status = status;
}
static void f_exit_signal_kept(void *ctx, struct ptv_task *leader,
			       struct ptv_task *child, int sig, int why,
			       int status)
{
	(void)ctx;
	fake.kept_exit_signals++;
	fake.last_kept_leader = leader->tid;
	fake.last_kept_child = child->tid;
	fake.last_kept_sig = sig;
	fake.last_kept_why = why;
	fake.last_kept_status = status;
}
static void f_wake(void *ctx, ptv_tid_t tgid)
{
	(void)ctx; (void)tgid;
	fake.wakes++;
}
static int f_pgid(void *ctx, struct ptv_task *t)
{
	(void)ctx;
	return t->tgid;
}
static int f_may_attach(void *ctx, struct ptv_task *a, struct ptv_task *b)
{
	(void)ctx; (void)a; (void)b;
	return fake.deny_attach ? -EPERM : 0;
}
static int f_may_traceme(void *ctx, struct ptv_task *a, struct ptv_task *b)
{
	(void)ctx; (void)a; (void)b;
	return 0;
}

static bool f_capable(void *ctx, struct ptv_task *t, struct ptv_task *ns_of,
		      int cap)
{
	(void)ctx;
	fake.capable_who = t->tid;
	fake.capable_ns_of = ns_of ? ns_of->tid : 0;
	fake.capable_cap = cap;
	return fake.capable;
}
static bool f_is_zombie(void *ctx, struct ptv_task *t)
{
	(void)ctx; (void)t;
	return false;
}
static bool f_own_seccomp(void *ctx, struct ptv_task *t)
{
	(void)ctx; (void)t;
	return false;
}
static bool f_autoreaped(void *ctx, struct ptv_task *parent)
{
	(void)ctx; (void)parent;
	return fake.autoreap;
}

static uint64_t f_pending_ignored(void *ctx, struct ptv_task *t,
				  uint64_t *twice)
{
	(void)ctx; (void)t;
	*twice = fake.pending_twice;
	return fake.pending_ignored;
}

static const struct ptv_host_iface fake_iface = {
	.resume = f_resume, .interrupt = f_interrupt,
	.send_signal = f_send_signal, .kills_group_at_once = f_kills_group,
	.notify_parent = f_notify,
	.exit_signal_kept = f_exit_signal_kept,
	.wake_waiters = f_wake, .pgid_of = f_pgid,
	.may_attach = f_may_attach, .may_traceme = f_may_traceme,
	.capable = f_capable, .is_zombie = f_is_zombie, .has_own_seccomp = f_own_seccomp,
	.autoreaped = f_autoreaped, .still_stopped = fake_host_still_stopped,
	.pending_ignored = f_pending_ignored, .log = fake_host_log,
};

static struct ptv_kernel k;

/* Thread @tid of group @tgid, whose process is a child of @parent. */
static struct ptv_task *thread(ptv_tid_t tid, ptv_tid_t tgid, ptv_tid_t parent)
{
	struct ptv_task *t = ptv_task_add(&k.tasks, tid, tgid);

	assert_non_null(t);
	t->parent_tid = parent;
	t->parent_tgid = parent;
	t->attached = true;
	return t;
}

/* A process (single-threaded group) with real parent @parent. */
static struct ptv_task *proc(ptv_tid_t tid, ptv_tid_t parent)
{
	return thread(tid, tid, parent);
}

static int setup(void **state)
{
	(void)state;
	memset(&fake, 0, sizeof(fake));
	ptv_kernel_init(&k, &fake_iface, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ptv_kernel_destroy(&k);
	return 0;
}

static struct ptv_wait_req any_wait(void)
{
	return (struct ptv_wait_req){ .idtype = PTV_P_ALL,
				      .options = PTV_WEXITED | PTV_WALL };
}

/* ---- tests ---- */

static void traceme_links_real_parent(void **state)
{
	struct ptv_task *p = proc(100, 1), *c = proc(101, 100);

	(void)state;
	assert_int_equal(ptv_ptrace_traceme(&k, c), 0);
	assert_ptr_equal(c->tracer, p);
	assert_false(c->seized);
	/* "Are we already being traced?" */
	assert_int_equal(ptv_ptrace_traceme(&k, c), -EPERM);
}

static void traceme_without_guest_parent_fails(void **state)
{
	struct ptv_task *c = proc(101, 99);

	(void)state;
	assert_int_equal(ptv_ptrace_traceme(&k, c), -EPERM);
	assert_null(c->tracer);
}

static void attach_checks_in_linux_order(void **state)
{
	struct ptv_task *a = proc(100, 1), *b = proc(200, 1), *c = proc(300, 1);
	struct ptv_task *a2 = ptv_task_add(&k.tasks, 101, 100);

	(void)state;
	assert_int_equal(ptv_ptrace_attach(&k, a, 999, false, 0, 0), -ESRCH);
	assert_int_equal(ptv_ptrace_attach(&k, a, 101, false, 0, 0), -EPERM);
	(void)a2;
	/*
	 * SEIZE: sys_ptrace() looks the pid up first (ESRCH), then addr != 0
	 * and unknown options are EIO before the access checks.
	 */
	assert_int_equal(ptv_ptrace_attach(&k, a, 999, true, 8, 0), -ESRCH);
	assert_int_equal(ptv_ptrace_attach(&k, a, 200, true, 8, 0), -EIO);
	assert_int_equal(ptv_ptrace_attach(&k, a, 200, true, 0, 1u << 30), -EIO);
	assert_int_equal(ptv_ptrace_attach(&k, a, 101, true, 8, 0), -EIO);
	fake.deny_attach = 1;
	assert_int_equal(ptv_ptrace_attach(&k, a, 200, false, 0, 0), -EPERM);
	fake.deny_attach = 0;
	assert_int_equal(ptv_ptrace_attach(&k, a, 200, false, 0, 0), 0);
	assert_int_equal(fake.last_signal, PTV_SIGSTOP);
	assert_int_equal(fake.last_signal_tid, 200);
	assert_int_equal(b->sigfix, PTV_SIGFIX_ATTACH_SIGSTOP);
	/* Already traced. */
	assert_int_equal(ptv_ptrace_attach(&k, c, 200, false, 0, 0), -EPERM);
	/* SEIZE sends no signal and keeps the options. */
	fake.signals = 0;
	assert_int_equal(ptv_ptrace_attach(&k, a, 300, true, 0,
					   PTV_O_TRACESYSGOOD | PTV_O_EXITKILL), 0);
	assert_int_equal(fake.signals, 0);
	assert_true(c->seized);
	assert_int_equal(c->options, PTV_O_TRACESYSGOOD | PTV_O_EXITKILL);
}

static void requests_need_a_stopped_tracee_of_the_caller(void **state)
{
	struct ptv_task *a = proc(100, 1), *b = proc(200, 100), *x = proc(300, 1);
	struct ptv_task *out = NULL;

	(void)state;
	assert_int_equal(ptv_ptrace_traceme(&k, b), 0);
	/* Running: ESRCH, except for KILL and INTERRUPT (ignore_state). */
	assert_int_equal(ptv_ptrace_check_attach(&k, a, 200, false, &out), -ESRCH);
	assert_int_equal(ptv_ptrace_check_attach(&k, a, 200, true, &out), 0);
	/* Not the caller's tracee. */
	assert_int_equal(ptv_ptrace_check_attach(&k, x, 200, true, &out), -ESRCH);
	ptv_vstop_signal(&k, b, PTV_SIGUSR1);
	assert_int_equal(ptv_ptrace_check_attach(&k, a, 200, false, &out), 0);
	assert_ptr_equal(out, b);
	/* Invalid signal: EIO, and the tracee stays stopped. */
	assert_int_equal(ptv_ptrace_resume(&k, b, PTV_VRESUME_CONT, 65), -EIO);
	assert_int_equal(b->vstop, PTV_VSTOP_SIGNAL);
	assert_int_equal(ptv_ptrace_setoptions(&k, b, 1u << 30), -EINVAL);
	/* INTERRUPT and LISTEN need a seized tracee. */
	assert_int_equal(ptv_ptrace_interrupt(&k, b), -EIO);
	assert_int_equal(ptv_ptrace_listen(&k, b), -EIO);
}

static void signal_stop_is_reported_once_then_resumed(void **state)
{
	struct ptv_task *a = proc(100, 1), *b = proc(200, 100);
	struct ptv_wait_req req = any_wait();
	struct ptv_wait_result res;

	(void)state;
	ptv_ptrace_traceme(&k, b);
	assert_int_equal(ptv_wait_virtual(&k, a, &req, &res), 0);
	ptv_vstop_signal(&k, b, PTV_SIGUSR1);
	assert_int_equal(fake.notifies, 1);
	assert_int_equal(fake.last_notify_why, PTV_CLD_TRAPPED);
	assert_int_equal(fake.wakes, 1);
	assert_int_equal(ptv_wait_virtual(&k, a, &req, &res), 1);
	assert_int_equal(res.pid, 200);
	assert_int_equal(res.status, (PTV_SIGUSR1 << 8) | 0x7f);
	assert_int_equal(res.cld_code, PTV_CLD_TRAPPED);
	/* Reported: not again. */
	assert_int_equal(ptv_wait_virtual(&k, a, &req, &res), 0);
	/* Resumed with another signal. */
	assert_int_equal(ptv_ptrace_resume(&k, b, PTV_VRESUME_SYSCALL, PTV_SIGUSR2), 0);
	assert_int_equal(fake.last_resume_sig, PTV_SIGUSR2);
	assert_int_equal(fake.last_how, PTV_VRESUME_SYSCALL);
	assert_int_equal(b->vstop, PTV_VSTOP_NONE);
}

static void wnowait_leaves_the_event(void **state)
{
	struct ptv_task *a = proc(100, 1), *b = proc(200, 100);
	struct ptv_wait_req req = any_wait();
	struct ptv_wait_result res;

	(void)state;
	ptv_ptrace_traceme(&k, b);
	ptv_vstop_event(&k, b, PTV_EVENT_EXEC, 200);
	req.options |= PTV_WNOWAIT;
	assert_int_equal(ptv_wait_virtual(&k, a, &req, &res), 1);
	assert_int_equal(res.status, ((PTV_SIGTRAP | (PTV_EVENT_EXEC << 8)) << 8) | 0x7f);
	assert_int_equal(ptv_wait_virtual(&k, a, &req, &res), 1);
	req.options &= ~PTV_WNOWAIT;
	assert_int_equal(ptv_wait_virtual(&k, a, &req, &res), 1);
	assert_int_equal(ptv_wait_virtual(&k, a, &req, &res), 0);
	assert_int_equal(b->event_msg, 200);
}

static void wait_selects_by_pid_and_thread(void **state)
{
	struct ptv_task *a = proc(100, 1), *b = proc(200, 100), *c = proc(300, 100);
	struct ptv_task *a2 = ptv_task_add(&k.tasks, 101, 100);
	struct ptv_wait_req req = any_wait();
	struct ptv_wait_result res;

	(void)state;
	ptv_ptrace_traceme(&k, b);
	ptv_ptrace_traceme(&k, c);
	ptv_vstop_signal(&k, c, PTV_SIGUSR1);
	req.idtype = PTV_P_PID;
	req.id = 200;
	assert_int_equal(ptv_wait_virtual(&k, a, &req, &res), 0);
	req.id = 400;
	assert_int_equal(ptv_wait_virtual(&k, a, &req, &res), -ECHILD);
	/* Another thread of the tracer's group may wait, unless __WNOTHREAD. */
	req = any_wait();
	req.options |= PTV_WNOTHREAD;
	assert_int_equal(ptv_wait_virtual(&k, a2, &req, &res), -ECHILD);
	req.options &= ~PTV_WNOTHREAD;
	assert_int_equal(ptv_wait_virtual(&k, a2, &req, &res), 1);
	assert_int_equal(res.pid, 300);
}

static void seized_group_stop_is_an_event_stop_and_listens(void **state)
{
	struct ptv_task *a = proc(100, 1), *b = proc(200, 1);
	struct ptv_wait_req req = any_wait();
	struct ptv_wait_result res;

	(void)state;
	assert_int_equal(ptv_ptrace_attach(&k, a, 200, true, 0, 0), 0);
	ptv_vstop_group(&k, b, PTV_SIGTSTP);
	assert_int_equal(fake.last_notify_why, PTV_CLD_STOPPED);
	assert_int_equal(ptv_wait_virtual(&k, a, &req, &res), 1);
	assert_int_equal(res.status >> 16, PTV_EVENT_STOP);
	assert_int_equal((res.status >> 8) & 0xff, PTV_SIGTSTP);
	assert_int_equal(ptv_ptrace_listen(&k, b), 0);
	assert_int_equal(fake.last_how, PTV_VRESUME_LISTEN);
	/* Listening: requests see it as running. */
	struct ptv_task *out;
	assert_int_equal(ptv_ptrace_check_attach(&k, a, 200, false, &out), -ESRCH);
	assert_int_equal(ptv_ptrace_interrupt(&k, b), 0);
	assert_int_equal(fake.interrupts, 1);
}

static void attached_group_stop_is_a_plain_stop(void **state)
{
	struct ptv_task *a = proc(100, 1), *b = proc(200, 1);
	struct ptv_wait_req req = any_wait();
	struct ptv_wait_result res;

	(void)state;
	ptv_ptrace_attach(&k, a, 200, false, 0, 0);
	ptv_vstop_group(&k, b, PTV_SIGSTOP);
	assert_int_equal(ptv_wait_virtual(&k, a, &req, &res), 1);
	assert_int_equal(res.status, (PTV_SIGSTOP << 8) | 0x7f);
	/* LISTEN is for seized tracees only. */
	assert_int_equal(ptv_ptrace_listen(&k, b), -EIO);
}

static void syscall_stops_honour_sysgood(void **state)
{
	struct ptv_task *a = proc(100, 1), *b = proc(200, 100);
	struct ptv_wait_req req = any_wait();
	struct ptv_wait_result res;

	(void)state;
	ptv_ptrace_traceme(&k, b);
	ptv_vstop_syscall(&k, b, true);
	ptv_wait_virtual(&k, a, &req, &res);
	assert_int_equal(res.status, (PTV_SIGTRAP << 8) | 0x7f);
	assert_int_equal(b->event_msg, PTV_EVENTMSG_SYSCALL_ENTRY);
	ptv_ptrace_setoptions(&k, b, PTV_O_TRACESYSGOOD);
	ptv_ptrace_resume(&k, b, PTV_VRESUME_SYSCALL, 0);
	ptv_vstop_syscall(&k, b, false);
	ptv_wait_virtual(&k, a, &req, &res);
	assert_int_equal(res.status, ((PTV_SIGTRAP | 0x80) << 8) | 0x7f);
	assert_int_equal(b->event_msg, PTV_EVENTMSG_SYSCALL_EXIT);
}

static void clone_auto_attaches_with_options(void **state)
{
	struct ptv_task *a = proc(100, 1), *b = proc(200, 100), *c = proc(201, 200);
	struct ptv_task *d = proc(202, 200), *e = proc(203, 200);
	bool sigstop;

	(void)state;
	ptv_ptrace_traceme(&k, b);
	/* Without TRACEFORK: not traced. */
	assert_false(ptv_ptrace_clone(&k, b, c, 0, PTV_EVENT_FORK, &sigstop));
	ptv_ptrace_setoptions(&k, b, PTV_O_TRACEFORK | PTV_O_TRACESYSGOOD);
	assert_true(ptv_ptrace_clone(&k, b, d, 0, PTV_EVENT_FORK, &sigstop));
	assert_true(sigstop);
	assert_ptr_equal(d->tracer, a);
	assert_int_equal(d->options, PTV_O_TRACEFORK | PTV_O_TRACESYSGOOD);
	/* CLONE_UNTRACED wins over TRACEFORK. */
	assert_false(ptv_ptrace_clone(&k, b, e, PTV_CLONE_UNTRACED, PTV_EVENT_FORK,
				      &sigstop));
	assert_null(e->tracer);
	(void)c;
}

static void zombie_is_reported_to_tracer_then_released(void **state)
{
	struct ptv_task *g = proc(100, 1), *p = proc(200, 100), *c = proc(300, 200);
	struct ptv_wait_req req = any_wait();
	struct ptv_wait_result res;

	(void)state;
	/* The grandparent traces the grandchild: tracer != real parent. */
	assert_int_equal(ptv_ptrace_attach(&k, g, 300, true, 0, 0), 0);
	c->held_at_exit = true;
	ptv_task_exited(&k, c, 7 << 8);
	assert_true(c->vzombie);
	assert_int_equal(fake.last_notify_why, PTV_CLD_EXITED);
	assert_int_equal(fake.last_notify_status, 7);
	fake.resumes = 0;
	assert_int_equal(ptv_wait_virtual(&k, g, &req, &res), 1);
	assert_int_equal(res.status, 7 << 8);
	assert_int_equal(res.cld_code, PTV_CLD_EXITED);
	/* Reaped by the tracer: the held exit goes on to the real parent. */
	assert_int_equal(fake.resumes, 1);
	assert_false(c->held_at_exit);
	assert_null(c->tracer);
	assert_int_equal(ptv_wait_virtual(&k, g, &req, &res), -ECHILD);
	/* Its real parent is untraced: its SIGCHLD is no concern. */
	assert_int_equal(fake.kept_exit_signals, 0);
	/*
	 * The real parent's zombie at once in Linux; the host's once the
	 * exit is over: meanwhile its wait blocks natively for it.
	 */
	assert_true(ptv_wait_model_needed(&k));
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), 2);
	assert_int_equal(res.pid, 300);
	assert_int_equal(res.status, 7 << 8);
	assert_true(res.exiting);
	ptv_task_exited(&k, c, 7 << 8);
	assert_false(ptv_wait_model_needed(&k));
	assert_int_equal(k.n_native_zombies, 1);
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), -ECHILD);
}

/*
 * A tracer's reap sends the real parent its child's exit signal, which
 * Linux keeps if the parent thread is traced (kernel/exit.c:
 * wait_task_zombie()): recorded, and the host told (its own SIGCHLD,
 * pending already, may have to stand for it).
 */
static void reap_keeps_exit_signal_of_traced_parent(void **state)
{
	struct ptv_task *g = proc(100, 1), *p = proc(200, 100), *c = proc(300, 200);
	struct ptv_wait_req req = any_wait();
	struct ptv_wait_result res;

	(void)state;
	assert_int_equal(ptv_ptrace_attach(&k, g, 200, true, 0, 0), 0);
	assert_int_equal(ptv_ptrace_attach(&k, g, 300, true, 0, 0), 0);
	c->held_at_exit = true;
	ptv_task_exited(&k, c, 7 << 8);
	assert_int_equal(fake.kept_exit_signals, 0);
	assert_int_equal(ptv_wait_virtual(&k, g, &req, &res), 1);
	assert_int_equal(res.pid, 300);
	assert_int_equal(fake.kept_exit_signals, 1);
	assert_int_equal(fake.last_kept_leader, 200);
	assert_int_equal(fake.last_kept_child, 300);
	assert_int_equal(fake.last_kept_sig, PTV_SIGCHLD);
	assert_int_equal(fake.last_kept_why, PTV_CLD_EXITED);
	assert_int_equal(fake.last_kept_status, 7);
	assert_true(p->kept_sent & (1ULL << (PTV_SIGCHLD - 1)));
}

static void real_parent_tracer_gets_one_native_report(void **state)
{
	struct ptv_task *p = proc(100, 1), *c = proc(200, 100);
	struct ptv_task *d = proc(300, 100);
	struct ptv_wait_req req = any_wait();
	struct ptv_wait_result res;

	(void)state;
	ptv_ptrace_traceme(&k, c);
	fake.wakes = 0;
	ptv_task_exited(&k, c, 0x0a00);
	/*
	 * The host made it the parent's zombie: still a tracee, which a native
	 * wait reaps (2); no SIGCHLD from the model, the host sent it.
	 */
	assert_non_null(ptv_task_find(&k.tasks, 200));
	assert_ptr_equal(c->tracer, p);
	assert_int_equal(fake.wakes, 1);
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), 2);
	assert_int_equal(res.pid, 200);
	assert_int_equal(res.status, 0x0a00);
	ptv_wait_native_reaped(&k, c);
	assert_null(ptv_task_find(&k.tasks, 200));
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), -ECHILD);

	/* A parent that autoreaps: Linux does not for a tracee, the model reports it. */
	ptv_ptrace_traceme(&k, d);
	fake.autoreap = true;
	ptv_task_exited(&k, d, 0x0b00);
	fake.autoreap = false;
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), 1);
	assert_int_equal(res.pid, 300);
	assert_int_equal(res.status, 0x0b00);
	assert_null(ptv_task_find(&k.tasks, 300));
}

/*
 * P (100) traces T (201), a thread of its child N (200), whose group-stop
 * (SIGSTOP) the host has; a WUNTRACED|WNOHANG wait for any child.
 */
static struct ptv_task *group_stop_with_traced_thread(struct ptv_task **p,
						      struct ptv_wait_req *req)
{
	struct ptv_task *n, *t;

	*p = proc(100, 1);
	n = proc(200, 100);
	t = thread(201, 200, 100);
	assert_int_equal(ptv_ptrace_attach(&k, *p, 201, true, 0, 0), 0);
	n->group_stopped = true;
	n->group_stop_sig = 19;
	*req = any_wait();
	req->options |= PTV_WSTOPPED | PTV_WNOHANG;
	return t;
}

/*
 * A thread that exited alone is out of a later group-stop in Linux
 * (PF_EXITING); held at its host exit stop, it keeps the host's stop
 * incomplete: a wait that would report the stop lets its exit go on and
 * is decided again (3), then reports the stop natively (2). Design note 43.
 */
static void group_stop_waits_for_held_thread_exit(void **state)
{
	struct ptv_task *p;
	struct ptv_wait_req req;
	struct ptv_task *t = group_stop_with_traced_thread(&p, &req);
	struct ptv_wait_result res;

	(void)state;
	t->held_at_exit = true;
	ptv_task_exited(&k, t, 5 << 8);
	assert_true(t->vzombie);
	/* Without may_defer, as before: the native wait is tried. */
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), 2);
	assert_int_equal(res.pid, 200);
	assert_true(t->held_at_exit);
	req.may_defer = true;
	fake.resumes = 0;
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), 3);
	assert_int_equal(fake.resumes, 1);
	assert_false(t->held_at_exit);
	/* Until the host has it gone, still 3, with no second resume. */
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), 3);
	assert_int_equal(fake.resumes, 1);
	ptv_task_exited(&k, t, 5 << 8);
	assert_true(t->host_gone);
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), 2);
	assert_int_equal(res.pid, 200);
	assert_int_equal(res.cld_code, PTV_CLD_STOPPED);
	assert_int_equal(res.cld_status, 19);
}

/*
 * A thread in its virtual PTRACE_EVENT_EXIT stop is not PF_EXITING yet:
 * its group-stop is not complete (kernel/exit.c:do_exit()).
 */
static void group_stop_counts_thread_at_exit_stop(void **state)
{
	struct ptv_task *p;
	struct ptv_wait_req req;
	struct ptv_task *t = group_stop_with_traced_thread(&p, &req);
	struct ptv_wait_result res;

	(void)state;
	t->exit_seen = true;
	t->vstop = PTV_VSTOP_EVENT;
	req.may_defer = true;
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), 0);
	/* Once it is past its exit event (in no stop), the stop is complete. */
	t->vstop = PTV_VSTOP_NONE;
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), 2);
	assert_int_equal(res.pid, 200);
}

/*
 * A group's exit (SIGNAL_GROUP_EXIT) replaces its group-stop and its
 * continue: a SIGCONT then continues nothing (ptfuzz seed 340, events
 * mode).
 */
static void group_exit_ends_stop_and_continue(void **state)
{
	struct ptv_task *p;
	struct ptv_wait_req req;
	struct ptv_task *t = group_stop_with_traced_thread(&p, &req);
	struct ptv_task *n = ptv_task_find(&k.tasks, 200);

	(void)state;
	t->group_stopped = true;
	t->group_stop_sig = 19;
	assert_true(ptv_group_fully_stopped(&k, 200));
	ptv_group_exit(&k, 200);
	assert_false(n->group_stopped || t->group_stopped);
	assert_false(ptv_group_fully_stopped(&k, 200));
	ptv_group_sigcont(&k, 200);
	assert_false(n->vcontinued || t->vcontinued);

	/* A continue already noted is gone with it. */
	n->group_stopped = t->group_stopped = true;
	ptv_group_sigcont(&k, 200);
	assert_true(n->vcontinued && t->vcontinued);
	ptv_group_exit(&k, 200);
	assert_false(n->vcontinued || t->vcontinued);
}

/*
 * PTRACE_ATTACH's SIGSTOP flushes SIGCONT from the group's queues
 * (prepare_signal()): one the supervisor keeps for a thread in a
 * ptrace-stop goes; a SEIZE sends nothing and keeps it (ptfuzz seed 681).
 */
static void attach_sigstop_flushes_kept_sigcont(void **state)
{
	struct ptv_task *p = proc(100, 1), *n = proc(200, 100);
	struct ptv_task *t = thread(201, 200, 100);

	(void)state;
	t->sigcont_deferred = true;
	n->sigcont_named = 201;
	assert_int_equal(ptv_ptrace_attach(&k, p, 200, true, 0, 0), 0);
	assert_true(t->sigcont_deferred);
	assert_int_equal(n->sigcont_named, 201);
	ptv_ptrace_detach(&k, n, 0);
	assert_int_equal(ptv_ptrace_attach(&k, p, 200, false, 0, 0), 0);
	assert_false(t->sigcont_deferred);
	assert_int_equal(n->sigcont_named, 0);
	assert_true(n->sigcont_flushed);
}

/*
 * A group-stop that begins while a thread is in a ptrace-stop sets its
 * TIF_SIGPENDING (do_signal_stop(), signal_wake_up()): only a call it runs
 * once resumed from a syscall-entry or seccomp stop sees it; any other stop
 * passes get_signal() first. A new stop forgets it (ptfuzz seed 707).
 */
static void group_stop_wakes_thread_in_ptrace_stop(void **state)
{
	struct ptv_task *p = proc(100, 1), *n = proc(200, 100);
	struct ptv_task *t = thread(201, 200, 100);

	(void)state;
	assert_int_equal(ptv_ptrace_attach(&k, p, 201, false, 0, 0), 0);
	ptv_vstop_syscall(&k, t, true);
	ptv_group_stop_begins(&k, n);
	assert_true(t->woken_in_vstop);
	assert_false(n->woken_in_vstop);
	assert_int_equal(ptv_ptrace_resume(&k, t, PTV_VRESUME_SINGLESTEP, 0), 0);
	assert_true(t->sigpending_at_resume);
	assert_false(t->woken_in_vstop);

	/* Not from a signal-delivery-stop. */
	ptv_vstop_signal(&k, t, PTV_SIGTRAP);
	ptv_group_stop_begins(&k, n);
	assert_int_equal(ptv_ptrace_resume(&k, t, PTV_VRESUME_SINGLESTEP, 0), 0);
	assert_false(t->sigpending_at_resume);

	/* From a seccomp stop, yes; not once a new stop has begun. */
	ptv_vstop_event(&k, t, PTV_EVENT_SECCOMP, 0);
	ptv_group_stop_begins(&k, n);
	assert_int_equal(ptv_ptrace_resume(&k, t, PTV_VRESUME_SYSCALL, 0), 0);
	assert_true(t->sigpending_at_resume);
	ptv_group_stop_begins(&k, n);	/* running: nothing kept */
	assert_false(t->woken_in_vstop);
	ptv_vstop_syscall(&k, t, true);
	assert_int_equal(ptv_ptrace_resume(&k, t, PTV_VRESUME_SYSCALL, 0), 0);
	assert_false(t->sigpending_at_resume);
}

/* kernel/exit.c:__do_wait(): the caller's children, then its tracees, newest first. */
static void wait_reports_in_linux_order(void **state)
{
	struct ptv_task *p = proc(100, 1), *c1 = proc(200, 100);
	struct ptv_task *c2 = proc(300, 100), *n1 = proc(400, 1);
	struct ptv_task *n2 = proc(500, 1), *t2 = ptv_task_add(&k.tasks, 301, 300);
	struct ptv_wait_req req = any_wait();
	struct ptv_wait_result res;

	(void)state;
	t2->parent_tgid = c2->parent_tgid;
	t2->parent_tid = c2->parent_tid;
	t2->seq = c2->seq + 1;
	assert_int_equal(ptv_ptrace_attach(&k, p, 400, true, 0, 0), 0);
	assert_int_equal(ptv_ptrace_attach(&k, p, 301, true, 0, 0), 0);
	assert_int_equal(ptv_ptrace_attach(&k, p, 300, true, 0, 0), 0);
	assert_int_equal(ptv_ptrace_attach(&k, p, 500, true, 0, 0), 0);
	assert_int_equal(ptv_ptrace_attach(&k, p, 200, true, 0, 0), 0);
	ptv_vstop_signal(&k, n1, PTV_SIGSTOP);
	ptv_vstop_signal(&k, n2, PTV_SIGSTOP);
	ptv_vstop_signal(&k, t2, PTV_SIGSTOP);
	ptv_vstop_signal(&k, c2, PTV_SIGSTOP);
	ptv_vstop_signal(&k, c1, PTV_SIGSTOP);
	/* Children in fork order (a thread is nobody's child)... */
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), 1);
	assert_int_equal(res.pid, 200);
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), 1);
	assert_int_equal(res.pid, 300);
	/* ...then the tracees, newest attach first. */
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), 1);
	assert_int_equal(res.pid, 500);
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), 1);
	assert_int_equal(res.pid, 301);
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), 1);
	assert_int_equal(res.pid, 400);
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), 0);
}

/*
 * An untraced child's exit, which the host keeps for its real parent, comes
 * in fork order before a later child's ready stop: the model reports it as
 * the native wait's (2), and forgets it once a native wait has reaped it.
 */
static void untraced_child_exit_keeps_its_place(void **state)
{
	struct ptv_task *p = proc(100, 1), *c1 = proc(200, 100);
	struct ptv_task *c2 = proc(300, 100);
	struct ptv_wait_req req = any_wait();
	struct ptv_wait_result res;

	(void)state;
	c1->clone_flags = PTV_SIGCHLD;
	assert_int_equal(ptv_ptrace_attach(&k, p, 300, true, 0, 0), 0);
	ptv_vstop_signal(&k, c2, PTV_SIGSTOP);
	ptv_task_exited(&k, c1, 30 << 8);
	assert_null(ptv_task_find(&k.tasks, 200));
	assert_int_equal(k.n_native_zombies, 1);
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), 2);
	assert_int_equal(res.pid, 200);
	assert_int_equal(res.status, 30 << 8);
	/* Not for a __WCLONE wait: it is not a clone child. */
	req.options = PTV_WEXITED | PTV_WCLONE;
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), 1);
	assert_int_equal(res.pid, 300);
	ptv_vstop_signal(&k, c2, PTV_SIGSTOP);
	req = any_wait();
	ptv_native_zombie_gone(&k, 200);
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), 1);
	assert_int_equal(res.pid, 300);
	assert_int_equal(k.n_native_zombies, 0);
	/* A native wait's ECHILD: none it matches is left. */
	ptv_task_exited(&k, proc(400, 100), 0);
	assert_int_equal(k.n_native_zombies, 1);
	ptv_native_zombies_none_for(&k, p, &req);
	assert_int_equal(k.n_native_zombies, 0);
	/* With no tracee in the wait, the native wait alone is exact. */
	ptv_task_exited(&k, proc(500, 100), 0);
	assert_int_equal(ptv_ptrace_detach(&k, c2, 0), 0);
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), -ECHILD);
}

/*
 * A clone(2) with flags 0 makes a child with no exit signal: a "clone"
 * child, which only a __WCLONE or __WALL wait reports (kernel/exit.c:
 * eligible_child()). (The model took flags 0 for a fork's: nested, a
 * plain waitpid() reaped such a child, scenario-nested-clone.)
 */
static void clone_child_with_no_exit_signal(void **state)
{
	struct ptv_task *p = proc(100, 1), *c1 = proc(200, 100);
	struct ptv_task *c2 = proc(300, 100);
	struct ptv_wait_req req = { .idtype = PTV_P_ALL, .options = PTV_WEXITED };
	struct ptv_wait_result res;

	(void)state;
	assert_int_equal(c2->clone_flags, PTV_SIGCHLD);	/* a fork's */
	c1->clone_flags = 0;
	assert_int_equal(ptv_ptrace_attach(&k, p, 300, true, 0, 0), 0);
	ptv_vstop_signal(&k, c2, PTV_SIGSTOP);
	ptv_task_exited(&k, c1, 30 << 8);
	assert_int_equal(k.n_native_zombies, 1);
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), 1);
	assert_int_equal(res.pid, 300);
	ptv_vstop_signal(&k, c2, PTV_SIGSTOP);
	req.options = PTV_WEXITED | PTV_WALL;
	assert_int_equal(ptv_wait_virtual(&k, p, &req, &res), 2);
	assert_int_equal(res.pid, 200);
}

/*
 * A group the supervisor kills with SIGKILL in the place of another fatal
 * signal (design note 48): its threads' SIGKILL statuses show that signal,
 * its real parent's native waits are woken to be made with an exit stop,
 * which they are until its leader is reaped; a new task with its pid ends
 * the record.
 */
static void death_in_a_signals_place(void **state)
{
	struct ptv_task *p = proc(100, 1), *c = proc(200, 100);
	struct ptv_wait_req req = any_wait();
	int wakes = fake.wakes;

	(void)state;
	thread(201, 200, 100);
	assert_false(ptv_wait_model_needed(&k));
	assert_false(ptv_wait_native_may_see_hidden(&k, p, &req));
	ptv_death_sub_set(&k, c, PTV_SIGSEGV);
	assert_int_equal(fake.wakes, wakes + 1);
	assert_int_equal(ptv_death_sig(&k, 200), PTV_SIGSEGV);
	assert_int_equal(ptv_death_status(&k, 200, PTV_SIGKILL), PTV_SIGSEGV);
	/* A thread's too; an exit or a stop stays as it is. */
	assert_int_equal(ptv_death_status(&k, 200, 0x80 | PTV_SIGKILL),
			 0x80 | PTV_SIGSEGV);
	assert_int_equal(ptv_death_status(&k, 200, 3 << 8), 3 << 8);
	assert_int_equal(ptv_death_status(&k, 300, PTV_SIGKILL), PTV_SIGKILL);
	assert_true(ptv_wait_model_needed(&k));
	assert_true(ptv_wait_native_may_see_hidden(&k, p, &req));
	/* Not for a wait that does not take exits. */
	req.options = PTV_WSTOPPED;
	assert_false(ptv_wait_native_may_see_hidden(&k, p, &req));
	req = any_wait();
	/* Its leader a native zombie, then reaped. */
	ptv_task_exited(&k, c, ptv_death_status(&k, 200, PTV_SIGKILL));
	assert_int_equal(k.n_native_zombies, 1);
	assert_int_equal(k.native_zombies[0].status, PTV_SIGSEGV);
	assert_true(ptv_wait_native_may_see_hidden(&k, p, &req));
	ptv_death_sub_done(&k, 200, true);
	ptv_native_zombie_gone(&k, 200);
	assert_false(ptv_wait_model_needed(&k));
	assert_false(ptv_wait_native_may_see_hidden(&k, p, &req));
	/* A SIGCHLD still pending tells it; a new task of the pid ends it. */
	assert_int_equal(ptv_death_sig(&k, 200), PTV_SIGSEGV);
	ptv_death_sub_done(&k, 200, false);
	assert_int_equal(ptv_death_sig(&k, 200), 0);
	assert_int_equal(k.n_death_subs, 0);
}

/*
 * kernel/exit.c:find_new_reaper(): a group's orphans go to the nearest
 * ancestor that is a child subreaper with a live thread, after its own
 * children and in their old order, with SIGCHLD as their exit signal (its
 * native zombies too); with none in the tree, to nobody the model knows.
 */
static void orphans_go_to_the_nearest_subreaper(void **state)
{
	struct ptv_task *s = proc(100, 1), *m = proc(200, 100);
	struct ptv_task *a = proc(300, m->tid), *b1 = proc(400, 300);
	struct ptv_task *b2 = proc(500, 300), *c = proc(600, 100);
	struct ptv_task *a2 = proc(700, m->tid), *d = proc(800, 700);
	struct ptv_wait_req req = any_wait();
	struct ptv_wait_result res;

	(void)state;
	s->child_subreaper = true;
	b1->clone_flags = 10;		/* exit signal SIGUSR1: a clone child */
	b2->clone_flags = PTV_SIGCHLD;
	ptv_task_exited(&k, b2, 5 << 8);	/* a native zombie of A's */
	assert_int_equal(k.n_native_zombies, 1);
	a->exit_seen = true;
	ptv_task_exited(&k, a, 0);
	assert_int_equal(b1->parent_tgid, 100);
	assert_int_equal(b1->parent_tid, 100);
	assert_true(b1->child_seq > c->child_seq);
	assert_int_equal(b1->clone_flags & 0xff, PTV_SIGCHLD);
	assert_int_equal(k.native_zombies[0].parent_tgid, 100);
	assert_true(k.native_zombies[0].seq > b1->child_seq);
	/* S's wait (it traces C, not ready): B2's exit, the native wait's. */
	assert_int_equal(ptv_ptrace_attach(&k, s, 600, true, 0, 0), 0);
	assert_int_equal(ptv_wait_virtual(&k, s, &req, &res), 2);
	assert_int_equal(res.pid, 500);
	assert_int_equal(res.status, 5 << 8);
	/* No subreaper: D leaves the model's tree. */
	s->child_subreaper = false;
	ptv_task_exited(&k, a2, 0);
	assert_int_equal(d->parent_tgid, 0);
	assert_null(ptv_real_parent(&k, d));
}

/*
 * A tracee's zombie orphaned to its tracer's group: one report, by the
 * native wait (the host made it the tracer's zombie); a held exit is let
 * go then, and the wait blocks until the host has finished it.
 */
static void zombie_orphaned_to_its_tracer_is_reported_once(void **state)
{
	struct ptv_task *s = proc(100, 1), *a = proc(200, 100);
	struct ptv_task *b = proc(300, 200), *h = proc(400, 200);
	struct ptv_wait_req req = any_wait();
	struct ptv_wait_result res;

	(void)state;
	s->child_subreaper = true;
	assert_int_equal(ptv_ptrace_attach(&k, s, 300, true, 0, 0), 0);
	assert_int_equal(ptv_ptrace_attach(&k, s, 400, true, 0, 0), 0);
	ptv_task_exited(&k, b, 9);		/* killed: no exit stop */
	h->held_at_exit = true;
	ptv_task_exited(&k, h, 7 << 8);		/* exited: held */
	assert_true(b->vzombie && h->vzombie);
	fake.resumes = 0;
	ptv_task_exited(&k, a, 0);
	assert_true(b->native_reap && h->native_reap);
	assert_false(h->held_at_exit);
	assert_int_equal(fake.resumes, 1);	/* h's exit goes on */
	/* A's own exit first (an older child), then B and H. */
	assert_int_equal(ptv_wait_virtual(&k, s, &req, &res), 2);
	assert_int_equal(res.pid, 200);
	ptv_native_zombie_gone(&k, 200);
	assert_int_equal(ptv_wait_virtual(&k, s, &req, &res), 2);
	assert_int_equal(res.pid, 300);
	assert_false(res.exiting);
	ptv_wait_native_reaped(&k, b);
	assert_int_equal(ptv_wait_virtual(&k, s, &req, &res), 2);
	assert_int_equal(res.pid, 400);
	assert_true(res.exiting);
	ptv_task_exited(&k, h, 7 << 8);		/* the host is done */
	ptv_wait_native_reaped(&k, h);
	assert_int_equal(ptv_wait_virtual(&k, s, &req, &res), -ECHILD);
}

static void tracer_exit_detaches_and_exitkills(void **state)
{
	struct ptv_task *a = proc(100, 1), *b = proc(200, 1), *c = proc(300, 1);

	(void)state;
	ptv_ptrace_attach(&k, a, 200, true, 0, PTV_O_EXITKILL);
	ptv_ptrace_attach(&k, a, 300, true, 0, 0);
	ptv_vstop_signal(&k, c, PTV_SIGUSR1);
	fake.signals = 0;
	fake.resumes = 0;
	ptv_ptrace_tracer_exit(&k, a);
	assert_int_equal(fake.signals, 1);
	assert_int_equal(fake.last_signal, PTV_SIGKILL);
	assert_int_equal(fake.last_signal_tid, 200);
	/* The stopped tracee carries on with its unreported signal. */
	assert_int_equal(fake.resumes, 1);
	assert_int_equal(fake.last_resume_tid, 300);
	assert_int_equal(fake.last_resume_sig, PTV_SIGUSR1);
	assert_null(b->tracer);
	assert_null(c->tracer);
	assert_null(k.traced);
}

static void detach_validates_signal_and_resumes(void **state)
{
	struct ptv_task *a = proc(100, 1), *b = proc(200, 100);

	(void)state;
	(void)a;
	ptv_ptrace_traceme(&k, b);
	ptv_vstop_signal(&k, b, PTV_SIGUSR1);
	assert_int_equal(ptv_ptrace_detach(&k, b, 65), -EIO);
	assert_non_null(b->tracer);
	assert_int_equal(ptv_ptrace_detach(&k, b, PTV_SIGUSR2), 0);
	assert_null(b->tracer);
	assert_int_equal(fake.last_resume_sig, PTV_SIGUSR2);
	assert_int_equal(b->options, 0);
}

/*
 * A fatal signal given at a detach from a syscall stop is sent once the
 * task is untraced: Linux kills its group at once, the supervisor with
 * SIGKILL in its place (design note 48). Not from a signal-delivery-stop,
 * where it is dequeued already, nor when it would not kill at once.
 */
static void detach_fatal_at_syscall_stop_kills_group(void **state)
{
	struct ptv_task *a = proc(100, 1), *b = proc(200, 100);

	(void)state;
	(void)a;
	ptv_ptrace_traceme(&k, b);
	ptv_vstop_syscall(&k, b, true);
	fake.signals = 0;
	assert_int_equal(ptv_ptrace_detach(&k, b, PTV_SIGTERM), 0);
	assert_int_equal(fake.signals, 0);
	assert_int_equal(fake.last_resume_sig, PTV_SIGTERM);
	assert_int_equal(ptv_death_sig(&k, 200), 0);

	fake.kills_group = true;
	ptv_ptrace_traceme(&k, b);
	ptv_vstop_signal(&k, b, PTV_SIGUSR1);
	assert_int_equal(ptv_ptrace_detach(&k, b, PTV_SIGTERM), 0);
	assert_int_equal(fake.signals, 0);
	assert_int_equal(ptv_death_sig(&k, 200), 0);

	ptv_ptrace_traceme(&k, b);
	ptv_vstop_syscall(&k, b, false);
	assert_int_equal(ptv_ptrace_detach(&k, b, PTV_SIGTERM), 0);
	assert_int_equal(fake.signals, 1);
	assert_int_equal(fake.last_signal, PTV_SIGKILL);
	assert_int_equal(fake.last_resume_sig, 0);
	assert_int_equal(ptv_death_sig(&k, 200), PTV_SIGTERM);
	fake.kills_group = false;
}

static void yama_relational_needs_ancestry_or_exception(void **state)
{
	struct ptv_task *g = proc(100, 1), *p = proc(200, 100), *c = proc(300, 200);
	struct ptv_task *x = proc(400, 1);

	(void)state;
	k.yama = PTV_YAMA_RELATIONAL;
	/* An unrelated process may not attach; an ancestor may. */
	assert_int_equal(ptv_ptrace_attach(&k, x, 300, true, 0, 0), -EPERM);
	assert_int_equal(ptv_ptrace_attach(&k, g, 300, true, 0, 0), 0);
	assert_int_equal(ptv_ptrace_detach(&k, c, 0), 0);
	/* PR_SET_PTRACER names the unrelated one. */
	assert_int_equal(ptv_yama_set_ptracer(&k, c, 400), 0);
	assert_int_equal(ptv_ptrace_attach(&k, x, 300, true, 0, 0), 0);
	assert_int_equal(ptv_yama_set_ptracer(&k, c, 999), -EINVAL);
	/* Scope 3: nothing attaches, TRACEME fails. */
	ptv_ptrace_detach(&k, c, 0);
	k.yama = PTV_YAMA_NO_ATTACH;
	assert_int_equal(ptv_ptrace_attach(&k, g, 300, true, 0, 0), -EPERM);
	assert_int_equal(ptv_ptrace_traceme(&k, c), -EPERM);
	/* Scope 2: CAP_SYS_PTRACE only. */
	k.yama = PTV_YAMA_CAPABILITY;
	assert_int_equal(ptv_ptrace_attach(&k, g, 300, true, 0, 0), -EPERM);
	fake.capable = true;
	assert_int_equal(ptv_ptrace_attach(&k, g, 300, true, 0, 0), 0);
	(void)p;
}

/*
 * Yama asks for CAP_SYS_PTRACE in the tracee's user namespace ("ns_capable(
 * __task_cred(child)->user_ns, ...)"; for PTRACE_TRACEME at scope 2,
 * "has_ns_capability(parent, current_user_ns(), ...)"), and
 * PTRACE_O_SUSPEND_SECCOMP for CAP_SYS_ADMIN in the initial one.
 */
static void capabilities_are_asked_in_the_right_user_namespace(void **state)
{
	struct ptv_task *g = proc(100, 1), *p = proc(200, 100), *c = proc(300, 200);

	(void)state;
	k.yama = PTV_YAMA_RELATIONAL;
	assert_int_equal(ptv_ptrace_attach(&k, c, 200, true, 0, 0), -EPERM);
	assert_int_equal(fake.capable_who, 300);
	assert_int_equal(fake.capable_ns_of, 200);
	assert_int_equal(fake.capable_cap, 19);
	k.yama = PTV_YAMA_CAPABILITY;
	fake.capable = true;
	assert_int_equal(ptv_ptrace_attach(&k, g, 300, true, 0, 0), 0);
	assert_int_equal(fake.capable_who, 100);
	assert_int_equal(fake.capable_ns_of, 300);
	assert_int_equal(ptv_ptrace_detach(&k, c, 0), 0);
	fake.capable_who = fake.capable_ns_of = -1;
	assert_int_equal(ptv_ptrace_traceme(&k, c), 0);
	assert_int_equal(fake.capable_who, 200);
	assert_int_equal(fake.capable_ns_of, 300);
	k.yama = PTV_YAMA_OFF;
	assert_int_equal(ptv_ptrace_seize_check(&k, p, 0,
						PTV_O_SUSPEND_SECCOMP), 0);
	assert_int_equal(fake.capable_who, 200);
	assert_int_equal(fake.capable_ns_of, 0);
	assert_int_equal(fake.capable_cap, 21);
}

static void no_yama_means_set_ptracer_is_einval(void **state)
{
	struct ptv_task *c = proc(300, 1);

	(void)state;
	assert_int_equal(ptv_yama_set_ptracer(&k, c, PTV_PTRACER_ANY), -EINVAL);
}

/*
 * Ignored signals pending at an attach are taken for ones Linux discarded
 * when they were sent, less those whose sending the supervisor saw
 * (kept_sent, discard_sent: the group's; kept_own: the thread's), which
 * are told apart when dequeued.
 */
static void attach_discards_only_unseen_ignored_signals(void **state)
{
	/* SIGURG 23, SIGWINCH 28 */
	const uint64_t urg = 1ULL << (23 - 1), winch = 1ULL << (28 - 1);
	struct ptv_task *a = proc(100, 1), *b = proc(200, 1), *c = proc(300, 1);

	(void)state;
	fake.pending_ignored = urg | winch;
	fake.pending_twice = urg;
	b->kept_sent = urg;
	assert_int_equal(ptv_ptrace_attach(&k, a, 200, true, 0, 0), 0);
	/* Two SIGURG pending, one seen kept: one is still to discard. */
	assert_int_equal(b->discard_sigs, urg | winch);
	assert_int_equal(b->discard_twice, 0);

	c->kept_own = urg;
	c->kept_sent = urg;
	c->discard_sent = winch;
	assert_int_equal(ptv_ptrace_attach(&k, a, 300, true, 0, 0), 0);
	/* Both SIGURG seen kept; the SIGWINCH is the group's, seen. */
	assert_int_equal(c->discard_sigs, 0);
	assert_int_equal(c->discard_twice, 0);
}

static bool no_sigkill(void *ctx, const struct ptv_task *t)
{
	(void)ctx; (void)t;
	return false;
}

static bool sigkill(void *ctx, const struct ptv_task *t)
{
	(void)ctx; (void)t;
	return true;
}

/*
 * A leader traced by its real parent A, killed while its thread, traced
 * by another process Y, is a zombie Y has not reaped: the host makes it
 * A's zombie (native_reap), Linux delays its death (delay_group_leader()).
 * A's wait for -1 could reap it natively and has nothing ready: its
 * WNOHANG form returns 0 (syscalls/wait.c). Y's wait could not reap it.
 * Once Y reaps the thread, the leader is A's to report, as a native wait
 * reports it.
 */
static void wait_for_any_could_reap_delayed_leader(void **state)
{
	struct ptv_task *a = proc(100, 1), *n = proc(200, 100);
	struct ptv_task *y = proc(300, 100);
	struct ptv_task *t = thread(201, 200, 100);
	struct ptv_wait_req req = any_wait();
	struct ptv_wait_result res;

	(void)state;
	assert_int_equal(ptv_ptrace_attach(&k, y, 201, true, 0, 0), 0);
	assert_int_equal(ptv_ptrace_attach(&k, a, 200, true, 0, 0), 0);
	ptv_task_exited(&k, t, 0);
	assert_true(t->vzombie);
	assert_false(ptv_wait_may_reap_delayed_zombie(&k, a, &req));
	ptv_task_exited(&k, n, PTV_SIGKILL);
	assert_true(n->native_reap);
	assert_true(ptv_wait_may_reap_delayed_zombie(&k, a, &req));
	assert_false(ptv_wait_may_reap_delayed_zombie(&k, y, &req));
	/* Not for a wait that cannot match it. */
	req.idtype = PTV_P_PID;
	req.id = 300;
	assert_false(ptv_wait_may_reap_delayed_zombie(&k, a, &req));
	req = any_wait();
	req.options = PTV_WSTOPPED | PTV_WALL;
	assert_false(ptv_wait_may_reap_delayed_zombie(&k, a, &req));
	req = any_wait();
	assert_int_equal(ptv_wait_virtual(&k, a, &req, &res), 0);
	/*
	 * A's blocking wait sleeps in pause(2) for it (syscalls/wait.c): a
	 * zombie of any other child of A's wakes it, not one of Y's.
	 */
	a->wait_for_children = true;
	k.children_waits = true;
	fake.wakes = 0;
	ptv_task_exited(&k, proc(400, 300), 0);
	assert_int_equal(fake.wakes, 0);
	ptv_task_exited(&k, proc(500, 100), 3 << 8);
	assert_int_equal(fake.wakes, 1);
	assert_int_equal(ptv_wait_virtual(&k, a, &req, &res), 2);
	assert_int_equal(res.pid, 500);
	assert_int_equal(res.status, 3 << 8);
	a->wait_for_children = false;
	/* Y reaps the thread: the leader's death is reported now. */
	req.idtype = PTV_P_PID;
	req.id = 201;
	assert_int_equal(ptv_wait_virtual(&k, y, &req, &res), 1);
	assert_int_equal(res.pid, 201);
	req = any_wait();
	assert_false(ptv_wait_may_reap_delayed_zombie(&k, a, &req));
	assert_int_equal(ptv_wait_virtual(&k, a, &req, &res), 2);
	assert_int_equal(res.pid, 200);
}

/*
 * An untraced leader C whose thread T its parent A traces: T exits first,
 * its exit held for A; the host then reports C too, once T's exit has gone
 * on (a wait that reaps T lets it go on first: finish_thread_exit()), and
 * the model notes C's native zombie. Linux reports T first and C only once
 * T is reaped (delay_group_leader()); a wait decided in between (a
 * loaded host collects both exits before it) reported C (ptfuzz seed 103,
 * step 2890, about 1 run in 30 under load).
 */
static void native_zombie_leader_waits_for_traced_thread(void **state)
{
	struct ptv_task *a = proc(100, 1), *c = proc(200, 100);
	struct ptv_task *t = thread(201, 200, 100);
	struct ptv_wait_req req = any_wait();
	struct ptv_wait_result res;

	(void)state;
	assert_int_equal(ptv_ptrace_attach(&k, a, 201, true, 0, 0), 0);
	t->held_at_exit = true;
	ptv_task_exited(&k, t, 32 << 8);
	assert_true(t->vzombie);
	/* The thread's exit goes on; the host reports the leader's. */
	ptv_task_exited(&k, t, 32 << 8);
	ptv_task_exited(&k, c, 32 << 8);
	assert_int_equal(ptv_wait_virtual(&k, a, &req, &res), 1);
	assert_int_equal(res.pid, 201);
	/* T reaped, no tracee is left: the native wait alone reports C. */
	assert_int_equal(ptv_wait_virtual(&k, a, &req, &res), -ECHILD);
}

/*
 * delay_group_leader(): an untraced leader that exits while a traced
 * thread of its group is a zombie its tracer has not reaped (killed, its
 * hold at its exit ended, or to be) is held at its exit, and let go when the
 * tracer's wait reaps the thread: resumed, its parent's zombie noted as
 * still exiting on the host.
 */
static void untraced_leader_held_until_thread_reaped(void **state)
{
	struct ptv_task *a = proc(100, 1), *n = proc(200, 100);
	struct ptv_task *t = thread(201, 200, 100);
	struct ptv_wait_req req = any_wait();
	struct ptv_wait_result res;

	(void)state;
	assert_false(ptv_leader_exit_delayed(&k, n, no_sigkill, NULL));
	assert_int_equal(ptv_ptrace_attach(&k, a, 201, true, 0, 0), 0);
	/*
	 * Held at its exit, it keeps the host from reporting the leader,
	 * unless a SIGKILL (a group exit) is to end that hold.
	 */
	t->held_at_exit = true;
	ptv_task_exited(&k, t, 5 << 8);
	assert_true(t->vzombie);
	assert_false(ptv_leader_exit_delayed(&k, n, no_sigkill, NULL));
	assert_true(ptv_leader_exit_delayed(&k, n, sigkill, NULL));
	/* The SIGKILL ended the hold: dead on the host, still unreaped. */
	ptv_task_exited(&k, t, PTV_SIGKILL);
	assert_false(t->held_at_exit);
	assert_true(t->vzombie);
	assert_true(ptv_leader_exit_delayed(&k, n, no_sigkill, NULL));
	ptv_leader_exit_hold(&k, n, PTV_SIGKILL);
	/* A zombie in Linux: no attaching to it. */
	assert_int_equal(ptv_ptrace_attach(&k, a, 200, true, 0, 0), -EPERM);
	fake.resumes = 0;
	ptv_leaders_release(&k);
	assert_int_equal(fake.resumes, 0);
	assert_int_equal(n->leader_hold, PTV_LEADER_HELD);
	assert_false(ptv_wait_model_needed(&k));
	req.idtype = PTV_P_PID;
	req.id = 201;
	assert_int_equal(ptv_wait_virtual(&k, a, &req, &res), 1);
	assert_int_equal(res.pid, 201);
	assert_int_equal(fake.resumes, 1);
	assert_int_equal(fake.last_resume_tid, 200);
	assert_int_equal(n->leader_hold, PTV_LEADER_RELEASED);
	assert_int_equal(n->host_state, PTV_HOST_EXITING);
	/* Its parent's wait for it blocks the moment for the host's exit. */
	assert_true(ptv_wait_model_needed(&k));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(traceme_links_real_parent),
		T(untraced_leader_held_until_thread_reaped),
		T(wait_for_any_could_reap_delayed_leader),
		T(native_zombie_leader_waits_for_traced_thread),
		T(traceme_without_guest_parent_fails),
		T(attach_checks_in_linux_order),
		T(requests_need_a_stopped_tracee_of_the_caller),
		T(signal_stop_is_reported_once_then_resumed),
		T(wnowait_leaves_the_event),
		T(wait_selects_by_pid_and_thread),
		T(seized_group_stop_is_an_event_stop_and_listens),
		T(attached_group_stop_is_a_plain_stop),
		T(syscall_stops_honour_sysgood),
		T(clone_auto_attaches_with_options),
		T(zombie_is_reported_to_tracer_then_released),
		T(group_stop_waits_for_held_thread_exit),
		T(group_stop_counts_thread_at_exit_stop),
		T(group_exit_ends_stop_and_continue),
		T(group_stop_wakes_thread_in_ptrace_stop),
		T(attach_sigstop_flushes_kept_sigcont),
		T(wait_reports_in_linux_order),
		T(untraced_child_exit_keeps_its_place),
		T(clone_child_with_no_exit_signal),
		T(death_in_a_signals_place),
		T(real_parent_tracer_gets_one_native_report),
		T(reap_keeps_exit_signal_of_traced_parent),
		T(orphans_go_to_the_nearest_subreaper),
		T(zombie_orphaned_to_its_tracer_is_reported_once),
		T(tracer_exit_detaches_and_exitkills),
		T(detach_validates_signal_and_resumes),
		T(detach_fatal_at_syscall_stop_kills_group),
		T(yama_relational_needs_ancestry_or_exception),
		T(capabilities_are_asked_in_the_right_user_namespace),
		T(no_yama_means_set_ptracer_is_einval),
		T(attach_discards_only_unseen_ignored_signals),
	};

	return cmocka_run_group_tests_name("virtual ptrace", tests, NULL, NULL);
}
