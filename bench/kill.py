"""Random kills, the slow run: ``python -m bench.kill --cases 100``.

Runs ``tests/test_reliability_interrupt.py::test_sigkill_at_a_random_moment`` with
``--cases`` seeded kill moments (CI runs a sample of 4): each load is SIGKILLed after a random
delay within a load's duration, and the stores must hold complete data afterwards, and the
next load must succeed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100)
    args = parser.parse_args(argv)
    env = {**os.environ, "CONNECTOMEDB_KILL_CASES": str(args.cases)}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "tests/test_reliability_interrupt.py",
            "-k",
            "random_moment",
        ],
        env=env,
        check=False,
    ).returncode


if __name__ == "__main__":
    sys.exit(main())
