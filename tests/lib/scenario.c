#include "scenario.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PIDS 1024
#define MAX_CHILDREN 256

static pid_t named_pids[MAX_PIDS];
static char pid_names[MAX_PIDS][12];
static size_t named_count;

static volatile pid_t tracked_children[MAX_CHILDREN];
static volatile size_t tracked_count;

static void say_raw(const char *buf, size_t len)
{
	scn_write_full(STDOUT_FILENO, buf, len);
}

void scn_name_pids(const char *in, char *out, size_t size)
{
	size_t o = 0;

	while (*in != '\0' && o + 1 < size) {
		char *end;
		long pid;

		if (strncmp(in, "{pid ", 5) == 0) {
			pid = strtol(in + 5, &end, 10);
			if (*end == '}') {
				o += (size_t)snprintf(out + o, size - o, "%s",
						      scn_pid((pid_t)pid));
				if (o >= size)
					o = size - 1;
				in = end + 1;
				continue;
			}
		}
		out[o++] = *in++;
	}
	out[o] = '\0';
}

__attribute__((format(printf, 2, 0)))
static void vsay(const char *prefix, const char *fmt, va_list ap)
{
	char line[4096], named[4096];
	size_t n;

	snprintf(line, sizeof(line), "%s", prefix);
	n = strlen(line);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	scn_name_pids(line, named, sizeof(named) - 1);
	n = strlen(named);
	named[n++] = '\n';
	say_raw(named, n);
}

void scn_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("", fmt, ap);
	va_end(ap);
}

void scn_die(const char *fmt, ...)
{
	char msg[1024];
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (err != 0)
		scn_say("FAIL: %s (errno %s)", msg, scn_errno(err));
	else
		scn_say("FAIL: %s", msg);
	exit(1);
}

static void on_watchdog(int sig)
{
	static const char msg[] = "WATCHDOG\n";

	(void)sig;
	(void)!write(STDOUT_FILENO, msg, sizeof(msg) - 1);
	/* A stuck child must not outlive the scenario that made it. */
	for (size_t i = 0; i < tracked_count; i++)
		kill(tracked_children[i], SIGKILL);
	_exit(SCN_EXIT_WATCHDOG);
}

void scn_start(unsigned seconds)
{
	struct sigaction sa = { .sa_handler = on_watchdog };

	sigemptyset(&sa.sa_mask);
	scn_pid(getpid());
	if (seconds == 0)
		return;
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		scn_die("sigaction(SIGALRM)");
	alarm(seconds);
}

const char *scn_pid(pid_t pid)
{
	static char numbers[8][16];
	static unsigned next_number;

	if (pid <= 0) {
		char *buf = numbers[next_number++ % 8];

		snprintf(buf, sizeof(numbers[0]), "%d", (int)pid);
		return buf;
	}
	for (size_t i = 0; i < named_count; i++)
		if (named_pids[i] == pid)
			return pid_names[i];
	if (named_count == MAX_PIDS)
		scn_die("more than %d pids named", MAX_PIDS);
	named_pids[named_count] = pid;
	snprintf(pid_names[named_count], sizeof(pid_names[0]), "P%zu",
		 named_count);
	return pid_names[named_count++];
}

const char *scn_errno(int err)
{
	static char buf[8][16];
	static unsigned next;
	const char *name = err > 0 ? strerrorname_np(err) : NULL;

	if (name != NULL)
		return name;
	snprintf(buf[next % 8], sizeof(buf[0]), "E%d", err);
	return buf[next++ % 8];
}

const char *scn_sig(int sig)
{
	static char buf[8][24];
	static unsigned next;
	char *out = buf[next++ % 8];
	const char *abbrev;

	if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
		snprintf(out, sizeof(buf[0]), "SIGRTMIN+%d", sig - SIGRTMIN);
		return out;
	}
	abbrev = sig > 0 ? sigabbrev_np(sig) : NULL;
	if (abbrev != NULL)
		snprintf(out, sizeof(buf[0]), "SIG%s", abbrev);
	else
		snprintf(out, sizeof(buf[0]), "SIG%d", sig);
	return out;
}

struct code_name {
	int code;
	const char *name;
};

static const struct code_name generic_codes[] = {
	{ SI_USER, "SI_USER" },	    { SI_KERNEL, "SI_KERNEL" },
	{ SI_QUEUE, "SI_QUEUE" },   { SI_TIMER, "SI_TIMER" },
	{ SI_MESGQ, "SI_MESGQ" },   { SI_ASYNCIO, "SI_ASYNCIO" },
	{ SI_SIGIO, "SI_SIGIO" },   { SI_TKILL, "SI_TKILL" },
	{ 0, NULL },
};

