/*
 * A libFuzzer target for the virtual ptrace state machine (src/kernel/):
 * the input is decoded into a sequence of operations on the model through
 * its public API, in the orders the loop uses them (loop/loop.c), against a
 * fake host; after every step the model's invariants are checked:
 *   - a tracee's tracer is a task of the table, of another thread group;
 *   - the traced list holds exactly the tasks that have a tracer, once each,
 *     with consistent links;
 *   - a virtual zombie, a virtual stop, a listening tracee all have a tracer;
 *   - a task the loop has not seen die is never freed by the model;
 *   - a wait reports only a task traced by the waiter's thread group (one
 *     thread with __WNOTHREAD), matching the request, with a sane status.
 * Built with clang -fsanitize=fuzzer,address,undefined by kernel_fuzz.sh;
 * with -DKERNEL_FUZZ_MAIN it has its own main() that runs seeded random
 * inputs (and any files named on the command line), for any compiler.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/abi.h"
#include "kernel/ptrace.h"
#include "../unit/fake_host.h"

#define MAX_TIDS 16
#define TID_BASE 100

static void __attribute__((noreturn, format(printf, 1, 2))) broken(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kernel_fuzz: invariant broken: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* ---- input ---- */
struct input {
	const uint8_t *data;
	size_t size, pos;
};

static unsigned byte(struct input *in)
{
	return in->pos < in->size ? in->data[in->pos++] : 0;
}

static uint64_t word(struct input *in)
{
	uint64_t w = 0;

	for (int i = 0; i < 4; i++)
		w = (w << 8) | byte(in);
	return w;
}

/* ---- the fake host ---- */
static struct {
	bool deny_attach, deny_traceme, capable, zombie, own_seccomp, autoreap;
	bool kills_group;
} host;

static int f_resume(void *ctx, struct ptv_task *t, enum ptv_vresume how,
		    int sig, bool signal_stop, ptv_tid_t sender)
{
	(void)ctx; (void)how; (void)signal_stop; (void)sender;
	if (sig < 0 || sig > PTV_NSIG)
		broken("[%d] resumed with signal %d", t->tid, sig);
	return 0;
}
static int f_interrupt(void *ctx, struct ptv_task *t)
{
	(void)ctx; (void)t;
	return 0;
}
static int f_send_signal(void *ctx, struct ptv_task *t, int sig)
{
	(void)ctx;
	if (sig <= 0 || sig > PTV_NSIG)
		broken("[%d] sent signal %d", t->tid, sig);
	return 0;
}
static bool f_kills_group(void *ctx, struct ptv_task *t, int sig)
{
	(void)ctx;
	if (sig <= 0 || sig > PTV_NSIG)
		broken("[%d] kills_group_at_once(%d)", t->tid, sig);
	return host.kills_group;
}
static void f_notify(void *ctx, struct ptv_task *parent, struct ptv_task *child,
		     int why, int status)
{
	(void)ctx; (void)status;
	if (parent == NULL || child == NULL || why < PTV_CLD_EXITED ||
	    why > PTV_CLD_CONTINUED)
		broken("notify_parent(%p, %p, %d)", (void *)parent,
		       (void *)child, why);
}
static void f_exit_signal_kept(void *ctx, struct ptv_task *leader,
			       struct ptv_task *child, int sig, int why,
			       int status)
{
	(void)ctx; (void)status;
	if (leader == NULL || child == NULL || leader->tid != leader->tgid ||
	    sig <= 0 || sig > PTV_NSIG || why < PTV_CLD_EXITED ||
	    why > PTV_CLD_DUMPED)
		broken("exit_signal_kept(%p, %p, %d, %d)", (void *)leader,
		       (void *)child, sig, why);
}
static void f_wake(void *ctx, ptv_tid_t tgid)
{
	(void)ctx; (void)tgid;
}
static int f_pgid(void *ctx, struct ptv_task *t)
{
	(void)ctx;
	return t->tgid & ~1;	/* two groups share a process group */
}
static int f_may_attach(void *ctx, struct ptv_task *a, struct ptv_task *b)
{
	(void)ctx; (void)a; (void)b;
	return host.deny_attach ? -EPERM : 0;
}
static int f_may_traceme(void *ctx, struct ptv_task *a, struct ptv_task *b)
{
	(void)ctx; (void)a; (void)b;
	return host.deny_traceme ? -EPERM : 0;
}
static bool f_capable(void *ctx, struct ptv_task *t, struct ptv_task *ns_of,
		      int cap)
{
	(void)ctx; (void)t; (void)ns_of; (void)cap;
	return host.capable;
}
static bool f_is_zombie(void *ctx, struct ptv_task *t)
{
	(void)ctx; (void)t;
	return host.zombie;
}
static bool f_own_seccomp(void *ctx, struct ptv_task *t)
{
	(void)ctx; (void)t;
	return host.own_seccomp;
}
static bool f_autoreaped(void *ctx, struct ptv_task *parent)
{
	(void)ctx; (void)parent;
	return host.autoreap;
}

