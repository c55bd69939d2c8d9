/*
 * src/syscalls/siginfo32.c: siginfo_t to and from the i386 layout
 * (struct compat_siginfo), by kernel/signal.c:siginfo_layout().
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "syscalls/siginfo32.h"

static uint32_t word32(const unsigned char *si32, unsigned off)
{
	uint32_t v;

	memcpy(&v, si32 + off, sizeof(v));
	return v;
}

static void kill_layout_moves_pid_and_uid(void **state)
{
	unsigned char si32[PTV_SIGINFO32_SIZE];
	siginfo_t si, back;

	(void)state;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGTERM;
	si.si_code = SI_USER;
	si.si_pid = 1234;
	si.si_uid = 1000;
	ptv_siginfo_to32(&si, si32);
	assert_int_equal(word32(si32, 0), SIGTERM);
	assert_int_equal(word32(si32, 8), SI_USER);
	assert_int_equal(word32(si32, 12), 1234);
	assert_int_equal(word32(si32, 16), 1000);
	ptv_siginfo_from32(si32, &back);
	assert_memory_equal(&si, &back, sizeof(si));
}

static void chld_clock_grows_by_sign(void **state)
{
	unsigned char si32[PTV_SIGINFO32_SIZE];
	siginfo_t si;
	int32_t minus_one = -1, five = 5;

	(void)state;
	memset(si32, 0, sizeof(si32));
	si32[0] = SIGCHLD;
	si32[8] = CLD_EXITED;
	memcpy(si32 + 24, &minus_one, 4);
	memcpy(si32 + 28, &five, 4);
	ptv_siginfo_from32(si32, &si);
	assert_int_equal(si.si_code, CLD_EXITED);
	assert_int_equal(si.si_utime, -1);
	assert_int_equal(si.si_stime, 5);
}

static void fault_address_grows_by_zeros(void **state)
{
	unsigned char si32[PTV_SIGINFO32_SIZE];
	siginfo_t si;
	uint32_t addr = 0xdeadbeef;

	(void)state;
	memset(si32, 0, sizeof(si32));
	si32[0] = SIGSEGV;
	si32[8] = SEGV_MAPERR;
	memcpy(si32 + 12, &addr, 4);
	ptv_siginfo_from32(si32, &si);
	assert_ptr_equal(si.si_addr, (void *)0xdeadbeefUL);
}

/* A signal without codes of its own and 0 < code <= 6: SIL_POLL (band). */
static void other_small_code_is_poll(void **state)
{
	unsigned char si32[PTV_SIGINFO32_SIZE];
	siginfo_t si;

	(void)state;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGUSR1;
	si.si_code = 2;
	si.si_band = -2;
	si.si_fd = 9;
	ptv_siginfo_to32(&si, si32);
	assert_int_equal((int32_t)word32(si32, 12), -2);
	assert_int_equal(word32(si32, 16), 9);
}

/* The queue's sigval: SIL_RT keeps only its int. */
static void rt_keeps_the_int_of_sigval(void **state)
{
	unsigned char si32[PTV_SIGINFO32_SIZE];
	siginfo_t si;

	(void)state;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGRTMIN;
	si.si_code = SI_QUEUE;
	si.si_pid = 1;
	si.si_value.sival_ptr = (void *)0x1122334455667788UL;
	ptv_siginfo_to32(&si, si32);
	assert_int_equal(word32(si32, 20), 0x55667788);
	assert_int_equal(word32(si32, 24), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kill_layout_moves_pid_and_uid),
		cmocka_unit_test(chld_clock_grows_by_sign),
		cmocka_unit_test(fault_address_grows_by_zeros),
		cmocka_unit_test(other_small_code_is_poll),
		cmocka_unit_test(rt_keeps_the_int_of_sigval),
	};

	return cmocka_run_group_tests_name("siginfo32", tests, NULL, NULL);
}
