/*
 * siginfo_t in the i386 layout (struct compat_siginfo), for the ptrace
 * requests of an i386 caller: kernel/signal.c:copy_siginfo_to_external32()
 * and post_copy_siginfo_from_user32(), by siginfo_layout(). Both layouts
 * are 128 bytes: signo, errno and code, then the union of fields, at 16 in
 * x86_64's (8-byte aligned) and at 12 in i386's; pointers, longs and
 * clock_t are 32 bits there.
 */
#include "siginfo32.h"

#include <signal.h>
#include <string.h>

enum layout {
	SIL_KILL, SIL_TIMER, SIL_POLL, SIL_FAULT, SIL_FAULT_MCEERR,
	SIL_FAULT_BNDERR, SIL_FAULT_PKUERR, SIL_FAULT_PERF_EVENT, SIL_CHLD,
	SIL_RT, SIL_SYS,
};

/* kernel/signal.c:siginfo_layout() for x86. */
static enum layout layout_of(int sig, int code)
{
	/* sig_sicodes[]: the last si_code each signal's own codes reach. */
	static const struct { int sig, limit; enum layout layout; } own[] = {
		{ SIGILL, 11, SIL_FAULT }, { SIGFPE, 15, SIL_FAULT },
		{ SIGSEGV, 10, SIL_FAULT }, { SIGBUS, 5, SIL_FAULT },
		{ SIGTRAP, 6, SIL_FAULT }, { SIGCHLD, 6, SIL_CHLD },
		{ SIGIO, 6, SIL_POLL }, { SIGSYS, 2, SIL_SYS },
	};

	if (code > SI_USER && code < SI_KERNEL) {
		for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
			if (own[i].sig != sig || code > own[i].limit)
				continue;
			if (sig == SIGBUS && (code == 4 || code == 5))
				return SIL_FAULT_MCEERR;	/* BUS_MCEERR_A[RO] */
			if (sig == SIGSEGV && code == 3)
				return SIL_FAULT_BNDERR;	/* SEGV_BNDERR */
			if (sig == SIGSEGV && code == 4)
				return SIL_FAULT_PKUERR;	/* SEGV_PKUERR */
			if (sig == SIGTRAP && code == 6)
				return SIL_FAULT_PERF_EVENT;	/* TRAP_PERF */
			return own[i].layout;
		}
		return code <= 6 ? SIL_POLL : SIL_KILL;	/* NSIGPOLL */
	}
	if (code == SI_TIMER)
		return SIL_TIMER;
	if (code == SI_SIGIO)
		return SIL_POLL;
	return code < 0 ? SIL_RT : SIL_KILL;
}

/*
 * A field: its offset in x86_64's layout and in i386's, and its size in
 * each (4 or 8 in x86_64's; 2 or 4 in i386's). A value grows by sign
 * extension (@sign: int, long, clock_t) or by zero extension (pointers).
 */
struct field {
	unsigned char off64, off32, size64, size32;
	bool sign;
};

#define INT(o64, o32) { o64, o32, 4, 4, false }
#define LONG(o64, o32) { o64, o32, 8, 4, true }
#define PTR(o64, o32) { o64, o32, 8, 4, false }
#define SHORT(o64, o32) { o64, o32, 2, 2, false }

/* The fields of each layout after signo, errno and code. */
static const struct field fields[][5] = {
	[SIL_KILL] = { INT(16, 12), INT(20, 16) },
	[SIL_TIMER] = { INT(16, 12), INT(20, 16), INT(24, 20) },
	[SIL_POLL] = { LONG(16, 12), INT(24, 16) },
	[SIL_FAULT] = { PTR(16, 12) },
	[SIL_FAULT_MCEERR] = { PTR(16, 12), SHORT(24, 16) },
	[SIL_FAULT_BNDERR] = { PTR(16, 12), PTR(32, 20), PTR(40, 24) },
	[SIL_FAULT_PKUERR] = { PTR(16, 12), INT(32, 20) },
	[SIL_FAULT_PERF_EVENT] = { PTR(16, 12), PTR(24, 16), INT(32, 20),
				   INT(36, 24) },
	[SIL_CHLD] = { INT(16, 12), INT(20, 16), INT(24, 20), LONG(32, 24),
		       LONG(40, 28) },
	[SIL_RT] = { INT(16, 12), INT(20, 16), INT(24, 20) },
	[SIL_SYS] = { PTR(16, 12), INT(24, 16), INT(28, 20) },
};

#define NFIELDS (sizeof(fields[0]) / sizeof(fields[0][0]))

static int header_field(const unsigned char *buf, size_t i)
{
	int v;

	memcpy(&v, buf + 4 * i, sizeof(v));
	return v;
}

void ptv_siginfo_to32(const void *from, void *to)
{
	const unsigned char *in = from;
	unsigned char *out = to;
	enum layout l = layout_of(header_field(in, 0), header_field(in, 2));

	memset(out, 0, PTV_SIGINFO32_SIZE);
	memcpy(out, in, 12);	/* signo, errno, code */
	for (size_t i = 0; i < NFIELDS && fields[l][i].size64; i++) {
		const struct field *f = &fields[l][i];

		/* Little-endian: the low bytes come first. */
		memcpy(out + f->off32, in + f->off64, f->size32);
	}
}

void ptv_siginfo_from32(const void *from, void *to)
{
	const unsigned char *in = from;
	unsigned char *out = to;
	enum layout l = layout_of(header_field(in, 0), header_field(in, 2));

	memset(out, 0, sizeof(siginfo_t));
	memcpy(out, in, 12);
	for (size_t i = 0; i < NFIELDS && fields[l][i].size64; i++) {
		const struct field *f = &fields[l][i];

		memcpy(out + f->off64, in + f->off32, f->size32);
		if (f->sign && (in[f->off32 + f->size32 - 1] & 0x80))
			memset(out + f->off64 + f->size32, 0xff,
			       f->size64 - f->size32);
	}
}
