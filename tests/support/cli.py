"""Running the command line in the tests: in process (:func:`cli_runner`, a click test runner)
or as the real ``connectomedb`` program in a subprocess (:func:`run_cli`, :func:`run_cli_as`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

#: The installed ``connectomedb`` program beside this Python.
CLI = str(Path(sys.executable).with_name("connectomedb"))


def cli_runner() -> CliRunner:
    """A click test runner that keeps stderr apart from stdout under every supported click:
    click 8.2 and later always capture the two streams apart; click 8.1 (which the NML
    reader's library pins) mixes them unless asked not to."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:
        return CliRunner()  # click >= 8.2


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a ``connectomedb`` subprocess: no CONNECTOMEDB_* settings leak in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTOMEDB_")}
    env.update(extra)
    return env


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``connectomedb ARGS`` in a subprocess; stdout and stderr captured as text."""
    return subprocess.run(
        [CLI, *args],
        capture_output=True,
        text=True,
        env=env if env is not None else cli_env(),
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def run_cli_as(user: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``connectomedb ARGS`` as the unprivileged system user ``user`` (root reads and writes
    every file whatever its mode, so permission tests need another user)."""
    return subprocess.run(
        ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", CLI, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
