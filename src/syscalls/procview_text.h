/*
 * The virtual /proc view's text (--proc-view; design notes, 34): which
 * /proc file a path names, and the host's /proc/PID/status and
 * /proc/PID/stat made into what the guest would read natively. Pure
 * string work, no host calls (unit-tested by tests/unit/test_procview.c).
 */
#ifndef PTV_SYSCALLS_PROCVIEW_TEXT_H
#define PTV_SYSCALLS_PROCVIEW_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum ptv_procview_file {
	PTV_PROCVIEW_NONE = 0,	/* not a file the view changes */
	PTV_PROCVIEW_STATUS,	/* .../status */
	PTV_PROCVIEW_STAT,	/* .../stat */
};

/* A path of the form /proc/{PID,self,thread-self}[/task/TID]/{status,stat}. */
struct ptv_procview_path {
	enum ptv_procview_file file;
	pid_t pid;		/* the process directory's number */
	pid_t tid;		/* the task directory's number; 0: none */
};

/*
 * Parses @path, absolute, with "self" and "thread-self" standing for
 * @self_tgid and @self_tgid/task/@self_tid (fs/proc/self.c,
 * thread_self.c). Repeated slashes are one, as in a lookup; "." and ".."
 * components, a trailing slash, and anything else give PTV_PROCVIEW_NONE.
 */
enum ptv_procview_file ptv_procview_parse(const char *path, pid_t self_tgid,
					  pid_t self_tid,
					  struct ptv_procview_path *out);

/* What the guest's view shows instead of the host's. */
struct ptv_procview_fix {
	char state;		/* the state letter (fs/proc/array.c) */
	int32_t tracer_pid;	/* TracerPid */
	int seccomp_mode;	/* Seccomp; -1: the host's */
	int seccomp_filters;	/* Seccomp_filters; -1: the host's */
	const uint64_t *cpus;	/* Cpus_allowed and _list from this mask
				   (a bit per CPU, 64 per word); NULL: the
				   host's */
	size_t cpu_words;
	uint64_t unblocked;	/* signals to take out of SigBlk (bit sig-1) */
	bool not_permitted;	/* stat: the reader may not see the fields
				   ptrace_may_access(PTRACE_MODE_READ) guards */
};

/*
 * /proc/PID/status text @in (NUL-terminated) with @fix applied, into @out
 * (@size bytes). Returns the length written (without the NUL), or -1 if
 * it does not fit or @in is not such a file.
 */
long ptv_procview_status(const char *in, const struct ptv_procview_fix *fix,
			 char *out, size_t size);

/* The same for /proc/PID/stat: the state (field 3) and guarded fields. */
long ptv_procview_stat(const char *in, const struct ptv_procview_fix *fix,
		       char *out, size_t size);

/* The state letter of a status or stat text, or 0. */
char ptv_procview_state_of(const char *in, enum ptv_procview_file file);

#endif
