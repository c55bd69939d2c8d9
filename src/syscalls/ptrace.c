/*
 * ptrace(2) for guests. The request is validated and its relation and
 * stop transitions made in the kernel model (kernel/ptrace.c), in Linux's
 * order (kernel/ptrace.c:SYSCALL_DEFINE4(ptrace)); data requests on a
 * tracee in a virtual stop act on it directly, because a virtual stop is a
 * host stop (DESIGN.md, invariant 1), with the tracer's memory as source
 * or destination.
 */
#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <linux/ptrace.h>

#include "../common/log.h"
#include "../common/names.h"
#include "../platform/filter.h"
#include "../platform/host.h"
#include "../platform/mem.h"
#include "../platform/procfs.h"
#include <linux/filter.h>
#include "siginfo32.h"
#include "signal.h"
#include "syscalls.h"

/* The largest register set copied (NT_X86_XSTATE with AVX-512 is ~2.7 KiB). */
#define MAX_REGSET 16384

/* Copies @len bytes of tracer memory to the supervisor. */
static int from_tracer(pid_t tracer, uint64_t addr, void *buf, size_t len)
{
	return ptv_mem_read(tracer, addr, buf, len) < 0 ? -EFAULT : 0;
}

static int to_tracer(pid_t tracer, uint64_t addr, const void *buf, size_t len)
{
	return ptv_mem_write(tracer, addr, buf, len) < 0 ? -EFAULT : 0;
}

/* PEEKTEXT/PEEKDATA/PEEKUSER: the word goes to *data (the raw syscall). */
static long peek(pid_t tracer, pid_t tracee, long request, uint64_t addr,
		 uint64_t data)
{
	unsigned long word;
	long r = ptv_host_request(request, tracee, addr, (unsigned long)&word);

	if (r < 0)
		return r;
	return to_tracer(tracer, data, &word, sizeof(word));
}

/* A fixed-size block out of the tracee (GETREGS, GETFPREGS, GETSIGINFO...). */
static long get_block(pid_t tracer, pid_t tracee, long request, uint64_t addr,
		      uint64_t data, size_t size)
{
	char buf[1024];
	long r;

	if (size > sizeof(buf))
		return -EIO;
	r = ptv_host_request(request, tracee, addr, (unsigned long)buf);
	if (r < 0)
		return r;
	return to_tracer(tracer, data, buf, size);
}

static long set_block(pid_t tracer, pid_t tracee, long request, uint64_t addr,
		      uint64_t data, size_t size)
{
	char buf[1024];
	long r;

	if (size > sizeof(buf))
		return -EIO;
	r = from_tracer(tracer, data, buf, size);
	if (r < 0)
		return r;
	return ptv_host_request(request, tracee, addr, (unsigned long)buf);
}

/* The end of x86_64's user half with 4-level page tables. */
#define PTV_USER_HALF_END 0x7ffffffff000ULL

/*
 * GETREGSET/SETREGSET with the tracer's iovec, read (@iov): the registers
 * move; its iov_len is updated, for the caller to write back.
 */
static long regset_iov(pid_t tracer, pid_t tracee, long request, uint64_t type,
		       struct iovec *iov)
{
	struct iovec tracer_iov = *iov, local;
	uintptr_t base = (uintptr_t)tracer_iov.iov_base;
	long r;

	if (request == PTRACE_SETREGSET &&
	    (base >= PTV_USER_HALF_END || base + tracer_iov.iov_len < base)) {
		/*
		 * No user mapping can be there (above the 47-bit user half,
		 * where the supervisor maps nothing either): the host makes
		 * the kernel's checks on the tracer's iovec as it is. It
		 * checks the regset and the length, then access_ok()
		 * (copy_regset_from_user()), which fails even for an empty
		 * iovec at a kernel address (ptfuzz seed 232), passes for
		 * one at the end of the user half, and set() then moves
		 * nothing.
		 */
		r = ptv_host_request(request, tracee, type,
				     (unsigned long)&tracer_iov);
		if (r == 0)
			iov->iov_len = tracer_iov.iov_len;
		return r;
	}
	local.iov_len = tracer_iov.iov_len < MAX_REGSET ? tracer_iov.iov_len
							: MAX_REGSET;
	local.iov_base = calloc(1, local.iov_len ? local.iov_len : 1);
	if (local.iov_base == NULL)
		return -ENOMEM;
	if (request == PTRACE_SETREGSET &&
	    from_tracer(tracer, base, local.iov_base, local.iov_len) < 0) {
		/*
		 * Then what the regset's set() checks (xfpregs_set(): EINVAL
		 * for a partial write) comes before the copy: the host makes
		 * the same checks on an iovec at NULL, where its copy faults
		 * before anything is written.
		 */
		struct iovec probe = {
			.iov_base = NULL,
			.iov_len = tracer_iov.iov_len,
		};

		free(local.iov_base);
		r = ptv_host_request(request, tracee, type, (unsigned long)&probe);
		return r < 0 ? r : -EFAULT;
	}
	r = ptv_host_request(request, tracee, type, (unsigned long)&local);
	if (r == 0 && request == PTRACE_GETREGSET &&
	    to_tracer(tracer, base, local.iov_base, local.iov_len) < 0)
		r = -EFAULT;
	if (r == 0)
		iov->iov_len = local.iov_len;
	free(local.iov_base);
	return r;
}