static const struct ptv_host_iface fake_iface = {
	.resume = f_resume, .interrupt = f_interrupt,
	.send_signal = f_send_signal, .kills_group_at_once = f_kills_group,
	.notify_parent = f_notify,
	.exit_signal_kept = f_exit_signal_kept,
	.wake_waiters = f_wake, .pgid_of = f_pgid,
	.may_attach = f_may_attach, .may_traceme = f_may_traceme,
	.capable = f_capable, .is_zombie = f_is_zombie,
	.has_own_seccomp = f_own_seccomp, .autoreaped = f_autoreaped, .still_stopped = fake_host_still_stopped,
	.pending_ignored = fake_host_pending_ignored, .log = fake_host_log,
};

/* ---- invariants ---- */

/* Tids the loop still knows alive or not yet released: the model may not
   free them (only tasks whose host death was reported may go). */
static bool seen_dead[MAX_TIDS];

static void check_invariants(struct ptv_kernel *k)
{
	size_t listed = 0, with_tracer = 0, cursor = 0;
	struct ptv_task *t;

	for (t = k->traced; t; t = t->traced_next) {
		if (++listed > k->tasks.count)
			broken("traced list longer than the table (a cycle?)");
		if (ptv_task_find(&k->tasks, t->tid) != t)
			broken("[%d] on the traced list but not in the table",
			       t->tid);
		if (t->tracer == NULL)
			broken("[%d] on the traced list without a tracer", t->tid);
		if (t->traced_next && t->traced_next->traced_prev != t)
			broken("[%d] traced list links disagree", t->tid);
		if (t->traced_prev == NULL && k->traced != t)
			broken("[%d] traced list head wrong", t->tid);
	}
	while ((t = ptv_tasks_next(&k->tasks, &cursor))) {
		int idx = t->tid - TID_BASE;

		if (idx < 0 || idx >= MAX_TIDS)
			broken("unknown tid %d in the table", t->tid);
		if (t->tracer) {
			with_tracer++;
			if (ptv_task_find(&k->tasks, t->tracer->tid) != t->tracer)
				broken("[%d] traced by %d, which is not in the table",
				       t->tid, t->tracer->tid);
			if (t->tracer->tgid == t->tgid)
				broken("[%d] (group %d) traced by %d of its own "
				       "thread group", t->tid, t->tgid,
				       t->tracer->tid);
		} else {
			if (t->vzombie)
				broken("[%d] virtual zombie without a tracer", t->tid);
			if (t->vstop != PTV_VSTOP_NONE)
				broken("[%d] virtual stop %d without a tracer",
				       t->tid, t->vstop);
			if (t->listening)
				broken("[%d] listening without a tracer", t->tid);
		}
		if (t->vzombie && t->vstop != PTV_VSTOP_NONE)
			broken("[%d] a virtual zombie in a virtual stop", t->tid);
	}
	if (listed != with_tracer)
		broken("%zu tasks listed as traced, %zu have a tracer", listed,
		       with_tracer);
}

/* ---- the run ---- */

struct run {
	struct ptv_kernel k;
	bool present[MAX_TIDS];	/* added by the loop and not yet removed */
};

static struct ptv_task *pick_task(struct run *r, struct input *in)
{
	unsigned b = byte(in);

