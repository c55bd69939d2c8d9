#!/usr/bin/env python3
"""How ptvisor ends when its first guest is killed by a signal (issue #2).

A shell tells "the child was killed by SIGINT" (WIFSIGNALED) from "the child
exited 130" (WIFEXITED): $? is 130 both ways, but bash behaves differently.
A non-interactive bash waiting for a foreground child when Ctrl-C is typed
stops the script only if the child died of SIGINT; a child that exits
(even with 130) is taken to have handled SIGINT, and the script goes on
(bash jobs.c, waitchld: child_caught_sigint). An interactive bash reports
a job killed by SIGTERM as "Terminated", one that exited 143 as "Exit 143".
So for Ctrl-C in `bash -c 'ptvisor -- sleep 100; echo after'` to stop the
script as it does natively, ptvisor must end the way its first guest did:
killed by the same signal (as GNU timeout and env do), not exit(128+sig).
"""

import os
import re
import signal

from ptydrive import BASH, run_tests, start_shell


def test_raw_status(ctx):
    """The wait status of `[ptvisor --] sleep 100` killed by Ctrl-C:
    WIFSIGNALED, WTERMSIG == SIGINT."""
    sess = ctx.spawn(ctx.wrapped(['sleep', '100']), name='sleep')
    sess.wait_foreground('sleep')
    sess.send('\x03')
    sess.wait_exit()
    sess.assert_nothing_left()
    if not (os.WIFSIGNALED(sess.status) and
            os.WTERMSIG(sess.status) == signal.SIGINT):
        how = (f'exited {os.WEXITSTATUS(sess.status)}'
               if os.WIFEXITED(sess.status) else f'status {sess.status:#x}')
        sess.fail(f'{how}; expected: killed by SIGINT')


def test_script_ctrl_c(ctx):
    """Ctrl-C during `bash -c '[ptvisor --] sleep 100; echo after-$?'`
    ends the script: no "after", bash killed by SIGINT (130)."""
    script = (ctx.wrapped_shell_words(['sleep', '100']) +
              '; echo "after""-$?"')
    sess = ctx.spawn(['bash', '-c', script], name='bash-script')
    sess.wait_foreground('sleep')
    sess.send('\x03')
    status = sess.wait_exit()
    sess.assert_nothing_left()
    if status != 130 or 'after-' in sess.text():
        sess.fail(f'the script went on after Ctrl-C (status {status}, '
                  'expected 130 with no "after-" line)')


def test_job_terminated(ctx):
    """An outer bash reports `[ptvisor --] sleep 100 &` ended by kill %1
    as "Terminated"."""
    sh = start_shell(ctx, BASH, 'outer-bash')
    command = ctx.wrapped_shell_words(['sleep', '100'])
    sh.command(command + ' &')
    sleeper = sh.wait_until(lambda: sh.find('sleep', 'S'), 'sleep runs')
    start = sh.pos
    out = sh.command('kill %1; wait %1; echo "st=$?"')
    if not re.search(r'\bst=143\b', out):
        sh.fail(f'wait %1 does not give 143: {out!r}')
    sh.wait_until(lambda: not [p for p in sh.processes(include_zombies=True)
                               if p.pgrp == sleeper.pgrp],
                  'the job is reaped')
    sh.sync_shell()
    m = re.search(r'\[1\]\+\s+(\S.*?)\s{2,}.*sleep 100', sh.text(start))
    report = m.group(1) if m else None
    if report != 'Terminated':
        sh.fail(f'bash reports the job as {report!r}, expected '
                "'Terminated'")
    sh.send('exit 0\n')
    sh.expect_exit(0)
    sh.assert_nothing_left()


if __name__ == '__main__':
    run_tests([('raw-status', test_raw_status),
               ('script-ctrl-c', test_script_ctrl_c),
               ('job-terminated', test_job_terminated)], __doc__)
