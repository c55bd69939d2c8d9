/*
 * The virtual /proc view (procview.h; design notes, 34).
 *
 * Every guest is a host tracee of the supervisor, so the host's
 * /proc/PID/status names the supervisor as every guest's TracerPid, shows
 * 't' for a group-stopped guest (a seized task's group-stop is a
 * ptrace-stop), counts the supervisor's seccomp filter, and shows the one
 * CPU co-location keeps a guest on. Those are what programs look at to
 * learn whether they are traced (anti-debugging checks, strace's -D
 * tests) or stopped (ps, test suites polling the state letter).
 */
#include "procview.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/user.h>

#include "../common/log.h"
#include "../common/names.h"
#include "../kernel/abi.h"
#include "../platform/filter.h"
#include "../platform/host.h"
#include "../platform/mem.h"
#include "../platform/procfs.h"
#include "../platform/viewdir.h"
#include "procview_text.h"

enum {
	CAP_SYS_PTRACE_ = 19,
	OPEN_HOW_SIZE = 24,	/* struct open_how: flags, mode, resolve */
	VIEW_TEXT_MAX = 8192,
};

static bool enabled;

int ptv_procview_enable(void)
{
	int r = ptv_viewdir_init();

	enabled = r == 0;
	return r;
}

bool ptv_procview_enabled(void)
{
	return enabled;
}

void ptv_procview_cleanup(void)
{
	ptv_viewdir_cleanup();
}

/*
 * The path at @addr in @tid, if it is short enough to be one of the view's
 * (a longer one is not): 0, or -1. Read up to the end of its page first,
 * so that a path at the end of the last mapped page is still read.
 */
static int read_path(pid_t tid, uint64_t addr, char *buf, size_t size)
{
	size_t first = 4096 - (addr & 4095);

	if (first > size - 1)
		first = size - 1;
	if (ptv_mem_read(tid, addr, buf, first) < 0)
		return -1;
	buf[first] = '\0';
	if (strlen(buf) < first || first == size - 1)
		return strlen(buf) < size - 1 ? 0 : -1;
	if (ptv_mem_read(tid, addr + first, buf + first, size - 1 - first) < 0)
		return -1;
	buf[size - 1] = '\0';
	return strlen(buf) < size - 1 ? 0 : -1;
}

/*
 * The flags that keep an open off the view: it writes, creates, or asks
 * for a path descriptor (O_PATH, O_TMPFILE). The view's files are
 * read-only, as /proc's are.
 */
static bool viewable_flags(uint64_t flags)
{
	return (flags & O_ACCMODE) == O_RDONLY &&
	       !(flags & (O_CREAT | O_TRUNC | O_PATH | (O_TMPFILE & ~O_DIRECTORY)));
}

/*
 * The absolute path the call names into @path: its own, or a relative one
 * joined to the path of its directory descriptor when that is in /proc (a
 * relative one from the working directory is left alone: reading the
 * working directory at every open costs too much). 0, or -1: not one for
 * the view.
 */
static int call_path(const struct ptv_syscall *call, bool at, char *path,
		     size_t size)
{
	char rel[64], dir[64];
	int32_t dirfd = (int32_t)call->args[0];

	if (read_path(call->tid, call->args[at ? 1 : 0], rel, sizeof(rel)) < 0)
		return -1;
	if (rel[0] == '/' || !at) {
		snprintf(path, size, "%s", rel);
		return rel[0] == '/' ? 0 : -1;
	}
	if (dirfd < 0 || ptv_proc_fd_path(call->tid, dirfd, dir, sizeof(dir)) < 0 ||
	    strncmp(dir, "/proc/", 6) != 0)
		return -1;
	return snprintf(path, size, "%s/%s", dir, rel) < (int)size ? 0 : -1;
}

/*
 * The task whose file @p names: NULL if it is not a guest (or the task
 * directory is not one of that process).
 */
static struct ptv_task *target_of(struct ptv_kernel *k,
				  const struct ptv_procview_path *p)
{
	struct ptv_task *proc = ptv_task_find(&k->tasks, p->pid);
	struct ptv_task *t;

	if (proc == NULL || p->tid == 0)
		return proc;
	t = ptv_task_find(&k->tasks, p->tid);
	return t != NULL && t->tgid == proc->tgid ? t : NULL;
}

