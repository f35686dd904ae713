#!/usr/bin/python3
"""The end-to-end suites run against port-acm under valgrind memcheck
(--error-exitcode, --leak-check=full, --errors-for-leak-kinds=definite),
through a wrapper passed as PORT_ACM_BIN. A suite passes when all its
checks pass and every run's memcheck log says "ERROR SUMMARY: 0 errors"
(so no invalid access, no use of uninitialised memory, no definite
leak).

VALGRIND_E2E_DIRS=tests/e2e,... picks the directories (default:
tests/e2e, the functional suites; the fault and timing matrices measure
wall-clock behaviour that a 20-50x slowdown distorts, and run under
ASan instead). Writes build/reliability/valgrind_e2e.json.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

if __name__ == "__main__":
    dirs = common.env_list("VALGRIND_E2E_DIRS") or ["tests/e2e"]
    suites = common.harness_suites(dirs)
    sys.exit(common.e2e_under("valgrind", suites, 10))
