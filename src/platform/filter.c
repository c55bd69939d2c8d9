#include "filter.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/names.h"
#include "procfs.h"

#define X32_SYSCALL_BIT 0x40000000L
#define CLONE_UNTRACED_FLAG 0x00800000ULL
#define CLONE_NEWPID_FLAG 0x20000000ULL
#define CLONE_NEWUSER_FLAG 0x10000000ULL

static struct sock_fprog prepared;

/*
 * The syscalls every ABI traps unconditionally. seccomp_rule_add() takes
 * native (x86_64) numbers, or libseccomp's pseudo-numbers for calls x86_64
 * lacks, and translates them by name for each ABI of the context.
 */
static const char *const always_trapped[] = {
	"ptrace",  /* the virtual ptrace */
	"wait4",   /* the wait emulation (DESIGN.md, blocking wait) */
	"waitid",
	"waitpid", /* i386 only; libseccomp skips it where it does not exist */
	"clone3",  /* its flags are in memory: CLONE_UNTRACED is checked there */
	"seccomp", /* a guest's own filters: see loop.c:guest_filter_trace() */
	"rt_sigtimedwait", /* a tracer's SIGCHLD siginfo: loop/host_iface.c */
	"execve",  /* a traced exec gains no privilege: syscalls/exec.c */
	"execveat",
	"signalfd", /* SIGCHLD read there: loop/host_iface.c's carrier */
	"signalfd4",
};

/* sched_getaffinity and sched_setaffinity: co-location (loop/coloc.c). */
static const char *const affinity_calls[] = {
	"sched_getaffinity", "sched_setaffinity",
};

/* The opens of the virtual /proc view (syscalls/procview.c). */
static const char *const open_calls[] = {
	"open", "openat", "openat2",
};

static bool trap_prctl_set_ptracer, trap_affinity, trap_opens;
static pid_t supervisor_pid;

