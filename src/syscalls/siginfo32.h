/* siginfo_t in the i386 layout (struct compat_siginfo): siginfo32.c. */
#ifndef PTV_SYSCALLS_SIGINFO32_H
#define PTV_SYSCALLS_SIGINFO32_H

#include <stdbool.h>
#include <stddef.h>

#define PTV_SIGINFO32_SIZE 128

/* x86_64's siginfo_t @from as the i386 caller sees it (128 bytes at @to). */
void ptv_siginfo_to32(const void *from, void *to);
/* The i386 caller's 128 bytes @from as x86_64's siginfo_t @to. */
void ptv_siginfo_from32(const void *from, void *to);

#endif
