#!/usr/bin/env python3
"""Signals sent with kill(2) to the ptvisor process itself (issue #2).

ptvisor forwards SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2 and
SIGALRM that a process sends it to its first guest. A guest catching them
must get each exactly once, sent by its parent (ptvisor, as natively the
test driver is), and a guest that does not catch them is killed: ptvisor
exits 128 + signal. With --native the signals go to the program itself.
The pid signalled is the session leader: ptvisor, or natively the program.
"""

import os
import signal

from ptydrive import (run_tests, start_reporter, sync_reporter,
                      wait_supervisor_idle)

FORWARDED = ['HUP', 'INT', 'QUIT', 'TERM', 'USR1', 'USR2', 'ALRM']


def test_caught_once(ctx):
    """Each forwarded signal, sent one at a time, is caught exactly once;
    SIGINT, SIGTERM and SIGHUP a second time too."""
    sess, _ = start_reporter(ctx, FORWARDED)
    total = 0
    counts = {}
    for name in FORWARDED + ['INT', 'TERM', 'HUP']:
        counts[name] = counts.get(name, 0) + 1
        total += 1
        os.kill(sess.pid, getattr(signal, 'SIG' + name))
        sess.expect(rf'caught SIG{name} #{counts[name]} code=SI_USER '
                    r'from=parent\r\n',
                    what=f'SIG{name} #{counts[name]} sent by the parent')
        if not ctx.native:  # a second copy would be queued by now
            wait_supervisor_idle(sess, getattr(signal, 'SIG' + name))
        sync_reporter(sess, total, total)
    sess.send('exit 3\n')
    sess.expect_exit(3)
    sess.assert_nothing_left()


def uncaught(sig):
    def test(ctx):
        sess, _ = start_reporter(ctx, [])
        os.kill(sess.pid, sig)
        sess.expect_exit(128 + sig)
        sess.assert_nothing_left()
    test.__doc__ = f'An uncaught {sig.name} kills the guest: {128 + sig}.'
    return test


if __name__ == '__main__':
    run_tests([('caught-once', test_caught_once),
               ('uncaught-term', uncaught(signal.SIGTERM)),
               ('uncaught-int', uncaught(signal.SIGINT)),
               ('uncaught-hup', uncaught(signal.SIGHUP))],
              __doc__)
