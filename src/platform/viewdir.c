#include "viewdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

int ptv_viewdir_init(void)
{
	const char *tmp = getenv("TMPDIR");
	const char *bases[] = { tmp && *tmp ? tmp : "/dev/shm", "/dev/shm", "/tmp" };

	for (size_t i = 0; i < sizeof(bases) / sizeof(*bases); i++) {
		snprintf(dir, sizeof(dir), "%s/ptvisor-view.XXXXXX", bases[i]);
		if (mkdtemp(dir) != NULL) {
			if (chmod(dir, 0711) == 0)
				return 0;
			rmdir(dir);
		}
	}
	dir[0] = '\0';
	return -errno;
}

static void file_of(pid_t tid, char *path, size_t size)
{
	snprintf(path, size, "%s/%d", dir, (int)tid);
}

int ptv_viewdir_put(pid_t tid, const char *text, size_t len, char *path,
		    size_t size)
{
	int fd, err = 0;

	if (dir[0] == '\0')
		return -ENOENT;
	file_of(tid, path, size);
	unlink(path);	/* one a task that died in its open left */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0444);
	if (fd < 0)
		return -errno;
	errno = 0;
	if (write(fd, text, len) != (ssize_t)len)
		err = errno ? -errno : -EIO;
	close(fd);
	if (err < 0)
		unlink(path);
	return err;
}

void ptv_viewdir_remove(pid_t tid)
{
	char path[300];

	if (dir[0] == '\0')
		return;
	file_of(tid, path, sizeof(path));
	unlink(path);
}

void ptv_viewdir_cleanup(void)
{
	DIR *d;
	struct dirent *e;

	if (dir[0] == '\0')
		return;
	d = opendir(dir);
	while (d != NULL && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			unlinkat(dirfd(d), e->d_name, 0);
	if (d != NULL)
		closedir(d);
	rmdir(dir);
	dir[0] = '\0';
}