	for (unsigned i = 0; i < MAX_TIDS; i++) {
		unsigned idx = (b + i) % MAX_TIDS;
		struct ptv_task *t;

		if (!r->present[idx])
			continue;
		t = ptv_task_find(&r->k.tasks, (ptv_tid_t)(TID_BASE + idx));
		if (t == NULL) {
			/* released by the model: only after its death */
			if (!seen_dead[idx])
				broken("[%u] freed before its death was seen",
				       TID_BASE + idx);
			r->present[idx] = false;
			continue;
		}
		return t;
	}
	return NULL;
}

static ptv_tid_t pick_pid(struct input *in)
{
	unsigned b = byte(in);

	if (b < 200)
		return (ptv_tid_t)(TID_BASE + b % MAX_TIDS);
	if (b < 220)
		return 0;
	if (b < 240)
		return -1;
	return (ptv_tid_t)(TID_BASE + MAX_TIDS + b);
}

static void op_add(struct run *r, struct input *in)
{
	unsigned idx = byte(in) % MAX_TIDS;
	ptv_tid_t tid = (ptv_tid_t)(TID_BASE + idx);
	struct ptv_task *parent = pick_task(r, in), *t, *leader;
	bool thread = byte(in) & 1;

	struct ptv_task *o;
	size_t cursor = 0;

	if (r->present[idx] || ptv_task_find(&r->k.tasks, tid))
		return;
	/* Linux keeps a thread group's id while any of its threads lives. */
	while ((o = ptv_tasks_next(&r->k.tasks, &cursor)))
		if (o->tgid == tid)
			return;
	leader = thread && parent ? parent : NULL;
	/* A pid comes back only once its native zombie is gone (loop.c). */
	ptv_native_zombie_gone(&r->k, tid);
	t = ptv_task_add(&r->k.tasks, tid, leader ? leader->tgid : tid);
	if (t == NULL)
		abort();
	r->present[idx] = true;
	seen_dead[idx] = false;
	t->attached = true;
	t->skipped_nr = -1;
	if (leader) {
		t->parent_tid = leader->parent_tid;
		t->parent_tgid = leader->parent_tgid;
	} else if (parent) {
		t->parent_tid = parent->tid;
		t->parent_tgid = parent->tgid;
	} else {
		t->parent_tid = t->parent_tgid = 1;
	}
	/* A clone by @parent: the auto-attach rules. */
	if (parent && (byte(in) & 1)) {
		static const int events[] = { PTV_EVENT_FORK, PTV_EVENT_VFORK,
					      PTV_EVENT_CLONE };
		bool sigstop;
		uint64_t flags = (byte(in) & 1) ? PTV_CLONE_PTRACE : 0;

		if (byte(in) & 1)
			flags |= PTV_CLONE_UNTRACED;
		if (thread)
			flags |= PTV_CLONE_THREAD;
		t->clone_flags = flags;
		ptv_ptrace_clone(&r->k, parent, t, flags,
				 events[byte(in) % 3], &sigstop);
	}
}

/*
 * Can @t make a system call now? Not once it is exiting, held at its
 * exit, a zombie or in a ptrace-stop.
 */
static bool can_call(const struct ptv_task *t)
{
	return !t->host_gone && t->host_state != PTV_HOST_EXITING &&
	       !t->vzombie && !t->held_at_exit && t->vstop == PTV_VSTOP_NONE;
}

/* The host reports @t's death (loop.c:handle_exit). */
static void op_died(struct run *r, struct ptv_task *t, int status)
{
	(void)r;
	if (t->host_gone)
		return;
	seen_dead[t->tid - TID_BASE] = true;
	t->host_state = PTV_HOST_EXITING;
	t->held_at_exit = false;
	ptv_ptrace_tracer_exit(&r->k, t);
	if (t->vzombie)
		t->host_gone = true;
	else
		ptv_task_exited(&r->k, t, status);
}

