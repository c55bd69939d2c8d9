#!/usr/bin/env python3
"""Ctrl-C to programs that wait for others inside ptvisor (issue #2).

A non-interactive bash waiting for a child, a bash `wait` builtin broken by
a trapped signal, a pipeline, strace and gdb (guest tracers: their waits go
through ptvisor's emulated wait4, which must keep Linux's signal semantics,
DESIGN.md "Blocking wait"). Each runs in the terminal's foreground, first
guest of ptvisor; Ctrl-C must do what it does natively. strace and gdb
tests pass without running when the tool is not installed.
"""

import re
import shutil

from ptydrive import proc_info, run_tests


# x86_64 nanosleep, clock_nanosleep, and restart_syscall (a nanosleep
# resumed after a stop).
NANOSLEEP_CALLS = ('35', '230', '219')


# x86_64 wait4 and waitid.
WAIT_CALLS = ('61', '247')


def sleeps_in(pid, calls):
    """@pid sleeps (not stopped) in one of @calls, by /proc/PID/syscall;
    where that cannot be read, a sleeping state must do."""
    info = proc_info(pid)
    if info is None or info.state != 'S':
        return False
    try:
        with open(f'/proc/{pid}/syscall') as f:
            call = f.read().split()
    except OSError:
        return True
    return bool(call) and call[0] in calls


def in_nanosleep(pid):
    return sleeps_in(pid, NANOSLEEP_CALLS)


def start_until_sleeping(ctx, argv, name, parent_waits=False):
    """Runs @argv (wrapped); waits until its `sleep 100` sleeps in the
    foreground, and with @parent_waits until the sleep's parent sleeps in
    a wait (a signal before would find the script before its `wait`)."""
    sess = ctx.spawn(ctx.wrapped(argv), name=name)
    sleeper = sess.wait_foreground('sleep')
    sess.wait_until(lambda: in_nanosleep(sleeper.pid),
                    f'sleep {sleeper.pid} is in nanosleep')
    if parent_waits:
        sess.wait_until(lambda: sleeps_in(sleeper.ppid, WAIT_CALLS),
                        f'{sleeper.ppid} sleeps in a wait')
    return sess, sleeper


def interrupt(ctx, argv, name, status, present=(), absent=(),
              parent_waits=False):
    """Ctrl-C once the sleep sleeps: @status, and the output holds the
    @present regexes and none of the @absent ones."""
    sess, _ = start_until_sleeping(ctx, argv, name, parent_waits)
    sess.send('\x03')
    got = sess.wait_exit()
    sess.assert_nothing_left()
    if got != status:
        sess.fail(f'exit status {got}, expected {status}')
    for regex in present:
        if not sess.output_has(regex):
            sess.fail(f'no {regex!r} in the output')
    out = sess.text()
    for regex in absent:
        if re.search(regex, out):
            sess.fail(f'{regex!r} in the output')


def test_script(ctx):
    """bash -c 'sleep 100; echo after': Ctrl-C ends the script (130)."""
    interrupt(ctx, ['bash', '-c', 'sleep 100; echo "after""-$?"'], 'bash-c',
              130, absent=[r'after-'])


def test_script_trap(ctx):
    """A script trapping SIGINT runs its trap after the killed sleep and
    goes on: "trapped", "after-130", status 0."""
    interrupt(ctx, ['bash', '-c', 'trap "echo trap""ped" INT; sleep 100; '
                    'echo "after""-$?"'], 'bash-c-trap', 0,
              present=[r'trapped\r\nafter-130\r\n'])


def test_script_wait_trap(ctx):
    """The wait builtin broken by a trapped SIGINT returns 130 (the
    background sleep ignores SIGINT: non-interactive shell)."""
    interrupt(ctx, ['bash', '-c', 'trap "echo trap""ped" INT; sleep 100 & '
                    'pid=$!; wait $pid; echo "after""-$?"; kill $pid'],
              'bash-c-wait', 0, present=[r'trapped\r\nafter-130\r\n'],
              parent_waits=True)


