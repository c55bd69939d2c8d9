/*
 * Standard input, output and error pass through the supervisor untouched:
 * what they are (file, pipe, terminal), their open flags, the open file
 * descriptions they share (one offset for stdout and stderr, one for stdin
 * between parent and child), and the order of writes to stdout and stderr.
 * compare.sh gives stdin from a file and stdout and stderr as one file.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenario.h"

static const char *file_type(mode_t mode)
{
	if (S_ISREG(mode))
		return "regular file";
	if (S_ISFIFO(mode))
		return "pipe";
	if (S_ISCHR(mode))
		return "character device";
	if (S_ISSOCK(mode))
		return "socket";
	return "other";
}

static const char *access_mode(int flags)
{
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		return "O_RDONLY";
	case O_WRONLY:
		return "O_WRONLY";
	default:
		return "O_RDWR";
	}
}

static void describe_fd(int fd)
{
	int flags = fcntl(fd, F_GETFL);
	int fdflags = fcntl(fd, F_GETFD);
	struct stat st;

	if (flags < 0 || fstat(fd, &st) < 0) {
		scn_say("fd %d: closed", fd);
		return;
	}
	scn_say("fd %d: %s, %s%s%s, cloexec %s, isatty %d", fd,
		file_type(st.st_mode), access_mode(flags),
		flags & O_APPEND ? "|O_APPEND" : "",
		flags & O_NONBLOCK ? "|O_NONBLOCK" : "",
		fdflags & FD_CLOEXEC ? "yes" : "no", isatty(fd));
}

/* stdout and stderr are one open file: writing to one moves the other. */
static void check_shared_offset(void)
{
	struct stat out, err;
	off_t before, after;

	scn_check(fstat(1, &out) == 0 && fstat(2, &err) == 0);
	scn_say("stdout and stderr are the same file: %s",
		out.st_dev == err.st_dev && out.st_ino == err.st_ino ? "yes" : "no");
	before = lseek(2, 0, SEEK_CUR);
	scn_say("(a line written to stdout)");
	after = lseek(2, 0, SEEK_CUR);
	scn_say("stderr offset moved by a stdout write: %s",
		before >= 0 && after > before ? "yes" : "no");
}

static void interleave_stdout_stderr(void)
{
	/* stdio too: each line is flushed before the next stream is used. */
	printf("stdout via stdio 1\n");
	fflush(stdout);
	fprintf(stderr, "stderr via stdio 1\n");
	dprintf(1, "stdout via write 2\n");
	dprintf(2, "stderr via write 2\n");
	printf("stdout via stdio 3\n");
	fflush(stdout);
}

/* A child reads from the shared stdin; the parent's offset follows. */
static void share_stdin_offset(void)
{
	char first[32] = "", rest[256] = "";
	ssize_t n;
	int report[2];
	pid_t child;

	scn_pipe(report, O_CLOEXEC);
	child = scn_fork();
	if (child == 0) {
		n = read(0, first, 20);
		scn_report(report[1], "child read %zd bytes: '%.*s'", n,
			   (int)(n > 0 ? n - 1 : 0), first);
		_exit(0);
	}
	close(report[1]);
	scn_relay(report[0]);
	scn_wait_and_say(child, "child");
	scn_say("stdin offset in parent: %ld", (long)lseek(0, 0, SEEK_CUR));
	n = read(0, rest, sizeof(rest) - 1);
	scn_say("parent read %zd more bytes:", n);
	if (n > 0)
		scn_write_full(1, rest, (size_t)n);
	scn_say("then read returns %zd (end of file)", read(0, rest, 1));
}

int main(void)
{
	scn_start(20);
	for (int fd = 0; fd < 3; fd++)
		describe_fd(fd);
	check_shared_offset();
	interleave_stdout_stderr();
	share_stdin_offset();
	return 0;
}
