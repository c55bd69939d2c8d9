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

import os
import re
import signal

from ptydrive import proc_info, run_tests


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


def start_reporter(ctx, signals):
    """Starts tty-sigreport catching @signals; returns the session and the
    guest's pid."""
    sess = ctx.spawn(ctx.wrapped([ctx.helper] + signals), echo=False,
                     name='tty-sigreport')
    m = sess.expect(r'ready pid=(\d+)\r\n', what='the guest ready')
    return sess, int(m.group(1))


def signal_pending(pid, sig):
    """Whether @sig is pending for process @pid (/proc/PID/status)."""
    try:
        with open(f'/proc/{pid}/status') as f:
            fields = dict(line.split(':', 1) for line in f if ':' in line)
    except FileNotFoundError:
        return False
    bit = 1 << (sig - 1)
    return any(int(fields[k], 16) & bit for k in ('SigPnd', 'ShdPnd'))


def supervisor_idle(sess, sig):
    """ptvisor (the session leader) has dealt with its own copy of @sig: it
    is not pending any more and ptvisor sleeps in waitpid (wchan do_wait;
    without the right to read wchan, sleeping is what we can check). So
    anything it forwarded is already queued to the guest."""
    def idle():
        info = proc_info(sess.pid)
        if info is None or info.state != 'S' or signal_pending(sess.pid, sig):
            return False
        try:
            with open(f'/proc/{sess.pid}/wchan') as f:
                wchan = f.read().strip()
        except OSError:
            wchan = '0'
        return wchan in ('do_wait', '0')
    sess.wait_until(idle, f'ptvisor {sess.pid} has handled its {sig!r} and '
                    'sleeps in waitpid')


def sync(sess, token, expected_total):
    """A round trip through the guest's stdin: any signal delivered before
    it is reported before the answer."""
    sess.send(f'sync {token}\n')
    m = sess.expect(rf'ack {token} total=(\d+)\r\n', what=f'ack {token}')
    if int(m.group(1)) != expected_total:
        caught = re.findall(rb'caught [^\r\n]*', sess.output)
        sess.fail(f'the guest caught {m.group(1)} signal(s), expected '
                  f'{expected_total}; all it caught: {caught}')


def test_ctrl_c_counted(ctx):
    """A guest catching SIGINT sees one SIGINT from the terminal per
    Ctrl-C; then exits with its own status."""
    sess, _ = start_reporter(ctx, ['INT'])
    for n in range(1, 4):
        sess.send('\x03')
        sess.expect(rf'caught SIGINT #{n} code=SI_KERNEL from=none\r\n',
                    what=f'SIGINT #{n} from the terminal')
        if not ctx.native:
            supervisor_idle(sess, signal.SIGINT)
        sync(sess, n, n)
    sess.send('exit 7\n')
    sess.expect_exit(7)
    sess.assert_nothing_left()


def test_ctrl_c_once_supervisor_stopped(ctx):
    """The Ctrl-C double-delivery check without a race: had ptvisor
    forwarded the terminal's SIGINT, the copy could merge with the pending
    original. So ptvisor is held stopped (SIGSTOP) while Ctrl-C is typed;
    only once the guest has taken the terminal's SIGINT off its queue (it
    waits in a signal-delivery-stop for its stopped tracer) is ptvisor
    continued: a forwarded copy would now be a second delivery. Natively the
    program itself is held stopped with the SIGINT pending."""
    sess, guest = start_reporter(ctx, ['INT'])
    os.kill(sess.pid, signal.SIGSTOP)
    sess.wait_state(sess.pid, 'T')
    sess.send('\x03')
    sess.wait_until(lambda: signal_pending(sess.pid, signal.SIGINT),
                    f'SIGINT is pending for the stopped pid {sess.pid}')
    if not ctx.native:
        def guest_took_it():
            info = proc_info(guest)
            return ((info is not None and info.state == 't' and
                     not signal_pending(guest, signal.SIGINT)) or
                    b'caught SIGINT #1' in sess.output)
        sess.wait_until(guest_took_it, f'the guest {guest} has dequeued '
                        'the SIGINT (in a signal-delivery-stop)')
    os.kill(sess.pid, signal.SIGCONT)
    sess.expect(r'caught SIGINT #1 code=SI_KERNEL from=none\r\n',
                what='SIGINT #1 from the terminal')
    if not ctx.native:
        supervisor_idle(sess, signal.SIGINT)
    sync(sess, 1, 1)
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
