/*
 * Syscall information requests (issue #4):
 *  - entry-exit / no-sysgood: PTRACE_GET_SYSCALL_INFO at syscall-enter and
 *    -exit stops of plain calls and of calls the supervisor traps itself
 *    (wait4, ptrace), with and without PTRACE_O_TRACESYSGOOD;
 *  - sysgood-changed: the op is decided by the stop's code, so
 *    PTRACE_O_TRACESYSGOOD set or cleared during a syscall stop changes
 *    nothing until the next stop (ptfuzz seed 80 step 519);
 *  - sizes: the size argument smaller than the structure, 0, NULL buffers;
 *  - other-stops: op NONE at a signal-delivery-stop and a PTRACE_EVENT_EXIT
 *    stop;
 *  - seccomp / seccomp-no-option: a guest filter's SECCOMP_RET_TRACE with
 *    PTRACE_O_TRACESECCOMP (the seccomp stop after the enter stop, op
 *    SECCOMP, ret_data) and without it (ENOSYS);
 *  - set-syscall-info: PTRACE_SET_SYSCALL_INFO (0x4212, Linux 6.16);
 *  - filters: PTRACE_SECCOMP_GET_FILTER / PTRACE_SECCOMP_GET_METADATA for
 *    a tracee with none, one and two filters of its own;
 *  - filters-strict: and for one in SECCOMP_MODE_STRICT (EINVAL);
 *  - rseq: PTRACE_GET_RSEQ_CONFIGURATION;
 *  - user-dispatch: PTRACE_SET/GET_SYSCALL_USER_DISPATCH_CONFIG
 *    (0x4210/0x4211, Linux 6.11).
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filter.h"
#include "pt.h"

#define PTRACE_SET_SUD_CONFIG 0x4210
#define PTRACE_GET_SUD_CONFIG 0x4211
#define PTRACE_SET_SYSCALL_INFO 0x4212
#ifndef PTRACE_GET_RSEQ_CONFIGURATION
#define PTRACE_GET_RSEQ_CONFIGURATION 0x420f
#endif

/* include/uapi/linux/ptrace.h of Linux 6.16. */
struct syscall_info {
	uint8_t op;
	uint8_t reserved;
	uint16_t flags;
	uint32_t arch;
	uint64_t instruction_pointer;
	uint64_t stack_pointer;
	union {
		struct {
			uint64_t nr;
			uint64_t args[6];
		} entry;
		struct {
			int64_t rval;
			uint8_t is_error;
		} exit;
		struct {
			uint64_t nr;
			uint64_t args[6];
			uint32_t ret_data;
			uint32_t reserved2;
		} seccomp;
	};
};

static int rep[2];

struct call {
	long nr;
	long a[6];
};

/* What the child does once its tracer resumes it from its first stop. */
static const struct call *child_calls;
/* Guest filters it installs first (0, 1, 2), then it stops again. */
static int child_filters;

static const char *nr_name(long nr)
{
	static char buf[4][24];
	static unsigned next;

	switch (nr) {
	case SYS_lseek:
		return "lseek";
	case SYS_wait4:
		return "wait4";
	case SYS_ptrace:
		return "ptrace";
	case SYS_getppid:
		return "getppid";
	case SYS_getuid:
		return "getuid";
	case SYS_kill:
		return "kill";
	case SYS_exit_group:
		return "exit_group";
	case -1:
		return "-1";
	}
	snprintf(buf[next % 4], 24, "nr %ld", nr);
	return buf[next++ % 4];
}

/* A result: an errno, a pid (named), or a number. */
static const char *value(long v)
{
	static char buf[4][32];
	static unsigned next;
	char *out = buf[next++ % 4];

	if (v < 0 && v >= -4095)
		return scn_raw_result(v, out);
	if (v >= 300 && v < PT_MAGIC) /* RESERVED_PIDS: pids start there */
		return scn_pid((pid_t)v);
	snprintf(out, 32, "%ld", v);
	return out;
}

/* An argument: user-space addresses differ between runs. */
static const char *arg_text(uint64_t v)
{
	static char buf[6][24];
	static unsigned next;
	char *out = buf[next++ % 6];

	if (v > 0xffffffffULL && v < (1ULL << 47))
		return "addr";
	snprintf(out, 24, "%lld", (long long)v);
	return out;
}

