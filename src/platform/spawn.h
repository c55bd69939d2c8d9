/* Starting the first guest: fork, host seize, filter, exec. */
#ifndef PTV_PLATFORM_SPAWN_H
#define PTV_PLATFORM_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

/* Where starting the first guest failed. */
enum ptv_spawn_stage {
	PTV_SPAWN_SETUP,	/* in the supervisor: pipes, fork, seize */
	PTV_SPAWN_FILTER,	/* installing the filter in the child */
	PTV_SPAWN_EXEC,		/* the exec of COMMAND */
};

/*
 * Forks the first guest, seizes it with PTV_HOST_OPTIONS before it runs any
 * program code, installs the filter in it and execs argv[0] (searched in
 * PATH as execvp(3) does). On success returns 0 with *pid set: the guest is
 * running and its PTRACE_EVENT_EXEC stop is pending. If the exec fails,
 * returns -errno with *stage saying where it failed; nothing is left
 * behind (a child is reaped).
 * @no_new_privs: set PR_SET_NO_NEW_PRIVS in the guest (needed to install a
 * filter without CAP_SYS_ADMIN).
 */
int ptv_spawn_first_guest(char *const argv[], bool no_new_privs, pid_t *pid,
			  enum ptv_spawn_stage *stage);

#endif
