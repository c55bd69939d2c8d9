/*
 * A guest for the terminal tests: it reports every signal it catches, one
 * line per delivery, so a test can prove that a Ctrl-C or a kill(2) arrives
 * exactly once.
 *
 *   tty-sigreport [SIGNAME...]   catch the named signals (INT, TERM, HUP,
 *                                QUIT, USR1, USR2, ALRM); the others keep
 *                                their default action
 *
 * It prints "ready pid=N" once its handlers are installed, then reads
 * commands from stdin, one a line:
 *   sync TOKEN   answers "ack TOKEN total=N", N = signals caught so far
 *   spin         answers "spinning", then runs on the CPU (no system call)
 *                until a signal is caught: a running guest takes a signal
 *                at once, a sleeping one only once woken
 *   exit N       exits with status N
 * For each caught signal it prints
 *   "caught SIGINT #N code=SI_KERNEL from=none"
 * where #N counts that signal, code is the siginfo si_code and from says
 * who sent it: "parent" when si_pid is our parent (natively the test driver,
 * under ptvisor the supervisor forwarding it), "other", or "none" for
 * signals without a sender (SI_KERNEL: the terminal's line discipline).
 * Standard output is written with write(2) only, from the handler too
 * (async-signal-safe), with every signal blocked while a handler runs.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
	const char *name;
	int sig;
} signal_names[] = {
	{ "HUP", SIGHUP },   { "INT", SIGINT },   { "QUIT", SIGQUIT },
	{ "TERM", SIGTERM }, { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },
	{ "ALRM", SIGALRM },
};
#define N_SIGNALS (sizeof(signal_names) / sizeof(*signal_names))

static volatile sig_atomic_t caught_by_signal[N_SIGNALS];
static volatile sig_atomic_t caught_total;

/* Appends @s to @buf at *@len (no bounds trouble: lines are short). */
static void append(char *buf, size_t *len, const char *s)
{
	while (*s != '\0')
		buf[(*len)++] = *s++;
}

static void append_number(char *buf, size_t *len, long n)
{
	char digits[24];
	int i = 0;

	if (n < 0) {
		buf[(*len)++] = '-';
		n = -n;
	}
	do
		digits[i++] = (char)('0' + n % 10);
	while ((n /= 10) != 0);
	while (i > 0)
		buf[(*len)++] = digits[--i];
}

static void write_all(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(120);
		buf += n;
		len -= (size_t)n;
	}
}

static const char *code_name(int code)
{
	switch (code) {
	case SI_USER:
		return "SI_USER";
	case SI_KERNEL:
		return "SI_KERNEL";
	case SI_TKILL:
		return "SI_TKILL";
	case SI_QUEUE:
		return "SI_QUEUE";
	}
	return NULL;
}

static void report_signal(int sig, siginfo_t *info, void *ucontext)
{
	int saved_errno = errno;
	const char *code = code_name(info->si_code);
	char line[160];
	size_t len = 0;
	size_t i;

	(void)ucontext;
	for (i = 0; i < N_SIGNALS && signal_names[i].sig != sig; i++)
		;
	if (i == N_SIGNALS)
		_exit(121);
	caught_by_signal[i]++;
	caught_total++;
	append(line, &len, "caught SIG");
	append(line, &len, signal_names[i].name);
	append(line, &len, " #");
	append_number(line, &len, caught_by_signal[i]);
	append(line, &len, " code=");
	if (code != NULL)
		append(line, &len, code);
	else
		append_number(line, &len, info->si_code);
	append(line, &len, " from=");
	if (info->si_code == SI_USER || info->si_code == SI_TKILL ||
	    info->si_code == SI_QUEUE)
		append(line, &len, info->si_pid == getppid() ? "parent" : "other");
	else
		append(line, &len, "none");
	append(line, &len, "\n");
	write_all(line, len);
	errno = saved_errno;
}

static int signal_by_name(const char *name)
{
	if (strncmp(name, "SIG", 3) == 0)
		name += 3;
	for (size_t i = 0; i < N_SIGNALS; i++)
		if (strcmp(name, signal_names[i].name) == 0)
			return signal_names[i].sig;
	return 0;
}

/* Reads one line of stdin into @buf; returns its length, -1 at end of file. */
static int read_line(char *buf, size_t size)
{
	size_t len = 0;

	while (len + 1 < size) {
		char c;
		ssize_t n = read(STDIN_FILENO, &c, 1);

		if (n < 0 && errno == EINTR)
			continue; /* a caught signal: its line is already out */
		if (n <= 0)
			return len > 0 ? (int)len : -1;
		if (c == '\n')
			break;
		buf[len++] = c;
	}
	buf[len] = '\0';
	return (int)len;
}

static void serve_commands(void)
{
	char cmd[128], out[200];

	while (read_line(cmd, sizeof(cmd)) >= 0) {
		size_t len = 0;

		if (strncmp(cmd, "exit ", 5) == 0)
			exit(atoi(cmd + 5));
		if (strcmp(cmd, "spin") == 0) {
			sig_atomic_t before = caught_total;

			write_all("spinning\n", 9);
			while (caught_total == before)
				;
			continue;
		}
		if (strncmp(cmd, "sync ", 5) != 0)
			continue;
		append(out, &len, "ack ");
		append(out, &len, cmd + 5);
		append(out, &len, " total=");
		append_number(out, &len, caught_total);
		append(out, &len, "\n");
		write_all(out, len);
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = report_signal,
				.sa_flags = SA_SIGINFO };
	char line[64];
	size_t len = 0;

	sigfillset(&sa.sa_mask);
	for (int i = 1; i < argc; i++) {
		int sig = signal_by_name(argv[i]);

		if (sig == 0) {
			fprintf(stderr, "tty-sigreport: unknown signal '%s'\n",
				argv[i]);
			return 2;
		}
		if (sigaction(sig, &sa, NULL) < 0) {
			perror("tty-sigreport: sigaction");
			return 2;
		}
	}
	append(line, &len, "ready pid=");
	append_number(line, &len, getpid());
	append(line, &len, "\n");
	write_all(line, len);
	serve_commands();
	return 0;
}
