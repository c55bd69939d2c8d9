/*
 * SECCOMP_RET_USER_NOTIF in a guest's own filter, answered by another guest
 * (the printer) through the listener descriptor: the notification's fields,
 * a made-up result, an error, SECCOMP_USER_NOTIF_FLAG_CONTINUE, ID_VALID,
 * and a target killed while its call waits for an answer. Also for calls the
 * supervisor traps itself (ptrace, wait4): RET_USER_NOTIF outranks its
 * RET_TRACE, so the guest's supervisor answers them.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filter.h"
#include "scenario.h"

static int report_fd;

static void send_fd(int sock, int fd)
{
	char control[CMSG_SPACE(sizeof(int))] = { 0 };
	char byte = 'f';
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = control,
			      .msg_controllen = sizeof(control) };
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	scn_check(sendmsg(sock, &msg, 0) == 1);
}

static int receive_fd(int sock)
{
	char control[CMSG_SPACE(sizeof(int))];
	char byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = control,
			      .msg_controllen = sizeof(control) };
	int fd;

	scn_check(recvmsg(sock, &msg, 0) == 1);
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
	return fd;
}

static void __attribute__((noreturn)) target(int sock)
{
	static const struct scn_rule rules[] = {
		{ AUDIT_ARCH_X86_64, SYS_getppid, SECCOMP_RET_USER_NOTIF },
		{ AUDIT_ARCH_X86_64, SYS_ptrace, SECCOMP_RET_USER_NOTIF },
		{ AUDIT_ARCH_X86_64, SYS_uname, SECCOMP_RET_USER_NOTIF },
		{ AUDIT_ARCH_X86_64, SYS_wait4, SECCOMP_RET_USER_NOTIF },
	};
	struct utsname uts;
	long listener = scn_install_filter(rules, 4, SECCOMP_FILTER_FLAG_NEW_LISTENER);

	scn_check(listener >= 0);
	send_fd(sock, (int)listener);
	close((int)listener);
	scn_report_result(report_fd, "  target: getppid", syscall(SYS_getppid));
	scn_report_result(report_fd, "  target: ptrace(PTRACE_TRACEME)", ptrace(PTRACE_TRACEME, 0, 0, 0));
	scn_report_result(report_fd, "  target: uname", uname(&uts));
	scn_report(report_fd, "  target: sysname %s", uts.sysname);
	scn_report_result(report_fd, "  target: wait4", wait4(-1, NULL, 0, NULL));
	scn_report_result(report_fd, "  target: getppid", syscall(SYS_getppid));
	/* The printer kills us while this one waits for its answer. */
	syscall(SYS_getppid);
	scn_report(report_fd, "  not reached");
	_exit(1);
}

/* Receives one notification and prints it; returns its id. */
static uint64_t receive(int listener, pid_t expected_pid)
{
	struct seccomp_notif req;
	char arg0[32] = "";

	memset(&req, 0, sizeof(req));
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		scn_die("SECCOMP_IOCTL_NOTIF_RECV");

	/* The first argument of the calls that have one we chose. */
	if (req.data.nr == SYS_ptrace || req.data.nr == SYS_wait4)
		snprintf(arg0, sizeof(arg0), ", arg0 %lld", (long long)req.data.args[0]);
	scn_say("notification: syscall %d, %s%s, from the target: %s",
		req.data.nr, scn_arch_name(req.data.arch), arg0,
		(pid_t)req.pid == expected_pid ? "yes" : "no");
	return req.id;
}

static void respond(int listener, uint64_t id, long val, int error, uint32_t flags)
{
	struct seccomp_notif_resp resp = { .id = id, .val = val, .error = error,
					   .flags = flags };
	long r = ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);

	scn_say("answer (val %ld, error %s%s) = %s", val,
		error ? scn_errno(-error) : "0",
		flags ? ", FLAG_CONTINUE" : "", r < 0 ? scn_errno(errno) : "0");
}

static void id_valid(int listener, uint64_t id)
{
	scn_say("ID_VALID = %s", ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0
					  ? scn_errno(errno)
					  : "0");
}

int main(void)
{
	int sock[2], report[2], listener, n;
	struct pollfd pfd;
	uint64_t id;
	pid_t child;

	scn_start(20);
	scn_check(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) == 0);
	scn_pipe(report, O_CLOEXEC);
	report_fd = report[1];
	child = scn_fork();
	if (child == 0)
		target(sock[1]);
	close(report[1]);
	listener = receive_fd(sock[0]);
	scn_say("target %s", scn_pid(child));

	respond(listener, receive(listener, child), 4242, 0, 0);
	scn_check(scn_relay_line(report[0]));
	respond(listener, receive(listener, child), 0, -EACCES, 0);
	scn_check(scn_relay_line(report[0]));
	respond(listener, receive(listener, child), 0, 0,
		SECCOMP_USER_NOTIF_FLAG_CONTINUE);
	scn_check(scn_relay_line(report[0]));
	scn_check(scn_relay_line(report[0]));
	respond(listener, receive(listener, child), 0, -ENOTTY, 0);
	scn_check(scn_relay_line(report[0]));
	id = receive(listener, child);
	id_valid(listener, id);
	respond(listener, id, 1, 0, 0);
	scn_check(scn_relay_line(report[0]));

	id = receive(listener, child);
	kill(child, SIGKILL);
	scn_wait_and_say(child, "target");
	id_valid(listener, id);
	respond(listener, id, 0, 0, 0);
	pfd = (struct pollfd){ .fd = listener, .events = POLLIN };
	n = poll(&pfd, 1, 0);
	scn_say("poll on the listener: %d, revents%s%s", n,
		pfd.revents & POLLHUP ? " POLLHUP" : "",
		pfd.revents & POLLIN ? " POLLIN" : "");
	scn_relay(report[0]);
	return 0;
}