/* GETREGSET/SETREGSET: an iovec in the tracer; iov_len is updated. */
static long regset(pid_t tracer, pid_t tracee, long request, uint64_t type,
		   uint64_t data)
{
	struct iovec iov;
	long r;

	if (from_tracer(tracer, data, &iov, sizeof(iov)) < 0)
		return -EFAULT;
	r = regset_iov(tracer, tracee, request, type, &iov);
	/* Both requests write iov_len back: "ret = __put_user(kiov.iov_len, ...)". */
	if (r == 0 && to_tracer(tracer, data, &iov, sizeof(iov)) < 0)
		r = -EFAULT;
	return r;
}

/* A siginfo_t to the tracer, in the i386 layout for an i386 caller. */
static long siginfo_to_tracer(pid_t tracer, uint64_t data, const siginfo_t *si,
			      bool compat)
{
	unsigned char si32[PTV_SIGINFO32_SIZE];

	if (!compat)
		return to_tracer(tracer, data, si, sizeof(*si));
	ptv_siginfo_to32(si, si32);
	return to_tracer(tracer, data, si32, sizeof(si32));
}

/* PTRACE_SETSIGINFO's siginfo_t from the tracer, as siginfo_to_tracer() says. */
static long siginfo_from_tracer(pid_t tracer, uint64_t data, siginfo_t *si,
				bool compat)
{
	unsigned char si32[PTV_SIGINFO32_SIZE];

	if (!compat)
		return from_tracer(tracer, data, si, sizeof(*si));
	if (from_tracer(tracer, data, si32, sizeof(si32)) < 0)
		return -EFAULT;
	ptv_siginfo_from32(si32, si);
	return 0;
}

/*
 * The signals of @tracee's own queue, or of its group's (@shared), that
 * Linux had discarded as they were sent: pending at its attach and ignored
 * then (discard_sigs), such as the SIGCHLD of a child's stop the host kept
 * for its tracer; and, in its group's, those sent to the group while
 * another thread was named, untraced and ignoring them (the leader's
 * discard_sent: a SIGCONT that continued the group, which the host then
 * kept; ptfuzz seed 932 at 10000 steps, step 8737). One pending once is
 * in the queue that holds it now (its group's, if both do).
 */
static uint64_t discarded_in_queue(struct ptv_kernel *k,
				   const struct ptv_task *tracee, bool shared)
{
	const struct ptv_task *leader = ptv_task_find(&k->tasks, tracee->tgid);
	uint64_t twice = tracee->discard_sigs & tracee->discard_twice;
	uint64_t once = tracee->discard_sigs & ~tracee->discard_twice;
	uint64_t sent = shared && leader ? leader->discard_sent : 0;
	struct ptv_proc_sig_masks m;

	if (tracee->discard_sigs == 0)
		return sent;
	ptv_proc_sig_masks(tracee->tid, &m);
	return sent | twice | (shared ? once & m.shared : once & ~m.shared);
}

/*
 * PTRACE_PEEKSIGINFO: struct ptrace_peeksiginfo_args at addr, array at data.
 * The host's queue, less the signals Linux discarded (discarded_in_queue()),
 * and, in the group's, with those the supervisor keeps for a thread first
 * (ptv_signal_group_kept(): a SIGCONT the host's thread dequeued, a signal
 * left to a stopped thread), and the fatal signal Linux left there last
 * (ptv_signal_fatal_left()).
 */
static long peeksiginfo(struct ptv_kernel *k, const struct ptv_task *tracee,
			pid_t tracer, uint64_t addr, uint64_t data, bool compat)
{
	struct ptrace_peeksiginfo_args args, all;
	siginfo_t *buf, left, kept[8];
	size_t first = 0;
	uint64_t hidden;
	bool shared, extra;
	long r, n = 0;

	if (from_tracer(tracer, addr, &args, sizeof(args)) < 0)
		return -EFAULT;
	/* "if (arg.nr < 0) return -EINVAL;" (kernel/ptrace.c:ptrace_peek_siginfo) */
	if ((args.flags & ~(uint32_t)PTRACE_PEEKSIGINFO_SHARED) || args.nr < 0)
		return -EINVAL;
	if (args.nr > 1024)
		args.nr = 1024;
	shared = args.flags & PTRACE_PEEKSIGINFO_SHARED;
	hidden = discarded_in_queue(k, tracee, shared);
	extra = shared && ptv_signal_fatal_left(k, tracee, &left);
	if (shared)
		first = ptv_signal_group_kept(k, tracee, kept,
					      sizeof(kept) / sizeof(kept[0]));
	/* With signals to leave out or add, the whole queue, then off and nr. */
	all = hidden || extra || first ? (struct ptrace_peeksiginfo_args){
						 .off = 0, .flags = args.flags,
						 .nr = 1024 }
				       : args;
	/* (Room for the signals added: those kept first, at buf[0].) */
	buf = calloc((size_t)all.nr + first + 1, sizeof(*buf));
	if (buf == NULL)
		return -ENOMEM;
	r = ptv_host_request(PTRACE_PEEKSIGINFO, tracee->tid, (unsigned long)&all,
			     (unsigned long)(buf + first));
	if (r >= 0 && first) {
		memcpy(buf, kept, first * sizeof(*buf));
		r += (long)first;
	}
	if (extra && r >= 0)
		buf[r++] = left;
	if ((hidden || extra || first) && r > 0) {
		uint64_t seen = 0;

		for (long i = 0; i < r; i++) {
			int sig = buf[i].si_signo;

			if (sig >= 1 && sig <= 64 && i >= (long)first &&
			    (hidden & (1ULL << (sig - 1))))
				continue;
			if (seen++ >= args.off && n < args.nr)
				buf[n++] = buf[i];
		}
		r = n;
	}
	/* One at a time: "if (i > 0) return i;" after a failed copy. */
	for (long i = 0; i < r; i++) {
		if (siginfo_to_tracer(tracer, data + (uint64_t)i * sizeof(*buf),
				      &buf[i], compat) < 0) {
			r = i > 0 ? i : -EFAULT;
			break;
		}
	}
	free(buf);
	return r;
}

