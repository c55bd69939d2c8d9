#include "procfs.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/*
 * The /proc files read on hot paths (a tracer's SIGCHLD, each virtual
 * stop) stay open: opening one costs two system calls and a path walk more
 * than reading it again at offset 0, which makes seq_file generate it anew.
 * An open file stays bound to its task: once that task is gone, reading
 * fails (ESRCH) and the file is opened again, for whichever task has the
 * pid now. Slots are reused round robin.
 */
#define PROC_CACHE_SLOTS 16

static struct {
	bool open;
	pid_t tid;
	const char *name;	/* a string literal */
	int fd;
} proc_cache[PROC_CACHE_SLOTS];
static unsigned proc_cache_next;

static int read_fd(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static bool is_procfs(int fd)
{
	struct statfs fs;

	return fstatfs(fd, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC;
}

/* Reads /proc/TID/NAME into @buf (NUL-terminated); 0 or -errno. */
static int read_proc(pid_t tid, const char *name, char *buf, size_t size)
{
	char path[64];
	unsigned slot;
	int fd, r;

	for (slot = 0; slot < PROC_CACHE_SLOTS; slot++) {
		if (!proc_cache[slot].open || proc_cache[slot].tid != tid ||
		    strcmp(proc_cache[slot].name, name) != 0)
			continue;
		if (read_fd(proc_cache[slot].fd, buf, size) == 0)
			return 0;
		close(proc_cache[slot].fd);
		proc_cache[slot].open = false;
		break;
	}
	snprintf(path, sizeof(path), "/proc/%d/%s", tid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	r = read_fd(fd, buf, size);
	/*
	 * Inside another ptvisor with --proc-view, /proc/TID/status is a
	 * copy made at the open (syscalls/procview.c): read it once.
	 */
	if (r < 0 || !is_procfs(fd)) {
		close(fd);
		return r;
	}
	slot = proc_cache_next++ % PROC_CACHE_SLOTS;
	if (proc_cache[slot].open)
		close(proc_cache[slot].fd);
	proc_cache[slot].open = true;
	proc_cache[slot].tid = tid;
	proc_cache[slot].name = name;
	proc_cache[slot].fd = fd;
	return 0;
}

void ptv_proc_forget(pid_t tid)
{
	for (unsigned slot = 0; slot < PROC_CACHE_SLOTS; slot++) {
		if (!proc_cache[slot].open || proc_cache[slot].tid != tid)
			continue;
		close(proc_cache[slot].fd);
		proc_cache[slot].open = false;
	}
}

static const char *field(const char *text, const char *name)
{
	const char *p = strstr(text, name);

	return p ? p + strlen(name) : NULL;
}

int ptv_proc_creds(pid_t tid, struct ptv_proc_creds *c)
{
	char buf[4096];
	const char *p;
	int r;

	r = read_proc(tid, "status", buf, sizeof(buf));
	if (r < 0)
		return r;
	memset(c, 0, sizeof(*c));
	p = field(buf, "\nUid:");
	if (!p || sscanf(p, "%u %u %u %u", &c->uid[0], &c->uid[1], &c->uid[2],
			 &c->uid[3]) != 4)
		return -EIO;
	p = field(buf, "\nGid:");
	if (!p || sscanf(p, "%u %u %u %u", &c->gid[0], &c->gid[1], &c->gid[2],
			 &c->gid[3]) != 4)
		return -EIO;
	p = field(buf, "\nCapEff:");
	if (!p)
		return -EIO;
	c->cap_eff = strtoull(p, NULL, 16);
	p = field(buf, "\nCapPrm:");
	if (!p)
		return -EIO;
	c->cap_prm = strtoull(p, NULL, 16);
	p = field(buf, "\nNoNewPrivs:");
	c->no_new_privs = p && atoi(p) != 0;
	p = field(buf, "\nSeccomp_filters:");
	c->seccomp_filters = p ? atoi(p) : 0;
	return 0;
}

int ptv_proc_pidfd_pid(pid_t tid, int fd)
{
	char path[64], buf[1024];
	const char *p;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", tid, fd);
	r = read_file(path, buf, sizeof(buf));
	if (r < 0)
		return r == -ESRCH ? -EBADF : r;
	p = field(buf, "\nPid:");
	if (!p)
		return -EINVAL;
	return atoi(p);
}

char ptv_proc_state(pid_t tid)
{
	char buf[512];
	const char *p;

	if (read_proc(tid, "stat", buf, sizeof(buf)) < 0)
		return 0;
	/* The command name may hold anything: the state follows its last ')'. */
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

static uint64_t field_u64(const char *text, const char *name)
{
	const char *p = field(text, name);

	return p ? strtoull(p, NULL, 10) : 0;
}

int ptv_proc_user_notif(pid_t tid, long *nr, uint64_t args[6])
{
	static const char wchan[] = "seccomp_do_user_notification";
	char buf[512];

	/* "nr arg1 ... arg6 sp pc" (hex arguments), or "running". */
	if (read_proc(tid, "syscall", buf, sizeof(buf)) < 0)
		return 0;
	if (strncmp(buf, "running", 7) == 0)
		return -1;
	if (sscanf(buf, "%ld %" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64
		   " %" SCNx64 " %" SCNx64, nr, &args[0], &args[1], &args[2],
		   &args[3], &args[4], &args[5]) != 7)
		return 0;
	if (read_proc(tid, "wchan", buf, sizeof(buf)) < 0)
		return 0;
	if (strncmp(buf, wchan, sizeof(wchan) - 1) == 0)
		return 1;
	/* No wchan yet: still on a CPU, perhaps on its way to sleep there. */
	return strcmp(buf, "0") == 0 ? -1 : 0;
}

/* The pids of NSpid in /proc/TID/status, outermost first: how many, or -errno. */
static int nspid_fields(pid_t tid, int32_t *nr, int max)
{
	char buf[4096];
	const char *p;
	int n = 0;

	if (read_proc(tid, "status", buf, sizeof(buf)) < 0)
		return -ESRCH;
	p = field(buf, "\nNSpid:");
	if (p == NULL) {
		/* A kernel without pid namespaces. */
		nr[0] = (int32_t)tid;
		return 1;
	}
	while (*p == '\t' || *p == ' ') {
		while (*p == '\t' || *p == ' ')
			p++;
		if (*p < '0' || *p > '9')
			break;
		if (n == max)
			return -E2BIG;
		nr[n++] = (int32_t)strtol(p, NULL, 10);
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return n > 0 ? n : -EIO;
}

int ptv_proc_pidns_view(pid_t tid, int32_t *nr, uint64_t *ns, int max)
{
	/* 32 levels at most (MAX_PID_NS_LEVEL), and the initial one. */
	int32_t all[33];
	static int own_levels;
	struct stat st;
	char path[64];
	int n, depth, fd;

	if (own_levels == 0) {
		n = nspid_fields(getpid(), all, 33);
		if (n < 0)
			return n;
		own_levels = n;
	}
	n = nspid_fields(tid, all, 33);
	if (n < 0)
		return n;
	depth = n - own_levels;
	if (depth < 0)
		return -EIO;
	if (depth > max)
		return -E2BIG;
	for (int i = 0; i <= depth; i++)
		nr[i] = all[own_levels - 1 + i];
	if (depth == 0)
		return 0;
	/* Its namespace, then each one above it (NS_GET_PARENT). */
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	for (int i = depth; i > 0; i--) {
		int parent = -1, err = 0;

		if (fstat(fd, &st) < 0)
			err = errno;
		else if (i > 1 && (parent = ioctl(fd, NS_GET_PARENT)) < 0)
			err = errno;
		close(fd);
		if (err != 0)
			return -err;
		ns[i] = (uint64_t)st.st_ino;
		fd = parent;
	}
	return depth;
}

int ptv_proc_ppid(pid_t tid)
{
	char buf[512];
	const char *p;
	int ppid, r;

	r = read_proc(tid, "stat", buf, sizeof(buf));
	if (r < 0)
		return r;
	/* "pid (comm) state ppid ...": the comm may hold anything. */
	p = strrchr(buf, ')');
	if (p == NULL || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return -EIO;
	return ppid;
}

/* What a process group's orphaning asks of a process (/proc/PID/stat). */
struct pgrp_ids {
	char state;
	int ppid, pgrp, session, threads;
};

static int read_pgrp_ids(pid_t pid, struct pgrp_ids *ids)
{
	char path[64], buf[1024];
	const char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -ESRCH;
	/* after the comm: state ppid pgrp session, then num_threads (20) */
	p = strrchr(buf, ')');
	if (p == NULL ||
	    sscanf(p + 1, " %c %d %d %d %*d %*d %*u %*u %*u %*u %*u %*u %*u "
		   "%*d %*d %*d %*d %d", &ids->state, &ids->ppid, &ids->pgrp,
		   &ids->session, &ids->threads) != 5)
		return -EIO;
	return 0;
}

/*
 * Does process @pid keep its group from being orphaned: has it a parent
 * in another process group of the same session? (kernel/exit.c:
 * will_become_orphaned_pgrp(): an exited process whose threads are all
 * gone, and a child of init, do not count.)
 */
static bool keeps_pgrp(pid_t pid, const struct pgrp_ids *ids)
{
	struct pgrp_ids parent;

	if ((ids->state == 'Z' && ids->threads <= 1) || ids->ppid <= 1 ||
	    read_pgrp_ids(ids->ppid, &parent) < 0)
		return false;
	return parent.pgrp != ids->pgrp && parent.session == ids->session;
}

bool ptv_proc_pgrp_orphaned(pid_t tid)
{
	struct pgrp_ids own, ids;
	struct dirent *d;
	bool orphaned = true;
	DIR *dir;

	if (read_pgrp_ids(tid, &own) < 0)
		return false;
	if (keeps_pgrp(tid, &own))
		return false;
	dir = opendir("/proc");
	if (dir == NULL)
		return false;
	while (orphaned && (d = readdir(dir)) != NULL) {
		pid_t pid = (pid_t)strtol(d->d_name, NULL, 10);

		if (pid > 0 && read_pgrp_ids(pid, &ids) == 0 &&
		    ids.pgrp == own.pgrp && keeps_pgrp(pid, &ids))
			orphaned = false;
	}
	closedir(dir);
	return orphaned;
}

int ptv_proc_children(pid_t tid, pid_t *out, int max)
{
	char path[64], buf[16384], *p, *end;
	ssize_t len;
	int fd, n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", tid, tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len < 0)
		return -errno;
	buf[len] = '\0';
	for (p = buf; n < max; p = end) {
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		out[n++] = (pid_t)v;
	}
	return n;
}

/* Signals whose default action is to ignore them (SIG_KERNEL_IGNORE_MASK). */
#define DFL_IGNORED (1ULL << (SIGCONT - 1) | 1ULL << (SIGCHLD - 1) | \
		     1ULL << (SIGWINCH - 1) | 1ULL << (SIGURG - 1))

/*
 * A signal mask line of /proc/PID/status ("\nSigIgn:"), 0 if absent (then
 * *@found, if given, becomes false).
 */
static uint64_t mask_field(const char *status, const char *name, bool *found)
{
	const char *p = field(status, name);

	if (found && p == NULL)
		*found = false;
	return p ? strtoull(p, NULL, 16) : 0;
}

uint64_t ptv_proc_status_mask(pid_t tid, const char *name)
{
	char buf[4096], key[16];

	if (read_proc(tid, "status", buf, sizeof(buf)) < 0)
		return 0;
	snprintf(key, sizeof(key), "\n%s:", name);
	return mask_field(buf, key, NULL);
}

void ptv_proc_sig_masks(pid_t tid, struct ptv_proc_sig_masks *m)
{
	char buf[4096];

	memset(m, 0, sizeof(*m));
	if (read_proc(tid, "status", buf, sizeof(buf)) < 0)
		return;
	m->pending = mask_field(buf, "\nSigPnd:", NULL);
	m->shared = mask_field(buf, "\nShdPnd:", NULL);
	m->blocked = mask_field(buf, "\nSigBlk:", NULL);
	m->ignored = mask_field(buf, "\nSigIgn:", NULL);
	m->caught = mask_field(buf, "\nSigCgt:", NULL);
}

bool ptv_proc_signal_default(pid_t tid, int sig)
{
	struct ptv_proc_sig_masks m;

	ptv_proc_sig_masks(tid, &m);
	return !((m.ignored | m.caught) & (1ULL << (sig - 1)));
}

bool ptv_proc_signal_ignored(pid_t tgid, int sig, bool maybe_sigwait)
{
	char buf[4096];
	uint64_t bit = 1ULL << (sig - 1), blocked, ignored, caught;
	bool found = true;

	if (sig < 32) {
		/* stat is cheaper: its masks' 31 low bits are fields 32-34. */
		const char *p;

		if (read_proc(tgid, "stat", buf, sizeof(buf)) < 0)
			return false;
		p = strrchr(buf, ')');
		found = p && sscanf(p + 1, " %*c" " %*d %*d %*d %*d %*d"
				    " %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d"
				    " %*d %*d %*u %*u %*d %*u %*u %*u %*u %*u %*u"
				    " %*u %" SCNu64 " %" SCNu64 " %" SCNu64,
				    &blocked, &ignored, &caught) == 3;
	} else {
		if (read_proc(tgid, "status", buf, sizeof(buf)) < 0)
			return false;
		blocked = mask_field(buf, "\nSigBlk:", &found);
		ignored = mask_field(buf, "\nSigIgn:", &found);
		caught = mask_field(buf, "\nSigCgt:", &found);
	}
	if (!found || ((blocked | caught) & bit))
		return false;
	if (!((ignored | DFL_IGNORED) & bit))
		return false;
	/*
	 * In rt_sigtimedwait() the awaited signals are out of ->blocked and
	 * in ->real_blocked, which /proc does not show: such a leader counts
	 * as blocking it.
	 */
	if (!maybe_sigwait)
		return true;
	if (read_proc(tgid, "syscall", buf, sizeof(buf)) < 0)
		return false;
	return atoi(buf) != SYS_rt_sigtimedwait;
}

bool ptv_proc_signal_set_ignored(pid_t tgid, int sig)
{
	char buf[4096];

	if (read_proc(tgid, "status", buf, sizeof(buf)) < 0)
		return false;
	return (mask_field(buf, "\nSigIgn:", NULL) & (1ULL << (sig - 1))) != 0;
}

uint64_t ptv_proc_pending_ignored(pid_t tid, uint64_t dequeued,
				  uint64_t *twice)
{
	uint64_t own, shared, ignored, blocked;
	char buf[4096];

	*twice = 0;
	if (read_proc(tid, "status", buf, sizeof(buf)) < 0)
		return 0;
	blocked = mask_field(buf, "\nSigBlk:", NULL);
	own = mask_field(buf, "\nSigPnd:", NULL) & ~blocked;
	shared = mask_field(buf, "\nShdPnd:", NULL) & ~blocked;
	ignored = mask_field(buf, "\nSigIgn:", NULL) |
		  (DFL_IGNORED & ~mask_field(buf, "\nSigCgt:", NULL));
	/* A signal can be pending once in each queue, and one dequeued. */
	*twice = ((own & shared) | (dequeued & (own | shared))) & ignored;
	return (own | shared | dequeued) & ignored;
}

int ptv_proc_usage(pid_t tid, struct ptv_proc_usage *u)
{
	unsigned long long minflt, cminflt, majflt, cmajflt, ut, st, cut, cst;
	long hz = sysconf(_SC_CLK_TCK);
	char buf[4096];
	const char *p;
	int r;

	r = read_proc(tid, "stat", buf, sizeof(buf));
	if (r < 0)
		return r;
	p = strrchr(buf, ')');
	/* Fields 10 to 17 (proc(5)), after the state, ppid ... tpgid, flags. */
	if (p == NULL || hz <= 0 ||
	    sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %llu %llu %llu %llu "
		   "%llu %llu %llu %llu", &minflt, &cminflt, &majflt, &cmajflt,
		   &ut, &st, &cut, &cst) != 8)
		return -EIO;
	memset(u, 0, sizeof(*u));
	u->utime_us = (ut + cut) * 1000000ULL / (unsigned long)hz;
	u->stime_us = (st + cst) * 1000000ULL / (unsigned long)hz;
	u->minflt = minflt + cminflt;
	u->majflt = majflt + cmajflt;
	if (read_proc(tid, "status", buf, sizeof(buf)) == 0) {
		u->maxrss_kb = field_u64(buf, "\nVmHWM:");
		u->nvcsw = field_u64(buf, "\nvoluntary_ctxt_switches:");
		u->nivcsw = field_u64(buf, "\nnonvoluntary_ctxt_switches:");
	}
	if (read_proc(tid, "io", buf, sizeof(buf)) == 0) {
		uint64_t written = field_u64(buf, "\nwrite_bytes:");
		uint64_t cancelled = field_u64(buf, "\ncancelled_write_bytes:");

		u->inblock = field_u64(buf, "\nread_bytes:") >> 9;
		u->oublock = (written > cancelled ? written - cancelled : 0) >> 9;
	}
	return 0;
}

bool ptv_proc_dumpable(pid_t tid, uid_t euid)
{
	char path[64];
	struct stat st;

	/*
	 * fs/proc/base.c:task_dump_owner() gives a non-dumpable task's files
	 * to root; its /proc/TID directory keeps the euid, so look at a file.
	 * A task whose euid is root looks the same either way: dumpable.
	 */
	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	if (stat(path, &st) < 0)
		return false;
	return euid == 0 || st.st_uid == euid;
}

static void userns_path(pid_t tid, char path[static 64])
{
	if (tid == 0)
		snprintf(path, 64, "/proc/self/ns/user");
	else
		snprintf(path, 64, "/proc/%d/ns/user", tid);
}

int ptv_proc_userns_ino(pid_t tid, uint64_t *ino)
{
	char path[64];
	struct stat st;

	userns_path(tid, path);
	if (stat(path, &st) < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	*ino = st.st_ino;
	return 0;
}

/* /proc/sys/kernel/overflowuid: the uid an unmapped one shows as. */
static uid_t overflow_uid(void)
{
	unsigned int uid = 65534;
	FILE *f = fopen("/proc/sys/kernel/overflowuid", "re");

	if (f != NULL) {
		if (fscanf(f, "%u", &uid) != 1)
			uid = 65534;
		fclose(f);
	}
	return (uid_t)uid;
}

int ptv_proc_uid_seen_by(pid_t tid, uid_t uid, uid_t *out)
{
	char path[64], line[128];
	unsigned int inside, outside, count;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)tid);
	f = fopen(path, "re");
	if (f == NULL)
		return errno == ENOENT ? -ESRCH : -errno;
	*out = overflow_uid();
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%u %u %u", &inside, &outside, &count) == 3 &&
		    uid >= outside && uid - outside < count) {
			*out = (uid_t)(inside + (uid - outside));
			break;
		}
	fclose(f);
	return 0;
}

int ptv_proc_userns_chain(pid_t tid, struct ptv_userns *chain, int max)
{
	char path[64];
	struct stat st;
	int fd, parent, n = 0;

	userns_path(tid, path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	for (;;) {
		uid_t owner;

		if (n == max || fstat(fd, &st) < 0 ||
		    ioctl(fd, NS_GET_OWNER_UID, &owner) < 0) {
			int err = n == max ? -E2BIG : -errno;

			close(fd);
			return err;
		}
		chain[n].ino = st.st_ino;
		chain[n].owner = owner;
		n++;
		parent = ioctl(fd, NS_GET_PARENT);
		close(fd);
		if (parent < 0)
			return errno == EPERM ? n : -errno;
		fd = parent;
	}
}

int ptv_proc_read_task_file(pid_t pid, pid_t tid, const char *name, char *buf,
			    size_t size)
{
	char path[96];

	if (tid != 0)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/%s", pid, tid,
			 name);
	else
		snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	return read_file(path, buf, size);
}

int ptv_proc_fd_path(pid_t tid, int fd, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", tid, fd);
	n = readlink(path, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/* Are @a and @b the same file (or namespace: nsfs has one inode each)? */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

bool ptv_proc_same_paths(pid_t tid)
{
	char mnt[64], root[64];

	snprintf(mnt, sizeof(mnt), "/proc/%d/ns/mnt", tid);
	snprintf(root, sizeof(root), "/proc/%d/root/", tid);
	return same_file(mnt, "/proc/self/ns/mnt") && same_file(root, "/");
}
