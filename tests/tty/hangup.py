#!/usr/bin/env python3
"""Terminal hangup with ptvisor as the session leader (issue #2).

When a terminal goes away (its emulator closes the master side), the kernel
sends SIGHUP to the session leader only (drivers/tty/tty_jobctrl.c:
tty_signal_session_leader, with si_code SI_KERNEL), not to the foreground
process group. Natively the program that leads the session gets it: `sleep`
dies (129), an interactive bash passes SIGHUP on to its jobs and then dies
of it (129). Under `ptvisor -- prog` as the session leader, the first guest
takes the terminal into a session of its own (TIOCSCTTY, with
CAP_SYS_ADMIN) and gets the SIGHUP as a traced process; without the
capability ptvisor keeps the session, gets the SIGHUP and must hand it to
its first guest although its si_code is SI_KERNEL. The driver hangs the
terminal up with TIOCVHANGUP before it closes the master (ptydrive.py,
hangup(), says why).
"""

import os
import tempfile

from ptydrive import BASH, run_tests, start_shell


def test_leader_hangup(ctx):
    """`sleep 100` leading the session: hangup kills it (129)."""
    sess = ctx.spawn(ctx.wrapped(['sleep', '100']), name='sleep')
    sess.wait_foreground('sleep')
    sess.hangup()
    sess.expect_exit(129, timeout=10)
    sess.assert_nothing_left()


def test_shell_hangup(ctx):
    """bash -i leading the session, with a background job that traps
    SIGHUP: hangup makes bash send SIGHUP to the job (the trap writes a
    file) and die of SIGHUP itself (129)."""
    with tempfile.TemporaryDirectory(prefix='ptv-tty-') as tmp:
        mark = os.path.join(tmp, 'hup')
        # The job outlives bash, as natively: ptvisor's default would kill
        # it when bash, its first guest, is gone.
        sh = start_shell(ctx, ctx.wrapped(BASH, ['--wait-all']),
                         f'bash-in-{ctx.mode}')
        sh.command(f'sh -c \'trap "echo got-hup > {mark}; exit 0" HUP; '
                   f'sleep 100 & wait\' &')
        sh.wait_until(lambda: sh.find('sleep', 'S'),
                      'the background job\'s sleep runs')
        sh.hangup()
        status = sh.wait_exit(timeout=10)
        sh.assert_nothing_left()
        try:
            with open(mark) as f:
                got = f.read().strip()
        except FileNotFoundError:
            got = None
        if status != 129 or got != 'got-hup':
            sh.fail(f'after the hangup: status {status} (expected 129), '
                    f'the job\'s SIGHUP trap '
                    f'{"ran" if got == "got-hup" else "did not run"} '
                    '(expected: it ran)')


if __name__ == '__main__':
    run_tests([('leader-hangup', test_leader_hangup),
               ('shell-hangup', test_shell_hangup)], __doc__)
