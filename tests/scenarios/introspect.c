/*
 * What a guest can learn about being supervised by looking at itself or at
 * another guest: TracerPid in /proc/PID/status, the Seccomp and
 * Seccomp_filters fields there, prctl(PR_GET_SECCOMP), and the state letter
 * of a stopped child ('T' natively; a host tracee shows 't'). Programs do
 * look (anti-debugging checks, sandboxes that test for an existing filter,
 * ps and test suites reading the state letter).
 *
 * Each case is a test of its own (the argument names it). The /proc ones
 * are known differences under ptvisor without --proc-view, listed in
 * meson.build, and must match with it; the mode prctl(PR_GET_SECCOMP)
 * returns is the guest's own (a trapped call since session 16). The cases
 * after stopped-state look at the view's other paths: a tracee's
 * TracerPid and its states, a thread's files, stat's fields, a path from
 * a directory descriptor, openat2.
 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filter.h"
#include "scenario.h"

/* The value of "@field:" in the status file at @path, or "" when absent. */
static const char *path_field(const char *path, const char *field)
{
	static char value[128];
	char line[256];
	size_t len = strlen(field);
	FILE *f;

	f = fopen(path, "re");
	scn_check(f != NULL);
	value[0] = '\0';
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, field, len) == 0 && line[len] == ':') {
			char *v = line + len + 1;

			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			snprintf(value, sizeof(value), "%s", v);
			break;
		}
	}
	fclose(f);
	return value;
}

/* The value of "@field:" in /proc/@pid/status, or "" when absent. */
static const char *status_field(pid_t pid, const char *field)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	return path_field(path, field);
}

/* Field @n (from 1) of the stat text @text (after its comm), or "". */
static const char *stat_field(const char *text, int n)
{
	static char value[32];
	const char *p = strrchr(text, ')');

	value[0] = '\0';
	if (p == NULL || n < 3)
		return value;
	p += 2;
	for (int i = 3; i < n && p != NULL; i++) {
		p = strchr(p, ' ');
		if (p != NULL)
			p++;
	}
	if (p != NULL)
		snprintf(value, sizeof(value), "%.*s", (int)strcspn(p, " \n"), p);
	return value;
}

/* The text of the file at @path (up to 4 KiB), read through @fd if >= 0. */
static const char *read_text(const char *path, int fd)
{
	static char text[4096];
	ssize_t n;

	if (fd < 0)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	scn_check(fd >= 0);
	n = read(fd, text, sizeof(text) - 1);
	scn_check(n > 0);
	text[n] = '\0';
	close(fd);
	return text;
}

/* A child in pause(), once it has started. */
static pid_t paused_child(void)
{
	pid_t child;
	int ready[2];

	scn_pipe(ready, O_CLOEXEC);
	child = scn_fork();
	if (child == 0) {
		scn_post(ready[1]);
		pause();
		_exit(0);
	}
	scn_take(ready[0]);
	close(ready[0]);
	close(ready[1]);
	return child;
}

static void case_tracerpid(void)
{
	pid_t child;

	scn_say("own TracerPid is 0: %s",
		strcmp(status_field(getpid(), "TracerPid"), "0") == 0 ? "yes" : "no");
	child = paused_child();
	scn_say("a child's TracerPid is 0: %s",
		strcmp(status_field(child, "TracerPid"), "0") == 0 ? "yes" : "no");
	kill(child, SIGKILL);
	scn_wait_and_say(child, "child");
}

static void case_seccomp_status(void)
{
	scn_say("Seccomp: %s", status_field(getpid(), "Seccomp"));
	scn_say("Seccomp_filters: %s", status_field(getpid(), "Seccomp_filters"));
}

static void case_pr_get_seccomp(void)
{
	scn_result("prctl(PR_GET_SECCOMP)", prctl(PR_GET_SECCOMP));
}

