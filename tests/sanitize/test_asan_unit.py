#!/usr/bin/python3
"""The whole project and every unit test built with clang
-fsanitize=address,undefined into build/asan, and the unit tests run
there. One TAP line for the build and one per unit test binary: it
passes when all its checks pass, it exits 0 and neither ASan (including
LeakSanitizer) nor UBSan reported anything.

Writes build/reliability/asan_unit.json.
"""
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

TIMEOUT = float(os.environ.get("SANITIZE_UNIT_TIMEOUT", "300"))


def main():
    t = common.Tap()
    wrapper, log = common.build("asan", "unit")
    if not t.ok(wrapper is not None,
                "asan: port-acm and unit tests build with clang -fsanitize=address,undefined",
                None if wrapper else log):
        common.write_summary("asan_unit", "sanitizer", 0, 1, "ASan build failed")
        return t.plan()
    tests = sorted(glob.glob(os.path.join(common.ROOT, "build/asan/tests/unit/test_*")))
    tests = [x for x in tests if os.access(x, os.X_OK)]
    t.ok(len(tests) > 0, f"asan: {len(tests)} unit test binaries built")
    passed = failed = checks = 0
    for exe in tests:
        name = os.path.basename(exe)
        logdir = common.fresh_dir(os.path.join(common.ROOT, "build/asan/logs/unit-" + name))
        env = common.clean_env()
        env["ASAN_OPTIONS"] = f"detect_leaks=1:exitcode=86:log_path={logdir}/asan"
        env["UBSAN_OPTIONS"] = (f"halt_on_error=1:print_stacktrace=1:exitcode=87:"
                                f"log_path={logdir}/ubsan")
        r = common.run_tap([exe], env, TIMEOUT)
        reports = common.sanitizer_reports(logdir)
        checks += r["passed"] + r["failed"]
        detail = []
        if r["failures"]:
            detail.append("failed checks: " + "; ".join(r["failures"][:10]))
        if r["rc"] != 0:
            detail.append(f"exit status {r['rc']}")
            detail.append(r["output"][-3000:])
        for f, text in reports:
            detail.append(f"--- {os.path.relpath(f, common.ROOT)}")
            detail.append(text)
        good = r["rc"] == 0 and r["failed"] == 0 and not reports and r["passed"] > 0
        t.ok(good, f"asan: {name}: {r['passed']} checks pass, "
                   f"{len(reports)} sanitizer reports", "\n".join(detail) or None)
        passed += good
        failed += not good
    common.write_summary("asan_unit", "sanitizer", passed, failed,
                         f"{passed}/{passed + failed} unit test binaries clean under "
                         f"ASan+UBSan ({checks} checks)", {"checks": checks})
    return t.plan()


if __name__ == "__main__":
    sys.exit(main())
