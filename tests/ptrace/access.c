/*
 * Access (issue #3, CanTrace): kernel/ptrace.c:__ptrace_may_access() with
 * other users. The printer runs as root; it starts targets that take on
 * other credentials and wait, then tracers with other credentials, each of
 * which tries PTRACE_ATTACH (then waits and detaches) and PTRACE_SEIZE on
 * every target:
 *
 *   "the caller's real, effective and saved-set user IDs must match the
 *   target's ... likewise for group IDs ... or the caller has
 *   CAP_SYS_PTRACE"; "deny access if the target is not dumpable and the
 *   caller does not have CAP_SYS_PTRACE"; and the commoncap rule that the
 *   target's permitted capabilities must be a subset of the caller's
 *   (ptrace(2), "Ptrace access mode checking").
 */
#include <errno.h>
#include <linux/capability.h>
#include <grp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt.h"

#define USER 4242
#define OTHER 4243

struct target {
	const char *name;
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	bool nondumpable;
	int keep_cap;		/* a permitted capability it keeps (-1: none) */
	pid_t pid;
};

static struct target targets[] = {
	{ "same user", USER, USER, USER, USER, USER, USER, false, -1, 0 },
	{ "saved uid 0", USER, USER, 0, USER, USER, USER, false, -1, 0 },
	{ "effective uid other", USER, OTHER, USER, USER, USER, USER, false, -1, 0 },
	{ "real gid other", USER, USER, USER, OTHER, USER, USER, false, -1, 0 },
	{ "other user", OTHER, OTHER, OTHER, OTHER, OTHER, OTHER, false, -1, 0 },
	{ "not dumpable", USER, USER, USER, USER, USER, USER, true, -1, 0 },
	{ "CAP_NET_RAW permitted", USER, USER, USER, USER, USER, USER, false,
	  CAP_NET_RAW, 0 },
	{ "root", 0, 0, 0, 0, 0, 0, false, -1, 0 },
};
#define NTARGETS (sizeof(targets) / sizeof(*targets))

static int hold_pipe[2];

/* Capability sets through the raw system calls (no libcap in guests). */
static void caps_set(uint64_t permitted, uint64_t effective)
{
	struct __user_cap_header_struct head = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[0].permitted = (uint32_t)permitted;
	data[1].permitted = (uint32_t)(permitted >> 32);
	data[0].effective = (uint32_t)effective;
	data[1].effective = (uint32_t)(effective >> 32);
	if (syscall(SYS_capset, &head, data) < 0)
		scn_die("capset: %s", scn_errno(errno));
}

/*
 * Takes on credentials, keeping the capabilities in @keep permitted and
 * effective (none: an ordinary user).
 */
static void become(uid_t r, uid_t e, uid_t s, gid_t rg, gid_t eg, gid_t sg,
		   uint64_t keep)
{
	if (keep && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		scn_die("PR_SET_KEEPCAPS");
	if (setgroups(0, NULL) < 0 || setresgid(rg, eg, sg) < 0 ||
	    setresuid(r, e, s) < 0)
		scn_die("set ids: %s", scn_errno(errno));
	if (keep)
		caps_set(keep, keep);
}

static void start_target(struct target *t)
{
	char c;

	t->pid = scn_fork();
	if (t->pid != 0)
		return;
	close(hold_pipe[1]);
	if (t->ruid != 0 || t->euid != 0 || t->suid != 0)
		become(t->ruid, t->euid, t->suid, t->rgid, t->egid, t->sgid,
		       t->keep_cap >= 0 ? 1ULL << t->keep_cap : 0);
	/* Changing credentials made it non-dumpable (fs.suid_dumpable 0). */
	if (prctl(PR_SET_DUMPABLE, t->nondumpable ? 0 : 1, 0, 0, 0) < 0)
		scn_die("PR_SET_DUMPABLE");
	/* Holds until the printer closes the pipe. */
	while (read(hold_pipe[0], &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

static void try_target(int report, const struct target *t)
{
	int status, err;
	long r;

	r = ptrace(PTRACE_ATTACH, t->pid, 0, 0);
	err = errno;
	if (r == 0) {
		if (waitpid(t->pid, &status, __WALL) != t->pid)
			scn_die("waitpid");
		scn_report(report, "  %-22s ATTACH = 0, %s, DETACH = %ld", t->name,
			   pt_status(status), ptrace(PTRACE_DETACH, t->pid, 0, 0));
	} else {
		scn_report(report, "  %-22s ATTACH = -1 %s", t->name,
			   scn_errno(err));
	}
	r = ptrace(PTRACE_SEIZE, t->pid, 0, 0);
	err = errno;
	if (r == 0) {
		/* Detaching needs a stop: interrupt it and wait for the trap. */
		ptrace(PTRACE_INTERRUPT, t->pid, 0, 0);
		if (waitpid(t->pid, &status, __WALL) != t->pid)
			scn_die("waitpid");
		scn_report(report, "  %-22s SEIZE = 0, DETACH = %ld", t->name,
			   ptrace(PTRACE_DETACH, t->pid, 0, 0));
	} else {
		scn_report(report, "  %-22s SEIZE = -1 %s", t->name,
			   scn_errno(err));
	}
}

static void try_all(int report)
{
	for (size_t i = 0; i < NTARGETS; i++)
		try_target(report, &targets[i]);
}

static void tracer_user(int report)
{
	become(USER, USER, USER, USER, USER, USER, 0);
	try_all(report);
}

static void tracer_user_cap_sys_ptrace(int report)
{
	become(USER, USER, USER, USER, USER, USER, 1ULL << CAP_SYS_PTRACE);
	try_all(report);
}

static void tracer_user_cap_net_raw(int report)
{
	become(USER, USER, USER, USER, USER, USER, 1ULL << CAP_NET_RAW);
	try_all(report);
}

static void tracer_root(int report)
{
	try_all(report);
}

/* The same uid, but only as the effective one: real and saved are root. */
static void tracer_euid_only(int report)
{
	become(0, USER, 0, 0, USER, 0, 0);
	/* setresuid() to a non-zero euid clears the effective set. */
	try_all(report);
}

static void case_users(void)
{
	scn_pipe(hold_pipe, O_CLOEXEC);
	for (size_t i = 0; i < NTARGETS; i++)
		start_target(&targets[i]);
	close(hold_pipe[0]);
	/* Each target is ready once it sleeps in its read(). */
	for (size_t i = 0; i < NTARGETS; i++)
		scn_wait_syscall(targets[i].pid, SYS_read);
	scn_in_child("tracer: root", tracer_root);
	scn_in_child("tracer: user", tracer_user);
	scn_in_child("tracer: user with CAP_SYS_PTRACE", tracer_user_cap_sys_ptrace);
	scn_in_child("tracer: user with CAP_NET_RAW", tracer_user_cap_net_raw);
	scn_in_child("tracer: effective uid user, real and saved root",
		     tracer_euid_only);
	close(hold_pipe[1]);
	for (size_t i = 0; i < NTARGETS; i++) {
		int status;

		if (scn_waitpid(targets[i].pid, &status, 0) != targets[i].pid ||
		    status != 0)
			scn_die("target %zu: status %#x", i, status);
	}
	scn_say("targets exited 0");
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "users", case_users },
	};

	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
