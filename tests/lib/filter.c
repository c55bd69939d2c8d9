#include "filter.h"

#include <errno.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

long scn_install_filter(const struct scn_rule *rules, size_t nrules,
			unsigned int flags)
{
	/* Per rule: load arch, compare, load nr, compare, return. */
	struct sock_filter prog[5 * SCN_MAX_RULES + 1];
	struct sock_fprog fprog = { .filter = prog };
	size_t n = 0;

	if (nrules > SCN_MAX_RULES) {
		errno = E2BIG;
		return -1;
	}
	for (size_t i = 0; i < nrules; i++) {
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, arch));
		prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
			rules[i].arch, 0, 3);
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, nr));
		prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
			rules[i].nr, 0, 1);
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
			rules[i].action);
	}
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	fprog.len = (unsigned short)n;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
}

const char *scn_arch_name(uint32_t arch)
{
	static char buf[24];

	switch (arch) {
	case AUDIT_ARCH_X86_64:
		return "AUDIT_ARCH_X86_64";
	case AUDIT_ARCH_I386:
		return "AUDIT_ARCH_I386";
	}
	snprintf(buf, sizeof(buf), "%#x", arch);
	return buf;
}
