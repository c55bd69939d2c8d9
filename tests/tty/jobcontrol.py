#!/usr/bin/env python3
"""Job control of an interactive shell running inside ptvisor (issue #2).

`ptvisor -- bash -i` runs in a fresh pseudo-terminal session; the shell must
keep full job control: Ctrl-C ends the foreground job (not ptvisor, not the
shell), Ctrl-Z stops it, `jobs`, `fg`, `bg` and `kill %1` work, and `exit 5`
makes ptvisor exit 5. With --native the same steps run on a bare bash, which
proves the expectations.
"""

import re

from ptydrive import BASH, proc_info, run_tests, start_shell


def shell_inside(ctx):
    return start_shell(ctx, ctx.wrapped(BASH), f'bash-in-{ctx.mode}')


def check_supervisor_alive(ctx, sh):
    """Under ptvisor the session leader is the supervisor: still there?"""
    if ctx.native:
        return
    info = proc_info(sh.pid)
    if info is None or info.state in 'ZX' or info.comm != 'ptvisor':
        sh.fail(f'ptvisor (pid {sh.pid}) is gone: {info}')


def check_status(sh, expected):
    out = sh.command('echo "st=$?"')
    m = re.search(r'\bst=(\d+)', out)
    if not m or int(m.group(1)) != expected:
        sh.fail(f'$? is {m.group(1) if m else "missing"}, expected {expected}')


def check_no_jobs(sh):
    out = sh.command('jobs')
    listed = out.split('\n', 1)[1] if '\n' in out else ''
    if re.search(r'\[\d+\]', listed):
        sh.fail(f'jobs still lists a job: {listed!r}')


def exit_shell(ctx, sh):
    sh.send('exit 5\n')
    sh.expect_exit(5)
    sh.assert_nothing_left()


def test_ctrl_c(ctx):
    """Ctrl-C ends the foreground `sleep 100`; the shell answers after it."""
    sh = shell_inside(ctx)
    sh.send('sleep 100\n')
    sleeper = sh.wait_foreground('sleep')
    sh.send('\x03')
    sh.expect_prompt()
    sh.wait_until(lambda: proc_info(sleeper.pid) is None or
                  proc_info(sleeper.pid).state in 'ZX',
                  f'sleep {sleeper.pid} is dead')
    check_status(sh, 130)
    check_supervisor_alive(ctx, sh)
    out = sh.command('echo al""ive')
    if not re.search(r'\balive\r?\n', out):
        sh.fail('the shell does not answer `echo alive` after Ctrl-C')
    # A second round: the terminal is still the shell's to hand out.
    sh.send('sleep 100\n')
    sh.wait_foreground('sleep')
    sh.send('\x03')
    sh.expect_prompt()
    check_status(sh, 130)
    exit_shell(ctx, sh)


def test_ctrl_z_fg(ctx):
    """Ctrl-Z stops a foreground `cat`; jobs shows it Stopped; fg resumes
    it (it copies a line again); Ctrl-C ends it."""
    sh = shell_inside(ctx)
    sh.send('cat\n')
    cat = sh.wait_foreground('cat')
    sh.send('line-1\n')
    sh.expect(r'line-1\r\n', what='the echo of line-1')
    sh.expect(r'line-1\r\n', what='cat copying line-1')
    sh.send('\x1a')
    sh.expect(r'\[1\]\+\s+Stopped\s+cat\r\n', what='"[1]+ Stopped cat"')
    sh.expect_prompt()
    # Natively T (stopped); under ptvisor t (held in a ptrace group-stop).
    sh.wait_state(cat.pid, 'Tt')
    if sh.foreground_pgrp() == cat.pgrp:
        sh.fail('the stopped job still owns the terminal')
    out = sh.command('jobs')
    if not re.search(r'\[1\]\+\s+Stopped\s+cat\r\n', out):
        sh.fail(f'jobs does not show cat Stopped: {out!r}')
    sh.send('fg\n')
    sh.expect(r'\ncat\r\n', what='fg naming the job')
    resumed = sh.wait_foreground('cat')
    if resumed.pid != cat.pid:
        sh.fail(f'fg runs {resumed}, not the stopped cat {cat.pid}')
    sh.send('line-2\n')
    sh.expect(r'line-2\r\n', what='the echo of line-2')
    sh.expect(r'line-2\r\n', what='the resumed cat copying line-2')
    sh.send('\x03')
    sh.expect_prompt()
    check_status(sh, 130)
    check_no_jobs(sh)
    check_supervisor_alive(ctx, sh)
    exit_shell(ctx, sh)


def test_bg_kill(ctx):
    """Ctrl-Z stops `sleep 100`; bg resumes it in the background; kill %1
    ends it (wait reports 143)."""
    sh = shell_inside(ctx)
    sh.send('sleep 100\n')
    sleeper = sh.wait_foreground('sleep')
    sh.send('\x1a')
    sh.expect(r'\[1\]\+\s+Stopped\s+sleep 100\r\n',
              what='"[1]+ Stopped sleep 100"')
    sh.expect_prompt()
    sh.wait_state(sleeper.pid, 'Tt')
    out = sh.command('bg')
    if not re.search(r'\[1\]\+ sleep 100 &', out):
        sh.fail(f'bg does not name the job: {out!r}')
    sh.wait_state(sleeper.pid, 'S')
    if sh.foreground_pgrp() == sleeper.pgrp:
        sh.fail('the background job owns the terminal')
    out = sh.command('jobs')
    if not re.search(r'\[1\]\+\s+Running\s+sleep 100 &', out):
        sh.fail(f'jobs does not show sleep Running: {out!r}')
    out = sh.command('kill %1; wait %1; echo "st=$?"')
    if not re.search(r'\bst=143\b', out):
        sh.fail(f'kill %1; wait %1 does not give 143: {out!r}')
    check_no_jobs(sh)
    check_supervisor_alive(ctx, sh)
    exit_shell(ctx, sh)


def test_exit_status(ctx):
    """A bare `exit 5` right away: ptvisor's status is the shell's."""
    sh = shell_inside(ctx)
    exit_shell(ctx, sh)


if __name__ == '__main__':
    run_tests([('ctrl-c', test_ctrl_c), ('ctrl-z-fg', test_ctrl_z_fg),
               ('bg-kill', test_bg_kill), ('exit-status', test_exit_status)],
              __doc__)
