"""The rows a PostgreSQL load copies, built in a thread beside the COPY (FrameFeed), and the
per-source cache both stores' transforms share across threads."""

from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd
import pytest
from support.datasets import handmade_source

from connectomedb.errors import InputError
from connectomedb.etl.load.postgres.copy_plan import copy_plan
from connectomedb.etl.load.postgres.feed import FrameFeed
from connectomedb.etl.per_source import per_source
from connectomedb.etl.tables import Column, TableFrame
from connectomedb.etl.transform import iter_frames, source_row_counts, transform


def _steps(feed: FrameFeed) -> list:
    return list(feed)


def test_the_feed_hands_over_every_table_as_the_copy_plan_checks_it() -> None:
    source = handmade_source()
    plan = {step.table.name: step for step in copy_plan(transform(source))}
    with FrameFeed(iter_frames(source), lambda: source_row_counts(source)) as feed:
        steps = _steps(feed)
        assert sorted(s.table.name for s in steps) == sorted(plan)
        for step in steps:
            want = plan[step.table.name]
            assert step.column_names == want.column_names
            for got, expected in zip(step.columns, want.columns, strict=True):
                if expected.values is None:
                    assert got.values is None and got.constant == expected.constant
                else:
                    assert pd.Series(got.values).equals(pd.Series(expected.values))
                    assert (got.null is None) == (expected.null is None)
                    if got.null is not None:
                        assert np.array_equal(got.null, expected.null)
        assert feed.expected == source_row_counts(source)
        assert feed.rows == sum(s.rows for s in steps)


def test_a_value_that_does_not_fit_raises_in_the_consuming_thread() -> None:
    source = handmade_source()
    source.synapses.target_id[1] = 2**40
    feed = FrameFeed(iter_frames(source), lambda: source_row_counts(source))
    with feed, pytest.raises(InputError) as info:
        _steps(feed)
    assert str(info.value) == (
        "synapses.hdf5: table synapse, column target_id: element 2: expected a value that fits"
        " PostgreSQL int4, found 1099511627776."
    )


def _segments(n: int) -> TableFrame:
    return TableFrame(
        "segment",
        n,
        (
            Column("segment_id", np.arange(1, n + 1, dtype=np.int64)),
            *(Column(a, np.zeros(n, np.int32)) for a in "xyz"),
            Column("voxel_count", np.ones(n, np.int64)),
        ),
    )


def test_the_feed_builds_ahead_only_within_its_budget() -> None:
    built: list[int] = []

    def frames():
        for k in range(6):
            built.append(k)
            yield _segments(1000)  # 28,000 bytes each

    feed = FrameFeed(frames(), dict, budget=60_000)
    with feed:
        deadline = time.monotonic() + 30
        while len(built) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)
        # two wait (56,000 bytes) and the third is built, waiting for room
        assert built == [0, 1, 2]
        assert len(_steps(feed)) == 6


def test_closing_the_feed_stops_its_thread() -> None:
    def frames():
        while True:
            yield _segments(1000)

    feed = FrameFeed(frames(), dict, budget=10_000)
    next(iter(feed))
    feed.close()
    assert not feed._thread.is_alive()


def test_per_source_builds_once_when_two_threads_ask_at_once() -> None:
    calls: list[int] = []

    @per_source
    def slow(source: object) -> list[int]:
        calls.append(1)
        time.sleep(0.1)
        return [len(calls)]

    source = handmade_source()
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(slow(source))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1]
    assert all(r is results[0] for r in results)