/*
 * The state letter @t would show natively, where the host shows @host.
 * The host holds every stop in a ptrace-stop ('t'): a virtual one is one
 * natively too; a group-stop with no tracer is a plain stop ('T'); a task
 * held at its exit until its tracer reaps it is a zombie; any other stop
 * is the supervisor's own short one (a trapped call, the reader's own),
 * in a task that is running natively.
 */
static char virtual_state(const struct ptv_task *t, char host)
{
	if (host != 't')
		return host;
	if (t->vstop != PTV_VSTOP_NONE)
		return 't';
	if (t->held_at_exit || t->leader_hold == PTV_LEADER_HELD)
		return 'Z';
	if (t->host_state == PTV_HOST_LISTENING)
		return t->tracer ? 't' : 'T';
	return 'R';
}

/*
 * May @reader see the fields of @target's stat that fs/proc/array.c:
 * do_task_stat() shows only with ptrace_may_access(PTRACE_MODE_READ_
 * FSCREDS)? kernel/ptrace.c:__ptrace_may_access() without Yama (which
 * judges attaches only): the same group; or the reader's fsuid and fsgid
 * are the target's ids, the target is dumpable, and its permitted
 * capabilities are the reader's (commoncap); or CAP_SYS_PTRACE.
 */
static bool may_read(const struct ptv_task *reader,
		     const struct ptv_task *target)
{
	struct ptv_proc_creds r, t;

	if (reader->tgid == target->tgid)
		return true;
	if (ptv_proc_creds(reader->tid, &r) < 0 ||
	    ptv_proc_creds(target->tid, &t) < 0)
		return false;
	if (r.cap_eff & (1ULL << CAP_SYS_PTRACE_))
		return true;
	for (int i = 0; i < 3; i++)
		if (t.uid[i] != r.uid[3] || t.gid[i] != r.gid[3])
			return false;
	return ptv_proc_dumpable(target->tid, t.uid[1]) &&
	       (t.cap_prm & ~r.cap_prm) == 0;
}

/* The integer value of "@key:" in status text @text, or -1. */
static int status_value(const char *text, const char *key)
{
	char look[64];
	const char *p;

	snprintf(look, sizeof(look), "\n%s:", key);
	p = strstr(text, look);
	if (p == NULL)
		return -1;
	p += strlen(look);
	return (int)strtol(p, NULL, 10);
}

/* Fills @fix for @t, read by @reader, from the host's @text. */
static void fix_for(const struct ptv_task *reader, const struct ptv_task *t,
		    const struct ptv_procview_path *p, const char *text,
		    struct ptv_procview_fix *fix)
{
	int filters = p->file == PTV_PROCVIEW_STATUS
			      ? status_value(text, "Seccomp_filters") : -1;
	int own = filters - ptv_filter_base() - (t->strict ? 1 : 0);

	memset(fix, 0, sizeof(*fix));
	fix->state = virtual_state(t, ptv_procview_state_of(text, p->file));
	fix->tracer_pid = t->tracer ? t->tracer->tgid : 0;
	/* (No Seccomp_filters line before Linux 5.9: the host's mode stays.) */
	fix->seccomp_mode = filters < 0 ? -1 : t->strict ? 1 : own > 0 ? 2 : 0;
	fix->seccomp_filters = filters < 0 ? -1 : own > 0 ? own : 0;
	if (t->pinned) {
		fix->cpus = t->vmask;
		fix->cpu_words = sizeof(t->vmask) / sizeof(t->vmask[0]);
	}
	fix->unblocked = t->reroute_blocked;
	fix->not_permitted = p->file == PTV_PROCVIEW_STAT && !may_read(reader, t);
}

/* Writes @t's view for @reader into the view's file; its path in @file. */
static int write_view(const struct ptv_task *reader, const struct ptv_task *t,
		      const struct ptv_procview_path *p, char *file,
		      size_t size)
{
	static char host[VIEW_TEXT_MAX], view[VIEW_TEXT_MAX];
	const char *name = p->file == PTV_PROCVIEW_STAT ? "stat" : "status";
	struct ptv_procview_fix fix;
	long len;
	int r;

	r = ptv_proc_read_task_file(p->pid, p->tid, name, host, sizeof(host));
	if (r < 0)
		return r;
	fix_for(reader, t, p, host, &fix);
	len = p->file == PTV_PROCVIEW_STAT
		      ? ptv_procview_stat(host, &fix, view, sizeof(view))
		      : ptv_procview_status(host, &fix, view, sizeof(view));
	if (len < 0)
		return -EIO;
	return ptv_viewdir_put(reader->tid, view, (size_t)len, file, size);
}

