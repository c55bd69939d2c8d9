/* Unit tests of the seccomp BPF interpreter (src/kernel/bpf.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel/bpf.h"

#define STMT(code, k) { (uint16_t)(code), 0, 0, (uint32_t)(k) }
#define JUMP(code, k, jt, jf) { (uint16_t)(code), (jt), (jf), (uint32_t)(k) }

/* linux/filter.h, linux/seccomp.h */
#define LD_W_ABS 0x20
#define JEQ_K 0x15
#define JSET_K 0x45
#define RET_K 0x06
#define RET_A 0x16
#define ALU_AND_K 0x54
#define ST 0x02
#define LDX_MEM 0x61
#define MISC_TXA 0x87
#define ALU_DIV_X 0x3c
#define RET_ALLOW 0x7fff0000u
#define RET_TRACE(d) (0x7ff00000u | (d))
#define RET_ERRNO(e) (0x00050000u | (e))
#define AUDIT_ARCH_X86_64 0xc000003eu

static const struct ptv_seccomp_data getppid_call = {
	.nr = 110, .arch = AUDIT_ARCH_X86_64, .args = { 0, 0x800000 },
};

/* The shape libseccomp and hand-written filters use: arch, then nr. */
static void arch_then_nr(void **state)
{
	const struct ptv_bpf_insn prog[] = {
		STMT(LD_W_ABS, 4),
		JUMP(JEQ_K, AUDIT_ARCH_X86_64, 1, 0),
		STMT(RET_K, 0),
		STMT(LD_W_ABS, 0),
		JUMP(JEQ_K, 110, 0, 1),
		STMT(RET_K, RET_TRACE(0x7e50)),
		STMT(RET_K, RET_ALLOW),
	};
	struct ptv_seccomp_data other = getppid_call;

	(void)state;
	assert_int_equal(ptv_bpf_run(prog, 7, &getppid_call), RET_TRACE(0x7e50));
	other.nr = 39;
	assert_int_equal(ptv_bpf_run(prog, 7, &other), RET_ALLOW);
	other.arch = 0x40000003; /* i386 */
	assert_int_equal(ptv_bpf_run(prog, 7, &other), 0);
}

/* Arguments (low word of args[1] at offset 24), JSET, scratch memory, A. */
static void args_memory_and_ret_a(void **state)
{
	const struct ptv_bpf_insn prog[] = {
		STMT(LD_W_ABS, 24),
		JUMP(JSET_K, 0x800000, 0, 3),
		STMT(ALU_AND_K, 0x0),
		STMT(ST, 3),
		STMT(RET_K, RET_ERRNO(1)),
		STMT(LDX_MEM, 3),
		STMT(MISC_TXA, 0),
		STMT(RET_A, 0),
	};
	struct ptv_seccomp_data other = getppid_call;

	(void)state;
	assert_int_equal(ptv_bpf_run(prog, 8, &getppid_call), RET_ERRNO(1));
	other.args[1] = 0;
	/* mem[3] was never written: 0, the kill action. */
	assert_int_equal(ptv_bpf_run(prog, 8, &other), 0);
}

/* What the kernel would refuse kills: out-of-range loads, falling off the end. */
static void malformed_programs_kill(void **state)
{
	const struct ptv_bpf_insn bad_load[] = { STMT(LD_W_ABS, 64), STMT(RET_K, RET_ALLOW) };
	const struct ptv_bpf_insn no_ret[] = { STMT(LD_W_ABS, 0) };
	const struct ptv_bpf_insn div_zero[] = { STMT(ALU_DIV_X, 0), STMT(RET_K, RET_ALLOW) };

	(void)state;
	assert_int_equal(ptv_bpf_run(bad_load, 2, &getppid_call), 0);
	assert_int_equal(ptv_bpf_run(no_ret, 1, &getppid_call), 0);
	assert_int_equal(ptv_bpf_run(div_zero, 2, &getppid_call), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arch_then_nr),
		cmocka_unit_test(args_memory_and_ret_a),
		cmocka_unit_test(malformed_programs_kill),
	};

	return cmocka_run_group_tests_name("seccomp bpf", tests, NULL, NULL);
}