static const char *args_text(const uint64_t *a)
{
	static char buf[160];

	snprintf(buf, sizeof(buf), "%s %s %s %s %s %s", arg_text(a[0]),
		 arg_text(a[1]), arg_text(a[2]), arg_text(a[3]), arg_text(a[4]),
		 arg_text(a[5]));
	return buf;
}

/* GET_SYSCALL_INFO of @size bytes, printed. */
static void say_info(pid_t child, unsigned long size)
{
	struct syscall_info info;
	struct user_regs_struct regs;
	long n;

	memset(&info, 0, sizeof(info));
	n = pt_raw(PTRACE_GET_SYSCALL_INFO, child, size, (unsigned long)&info);
	if (n < 0) {
		scn_say("  GET_SYSCALL_INFO = -1 %s", scn_errno(errno));
		return;
	}
	pt_getregs(child, &regs);
	scn_say("  GET_SYSCALL_INFO = %ld: op %u, arch %s, ip and sp as regs: %s",
		n, info.op, info.arch == AUDIT_ARCH_X86_64 ? "x86_64" : "other",
		info.instruction_pointer == regs.rip &&
				info.stack_pointer == regs.rsp
			? "yes" : "no");
	if (info.op == PTRACE_SYSCALL_INFO_ENTRY)
		scn_say("    entry %s (%s)", nr_name((long)info.entry.nr),
			args_text(info.entry.args));
	else if (info.op == PTRACE_SYSCALL_INFO_EXIT)
		scn_say("    exit rval %s, is_error %u", value(info.exit.rval),
			info.exit.is_error);
	else if (info.op == PTRACE_SYSCALL_INFO_SECCOMP)
		scn_say("    seccomp %s (%s), ret_data %#x",
			nr_name((long)info.seccomp.nr),
			args_text(info.seccomp.args), info.seccomp.ret_data);
}

static void step(pid_t child, long request)
{
	int status;

	pt_must(request, child, 0, 0);
	status = pt_wait_say(child, 0, "wait");
	if (WIFSTOPPED(status) && (status >> 16) == PTRACE_EVENT_SECCOMP)
		scn_say("  GETEVENTMSG %#lx", pt_eventmsg(child));
	if (WIFSTOPPED(status))
		say_info(child, sizeof(struct syscall_info));
}

/* ld nr; getppid: TRACE|0x123; wait4: TRACE|7; else ALLOW. */
static struct sock_filter filter_a[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | 0x123),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_wait4, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | 7),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};
/* ld nr; ALLOW: installed with SECCOMP_FILTER_FLAG_LOG. */
static struct sock_filter filter_b[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

static void install_filters(int count)
{
	struct sock_fprog a = { PT_NCASES(filter_a), filter_a };
	struct sock_fprog b = { PT_NCASES(filter_b), filter_b };

	if (count == 0)
		return;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &a) != 0)
		_exit(11);
	if (count > 1 && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				 SECCOMP_FILTER_FLAG_LOG, &b) != 0)
		_exit(12);
}

static int calls_child(void *arg)
{
	long results[8];
	size_t n;

	(void)arg;
	if (child_filters > 0) {
		install_filters(child_filters);
		syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
	}
	for (n = 0; child_calls[n].nr != 0; n++) {
		const long *a = child_calls[n].a;

		results[n] = syscall(child_calls[n].nr, a[0], a[1], a[2], a[3],
				     a[4], a[5]);
		if (results[n] == -1)
			results[n] = -errno;
	}
	for (n = 0; child_calls[n].nr != 0; n++) {
		long v = results[n];

		if (v < 0 && v >= -4095)
			scn_report(rep[1], "  child: %s = -%s",
				   nr_name(child_calls[n].nr), scn_errno((int)-v));
		else if (v >= 300 && v < PT_MAGIC)
			scn_report(rep[1], "  child: %s = {pid %ld}",
				   nr_name(child_calls[n].nr), v);
		else
			scn_report(rep[1], "  child: %s = %ld",
				   nr_name(child_calls[n].nr), v);
	}
	return 0;
}