/*
 * The guest's own seccomp filters, never the supervisor's (DESIGN.md,
 * invariant 4). kernel/seccomp.c:get_nth_filter() counts from the oldest
 * filter, which is the supervisor's, so the guest's index N is the host's
 * N + 1; with none of its own, the tracee is "not in filter mode" (EINVAL).
 */
static long guest_filter_index_check(pid_t tracee, uint64_t index)
{
	struct ptv_proc_creds c;
	int own;

	if (ptv_proc_creds(tracee, &c) < 0)
		return -ESRCH;
	/*
	 * /proc counts the filters of a ptvisor this one runs in too; the
	 * host's requests below (served by such a ptvisor) count from this
	 * supervisor's own, index 0: the guest's index + 1.
	 */
	own = c.seccomp_filters - ptv_filter_base();
	if (own <= 0)
		return -EINVAL;
	return index >= (uint64_t)own ? -ENOENT : 0;
}

static long seccomp_get_filter(pid_t tracer, pid_t tracee, uint64_t index,
			       uint64_t data)
{
	long r = guest_filter_index_check(tracee, index);
	struct sock_filter *prog;
	long n;

	if (r < 0)
		return r;
	n = ptv_host_request(PTRACE_SECCOMP_GET_FILTER, tracee, index + 1, 0);
	if (n <= 0 || data == 0)
		return n;
	prog = calloc((size_t)n, sizeof(*prog));
	if (prog == NULL)
		return -ENOMEM;
	r = ptv_host_request(PTRACE_SECCOMP_GET_FILTER, tracee, index + 1,
			     (unsigned long)prog);
	if (r > 0 && to_tracer(tracer, data, prog, (size_t)r * sizeof(*prog)) < 0)
		r = -EFAULT;
	free(prog);
	return r;
}

/* struct seccomp_metadata { __u64 filter_off; __u64 flags; } */
static long seccomp_get_metadata(pid_t tracer, pid_t tracee, uint64_t size,
				 uint64_t data)
{
	uint64_t md[2] = { 0, 0 };
	size_t len = size < sizeof(md) ? (size_t)size : sizeof(md);
	long r;

	if (size < sizeof(md[0]))
		return -EINVAL;
	if (from_tracer(tracer, data, md, sizeof(md[0])) < 0)
		return -EFAULT;
	r = guest_filter_index_check(tracee, md[0]);
	if (r < 0)
		return r;
	md[0]++;
	r = ptv_host_request(PTRACE_SECCOMP_GET_METADATA, tracee, len,
			     (unsigned long)md);
	md[0]--;
	if (r > 0 && to_tracer(tracer, data, md, len) < 0)
		return -EFAULT;
	return r;
}

/*
 * PTRACE_GETSIGINFO. At a syscall stop the siginfo's si_code is the stop's
 * code, SIGTRAP | 0x80 only with the tracer's PTRACE_O_TRACESYSGOOD
 * (kernel/signal.c:ptrace_do_notify); the host's always has the 0x80.
 */
static long get_siginfo(struct ptv_task *tracee, pid_t tracer, uint64_t data,
			bool compat)
{
	siginfo_t si;
	long r = ptv_host_request(PTRACE_GETSIGINFO, tracee->tid, 0,
				  (unsigned long)&si);

	if (r < 0)
		return r;
	if (tracee->vstop == PTV_VSTOP_SYSCALL_ENTER ||
	    tracee->vstop == PTV_VSTOP_SYSCALL_EXIT)
		si.si_code = tracee->event_msg_code;
	return siginfo_to_tracer(tracer, data, &si, compat);
}

/*
 * PTRACE_GET_SYSCALL_INFO reports the virtual stop. The kernel decides from
 * last_siginfo->si_code (kernel/ptrace.c:ptrace_get_syscall_info): a syscall
 * stop is entry or exit only when it is SIGTRAP | 0x80, so without the
 * tracer's TRACESYSGOOD when it stopped (setting it later changes nothing)
 * it is PTRACE_SYSCALL_INFO_NONE and only the 24-byte header (op, arch,
 * instruction and stack pointers) is filled.
 */
static long get_syscall_info(struct ptv_task *tracee, pid_t tracer,
			     uint64_t size, uint64_t data)
{
	struct ptrace_syscall_info info;
	long n = ptv_host_request(PTRACE_GET_SYSCALL_INFO, tracee->tid,
				  sizeof(info), (unsigned long)&info);

	if (n < 0)
		return n;
	if ((tracee->vstop == PTV_VSTOP_SYSCALL_ENTER ||
	     tracee->vstop == PTV_VSTOP_SYSCALL_EXIT) &&
	    tracee->event_msg_code != (SIGTRAP | 0x80)) {
		info.op = PTRACE_SYSCALL_INFO_NONE;
		n = offsetof(struct ptrace_syscall_info, entry);
	}
	/* copy_to_user(datavp, &info, min(size, n)): NULL faults, 0 bytes do not */
	if (size > 0 && to_tracer(tracer, data, &info,
				  (size_t)n < size ? (size_t)n : size) < 0)
		return -EFAULT;
	return n;
}

/* Requests newer than the build's headers (include/uapi/linux/ptrace.h). */
#define PTRACE_SET_SUD_CONFIG_REQ 0x4210
#define PTRACE_GET_SUD_CONFIG_REQ 0x4211
#define PTRACE_SET_SYSCALL_INFO_REQ 0x4212

