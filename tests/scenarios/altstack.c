/*
 * sigaltstack: handlers with SA_ONSTACK run on the alternate stack (and see
 * SS_ONSTACK), others on the normal stack; a nested signal stays on it;
 * SS_AUTODISARM; the errors of sigaltstack itself; and a stack overflow
 * caught by a SIGSEGV handler on the alternate stack, or fatal without one.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "scenario.h"

#define ALT_SIZE (64 * 1024)

/* linux/signal.h: since Linux 4.7; glibc's headers lack it. */
#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

static char alt_stack[ALT_SIZE] __attribute__((aligned(16)));

/* What a handler saw, printed after it returns. */
struct observation {
	int sig;
	bool on_alt_stack;
	int ss_flags;
	int sigaltstack_errno; /* of a change tried inside the handler */
};

static struct observation seen[4];
static volatile int nseen;

static bool on_alt_stack(const void *p)
{
	uintptr_t a = (uintptr_t)p, base = (uintptr_t)alt_stack;

	return a >= base && a < base + ALT_SIZE;
}

static void observe(int sig, siginfo_t *info, void *ucontext)
{
	char local;
	stack_t now, change = { .ss_sp = alt_stack, .ss_size = ALT_SIZE };
	struct observation *o = &seen[nseen++];

	(void)info;
	(void)ucontext;
	o->sig = sig;
	o->on_alt_stack = on_alt_stack(&local);
	sigaltstack(NULL, &now);
	o->ss_flags = now.ss_flags;
	o->sigaltstack_errno = sigaltstack(&change, NULL) < 0 ? errno : 0;
	/* SIGUSR1's handler raises SIGUSR2, which nests. */
	if (sig == SIGUSR1)
		raise(SIGUSR2);
}

static const char *flags_text(int flags)
{
	static char buf[64];

	size_t n;

	snprintf(buf, sizeof(buf), "%s%s%s%s", flags == 0 ? "0 " : "",
		 flags & SS_ONSTACK ? "SS_ONSTACK " : "",
		 flags & SS_DISABLE ? "SS_DISABLE " : "",
		 flags & SS_AUTODISARM ? "SS_AUTODISARM " : "");
	n = strlen(buf);
	if (n > 0)
		buf[n - 1] = '\0';
	return buf;
}

static void print_seen(void)
{
	for (int i = 0; i < nseen; i++)
		scn_say("  %s handler: on the alternate stack %s, ss_flags %s, "
			"sigaltstack change %s", scn_sig(seen[i].sig),
			seen[i].on_alt_stack ? "yes" : "no",
			flags_text(seen[i].ss_flags),
			seen[i].sigaltstack_errno ? scn_errno(seen[i].sigaltstack_errno)
						  : "allowed");
	nseen = 0;
}

static void case_handlers(int ss_extra_flags)
{
	stack_t ss = { .ss_sp = alt_stack, .ss_size = ALT_SIZE,
		       .ss_flags = ss_extra_flags };

	scn_say("== handlers, stack flags %s ==", flags_text(ss_extra_flags));
	scn_check(sigaltstack(&ss, NULL) == 0);
	scn_handle(SIGUSR1, observe, SA_ONSTACK);
	scn_handle(SIGUSR2, observe, SA_ONSTACK);
	scn_handle(SIGWINCH, observe, 0);
	raise(SIGUSR1);
	raise(SIGWINCH);
	print_seen();
	ss.ss_flags = SS_DISABLE;
	scn_check(sigaltstack(&ss, NULL) == 0);
	raise(SIGUSR2);
	scn_say("after SS_DISABLE:");
	print_seen();
}

static void case_errors(void)
{
	stack_t ss = { .ss_sp = alt_stack, .ss_size = 1024 }, old;

	scn_say("== sigaltstack errors ==");
	errno = 0;
	scn_result("too small", sigaltstack(&ss, NULL));
	ss.ss_size = ALT_SIZE;
	ss.ss_flags = 0x1234;
	scn_result("bad flags", sigaltstack(&ss, NULL));
	scn_result("bad pointer", sigaltstack((stack_t *)8, NULL));
	scn_check(sigaltstack(NULL, &old) == 0);
	scn_say("current: flags %s, size %zu", flags_text(old.ss_flags),
		old.ss_size);
}

static void on_segv(int sig, siginfo_t *info, void *ucontext)
{
	char local;
	char line[128];
	int n;

	(void)ucontext;
	n = snprintf(line, sizeof(line),
		     "  %s %s in the handler, on the alternate stack %s\n",
		     scn_sig(sig), scn_si_code(sig, info->si_code),
		     on_alt_stack(&local) ? "yes" : "no");
	scn_write_full(1, line, (size_t)n);
	_exit(3);
}

/* Deep enough for any stack limit: it overflows long before depth 0. */
static int recurse(unsigned long depth, volatile char *prev)
{
	volatile char frame[1024];

	frame[0] = prev != NULL ? prev[0] + 1 : 0;
	if (depth == 0)
		return frame[0];
	return recurse(depth - 1, frame) + frame[1];
}

/* A child overflows its stack, with and without a SIGSEGV handler. */
static void case_overflow(bool with_handler)
{
	pid_t child;

	scn_say("== stack overflow, %s ==",
		with_handler ? "handler on the alternate stack" : "no handler");
	child = scn_fork();
	if (child == 0) {
		struct rlimit rl = { 256 * 1024, 256 * 1024 };
		stack_t ss = { .ss_sp = alt_stack, .ss_size = ALT_SIZE };

		prctl(PR_SET_DUMPABLE, 0);
		setrlimit(RLIMIT_STACK, &rl);
		if (with_handler) {
			scn_check(sigaltstack(&ss, NULL) == 0);
			scn_handle(SIGSEGV, on_segv, SA_ONSTACK);
		}
		_exit(recurse(1UL << 40, NULL));
	}
	scn_wait_and_say(child, "  child");
}

int main(void)
{
	scn_start(20);
	case_handlers(0);
	case_handlers(SS_AUTODISARM);
	case_errors();
	case_overflow(true);
	case_overflow(false);
	return 0;
}