static const struct code_name chld_codes[] = {
	{ CLD_EXITED, "CLD_EXITED" },	  { CLD_KILLED, "CLD_KILLED" },
	{ CLD_DUMPED, "CLD_DUMPED" },	  { CLD_TRAPPED, "CLD_TRAPPED" },
	{ CLD_STOPPED, "CLD_STOPPED" },	  { CLD_CONTINUED, "CLD_CONTINUED" },
	{ 0, NULL },
};

static const struct code_name segv_codes[] = {
	{ SEGV_MAPERR, "SEGV_MAPERR" }, { SEGV_ACCERR, "SEGV_ACCERR" },
	{ 0, NULL },
};

/* SYS_SECCOMP: linux/signal.h's value; glibc's header has no name for it. */
static const struct code_name sys_codes[] = {
	{ 1, "SYS_SECCOMP" },
	{ 0, NULL },
};

static const char *find_code(const struct code_name *table, int code)
{
	for (; table->name != NULL; table++)
		if (table->code == code)
			return table->name;
	return NULL;
}

const char *scn_si_code(int signo, int code)
{
	static char buf[4][24];
	static unsigned next;
	const char *name = NULL;

	/* Codes <= 0 come from userspace and mean the same for every signal. */
	if (code > 0 && signo == SIGCHLD)
		name = find_code(chld_codes, code);
	else if (code > 0 && signo == SIGSEGV)
		name = find_code(segv_codes, code);
	else if (code > 0 && signo == SIGSYS)
		name = find_code(sys_codes, code);
	else
		name = find_code(generic_codes, code);
	if (name != NULL)
		return name;
	snprintf(buf[next % 4], sizeof(buf[0]), "code %d", code);
	return buf[next++ % 4];
}

long scn_result(const char *what, long r)
{
	if (r < 0)
		scn_say("%s = %ld %s", what, r, scn_errno(errno));
	else
		scn_say("%s = %ld", what, r);
	return r;
}

void scn_report_result(int fd, const char *what, long r)
{
	if (r < 0)
		scn_report(fd, "%s = %ld %s", what, r, scn_errno(errno));
	else
		scn_report(fd, "%s = %ld", what, r);
}

const char *scn_raw_result(long r, char buf[static 32])
{
	if (r < 0 && r >= -4095)
		snprintf(buf, 32, "-%s", scn_errno((int)-r));
	else
		snprintf(buf, 32, "%ld", r);
	return buf;
}

const char *scn_wstatus(int status, char buf[static 64])
{
	if (WIFEXITED(status))
		snprintf(buf, 64, "exited %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, 64, "killed by %s%s", scn_sig(WTERMSIG(status)),
			 WCOREDUMP(status) ? " (core dumped)" : "");
	else if (WIFSTOPPED(status) && (status >> 16) != 0)
		snprintf(buf, 64, "stopped by %s, event %d",
			 scn_sig(WSTOPSIG(status)), status >> 16);
	else if (WIFSTOPPED(status))
		snprintf(buf, 64, "stopped by %s", scn_sig(WSTOPSIG(status)));
	else if (WIFCONTINUED(status))
		snprintf(buf, 64, "continued");
	else
		snprintf(buf, 64, "unknown status %#x", status);
	return buf;
}

pid_t scn_waitpid(pid_t pid, int *status, int flags)
{
	pid_t r;

	do
		r = waitpid(pid, status, flags);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		scn_die("waitpid(%s, %#x)", scn_pid(pid), flags);
	return r;
}

int scn_wait_and_say(pid_t pid, const char *who)
{
	char buf[64];
	int status;

	scn_waitpid(pid, &status, __WALL);
	scn_say("%s: %s", who, scn_wstatus(status, buf));
	return status;
}

void scn_track_child(pid_t pid)
{
	if (tracked_count < MAX_CHILDREN)
		tracked_children[tracked_count++] = pid;
}

pid_t scn_fork(void)
{
	pid_t pid = fork();

	if (pid < 0)
		scn_die("fork");
	if (pid == 0) {
		/* The child's own watchdog is its parent's; it tracks nobody. */
		tracked_count = 0;
		return 0;
	}
	scn_track_child(pid);
	return pid;
}

void scn_in_child(const char *title, void (*fn)(int report_fd))
{
	int report[2];
	pid_t child;

	scn_say("== %s ==", title);
	scn_pipe(report, O_CLOEXEC);
	child = scn_fork();
	if (child == 0) {
		close(report[0]);
		fn(report[1]);
		_exit(0);
	}
	close(report[1]);
	scn_relay(report[0]);
	close(report[0]);
	scn_wait_and_say(child, "child");
}

void scn_pipe(int fds[2], int flags)
{
	if (pipe2(fds, flags) < 0)
		scn_die("pipe2");
}

void scn_close_other_fds(int keep)
{
	if (keep < 3) {
		syscall(SYS_close_range, 3U, ~0U, 0U);
		return;
	}
	syscall(SYS_close_range, 3U, (unsigned)keep - 1, 0U);
	syscall(SYS_close_range, (unsigned)keep + 1, ~0U, 0U);
}