/* Linux 6.16's struct ptrace_syscall_info (with flags and reserved). */
#define PTV_SYSCALL_INFO_SIZE 88

/*
 * PTRACE_SET_SYSCALL_INFO (Linux 6.16, kernel/ptrace.c:
 * ptrace_set_syscall_info()): the host stop is of the virtual stop's kind,
 * so the host request applies it, except where the virtual op is NONE (a
 * syscall stop made without PTRACE_O_TRACESYSGOOD): "Changing the type of the
 * system call stop is not supported yet", EINVAL.
 */
static long set_syscall_info(struct ptv_task *tracee, pid_t tracer,
			     uint64_t size, uint64_t data)
{
	unsigned char info[PTV_SYSCALL_INFO_SIZE];

	if (size < sizeof(info))
		return ptv_host_request(PTRACE_SET_SYSCALL_INFO_REQ, tracee->tid,
					size, (unsigned long)info);
	if (from_tracer(tracer, data, info, sizeof(info)) < 0)
		return -EFAULT;
	if ((tracee->vstop == PTV_VSTOP_SYSCALL_ENTER ||
	     tracee->vstop == PTV_VSTOP_SYSCALL_EXIT) &&
	    tracee->event_msg_code != (SIGTRAP | 0x80))
		return -EINVAL;
	return ptv_host_request(PTRACE_SET_SYSCALL_INFO_REQ, tracee->tid,
				sizeof(info), (unsigned long)info);
}

/* struct ptrace_sud_config: mode, selector, offset, len (Linux 6.11). */
#define PTV_SUD_CONFIG_SIZE 32

/* PTRACE_GET/SET_SYSCALL_USER_DISPATCH_CONFIG: addr is the size. */
static long user_dispatch_config(pid_t tracer, pid_t tracee, long request,
				 uint64_t size, uint64_t data)
{
	unsigned char conf[PTV_SUD_CONFIG_SIZE] = { 0 };
	long r;

	if (size != sizeof(conf))
		return ptv_host_request(request, tracee, size, (unsigned long)conf);
	if (request == PTRACE_SET_SUD_CONFIG_REQ) {
		if (from_tracer(tracer, data, conf, sizeof(conf)) < 0)
			return -EFAULT;
		return ptv_host_request(request, tracee, size, (unsigned long)conf);
	}
	r = ptv_host_request(request, tracee, size, (unsigned long)conf);
	if (r == 0 && to_tracer(tracer, data, conf, sizeof(conf)) < 0)
		return -EFAULT;
	return r;
}

/* asm/prctl.h */
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

/*
 * PTRACE_ARCH_PRCTL (arch/x86/kernel/ptrace.c): data is the code; for the
 * GET codes addr points at the tracer's result, otherwise it is the value.
 */
static long arch_prctl(pid_t tracer, pid_t tracee, uint64_t addr, uint64_t code)
{
	unsigned long value;
	long r;

	if (code != ARCH_GET_FS && code != ARCH_GET_GS)
		return ptv_host_request(PTRACE_ARCH_PRCTL, tracee, addr, code);
	r = ptv_host_request(PTRACE_ARCH_PRCTL, tracee, (unsigned long)&value,
			     code);
	if (r < 0)
		return r;
	return to_tracer(tracer, addr, &value, sizeof(value));
}