static pid_t spawn_calls(const struct call *calls, int filters)
{
	pid_t child;

	child_calls = calls;
	child_filters = filters;
	scn_pipe(rep, O_CLOEXEC);
	child = pt_spawn_stopped(calls_child, NULL);
	close(rep[1]);
	if (filters > 0) {
		/* Its filters installed, it stops again (not printed). */
		pt_must(PTRACE_CONT, child, 0, 0);
		pt_wait_expect(child, 0x137f);
	}
	scn_say("child is %s, in its SIGSTOP stop", scn_pid(child));
	return child;
}

static void finish(pid_t child)
{
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	scn_relay(rep[0]);
	close(rep[0]);
}

static const struct call plain_calls[] = {
	{ SYS_lseek, { 1001, 1002, 1003, 1004, 1005, 1006 } },
	{ SYS_wait4, { -1, 0, WNOHANG, 0, 0, 0 } },
	{ SYS_ptrace, { PTRACE_GETREGS, PT_MAGIC, 0, 0, 0, 0 } },
	{ SYS_getppid, { 0 } },
	{ 0, { 0 } },
};

static void run_pairs(pid_t child, int npairs)
{
	for (int i = 0; i < npairs; i++) {
		step(child, PTRACE_SYSCALL);
		step(child, PTRACE_SYSCALL);
	}
}

static void case_entry_exit(void)
{
	pid_t child = spawn_calls(plain_calls, 0);

	pt_say("SETOPTIONS(TRACESYSGOOD)", PTRACE_SETOPTIONS, child, 0,
	       PTRACE_O_TRACESYSGOOD);
	run_pairs(child, 4);
	finish(child);
}

static void case_no_sysgood(void)
{
	pid_t child = spawn_calls(plain_calls, 0);

	run_pairs(child, 4);
	finish(child);
}

/* GET_SYSCALL_INFO's size and op, and GETSIGINFO's si_code, printed. */
static void say_stop_info(pid_t child)
{
	struct syscall_info info;
	siginfo_t si;
	long n;

	memset(&info, 0, sizeof(info));
	n = pt_raw(PTRACE_GET_SYSCALL_INFO, child, sizeof(info),
		   (unsigned long)&info);
	pt_must(PTRACE_GETSIGINFO, child, 0, (unsigned long)&si);
	scn_say("GET_SYSCALL_INFO = %ld, op %d; si_code %#x", n, info.op,
		si.si_code);
}