/* Its PTRACE_EVENT_EXIT stop (loop.c: the exit event). */
static void op_exit_event(struct run *r, struct ptv_task *t, int status)
{
	struct ptv_task *parent, *o;
	size_t cursor = 0;
	bool hold, threads = false;

	if (t->tracer == NULL || t->host_gone || t->vzombie ||
	    t->vstop != PTV_VSTOP_NONE || t->held_at_exit)
		return;
	while ((o = ptv_tasks_next(&r->k.tasks, &cursor)))
		if (o != t && o->tgid == t->tgid && !o->host_gone)
			threads = true;
	parent = ptv_real_parent(&r->k, t);
	hold = t->tid == t->tgid && !threads &&
	       (parent == NULL || parent->tgid != t->tracer->tgid);
	t->held_at_exit = hold;
	if (ptv_ptrace_event_enabled(t, PTV_EVENT_EXIT)) {
		ptv_vstop_event(&r->k, t, PTV_EVENT_EXIT, (unsigned long)status);
		return;
	}
	if (hold) {
		seen_dead[t->tid - TID_BASE] = true;
		ptv_task_exited(&r->k, t, status);
	}
}

static bool can_stop(const struct ptv_task *t)
{
	return t->tracer && !t->host_gone && !t->vzombie && !t->held_at_exit &&
	       t->vstop == PTV_VSTOP_NONE;
}


static bool is_native_zombie(const struct ptv_kernel *k, ptv_tid_t tid)
{
	for (size_t i = 0; i < k->n_native_zombies; i++)
		if (k->native_zombies[i].tid == tid)
			return true;
	return false;
}

static void op_wait(struct run *r, struct ptv_task *waiter, struct input *in)
{
	static const int opts[] = { PTV_WNOHANG, PTV_WSTOPPED, PTV_WEXITED,
				    PTV_WCONTINUED, PTV_WNOWAIT, PTV_WNOTHREAD,
				    PTV_WALL, (int)PTV_WCLONE };
	struct ptv_wait_req req = { .idtype = (int)(byte(in) % 3) };
	struct ptv_wait_result res;
	struct ptv_task *target;
	unsigned bits = byte(in);
	int ret;

	for (unsigned i = 0; i < 8; i++)
		if (bits & (1u << i))
			req.options |= opts[i];
	req.id = req.idtype == PTV_P_PGID ? (ptv_tid_t)(TID_BASE + (byte(in) % MAX_TIDS & ~1u))
					  : pick_pid(in);
	memset(&res, 0, sizeof(res));
	ret = ptv_wait_virtual(&r->k, waiter, &req, &res);
	if (ret == 2) {
		/*
		 * The loop's native wait reports it: a zombie of its real
		 * parent, a continue the host has for it, or an event of a
		 * child the waiter's group does not trace.
		 */
		target = ptv_task_find(&r->k.tasks, res.pid);
		if (target == NULL) {
			if (!is_native_zombie(&r->k, res.pid))
				broken("native report of %d by %d: unknown",
				       res.pid, waiter->tid);
			if (!(req.options & PTV_WNOWAIT))
				ptv_native_zombie_gone(&r->k, res.pid);
			return;
		}
		if (ptv_real_parent(&r->k, target) == NULL ||
		    ptv_real_parent(&r->k, target)->tgid != waiter->tgid ||
		    (target->tracer && target->tracer->tgid == waiter->tgid &&
		     !((target->vzombie && target->native_reap) ||
		       (target->vcontinued &&
			ptv_wait_child_traced_by_group(&r->k, waiter, target)))))
			broken("native report of %d by %d (status %#x, "
			       "tracer %d)", res.pid, waiter->tid, res.status,
			       target->tracer ? target->tracer->tid : 0);
		if (!(req.options & PTV_WNOWAIT)) {
			ptv_tid_t tgid = target->tgid;

			if ((res.status & 0xff) == 0x7f)
				target->native_stop_taken = true;
			ptv_wait_native_reaped(&r->k, target);
			ptv_group_continued(&r->k, tgid, false);
		}
		return;
	}
	if (ret != 1) {
		if (ret != 0 && ret != -ECHILD)
			broken("wait returned %d", ret);
		return;
	}
	target = ptv_task_find(&r->k.tasks, res.pid);
	if (req.idtype == PTV_P_PID && res.pid != req.id)
		broken("wait for %d reported %d", req.id, res.pid);
	if (res.status == 0 && res.cld_code != PTV_CLD_EXITED)
		broken("wait reported %d with status 0, code %d", res.pid,
		       res.cld_code);
	if ((res.status & 0xff) == 0x7f) {
		/* A stop: the task is still traced by the waiter's group. */
		if (target == NULL || target->tracer == NULL)
			broken("wait reported a stop of untraced %d", res.pid);
		/*
		 * With __WNOTHREAD, the waiter's tracee, or its child traced by
		 * its group (do_wait_thread(): "if (!ptrace_reparented(p))
		 * ptrace = 1").
		 */
		if (target->tracer->tgid != waiter->tgid ||
		    ((req.options & PTV_WNOTHREAD) && target->tracer != waiter &&
		     ptv_real_parent(&r->k, target) != waiter))
			broken("wait by %d reported %d traced by %d", waiter->tid,
			       res.pid, target->tracer->tid);
		if (target->vstop == PTV_VSTOP_NONE)
			broken("wait reported a stop of %d, not stopped",
			       res.pid);
	} else if (res.status == 0xffff) {
		/* WCONTINUED: asked for, of a tracee of the waiter's group. */
		if (!(req.options & PTV_WCONTINUED) || res.cld_code != PTV_CLD_CONTINUED ||
		    target == NULL || target->tracer == NULL ||
		    target->tracer->tgid != waiter->tgid)
			broken("wait reported %d continued wrongly", res.pid);
	} else if (res.cld_code < PTV_CLD_EXITED || res.cld_code > PTV_CLD_DUMPED) {
		broken("wait reported %d with code %d", res.pid, res.cld_code);
	}
}