/* Requests that move data between a stopped tracee and its tracer. */
static long data_request(struct ptv_task *tracee, pid_t tracer, long request,
			 uint64_t addr, uint64_t data, bool compat)
{
	pid_t tid = tracee->tid;
	siginfo_t si;
	long r;

	switch (request) {
	case PTRACE_PEEKTEXT:
	case PTRACE_PEEKDATA:
	case PTRACE_PEEKUSR:
		return peek(tracer, tid, request, addr, data);
	case PTRACE_POKETEXT:
	case PTRACE_POKEDATA:
	case PTRACE_POKEUSR:
		return ptv_host_request(request, tid, addr, data);
	case PTRACE_GETREGS:
		return get_block(tracer, tid, request, 0, data,
				 sizeof(struct user_regs_struct));
	case PTRACE_SETREGS:
		return set_block(tracer, tid, request, 0, data,
				 sizeof(struct user_regs_struct));
	case PTRACE_GETFPREGS:
		return get_block(tracer, tid, request, 0, data,
				 sizeof(struct user_fpregs_struct));
	case PTRACE_SETFPREGS:
		return set_block(tracer, tid, request, 0, data,
				 sizeof(struct user_fpregs_struct));
	case PTRACE_GETSIGINFO:
	case PTRACE_SETSIGINFO:
		/*
		 * A group-stop of a tracee that is not seized has no siginfo:
		 * ptrace_stop(signr, CLD_STOPPED, 0, NULL) (kernel/signal.c:
		 * do_jobctl_trap), so "if (likely(child->last_siginfo != NULL))"
		 * fails with EINVAL. The host's stop is a seized one.
		 */
		if (request == PTRACE_GETSIGINFO) {
			if (tracee->vstop == PTV_VSTOP_GROUP && !tracee->seized)
				return -EINVAL;
			return get_siginfo(tracee, tracer, data, compat);
		}
		/* SETSIGINFO copies the siginfo in first: EFAULT, then EINVAL. */
		r = siginfo_from_tracer(tracer, data, &si, compat);
		if (r < 0)
			return r;
		if (tracee->vstop == PTV_VSTOP_GROUP && !tracee->seized)
			return -EINVAL;
		r = ptv_host_request(request, tid, 0, (unsigned long)&si);
		/*
		 * It replaces last_siginfo, whose si_code GETSIGINFO,
		 * GET_SYSCALL_INFO and LISTEN then go by.
		 */
		if (r == 0)
			tracee->event_msg_code = si.si_code;
		return r;
	case PTRACE_GETSIGMASK:
		if (addr != sizeof(uint64_t))
			return -EINVAL;
		return get_block(tracer, tid, request, addr, data, sizeof(uint64_t));
	case PTRACE_SETSIGMASK:
		if (addr != sizeof(uint64_t))
			return -EINVAL;
		return set_block(tracer, tid, request, addr, data, sizeof(uint64_t));
	case PTRACE_GETREGSET:
	case PTRACE_SETREGSET:
		return regset(tracer, tid, request, addr, data);
	case PTRACE_GETEVENTMSG:
		return to_tracer(tracer, data, &tracee->event_msg,
				 sizeof(tracee->event_msg));
	case PTRACE_GET_SYSCALL_INFO:
		return get_syscall_info(tracee, tracer, addr, data);
	case PTRACE_SET_SYSCALL_INFO_REQ:
		return set_syscall_info(tracee, tracer, addr, data);
	case PTRACE_SET_SUD_CONFIG_REQ:
	case PTRACE_GET_SUD_CONFIG_REQ:
		return user_dispatch_config(tracer, tid, request, addr, data);
	case PTRACE_ARCH_PRCTL:
		return arch_prctl(tracer, tid, addr, data);
	case PTRACE_SECCOMP_GET_FILTER:
	case PTRACE_SECCOMP_GET_METADATA:
		/* Not in filter mode: strict mode's filter is the supervisor's. */
		if (tracee->strict)
			return -EINVAL;
		if (request == PTRACE_SECCOMP_GET_FILTER)
			return seccomp_get_filter(tracer, tid, addr, data);
		return seccomp_get_metadata(tracer, tid, addr, data);
	case PTRACE_GET_RSEQ_CONFIGURATION: {
		/* struct ptrace_rseq_configuration: 32 bytes; addr is its size. */
		char conf[32];
		long n = ptv_host_request(request, tid, sizeof(conf),
					  (unsigned long)conf);

		if (n > 0 && to_tracer(tracer, data, conf,
				       (size_t)n < addr ? (size_t)n : addr) < 0)
			return -EFAULT;
		return n;
	}
	case PTRACE_GET_THREAD_AREA:
		/* addr: the GDT entry; data: a struct user_desc (16 bytes). */
		return get_block(tracer, tid, request, addr, data, 16);
	case PTRACE_SET_THREAD_AREA:
		return set_block(tracer, tid, request, addr, data, 16);
	}
	return -EIO;
}

/*
 * i386 layouts (arch/x86/include/asm/user32.h): struct user_regs_struct32
 * is 17 32-bit slots (a segment register: 16 bits and 16 of padding), at
 * the start of struct user32, whose u_debugreg[8] is at 252 and whose
 * size is 284. The slots, in order, as fields of x86_64's user_regs_struct
 * (arch/x86/kernel/ptrace.c: getreg32(), putreg32(), which keep the low
 * 32 bits of a 64-bit tracee's register and zero the high ones).
 */
#define REGS32_SLOTS 17
#define USER32_DEBUGREG 252
#define USER32_SIZE 284
#define U64(f) offsetof(struct user_regs_struct, f)

static const uint8_t regs32_field[REGS32_SLOTS] = {
	U64(rbx), U64(rcx), U64(rdx), U64(rsi), U64(rdi), U64(rbp), U64(rax),
	U64(ds), U64(es), U64(fs), U64(gs), U64(orig_rax), U64(rip), U64(cs),
	U64(eflags), U64(rsp), U64(ss),
};

static uint64_t *regs64_slot(struct user_regs_struct *regs, unsigned slot)
{
	return (uint64_t *)((char *)regs + regs32_field[slot]);
}

/* PTRACE_GETREGS of an i386 caller: copy_regset_to_user(user_x86_32_view). */
static long getregs32(pid_t tracer, pid_t tracee, uint64_t data)
{
	struct user_regs_struct regs;
	uint32_t regs32[REGS32_SLOTS];
	long r = ptv_host_getregs(tracee, &regs);

	if (r < 0)
		return r;
	for (unsigned i = 0; i < REGS32_SLOTS; i++)
		regs32[i] = (uint32_t)*regs64_slot(&regs, i);
	return to_tracer(tracer, data, regs32, sizeof(regs32));
}

/*
 * PTRACE_SETREGS of an i386 caller. (Linux puts the slots one by one and
 * stops at the first that fails or faults; here the whole block is read
 * first and put at once.)
 */
static long setregs32(pid_t tracer, pid_t tracee, uint64_t data)
{
	struct user_regs_struct regs;
	uint32_t regs32[REGS32_SLOTS];
	long r = from_tracer(tracer, data, regs32, sizeof(regs32));

	if (r == 0)
		r = ptv_host_getregs(tracee, &regs);
	if (r < 0)
		return r;
	for (unsigned i = 0; i < REGS32_SLOTS; i++)
		*regs64_slot(&regs, i) = regs32[i];
	return ptv_host_request(PTRACE_SETREGS, tracee, 0, (unsigned long)&regs);
}

/*
 * The x86_64 struct user offset that i386 struct user32 offset @addr
 * stands for: a register slot, a debug register, or (-1) a field that
 * reads 0 and ignores writes; -EIO for a bad offset ("if (regno >
 * sizeof(struct user32) || (regno & 3)) return -EIO", which lets 284 by).
 */
