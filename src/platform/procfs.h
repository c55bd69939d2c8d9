/* Facts about host tasks read from /proc. */
#ifndef PTV_PLATFORM_PROCFS_H
#define PTV_PLATFORM_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ptv_proc_creds {
	uid_t uid[4];		/* real, effective, saved, fs */
	gid_t gid[4];
	uint64_t cap_eff;	/* effective capabilities */
	uint64_t cap_prm;	/* permitted capabilities */
	int seccomp_filters;	/* Seccomp_filters: filters attached to it */
	bool no_new_privs;	/* NoNewPrivs */
};

/*
 * The /proc files read most often stay open (design note 19); those of
 * task @tid, gone, are closed now, so that only live tasks hold any.
 */
void ptv_proc_forget(pid_t tid);

/* Reads /proc/TID/status; returns 0 or -errno (-ESRCH when it is gone). */
int ptv_proc_creds(pid_t tid, struct ptv_proc_creds *creds);

/* The pid a pidfd of @tid refers to (/proc/TID/fdinfo/FD), or -errno. */
int ptv_proc_pidfd_pid(pid_t tid, int fd);

/* The state letter of /proc/TID/stat ('R', 'S', 'Z'...), or 0 if it is gone. */
char ptv_proc_state(pid_t tid);

/*
 * What getrusage(@tid's group, RUSAGE_BOTH) gives, as /proc/TID/stat, status
 * and io show it (times in clock ticks there, so to 10 ms). Returns 0 or
 * -errno (-ESRCH when it is gone).
 */
struct ptv_proc_usage {
	uint64_t utime_us, stime_us;	/* its own and its waited children's */
	uint64_t maxrss_kb;		/* VmHWM */
	uint64_t minflt, majflt;	/* with its waited children's */
	uint64_t inblock, oublock;	/* 512-byte blocks (/proc/TID/io) */
	uint64_t nvcsw, nivcsw;
};
int ptv_proc_usage(pid_t tid, struct ptv_proc_usage *usage);

/*
 * True if signal @sig sent to @tgid now would be discarded at once
 * (kernel/signal.c:sig_ignored()): not blocked by its leader (or by the
 * thread @tgid names), and ignored by its action (SIG_IGN, or SIG_DFL for a
 * signal whose default is to ignore: SIGCHLD, SIGURG, SIGWINCH, SIGCONT).
 * The caller checks that the task is not traced.
 * A leader in rt_sigtimedwait() blocks the signals it waits for; unless
 * @maybe_sigwait is false (the caller knows the leader is elsewhere), its
 * syscall is read too.
 */
bool ptv_proc_signal_ignored(pid_t tgid, int sig, bool maybe_sigwait);
/* True if @tgid's action for @sig is SIG_IGN. */
bool ptv_proc_signal_set_ignored(pid_t tgid, int sig);
/*
 * The signals pending for thread @tid (its own or its group's) that it
 * ignores and does not block, and those of @dequeued it ignores: signals
 * Linux would have discarded when they were sent, had @tid not been traced
 * (kernel/signal.c:sig_ignored()). *@twice: those of them there twice.
 */
uint64_t ptv_proc_pending_ignored(pid_t tid, uint64_t dequeued,
				  uint64_t *twice);

/*
 * 1 if @tid waits in a seccomp user notification (its wchan), with the
 * call's number and arguments from /proc/TID/syscall; 0 if it does not; -1
 * if it cannot be told yet: running, or in a call (*nr, @args set) but not
 * asleep yet.
 */
int ptv_proc_user_notif(pid_t tid, long *nr, uint64_t args[6]);

/* The parent pid in /proc/TID/stat, or -errno. */
int ptv_proc_ppid(pid_t tid);
/*
 * Is the process group of thread @tid orphaned: has none of its processes
 * a parent in another group of the same session (kernel/exit.c:
 * will_become_orphaned_pgrp())? Reads /proc/PID/stat of every process
 * unless @tid's own parent answers; false when unsure.
 */
bool ptv_proc_pgrp_orphaned(pid_t tid);
/*
 * The children of thread @tid (/proc/TID/task/TID/children, Linux 4.2 with
 * CONFIG_PROC_CHILDREN), at most @max into @out: their number, or -errno.
 */
