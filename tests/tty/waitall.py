#!/usr/bin/env python3
"""Signals to `ptvisor --wait-all` after its first guest has exited.

With --wait-all, ptvisor outlives its first guest until every guest has
ended. Meanwhile it must still answer SIGTERM, SIGINT and SIGHUP sent with
kill(2) (a service manager stopping it, `timeout`, a user): whether it
passes them on to the guests that are left or ends and takes them along
(PTRACE_O_EXITKILL), it must end, with no guest left. (SIGINT is left
out: sh starts its background sleep with SIGINT ignored, so passing it on
would rightly change nothing.) There is no native
counterpart (no supervisor), so this file runs under ptvisor only; with
--native its tests pass without running.
"""

import os
import signal

from ptydrive import run_tests


def after_first_exit(sig):
    def test(ctx):
        if ctx.native:
            return
        # ptvisor leads the terminal's session, so sh leads one of its own
        # and its exit hangs the terminal up for its group: the orphan
        # ignores SIGHUP, as nohup would make it.
        sess = ctx.spawn([ctx.ptvisor, '--wait-all', '--', 'sh', '-c',
                          'trap "" HUP; sleep 100 & echo "start""ed"'],
                         name='ptvisor')
        sess.expect(r'started\r\n', what='the first guest starting sleep')
        # The first guest (sh) is gone; its orphaned sleep is left.
        sess.wait_until(lambda: sorted(p.comm for p in sess.processes(
            include_zombies=True)) == ['ptvisor', 'sleep'],
            'only ptvisor and the orphaned sleep are left')
        os.kill(sess.pid, sig)
        sess.wait_exit(timeout=10)
        sess.assert_nothing_left()
    test.__doc__ = (f'kill({sig.name}) to ptvisor --wait-all after the '
                    'first guest exited: ptvisor ends, no guest is left.')
    return test


if __name__ == '__main__':
    run_tests([('term-after-first-exit', after_first_exit(signal.SIGTERM)),
               ('hup-after-first-exit', after_first_exit(signal.SIGHUP))],
              __doc__)
