"""A small pseudo-terminal driver for the terminal and job-control tests.

Each PtySession runs one command as the leader of a fresh session whose
controlling terminal is a new pty, like a terminal emulator does. The test
types keys into the master side and waits for output (expect) or for a
kernel state read from /proc (wait_until); nothing is ordered by sleeping.
Every wait is bounded; a failure raises TestFailure with the transcript, and
close() kills whatever is left in the session, so no process outlives a test.

run_tests() is the common main: it runs each test of a file, natively (empty
wrapper: the host kernel is the oracle) or under ptvisor, --repeat times.
"""

import argparse
import fcntl
import itertools
import os
import re
import select
import shlex
import signal
import struct
import sys
import termios
import time
import traceback

DEFAULT_TIMEOUT = 20.0
POLL_INTERVAL = 0.005
PROMPT = 'PTVP> '
TIOCVHANGUP = 0x5437  # asm-generic/ioctls.h; Python's termios lacks it

# The signals a test process may have inherited as ignored or handled; the
# session starts with all of them at their default action, unblocked.
RESET_SIGNALS = (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGTERM,
                 signal.SIGPIPE, signal.SIGCHLD, signal.SIGTSTP,
                 signal.SIGTTIN, signal.SIGTTOU, signal.SIGUSR1,
                 signal.SIGUSR2, signal.SIGALRM, signal.SIGCONT)


class TestFailure(Exception):
    pass


class Interrupted(BaseException):
    """Stops the whole run (not caught as a test failure)."""


def exit_code(wait_status):
    """A wait status as a shell reports it: the code, or 128 + signal."""
    if os.WIFEXITED(wait_status):
        return os.WEXITSTATUS(wait_status)
    if os.WIFSIGNALED(wait_status):
        return 128 + os.WTERMSIG(wait_status)
    raise TestFailure(f'unexpected wait status {wait_status:#x}')


class ProcInfo:
    """The fields of /proc/PID/stat a test looks at."""

    def __init__(self, pid, comm, state, ppid, pgrp, session):
        self.pid, self.comm, self.state = pid, comm, state
        self.ppid, self.pgrp, self.session = ppid, pgrp, session

    def __repr__(self):
        return (f'{self.pid}({self.comm} state={self.state} ppid={self.ppid}'
                f' pgrp={self.pgrp})')


def proc_info(pid):
    """Reads /proc/PID/stat; None when the process is gone."""
    try:
        with open(f'/proc/{pid}/stat', 'rb') as f:
            stat = f.read().decode('utf-8', 'replace')
    except (FileNotFoundError, ProcessLookupError):
        return None
    # comm may hold spaces and parentheses: it ends at the last ')'.
    comm = stat[stat.index('(') + 1:stat.rindex(')')]
    fields = stat[stat.rindex(')') + 2:].split()
    return ProcInfo(pid, comm, fields[0], int(fields[1]), int(fields[2]),
                    int(fields[3]))


def all_processes():
    for name in os.listdir('/proc'):
        if name.isdigit():
            info = proc_info(int(name))
            if info is not None:
                yield info


def has_tag(pid, tag):
    """Whether @tag (b'NAME=VALUE') is in the environment of @pid."""
    try:
        with open(f'/proc/{pid}/environ', 'rb') as f:
            return tag in f.read().split(b'\0')
    except OSError:
        return False


def signal_pending(pid, sig):
    """Whether @sig is pending for process @pid (/proc/PID/status)."""
    try:
        with open(f'/proc/{pid}/status') as f:
            fields = dict(line.split(':', 1) for line in f if ':' in line)
    except (FileNotFoundError, ProcessLookupError):
        return False
    bit = 1 << (sig - 1)
    return any(int(fields[k], 16) & bit for k in ('SigPnd', 'ShdPnd'))