def test_pipeline(ctx):
    """bash -c 'sleep 100 | cat; echo after': Ctrl-C ends it (130)."""
    interrupt(ctx, ['bash', '-c', 'sleep 100 | cat; echo "after""-$?"'],
              'bash-c-pipe', 130, absent=[r'after-'])


def test_strace(ctx):
    """strace -o /dev/null sleep 100: the traced sleep dies of SIGINT;
    strace ends the same way (130)."""
    if shutil.which('strace') is None:
        return
    interrupt(ctx, ['strace', '-o', '/dev/null', 'sleep', '100'], 'strace',
              130)


def test_strace_to_tty(ctx):
    """strace sleep 100 writing to the terminal: Ctrl-C makes strace
    detach ("Process N detached") and the sleep die: 130."""
    if shutil.which('strace') is None:
        return
    interrupt(ctx, ['strace', 'sleep', '100'], 'strace-tty', 130,
              present=[r'Process \d+ detached'])


def test_strace_follow(ctx):
    """strace -f over sh -c 'sleep 100; echo after': 130, no "after"."""
    if shutil.which('strace') is None:
        return
    interrupt(ctx, ['strace', '-f', '-o', '/dev/null', 'sh', '-c',
                    'sleep 100; echo "after""-$?"'], 'strace-f', 130,
              absent=[r'after-'])


GDB = ['gdb', '-q', '-nx', '-iex', 'set confirm off',
       '-iex', 'set pagination off']


def test_gdb_batch(ctx):
    """gdb -batch -ex run -ex bt: Ctrl-C stops the inferior, gdb shows
    where, kills it and exits 0."""
    if shutil.which('gdb') is None:
        return
    interrupt(ctx, GDB + ['-batch', '-ex', 'run', '-ex', 'bt', '--args',
                          'sleep', '100'], 'gdb-batch', 0,
              present=[r'Program received signal SIGINT, Interrupt\.',
                       r'#0 .*nanosleep'])


def test_gdb_interactive(ctx):
    """An interactive gdb: run, Ctrl-C (the inferior stops, gdb prompts),
    continue, Ctrl-C again, kill, quit."""
    if shutil.which('gdb') is None:
        return
    gdb = ctx.spawn(ctx.wrapped(GDB + ['--args', 'sleep', '100']),
                    name='gdb')
    gdb.prompt = '(gdb) '
    gdb.expect_prompt()
    gdb.send('run\n')
    sleeper = gdb.wait_foreground('sleep')
    for _ in range(2):
        gdb.wait_until(lambda: in_nanosleep(sleeper.pid),
                       f'sleep {sleeper.pid} runs in nanosleep')
        gdb.send('\x03')
        gdb.expect(r'Program received signal SIGINT, Interrupt\.',
                   what='gdb reporting SIGINT')
        gdb.expect_prompt()
        gdb.wait_state(sleeper.pid, 't')
        gdb.send('continue\n')
        gdb.expect(r'\nContinuing\.\r\n', what='gdb continuing')
    gdb.wait_until(lambda: in_nanosleep(sleeper.pid),
                   f'sleep {sleeper.pid} runs in nanosleep')
    gdb.send('\x03')
    gdb.expect(r'Program received signal SIGINT, Interrupt\.',
               what='gdb reporting SIGINT')
    gdb.expect_prompt()
    gdb.command('kill')
    gdb.wait_until(lambda: proc_info(sleeper.pid) is None,
                   'the inferior is gone')
    gdb.send('quit\n')
    gdb.expect_exit(0)
    gdb.assert_nothing_left()


if __name__ == '__main__':
    run_tests([('script', test_script),
               ('script-trap', test_script_trap),
               ('script-wait-trap', test_script_wait_trap),
               ('pipeline', test_pipeline),
               ('strace', test_strace),
               ('strace-tty', test_strace_to_tty),
               ('strace-follow', test_strace_follow),
               ('gdb-batch', test_gdb_batch),
               ('gdb-interactive', test_gdb_interactive)], __doc__)
