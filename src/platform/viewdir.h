/*
 * The directory of the virtual /proc view's files (syscalls/procview.c):
 * made when ptvisor starts with --proc-view, private to it (mode 0711: a
 * guest can open a file there by name, not list them), one file per guest
 * task with an open in flight, removed when that open returns; the
 * directory goes when ptvisor ends.
 */
#ifndef PTV_PLATFORM_VIEWDIR_H
#define PTV_PLATFORM_VIEWDIR_H

#include <stddef.h>
#include <sys/types.h>

/* Makes the directory (in $TMPDIR, else /dev/shm or /tmp); 0 or -errno. */
int ptv_viewdir_init(void);

/*
 * Writes @len bytes of @text as task @tid's file (mode 0444) and its path
 * into @path (@size bytes); 0 or -errno.
 */
int ptv_viewdir_put(pid_t tid, const char *text, size_t len, char *path,
		    size_t size);

/* Removes task @tid's file, if there is one. */
void ptv_viewdir_remove(pid_t tid);

/* Removes the directory and what is left in it (a task that died in its
   open). Nothing without ptv_viewdir_init(). */
void ptv_viewdir_cleanup(void);

#endif
