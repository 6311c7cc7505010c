"""Fuzzing the reader: mutate a valid tiny dataset at random and read it.

Every case copies a valid ``tiny`` folder, applies one seeded mutation (flipped bytes, a
truncation, a dataset with another shape or dtype, a deleted member or attribute, an extreme
value, a CSV edit) and reads and transforms the folder in a forked child with a time
limit. A case passes when the child either exits with code 3 and one ``InputError`` line,
or reads and transforms the folder without error; a signal, a traceback, any other exit
code or a hang fails it.

Run: ``python -m bench.fuzz --cases 1000 [--seed 0] [--timeout 60]``; the CI test runs a few
hundred in-process (``tests/test_reliability_fuzz.py``).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import h5py
import numpy as np

FILES = ("axons.hdf5", "dendrites.hdf5", "synapses.hdf5", "segments.hdf5")
DTYPES = (
    "int8",
    "uint8",
    "int16",
    "uint32",
    "int64",
    "uint64",
    "float16",
    "float32",
    "float64",
    "bool",
    "S4",
)


def _datasets(path: Path) -> list[str]:
    names: list[str] = []
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: names.append("/" + n) if isinstance(o, h5py.Dataset) else None)
    return names


def _members(path: Path) -> list[str]:
    names: list[str] = []
    with h5py.File(path, "r") as f:
        f.visit(lambda n: names.append("/" + n))
    return names


def _flip(d: Path, rng: random.Random) -> str:
    path = d / rng.choice([*FILES, "connectome.csv"])
    data = bytearray(path.read_bytes())
    count = rng.choice([1, 1, 2, 4, 16])
    for _ in range(count):
        i = rng.randrange(len(data))
        data[i] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))
    return f"flip {count} bits of {path.name}"


def _truncate(d: Path, rng: random.Random) -> str:
    path = d / rng.choice([*FILES, "connectome.csv"])
    size = path.stat().st_size
    cut = rng.randrange(size)
    with open(path, "r+b") as fh:
        fh.truncate(cut)
    return f"truncate {path.name} to {cut} of {size} bytes"


def _replace(f: h5py.File, name: str, new: np.ndarray) -> None:
    """Write ``new`` in place of the dataset ``name``, with the same attributes."""
    attrs = dict(f[name].attrs)
    del f[name]
    ds = f.create_dataset(name, data=new)
    for k, v in attrs.items():
        ds.attrs[k] = v


def _reshape(d: Path, rng: random.Random) -> str:
    path = d / rng.choice(FILES)
    name = rng.choice(_datasets(path))
    with h5py.File(path, "r+") as f:
        data = f[name][()]
        flat = np.asarray(data).ravel()
        choice = rng.randrange(4)
        if choice == 0 and flat.size:
            new = flat[: rng.randrange(flat.size)]
        elif choice == 1:
            new = np.concatenate(
                [flat, flat[: rng.randrange(1, 5)] if flat.size else np.zeros(3, dtype=flat.dtype)]
            )
        elif choice == 2:
            new = flat.reshape(-1, 1) if flat.size else flat.reshape(0, 1)
        else:
            new = np.asarray(data).T if np.asarray(data).ndim == 2 else flat.reshape(1, -1)
        _replace(f, name, new)
    return f"reshape {path.name}:{name} to {new.shape}"


def _retype(d: Path, rng: random.Random) -> str:
    path = d / rng.choice(FILES)
    name = rng.choice(_datasets(path))
    dtype = rng.choice(DTYPES)
    with h5py.File(path, "r+") as f:
        data = np.asarray(f[name][()])
        with np.errstate(all="ignore"):
            new = data.astype(dtype)
        _replace(f, name, new)
    return f"retype {path.name}:{name} to {dtype}"


def _delete(d: Path, rng: random.Random) -> str:
    path = d / rng.choice(FILES)
    name = rng.choice(_members(path))
    with h5py.File(path, "r+") as f:
        if rng.random() < 0.3 and len(f[name].attrs):
            attr = rng.choice(list(f[name].attrs))
            del f[name].attrs[attr]
            return f"delete attribute {attr} of {path.name}:{name}"
        del f[name]
    return f"delete {path.name}:{name}"


def _extreme(d: Path, rng: random.Random) -> str:
    path = d / rng.choice(FILES)
    names = [n for n in _datasets(path)]
    name = rng.choice(names)
    value = rng.choice([np.inf, -np.inf, np.nan, -1, 2**31, 2**32, 2**63 - 1, 1e300, 0.5])
    with h5py.File(path, "r+") as f:
        data = np.asarray(f[name][()])
        if data.size == 0 or data.dtype.kind not in "biuf":
            return f"no numeric value in {path.name}:{name}"
        attrs = dict(f[name].attrs)
        new = data.astype(np.float64)
        new.flat[rng.randrange(new.size)] = value
        del f[name]
        ds = f.create_dataset(name, data=new)
        for k, v in attrs.items():
            ds.attrs[k] = v
    return f"set one value of {path.name}:{name} to {value}"


def _csv(d: Path, rng: random.Random) -> str:
    path = d / "connectome.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    r = rng.randrange(len(lines))
    cells = lines[r].split(",")
    c = rng.randrange(len(cells))
    cells[c] = rng.choice(["", " 3 ", "-1", "x", "1.5", str(2**40), "\x00", "é", '"3"', "3,4"])
    lines[r] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f"csv line {r + 1} cell {c + 1} = {cells[c]!r}"


MUTATIONS: list[Callable[[Path, random.Random], str]] = [
    _flip,
    _flip,
    _truncate,
    _reshape,
    _retype,
    _delete,
    _delete,
    _extreme,
    _csv,
]


def mutate(valid: Path, dest: Path, seed: int) -> str:
    """Copy ``valid`` to ``dest`` and apply the mutation of case ``seed``."""
    shutil.copytree(valid, dest)
    rng = random.Random(seed)
    return rng.choice(MUTATIONS)(dest, rng)


def read_and_transform(folder: Path) -> int:
    """What the load does before touching a store: read and validate, transform. Returns the
    rows the transform made."""
    from connectomedb.etl.extract import read_dataset
    from connectomedb.etl.transform import transform
    from connectomedb.etl.transform_graph import graph_frames

    source = read_dataset(folder)
    frames = transform(source)
    graph_frames(source)
    return sum(f.n for f in frames.values())


def _child(folder: Path, conn: Any) -> None:
    import io
    import traceback

    from connectomedb.errors import InputError

    code, text = 0, "read"
    try:
        read_and_transform(folder)
    except InputError as error:
        code, text = 3, str(error)
    except BaseException:  # reported as a failure of the case
        buf = io.StringIO()
        traceback.print_exc(file=buf)
        code, text = 1, buf.getvalue()
    conn.send(text)
    conn.close()
    os._exit(code)


def run_case(folder: Path, timeout: float) -> tuple[bool, str]:
    """Read ``folder`` in a forked child (so a signal or a hang is seen, not suffered):
    (passed, what happened)."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(folder, child))
    proc.start()
    child.close()
    text: str | None = None
    answered = parent.poll(timeout)
    if answered:
        try:
            text = parent.recv()
        except EOFError:  # the child died without a word: a signal
            pass
    proc.join(30 if answered else 0.1)
    if proc.exitcode is None:
        proc.kill()
        proc.join()
        return False, f"hang (> {timeout} s)"
    if proc.exitcode < 0:
        return False, f"killed by signal {-proc.exitcode}"
    if proc.exitcode == 0:
        return True, "read"
    if proc.exitcode == 3 and text and "Traceback" not in text and "\n" not in text:
        return True, "refused: " + text[:160]
    return False, f"exit {proc.exitcode}: {(text or '')[-3000:]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0, help="first case's seed")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per case")
    args = parser.parse_args(argv)
    from connectomedb.synth import generate, write

    with tempfile.TemporaryDirectory(prefix="cdb-fuzz-") as tmp:
        valid = Path(tmp) / "valid"
        write(generate("tiny", 0), valid)
        read_and_transform(valid)  # imports everything once: the forked children share it
        failures = 0
        outcomes = {"read": 0, "refused": 0}
        started = time.perf_counter()
        for seed in range(args.seed, args.seed + args.cases):
            case = Path(tmp) / f"case-{seed}"
            what = mutate(valid, case, seed)
            passed, result = run_case(case, args.timeout)
            outcomes["read" if result == "read" else "refused"] += passed
            if not passed:
                failures += 1
                print(f"FAIL seed {seed}: {what}: {result}", flush=True)
            if (seed - args.seed + 1) % 50 == 0:
                print(f"{seed - args.seed + 1} cases, {failures} failed", flush=True)
            shutil.rmtree(case, ignore_errors=True)
        seconds = time.perf_counter() - started
    print(
        f"{args.cases} cases in {seconds:.1f} s: {outcomes['read']} read, "
        f"{outcomes['refused']} refused with an InputError, {failures} failed"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