static void case_sysgood_changed(void)
{
	pid_t child = spawn_calls(plain_calls, 0);

	pt_must(PTRACE_SYSCALL, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	pt_say("SETOPTIONS(TRACESYSGOOD)", PTRACE_SETOPTIONS, child, 0,
	       PTRACE_O_TRACESYSGOOD);
	say_stop_info(child);
	pt_must(PTRACE_SYSCALL, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	pt_say("SETOPTIONS(0)", PTRACE_SETOPTIONS, child, 0, 0);
	say_stop_info(child);
	pt_must(PTRACE_SYSCALL, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	say_stop_info(child);
	finish(child);
}

static void case_sizes(void)
{
	static const unsigned long sizes[] = { 0, 1, 8, 24, 30, 88, 4096 };
	pid_t child = spawn_calls(plain_calls, 0);
	unsigned char buf[256], buf2[256];
	long n;

	pt_say("SETOPTIONS(TRACESYSGOOD)", PTRACE_SETOPTIONS, child, 0,
	       PTRACE_O_TRACESYSGOOD);
	pt_must(PTRACE_SYSCALL, child, 0, 0);
	pt_wait_say(child, 0, "wait");
	for (int stop = 0; stop < 2; stop++) {
		for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
			size_t written = 0;

			/* Two fills: a byte equal to one fill by chance is not
			 * equal to the other. */
			memset(buf2, 0x55, sizeof(buf2));
			pt_raw(PTRACE_GET_SYSCALL_INFO, child, sizes[i],
			       (unsigned long)buf2);
			memset(buf, 0xaa, sizeof(buf));
			n = pt_raw(PTRACE_GET_SYSCALL_INFO, child, sizes[i],
				   (unsigned long)buf);
			for (size_t j = 0; j < sizeof(buf); j++)
				if (buf[j] != 0xaa || buf2[j] != 0x55)
					written = j + 1;
			if (n < 0)
				scn_say("GET_SYSCALL_INFO(size %lu) = -1 %s",
					sizes[i], scn_errno(errno));
			else
				scn_say("GET_SYSCALL_INFO(size %lu) = %ld, op %u,"
					" bytes written: %zu",
					sizes[i], n, written ? buf[0] : 0xaa,
					written);
		}
		pt_say("GET_SYSCALL_INFO(size 0, NULL)", PTRACE_GET_SYSCALL_INFO,
		       child, 0, 0);
		pt_say("GET_SYSCALL_INFO(size 88, NULL)", PTRACE_GET_SYSCALL_INFO,
		       child, 88, 0);
		if (stop == 0) {
			pt_must(PTRACE_SYSCALL, child, 0, 0);
			pt_wait_say(child, 0, "wait");
		}
	}
	finish(child);
}

static const struct call kill_self_calls[] = {
	{ SYS_getuid, { 0 } },
	{ 0, { 0 } },
};

static void case_other_stops(void)
{
	pid_t child = spawn_calls(kill_self_calls, 0);

	scn_say("-- the SIGSTOP signal-delivery-stop");
	say_info(child, sizeof(struct syscall_info));
	pt_say("SETOPTIONS(TRACESYSGOOD | TRACEEXIT)", PTRACE_SETOPTIONS, child,
	       0, PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXIT);
	scn_say("-- getuid's stops, then the exit event stop");
	run_pairs(child, 1);
	step(child, PTRACE_CONT);
	finish(child);
}

static const struct call seccomp_calls[] = {
	{ SYS_getppid, { 0 } },
	{ SYS_wait4, { -1, 0, WNOHANG, 0, 0, 0 } },
	{ SYS_getuid, { 0 } },
	{ SYS_getppid, { 0 } },
	{ 0, { 0 } },
};

static void case_seccomp(void)
{
	pid_t child = spawn_calls(seccomp_calls, 1);

	pt_say("SETOPTIONS(TRACESYSGOOD | TRACESECCOMP)", PTRACE_SETOPTIONS,
	       child, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACESECCOMP);
	scn_say("-- PTRACE_CONT: getppid's seccomp stop, then its exit");
	step(child, PTRACE_CONT);
	step(child, PTRACE_SYSCALL);
	scn_say("-- PTRACE_SYSCALL: wait4's enter, seccomp and exit stops");
	step(child, PTRACE_SYSCALL);
	step(child, PTRACE_SYSCALL);
	step(child, PTRACE_SYSCALL);
	scn_say("-- getuid (allowed), then getppid skipped at its seccomp stop");
	step(child, PTRACE_SYSCALL);
	step(child, PTRACE_SYSCALL);
	step(child, PTRACE_CONT);
	{
		struct user_regs_struct regs;

		pt_getregs(child, &regs);
		regs.orig_rax = (unsigned long long)-1;
		regs.rax = PT_MAGIC;
		pt_setregs(child, &regs);
		scn_say("  SETREGS: orig_rax -1, rax 5000001");
	}
	step(child, PTRACE_SYSCALL);
	finish(child);
}

static void case_seccomp_no_option(void)
{
	pid_t child = spawn_calls(seccomp_calls, 1);

	pt_say("SETOPTIONS(TRACESYSGOOD)", PTRACE_SETOPTIONS, child, 0,
	       PTRACE_O_TRACESYSGOOD);
	scn_say("-- no seccomp stops: RET_TRACE calls fail with ENOSYS");
	run_pairs(child, 4);
	finish(child);
}

static const struct call set_calls[] = {
	{ SYS_getppid, { 0 } },
	{ SYS_getuid, { 0 } },
	{ SYS_lseek, { 1001, 0, 0, 0, 0, 0 } },
	{ SYS_wait4, { -1, 0, WNOHANG, 0, 0, 0 } },
	{ 0, { 0 } },
};

static long set_info(pid_t child, const char *what, struct syscall_info *info,
		     unsigned long size)
{
	return pt_say(what, PTRACE_SET_SYSCALL_INFO, child, size,
		      (unsigned long)info);
}

static void case_set_syscall_info(void)
{
	pid_t child = spawn_calls(set_calls, 0);
	struct syscall_info info;

	scn_say("-- at a signal-delivery-stop");
	memset(&info, 0, sizeof(info));
	pt_raw(PTRACE_GET_SYSCALL_INFO, child, sizeof(info), (unsigned long)&info);
	set_info(child, "SET_SYSCALL_INFO(op NONE)", &info, sizeof(info));
	pt_say("SETOPTIONS(TRACESYSGOOD)", PTRACE_SETOPTIONS, child, 0,
	       PTRACE_O_TRACESYSGOOD);
	scn_say("-- getppid's entry: turned into getuid");
	step(child, PTRACE_SYSCALL);
	memset(&info, 0, sizeof(info));
	pt_raw(PTRACE_GET_SYSCALL_INFO, child, sizeof(info), (unsigned long)&info);
	info.entry.nr = SYS_getuid;
	set_info(child, "SET_SYSCALL_INFO(size 24)", &info, 24);
	set_info(child, "SET_SYSCALL_INFO(from NULL)", NULL, sizeof(info));
	info.op = PTRACE_SYSCALL_INFO_EXIT;
	set_info(child, "SET_SYSCALL_INFO(op EXIT at entry)", &info, sizeof(info));
	info.op = PTRACE_SYSCALL_INFO_ENTRY;
	info.flags = 1;
	set_info(child, "SET_SYSCALL_INFO(flags 1)", &info, sizeof(info));
	info.flags = 0;
	info.reserved = 1;
	set_info(child, "SET_SYSCALL_INFO(reserved 1)", &info, sizeof(info));
	info.reserved = 0;
	set_info(child, "SET_SYSCALL_INFO(nr getuid)", &info, sizeof(info));
	say_info(child, sizeof(info));
	step(child, PTRACE_SYSCALL);
	scn_say("-- getuid's exit: result 5000001");
	step(child, PTRACE_SYSCALL);
	step(child, PTRACE_SYSCALL);
	memset(&info, 0, sizeof(info));
	pt_raw(PTRACE_GET_SYSCALL_INFO, child, sizeof(info), (unsigned long)&info);
	info.exit.rval = PT_MAGIC;
	info.exit.is_error = 0;
	set_info(child, "SET_SYSCALL_INFO(rval 5000001)", &info, sizeof(info));
	scn_say("-- lseek's entry: first argument 1002, then skipped (nr -1)");
	step(child, PTRACE_SYSCALL);
	memset(&info, 0, sizeof(info));
	pt_raw(PTRACE_GET_SYSCALL_INFO, child, sizeof(info), (unsigned long)&info);
	info.entry.args[0] = 1002;
	set_info(child, "SET_SYSCALL_INFO(args[0] 1002)", &info, sizeof(info));
	say_info(child, sizeof(info));
	info.entry.nr = (uint64_t)-1;
	set_info(child, "SET_SYSCALL_INFO(nr -1)", &info, sizeof(info));
	step(child, PTRACE_SYSCALL);
	scn_say("-- wait4's entry (a trapped call): skipped (nr -1)");
	step(child, PTRACE_SYSCALL);
	memset(&info, 0, sizeof(info));
	pt_raw(PTRACE_GET_SYSCALL_INFO, child, sizeof(info), (unsigned long)&info);
	info.entry.nr = (uint64_t)-1;
	set_info(child, "SET_SYSCALL_INFO(nr -1)", &info, sizeof(info));
	step(child, PTRACE_SYSCALL);
	finish(child);
}

static void say_filters(pid_t child)
{
	struct sock_filter prog[16];
	uint64_t md[2];

	for (unsigned long i = 0; i < 3; i++) {
		char what[64];
		long n;

		snprintf(what, sizeof(what), "SECCOMP_GET_FILTER(%lu, NULL)", i);
		pt_say(what, PTRACE_SECCOMP_GET_FILTER, child, i, 0);
		snprintf(what, sizeof(what), "SECCOMP_GET_FILTER(%lu)", i);
		memset(prog, 0, sizeof(prog));
		n = pt_say(what, PTRACE_SECCOMP_GET_FILTER, child, i,
			   (unsigned long)prog);
		for (long j = 0; j < n && j < 16; j++)
			scn_say("  %ld: code %#x jt %u jf %u k %#x", j, prog[j].code,
				prog[j].jt, prog[j].jf, prog[j].k);
		md[0] = i;
		md[1] = 77;
		snprintf(what, sizeof(what), "SECCOMP_GET_METADATA(16, %lu)", i);
		if (pt_say(what, PTRACE_SECCOMP_GET_METADATA, child, 16,
			   (unsigned long)md) >= 0)
			scn_say("  filter_off %llu, flags %llu",
				(unsigned long long)md[0],
				(unsigned long long)md[1]);
	}
	md[0] = 0;
	md[1] = 77;
	pt_say("SECCOMP_GET_METADATA(8, 0)", PTRACE_SECCOMP_GET_METADATA, child,
	       8, (unsigned long)md);
	scn_say("  flags %llu", (unsigned long long)md[1]);
	pt_say("SECCOMP_GET_METADATA(4, 0)", PTRACE_SECCOMP_GET_METADATA, child,
	       4, (unsigned long)md);
	pt_say("SECCOMP_GET_METADATA(100, 0)", PTRACE_SECCOMP_GET_METADATA,
	       child, 100, (unsigned long)md);
	pt_say("SECCOMP_GET_METADATA(16, NULL)", PTRACE_SECCOMP_GET_METADATA,
	       child, 16, 0);
	pt_say("SECCOMP_GET_FILTER(0, to NULL + 8)", PTRACE_SECCOMP_GET_FILTER,
	       child, 0, 8);
}

static const struct call stop_calls[] = {
	{ SYS_getuid, { 0 } },
	{ 0, { 0 } },
};

static void case_filters(void)
{
	for (int filters = 0; filters <= 2; filters++) {
		pid_t child;

		scn_say("-- a tracee with %d filter(s) of its own", filters);
		child = spawn_calls(stop_calls, filters);
		pt_say("SETOPTIONS(TRACESYSGOOD)", PTRACE_SETOPTIONS, child, 0,
		       PTRACE_O_TRACESYSGOOD);
		pt_must(PTRACE_SYSCALL, child, 0, 0);
		pt_wait_say(child, 0, "wait");
		say_filters(child);
		finish(child);
	}
}

/* Strict mode, then a read(2) on the pipe @arg, then exit(2). */
static int strict_child(void *arg)
{
	char c;

	prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT);
	(void)!read(*(int *)arg, &c, 1);
	syscall(SYS_exit, 0);
	return 1;
}

/*
 * A tracee in SECCOMP_MODE_STRICT has no filters to show:
 * kernel/seccomp.c:get_nth_filter() answers EINVAL for a task not in
 * filter mode. (Inside, strict mode is a filter of the supervisor's.)
 */
static void case_filters_strict(void)
{
	uint64_t md[2] = { 0, 0 };
	int p[2];
	pid_t child;

	scn_pipe(p, 0);
	child = pt_spawn_stopped(strict_child, &p[0]);
	pt_must(PTRACE_CONT, child, 0, 0);
	scn_wait_syscall(child, SYS_read);
	scn_say("-- in strict mode, asleep in read(2); SIGSTOP");
	kill(child, SIGSTOP);
	pt_wait_say(child, 0, "wait");
	pt_say("SECCOMP_GET_FILTER(0, NULL)", PTRACE_SECCOMP_GET_FILTER, child,
	       0, 0);
	pt_say("SECCOMP_GET_METADATA(16)", PTRACE_SECCOMP_GET_METADATA, child,
	       sizeof(md), (unsigned long)md);
	pt_must(PTRACE_CONT, child, 0, 0);
	scn_write_full(p[1], "x", 1);
	pt_wait_say(child, 0, "wait");
	close(p[0]);
	close(p[1]);
}

/* A tracee that waits in its SIGSTOP stop until it is killed. */
static int idle_child(void *arg)
{
	(void)arg;
	return 0;
}

/*
 * kernel/seccomp.c: seccomp_get_filter() and seccomp_get_metadata() answer
 * EACCES first "if (!capable(CAP_SYS_ADMIN) || current->seccomp.mode !=
 * SECCOMP_MODE_DISABLED)": the tracer's own filters count (the
 * supervisor's does not), and the capability is the initial namespace's.
 */
static void filters_denied(int report)
{
	uint64_t md[2] = { 0, 0 };
	pid_t child = pt_spawn_stopped(idle_child, NULL);
	long r;

	r = pt_raw(PTRACE_SECCOMP_GET_FILTER, child, 0, 0);
	scn_report_result(report, "SECCOMP_GET_FILTER(0, NULL)", r);
	r = pt_raw(PTRACE_SECCOMP_GET_METADATA, child, sizeof(md),
		   (unsigned long)md);
	scn_report_result(report, "SECCOMP_GET_METADATA(16, 0)", r);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

static void tracer_with_filter(int report)
{
	/* No rules: everything allowed. */
	if (scn_install_filter(NULL, 0, 0) != 0)
		scn_die("seccomp");
	filters_denied(report);
}

static void tracer_without_sys_admin(int report)
{
	struct __user_cap_header_struct head = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &head, data) < 0)
		scn_die("capget");
	data[0].effective &= ~(1u << CAP_SYS_ADMIN);
	if (syscall(SYS_capset, &head, data) < 0)
		scn_die("capset");
	filters_denied(report);
}

