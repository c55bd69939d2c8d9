/*
 * The supervisor's own signals. ptvisor must not die of a signal meant for
 * the program it runs: SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2 and
 * SIGALRM sent to ptvisor are forwarded to the first guest, once: not when
 * the guest got its own copy (a terminal's Ctrl-C or Ctrl-\ for the whole
 * foreground process group, si_code SI_KERNEL; a kill(2) of ptvisor's
 * process group). A hangup's SIGHUP, which only the session leader gets, is
 * forwarded when ptvisor leads the session. SIGTSTP, SIGTTIN and SIGTTOU
 * keep their default action, so a shell's job control sees ptvisor stop with
 * its foreground job.
 */
#ifndef PTV_PLATFORM_SIGNALS_H
#define PTV_PLATFORM_SIGNALS_H

#include <sys/types.h>

/* Installs the forwarding handlers, saving what they replace. */
int ptv_signals_init(void);

/* Where forwarded signals go from now on (0: nowhere yet). */
void ptv_signals_forward_to(pid_t pid);

/*
 * The first guest is gone but others are waited for (--wait-all): the
 * forwarded signals get their default action back, so they end ptvisor, and
 * PTRACE_O_EXITKILL the remaining guests.
 */
void ptv_signals_stop_forwarding(void);

/* Dies of @sig, as the first guest did, without a core of its own. */
void ptv_signals_die_of(int sig);

/*
 * Puts back the signal dispositions and mask ptvisor was started with.
 * Preconditions: in the first guest, after fork, before exec;
 * async-signal-safe.
 */
void ptv_signals_restore(void);

#endif
