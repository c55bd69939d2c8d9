#!/usr/bin/env python3
"""ptvisor as a job of a job-control shell outside it (issue #2).

An interactive bash (native) runs `ptvisor -- sleep 100` in the foreground.
Ctrl-Z stops the job: ptvisor keeps the default action of SIGTSTP and stops,
the shell reports it Stopped; `fg` resumes it (ptvisor and its guest run
again: the guest is not left stopped) and Ctrl-C ends it with status 130;
`bg` runs it in the background and `kill %1` ends it with 143. With
--native the job is a bare `sleep 100`.
"""

import re

from ptydrive import BASH, PROMPT, proc_info, run_tests, start_shell


def start_outer_shell(ctx):
    return start_shell(ctx, BASH, 'outer-bash')


def start_job(ctx, sh):
    """Runs the (wrapped) `sleep 100` in the foreground; returns the job's
    process group leader (ptvisor, or natively sleep) and the sleep."""
    command = ctx.wrapped_shell_words(['sleep', '100'])
    sh.send(command + '\n')
    sleeper = sh.wait_foreground('sleep')
    leader = proc_info(sleeper.pgrp)
    expected = 'sleep' if ctx.native else 'ptvisor'
    if leader is None or leader.comm != expected:
        sh.fail(f'the job\'s process group leader is {leader}, expected '
                f'{expected}')
    return leader, sleeper, command


def stop_job(sh, leader, sleeper):
    sh.send('\x1a')
    sh.expect(r'\[1\]\+\s+Stopped\s+.*sleep 100\r\n', what='the job Stopped')
    sh.expect_prompt()
    # ptvisor itself is stopped (T); its guest waits, natively stopped (T)
    # or held in a ptrace-stop (t).
    sh.wait_state(leader.pid, 'T')
    sh.wait_state(sleeper.pid, 'Tt')
    out = sh.command('jobs')
    if not re.search(r'\[1\]\+\s+Stopped\s+.*sleep 100\r\n', out):
        sh.fail(f'jobs does not show the job Stopped: {out!r}')


def check_job_running(sh, leader, sleeper, foreground):
    """The job and its guest run again (sleeping, not stopped)."""
    sh.wait_state(leader.pid, 'S')
    sh.wait_state(sleeper.pid, 'S')
    owns_tty = sh.foreground_pgrp() == leader.pgrp
    if owns_tty != foreground:
        sh.fail(f'the job {"does not own" if foreground else "owns"} the '
                'terminal')


def check_job_gone(sh, leader):
    """Every process of the job is dead and reaped (by the outer shell)."""
    sh.wait_until(lambda: not [p for p in sh.processes(include_zombies=True)
                               if p.pgrp == leader.pgrp],
                  f'no process of the job (process group {leader.pgrp}) '
                  'is left, not even a zombie')


def check_status(sh, command, expected):
    out = sh.command(command)
    m = re.search(r'\bst=(\d+)', out)
    if not m or int(m.group(1)) != expected:
        sh.fail(f'{command!r}: status {m.group(1) if m else "missing"}, '
                f'expected {expected}')


def check_no_jobs(sh):
    out = sh.command('jobs')
    listed = out.split('\n', 1)[1] if '\n' in out else ''
    if re.search(r'\[\d+\]', listed):
        sh.fail(f'jobs still lists a job: {listed!r}')


def exit_shell(sh):
    sh.send('exit 0\n')
    sh.expect_exit(0)
    sh.assert_nothing_left()


def test_stop_fg_interrupt(ctx):
    """Ctrl-Z, jobs, fg, Ctrl-C: 130."""
    sh = start_outer_shell(ctx)
    leader, sleeper, command = start_job(ctx, sh)
    stop_job(sh, leader, sleeper)
    sh.send('fg\n')
    sh.expect(r'\n' + re.escape(command) + r'\r\n', what='fg naming the job')
    check_job_running(sh, leader, sleeper, foreground=True)
    sh.send('\x03')
    sh.expect_prompt()
    check_status(sh, 'echo "st=$?"', 130)
    check_job_gone(sh, leader)
    exit_shell(sh)


def test_stop_twice(ctx):
    """Ctrl-Z and fg twice in a row, then Ctrl-C: 130."""
    sh = start_outer_shell(ctx)
    leader, sleeper, command = start_job(ctx, sh)
    for _ in range(2):
        stop_job(sh, leader, sleeper)
        sh.send('fg\n')
        sh.expect(r'\n' + re.escape(command) + r'\r\n',
                  what='fg naming the job')
        check_job_running(sh, leader, sleeper, foreground=True)
    sh.send('\x03')
    sh.expect_prompt()
    check_status(sh, 'echo "st=$?"', 130)
    check_job_gone(sh, leader)
    exit_shell(sh)


