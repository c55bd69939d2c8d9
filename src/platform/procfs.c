#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static const char *field(const char *text, const char *name)
{
	const char *p = strstr(text, name);

	return p ? p + strlen(name) : NULL;
}

int ptv_proc_creds(pid_t tid, struct ptv_proc_creds *c)
{
	char path[64], buf[4096];
	const char *p;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	r = read_file(path, buf, sizeof(buf));
	if (r < 0)
		return r;
	memset(c, 0, sizeof(*c));
	p = field(buf, "\nUid:");
	if (!p || sscanf(p, "%u %u %u %u", &c->uid[0], &c->uid[1], &c->uid[2],
			 &c->uid[3]) != 4)
		return -EIO;
	p = field(buf, "\nGid:");
	if (!p || sscanf(p, "%u %u %u %u", &c->gid[0], &c->gid[1], &c->gid[2],
			 &c->gid[3]) != 4)
		return -EIO;
	p = field(buf, "\nCapEff:");
	if (!p)
		return -EIO;
	c->cap_eff = strtoull(p, NULL, 16);
	p = field(buf, "\nCapPrm:");
	if (!p)
		return -EIO;
	c->cap_prm = strtoull(p, NULL, 16);
	p = field(buf, "\nSeccomp_filters:");
	c->seccomp_filters = p ? atoi(p) : 0;
	return 0;
}

int ptv_proc_pidfd_pid(pid_t tid, int fd)
{
	char path[64], buf[1024];
	const char *p;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", tid, fd);
	r = read_file(path, buf, sizeof(buf));
	if (r < 0)
		return r == -ESRCH ? -EBADF : r;
	p = field(buf, "\nPid:");
	if (!p)
		return -EINVAL;
	return atoi(p);
}

char ptv_proc_state(pid_t tid)
{
	char path[64], buf[512];
	const char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return 0;
	/* The command name may hold anything: the state follows its last ')'. */
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

bool ptv_proc_dumpable(pid_t tid, uid_t euid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d", tid);
	if (stat(path, &st) < 0)
		return false;
	/* fs/proc/base.c:task_dump_owner(): root owns a non-dumpable task. */
	return euid == 0 || st.st_uid == euid;
}