static long user32_to_user64(uint64_t addr)
{
	if (addr > USER32_SIZE || (addr & 3))
		return -EIO;
	if (addr < REGS32_SLOTS * 4)
		return regs32_field[addr / 4];
	if (addr >= USER32_DEBUGREG && addr < USER32_SIZE)
		return (long)(offsetof(struct user, u_debugreg) +
			      (addr - USER32_DEBUGREG) / 4 * sizeof(uint64_t));
	return -1;
}

/* PTRACE_PEEKUSR and PTRACE_POKEUSR of an i386 caller. */
static long user32(pid_t tracer, pid_t tracee, long request, uint64_t addr,
		   uint64_t data)
{
	long off = user32_to_user64(addr);
	unsigned long word = 0;
	uint32_t word32;
	long r = 0;

	if (off == -EIO)
		return off;
	if (request == PTRACE_POKEUSR)
		return off < 0 ? 0 : ptv_host_request(PTRACE_POKEUSR, tracee,
						       (unsigned long)off,
						       (uint32_t)data);
	if (off >= 0)
		r = ptv_host_request(PTRACE_PEEKUSR, tracee, (unsigned long)off,
				     (unsigned long)&word);
	if (r < 0)
		return r;
	word32 = (uint32_t)word;
	return to_tracer(tracer, data, &word32, sizeof(word32));
}

/*
 * GETREGSET/SETREGSET of an i386 caller: a compat iovec (32-bit base and
 * length); the regset is the tracee's own (task_user_regset_view(child)).
 */
static long regset32(pid_t tracer, pid_t tracee, long request, uint64_t type,
		     uint64_t data)
{
	uint32_t iov32[2];
	struct iovec iov;
	long r;

	if (from_tracer(tracer, data, iov32, sizeof(iov32)) < 0)
		return -EFAULT;
	iov.iov_base = (void *)(uintptr_t)iov32[0];
	iov.iov_len = iov32[1];
	r = regset_iov(tracer, tracee, request, type, &iov);
	iov32[1] = (uint32_t)iov.iov_len;
	if (r == 0 && to_tracer(tracer, data + sizeof(uint32_t), &iov32[1],
				sizeof(iov32[1])) < 0)
		r = -EFAULT;
	return r;
}

/*
 * The i386 FPU layouts. GETFPXREGS and SETFPXREGS move the FXSAVE area,
 * x86_64's user_fpregs_struct. GETFPREGS and SETFPREGS move struct
 * user_i387_ia32_struct (the FSAVE layout, 108 bytes), converted as
 * arch/x86/kernel/fpu/regset.c:__convert_from_fxsr() and
 * convert_to_fxsr() do for a 64-bit tracee.
 */
struct i387_ia32 {
	uint32_t cwd, swd, twd, fip, fcs, foo, fos;
	unsigned char st_space[80];	/* 8 registers of 10 bytes */
};

/* twd_fxsr_to_i387(): the full tag word from FXSAVE's abridged one. */
static uint32_t full_tag_word(const struct user_fpregs_struct *fx)
{
	unsigned tos = (fx->swd >> 11) & 7;
	uint32_t tags = 0xffff0000u;

	for (unsigned i = 0; i < 8; i++) {
		const unsigned char *st = (const unsigned char *)fx->st_space +
					  16 * ((i - tos) & 7);
		uint16_t sig[4], exponent;
		uint32_t tag = 3;			/* empty */

		memcpy(sig, st, sizeof(sig));
		memcpy(&exponent, st + 8, sizeof(exponent));
		if (fx->ftw & (1u << i)) {
			if ((exponent & 0x7fff) == 0x7fff)
				tag = 2;		/* special */
			else if ((exponent & 0x7fff) == 0)
				tag = sig[0] | sig[1] | sig[2] | sig[3] ? 2 : 1;
			else
				tag = sig[3] & 0x8000 ? 0 : 2;	/* valid */
		}
		tags |= tag << (2 * i);
	}
	return tags;
}

/* twd_i387_to_fxsr(): each register valid (01, 10, 00) or empty (11). */
static uint16_t abridged_tag_word(uint32_t twd)
{
	uint32_t t = ~twd;

	t = (t | (t >> 1)) & 0x5555;
	t = (t | (t >> 1)) & 0x3333;
	t = (t | (t >> 2)) & 0x0f0f;
	t = (t | (t >> 4)) & 0x00ff;
	return (uint16_t)t;
}

static long fpregs32(pid_t tracer, pid_t tracee, long request, uint64_t data)
{
	struct user_fpregs_struct fx;
	struct user_regs_struct regs;
	struct i387_ia32 env;
	long r;

	if (request == PTRACE_SETFPREGS &&
	    from_tracer(tracer, data, &env, sizeof(env)) < 0)
		return -EFAULT;
	r = ptv_host_request(PTRACE_GETFPREGS, tracee, 0, (unsigned long)&fx);
	if (r == 0 && request == PTRACE_GETFPREGS)
		r = ptv_host_getregs(tracee, &regs);
	if (r < 0)
		return r;
	if (request == PTRACE_SETFPREGS) {
		fx.cwd = (uint16_t)env.cwd;
		fx.swd = (uint16_t)env.swd;
		fx.ftw = abridged_tag_word(env.twd);
		fx.fop = (uint16_t)(env.fcs >> 16);
		fx.rip = env.fip;
		fx.rdp = env.foo;
		for (unsigned i = 0; i < 8; i++)
			memcpy((char *)fx.st_space + 16 * i, env.st_space + 10 * i,
			       10);
		return ptv_host_request(PTRACE_SETFPREGS, tracee, 0,
					(unsigned long)&fx);
	}
	env.cwd = fx.cwd | 0xffff0000u;
	env.swd = fx.swd | 0xffff0000u;
	env.twd = full_tag_word(&fx);
	env.fip = (uint32_t)fx.rip;
	env.foo = (uint32_t)fx.rdp;
	/* "should be actually ds/cs at fpu exception time" */
	env.fcs = (uint32_t)regs.cs;
	env.fos = (uint32_t)regs.ds | 0xffff0000u;
	for (unsigned i = 0; i < 8; i++)
		memcpy(env.st_space + 10 * i, (char *)fx.st_space + 16 * i, 10);
	return to_tracer(tracer, data, &env, sizeof(env));
}

