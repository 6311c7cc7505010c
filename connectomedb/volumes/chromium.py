"""Headless Chromium over the DevTools protocol (a WebSocket; package ``websockets``): start
it off the network with a fresh profile, send commands, collect events, stop it with its
helper processes. The viewer check (:func:`connectomedb.volumes.viewer.check_in_chromium`)
drives it; so do the tests of the HTML report."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

#: Flags that keep Chromium off the network and away from any profile state.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
)


class BrowserError(RuntimeError):
    """Chromium is missing, did not start, or the page could not be inspected."""


def find_chromium() -> str:
    """The Chromium executable (``CONNECTOMEDB_CHROMIUM``, else ``chromium`` on the PATH)."""
    candidates = [os.environ.get("CONNECTOMEDB_CHROMIUM"), "chromium", "chromium-browser"]
    for name in candidates:
        if name and (path := shutil.which(name)):
            return path
    raise BrowserError(
        "Chromium was not found (looked for $CONNECTOMEDB_CHROMIUM, 'chromium' and "
        "'chromium-browser' on the PATH). Install it, e.g. 'apt-get install -y chromium', "
        "or set CONNECTOMEDB_CHROMIUM to its path."
    )


class Devtools:
    """A minimal DevTools protocol session over one WebSocket (flat sessions)."""

    def __init__(self, ws: Any) -> None:
        self._ws = ws
        self._ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = 60.0,
    ) -> dict[str, Any]:
        message_id = next(self._ids)
        message: dict[str, Any] = {"id": message_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._ws.send(json.dumps(message))
        deadline = time.monotonic() + timeout
        while True:
            reply = json.loads(self._ws.recv(timeout=max(deadline - time.monotonic(), 0.01)))
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise BrowserError(f"DevTools {method} failed: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 60.0) -> dict[str, Any]:
        for index, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(index)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BrowserError(f"timed out after {timeout:.0f} s waiting for {method}")
            event = json.loads(self._ws.recv(timeout=remaining))
            if event.get("method") == method:
                return event
            self.events.append(event)


def console_errors(events: list[dict[str, Any]]) -> list[str]:
    errors = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            errors.append(f"console.{params['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            description = details.get("exception", {}).get("description") or details.get("text")
            errors.append(f"uncaught exception: {description}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            errors.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}")
    return errors


def external_requests(events: list[dict[str, Any]]) -> list[str]:
    urls = []
    for event in events:
        if event.get("method") == "Network.requestWillBeSent":
            url = event.get("params", {}).get("request", {}).get("url", "")
            if not url.startswith(("file:", "data:", "blob:", "about:")):
                urls.append(url)
    return urls


def start(
    chromium: str, profile: Path, extra_flags: tuple[str, ...] = ()
) -> tuple[subprocess.Popen[bytes], str]:
    process = subprocess.Popen(
        [
            chromium,
            *CHROMIUM_FLAGS,
            *extra_flags,
            f"--user-data-dir={profile}",
            "--remote-debugging-port=0",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        # Its own process group, so stopping it also stops its helper processes.
        start_new_session=True,
    )
    # Chromium writes the port it picked to DevToolsActivePort once it listens.
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise BrowserError(f"Chromium exited with code {process.returncode}: {stderr[-2000:]}")
        if port_file.exists():
            lines = port_file.read_text().split()
            if len(lines) >= 2:
                return process, f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        time.sleep(0.05)
    process.kill()
    raise BrowserError("Chromium did not open its DevTools port within 60 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop Chromium and its helper processes (its process group), then reap it."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=10)
            break
        except subprocess.TimeoutExpired:
            continue
    if process.stderr:
        process.stderr.close()
