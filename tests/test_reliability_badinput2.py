"""Bad input, second round: what crashed, hung or loaded silently wrong before. Each case has
its exact message, exits with code 3 through the real command without a traceback, and leaves
both stores byte-for-byte as they were (an older dataset is loaded first, and every broken
folder is loaded over it with ``--replace``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import pytest
from support.badinput import CASES2, CHANGED
from support.cli import CLI, cli_env, load_args, run_cli_as, run_load, server_user_home
from support.reliability import OLDER_DATASET, assert_as_loaded, assert_refused, load_over

from connectomedb.errors import InputError
from connectomedb.etl.extract import read_dataset
from connectomedb.etl.pipeline import PAUSE_AT_ENV, PAUSE_FILE_ENV

DATASET = OLDER_DATASET


@pytest.mark.parametrize("case", CASES2, ids=[c.name for c in CASES2])
def test_each_case_has_its_message_and_changes_nothing(
    case: object, valid_tiny_folder: Path, older_l4_stores: dict, tmp_path: Path
) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(valid_tiny_folder, folder)
    expected = case.mutate(folder)  # type: ignore[attr-defined]
    for fast in (True, False):
        with pytest.raises(InputError) as info:
            read_dataset(folder, fast=fast)
        assert str(info.value) == expected
    assert len(str(info.value)) < 1000
    assert_refused(older_l4_stores, load_over(older_l4_stores, folder, timeout=120), expected)


def test_the_older_dataset_reads_as_before(older_l4_stores: dict) -> None:
    assert_as_loaded(older_l4_stores)


# --- files that change while they are read ---------------------------------------------------


def test_truncated_while_read(valid_tiny_folder: Path, tmp_path: Path) -> None:
    folder = tmp_path / "d"
    shutil.copytree(valid_tiny_folder, folder)
    size = (folder / "synapses.hdf5").stat().st_size

    def progress(message: str) -> None:
        if message == "reading synapses.hdf5":
            os.truncate(folder / "synapses.hdf5", 50_000)

    with pytest.raises(InputError) as info:
        read_dataset(folder, progress=progress)
    assert str(info.value) == (
        f"{folder}/synapses.hdf5: expected a file that does not change while it is read, found "
        f"it changed during the read (size {size} → 50000 bytes). {CHANGED}"
    )


def test_modified_in_place_after_it_was_read(valid_tiny_folder: Path, tmp_path: Path) -> None:
    folder = tmp_path / "d"
    shutil.copytree(valid_tiny_folder, folder)

    def progress(message: str) -> None:
        if message == "reading connectome.csv":  # axons.hdf5 is read by now
            path = folder / "axons.hdf5"
            data = bytearray(path.read_bytes())
            data[-1] ^= 0xFF
            path.write_bytes(data)

    with pytest.raises(InputError) as info:
        read_dataset(folder, progress=progress)
    assert str(info.value) == (
        f"{folder}/axons.hdf5: expected a file that does not change while it is read, found "
        f"it changed during the read (it was modified in place). {CHANGED}"
    )


def test_replaced_while_read_through_the_command(
    valid_tiny_folder: Path, older_l4_stores: dict, tmp_path: Path
) -> None:
    folder = tmp_path / "d"
    shutil.copytree(valid_tiny_folder, folder)
    pause = tmp_path / "pause"
    env = {PAUSE_AT_ENV: "extract:dendrites.hdf5", PAUSE_FILE_ENV: str(pause)}
    proc = subprocess.Popen(
        [
            CLI,
            *load_args(
                folder, DATASET, older_l4_stores["home"], older_l4_stores["url"], "--replace"
            ),
        ],
        env=cli_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        reached = Path(f"{pause}.reached")
        for _ in range(1200):
            if reached.exists() or proc.poll() is not None:
                break
            subprocess.run(["sleep", "0.05"], check=True)
        assert reached.exists()
        # A copy finishing: the file is written anew and renamed over the old one.
        new = folder / "dendrites.hdf5.part"
        shutil.copyfile(folder / "dendrites.hdf5", new)
        os.replace(new, folder / "dendrites.hdf5")
        Path(f"{pause}.go").touch()
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    result = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    assert_refused(
        older_l4_stores,
        result,
        (
            f"{folder}/dendrites.hdf5: expected a file that does not change while it is read, "
            f"found it changed during the read (it was replaced by another file). {CHANGED}"
        ),
    )


def test_a_truncated_file_never_kills_the_reader(valid_tiny_folder: Path, tmp_path: Path) -> None:
    """The file is cut to a tenth just after the fast reader took its bytes: a memory-mapped
    reader died of SIGBUS here. Now the read finishes and the change is reported."""
    folder = tmp_path / "d"
    shutil.copytree(valid_tiny_folder, folder)
    script = f"""
