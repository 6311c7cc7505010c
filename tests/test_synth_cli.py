"""``connectomedb synth``: files, summary, refusal to overwrite, --force and variants."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import h5py
from click.testing import CliRunner
from support.datasets import SYNTH_FILES

from connectomedb.cli import main
from connectomedb.synth import generate


def test_synth_writes_a_complete_folder(tmp_path: Path) -> None:
    out = tmp_path / "data" / "tiny"
    result = CliRunner().invoke(main, ["synth", str(out), "--scale", "tiny", "--seed", "4"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(SYNTH_FILES)
    # Nothing staged is left behind, and the folder is readable by others like any folder.
    assert sorted(p.name for p in out.parent.iterdir()) == ["tiny"]
    assert out.stat().st_mode & stat.S_IROTH
    truth = json.loads((out / "truth.json").read_text())
    assert truth == {**generate("tiny", 4).truth, "variant": ["current"], "files": truth["files"]}
    # The summary names what was written, with the counts of the truth.
    assert "synapses.hdf5" in result.output
    assert f"{truth['counts']['synapses']:,}" in result.output


def test_synth_refuses_a_non_empty_folder_without_force(tmp_path: Path) -> None:
    out = tmp_path / "d"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = CliRunner().invoke(main, ["synth", str(out), "-q"])
    assert result.exit_code == 2
    assert "exists and is not empty" in result.output and "--force" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def test_synth_force_with_variants_replaces_dataset_files(tmp_path: Path) -> None:
    out = tmp_path / "d"
    runner = CliRunner()
    assert runner.invoke(main, ["synth", str(out), "-q"]).exit_code == 0
    (out / "notes.txt").write_text("mine")
    result = runner.invoke(
        main,
        ["synth", str(out), "-q", "--force", "--variant", "old-names", "--variant", "minimal"],
    )
    assert result.exit_code == 0, result.output
    assert not (out / "connectome.csv").exists() and not (out / "segments.hdf5").exists()
    assert (out / "notes.txt").read_text() == "mine"
    with h5py.File(out / "dendrites.hdf5", "r") as f:
        assert "targetClasses" in f and "dendrites" not in f
    truth = json.loads((out / "truth.json").read_text())
    assert truth["variant"] == ["minimal", "old-names"]


def test_synth_help_has_an_example() -> None:
    result = CliRunner().invoke(main, ["synth", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "--scale" in result.output