/*
 * An i386 (int 0x80) caller's request: compat_sys_ptrace() (kernel/
 * ptrace.c) checks as the x86_64 call does, then compat_arch_ptrace()
 * (arch/x86/kernel/ptrace.c: ia32_arch_ptrace(), then kernel/ptrace.c:
 * compat_ptrace_request(), then ptrace_request()) carries it out. What
 * is the same for it goes the usual way (false). The word requests move
 * a compat_ulong_t, the register requests the i386 layouts (above), the
 * siginfo requests compat_siginfo (data_request(), siginfo32.c).
 * PTRACE_ARCH_PRCTL, which only arch_ptrace() knows, gives EIO in Linux.
 */
static bool compat_data_request(struct ptv_task *tracee, pid_t tracer,
				long request, uint64_t addr, uint64_t data,
				long *result)
{
	uint32_t word;

	switch (request) {
	case PTRACE_PEEKTEXT:
	case PTRACE_PEEKDATA:
		/* "if (ret != sizeof(word)) ret = -EIO; else put_user()" */
		if (ptv_mem_access_forced(tracee->tid, addr, &word,
					  sizeof(word), false) < 0)
			*result = -EIO;
		else
			*result = to_tracer(tracer, data, &word, sizeof(word));
		return true;
	case PTRACE_POKETEXT:
	case PTRACE_POKEDATA:
		word = (uint32_t)data;
		*result = ptv_mem_access_forced(tracee->tid, addr, &word,
						sizeof(word), true) < 0 ? -EIO
									: 0;
		return true;
	case PTRACE_GETEVENTMSG:
		word = (uint32_t)tracee->event_msg;
		*result = to_tracer(tracer, data, &word, sizeof(word));
		return true;
	case PTRACE_GETREGS:
		*result = getregs32(tracer, tracee->tid, data);
		return true;
	case PTRACE_SETREGS:
		*result = setregs32(tracer, tracee->tid, data);
		return true;
	case PTRACE_PEEKUSR:
	case PTRACE_POKEUSR:
		*result = user32(tracer, tracee->tid, request, addr, data);
		return true;
	case PTRACE_GETREGSET:
	case PTRACE_SETREGSET:
		*result = regset32(tracer, tracee->tid, request, addr, data);
		return true;
	case PTRACE_GETFPREGS:
	case PTRACE_SETFPREGS:
		*result = fpregs32(tracer, tracee->tid, request, data);
		return true;
	case PTRACE_GETFPXREGS:
		*result = get_block(tracer, tracee->tid, PTRACE_GETFPREGS, 0,
				    data, sizeof(struct user_fpregs_struct));
		return true;
	case PTRACE_SETFPXREGS:
		*result = set_block(tracer, tracee->tid, PTRACE_SETFPREGS, 0,
				    data, sizeof(struct user_fpregs_struct));
		return true;
	case PTRACE_ARCH_PRCTL:
		*result = -EIO;
		return true;
	}
	return false;
}

static enum ptv_vresume resume_kind(long request)
{
	switch (request) {
	case PTRACE_SYSCALL:
		return PTV_VRESUME_SYSCALL;
	case PTRACE_SINGLESTEP:
		return PTV_VRESUME_SINGLESTEP;
	case PTRACE_SINGLEBLOCK:
		return PTV_VRESUME_SINGLEBLOCK;
	case PTRACE_SYSEMU:
		return PTV_VRESUME_SYSEMU;
	case PTRACE_SYSEMU_SINGLESTEP:
		return PTV_VRESUME_SYSEMU_SINGLESTEP;
	}
	return PTV_VRESUME_CONT;
}

/*
 * A SIGKILL ends a ptrace-stop at once, and Linux then fails every request
 * that needs one with ESRCH (kernel/ptrace.c:ptrace_check_attach()); the
 * model keeps the stop until the host's report of the death reaches the
 * loop. Requests answered without a host call, and errors found before
 * one, are checked against the host: has @tracee left its host stop?
 */
static bool left_its_stop(const struct ptv_task *tracee)
{
	return !ptv_host_still_in_stop(tracee->tid);
}

/* PTRACE_CONT and the other requests that resume a tracee. */
static bool is_resume(long request)
{
	switch (request) {
	case PTRACE_CONT:
	case PTRACE_SYSCALL:
	case PTRACE_SINGLESTEP:
	case PTRACE_SINGLEBLOCK:
	case PTRACE_SYSEMU:
	case PTRACE_SYSEMU_SINGLESTEP:
		return true;
	}
	return false;
}

/*
 * Requests that a tracee's death may not fail on the host: those the
 * model answers alone, and the resumes, which the host would carry out on
 * the exit stop that the supervisor's own PTRACE_O_TRACEEXIT gives a
 * SIGKILLed tracee, a stop Linux would not make for its tracer.
 */
