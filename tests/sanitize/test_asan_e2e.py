#!/usr/bin/python3
"""The end-to-end suites (every tests/<dir>/test_*.py that drives the
binary through tests/lib/harness.py) run against the ASan+UBSan build
of port-acm, through a wrapper passed as PORT_ACM_BIN. A suite passes
when all its checks pass and no run of the binary produced an ASan,
LeakSanitizer or UBSan report (reports go to build/asan/logs/, so one
cannot hide behind an expected non-zero exit code).

SANITIZE_E2E_DIRS=tests/e2e,... picks the directories (default: all).
Writes build/reliability/asan_e2e.json.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

if __name__ == "__main__":
    suites = common.harness_suites(common.env_list("SANITIZE_E2E_DIRS"))
    # ASan costs ~2x; give each run of the binary twice the time.
    sys.exit(common.e2e_under("asan", suites, 2))