static void case_filters_access(void)
{
	scn_in_child("a tracer with a filter of its own", tracer_with_filter);
	scn_in_child("a tracer without CAP_SYS_ADMIN", tracer_without_sys_admin);
}

struct rseq_conf {
	uint64_t rseq_abi_pointer;
	uint32_t rseq_abi_size;
	uint32_t signature;
	uint32_t flags;
	uint32_t pad;
};

static void say_rseq(pid_t child, unsigned long size)
{
	unsigned char buf[64];
	struct rseq_conf conf;
	char what[64];
	long n;

	memset(buf, 0xaa, sizeof(buf));
	snprintf(what, sizeof(what), "GET_RSEQ_CONFIGURATION(%lu)", size);
	n = pt_say(what, PTRACE_GET_RSEQ_CONFIGURATION, child, size,
		   (unsigned long)buf);
	if (n < 0)
		return;
	memcpy(&conf, buf, sizeof(conf));
	if (size >= sizeof(conf))
		scn_say("  pointer %s, size %u, signature %x, flags %u",
			conf.rseq_abi_pointer == 0 ? "0"
			: conf.rseq_abi_pointer ==
					(uintptr_t)__builtin_thread_pointer() +
						(uintptr_t)__rseq_offset
				? "the tracer's own rseq area"
				: "elsewhere",
			conf.rseq_abi_size, conf.signature, conf.flags);
	else if (size == 0)
		scn_say("  byte 0 %s", buf[0] != 0xaa ? "written" : "untouched");
	else
		scn_say("  byte %lu %s, byte %lu %s", size - 1,
			buf[size - 1] != 0xaa ? "written" : "untouched", size,
			buf[size] != 0xaa ? "written" : "untouched");
}

