#include "bpf.h"

#include <string.h>

/* linux/bpf_common.h */
enum {
	BPF_LD = 0x00, BPF_LDX = 0x01, BPF_ST = 0x02, BPF_STX = 0x03,
	BPF_ALU = 0x04, BPF_JMP = 0x05, BPF_RET = 0x06, BPF_MISC = 0x07,
	BPF_W = 0x00, BPF_IMM = 0x00, BPF_ABS = 0x20, BPF_MEM = 0x60,
	BPF_LEN = 0x80,
	BPF_ADD = 0x00, BPF_SUB = 0x10, BPF_MUL = 0x20, BPF_DIV = 0x30,
	BPF_OR = 0x40, BPF_AND = 0x50, BPF_LSH = 0x60, BPF_RSH = 0x70,
	BPF_NEG = 0x80, BPF_MOD = 0x90, BPF_XOR = 0xa0,
	BPF_JA = 0x00, BPF_JEQ = 0x10, BPF_JGT = 0x20, BPF_JGE = 0x30,
	BPF_JSET = 0x40,
	BPF_K = 0x00, BPF_X = 0x08, BPF_A = 0x10,
	BPF_TAX = 0x00, BPF_TXA = 0x80,
	BPF_MEMWORDS = 16,
};

#define BPF_CLASS(code) ((code) & 0x07)
#define BPF_SIZE(code) ((code) & 0x18)
#define BPF_MODE(code) ((code) & 0xe0)
#define BPF_OP(code) ((code) & 0xf0)
#define BPF_SRC(code) ((code) & 0x08)
#define BPF_RVAL(code) ((code) & 0x18)
#define BPF_MISCOP(code) ((code) & 0xf8)

#define RET_KILL_THREAD 0u

static int alu(uint16_t code, uint32_t *a, uint32_t operand)
{
	switch (BPF_OP(code)) {
	case BPF_ADD: *a += operand; break;
	case BPF_SUB: *a -= operand; break;
	case BPF_MUL: *a *= operand; break;
	case BPF_DIV:
		if (operand == 0)
			return -1;
		*a /= operand;
		break;
	case BPF_MOD:
		if (operand == 0)
			return -1;
		*a %= operand;
		break;
	case BPF_OR: *a |= operand; break;
	case BPF_AND: *a &= operand; break;
	case BPF_XOR: *a ^= operand; break;
	case BPF_LSH: *a = operand < 32 ? *a << operand : 0; break;
	case BPF_RSH: *a = operand < 32 ? *a >> operand : 0; break;
	case BPF_NEG: *a = -*a; break;
	default: return -1;
	}
	return 0;
}

static int jump(uint16_t code, uint32_t a, uint32_t operand, int *taken)
{
	switch (BPF_OP(code)) {
	case BPF_JEQ: *taken = a == operand; break;
	case BPF_JGT: *taken = a > operand; break;
	case BPF_JGE: *taken = a >= operand; break;
	case BPF_JSET: *taken = (a & operand) != 0; break;
	default: return -1;
	}
	return 0;
}

uint32_t ptv_bpf_run(const struct ptv_bpf_insn *prog, size_t len,
		     const struct ptv_seccomp_data *data)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS];
	unsigned char raw[sizeof(*data)];

	memset(mem, 0, sizeof(mem));
	memcpy(raw, data, sizeof(raw));
	for (size_t pc = 0; pc < len; pc++) {
		const struct ptv_bpf_insn *in = &prog[pc];
		uint32_t operand = BPF_SRC(in->code) == BPF_X ? x : in->k;
		int taken;

		switch (BPF_CLASS(in->code)) {
		case BPF_LD:
		case BPF_LDX: {
			uint32_t v;

			if (BPF_MODE(in->code) == BPF_ABS && BPF_SIZE(in->code) == BPF_W &&
			    in->k % 4 == 0 && in->k + 4 <= sizeof(raw))
				memcpy(&v, raw + in->k, 4);
			else if (BPF_MODE(in->code) == BPF_LEN)
				v = sizeof(raw);
			else if (BPF_MODE(in->code) == BPF_IMM)
				v = in->k;
			else if (BPF_MODE(in->code) == BPF_MEM && in->k < BPF_MEMWORDS)
				v = mem[in->k];
			else
				return RET_KILL_THREAD;
			if (BPF_CLASS(in->code) == BPF_LD)
				a = v;
			else
				x = v;
			break;
		}
		case BPF_ST:
		case BPF_STX:
			if (in->k >= BPF_MEMWORDS)
				return RET_KILL_THREAD;
			mem[in->k] = BPF_CLASS(in->code) == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			if (alu(in->code, &a, operand) < 0)
				return RET_KILL_THREAD;
			break;
		case BPF_JMP:
			if (BPF_OP(in->code) == BPF_JA) {
				pc += in->k;
				break;
			}
			if (jump(in->code, a, operand, &taken) < 0)
				return RET_KILL_THREAD;
			pc += taken ? in->jt : in->jf;
			break;
		case BPF_RET:
			return BPF_RVAL(in->code) == BPF_A ? a : in->k;
		case BPF_MISC:
			if (BPF_MISCOP(in->code) == BPF_TAX)
				x = a;
			else if (BPF_MISCOP(in->code) == BPF_TXA)
				a = x;
			else
				return RET_KILL_THREAD;
			break;
		}
	}
	return RET_KILL_THREAD;
}
