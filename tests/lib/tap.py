"""The one TAP printer for the Python suites (tests/run.py counts its
lines). tests/lib/harness.py builds its end-to-end TAP on top of this."""

import sys
import traceback

MAX_DETAIL_LINES = 60


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, detail=None, skip=None):
        """One check. detail (text or a list of lines) explains a
        failure; it is printed only then, at most MAX_DETAIL_LINES."""
        self.n += 1
        line = f"{'' if cond else 'not '}ok {self.n} - {name}"
        if skip:
            line += f" # SKIP {skip}"
        print(line, flush=True)
        if not cond:
            self.failed += 1
            self._detail(detail)
        return cond

    def eq(self, got, want, name):
        return self.ok(got == want, name, f"got:  {got!r}\nwant: {want!r}")

    def skip(self, name, why):
        return self.ok(True, name, skip=why)

    def run(self, name, fn, *args):
        """Runs a group of checks; an exception is one failed check."""
        try:
            fn(*args)
        except Exception:
            self.ok(False, f"{name} raised", traceback.format_exc())

    def plan(self):
        """Prints the plan; returns the exit status."""
        print(f"1..{self.n}", flush=True)
        if self.failed:
            print(f"# {self.failed} of {self.n} checks failed", flush=True)
        return 1 if self.failed else 0

    def done(self):
        sys.exit(self.plan())

    @staticmethod
    def _detail(detail):
        if detail is None:
            return
        if isinstance(detail, str):
            lines = detail.rstrip().splitlines()
        else:
            lines = [p for d in detail for p in (str(d).splitlines() or [""])]
        if len(lines) > MAX_DETAIL_LINES:
            lines = lines[:20] + ["..."] + lines[-(MAX_DETAIL_LINES - 20):]
        for d in lines:
            print("#   " + d, flush=True)
