/*
 * CPU affinity of tasks in a ptrace relation. The supervisor may pin a
 * tracer and its tracees to one host CPU while they run in short turns
 * (co-location); guests must not see it:
 *  - tracee: a tracee driven through every syscall-stop reports its
 *    sched_getaffinity() before and after sched_setaffinity() to its lowest
 *    CPU and back, and so does a child it forks (untraced: it must inherit
 *    the guest's mask, not the supervisor's one CPU); its tracer prints its
 *    own and its tracee's affinity in the middle of the run and at the
 *    tracee's exit_group. Both also make the raw call: its result is the
 *    number of bytes copied, EINVAL for a length too short (or not a
 *    multiple of sizeof(long)), EFAULT for a bad buffer
 *    (kernel/sched/core.c:sys_sched_getaffinity);
 *  - other-task: the tracer sets its tracee's affinity to one CPU in the
 *    middle of a run of syscall-stops, then restores it; the tracee sees
 *    both;
 *  - proc-status: the tracee's Cpus_allowed_list in /proc/PID/status,
 *    read by its tracer at a syscall-stop. Under ptvisor it shows the host
 *    view (a documented difference: /proc is not virtualised).
 *
 * The tracer counts the tracee's getppid stops to pick its moments: the
 * tracee makes getppid only in its loops, with the raw system call, so the
 * moments do not depend on timing or on what libc calls. Every other line
 * a tracee reports goes through the report pipe and is printed at its end.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt.h"

/* A CPU list as text: "0,2,4,...,1022" (1024 CPUs) fits. */
#define LIST_MAX 4096

static int rep[2];

/* A line to the printer (@fd < 0: the caller is the printer). */
static void SCN_PRINTF(2, 3) tell(int fd, const char *fmt, ...)
{
	char line[LIST_MAX + 128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (fd < 0)
		scn_say("%s", line);
	else
		scn_report(fd, "%s", line);
}

/* "0-1", "0,2-3": the form of /proc's Cpus_allowed_list. */
static const char *cpu_list(const cpu_set_t *set, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int cpu = 0; cpu < CPU_SETSIZE && len < size; cpu++) {
		int last = cpu;

		if (!CPU_ISSET(cpu, set))
			continue;
		while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, set))
			last++;
		if (last == cpu)
			len += snprintf(buf + len, size - len, "%s%d",
					len ? "," : "", cpu);
		else
			len += snprintf(buf + len, size - len, "%s%d-%d",
					len ? "," : "", cpu, last);
		cpu = last;
	}
	return len ? buf : "(empty)";
}

/* sched_getaffinity(@pid) as a CPU list, or "-1 ENAME". */
static const char *affinity_of(pid_t pid, char *buf, size_t size)
{
	cpu_set_t set;

	if (sched_getaffinity(pid, sizeof(set), &set) != 0) {
		snprintf(buf, size, "-1 %s", scn_errno(errno));
		return buf;
	}
	return cpu_list(&set, buf, size);
}

/* "@who: sched_getaffinity(@target) = LIST"; @target names @pid. */
static void tell_affinity(int fd, const char *who, const char *target,
			  pid_t pid)
{
	char buf[LIST_MAX];

	tell(fd, "%s: sched_getaffinity(%s) = %s", who, target,
	     affinity_of(pid, buf, sizeof(buf)));
}

/* A set with only the lowest CPU of @set. */
static cpu_set_t lowest_cpu(const cpu_set_t *set)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (CPU_ISSET(cpu, set)) {
			CPU_SET(cpu, &one);
			break;
		}
	}
	return one;
}

static void tell_setaffinity(int fd, const char *who, const char *target,
			     pid_t pid, const cpu_set_t *set)
{
	char buf[LIST_MAX];
	int r = sched_setaffinity(pid, sizeof(*set), set);

	tell(fd, "%s: sched_setaffinity(%s, %s) = %s%s", who, target,
	     cpu_list(set, buf, sizeof(buf)), r == 0 ? "0" : "-1 ",
	     r == 0 ? "" : scn_errno(errno));
}

/*
 * The raw system call, so that glibc neither checks the length nor clears
 * the rest of the buffer: what the kernel (or the supervisor) returns, as
 * "-ENAME" or the number of bytes copied.
 */
static const char *raw_getaffinity(pid_t pid, size_t len, void *buf,
				   char text[static 32])
{
	long r = syscall(SYS_sched_getaffinity, (long)pid, len, buf);

	return scn_raw_result(r < 0 ? -errno : r, text);
}

static void tell_raw_getaffinity(int fd, const char *who, const char *target,
				 pid_t pid)
{
	cpu_set_t set;
	char r[32];

	tell(fd, "%s: raw sched_getaffinity(%s, %zu) = %s", who, target,
	     sizeof(set), raw_getaffinity(pid, sizeof(set), &set, r));
	tell(fd, "%s: raw sched_getaffinity(%s, 4) = %s", who, target,
	     raw_getaffinity(pid, 4, &set, r));
	tell(fd, "%s: raw sched_getaffinity(%s, %zu, (void *)1) = %s", who,
	     target, sizeof(set),
	     raw_getaffinity(pid, sizeof(set), (void *)1, r));
}

static void getppid_loop(int n)
{
	for (int i = 0; i < n; i++)
		syscall(SYS_getppid);
}

/*
 * Called at each syscall-stop with its syscall number and the number of
 * getppid stops (entries and exits) so far, this one included.
 */
typedef void (*at_stop_fn)(pid_t child, long nr, int getppid_stops);

/*
 * Resumes the tracee (in its SIGSTOP stop) with PTRACE_SYSCALL at every
 * stop until it exits, calling @at_stop at each syscall-stop; passes on the
 * SIGCHLD of a child the tracee forks. Then prints its end and its reports.
 */