static int rseq_child(void *arg)
{
	long r;

	(void)arg;
	r = syscall(SYS_rseq, (char *)__builtin_thread_pointer() + __rseq_offset,
		    (unsigned)__rseq_size < 32 ? 32 : __rseq_size, 1 /* UNREGISTER */,
		    0x53053053);
	scn_report(rep[1], "  child: rseq unregister = %ld", r);
	syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
	return 0;
}

static void case_rseq(void)
{
	pid_t child;

	scn_pipe(rep, O_CLOEXEC);
	child = pt_spawn_stopped(rseq_child, NULL);
	close(rep[1]);
	scn_say("child is %s, in its SIGSTOP stop", scn_pid(child));
	say_rseq(child, sizeof(struct rseq_conf));
	say_rseq(child, 4096);
	say_rseq(child, 8);
	say_rseq(child, 0);
	pt_say("GET_RSEQ_CONFIGURATION(0, NULL)", PTRACE_GET_RSEQ_CONFIGURATION,
	       child, 0, 0);
	pt_say("GET_RSEQ_CONFIGURATION(32, NULL)", PTRACE_GET_RSEQ_CONFIGURATION,
	       child, 32, 0);
	scn_say("-- after the child unregistered its rseq area");
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_relay_until(rep[0], "  child: rseq unregister = 0");
	pt_wait_say(child, 0, "wait");
	say_rseq(child, sizeof(struct rseq_conf));
	finish(child);
}

