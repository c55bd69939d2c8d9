/*
 * What a guest can learn about being supervised by looking at itself or at
 * another guest: TracerPid in /proc/PID/status, the Seccomp and
 * Seccomp_filters fields there, prctl(PR_GET_SECCOMP), and the state letter
 * of a stopped child ('T' natively; a host tracee shows 't'). Programs do
 * look (anti-debugging checks, sandboxes that test for an existing filter,
 * ps and test suites reading the state letter).
 *
 * Each case is a test of its own (the argument names it). The /proc ones
 * are known differences under ptvisor, listed in meson.build; the mode
 * prctl(PR_GET_SECCOMP) returns is the guest's own (a trapped call since
 * session 16).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filter.h"
#include "scenario.h"

/* The value of "@field:" in /proc/@pid/status, or "" when absent. */
static const char *status_field(pid_t pid, const char *field)
{
	static char value[128];
	char path[64], line[256];
	size_t len = strlen(field);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
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

static void case_tracerpid(void)
{
	pid_t child;
	int ready[2];

	scn_say("own TracerPid is 0: %s",
		strcmp(status_field(getpid(), "TracerPid"), "0") == 0 ? "yes" : "no");
	scn_pipe(ready, O_CLOEXEC);
	child = scn_fork();
	if (child == 0) {
		scn_post(ready[1]);
		pause();
		_exit(0);
	}
	scn_take(ready[0]);
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
