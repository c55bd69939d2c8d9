/*
 * ptvisor: run a program tree under a supervisor that implements ptrace(2)
 * for the programs inside it. See README.md and DESIGN.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "../common/log.h"
#include "../loop/loop.h"
#include "../platform/filter.h"
#include "../platform/signals.h"
#include "../platform/spawn.h"
#include "../syscalls/procview.h"
#include "options.h"

static int open_log(const struct ptv_options *opts)
{
	int fd;

	if (opts->verbose && opts->log_path == NULL) {
		ptv_log_file = stderr;
		return 0;
	}
	if (opts->log_path == NULL)
		return 0;
	fd = open(opts->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || (ptv_log_file = fdopen(fd, "w")) == NULL) {
		ptv_error("cannot open log file '%s': %s", opts->log_path,
			  strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return 0;
}

/* Without CAP_SYS_ADMIN, a seccomp filter needs PR_SET_NO_NEW_PRIVS. */
static bool need_no_new_privs(void)
{
	/* CAP_SYS_ADMIN is capability 21 (linux/capability.h). */
	return prctl(PR_CAPBSET_READ, 21) != 1 || geteuid() != 0;
}

/* The Yama policy to emulate: the option's, else the host's, else none. */
static int yama_scope(const struct ptv_options *opts)
{
	FILE *f;
	int scope = -1;

	if (opts->ptrace_scope >= 0)
		return opts->ptrace_scope;
	f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
	if (f == NULL)
		return -1;
	if (fscanf(f, "%d", &scope) != 1 || scope < 0 || scope > 3)
		scope = -1;
	fclose(f);
	return scope;
}

static int start_supervisor(int scope, bool colocate, bool proc_view)
{
	int r;

	/*
	 * Not a child subreaper: orphaned guests go where Linux would send
	 * them without ptvisor (the nearest subreaper above, or init), and a
	 * process group whose other parents are gone is orphaned.
	 */
	/* No guest may read or write the supervisor's memory as its owner. */
	prctl(PR_SET_DUMPABLE, 0);
	r = ptv_signals_init();
	if (r == 0)
		r = ptv_filter_prepare(scope >= 0, colocate, proc_view);
	if (r == 0 && proc_view)
		r = ptv_procview_enable();
	if (r < 0) {
		ptv_error("cannot set up: %s", strerror(-r));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ptv_options opts;
	struct ptv_loop_options loop_opts;
	enum ptv_spawn_stage stage;
	int killed_by = 0;
	pid_t first;
	int r = ptv_options_parse(argc, argv, &opts);

	if (r >= 0)
		return r;
	loop_opts.yama_scope = yama_scope(&opts);
	if (open_log(&opts) < 0 ||
	    start_supervisor(loop_opts.yama_scope, !opts.no_colocate,
			     opts.proc_view) < 0)
		return PTV_EXIT_FAILURE;
	r = ptv_spawn_first_guest(opts.command, need_no_new_privs(), &first,
				  &stage);
	if (r < 0 && stage == PTV_SPAWN_EXEC) {
		ptv_error("%s: %s", opts.command[0], strerror(-r));
		return r == -ENOENT ? PTV_EXIT_NOT_FOUND : PTV_EXIT_CANNOT_EXECUTE;
	}
	if (r < 0) {
		ptv_error("cannot start %s (%s): %s", opts.command[0],
			  stage == PTV_SPAWN_FILTER ? "installing the seccomp filter"
						    : "fork and seize",
			  strerror(-r));
		return PTV_EXIT_FAILURE;
	}
	loop_opts.wait_all = opts.wait_all;
	loop_opts.colocate = !opts.no_colocate;
	r = ptv_loop_run(&loop_opts, first, &killed_by);
	ptv_procview_cleanup();
	if (ptv_log_file)
		fflush(ptv_log_file);
	/*
	 * Killed by signal N: die of N too, so that a shell sees what it would
	 * natively (WIFSIGNALED: "Terminated", a script stopping after Ctrl-C)
	 * and $? is 128+N; exit 128+N only if N does not kill us.
	 */
	if (killed_by)
		ptv_signals_die_of(killed_by);
	return r;
}
