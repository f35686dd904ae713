"""fake_apart: a fake served from a process of its own, for the bench.

The fakes are Python: in one process they share one interpreter lock,
so Port's fake validating 20 entities against Port's schema stops the
ACM and Tagging fakes from answering, and the other way round. In
`make test` that costs nothing that matters; in `make bench` it is the
rig, not port-acm, that sets the wall time (the fakes' own work had
grown to more than the sync's whole floor). Here the fake is built as
usual, then forked into a child before any other fake's thread exists
(fork copies only the calling thread), and serves from there; the
bench reads back what it recorded through a pipe.

    port = Apart(FakePort(...))   # before World() starts other fakes
    port.call("add_blueprint", ...), port.get("entities"), port.stop()

The child answers only the bench's own process (a socketpair), runs
only the fake's methods the bench names, and exits when the pipe
closes.
"""

import multiprocessing
import os
import threading
import time


class Apart:
    """Serves `fake` (built, not started) from a forked child. `.url`
    is what fake.start() returned there."""

    def __init__(self, fake):
        parent, child = multiprocessing.Pipe()
        pid = os.fork()
        if pid == 0:  # the child: serve, then answer the pipe
            parent.close()
            code = 1
            try:
                _serve(fake, child)
                code = 0
            finally:
                os._exit(code)
        child.close()
        self._pipe, self._pid = parent, pid
        self._lock = threading.Lock()
        self.lock = threading.Lock()  # the bench's `with fake.lock:`
        self.url = self._ask("url")

    def _ask(self, *msg):
        with self._lock:
            self._pipe.send(msg)
            ok, value = self._pipe.recv()
        if not ok:
            raise RuntimeError(f"fake in process {self._pid}: {value}")
        return value

    def call(self, name, *args, **kw):
        """fake.name(*args, **kw) in the child; its (picklable) result."""
        return self._ask("call", name, args, kw)

    def get(self, name):
        """A copy of fake.name, read under the fake's lock."""
        return self._ask("get", name)

    def set(self, name, value):
        self._ask("set", name, value)

    def busy(self):
        """CPU seconds the fake spent in its handler (thread time)."""
        return self._ask("busy")

    def cpu(self):
        """CPU seconds of the child's whole process: the handler, HTTP
        parsing, TLS, threads."""
        return self._ask("cpu")

    def stop(self):
        if self._pipe is None:
            return
        try:
            self._ask("stop")
        except (EOFError, OSError, RuntimeError):
            pass
        self._pipe.close()
        self._pipe = None
        os.waitpid(self._pid, 0)


def time_handler(fake, busy, key):
    """Adds the CPU seconds fake.handle spends (thread time) to
    busy[key], from now on."""
    inner = fake.handle
    busy[key] = 0.0

    def handle(req):
        t = time.thread_time()
        try:
            return inner(req)
        finally:
            busy[key] += time.thread_time() - t
    fake.handle = handle


def _serve(fake, pipe):
    spent = {}
    time_handler(fake, spent, "handler")
    url = fake.start()
    while True:
        try:
            msg = pipe.recv()
        except EOFError:
            fake.stop()
            return
        op = msg[0]
        try:
            if op == "url":
                value = url
            elif op == "call":
                value = getattr(fake, msg[1])(*msg[2], **msg[3])
            elif op == "get":
                with fake.lock:
                    value = getattr(fake, msg[1])
                    value = value.copy() if hasattr(value, "copy") else value
            elif op == "set":
                setattr(fake, msg[1], msg[2])
                value = None
            elif op == "busy":
                value = spent["handler"]
            elif op == "cpu":
                value = sum(os.times()[:2])
            elif op == "stop":
                fake.stop()
                pipe.send((True, None))
                return
            else:
                raise ValueError(f"unknown request {op!r}")
            pipe.send((True, value))
        except Exception as e:  # the bench sees it as a RuntimeError
            pipe.send((False, f"{type(e).__name__}: {e}"))