static void drive(pid_t child, at_stop_fn at_stop)
{
	int status, sig = 0, getppid_stops = 0;

	pt_must(PTRACE_SETOPTIONS, child, 0, PTRACE_O_TRACESYSGOOD);
	for (;;) {
		struct user_regs_struct regs;

		pt_must(PTRACE_SYSCALL, child, 0, (unsigned long)sig);
		pt_wait(child, &status, 0);
		if (!WIFSTOPPED(status))
			break;
		sig = 0;
		if (WSTOPSIG(status) == SIGCHLD) {
			sig = SIGCHLD;
			continue;
		}
		if (WSTOPSIG(status) != (SIGTRAP | 0x80))
			scn_die("tracee: unexpected %s", pt_status(status));
		pt_getregs(child, &regs);
		if ((long)regs.orig_rax == SYS_getppid)
			getppid_stops++;
		at_stop(child, (long)regs.orig_rax, getppid_stops);
	}
	scn_say("wait: %s %s", scn_pid(child), pt_status(status));
	scn_relay(rep[0]);
	close(rep[0]);
}

static int tracee_main(void *arg)
{
	cpu_set_t orig, one;
	pid_t grandchild;
	int status;
	char text[64];

	(void)arg;
	getppid_loop(300);
	tell_affinity(rep[1], "  tracee", "self", 0);
	tell_raw_getaffinity(rep[1], "  tracee", "self", 0);

	grandchild = fork();
	if (grandchild < 0)
		scn_die("fork");
	if (grandchild == 0) {
		tell_affinity(rep[1], "  grandchild", "self", 0);
		_exit(0);
	}
	scn_waitpid(grandchild, &status, 0);
	tell(rep[1], "  tracee: grandchild %s", scn_wstatus(status, text));

	if (sched_getaffinity(0, sizeof(orig), &orig) != 0)
		scn_die("sched_getaffinity");
	one = lowest_cpu(&orig);
	tell_setaffinity(rep[1], "  tracee", "self", 0, &one);
	tell_affinity(rep[1], "  tracee", "self", 0);
	tell_setaffinity(rep[1], "  tracee", "self", 0, &orig);
	tell_affinity(rep[1], "  tracee", "self", 0);
	getppid_loop(300);
	tell_affinity(rep[1], "  tracee", "self", 0);
	return 0;
}

static void tracee_at_stop(pid_t child, long nr, int getppid_stops)
{
	if ((nr == SYS_getppid && getppid_stops == 200) ||
	    nr == SYS_exit_group) {
		scn_say("-- at the tracee's %s", nr == SYS_exit_group ?
			"exit_group" : "200th getppid stop");
		tell_affinity(-1, "tracer", "self", 0);
		tell_affinity(-1, "tracer", "tracee", child);
		tell_raw_getaffinity(-1, "tracer", "tracee", child);
	}
}

static void case_tracee(void)
{
	drive(pt_spawn_reporting(tracee_main, rep), tracee_at_stop);
}

static int other_task_main(void *arg)
{
	(void)arg;
	getppid_loop(300);
	tell_affinity(rep[1], "  tracee (set by its tracer)", "self", 0);
	getppid_loop(300);
	tell_affinity(rep[1], "  tracee (restored)", "self", 0);
	return 0;
}

static cpu_set_t saved;

/* Stop 200 is in the first loop, stop 800 in the second. */
static void other_task_at_stop(pid_t child, long nr, int getppid_stops)
{
	cpu_set_t one;

	if (nr != SYS_getppid)
		return;
	if (getppid_stops == 200) {
		scn_say("-- at the tracee's 200th getppid stop");
		if (sched_getaffinity(child, sizeof(saved), &saved) != 0)
			scn_die("sched_getaffinity(%s)", scn_pid(child));
		one = lowest_cpu(&saved);
		tell_setaffinity(-1, "tracer", "tracee", child, &one);
		tell_affinity(-1, "tracer", "tracee", child);
	} else if (getppid_stops == 800) {
		scn_say("-- at the tracee's 800th getppid stop");
		tell_setaffinity(-1, "tracer", "tracee", child, &saved);
		tell_affinity(-1, "tracer", "tracee", child);
	}
}

static void case_other_task(void)
{
	drive(pt_spawn_reporting(other_task_main, rep), other_task_at_stop);
}

static int proc_status_main(void *arg)
{
	(void)arg;
	getppid_loop(300);
	return 0;
}

/* Prints the Cpus_allowed_list line of /proc/@pid/status. */
static void say_cpus_allowed_list(pid_t pid)
{
	static const char key[] = "Cpus_allowed_list:";
	char path[64], text[8192], *line, *end;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		scn_die("open /proc/%s/status", scn_pid(pid));
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0)
		scn_die("read /proc/%s/status", scn_pid(pid));
	text[n] = '\0';
	line = strstr(text, key);
	if (line == NULL)
		scn_die("no %s in /proc/%s/status", key, scn_pid(pid));
	line += strlen(key);
	line += strspn(line, " \t");
	end = strchr(line, '\n');
	if (end != NULL)
		*end = '\0';
	scn_say("tracer: tracee's /proc status %s %s", key, line);
}

static void proc_status_at_stop(pid_t child, long nr, int getppid_stops)
{
	if (nr == SYS_getppid && getppid_stops == 200)
		say_cpus_allowed_list(child);
}

static void case_proc_status(void)
{
	drive(pt_spawn_reporting(proc_status_main, rep), proc_status_at_stop);
}

int main(int argc, char **argv)
{
	static const struct pt_case cases[] = {
		{ "tracee", case_tracee },
		{ "other-task", case_other_task },
		{ "proc-status", case_proc_status },
	};

	return pt_main(argc, argv, cases, PT_NCASES(cases), 20);
}
