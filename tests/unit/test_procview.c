/*
 * src/syscalls/procview_text.c: which /proc file a path names, and the
 * host's status and stat text made into the guest's view.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "syscalls/procview_text.h"

static void parses_the_paths_of_the_view(void **state)
{
	static const struct {
		const char *path;
		enum ptv_procview_file file;
		pid_t pid, tid;
	} paths[] = {	/* read by task 11 of process 10 */
		{ "/proc/self/status", PTV_PROCVIEW_STATUS, 10, 0 },
		{ "/proc/thread-self/stat", PTV_PROCVIEW_STAT, 10, 11 },
		{ "//proc///123/task/456/status", PTV_PROCVIEW_STATUS, 123, 456 },
		{ "/proc/self/task/7/stat", PTV_PROCVIEW_STAT, 10, 7 },
	};
	struct ptv_procview_path p;

	(void)state;
	for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
		assert_int_equal(ptv_procview_parse(paths[i].path, 10, 11, &p),
				 paths[i].file);
		assert_int_equal(p.file, paths[i].file);
		assert_int_equal(p.pid, paths[i].pid);
		assert_int_equal(p.tid, paths[i].tid);
	}
}

static void refuses_other_paths(void **state)
{
	static const char *const others[] = {
		"proc/self/status",		/* relative */
		"/proc/self/statm",
		"/proc/self/stat/",		/* ENOTDIR natively */
		"/proc/self/../self/status",
		"/proc/./self/status",
		"/proc/0/status",
		"/proc/012/status",		/* no such directory */
		"/proc/12a/status",
		"/proc/thread-self/task/3/status",
		"/proc/1/task/status",
		"/proc/1/task/2/3/status",
		"/proc/99999999999/status",
		"/sys/1/status",
		"/proc/status",
	};
	struct ptv_procview_path p;

	(void)state;
	for (size_t i = 0; i < sizeof(others) / sizeof(*others); i++)
		assert_int_equal(ptv_procview_parse(others[i], 1, 1, &p),
				 PTV_PROCVIEW_NONE);
}

static const char host_status[] =
	"Name:\tcat\n"
	"State:\tt (tracing stop)\n"
	"Tgid:\t100\n"
	"TracerPid:\t42\n"
	"SigBlk:\t0000000000010000\n"
	"Seccomp:\t2\n"
	"Seccomp_filters:\t1\n"
	"Cpus_allowed:\t00000000,00000001\n"
	"Cpus_allowed_list:\t0\n"
	"voluntary_ctxt_switches:\t3\n";

static void fixes_status_fields(void **state)
{
	uint64_t cpus[2] = { 0x2d, 0 };	/* 0, 2-3, 5 */
	struct ptv_procview_fix fix = {
		.state = 'T', .tracer_pid = 0, .seccomp_mode = 0,
		.seccomp_filters = 0, .cpus = cpus, .cpu_words = 2,
		.unblocked = 1ULL << (17 - 1),
	};
	char out[1024];
	long n;

	(void)state;
	n = ptv_procview_status(host_status, &fix, out, sizeof(out));
	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(out));
	assert_string_equal(out,
			    "Name:\tcat\n"
			    "State:\tT (stopped)\n"
			    "Tgid:\t100\n"
			    "TracerPid:\t0\n"
			    "SigBlk:\t0000000000000000\n"
			    "Seccomp:\t0\n"
			    "Seccomp_filters:\t0\n"
			    "Cpus_allowed:\t00000000,0000002d\n"
			    "Cpus_allowed_list:\t0,2-3,5\n"
			    "voluntary_ctxt_switches:\t3\n");
	assert_int_equal(ptv_procview_state_of(host_status, PTV_PROCVIEW_STATUS),
			 't');
}

static void keeps_what_the_fix_leaves(void **state)
{
	struct ptv_procview_fix fix = {
		.state = 't', .tracer_pid = 7, .seccomp_mode = -1,
		.seccomp_filters = -1,
	};
	char out[1024], small[40];

	(void)state;
	assert_true(ptv_procview_status(host_status, &fix, out, sizeof(out)) > 0);
	assert_non_null(strstr(out, "\nState:\tt (tracing stop)\n"));
	assert_non_null(strstr(out, "\nTracerPid:\t7\n"));
	assert_non_null(strstr(out, "\nSeccomp:\t2\nSeccomp_filters:\t1\n"));
	assert_non_null(strstr(out, "\nSigBlk:\t0000000000010000\n"));
	assert_non_null(strstr(out, "\nCpus_allowed:\t00000000,00000001\n"
				    "Cpus_allowed_list:\t0\n"));
	/* Too small, or no State line: refused, not cut. */
	assert_int_equal(ptv_procview_status(host_status, &fix, small,
					     sizeof(small)), -1);
	assert_int_equal(ptv_procview_status("Name:\tx\n", &fix, out,
					     sizeof(out)), -1);
}

/* fs/proc/array.c:do_task_stat(), 52 fields; comm with a ") " in it. */
static const char host_stat[] =
	"100 (a) b) t 1 100 100 0 -1 4194304 98 0 0 0 0 0 0 0 20 0 1 0 "
	"117846 3133440 366 18446744073709551615 94472804421632 "
	"94472804441513 140729585483520 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 "
	"94472804457520 94472804459136 94472964493312 140729585486477 "
	"140729585486497 140729585486497 140729585487851 0\n";

static void fixes_the_stat_state_and_guarded_fields(void **state)
{
	struct ptv_procview_fix fix = { .state = 'R' };
	char out[1024];

	(void)state;
	assert_int_equal(ptv_procview_state_of(host_stat, PTV_PROCVIEW_STAT), 't');
	assert_true(ptv_procview_stat(host_stat, &fix, out, sizeof(out)) > 0);
	assert_int_equal(strncmp(out, "100 (a) b) R 1 100 ", 19), 0);
	assert_string_equal(out + 12, host_stat + 12);
	fix.not_permitted = true;
	assert_true(ptv_procview_stat(host_stat, &fix, out, sizeof(out)) > 0);
	assert_string_equal(out,
			    "100 (a) b) R 1 100 100 0 -1 4194304 98 0 0 0 0 0 0 0 20 0 1 0 "
			    "117846 3133440 366 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 "
			    "17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_the_paths_of_the_view),
		cmocka_unit_test(refuses_other_paths),
		cmocka_unit_test(fixes_status_fields),
		cmocka_unit_test(keeps_what_the_fix_leaves),
		cmocka_unit_test(fixes_the_stat_state_and_guarded_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