/* With a filter of its own (no rules: all allowed), the mode is 2. */
static void case_pr_get_seccomp_filtered(void)
{
	scn_result("PR_SET_NO_NEW_PRIVS", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	scn_result("a filter of its own", scn_install_filter(NULL, 0, 0));
	scn_result("prctl(PR_GET_SECCOMP)", prctl(PR_GET_SECCOMP));
}

static void case_stopped_state(void)
{
	pid_t child = scn_fork();
	int status;

	if (child == 0) {
		raise(SIGSTOP);
		_exit(0);
	}
	scn_waitpid(child, &status, WUNTRACED);
	scn_say("a stopped child's state: %c", scn_proc_state(child));
	kill(child, SIGCONT);
	scn_wait_and_say(child, "child");
}

/* An open of /proc/PID/stat, or -1. */
static int open_stat(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/*
 * A child that traces itself (PTRACE_TRACEME) reads its TracerPid: its
 * parent's pid. The parent reads the child's state in its SIGSTOP's
 * signal-delivery-stop ('t'), detaches it with that SIGSTOP (a plain
 * group-stop then: 'T'), and reads its TracerPid (0).
 */
static void case_traced(void)
{
	int seen[2];
	pid_t child;
	int status;
	char c;

	scn_pipe(seen, O_CLOEXEC);
	child = scn_fork();
	if (child == 0) {
		scn_check(ptrace(PTRACE_TRACEME, 0, 0, 0) == 0);
		c = atoi(status_field(getpid(), "TracerPid")) == getppid() ? 'y' : 'n';
		scn_write_full(seen[1], &c, 1);
		raise(SIGSTOP);
		pause();
		_exit(0);
	}
	scn_check(scn_read_full(seen[0], &c, 1));
	scn_say("the tracee's own TracerPid is its parent's: %s",
		c == 'y' ? "yes" : "no");
	scn_waitpid(child, &status, 0);
	scn_say("the tracee stopped by %s", scn_sig(WSTOPSIG(status)));
	scn_say("its state in the tracer's stop: %s",
		status_field(child, "State"));
	scn_say("its TracerPid is the tracer's: %s",
		atoi(status_field(child, "TracerPid")) == getpid() ? "yes" : "no");
	scn_result("PTRACE_DETACH with SIGSTOP",
		   ptrace(PTRACE_DETACH, child, 0, SIGSTOP));
	scn_waitpid(child, &status, WUNTRACED);
	scn_say("detached, stopped by %s", scn_sig(WSTOPSIG(status)));
	scn_say("its state now: %s", status_field(child, "State"));
	scn_say("its stat's state now: %s",
		stat_field(read_text("", open_stat(child)), 3));
	scn_say("its TracerPid now: %s", status_field(child, "TracerPid"));
	kill(child, SIGKILL);
	scn_wait_and_say(child, "child");
}

static int thread_report = -1;

static void *thread_main(void *arg)
{
	char path[96];
	pid_t tid = (pid_t)syscall(SYS_gettid);

	(void)arg;
	scn_report(thread_report, "thread-self State: %s",
		   path_field("/proc/thread-self/status", "State"));
	scn_report(thread_report, "thread-self Pid is the thread's: %s",
		   atoi(path_field("/proc/thread-self/status", "Pid")) == tid
			   ? "yes" : "no");
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	scn_report(thread_report, "self/task/TID/stat state: %s",
		   stat_field(read_text(path, -1), 3));
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	scn_report(thread_report, "/proc/TID/status TracerPid: %s",
		   path_field(path, "TracerPid"));
	return NULL;
}

/* A thread reads its own files by thread-self, task/TID and its tid. */
static void thread_files(int report_fd)
{
	pthread_t thread;

	thread_report = report_fd;
	scn_check(pthread_create(&thread, NULL, thread_main, NULL) == 0);
	scn_check(pthread_join(thread, NULL) == 0);
}

static void case_thread(void)
{
	scn_in_child("thread files", thread_files);
}

/*
 * Its own stat, and a child's: the state, the fields' count, and a field
 * only a reader ptrace_may_access() allows sees (startcode).
 */
static void case_stat(void)
{
	const char *text = read_text("/proc/self/stat", -1);
	int fields = 0;
	pid_t child;

	for (const char *p = strrchr(text, ')'); p != NULL; p = strchr(p + 1, ' '))
		fields++;
	scn_say("own stat: state %s, %d fields after comm", stat_field(text, 3),
		fields);
	child = paused_child();
	scn_wait_state(child, "S");
	text = read_text("", open_stat(child));
	scn_say("a child's stat: state %s, startcode shown: %s",
		stat_field(text, 3), strcmp(stat_field(text, 26), "1") > 0 ? "yes" : "no");
	kill(child, SIGKILL);
	scn_wait_and_say(child, "child");
}

/* openat() from a descriptor of /proc/self, and openat2(). */
static void case_dirfd(void)
{
	int dir = open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC };
	char *p;

	scn_check(dir >= 0);
	p = strstr(read_text("", openat(dir, "status", O_RDONLY | O_CLOEXEC)),
		   "TracerPid:");
	scn_say("openat(/proc/self, \"status\"): %.*s", (int)strcspn(p, "\n"), p);
	p = strstr(read_text("", (int)syscall(SYS_openat2, AT_FDCWD,
					     "/proc/self/status", &how,
					     sizeof(how))),
		   "TracerPid:");
	scn_say("openat2(/proc/self/status): %.*s", (int)strcspn(p, "\n"), p);
	close(dir);
}

/* A filter of its own: Seccomp 2, one filter. */
static void own_filter(int report_fd)
{
	scn_check(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
	scn_check(scn_install_filter(NULL, 0, 0) == 0);
	scn_report(report_fd, "Seccomp: %s", status_field(getpid(), "Seccomp"));
	scn_report(report_fd, "Seccomp_filters: %s",
		   status_field(getpid(), "Seccomp_filters"));
}

static void case_own_filter(void)
{
	scn_in_child("with a filter of its own", own_filter);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*run)(void);
	} cases[] = {
		{ "tracerpid", case_tracerpid },
		{ "seccomp-status", case_seccomp_status },
		{ "pr-get-seccomp", case_pr_get_seccomp },
		{ "pr-get-seccomp-filtered", case_pr_get_seccomp_filtered },
		{ "stopped-state", case_stopped_state },
		{ "traced", case_traced },
		{ "thread", case_thread },
		{ "stat", case_stat },
		{ "dirfd", case_dirfd },
		{ "own-filter", case_own_filter },
	};

	scn_start(20);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		if (argc > 1 && strcmp(argv[1], cases[i].name) != 0)
			continue;
		scn_say("== %s ==", cases[i].name);
		cases[i].run();
	}
	return 0;
}
