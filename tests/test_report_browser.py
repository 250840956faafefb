"""report.html in headless Chromium: it renders, shows something, logs no console error, and
right-to-left cells really lay out right to left.

Chromium is driven over the DevTools protocol through ``--remote-debugging-pipe`` (JSON messages
on file descriptors 3 and 4), so no websocket library or browser driver is needed. Skipped when
Debian's chromium is not installed, except in CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import struct
import subprocess
import time
import zlib
from pathlib import Path

import pytest

from aligner.formats.report import write_report

from test_report import flores_links
from conftest import missing

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WIDTH, HEIGHT = 1280, 1600


@pytest.fixture(scope="module")
def chromium():
    if CHROMIUM is None:
        missing("chromium is not installed (apt-get install -y chromium)")
    return CHROMIUM


class DevTools:
    """A minimal DevTools-protocol client over Chromium's debugging pipe."""

    def __init__(self, executable: str, profile: Path):
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def wire_pipes():  # runs in the child: the pipe's ends become fds 3 (in) and 4 (out)
            high_in = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD, 10)
            high_out = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD, 10)
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)

        args = [executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"]
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, preexec_fn=wire_pipes, close_fds=False)
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._last_id = 0
        self.events = []

    def _read(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_browser], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise EOFError("chromium closed the debugging pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, params: dict = None, session: str = None, timeout: float = 20) -> dict:
        self._last_id += 1
        message = {"id": self._last_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read(timeout)
            if reply.get("id") == self._last_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def open_page(self, path: Path, width: int = WIDTH, height: int = HEIGHT) -> str:
        """Load a file in a new tab with console, log and page events on; returns the session id."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Page"):
            self.call(f"{domain}.enable", session=session)
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=session)
        self.call("Page.navigate", {"url": path.as_uri()}, session=session)
        self.wait_for("Page.loadEventFired")
        return session

    def wait_for(self, event: str, timeout: float = 20) -> None:
        if any(e.get("method") == event for e in self.events):
            return
        while True:
            message = self._read(timeout)
            self.events.append(message)
            if message.get("method") == event:
                return

    def drain(self, seconds: float) -> None:
        """Collect late events (console messages logged after load)."""
        try:
            while True:
                self.events.append(self._read(seconds))
        except TimeoutError:
            pass

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=5)
        except (OSError, EOFError, TimeoutError, RuntimeError):
            pass
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


def console_problems(events) -> list:
    """Console errors/warnings, uncaught exceptions and failed loads, as one line each."""
    problems = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
            problems.append(f"console.{params['type']}: " + " ".join(str(a.get("value")) for a in params["args"]))
        elif method == "Runtime.exceptionThrown":
            problems.append("exception: " + json.dumps(params["exceptionDetails"])[:300])
        elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
            problems.append(f"log {params['entry']['source']}: {params['entry']['text']}")
    return problems


def png_rows(data: bytes):
    """Width, height and the distinct filtered scanlines of an 8-bit PNG (no imaging library)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, width, height, channels = 8, b"", 0, 0, 0
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8
            channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + width * channels
    assert len(raw) == stride * height
    return width, height, {raw[i:i + stride] for i in range(0, len(raw), stride)}


# Each sentence cell: where does the first line of its text start and end, relative to the cell's content
# box? A line is split into several boxes where scripts mix, so the boxes on the first line are united.
ALIGNMENT_PROBE = """
(() => {
  const out = [];
  for (const cell of document.querySelectorAll('td.text')) {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const rects = Array.from(range.getClientRects());
    const top = Math.min(...rects.map(r => r.top));
    const line = rects.filter(r => r.top < top + 4);
    const box = cell.getBoundingClientRect(), style = getComputedStyle(cell);
    out.push({dir: cell.dir, lang: cell.lang, css: style.direction,
              left: Math.min(...line.map(r => r.left)) - box.left - parseFloat(style.paddingLeft)
                    - parseFloat(style.borderLeftWidth),
              right: box.right - Math.max(...line.map(r => r.right)) - parseFloat(style.paddingRight)
                     - parseFloat(style.borderRightWidth)});
  }
  return JSON.stringify(out);
})()
"""


@pytest.fixture(scope="module")
def rendered(chromium, shared_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    page = folder / "report.html"
    write_report(page, flores_links(shared_dir), notes=["corpora/bad.fa.txt skipped: not UTF-8"],
                 title="FLORES fixture")
    browser = DevTools(chromium, folder / "profile")
    try:
        session = browser.open_page(page)
        shot = base64.b64decode(browser.call("Page.captureScreenshot", {"format": "png"}, session=session)["data"])
        (folder / "report.png").write_bytes(shot)
        probe = browser.call("Runtime.evaluate", {"expression": ALIGNMENT_PROBE, "returnByValue": True},
                             session=session)
        browser.drain(0.3)
    finally:
        browser.close()
    return {"png": shot, "cells": json.loads(probe["result"]["value"]), "events": browser.events}


def test_no_console_errors(rendered):
    assert console_problems(rendered["events"]) == []


def test_screenshot_is_not_blank(rendered):
    width, height, rows = png_rows(rendered["png"])
    assert (width, height) == (WIDTH, HEIGHT)
    # A blank page is one or two distinct scanlines; text, tables and bars give hundreds.
    assert len(rows) > 200


@pytest.mark.parametrize("lang, direction", [("en", "ltr"), ("fa", "rtl"), ("ar", "rtl")])
def test_text_cells_are_laid_out_in_their_direction(rendered, lang, direction):
    cells = [c for c in rendered["cells"] if c["lang"] == lang]
    assert cells
    for cell in cells:
        assert cell["dir"] == direction and cell["css"] == direction
        # text starts at the reading side of the cell: right edge for rtl, left edge for ltr
        start_gap = cell["right"] if direction == "rtl" else cell["left"]
        assert abs(start_gap) < 2, cell


def test_checks_detect_a_broken_page(chromium, tmp_path):
    """The checks above can fail: a script error and a missing image are both reported."""
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><p>x</p><img src="missing.png"><script>undefinedFunction()</script>',
                    encoding="utf-8")
    browser = DevTools(chromium, tmp_path / "profile")
    try:
        browser.open_page(page)
        browser.drain(0.3)
    finally:
        browser.close()
    problems = console_problems(browser.events)
    assert any(p.startswith("exception:") for p in problems)
    assert any("ERR_FILE_NOT_FOUND" in p for p in problems)


LINK_BOX = """
(() => {
  const link = document.querySelector(%s);
  link.scrollIntoView({block: "center"});
  const box = link.getBoundingClientRect();
  return JSON.stringify({x: box.left + box.width / 2, y: box.top + box.height / 2, text: link.textContent});
})()
"""

DOCUMENT_PAGE_PROBE = """
JSON.stringify({url: location.href, title: document.querySelector("h1").textContent,
  unaligned: Array.from(document.querySelectorAll("#unaligned + table td.text"), cell => cell.textContent),
  links: document.querySelectorAll("#links + table tbody tr").length,
  rtl: Array.from(document.querySelectorAll("td.text[dir=rtl]")).every(c => getComputedStyle(c).direction == "rtl")})
"""


def click(browser: DevTools, session: str, selector: str) -> str:
    """Click the element as a user does (the mouse pressed and released over it) and wait for the
    page it opens; returns the element's text."""
    box = json.loads(browser.call("Runtime.evaluate", {"expression": LINK_BOX % json.dumps(selector),
                                                       "returnByValue": True}, session=session)["result"]["value"])
    browser.events = []
    for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
        browser.call("Input.dispatchMouseEvent", {"type": kind, "x": box["x"], "y": box["y"], "button": "left",
                                                  "clickCount": 1}, session=session)
    browser.wait_for("Page.loadEventFired")
    return box["text"]


def test_a_document_page_opens_from_the_report_by_clicking(chromium, shared_dir, tmp_path):
    """From report.html's list of the pairs with most unaligned sentences, a click opens that pair's
    page, which shows its unaligned sentences and all its links; its "report" link leads back."""
    links = flores_links(shared_dir)
    write_report(tmp_path / "report.html", links, title="FLORES fixture")
    browser = DevTools(chromium, tmp_path / "profile")
    try:
        session = browser.open_page(tmp_path / "report.html")
        name = click(browser, session, "#unaligned ~ table a")
        page = json.loads(browser.call("Runtime.evaluate", {"expression": DOCUMENT_PAGE_PROBE, "returnByValue": True},
                                       session=session)["result"]["value"])
        click(browser, session, "p.meta a")
        back = browser.call("Runtime.evaluate", {"expression": "location.href", "returnByValue": True},
                            session=session)["result"]["value"]
        browser.drain(0.3)
    finally:
        browser.close()
    own = [link for link in links if link.src_doc == name]
    assert own and page["url"].startswith((tmp_path / "report").as_uri() + "/")
    assert page["title"] == f"{own[0].src_doc} ↔ {own[0].tgt_doc}"
    assert page["unaligned"] == [link.src or link.tgt for link in own if link.is_unaligned] != []
    assert page["links"] == len(own) and page["rtl"]
    assert back == (tmp_path / "report.html").as_uri()
    assert console_problems(browser.events) == []
