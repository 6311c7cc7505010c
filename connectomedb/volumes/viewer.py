"""Seeing it: neuroglancer, served locally, on the registered EM and segmentation cubes.

:func:`focus` finds where an object is (a synapse, axon, target or a point) and which segments
make it up; :func:`build_viewer` crops a box around it from the registered volumes (one read per
cube), serves it with the ``neuroglancer`` package's bundled client on 127.0.0.1 (nothing is
fetched from the internet) and selects the object's segments. Coordinates in the viewer are
the published global voxel coordinates (1-based). :func:`check_in_chromium` opens the viewer in
headless Chromium and reports its layers, console errors and a screenshot.
"""

from __future__ import annotations

import json
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import psycopg

from connectomedb.errors import QueryError
from connectomedb.volumes.catalogue import registered
from connectomedb.volumes.cubes import Volume
from connectomedb.volumes.grid import inside
from connectomedb.volumes.locate import volume_of
from connectomedb.volumes.lookup import read_box, read_points

#: Voxel size in nm (x, y, z).
VOXEL_NM = (11.24, 11.24, 28.0)
#: Default half-size of the box shown around the object, voxels (x, y, z): ~1.4 µm each way.
RADIUS = (128, 128, 48)

_CENTRE = {
    "synapse": "SELECT syn_x, syn_y, syn_z FROM synapse s JOIN dataset d USING (dataset_id)"
    " WHERE d.name = %(n)s AND s.synapse_id = %(id)s",
    "axon": "SELECT x, y, z FROM axon_skeleton_node s JOIN dataset d USING (dataset_id)"
    " WHERE d.name = %(n)s AND s.axon_id = %(id)s ORDER BY node_index",
    "target": "SELECT x, y, z FROM target_skeleton_node s JOIN dataset d USING (dataset_id)"
    " WHERE d.name = %(n)s AND s.target_id = %(id)s ORDER BY node_index",
}
_SEGMENTS = {
    "synapse": "SELECT segment_id FROM synapse_pre_segment s JOIN dataset d USING (dataset_id)"
    " WHERE d.name = %(n)s AND s.synapse_id = %(id)s UNION SELECT segment_id"
    " FROM synapse_post_segment s JOIN dataset d USING (dataset_id)"
    " WHERE d.name = %(n)s AND s.synapse_id = %(id)s",
    "axon": "SELECT segment_id FROM axon_segment s JOIN dataset d USING (dataset_id)"
    " WHERE d.name = %(n)s AND s.axon_id = %(id)s",
    "target": "SELECT segment_id FROM target_segment s JOIN dataset d USING (dataset_id)"
    " WHERE d.name = %(n)s AND s.target_id = %(id)s",
}


@dataclass(frozen=True)
class Focus:
    """What to show: ``label`` (e.g. ``synapse 12``), ``centre`` (x, y, z) and its segments."""

    label: str
    centre: tuple[int, int, int]
    segments: tuple[int, ...]


def focus(
    conn: psycopg.Connection, dataset: str, what: str, ident: int | tuple[int, int, int]
) -> Focus:
    """Where ``what`` (``synapse``, ``axon``, ``target`` or ``point``) ``ident`` is."""
    if what == "point":
        xyz = tuple(int(v) for v in ident)  # type: ignore[union-attr]
        seg = read_points([xyz], volume_of(conn, dataset, "segmentation")).values
        return Focus(f"point {xyz}", xyz, tuple(int(s) for s in seg if s))  # type: ignore[arg-type]
    params = {"n": dataset, "id": int(ident)}  # type: ignore[arg-type]
    rows = conn.execute(_CENTRE[what], params).fetchall()
    if not rows:
        raise QueryError(f"dataset {dataset!r} has no {what} {ident} (with a position).")
    nodes = np.array(rows, dtype=np.float64)
    # The node nearest the skeleton's centroid: on the neurite, in the middle of it.
    centre = nodes[np.argmin(((nodes - nodes.mean(axis=0)) ** 2).sum(axis=1))]
    segments = sorted(int(r[0]) for r in conn.execute(_SEGMENTS[what], params))
    return Focus(f"{what} {ident}", tuple(int(v) for v in centre), tuple(segments))  # type: ignore[arg-type]