import os, sys
from connectomedb.errors import InputError
from connectomedb.etl.extract import fastsets, read_dataset
original = fastsets.read_whole
def read_then_truncate(file):
    data = original(file)
    os.truncate(file, len(data) // 10)
    return data
fastsets.read_whole = read_then_truncate
try:
    read_dataset({str(folder)!r})
except InputError as error:
    print(error)
    sys.exit(3)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 3, (result.returncode, result.stderr)
    assert result.stdout.startswith(
        f"{folder}/axons.hdf5: expected a file that does not "
        "change while it is read, found it changed during the read"
    )
    assert "Traceback" not in result.stderr


# --- accepted input ----------------------------------------------------------------------------


def test_counts_padded_with_spaces_are_accepted(valid_tiny_folder: Path, tmp_path: Path) -> None:
    folder = tmp_path / "d"
    shutil.copytree(valid_tiny_folder, folder)
    path = folder / "connectome.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    padded = [lines[0]] + [
        ",".join([cells[0]] + [f" {c}" if i % 2 else f"{c}  " for i, c in enumerate(cells[1:])])
        for cells in (line.split(",") for line in lines[1:])
    ]
    path.write_text("\n".join(padded) + "\n", encoding="utf-8")
    assert path.read_text() != "\n".join(lines) + "\n"
    got = read_dataset(folder).connectome
    want = read_dataset(valid_tiny_folder).connectome
    assert got is not None and want is not None
    assert got.entries.equals(want.entries)
    assert got.row_classes == want.row_classes and got.col_classes == want.col_classes


# --- contradictory category attributes -----------------------------------------------------------


def test_contradictory_category_attributes_warn(
    valid_tiny_folder: Path, fresh_embedded_db_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "d"
    shutil.copytree(valid_tiny_folder, folder)
    with h5py.File(folder / "axons.hdf5", "r+") as f:
        attrs = f["/axons/class"].attrs
        del attrs["inhibitory"]
        attrs["thalamocortical"] = 3  # the published table: thalamocortical 2, inhibitory 3
        codes = f["/axons/class"][()]
    n2, n3 = int((codes == 2).sum()), int((codes == 3).sum())
    assert n2 and n3
    file = f"{folder}/axons.hdf5"
    expected = [
        f"{file}: code 2 of the axons' categories has no attribute in the file (the published "
        f"table names it 'thalamocortical'): {n2} axons load as Unknown.",
        f"{file}: the axons' category attribute 'thalamocortical' gives code 3; the published "
        f"table gives 'thalamocortical' code 2 and code 3 to 'inhibitory'. The file's "
        f"attributes win: {n3} axons with code 3 load as Thalamocortical.",
    ]
    assert read_dataset(folder).warnings == expected
    result = run_load(folder, "contra", tmp_path / "home", fresh_embedded_db_url)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "".join(f"Warning: {w}\n" for w in expected)


# --- the file system ---------------------------------------------------------------------------


def test_a_folder_that_cannot_be_searched(valid_tiny_folder: Path, older_l4_stores: dict) -> None:
    """Root may search any folder, so the command runs as the embedded server's user."""
    with server_user_home("cdb-nosearch-") as (user, scratch, home):
        folder = scratch / "data"
        shutil.copytree(valid_tiny_folder, folder)
        for path in [*folder.iterdir()]:
            path.chmod(0o644)
        folder.chmod(0o744)  # readable by others, not searchable
        result = run_cli_as(
            user,
            *load_args(folder, DATASET, home, older_l4_stores["url"], "--replace"),
            env=cli_env(HOME=str(home)),
        )
        assert_refused(
            older_l4_stores,
            result,
            (
                f"{folder}: expected a folder whose files may be opened (permission to search it, "
                "x), found Permission denied. Check the folder permissions: chmod u+rx on it."
            ),
        )