def sleeps_in_wait(pid):
    """Whether @pid sleeps in wait4/waitid (wchan do_wait). Without the
    right to read wchan (ptvisor is not dumpable), sleeping must do."""
    info = proc_info(pid)
    if info is None or info.state != 'S':
        return False
    try:
        with open(f'/proc/{pid}/wchan') as f:
            wchan = f.read().strip()
    except OSError:
        wchan = '0'
    return wchan in ('do_wait', '0')


_session_ids = itertools.count()


class PtySession:
    def __init__(self, argv, env, echo=True, name=None):
        self.argv = list(argv)
        self.name = name or os.path.basename(argv[0])
        self.output = b''     # everything read from the master
        self.pos = 0          # where the next expect() starts searching
        self.eof = False
        self.status = None    # wait status of the session leader
        self.prompt = PROMPT  # what expect_prompt() waits for
        self.marks = 0        # sync_shell() markers used so far
        # Marks every process it starts that keeps its environment: an
        # orphan whose session leader exited goes to the reaper above
        # (ptvisor is no subreaper), out of the session leader's tree.
        self.tag = f'PTYDRIVE_TAG={os.getpid()}.{next(_session_ids)}'
        env = dict(env, PTYDRIVE_TAG=self.tag.split('=', 1)[1])
        master, slave = os.openpty()
        self.slave_path = os.ttyname(slave)  # for hangup()
        self._configure_terminal(slave, echo)
        # The child reports a failed exec here; a successful one closes it.
        err_read, err_write = os.pipe2(os.O_CLOEXEC)
        pid = os.fork()
        if pid == 0:
            os.close(err_read)
            self._child(master, slave, env, err_write)
        os.close(err_write)
        os.close(slave)
        self.master = master
        self.pid = pid        # the session leader; its pid is the session id
        os.set_blocking(master, False)
        with os.fdopen(err_read, 'rb') as f:
            error = f.read().decode('utf-8', 'replace')
        if error:  # the child has exited (127) or is about to
            os.waitpid(pid, 0)
            os.close(master)
            raise TestFailure(f'[{self.name}] cannot start {error}')

    @staticmethod
    def _configure_terminal(fd, echo):
        attrs = termios.tcgetattr(fd)
        lflag = termios.ISIG | termios.ICANON | termios.IEXTEN
        lflag |= (termios.ECHO | termios.ECHOE | termios.ECHOK |
                  termios.ECHOCTL | termios.ECHOKE) if echo else 0
        attrs[3] = lflag
        attrs[6][termios.VINTR] = b'\x03'
        attrs[6][termios.VQUIT] = b'\x1c'
        attrs[6][termios.VSUSP] = b'\x1a'
        attrs[6][termios.VEOF] = b'\x04'
        termios.tcsetattr(fd, termios.TCSANOW, attrs)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))

    def _child(self, master, slave, env, err_fd):
        try:
            os.close(master)
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
            for fd in (0, 1, 2):
                os.dup2(slave, fd)
            if slave > 2:
                os.close(slave)
            for sig in RESET_SIGNALS:
                signal.signal(sig, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            os.execvpe(self.argv[0], self.argv, env)
        except BaseException as e:
            try:
                os.write(err_fd, f'{self.argv}: {e}'.encode())
            finally:
                os._exit(127)

    # --- output -----------------------------------------------------------
    def _read(self, timeout):
        """Reads what the master has, waiting up to @timeout for it."""
        if self.eof or self.master is None:
            if timeout > 0:
                time.sleep(min(timeout, POLL_INTERVAL))
            return
        ready, _, _ = select.select([self.master], [], [], max(timeout, 0))
        if not ready:
            return
        while True:
            try:
                data = os.read(self.master, 65536)
            except BlockingIOError:
                return
            except OSError:  # EIO: no slave side is open any more
                self.eof = True
                return
            if not data:
                self.eof = True
                return
            self.output += data

    def drain(self):
        self._read(0)

    def drain_settled(self, quiet=0.05, limit=1.0):
        """Reads until the master has been quiet for @quiet seconds (or
        at its EOF), at most @limit seconds: a pty hands what the slave
        wrote to the master asynchronously (the tty layer's flush work),
        so output written just before an exit may still be on its way."""
        deadline = time.monotonic() + limit
        while not self.eof and time.monotonic() < deadline:
            before = len(self.output)
            self._read(quiet)
            if len(self.output) == before:
                return

    def output_has(self, regex, limit=2.0):
        """Whether @regex (str) is in the output, reading on for at most
        @limit seconds until it is: under load, what the slave wrote just
        before an exit can reach the master after drain_settled()'s quiet
        window (tty-interrupt script-trap once saw 'trapped' and not yet
        'after-130')."""
        pattern = re.compile(regex)
        deadline = time.monotonic() + limit
        while not pattern.search(self.text()):
            left = deadline - time.monotonic()
            if left <= 0 or self.eof:
                return False
            self._read(min(left, 0.05))
        return True

    def text(self, start=0):
        return self.output[start:].decode('utf-8', 'replace')

    def transcript(self, last=2000):
        out = self.text()
        if len(out) > last:
            out = '...' + out[-last:]
        return out

    def fail(self, message):
        raise TestFailure(f'[{self.name}] {message}\n'
                          f'--- terminal transcript ({self.name}) ---\n'
                          f'{self.transcript()}\n--- end of transcript ---')

    def expect(self, pattern, timeout=DEFAULT_TIMEOUT, what=None):
        """Waits for @pattern (regex, str or bytes) in the output after the
        previous match; returns the match and moves past it."""
        if isinstance(pattern, str):
            pattern = pattern.encode()
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = regex.search(self.output, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0 or (self.eof and self.status is not None):
                self.fail(f'timed out after {timeout:.0f}s waiting for '
                          f'{what or pattern.decode()!r}; unmatched output: '
                          f'{self.text(self.pos)!r}')
            self._read(min(left, 0.2))
            if self.eof:
                self._poll_exit()

    def expect_prompt(self, timeout=DEFAULT_TIMEOUT):
        return self.expect(re.escape(self.prompt), timeout,
                           f'the shell prompt {self.prompt!r}')

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        os.write(self.master, data)

    def command(self, line, timeout=DEFAULT_TIMEOUT):
        """Types @line to the shell and returns its output up to the next
        prompt (the echoed command line included)."""
        start = self.pos
        self.send(line + '\n')
        self.expect_prompt(timeout)
        return self.output[start:self.pos].decode('utf-8', 'replace')

    def sync_shell(self, timeout=DEFAULT_TIMEOUT):
        """Skips all output (prompts included) up to the answer of a unique
        marker command and the prompt after it."""
        self.marks += 1
        self.send(f'echo "sync""-{self.marks}"\n')
        self.expect(rf'\nsync-{self.marks}\r\n', timeout,
                    f'the shell answering sync-{self.marks}')
        self.expect_prompt(timeout)

    # --- kernel state -----------------------------------------------------
    def wait_until(self, predicate, what, timeout=DEFAULT_TIMEOUT):
        """Polls @predicate (reading output meanwhile) until it returns a
        true value, which it returns."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                self.fail(f'timed out after {timeout:.0f}s waiting until '
                          f'{what}; processes in the session: '
                          f'{self.processes(include_zombies=True)}')
            self._read(POLL_INTERVAL)

    def hangup(self):
        """Hangs the terminal up and closes the master side, as a terminal
        emulator closing its window: the kernel sends SIGHUP and SIGCONT
        to the session leader (tty_signal_session_leader()).

        Closing the master alone hangs the terminal up too, but
        pty_close() first wakes the slave's readers with EIO
        (TTY_OTHER_CLOSED) and sends the SIGHUP only after, in
        tty_vhangup(): a reader that runs in between returns EIO with no
        SIGHUP pending yet, natively as well, and an interactive bash
        then exits at that end of input (status 0) without hanging up its
        jobs. Under load that happened in about one round in several
        hundred.
        TIOCVHANGUP (vhangup(2) for the terminal an fd names; it needs
        CAP_SYS_ADMIN) hangs the slave up first: the SIGHUP is what wakes
        a blocked reader, so it is pending when the read returns. Without
        the capability, the close alone does it."""
        self.drain()
        try:
            fd = os.open(self.slave_path, os.O_RDWR | os.O_NOCTTY)
        except OSError:
            fd = None
        if fd is not None:
            try:
                fcntl.ioctl(fd, TIOCVHANGUP)
            except OSError:
                pass
            finally:
                os.close(fd)
        os.close(self.master)
        self.master = None
        self.eof = True

    def foreground_pgrp(self):
        if self.master is None:
            return None
        try:
            return os.tcgetpgrp(self.master)
        except OSError:
            return None

    def processes(self, include_zombies=False):
        """The session's processes, and those of sessions its descendants
        lead (a supervisor that leads its terminal's session hands both to
        its program, which then leads a session of its own, as natively),
        and every live process with its tag."""
        procs = list(all_processes())
        parent = {p.pid: p.ppid for p in procs}

        def descends(pid):
            for _ in range(64):
                if pid == self.pid:
                    return True
                pid = parent.get(pid)
                if not pid:
                    return False
            return False
        sessions = {self.pid} | {p.session for p in procs
                                 if p.pid == p.session and descends(p.pid)}
        tag = self.tag.encode()
        return [p for p in procs
                if (p.session in sessions or descends(p.pid) or
                    has_tag(p.pid, tag)) and
                (include_zombies or p.state not in 'ZX')]

    def find(self, comm, state=None, foreground=False):
        """The one process of the session named @comm (in @state, in the
        foreground process group); None unless exactly one matches."""
        fg = self.foreground_pgrp() if foreground else None
        found = [p for p in self.processes() if p.comm == comm and
                 (state is None or p.state in state) and
                 (not foreground or p.pgrp == fg)]
        return found[0] if len(found) == 1 else None

    def wait_foreground(self, comm, state='S', timeout=DEFAULT_TIMEOUT):
        """Waits until a process named @comm is in the terminal's foreground
        process group, in @state ('S': sleeping, e.g. reading the tty)."""
        return self.wait_until(
            lambda: self.find(comm, state, foreground=True),
            f'{comm!r} is in the foreground, in state {state!r}', timeout)

    def wait_state(self, pid, states, timeout=DEFAULT_TIMEOUT):
        def check():
            info = proc_info(pid)
            return info if info is not None and info.state in states else None
        return self.wait_until(check, f'process {pid} ({proc_info(pid)}) is '
                               f'in state {states!r}', timeout)

    # --- end --------------------------------------------------------------
    def _poll_exit(self):
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.status = status
        return self.status

    def wait_exit(self, timeout=DEFAULT_TIMEOUT):
        """Waits for the session leader to end; returns its status as a
        shell reports it (code, or 128 + signal)."""
        self.wait_until(lambda: self._poll_exit() is not None,
                        f'{self.name} (pid {self.pid}) exits', timeout)
        self.drain_settled()
        return exit_code(self.status)

    def expect_exit(self, code, timeout=DEFAULT_TIMEOUT):
        got = self.wait_exit(timeout)
        if got != code:
            self.fail(f'exit status {got}, expected {code}')

    def assert_nothing_left(self, timeout=DEFAULT_TIMEOUT):
        """After the leader ended: no process of the session may survive."""
        self.wait_until(lambda: not self.processes(),
                        'no process is left in the session', timeout)

    def close(self):
        """Kills everything left in the session and reaps the leader."""
        deadline = time.monotonic() + 10
        while True:
            left = self.processes()
            if self.status is None:
                self._poll_exit()
            if not left and self.status is not None:
                break
            for p in left:
                try:
                    os.kill(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            if time.monotonic() > deadline:
                print(f'ptydrive: could not end {left} of session {self.pid}',
                      file=sys.stderr)
                break
            time.sleep(POLL_INTERVAL)
        if self.master is not None:
            os.close(self.master)
            self.master = None


class Context:
    """What a test gets: how to wrap a guest command, and session spawning
    with cleanup."""

    def __init__(self, native, ptvisor, helper):
        self.native = native
        self.ptvisor = ptvisor
        self.helper = helper
        self.wrapper = [] if native else [ptvisor, '--']
        self.sessions = []
        self.env = {
            'PATH': os.environ.get('PATH', '/usr/bin:/bin'),
            'TERM': 'dumb',
            'LC_ALL': 'C',
            'HOME': os.environ.get('HOME', '/'),
            'PS1': PROMPT,
            'PS2': '',
            'HISTFILE': '/dev/null',
        }

    @property
    def mode(self):
        return 'native' if self.native else 'ptvisor'

    def spawn(self, argv, echo=True, name=None):
        session = PtySession(argv, self.env, echo=echo, name=name)
        self.sessions.append(session)
        return session

    def wrapped(self, argv, options=()):
        """@argv as this run starts it: natively as it is, else inside
        ptvisor with ptvisor's @options."""
        if self.native:
            return list(argv)
        return [self.ptvisor, *options, '--'] + list(argv)

    def wrapped_shell_words(self, argv):
        return ' '.join(shlex.quote(w) for w in self.wrapped(argv))

    def close(self):
        while self.sessions:
            self.sessions.pop().close()


BASH = ['bash', '--norc', '--noprofile', '--noediting', '-i']


def start_shell(ctx, argv, name):
    """Starts an interactive bash, waits for its first prompt and checks
    that it has job control."""
    sh = ctx.spawn(argv, name=name)
    sh.expect_prompt()
    out = sh.command('case $- in *m*) echo "job""control=on";; '
                     '*) echo "job""control=off";; esac')
    if 'jobcontrol=on' not in out:
        sh.fail('the interactive shell has no job control')
    return sh


# A shell that starts a command in its own (foreground) process group and
# survives the signals the tests send, as a login shell's non-job-control
# script would: `trap :` is reset to the default action in the command.
SHELL_START = ['sh', '-c', 'trap : INT QUIT TERM HUP USR1 USR2 ALRM; "$@"; exit',
               'sh']


def start_reporter(ctx, signals, in_shell=False):
    """Starts tty-sigreport (wrapped) catching @signals, with the terminal
    not echoing; returns the session and the guest's pid. sess.supervisor
    is ptvisor's pid (natively the program's): the session leader, or, with
    @in_shell, a child of a shell leading the session, sharing its process
    group with the guest. (When ptvisor itself leads the terminal's session
    its first guest takes the terminal and leads a session of its own, as
    the program would natively: terminal signals then reach the guest only.)
    """
    argv = ctx.wrapped([ctx.helper] + list(signals))
    sess = ctx.spawn(SHELL_START + argv if in_shell else argv, echo=False,
                     name='tty-sigreport')
    m = sess.expect(r'ready pid=(\d+)\r\n', what='the guest ready')
    sess.supervisor = sess.pid
    if in_shell:
        comm = 'tty-sigreport' if ctx.native else 'ptvisor'
        sess.supervisor = sess.wait_until(
            lambda: next((p.pid for p in sess.processes()
                          if p.comm == comm and p.ppid == sess.pid), None),
            f'{comm} runs under the session\'s shell')
    return sess, int(m.group(1))


def sync_reporter(sess, token, expected_total):
    """A round trip through tty-sigreport's stdin: a signal queued to it
    before is reported before the answer, which says how many it caught."""
    sess.send(f'sync {token}\n')
    m = sess.expect(rf'ack {token} total=(\d+)\r\n', what=f'ack {token}')
    if int(m.group(1)) != expected_total:
        caught = re.findall(rb'caught [^\r\n]*', sess.output)
        sess.fail(f'the guest caught {int(m.group(1))} signal(s), expected '
                  f'{expected_total}; all it caught: {caught}')


def wait_supervisor_idle(sess, sig):
    """ptvisor (the session leader) has dealt with its own @sig: no longer
    pending, it sleeps in waitpid again. So whatever it forwarded is
    already queued to the guest."""
    sup = getattr(sess, 'supervisor', sess.pid)
    sess.wait_until(lambda: not signal_pending(sup, sig) and
                    sleeps_in_wait(sup),
                    f'ptvisor {sup} has handled its {sig!r} and sleeps '
                    'in waitpid')


def deliver_with_supervisor_held(ctx, sess, guest, sig, send):
    """Makes a signal that reaches both ptvisor and its guest (@send: a key
    or a group kill) land in the order that exposes a forwarded copy: with
    ptvisor (the session leader) held stopped, the guest takes the signal
    off its queue first (it waits in a signal-delivery-stop for its stopped
    tracer); only then is ptvisor continued, and a copy it forwarded would
    be a second delivery, not merged with the first. Natively the program
    itself is held stopped with the signal pending."""
    sup = sess.supervisor
    os.kill(sup, signal.SIGSTOP)
    sess.wait_state(sup, 'T')
    send()
    sess.wait_until(lambda: signal_pending(sup, sig),
                    f'{sig!r} is pending for the stopped pid {sup}')
    if not ctx.native:
        marker = f'caught {sig.name} #'.encode()

        def guest_took_it():
            info = proc_info(guest)
            return ((info is not None and info.state == 't' and
                     not signal_pending(guest, sig)) or
                    marker in sess.output)
        sess.wait_until(guest_took_it, f'the guest {guest} has dequeued '
                        f'{sig!r} (in a signal-delivery-stop)')
    os.kill(sup, signal.SIGCONT)


def run_tests(tests, description, extra=()):
    """Common main of a test file: @tests is a list of (name, function);
    @extra lists tests that run only when named with --only (racy
    demonstrations, not part of the deterministic suite)."""
    parser = argparse.ArgumentParser(description=description)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument('--native', action='store_true',
                      help='run the guests directly (proves expectations)')
    mode.add_argument('--ptvisor', help='path of the ptvisor binary')
    parser.add_argument('--helper', help='path of tty-sigreport')
    parser.add_argument('--repeat', type=int, default=1)
    parser.add_argument('--only', action='append',
                        help='run only this test (repeatable)')
    args = parser.parse_args()
    if args.ptvisor:
        args.ptvisor = os.path.abspath(args.ptvisor)
    if args.helper:
        args.helper = os.path.abspath(args.helper)

    # meson ends a test that overruns its timeout with SIGTERM: stop, but
    # end the sessions first (the finally clause below).
    def on_term(sig, frame):
        raise Interrupted(f'interrupted by signal {sig}')
    signal.signal(signal.SIGTERM, on_term)

    selected = [(n, f) for n, f in list(tests) + list(extra)
                if (n in args.only if args.only else (n, f) in tests)]
    if not selected:
        parser.error('no test selected')
    failed = set()  # a test that failed once is not run again
    passes = 0
    for round_ in range(1, args.repeat + 1):
        for name, func in selected:
            if name in failed:
                continue
            ctx = Context(args.native, args.ptvisor, args.helper)
            label = f'{name} [{ctx.mode}] round {round_}/{args.repeat}'
            start = time.monotonic()
            try:
                func(ctx)
            except TestFailure as e:
                failed.add(name)
                print(f'FAIL {label}: {e}', flush=True)
            except Exception:
                failed.add(name)
                print(f'FAIL {label}: test error\n{traceback.format_exc()}',
                      flush=True)
            else:
                passes += 1
                print(f'ok   {label} ({time.monotonic() - start:.2f}s)',
                      flush=True)
            finally:
                ctx.close()
    print(f'{passes} runs passed; {len(failed)} of {len(selected)} tests '
          f'failed{": " + ", ".join(sorted(failed)) if failed else ""}',
          flush=True)
    sys.exit(1 if failed else 0)