static int add_rules(scmp_filter_ctx ctx, int abi)
{
	uint32_t action = SCMP_ACT_TRACE(PTV_TRACE_MAGIC | (uint32_t)abi);
	/* Spelled out: SCMP_A0() leaves datum_b to the compiler (clang warns). */
	const struct scmp_arg_cmp untraced = {
		.arg = 0, .op = SCMP_CMP_MASKED_EQ,
		.datum_a = CLONE_UNTRACED_FLAG, .datum_b = CLONE_UNTRACED_FLAG,
	};
	const struct scmp_arg_cmp get_seccomp = {
		.arg = 0, .op = SCMP_CMP_EQ,
		.datum_a = PTV_PR_GET_SECCOMP, .datum_b = 0,
	};
	const struct scmp_arg_cmp set_seccomp = {
		.arg = 0, .op = SCMP_CMP_EQ,
		.datum_a = PTV_PR_SET_SECCOMP, .datum_b = 0,
	};
	const struct scmp_arg_cmp sigchld = {
		.arg = 0, .op = SCMP_CMP_EQ, .datum_a = 17 /* SIGCHLD */, .datum_b = 0,
	};
	const struct scmp_arg_cmp notif_send = {
		.arg = 1, .op = SCMP_CMP_MASKED_EQ,
		.datum_a = 0xffffffffu, .datum_b = PTV_SECCOMP_IOCTL_NOTIF_SEND,
	};
	const struct scmp_arg_cmp newpid = {
		.arg = 0, .op = SCMP_CMP_MASKED_EQ,
		.datum_a = CLONE_NEWPID_FLAG, .datum_b = CLONE_NEWPID_FLAG,
	};
	const struct scmp_arg_cmp newuser = {
		.arg = 0, .op = SCMP_CMP_MASKED_EQ,
		.datum_a = CLONE_NEWUSER_FLAG, .datum_b = CLONE_NEWUSER_FLAG,
	};
	const struct scmp_arg_cmp set_subreaper = {
		.arg = 0, .op = SCMP_CMP_EQ,
		.datum_a = PTV_PR_SET_CHILD_SUBREAPER, .datum_b = 0,
	};
	const struct scmp_arg_cmp set_ptracer = {
		.arg = 0, .op = SCMP_CMP_EQ,
		.datum_a = PTV_PR_SET_PTRACER, .datum_b = 0,
	};
	/*
	 * A SIGCONT continues a stopped group when it is sent, an ignored
	 * signal sent to an untraced task is discarded then, and a fatal one
	 * kills the group then: the model must know at once (syscalls/
	 * signal.c). Not one aimed at the supervisor
	 * itself by pid: a guest that stopped it must be able to continue it
	 * without its help.
	 */
	static const struct {
		const char *name;
		unsigned arg;
		bool pid_first;		/* arg 0 is a pid */
		bool fatal;		/* PTV_SENT_FATAL_MASK too: it may name a
					   thread for its whole group */
		bool thread;		/* PTV_SENT_KILL_TO_THREAD_MASK too: it
					   names one thread */
	} senders[] = {
		{ "kill", 1, true, true, false },
		{ "tkill", 1, true, false, true },
		{ "tgkill", 2, true, false, true },
		{ "rt_sigqueueinfo", 1, true, true, false },
		{ "rt_tgsigqueueinfo", 2, true, false, true },
		{ "pidfd_send_signal", 1, false, true, false },
	};
	const struct scmp_arg_cmp not_supervisor = {
		.arg = 0, .op = SCMP_CMP_NE,
		.datum_a = (scmp_datum_t)supervisor_pid, .datum_b = 0,
	};
	int r;

	for (size_t i = 0; i < sizeof(senders) / sizeof(*senders); i++) {
		int nr = seccomp_syscall_resolve_name(senders[i].name);

		for (int sig = 1; sig <= 64; sig++) {
			const struct scmp_arg_cmp sent = {
				.arg = senders[i].arg, .op = SCMP_CMP_MASKED_EQ,
				.datum_a = 0xffffffffu, .datum_b = (scmp_datum_t)sig,
			};

			if (!((PTV_SENT_SIGNALS_MASK |
			       (senders[i].fatal ? PTV_SENT_FATAL_MASK : 0) |
			       (senders[i].thread ? PTV_SENT_KILL_TO_THREAD_MASK
						  : 0)) &
			      (1ULL << (sig - 1))))
				continue;
			if (senders[i].pid_first)
				r = seccomp_rule_add(ctx, action, nr, 2, sent,
						     not_supervisor);
			else
				r = seccomp_rule_add(ctx, action, nr, 1, sent);
			if (r < 0)
				return r;
		}
	}
	for (size_t i = 0; i < sizeof(always_trapped) / sizeof(*always_trapped);
	     i++) {
		r = seccomp_rule_add(ctx, action,
				     seccomp_syscall_resolve_name(always_trapped[i]), 0);
		if (r < 0)
			return r;
	}
	/*
	 * clone with CLONE_UNTRACED would make a child the host tracer never
	 * sees (kernel/fork.c: kernel_clone): trap it, and only it.
	 */
	r = seccomp_rule_add(ctx, action, SCMP_SYS(clone), 1, untraced);
	if (r == 0)
		r = seccomp_rule_add(ctx, action, SCMP_SYS(prctl), 1, set_seccomp);
	/* The mode a guest sees is its own, not the supervisor's filter's. */
	if (r == 0)
		r = seccomp_rule_add(ctx, action, SCMP_SYS(prctl), 1, get_seccomp);
	/* SIGCHLD's SA_NOCLDSTOP decides whether a tracer hears of stops. */
	if (r == 0)
		r = seccomp_rule_add(ctx, action, SCMP_SYS(rt_sigaction), 1, sigchld);
	if (r == 0)
		r = seccomp_rule_add(ctx, action, seccomp_syscall_resolve_name("sigaction"),
				     1, sigchld);
	/* i386 only: signal(2) sets an action too. */
	if (r == 0)
		r = seccomp_rule_add(ctx, action, seccomp_syscall_resolve_name("signal"),
				     1, sigchld);
	/*
	 * Children in a pid namespace below their parent's: their pids are
	 * read while they exist (syscalls/pidns.c).
	 */
	if (r == 0)
		r = seccomp_rule_add(ctx, action, SCMP_SYS(unshare), 1, newpid);
	if (r == 0)
		r = seccomp_rule_add(ctx, action, SCMP_SYS(setns), 0);
	/* A user namespace: uids in siginfo are mapped (syscalls/pidns.c). */
	if (r == 0)
		r = seccomp_rule_add(ctx, action, SCMP_SYS(unshare), 1, newuser);
	/* Orphans go to the nearest subreaper: ptrace.c's adopt_orphans(). */
	if (r == 0)
		r = seccomp_rule_add(ctx, action, SCMP_SYS(prctl), 1,
				     set_subreaper);
	/* A listener's answer may continue a clone unseen: loop/notif.c. */
	if (r == 0)
		r = seccomp_rule_add(ctx, action, SCMP_SYS(ioctl), 1, notif_send);
	if (r == 0 && trap_prctl_set_ptracer)
		r = seccomp_rule_add(ctx, action, SCMP_SYS(prctl), 1, set_ptracer);
	for (size_t i = 0; r == 0 && trap_affinity &&
			   i < sizeof(affinity_calls) / sizeof(*affinity_calls); i++)
		r = seccomp_rule_add(ctx, action,
				     seccomp_syscall_resolve_name(affinity_calls[i]), 0);
	for (size_t i = 0; r == 0 && trap_opens &&
			   i < sizeof(open_calls) / sizeof(*open_calls); i++)
		r = seccomp_rule_add(ctx, action,
				     seccomp_syscall_resolve_name(open_calls[i]), 0);
	return r;
}