int ptv_proc_children(pid_t tid, pid_t *out, int max);

/*
 * Task @tid in pid namespaces below the supervisor's: how many below it
 * (0: the supervisor's own), or -errno (-E2BIG: more than @max). @nr[i] is
 * its pid in the namespace i levels below the supervisor's (nr[0] the
 * supervisor's own view; NSpid in /proc/TID/status), @ns[i] for i >= 1 that
 * namespace's inode (/proc/TID/ns/pid and its NS_GET_PARENT ancestors).
 * Both arrays hold @max + 1 entries.
 */
int ptv_proc_pidns_view(pid_t tid, int32_t *nr, uint64_t *ns, int max);

/*
 * A signal mask of /proc/TID/status, by its name: "SigPnd" (the thread's
 * own pending signals), "ShdPnd" (its group's), "SigBlk"; 0 if it is gone.
 */
uint64_t ptv_proc_status_mask(pid_t tid, const char *name);

/* The signal masks of /proc/TID/status, read at once; all 0 if it is gone. */
struct ptv_proc_sig_masks {
	uint64_t pending;	/* SigPnd: the thread's own */
	uint64_t shared;	/* ShdPnd: its group's */
	uint64_t blocked;	/* SigBlk */
	uint64_t ignored;	/* SigIgn */
	uint64_t caught;	/* SigCgt */
};
void ptv_proc_sig_masks(pid_t tid, struct ptv_proc_sig_masks *masks);

/* Is @sig's action SIG_DFL for TID (neither ignored nor caught)? */
bool ptv_proc_signal_default(pid_t tid, int sig);

/*
 * True if the task is dumpable: its /proc/TID files are owned by its euid
 * (for a task whose euid is root, always true: the two cases look alike).
 */
bool ptv_proc_dumpable(pid_t tid, uid_t euid);

/*
 * User namespaces (kernel/user_namespace.c). A namespace is named by the
 * inode of its nsfs file (the one /proc/TID/ns/user shows).
 */
struct ptv_userns {
	uint64_t ino;		/* its nsfs inode */
	uid_t owner;		/* its creator's euid (NS_GET_OWNER_UID) */
};
/* Levels of user namespaces Linux allows below the initial one, plus it. */
#define PTV_USERNS_MAX_DEPTH 34

/*
 * The user namespace of task @tid (0: the supervisor's own): 0 and *@ino,
 * or -errno (-ESRCH when it is gone).
 */
int ptv_proc_userns_ino(pid_t tid, uint64_t *ino);

/*
 * Task @tid's user namespace and its ancestors, up to the supervisor's own
 * (NS_GET_PARENT fails with EPERM above it: fs/nsfs.c, ns_get_owner()):
 * chain[0] is the task's, the last one the supervisor's. Returns how many
 * (so a task in the supervisor's namespace has 1), or -errno.
 */
int ptv_proc_userns_chain(pid_t tid, struct ptv_userns *chain, int max);

/*
 * @uid, as the supervisor sees it, as task @tid sees it (from_kuid_munged()
 * into its user namespace: /proc/TID/uid_map, the overflow uid when it is
 * not mapped there). Only for a task in another user namespace than the
 * supervisor's (uid_map is relative to its parent's for a reader in the
 * namespace itself). 0 and *@out, or -errno.
 */
int ptv_proc_uid_seen_by(pid_t tid, uid_t uid, uid_t *out);

/*
 * The virtual /proc view (syscalls/procview.c). Reads the host's
 * /proc/@pid/@name, or /proc/@pid/task/@tid/@name when @tid is not 0,
 * into @buf (NUL-terminated); 0 or -errno (-ESRCH when it is gone).
 */
int ptv_proc_read_task_file(pid_t pid, pid_t tid, const char *name, char *buf,
			    size_t size);

/* The path descriptor @fd of @tid stands for (/proc/TID/fd/FD); 0 or -errno. */
int ptv_proc_fd_path(pid_t tid, int fd, char *buf, size_t size);

/*
 * True if @tid resolves absolute paths as the supervisor does: the same
 * mount namespace and the same root directory.
 */
bool ptv_proc_same_paths(pid_t tid);

#endif