static void op_request(struct run *r, struct ptv_task *caller, unsigned op,
		       struct input *in)
{
	ptv_tid_t pid = pick_pid(in);
	struct ptv_task *t = NULL;
	bool ignore = op == 3 || op == 4;
	uint64_t arg = word(in);
	int ret;

	if (ptv_ptrace_check_attach(&r->k, caller, pid, ignore, &t) != 0)
		return;
	if (t == NULL || t->tracer != caller)
		broken("check_attach gave %d, not a tracee of %d", pid,
		       caller->tid);
	switch (op) {
	case 0: {
		static const enum ptv_vresume hows[] = {
			PTV_VRESUME_CONT, PTV_VRESUME_SYSCALL,
			PTV_VRESUME_SINGLESTEP, PTV_VRESUME_SINGLEBLOCK,
			PTV_VRESUME_SYSEMU, PTV_VRESUME_SYSEMU_SINGLESTEP,
		};
		ret = ptv_ptrace_resume(&r->k, t, hows[arg % 6], (arg >> 8) % 70);
		break;
	}
	case 1: ret = ptv_ptrace_detach(&r->k, t, (arg >> 8) % 70); break;
	case 2: ret = ptv_ptrace_setoptions(&r->k, t, arg & 0x3fffff); break;
	case 3: ret = ptv_ptrace_kill(&r->k, t); break;
	case 4: ret = ptv_ptrace_interrupt(&r->k, t); break;
	default: ret = ptv_ptrace_listen(&r->k, t); break;
	}
	if (ret != 0 && ret != -EIO && ret != -EINVAL && ret != -EPERM &&
	    ret != -ESRCH)
		broken("request %u returned %d", op, ret);
}

