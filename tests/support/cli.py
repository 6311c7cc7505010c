"""Running the command line in the tests: in process (:func:`cli_runner`, a click test runner;
:func:`invoke_ok`) or as the real ``connectomedb`` program in a subprocess (:func:`run_cli`,
:func:`run_cli_as`, :func:`run_load`).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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


def invoke_ok(*args: str) -> str:
    """``connectomedb ARGS`` in process; it must succeed. Returns what it printed."""
    from connectomedb.cli import main

    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def info_graph_rows(output: str) -> dict[str, dict[str, str]]:
    """The table of the graph's datasets that ``connectomedb info`` printed, as dataset name →
    {column: cell}. Print it wide enough for every cell to fit on one line (``COLUMNS``)."""
    lines = output.split("Datasets in the graph", 1)[1].splitlines()
    header = next(line for line in lines if line.startswith("┃"))
    columns = [c.strip() for c in header.strip("┃").split("┃")]
    rows = {}
    for line in lines:
        if line.startswith("│"):
            cells = [c.strip() for c in line.strip("│").split("│")]
            assert len(cells) == len(columns), line
            rows[cells[0]] = dict(zip(columns, cells, strict=True))
    return rows


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


#: The unprivileged system user the embedded PostgreSQL runs as.
SERVER_USER = "embedded_postgres"


@contextmanager
def server_user_home(prefix: str) -> Iterator[tuple[str, Path, Path]]:
    """A scratch folder anyone may enter, holding a ``home`` owned by :data:`SERVER_USER`.

    Root reads and writes every file whatever its mode, so the permission tests run the command
    as that user (it can also reach the embedded server's socket). Not under pytest's temporary
    folder, which is private to root. Yields (user name, scratch folder, home); the scratch
    folder is removed afterwards."""
    user = pwd.getpwnam(SERVER_USER)
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        scratch.chmod(0o755)
        home = scratch / "home"
        home.mkdir()
        home.chmod(0o755)
        os.chown(home, user.pw_uid, user.pw_gid)
        yield user.pw_name, scratch, home
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def load_args(folder: Path, dataset: str, home: Path, url: str, *options: str) -> list[str]:
    """The arguments of a quiet load of ``folder`` as ``dataset`` into the graph home ``home``
    and the database ``url``, with ``options`` (``--replace``...)."""
    return [
        "load",
        str(folder),
        "--dataset",
        dataset,
        *options,
        "--quiet",
        "--home",
        str(home),
        "--postgres-url",
        url,
    ]


def run_load(
    folder: Path,
    dataset: str,
    home: Path,
    url: str,
    *options: str,
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """``connectomedb load`` (see :func:`load_args`) in a subprocess."""
    return run_cli(*load_args(folder, dataset, home, url, *options), env=env, timeout=timeout)


def run_grant_reader(login: str, password: str, *options: str) -> subprocess.CompletedProcess[str]:
    """``connectomedb db grant-reader LOGIN OPTIONS``, the password given in the environment:
    it succeeds and prints no password."""
    granted = run_cli(
        "db",
        "grant-reader",
        login,
        *options,
        env=cli_env(CONNECTOMEDB_READER_PASSWORD=password),
    )
    assert granted.returncode == 0, granted.stderr
    assert password not in granted.stdout + granted.stderr
    return granted