def test_stop_bg_kill(ctx):
    """Ctrl-Z, bg (the job runs in the background), kill %1: 143."""
    sh = start_outer_shell(ctx)
    leader, sleeper, _ = start_job(ctx, sh)
    stop_job(sh, leader, sleeper)
    out = sh.command('bg')
    if not re.search(r'\[1\]\+ .*sleep 100 &', out):
        sh.fail(f'bg does not name the job: {out!r}')
    check_job_running(sh, leader, sleeper, foreground=False)
    check_status(sh, 'kill %1; wait %1; echo "st=$?"', 143)
    check_job_gone(sh, leader)
    exit_shell(sh)


def test_stop_kill(ctx):
    """Ctrl-Z, then kill %1 while stopped (bash sends SIGTERM, then SIGCONT
    to a stopped job): the job ends and bash reports it. Natively `sleep`
    is killed ("Terminated"); ptvisor may exit 143 instead ("Exit 143"):
    signalexit.py holds it to the native report."""
    sh = start_outer_shell(ctx)
    leader, sleeper, _ = start_job(ctx, sh)
    stop_job(sh, leader, sleeper)
    start = sh.pos
    sh.command('kill %1')
    # An interactive bash may leave the dead job unreaped at its prompt
    # (seen natively); running a child makes it wait and reap.
    sh.wait_until(lambda: not [p for p in sh.processes()
                               if p.pgrp == leader.pgrp],
                  f'every process of the job (group {leader.pgrp}) is dead')
    sh.command('env true')
    check_job_gone(sh, leader)
    sh.sync_shell()
    report = 'Terminated' if ctx.native else '(?:Terminated|Exit 143)'
    if not re.search(r'\[1\]\+\s+' + report + r'\s+.*sleep 100\r\n',
                     sh.text(start)):
        sh.fail(f'bash did not report the job {report}')
    check_no_jobs(sh)
    exit_shell(sh)


def test_background_read(ctx):
    """`[ptvisor --] cat &` reads the terminal from the background: SIGTTIN
    stops the job (ptvisor too: its default action); fg lets cat read; Ctrl-D ends
    it with status 0."""
    sh = start_outer_shell(ctx)
    command = ctx.wrapped_shell_words(['cat'])
    sh.command(command + ' &')
    cat = sh.wait_until(lambda: sh.find('cat', 'Tt'), 'cat is stopped')
    leader = proc_info(cat.pgrp)
    sh.wait_state(leader.pid, 'T')
    out = sh.command('jobs')
    if not re.search(r'\[1\]\+\s+Stopped\s+.*cat\r\n', out):
        sh.fail(f'jobs does not show the job Stopped: {out!r}')
    sh.send('fg\n')
    sh.expect(r'\n' + re.escape(command) + r'\r\n', what='fg naming the job')
    check_job_running(sh, leader, cat, foreground=True)
    sh.send('line-1\n')
    sh.expect(r'line-1\r\n', what='the echo of line-1')
    sh.expect(r'line-1\r\n', what='cat copying line-1')
    sh.send('\x04')
    sh.expect_prompt()
    check_status(sh, 'echo "st=$?"', 0)
    check_job_gone(sh, leader)
    exit_shell(sh)


def test_nested_shell(ctx):
    """`[ptvisor --] bash -i` started from an outer bash: the inner shell
    has job control (Ctrl-Z, fg, Ctrl-C); `exit 4` hands the terminal back
    to the outer shell, which sees status 4."""
    sh = start_outer_shell(ctx)
    inner = ctx.wrapped_shell_words(BASH)
    sh.prompt = 'INNER> '
    sh.send(f"PS1='INN''ER> ' {inner}\n")  # the echo is not the prompt
    sh.expect_prompt()
    out = sh.command('case $- in *m*) echo "job""control=on";; esac')
    if 'jobcontrol=on' not in out:
        sh.fail('the inner shell has no job control')
    sh.send('sleep 100\n')
    sleeper = sh.wait_foreground('sleep')
    sh.send('\x1a')
    sh.expect(r'\[1\]\+\s+Stopped\s+sleep 100\r\n', what='sleep Stopped')
    sh.expect_prompt()
    sh.wait_state(sleeper.pid, 'Tt')
    sh.send('fg\n')
    sh.expect(r'\nsleep 100\r\n', what='fg naming the job')
    sh.wait_foreground('sleep')
    sh.send('\x03')
    sh.expect_prompt()
    check_status(sh, 'echo "st=$?"', 130)
    sh.prompt = PROMPT
    sh.send('exit 4\n')
    sh.expect_prompt()
    check_status(sh, 'echo "st=$?"', 4)
    sh.wait_until(lambda: [p.comm for p in sh.processes(include_zombies=True)]
                  == ['bash'], 'only the outer bash is left')
    check_no_jobs(sh)
    exit_shell(sh)


if __name__ == '__main__':
    run_tests([('stop-fg-interrupt', test_stop_fg_interrupt),
               ('stop-twice', test_stop_twice),
               ('stop-bg-kill', test_stop_bg_kill),
               ('stop-kill', test_stop_kill),
               ('background-read', test_background_read),
               ('nested-shell', test_nested_shell)],
              __doc__)
