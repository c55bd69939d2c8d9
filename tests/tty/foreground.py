#!/usr/bin/env python3
"""A program run as `ptvisor -- prog` directly in a terminal's foreground,
with no job-control shell in between (issue #2).

The terminal's signals go to the whole foreground process group: ptvisor
and its first guest. So Ctrl-C must kill an unsuspecting guest (ptvisor
exits 130, as a shell reports a native run), and a guest that handles
SIGINT must see exactly one SIGINT per Ctrl-C, sent by the terminal
(si_code SI_KERNEL): ptvisor must not forward a second copy. With --native
the same steps run on the bare program.
"""

import signal

from ptydrive import (deliver_with_supervisor_held, run_tests,
                      start_reporter, sync_reporter, wait_supervisor_idle)


def test_ctrl_c_kills(ctx):
    """Ctrl-C on `sleep 100`: killed by SIGINT, status 130."""
    sess = ctx.spawn(ctx.wrapped(['sleep', '100']), name='sleep')
    sess.wait_foreground('sleep')
    sess.send('\x03')
    sess.expect_exit(130)
    sess.assert_nothing_left()


def test_ctrl_backslash_kills(ctx):
    """Ctrl-\\ on `sleep 100`: killed by SIGQUIT, status 131."""
    sess = ctx.spawn(ctx.wrapped(['sleep', '100']), name='sleep')
    sess.wait_foreground('sleep')
    sess.send('\x1c')
    sess.expect_exit(131)
    sess.assert_nothing_left()


def test_ctrl_c_counted(ctx):
    """A guest catching SIGINT sees one SIGINT from the terminal per
    Ctrl-C; then exits with its own status."""
    sess, _ = start_reporter(ctx, ['INT'], in_shell=True)
    for n in range(1, 4):
        sess.send('\x03')
        sess.expect(rf'caught SIGINT #{n} code=SI_KERNEL from=none\r\n',
                    what=f'SIGINT #{n} from the terminal')
        if not ctx.native:
            wait_supervisor_idle(sess, signal.SIGINT)
        sync_reporter(sess, n, n)
    sess.send('exit 7\n')
    sess.expect_exit(7)
    sess.assert_nothing_left()


def test_ctrl_c_once_supervisor_stopped(ctx):
    """The Ctrl-C double-delivery check without a race: had ptvisor
    forwarded the terminal's SIGINT, the copy could merge with the pending
    original; so ptvisor is held stopped until the guest has taken the
    terminal's SIGINT (see deliver_with_supervisor_held)."""
    sess, guest = start_reporter(ctx, ['INT'], in_shell=True)
    deliver_with_supervisor_held(ctx, sess, guest, signal.SIGINT,
                                 lambda: sess.send('\x03'))
    sess.expect(r'caught SIGINT #1 code=SI_KERNEL from=none\r\n',
                what='SIGINT #1 from the terminal')
    if not ctx.native:
        wait_supervisor_idle(sess, signal.SIGINT)
    sync_reporter(sess, 1, 1)
    sess.send('exit 0\n')
    sess.expect_exit(0)
    sess.assert_nothing_left()


def test_ctrl_c_uncaught_reporter(ctx):
    """The same guest catching only SIGTERM: Ctrl-C kills it (130)."""
    sess, _ = start_reporter(ctx, ['TERM'])
    sess.send('\x03')
    sess.expect_exit(130)
    sess.assert_nothing_left()


if __name__ == '__main__':
    run_tests([('ctrl-c-kills', test_ctrl_c_kills),
               ('ctrl-backslash-kills', test_ctrl_backslash_kills),
               ('ctrl-c-counted', test_ctrl_c_counted),
               ('ctrl-c-once-stopped', test_ctrl_c_once_supervisor_stopped),
               ('ctrl-c-uncaught', test_ctrl_c_uncaught_reporter)],
              __doc__)