bool scn_read_full(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			scn_die("read(%d)", fd);
		if (n == 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

void scn_write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			/* Not scn_die(): it writes to stdout, which may be @fd. */
			_exit(1);
		}
		p += n;
		len -= (size_t)n;
	}
}

void scn_post(int fd)
{
	scn_write_full(fd, "!", 1);
}

void scn_take(int fd)
{
	char c;

	if (!scn_read_full(fd, &c, 1) || c != '!')
		scn_die("synchronisation pipe %d closed", fd);
}

void scn_report(int fd, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	scn_write_full(fd, line, (size_t)n);
}

bool scn_read_line(int fd, char *line, size_t size)
{
	size_t len = 0;

	for (;;) {
		char c;

		if (!scn_read_full(fd, &c, 1)) {
			if (len > 0)
				scn_die("report line without newline");
			return false;
		}
		if (c == '\n')
			break;
		if (len + 1 < size)
			line[len++] = c;
	}
	line[len] = '\0';
	return true;
}

bool scn_relay_line(int fd)
{
	char line[512];

	if (!scn_read_line(fd, line, sizeof(line)))
		return false;
	scn_say("%s", line);
	return true;
}

void scn_relay(int fd)
{
	while (scn_relay_line(fd))
		;
}

int scn_count_tasks(pid_t pid)
{
	char path[64];
	struct dirent *d;
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (dir == NULL)
		scn_die("opendir %s", path);
	while ((d = readdir(dir)) != NULL)
		n += d->d_name[0] != '.';
	closedir(dir);
	return n;
}

char scn_proc_state(pid_t tid)
{
	char path[64], buf[512], *paren;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* "pid (comm) S ...": comm may hold spaces and parentheses. */
	paren = strrchr(buf, ')');
	return paren != NULL && paren[1] == ' ' ? paren[2] : 0;
}

/* One poll interval: short, and it yields the CPU to the task we wait on. */
static void poll_pause(void)
{
	struct timespec ts = { 0, 200 * 1000 };

	nanosleep(&ts, NULL);
}

void scn_wait_state(pid_t tid, const char *letters)
{
	for (;;) {
		char state = scn_proc_state(tid);

		if (state == 0 ? strchr(letters, '0') != NULL
			       : strchr(letters, state) != NULL)
			return;
		poll_pause();
	}
}

/* 1: @tid sleeps in syscall @nr; 0: it does not; -1: no such task. */
static int sleeps_in(pid_t tid, long nr)
{
	char path[64], buf[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	/* "running" while it runs; "NR args..." while it sleeps. */
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return buf[0] != 'r' && strtol(buf, NULL, 10) == nr &&
	       scn_proc_state(tid) == 'S';
}

bool scn_sleeps_in(pid_t tid, long nr)
{
	return sleeps_in(tid, nr) == 1;
}

void scn_wait_syscall(pid_t tid, long nr)
{
	for (;;) {
		int r = sleeps_in(tid, nr);

		if (r < 0)
			scn_die("open /proc/%d/syscall", (int)tid);
		if (r > 0)
			return;
		poll_pause();
	}
}

unsigned long long scn_status_field(pid_t tid, const char *name, int base)
{
	char path[64], line[256];
	unsigned long long v = 0;
	size_t len = strlen(name);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	f = fopen(path, "re");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, name, len) == 0 && line[len] == ':') {
			v = strtoull(line + len + 1, NULL, base);
			break;
		}
	fclose(f);
	return v;
}

void scn_write_proc_self(const char *name, const char *text)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/self/%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		scn_die("write %s: %s", path, scn_errno(errno));
	close(fd);
}

void scn_unshare_userns(unsigned int id, uid_t uid, gid_t gid)
{
	char map[64];

	if (unshare(CLONE_NEWUSER) < 0)
		scn_die("unshare(CLONE_NEWUSER): %s", scn_errno(errno));
	scn_write_proc_self("setgroups", "deny");
	snprintf(map, sizeof(map), "%u %u 1", id, (unsigned int)uid);
	scn_write_proc_self("uid_map", map);
	snprintf(map, sizeof(map), "%u %u 1", id, (unsigned int)gid);
	scn_write_proc_self("gid_map", map);
}

void scn_take_sigchld(siginfo_t *si)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	memset(si, 0, sizeof(*si));
	if (sigwaitinfo(&set, si) != SIGCHLD)
		scn_die("sigwaitinfo(SIGCHLD): %s", scn_errno(errno));
}

void scn_wait_reaped(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	while (access(path, F_OK) == 0)
		poll_pause();
}

void scn_handle(int sig, void (*action)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa = { .sa_sigaction = action,
				.sa_flags = flags | SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) < 0)
		scn_die("sigaction(%s)", scn_sig(sig));
}

void scn_block(int sig, bool block)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	errno = pthread_sigmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
	if (errno != 0)
		scn_die("pthread_sigmask");
}