static bool answered_by_model(long request)
{
	return request == PTRACE_SETOPTIONS || request == PTRACE_GETEVENTMSG ||
	       request == PTRACE_DETACH || request == PTRACE_LISTEN ||
	       is_resume(request);
}

/*
 * kernel/seccomp.c: seccomp_get_filter() and seccomp_get_metadata() first
 * answer EACCES "if (!capable(CAP_SYS_ADMIN) || current->seccomp.mode !=
 * SECCOMP_MODE_DISABLED)": the tracer's own filters count, the
 * supervisor's does not; capable() asks in the initial user namespace
 * (the supervisor's: NULL).
 */
#define PTV_CAP_SYS_ADMIN 21

static long seccomp_request_access(struct ptv_syscall_env *env,
				   struct ptv_task *caller)
{
	struct ptv_proc_creds c;

	if (ptv_proc_creds(caller->tid, &c) < 0)
		return -ESRCH;
	if (c.seccomp_filters > ptv_filter_base() ||
	    !env->k->host->capable(env->k->host_ctx, caller, NULL,
				   PTV_CAP_SYS_ADMIN))
		return -EACCES;
	return 0;
}

static long carry_out_request(struct ptv_syscall_env *env,
				   struct ptv_task *caller,
				   struct ptv_task *tracee, long request,
				   uint64_t addr, uint64_t data, bool compat)
{
	long result;

	if (is_resume(request))
		return ptv_ptrace_resume(env->k, tracee, resume_kind(request), data);
	switch (request) {
	case PTRACE_SETOPTIONS:
		return ptv_ptrace_setoptions(env->k, tracee, data);
	case PTRACE_DETACH:
		return ptv_ptrace_detach(env->k, tracee, data);
	case PTRACE_KILL:
		return ptv_ptrace_kill(env->k, tracee);
	case PTRACE_INTERRUPT:
		return ptv_ptrace_interrupt(env->k, tracee);
	case PTRACE_LISTEN:
		return ptv_ptrace_listen(env->k, tracee);
	case PTRACE_PEEKSIGINFO:
		return peeksiginfo(env->k, tracee, caller->tid, addr, data,
				   compat);
	case PTRACE_SECCOMP_GET_FILTER:
	case PTRACE_SECCOMP_GET_METADATA:
		result = seccomp_request_access(env, caller);
		if (result < 0)
			return result;
		break;
	}
	if (compat && compat_data_request(tracee, caller->tid, request, addr,
					  data, &result))
		return result;
	return data_request(tracee, caller->tid, request, addr, data, compat);
}

static long tracee_request(struct ptv_syscall_env *env, struct ptv_task *caller,
			   long request, pid_t pid, uint64_t addr, uint64_t data,
			   bool compat)
{
	struct ptv_task *tracee;
	bool ignore_state = request == PTRACE_KILL || request == PTRACE_INTERRUPT;
	int r = ptv_ptrace_check_attach(env->k, caller, pid, ignore_state, &tracee);

	bool checked = !ignore_state && answered_by_model(request);

	if (r < 0)
		return r;
	if (checked && left_its_stop(tracee))
		return -ESRCH;
	r = carry_out_request(env, caller, tracee, request, addr, data, compat);
	/* An error found before a host call: asked once, above or here. */
	if (!ignore_state && !checked && r < 0 && r != -ESRCH &&
	    left_its_stop(tracee))
		return -ESRCH;
	return r;
}

void ptv_sys_ptrace(struct ptv_syscall_env *env, struct ptv_task *caller,
		    const struct ptv_syscall *call, struct ptv_syscall_outcome *out)
{
	long request = (long)call->args[0];
	pid_t pid = (pid_t)call->args[1];
	uint64_t addr = call->args[2], data = call->args[3];
	bool compat = call->abi == PTV_ABI_I386;
	pid_t host_pid;
	long r;

	if (compat) {
		/* compat_sys_ptrace(): compat_long_t, compat_ulong_t. */
		request = (int32_t)request;
		addr = (uint32_t)addr;
		data = (uint32_t)data;
	}
	/* find_get_task_by_vpid(): a pid of the caller's namespace. */
	host_pid = ptv_pidns_to_host(env->k, caller, pid);
	if (request == PTRACE_TRACEME) {
		r = ptv_ptrace_traceme(env->k, caller);
	} else if (request == PTRACE_ATTACH || request == PTRACE_SEIZE) {
		r = ptv_ptrace_attach(env->k, caller, host_pid,
				      request == PTRACE_SEIZE, addr, data);
		/*
		 * Guests can never reach a process outside the guests, nor a
		 * dying one (a zombie): one that exists gets SEIZE's argument
		 * checks, then EPERM. (From a nested namespace, only one the
		 * model could name.)
		 */
		if (r == -ESRCH && host_pid > 0 && kill(host_pid, 0) == 0) {
			r = request == PTRACE_SEIZE ?
				    ptv_ptrace_seize_check(env->k, caller, addr, data) : 0;
			if (r == 0)
				r = -EPERM;
		}
	} else {
		r = tracee_request(env, caller, request, host_pid, addr, data,
				   compat);
	}
	ptv_log("[%d] ptrace(%s, %d, %#llx, %#llx) = %ld%s%s", caller->tid,
		ptv_request_name(request), pid, (unsigned long long)addr,
		(unsigned long long)data, r, r < 0 ? " " : "",
		r < 0 ? ptv_errno_name((int)-r) : "");
	out->action = PTV_SYSCALL_RETURN;
	out->result = r;
}