/*
 * Will the host stop @t at the call's exit? Not when its tracer steps it:
 * a step reports the exit as a step trap.
 */
static bool exit_stop_comes(const struct ptv_task *t)
{
	return t->tracer == NULL || t->resume == PTV_VRESUME_CONT ||
	       t->resume == PTV_VRESUME_SYSCALL;
}

/* The register that holds the call's path. */
static unsigned long long *path_reg(struct user_regs_struct *regs, int abi,
				    bool at)
{
	if (abi == PTV_ABI_I386)
		return at ? &regs->rcx : &regs->rbx;
	return at ? &regs->rsi : &regs->rdi;
}

/* The open's flags: an argument, or openat2's struct open_how. */
static bool call_flags(const struct ptv_syscall *call, bool at, bool how,
		       uint64_t *flags)
{
	uint64_t open_how[3];

	if (!how) {
		*flags = call->args[at ? 2 : 1];
		return true;
	}
	/* RESOLVE_* flags judge the path the caller gave: not the view's. */
	if (call->args[3] < OPEN_HOW_SIZE ||
	    ptv_mem_read(call->tid, call->args[2], open_how, sizeof(open_how)) < 0 ||
	    open_how[2] != 0)
		return false;
	*flags = open_how[0];
	return true;
}

void ptv_procview_open(struct ptv_syscall_env *env, struct ptv_task *task,
		       const struct ptv_syscall *call, bool at, bool how,
		       struct ptv_syscall_outcome *out)
{
	char path[160], file[300];
	struct ptv_procview_path p;
	struct user_regs_struct regs, changed;
	const struct ptv_task *target;
	uint64_t flags, where;

	out->action = PTV_SYSCALL_RUN;
	out->result = 0;
	if (!enabled || !exit_stop_comes(task) || !call_flags(call, at, how, &flags) ||
	    !viewable_flags(flags) || call_path(call, at, path, sizeof(path)) < 0 ||
	    ptv_procview_parse(path, task->tgid, task->tid, &p) == PTV_PROCVIEW_NONE)
		return;
	/*
	 * The model must know what the host did before the call: a stop the
	 * host reported to the caller's wait already (kernel/signal.c:
	 * do_signal_stop() tells the parent and the tracer at once). Not
	 * take_pending()'s wait for stops in flight: a stop signal Linux
	 * discarded (SIGTTIN to an orphaned process group) leaves one in
	 * flight for its 100 ms bound, at every open.
	 */
	if (env->take_ready)
		env->take_ready(env, task);
	/* Its /proc must be the supervisor's, its pids the host's. */
	target = target_of(env->k, &p);
	if (target == NULL || ptv_pidns_nested(task) ||
	    !ptv_proc_same_paths(task->tid) ||
	    ptv_host_getregs(call->tid, &regs) < 0 ||
	    write_view(task, target, &p, file, sizeof(file)) < 0)
		return;
	where = ptv_room_below_red_zone(&regs, call->abi, sizeof(file));
	changed = regs;
	*path_reg(&changed, call->abi, at) = where;
	if ((call->abi == PTV_ABI_I386 && where > UINT32_MAX) ||
	    ptv_mem_write(call->tid, where, file, strlen(file) + 1) < 0 ||
	    ptv_host_setregs(call->tid, &changed) < 0) {
		ptv_viewdir_remove(task->tid);
		return;
	}
	memcpy(task->saved_regs, &regs, sizeof(regs));
	task->procview_call = true;
	out->action = PTV_SYSCALL_RUN_TO_EXIT;
	ptv_log("[%d] %s: the view of task %d", call->tid, path, target->tid);
}

bool ptv_procview_at_exit(struct ptv_task *t, long result)
{
	struct user_regs_struct regs;

	if (!t->procview_call)
		return false;
	t->procview_call = false;
	ptv_viewdir_remove(t->tid);
	memcpy(&regs, t->saved_regs, sizeof(regs));
	regs.rax = (unsigned long long)result;
	ptv_host_setregs(t->tid, &regs);
	return true;
}