struct sud_config {
	uint64_t mode, selector, offset, len;
};

static volatile char sud_selector;

static int sud_child(void *arg)
{
	long r;

	(void)arg;
	r = prctl(59 /* PR_SET_SYSCALL_USER_DISPATCH */, 1 /* ON */, 4096UL,
		  4096UL, &sud_selector);
	scn_report(rep[1], "  child: PR_SET_SYSCALL_USER_DISPATCH = %ld", r);
	syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
	return 0;
}

static void say_sud(pid_t child, unsigned long size)
{
	struct sud_config c;
	char what[64];

	memset(&c, 0x55, sizeof(c));
	snprintf(what, sizeof(what), "GET_SYSCALL_USER_DISPATCH_CONFIG(%lu)",
		 size);
	if (pt_say(what, PTRACE_GET_SUD_CONFIG, child, size, (unsigned long)&c) >= 0)
		scn_say("  mode %llu, selector %s, offset %llu, len %llu",
			(unsigned long long)c.mode,
			c.selector == (uintptr_t)&sud_selector ? "&sud_selector"
			: c.selector == 0			? "0"
								: "other",
			(unsigned long long)c.offset, (unsigned long long)c.len);
}

static void case_user_dispatch(void)
{
	struct sud_config c;
	pid_t child;

	scn_pipe(rep, O_CLOEXEC);
	child = pt_spawn_stopped(sud_child, NULL);
	close(rep[1]);
	scn_say("child is %s, in its SIGSTOP stop", scn_pid(child));
	say_sud(child, sizeof(c));
	say_sud(child, 16);
	pt_say("GET_SYSCALL_USER_DISPATCH_CONFIG(32, NULL)", PTRACE_GET_SUD_CONFIG,
	       child, 32, 0);
	pt_must(PTRACE_CONT, child, 0, 0);
	pt_relay_until(rep[0], "  child: PR_SET_SYSCALL_USER_DISPATCH = 0");
	pt_wait_say(child, 0, "wait");
	say_sud(child, sizeof(c));
	memset(&c, 0, sizeof(c));
	c.mode = 7;
	pt_say("SET_SYSCALL_USER_DISPATCH_CONFIG(mode 7)", PTRACE_SET_SUD_CONFIG,
	       child, sizeof(c), (unsigned long)&c);
	c.mode = 0;
	pt_say("SET_SYSCALL_USER_DISPATCH_CONFIG(16, mode OFF)",
	       PTRACE_SET_SUD_CONFIG, child, 16, (unsigned long)&c);
	pt_say("SET_SYSCALL_USER_DISPATCH_CONFIG(mode OFF)", PTRACE_SET_SUD_CONFIG,
	       child, sizeof(c), (unsigned long)&c);
	say_sud(child, sizeof(c));
	c.mode = 1;
	c.selector = (uintptr_t)&sud_selector;
	c.offset = 8192;
	c.len = 100;
	pt_say("SET_SYSCALL_USER_DISPATCH_CONFIG(ON, 8192, 100)",
	       PTRACE_SET_SUD_CONFIG, child, sizeof(c), (unsigned long)&c);
	say_sud(child, sizeof(c));
	finish(child);
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "entry-exit", case_entry_exit },
		{ "no-sysgood", case_no_sysgood },
		{ "sysgood-changed", case_sysgood_changed },
		{ "sizes", case_sizes },
		{ "other-stops", case_other_stops },
		{ "seccomp", case_seccomp },
		{ "seccomp-no-option", case_seccomp_no_option },
		{ "set-syscall-info", case_set_syscall_info },
		{ "filters", case_filters },
		{ "filters-access", case_filters_access },
		{ "filters-strict", case_filters_strict },
		{ "rseq", case_rseq },
		{ "user-dispatch", case_user_dispatch },
	};

	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