/* A context holding one ABI's rules only. */
static scmp_filter_ctx abi_ctx(uint32_t arch, int abi, int *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

	*err = -ENOMEM;
	if (ctx == NULL)
		return NULL;
	if (arch != SCMP_ARCH_NATIVE) {
		*err = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
		if (*err == 0)
			*err = seccomp_arch_add(ctx, arch);
	} else {
		*err = 0;
	}
	/* The filter must not set NO_NEW_PRIVS itself: the guest decides. */
	if (*err == 0)
		*err = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (*err == 0)
		*err = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (*err == 0)
		*err = add_rules(ctx, abi);
	if (*err < 0) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

/* libseccomp 2.5 (Debian 12) exports to a file descriptor only. */
static int export_bpf(scmp_filter_ctx ctx, void **bufp, size_t *lenp)
{
	int fd = memfd_create("ptvisor-filter", MFD_CLOEXEC);
	off_t len;
	void *buf;
	int err;

	if (fd < 0)
		return -errno;
	err = seccomp_export_bpf(ctx, fd);
	len = lseek(fd, 0, SEEK_END);
	if (err == 0 && len <= 0)
		err = -EINVAL;
	buf = err == 0 ? malloc((size_t)len) : NULL;
	if (err == 0 && buf == NULL)
		err = -ENOMEM;
	if (err == 0 && pread(fd, buf, (size_t)len, 0) != len) {
		err = -EIO;
		free(buf);
	}
	close(fd);
	if (err == 0) {
		*bufp = buf;
		*lenp = (size_t)len;
	}
	return err;
}

int ptv_filter_prepare(bool trap_set_ptracer, bool trap_sched_affinity,
		       bool trap_open)
{
	static const struct {
		uint32_t arch;
		int abi;
	} abis[] = {
		{ SCMP_ARCH_X86, PTV_ABI_I386 },
		{ SCMP_ARCH_X32, PTV_ABI_X32 },
	};
	scmp_filter_ctx ctx;
	void *buf = NULL;
	size_t len = 0;
	int err;

	trap_prctl_set_ptracer = trap_set_ptracer;
	trap_affinity = trap_sched_affinity;
	trap_opens = trap_open;
	supervisor_pid = getpid();
	ctx = abi_ctx(SCMP_ARCH_NATIVE, PTV_ABI_X86_64, &err);
	if (ctx == NULL)
		return err;
	for (size_t i = 0; i < sizeof(abis) / sizeof(*abis); i++) {
		scmp_filter_ctx other = abi_ctx(abis[i].arch, abis[i].abi, &err);

		if (other == NULL)
			goto out;
		/* Merging keeps each ABI's own RET_TRACE data. */
		err = seccomp_merge(ctx, other);
		if (err < 0) {
			seccomp_release(other);
			goto out;
		}
	}
	err = export_bpf(ctx, &buf, &len);
	if (err < 0)
		goto out;
	prepared.filter = buf;
	prepared.len = (unsigned short)(len / sizeof(struct sock_filter));
out:
	seccomp_release(ctx);
	return err;
}

static int filter_base = 1;

void ptv_filter_note_base(pid_t first_guest)
{
	struct ptv_proc_creds c;

	if (ptv_proc_creds(first_guest, &c) == 0 && c.seccomp_filters >= 1)
		filter_base = c.seccomp_filters;
}

int ptv_filter_base(void)
{
	return filter_base;
}

const void *ptv_filter_program(size_t *len)
{
	*len = prepared.len;
	return prepared.filter;
}

int ptv_filter_install(bool no_new_privs)
{
	if (no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prepared) < 0)
		return -errno;
	return 0;
}

bool ptv_host_has_x32(void)
{
	long r = syscall(X32_SYSCALL_BIT | SYS_getpid);

	return !(r < 0 && errno == ENOSYS);
}
