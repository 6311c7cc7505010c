"""Fuzzing: valid tiny files mutated at random (seeded) are either refused with an InputError
(exit code 3) or read into consistent data; never a traceback, a signal or a hang, and a
refused load leaves both stores as they were.

A fixed set of 300 seeded cases runs here (about 15 s on an idle machine), each read in a
forked child; the slow run is ``python -m bench.fuzz --cases N``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.cli import run_cli
from support.datasets import valid_dataset
from support.fingerprints import graph_files, pg_fingerprint
from support.warehouse import assert_dataset_equals

from bench.fuzz import mutate, read_and_transform, run_case
from connectomedb.errors import InputError
from connectomedb.etl.extract import read_dataset

CASES = 300
#: Seeds that once failed (``bench.fuzz``): they run first, every time.
REGRESSIONS = [1664, 2352]


@pytest.fixture(scope="module")
def read_valid_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = valid_dataset(tmp_path_factory.mktemp("valid") / "tiny", seed=0)
    read_and_transform(folder)  # imports everything once: the forked children share it
    return folder


def test_mutated_files_are_refused_or_read_never_crash(
    read_valid_folder: Path, tmp_path: Path
) -> None:
    failures: list[str] = []
    outcomes = {"read": 0, "refused": 0}
    for seed in [*REGRESSIONS, *range(CASES)]:
        case = tmp_path / f"case-{seed}"
        what = mutate(read_valid_folder, case, seed)
        passed, result = run_case(case, timeout=60)
        if passed:
            outcomes["read" if result == "read" else "refused"] += 1
        else:
            failures.append(f"seed {seed}: {what}: {result}")
        shutil.rmtree(case, ignore_errors=True)
    assert not failures, "\n".join(failures)
    # Both outcomes occur: the mutations neither all break nor all miss the files.
    assert outcomes["read"] and outcomes["refused"]


#: Seeds whose mutation is refused (3) and seeds whose mutation still reads (0), found with
#: ``bench.fuzz``; the test checks which it is.
CLI_SEEDS = [1000, 1003, 1005, 1009]


@pytest.mark.parametrize("seed", CLI_SEEDS)
def test_mutated_files_through_the_command(
    read_valid_folder: Path, older_l4_stores: dict, tmp_path: Path, seed: int
) -> None:
    url, home = older_l4_stores["url"], older_l4_stores["home"]
    folder = tmp_path / "case"
    mutate(read_valid_folder, folder, seed)
    try:
        read_dataset(folder)
        refused = None
    except InputError as error:
        refused = str(error)
    pg_before, graph_before = pg_fingerprint(url), graph_files(home)
    result = run_cli(
        "load",
        str(folder),
        "--dataset",
        f"fuzz{seed}",
        "--quiet",
        "--home",
        str(home),
        "--postgres-url",
        url,
        timeout=120,
    )
    assert "Traceback" not in result.stdout + result.stderr
    if refused is not None:
        assert result.returncode == InputError.exit_code, result.stderr
        assert result.stderr == f"Error: {refused}\n"
        assert pg_fingerprint(url) == pg_before
        assert graph_files(home) == graph_before
    else:
        assert result.returncode == 0, result.stderr
        assert_dataset_equals(url, f"fuzz{seed}", read_dataset(folder))
