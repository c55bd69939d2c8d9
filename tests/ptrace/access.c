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
 *
 * Case userns: the same checks across user namespaces. Linux asks for
 * CAP_SYS_PTRACE in the *target's* user namespace (ptrace_has_cap(
 * tcred->user_ns)), allows the permitted-set subset rule only within one
 * namespace (security/commoncap.c:cap_ptrace_access_check()), and a
 * namespace's owner (its creator's euid, in the parent namespace) has every
 * capability in it (cap_capable()). So a tracer that unshared a user
 * namespace, whose effective set is full there, reaches nothing outside it,
 * and a user reaches its own namespaces' tasks without any capability.
 *
 * Case traceme-creds: PTRACE_TRACEME is checked too
 * (cap_ptrace_traceme()): the child's permitted capabilities must be a
 * subset of its parent's within one namespace, or the parent must have
 * CAP_SYS_PTRACE in the child's namespace.
 */
#include <errno.h>
#include <linux/capability.h>
#include <grp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
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
	int userns;		/* user namespaces it unshares (0, 1 or 2) */
};

static struct target targets[] = {
	{ "same user", USER, USER, USER, USER, USER, USER, false, -1, 0, 0 },
	{ "saved uid 0", USER, USER, 0, USER, USER, USER, false, -1, 0, 0 },
	{ "effective uid other", USER, OTHER, USER, USER, USER, USER, false, -1, 0, 0 },
	{ "real gid other", USER, USER, USER, OTHER, USER, USER, false, -1, 0, 0 },
	{ "other user", OTHER, OTHER, OTHER, OTHER, OTHER, OTHER, false, -1, 0, 0 },
	{ "not dumpable", USER, USER, USER, USER, USER, USER, true, -1, 0, 0 },
	{ "CAP_NET_RAW permitted", USER, USER, USER, USER, USER, USER, false,
	  CAP_NET_RAW, 0, 0 },
	{ "root", 0, 0, 0, 0, 0, 0, false, -1, 0, 0 },
};
#define NTARGETS (sizeof(targets) / sizeof(*targets))

/*
 * Targets of case userns. No non-dumpable one in a namespace of its own:
 * that check asks for the capability in mm->user_ns (the namespace of its
 * last exec; an unshare without exec leaves it the old one), which the
 * supervisor does not model (it takes the credentials' namespace).
 */
static struct target ns_targets[] = {
	{ "same user", USER, USER, USER, USER, USER, USER, false, -1, 0, 0 },
	{ "root", 0, 0, 0, 0, 0, 0, false, -1, 0, 0 },
	{ "user, own userns", USER, USER, USER, USER, USER, USER, false, -1, 0, 1 },
	{ "user, nested userns", USER, USER, USER, USER, USER, USER, false, -1,
	  0, 2 },
	{ "root, own userns", 0, 0, 0, 0, 0, 0, false, -1, 0, 1 },
	{ "other, own userns", OTHER, OTHER, OTHER, OTHER, OTHER, OTHER, false,
	  -1, 0, 1 },
};
#define NS_NTARGETS (sizeof(ns_targets) / sizeof(*ns_targets))

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

/*
 * Unshares @depth user namespaces, one below the other. A namespace's
 * owner must be mapped in its parent (kernel/user_namespace.c:
 * create_user_ns()), so after each unshare the caller maps its ids (to 0)
 * there, as `unshare -r` does; the ids the host sees stay the same.
 */