def build_viewer(
    conn: psycopg.Connection,
    dataset: str,
    where: Focus,
    *,
    radius: tuple[int, int, int] = RADIUS,
    port: int = 0,
) -> Any:
    """A neuroglancer viewer served on 127.0.0.1:``port`` (0: any free port) showing the EM,
    the segmentation (the object's segments selected) and, if registered, the mapped
    segmentation, in a box of ``radius`` voxels around the object."""
    import neuroglancer

    seg = volume_of(conn, dataset, "segmentation")
    if not inside(np.array([where.centre]), seg.extent)[0]:
        raise QueryError(f"{where.label} at {where.centre} is outside the segmentation volume.")
    lo = np.maximum(np.array(where.centre) - radius, seg.extent[0])
    hi = np.minimum(np.array(where.centre) + radius, seg.extent[1])
    neuroglancer.set_server_bind_address("127.0.0.1", port)
    dims = neuroglancer.CoordinateSpace(
        names=["z", "y", "x"], units="nm", scales=list(VOXEL_NM[::-1])
    )
    offset = [int(v) for v in lo[::-1]]  # published 1-based coordinates, [z, y, x]

    def source(volume: Volume, kind: str | None = None, data: Any = None) -> Any:
        return neuroglancer.LocalVolume(
            read_box(volume, lo, hi) if data is None else data,
            dimensions=dims,
            voxel_offset=offset,
            volume_type=kind,
        )

    seg_box = read_box(seg, lo, hi)
    # Only segments inside the box can be drawn (a mesh request for any other never ends).
    shown = sorted(set(where.segments) & set(np.unique(seg_box).tolist()) - {0})

    viewer = neuroglancer.Viewer()
    with viewer.txn() as state:
        state.dimensions = neuroglancer.CoordinateSpace(
            names=["x", "y", "z"], units="nm", scales=list(VOXEL_NM)
        )
        em = registered(conn, dataset, "em")
        if em is not None:
            state.layers["em"] = neuroglancer.ImageLayer(source=source(em, "image"))
        state.layers["segmentation"] = neuroglancer.SegmentationLayer(
            source=source(seg, "segmentation", seg_box),
            segments=shown,
            # The object's segments bright, every other segment faint around them.
            selected_alpha=0.8,
            not_selected_alpha=0.15,
        )
        mapped = registered(conn, dataset, "mapped-segmentation")
        if mapped is not None:
            state.layers.append(
                name="mapped segmentation",
                layer=neuroglancer.SegmentationLayer(source=source(mapped, "segmentation")),
                visible=False,
            )
        state.position = [v + 0.5 for v in where.centre]
        # Zoomed so that the box fills a panel of ~400 pixels (scale: voxels per pixel).
        state.cross_section_scale = max(2 * radius[0] / 400, 0.05)
        state.layout = "4panel"
    return viewer


# --- headless check ------------------------------------------------------------------------

_LAYERS_JS = """
new Promise((resolve) => {
  const started = Date.now();
  const poll = () => {
    const v = window.viewer;
    const layers = v ? v.layerManager.managedLayers.map((l) => ({
      name: l.name,
      created: Boolean(l.layer),
      sources: l.layer ? l.layer.dataSources.map((d) => d.loadState === undefined ? 'pending'
        : (d.loadState.error ? 'error: ' + d.loadState.error : 'ok')) : [],
    })) : [];
    const waiting = !v || layers.length < %(expected)d
      || layers.some((l) => !l.created || l.sources.includes('pending')) || !v.isReady();
    if (waiting && Date.now() - started < %(timeout_ms)d) { setTimeout(poll, 200); return; }
    resolve(JSON.stringify({layers, ready: v ? v.isReady() : false}));
  };
  poll();
})
"""

#: Flags that give headless Chromium software WebGL (neuroglancer draws with WebGL 2).
WEBGL_FLAGS = ("--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader")


@dataclass
class ViewerCheck:
    """What headless Chromium saw: per layer its name and data-source states, whether the
    viewer reported itself ready, errors, requests that left 127.0.0.1, a PNG screenshot."""

    layers: list[dict[str, Any]]
    ready: bool
    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    screenshot: bytes | None = None


def check_in_chromium(
    viewer: Any, *, timeout: float = 60.0, size: tuple[int, int] = (960, 720)
) -> ViewerCheck:
    """Open ``viewer`` in headless Chromium; wait until its layers have loaded; screenshot it."""
    from websockets.sync.client import connect

    from connectomedb.volumes import chromium

    url = viewer.get_viewer_url()
    expected = len(viewer.state.layers)
    with tempfile.TemporaryDirectory(
        prefix="connectomedb-viewer-", ignore_cleanup_errors=True
    ) as tmp:
        process, ws_url = chromium.start(chromium.find_chromium(), Path(tmp), WEBGL_FLAGS)
        try:
            with connect(ws_url, max_size=None, open_timeout=30) as ws:
                tools = chromium.Devtools(ws)
                target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
                session = tools.send(
                    "Target.attachToTarget", {"targetId": target, "flatten": True}
                )["sessionId"]
                for domain in ("Page", "Runtime", "Log", "Network"):
                    tools.send(f"{domain}.enable", session=session)
                tools.send(
                    "Emulation.setDeviceMetricsOverride",
                    {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": False},
                    session=session,
                )
                tools.send("Page.navigate", {"url": url}, session=session)
                tools.wait_for("Page.loadEventFired", timeout=timeout)
                js = _LAYERS_JS % {"expected": expected, "timeout_ms": int(timeout * 1000)}
                result = tools.send(
                    "Runtime.evaluate",
                    {"expression": js, "awaitPromise": True, "returnByValue": True},
                    session=session,
                    timeout=timeout + 30,
                )
                state = json.loads(result["result"]["value"])
                shot = _screenshot(viewer, size, timeout)
                errors = [
                    e for e in chromium.console_errors(tools.events) if "/favicon.ico" not in e
                ]
                outside = [
                    u for u in chromium.external_requests(tools.events)
                    if not u.startswith(("http://127.0.0.1:", "ws://127.0.0.1:"))
                ]  # fmt: skip
                return ViewerCheck(state["layers"], bool(state["ready"]), errors, outside, shot)
        finally:
            chromium.stop(process)


def _screenshot(viewer: Any, size: tuple[int, int], timeout: float) -> bytes | None:
    """neuroglancer's own screenshot: taken by the client once every visible chunk is drawn."""
    got: dict[str, Any] = {}

    def take() -> None:
        try:
            got["png"] = viewer.screenshot(size=list(size)).screenshot.image
        except Exception as error:  # reported as "no screenshot", the layers say why
            got["error"] = error

    worker = threading.Thread(target=take, daemon=True)
    worker.start()
    worker.join(timeout)
    return got.get("png")
