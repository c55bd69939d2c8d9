/*
 * Invariant checks that stay on in release builds (the kernel's WARN_ON and
 * BUG_ON). A broken invariant in the supervisor is a bug: it says where and
 * what, then aborts, and PTRACE_O_EXITKILL takes the guests down with it, so
 * no guest is left stopped forever.
 */
#ifndef PTV_KERNEL_CHECK_H
#define PTV_KERNEL_CHECK_H

__attribute__((noreturn, format(printf, 4, 5)))
void ptv_check_failed(const char *file, int line, const char *cond,
		      const char *fmt, ...);

/* PTV_CHECK(cond, fmt, ...): abort with the task and state in the message. */
#define PTV_CHECK(cond, ...)                                                  \
	do {                                                                  \
		if (__builtin_expect(!(cond), 0))                             \
			ptv_check_failed(__FILE__, __LINE__, #cond,           \
					 __VA_ARGS__);                        \
	} while (0)

#endif