static void enter_userns(int depth)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();

	/* Its /proc files are root's while a change of ids left it not dumpable. */
	if (depth > 0 && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		scn_die("PR_SET_DUMPABLE");
	for (int level = 1; level <= depth; level++) {
		scn_unshare_userns(0, uid, gid);
		uid = 0;
		gid = 0;
	}
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
	enter_userns(t->userns);
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

/* The targets the current case started: targets[] or ns_targets[]. */
static struct target *case_targets = targets;
static size_t case_ntargets = NTARGETS;

static void try_all(int report)
{
	for (size_t i = 0; i < case_ntargets; i++)
		try_target(report, &case_targets[i]);
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

static void start_targets(struct target *table, size_t n)
{
	case_targets = table;
	case_ntargets = n;
	scn_pipe(hold_pipe, O_CLOEXEC);
	for (size_t i = 0; i < n; i++)
		start_target(&table[i]);
	close(hold_pipe[0]);
	/* Each target is ready once it sleeps in its read(). */
	for (size_t i = 0; i < n; i++)
		scn_wait_syscall(table[i].pid, SYS_read);
}

static void end_targets(void)
{
	close(hold_pipe[1]);
	for (size_t i = 0; i < case_ntargets; i++) {
		int status;

		if (scn_waitpid(case_targets[i].pid, &status, 0) !=
			    case_targets[i].pid ||
		    status != 0)
			scn_die("target %zu: status %#x", i, status);
	}
	scn_say("targets exited 0");
}

static void case_users(void)
{
	start_targets(targets, NTARGETS);
	scn_in_child("tracer: root", tracer_root);
	scn_in_child("tracer: user", tracer_user);
	scn_in_child("tracer: user with CAP_SYS_PTRACE", tracer_user_cap_sys_ptrace);
	scn_in_child("tracer: user with CAP_NET_RAW", tracer_user_cap_net_raw);
	scn_in_child("tracer: effective uid user, real and saved root",
		     tracer_euid_only);
	end_targets();
}

static void tracer_other(int report)
{
	become(OTHER, OTHER, OTHER, OTHER, OTHER, OTHER, 0);
	try_all(report);
}

/* Its effective set is full in its namespace, empty above it. */
static void tracer_user_in_userns(int report)
{
	become(USER, USER, USER, USER, USER, USER, 0);
	enter_userns(1);
	try_all(report);
}

static void tracer_root_in_userns(int report)
{
	enter_userns(1);
	try_all(report);
}

/*
 * The caller tries a child of its own that unshares @depth user
 * namespaces (its own credentials otherwise).
 */
static void try_own_child(int report, const char *name, int depth)
{
	struct target child = { .name = name };
	int ready[2], hold[2], status;
	char c;

	scn_pipe(ready, O_CLOEXEC);
	scn_pipe(hold, O_CLOEXEC);
	child.pid = scn_fork();
	if (child.pid == 0) {
		close(hold[1]);
		close(ready[0]);
		enter_userns(depth);
		scn_post(ready[1]);
		while (read(hold[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(hold[0]);
	close(ready[1]);
	scn_take(ready[0]);
	close(ready[0]);
	try_target(report, &child);
	close(hold[1]);
	if (scn_waitpid(child.pid, &status, 0) != child.pid || status != 0)
		scn_die("own child: status %#x", status);
}

/* The owner of a namespace has every capability in it (cap_capable()). */
static void tracer_user_own_children(int report)
{
	become(USER, USER, USER, USER, USER, USER, 0);
	try_own_child(report, "child, own userns", 1);
	try_own_child(report, "child, nested userns", 2);
}

static void tracer_user_in_userns_own_children(int report)
{
	become(USER, USER, USER, USER, USER, USER, 0);
	enter_userns(1);
	try_own_child(report, "child, same userns", 0);
	try_own_child(report, "child, userns below", 1);
}

static void case_userns(void)
{
	start_targets(ns_targets, NS_NTARGETS);
	scn_in_child("tracer: root", tracer_root);
	scn_in_child("tracer: user", tracer_user);
	scn_in_child("tracer: other user", tracer_other);
	scn_in_child("tracer: user with CAP_SYS_PTRACE", tracer_user_cap_sys_ptrace);
	scn_in_child("tracer: user in a userns of its own", tracer_user_in_userns);
	scn_in_child("tracer: root in a userns of its own", tracer_root_in_userns);
	scn_in_child("tracer: user, its own children in userns",
		     tracer_user_own_children);
	scn_in_child("tracer: user in a userns, its own children",
		     tracer_user_in_userns_own_children);
	end_targets();
}

/*
 * PTRACE_TRACEME by a child whose parent then becomes the tracer, or not.
 * The parent forks it, @parent_setup runs in the parent and @child_setup in
 * the child, then the child calls PTRACE_TRACEME and, traced, stops; the
 * parent reports the result, waits for the stop and detaches.
 */
static void traceme_by_child(int report, void (*parent_setup)(void),
			     void (*child_setup)(void))
{
	int go[2], result[2], status, err;
	pid_t child;
	long r;

	scn_pipe(go, O_CLOEXEC);
	scn_pipe(result, O_CLOEXEC);
	child = scn_fork();
	if (child == 0) {
		close(go[1]);
		close(result[0]);
		if (child_setup)
			child_setup();
		scn_take(go[0]);
		r = ptrace(PTRACE_TRACEME, 0, 0, 0);
		err = r == 0 ? 0 : errno;
		scn_write_full(result[1], &err, sizeof(err));
		if (r == 0)
			raise(SIGSTOP);
		_exit(0);
	}
	close(go[0]);
	close(result[1]);
	if (parent_setup)
		parent_setup();
	scn_post(go[1]);
	if (!scn_read_full(result[0], &err, sizeof(err)))
		scn_die("traceme: no result");
	if (err != 0) {
		scn_report(report, "  TRACEME = -1 %s", scn_errno(err));
	} else {
		if (waitpid(child, &status, __WALL) != child)
			scn_die("waitpid");
		scn_report(report, "  TRACEME = 0, %s, DETACH = %ld",
			   pt_status(status), ptrace(PTRACE_DETACH, child, 0, 0));
	}
	if (scn_waitpid(child, &status, 0) != child || status != 0)
		scn_die("traceme child: status %#x", status);
}

static void become_user(void)
{
	become(USER, USER, USER, USER, USER, USER, 0);
}

static void become_other(void)
{
	become(OTHER, OTHER, OTHER, OTHER, OTHER, OTHER, 0);
}

static void enter_one_userns(void)
{
	enter_userns(1);
}

static void user_in_userns(void)
{
	become_user();
	enter_userns(1);
}

static void traceme_root_child_user_parent(int report)
{
	traceme_by_child(report, become_user, NULL);
}

static void traceme_user_child_user_parent(int report)
{
	become_user();
	traceme_by_child(report, NULL, NULL);
}

static void traceme_child_userns_owner_parent(int report)
{
	become_user();
	traceme_by_child(report, NULL, enter_one_userns);
}

static void traceme_child_userns_other_parent(int report)
{
	traceme_by_child(report, become_other, user_in_userns);
}

static void traceme_parent_userns_after_fork(int report)
{
	become_user();
	traceme_by_child(report, enter_one_userns, NULL);
}

static void traceme_both_in_userns(int report)
{
	user_in_userns();
	traceme_by_child(report, NULL, NULL);
}

static void case_traceme_creds(void)
{
	scn_in_child("parent root -> user, child root",
		     traceme_root_child_user_parent);
	scn_in_child("parent user, child user", traceme_user_child_user_parent);
	scn_in_child("parent user, child in a userns it owns",
		     traceme_child_userns_owner_parent);
	scn_in_child("parent root -> other user, child user in a userns",
		     traceme_child_userns_other_parent);
	scn_in_child("parent user, enters a userns after the fork",
		     traceme_parent_userns_after_fork);
	scn_in_child("parent user in a userns, child there too",
		     traceme_both_in_userns);
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "users", case_users },
		{ "userns", case_userns },
		{ "traceme-creds", case_traceme_creds },
	};

	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