static void run_input(const uint8_t *data, size_t size)
{
	struct input in = { data, size, 0 };
	struct run r;

	memset(&r, 0, sizeof(r));
	memset(seen_dead, 0, sizeof(seen_dead));
	memset(&host, 0, sizeof(host));
	ptv_kernel_init(&r.k, &fake_iface, NULL);
	r.k.yama = (enum ptv_yama_scope)((int)(byte(&in) % 5) - 1);
	while (in.pos < in.size) {
		unsigned op = byte(&in) % 20;
		struct ptv_task *t = op == 0 ? NULL : pick_task(&r, &in);

		if (op != 0 && t == NULL)
			op = 0;
		switch (op) {
		case 0: op_add(&r, &in); break;
		case 1:
			if (can_call(t))
				ptv_ptrace_traceme(&r.k, t);
			break;
		case 2: {
			ptv_tid_t pid = pick_pid(&in);
			bool seize = byte(&in) & 1;
			uint64_t addr = (byte(&in) & 7) == 0 ? 8 : 0;
			uint64_t opts = word(&in);

			if (byte(&in) & 1)
				opts &= PTV_O_MASK;
			if (can_call(t))
				ptv_ptrace_attach(&r.k, t, pid, seize, addr, opts);
			break;
		}
		case 3: case 4: case 5: case 6: case 7: case 8:
			if (can_call(t))
				op_request(&r, t, op - 3, &in);
			break;
		case 9:
			if (can_stop(t))
				ptv_vstop_signal(&r.k, t, 1 + (int)(byte(&in) % 64));
			break;
		case 10:
			if (can_stop(t))
				ptv_vstop_group(&r.k, t, (byte(&in) & 1) ? PTV_SIGSTOP
								   : PTV_SIGTSTP);
			break;
		case 11:
			if (can_stop(t)) {
				int ev = 1 + (int)(byte(&in) % 7);

				ptv_vstop_event(&r.k, t, ev == 6 ? PTV_EVENT_STOP : ev,
						word(&in));
			}
			break;
		case 12:
			if (can_stop(t))
				ptv_vstop_syscall(&r.k, t, byte(&in) & 1);
			break;
		case 13: op_died(&r, t, (int)(byte(&in) << 8)); break;
		case 14: op_died(&r, t, PTV_SIGKILL); break;
		case 15: op_exit_event(&r, t, (int)(byte(&in) << 8)); break;
		case 16: case 17:
			if (can_call(t))
				op_wait(&r, t, &in);
			break;
		case 18: {
			unsigned b = byte(&in);

			host.deny_attach = b & 1;
			host.deny_traceme = b & 2;
			host.capable = b & 4;
			host.zombie = (b & 0x18) == 0x18;
			host.kills_group = (b & 0x18) == 0x08;
			host.own_seccomp = b & 0x20;
			host.autoreap = b & 0x80;
			if (b & 0x40) {
				/* loop.c: on_group_stop(), on_trap_stop() */
				t->group_stopped = !t->group_stopped;
				t->group_stop_sig = PTV_SIGSTOP;
				ptv_group_continued(&r.k, t->tgid, !t->group_stopped);
			}
			break;
		}
		default:
			if (can_call(t))
				ptv_yama_set_ptracer(&r.k, t, (int64_t)pick_pid(&in));
			break;
		}
		check_invariants(&r.k);
	}
	ptv_kernel_destroy(&r.k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run_input(data, size);
	return 0;
}

#ifdef KERNEL_FUZZ_MAIN
/*
 * kernel_fuzz [RUNS [SEED]] [FILE...]: without libFuzzer, runs RUNS random
 * inputs from SEED (default 20000 from 1), or replays the FILEs.
 */
int main(int argc, char **argv)
{
	unsigned long runs = 20000, seed = 1;
	uint64_t x;
	static uint8_t buf[4096];

	if (argc > 1 && argv[1][0] != '/' && argv[1][0] != '.') {
		runs = strtoul(argv[1], NULL, 0);
		if (argc > 2)
			seed = strtoul(argv[2], NULL, 0);
	} else if (argc > 1) {
		for (int i = 1; i < argc; i++) {
			FILE *f = fopen(argv[i], "rb");
			size_t n;

			if (f == NULL) {
				perror(argv[i]);
				return 1;
			}
			n = fread(buf, 1, sizeof(buf), f);
			fclose(f);
			run_input(buf, n);
		}
		printf("replayed %d inputs\n", argc - 1);
		return 0;
	}
	x = seed * 0x9e3779b97f4a7c15ull + 1;
	for (unsigned long i = 0; i < runs; i++) {
		size_t n;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		n = 16 + x % (sizeof(buf) - 16);
		for (size_t j = 0; j < n; j++) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			buf[j] = (uint8_t)(x >> 24);
		}
		run_input(buf, n);
	}
	printf("%lu random inputs, seed %lu: invariants held\n", runs, seed);
	return 0;
}
#endif
