"""`aligner review` in headless Chromium, driven as a linguist would, and its security.

One small run (the Persian police article and its translation) is made once for the module;
each test copies it. The server is the real command in a subprocess, so that it can be killed
mid-session (SIGKILL) and started again. Chromium is Debian's (/usr/bin/chromium), driven by
Playwright's Python package: no browser is downloaded. Skipped without them, except in CI.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from lxml import etree

from conftest import REPO_ROOT, missing, required_module
from review_fixtures import finished_run, outdir  # noqa: F401 (fixtures)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def aligner(*args, **options):
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    command = [sys.executable, "-c", "from aligner.cli import main; main()", *map(str, args)]
    return subprocess.run(command, env=env, capture_output=True, text=True, **options)


class Server:
    """`aligner review OUTDIR --no-browser` in a subprocess; ``url`` is the URL it printed."""

    def __init__(self, outdir: Path):
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
        command = [sys.executable, "-c", "from aligner.cli import main; main()", "review", str(outdir), "--no-browser"]
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            self.process.kill()
            raise AssertionError(f"no URL: {self.url!r} {self.process.stderr.read()}")
        self.origin, _, query = self.url.partition("/?token=")
        self.token = query
        self.port = int(self.origin.rsplit(":", 1)[1])

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


@pytest.fixture
def server(outdir):
    started = [Server(outdir)]
    yield started
    for each in started:
        if each.process.poll() is None:
            each.kill()


@pytest.fixture(scope="module")
def browser():
    playwright_api = required_module("playwright.sync_api", "pip install -e '.[test]'")
    if CHROMIUM is None:
        missing("chromium is not installed (apt-get install -y chromium)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.errors = []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def open_review(page, server) -> None:
    page.goto(server.url)
    page.wait_for_selector("body[data-ready='1']")


def loads(page) -> int:
    return int(page.evaluate("document.body.dataset.loads"))


def wait_for_load(page, before: int, timeout: float = 60) -> None:
    """Wait until the page has loaded its rows again (polled: the page's CSP forbids eval, which
    Playwright's wait_for_function needs)."""
    deadline = time.monotonic() + timeout
    while loads(page) <= before:
        assert time.monotonic() < deadline, "the page did not load its rows again"
        page.wait_for_timeout(20)


def press(page, key: str) -> None:
    """Press a key and wait until the page has loaded the result."""
    before = loads(page)
    page.keyboard.press(key)
    wait_for_load(page, before)


def rows(page):
    return page.evaluate("""[...document.querySelectorAll('#links tbody tr')].map(tr => ({
        type: tr.querySelector('td.type').textContent, status: tr.querySelector('td.status strong').textContent,
        src: tr.querySelectorAll('td.text')[0].querySelector('span.sentence')
            ? [...tr.querySelectorAll('td.text')[0].querySelectorAll('span.sentence')].map(s => s.textContent).join(' ')
            : tr.querySelectorAll('td.text')[0].textContent,
        dir: tr.querySelectorAll('td.text')[0].dir,
        direction: getComputedStyle(tr.querySelectorAll('td.text')[0]).direction,
        focus: tr.classList.contains('focus')}))""")


def events(outdir: Path):
    return [json.loads(line) for line in (outdir / "review.jsonl").read_text(encoding="utf-8").splitlines()]


def test_review_by_keyboard_survives_reload_and_a_killed_server_and_reaches_the_tmx(outdir, server, page):
    open_review(page, server[0])
    press(page, "o")  # reading order
    start = rows(page)
    assert len(start) == 13 and start[0]["dir"] == "rtl" and start[0]["direction"] == "rtl"
    assert page.evaluate("document.cookie") == ""  # the session cookie is HttpOnly
    press(page, "a")  # accept the first link; focus moves on
    press(page, "m")  # merge the second with the third
    merged = rows(page)
    assert merged[0]["status"] == "accepted" and len(merged) == 12
    assert merged[1]["type"] != start[1]["type"] and merged[1]["src"].startswith(start[1]["src"])
    assert merged[1]["src"] == start[1]["src"] + " " + start[2]["src"]
    src_at, tgt_at = start[1]["type"].split("-")  # split it again where it was joined, by mouse
    page.click(f"tr.focus button.cut[data-side='src'][data-at='{src_at}']")
    page.click(f"tr.focus button.cut[data-side='tgt'][data-at='{tgt_at}']")
    before = loads(page)
    page.click("button[data-op='split']")
    wait_for_load(page, before)
    assert [r["type"] for r in rows(page)] == [r["type"] for r in start]
    page.keyboard.press("j")
    press(page, "r")  # reject the third link
    assert rows(page)[2]["status"] == "rejected"
    press(page, "Control+z")  # undo the rejection
    assert rows(page)[2]["status"] == ""
    press(page, "Control+y")  # and redo it
    assert rows(page)[2]["status"] == "rejected"
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    kept = rows(page)
    assert [r["status"] for r in kept[:3]] == ["accepted", "", "rejected"]
    logged = len(events(outdir))
    server[0].kill()  # mid-session: nothing acknowledged may be lost
    server.append(Server(outdir))
    open_review(page, server[1])
    assert len(events(outdir)) == logged
    assert [r["status"] for r in rows(page)[:3]] == ["accepted", "", "rejected"]
    assert page.errors == []
    packaged = aligner("package", outdir / "bitext.jsonl", "-o", outdir / "reviewed.tmx")
    assert packaged.returncode == 0, packaged.stderr
    units = etree.parse(str(outdir / "reviewed.tmx")).findall(".//tu")
    texts = {unit.findall(".//seg")[0].text: unit for unit in units}
    assert kept[0]["src"] in texts
    assert texts[kept[0]["src"]].find("prop[@type='x-review']").text == "accepted"
    assert kept[2]["src"] not in texts


def test_two_tabs_cannot_overwrite_each_other(outdir, server, page, browser):
    open_review(page, server[0])
    press(page, "o")
    other = page.context.new_page()
    other.goto(server[0].origin + "/")
    other.wait_for_selector("body[data-ready='1']")
    press(page, "a")
    before = loads(other)
    other.keyboard.press("r")  # acts on revision 0, which is stale: 409, the tab reloads
    wait_for_load(other, before)
    assert "changed elsewhere" in other.text_content("#message")
    assert rows(other)[0]["status"] == "accepted"
    assert [event["op"] for event in events(outdir)] == ["status"]


@pytest.fixture(scope="module")
def guarded(finished_run, tmp_path_factory):
    """One server for the refusal tests, which must change nothing: (server, its run folder)."""
    copy = tmp_path_factory.mktemp("guarded") / "run"
    shutil.copytree(finished_run, copy)
    server = Server(copy)
    yield server, copy
    server.kill()


def event_count(outdir: Path) -> int:
    return len(events(outdir)) if (outdir / "review.jsonl").exists() else 0


def request(server, path, method="GET", host=None, cookie=True, token=True, origin=None, body=None):
    headers = {"Host": host or f"127.0.0.1:{server.port}"}
    if cookie:
        headers["Cookie"] = f"aligner_review={server.token}"
    if token:
        headers["X-Review-Token"] = server.token
    if origin:
        headers["Origin"] = origin
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    try:
        with urllib.request.urlopen(urllib.request.Request(server.origin + path, data, headers, method=method)) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


ACCEPT_FIRST = {"pair": 0, "rev": 0, "op": "status", "src_ids": [0], "tgt_ids": [0], "args": {"status": "accepted"}}


@pytest.mark.parametrize("case, path, method, options, body", [
    ("no token", "/api/summary", "GET", {"cookie": False}, None),
    ("wrong token in the URL", "/?token=guess", "GET", {"cookie": False}, None),
    ("wrong Host (DNS rebinding)", "/api/summary", "GET", {"host": "attacker.example:80"}, None),
    ("wrong Host on the token URL", "/?token={token}", "GET", {"host": "attacker.example", "cookie": False}, None),
    ("POST without the token header", "/api/act", "POST", {"token": False}, ACCEPT_FIRST),
    ("cross-origin POST", "/api/act", "POST", {"origin": "http://attacker.example"}, ACCEPT_FIRST),
    ("a path in the URL", "/api/pair/..%2F..%2Fsetup.cfg", "GET", {}, None),
    ("a path for an asset", "/review.js/../../../setup.cfg", "GET", {}, None),
    ("a path in the action", "/api/act", "POST", {}, {**ACCEPT_FIRST, "path": "../../etc/passwd"}),
    ("an action by GET", "/api/act", "GET", {}, None),
])
def test_refused(guarded, case, path, method, options, body):
    server, outdir = guarded
    status, answer = request(server, path.replace("{token}", server.token), method, body=body, **options)
    assert status in (400, 403, 404, 405), (case, status, answer[:200])
    assert event_count(outdir) == 0
    assert b"[general]" not in answer and b"root:" not in answer


def test_allowed_request_and_headers(outdir, server):
    status, _ = request(server[0], "/api/act", "POST", body=ACCEPT_FIRST)
    assert status == 200 and events(outdir)[0]["op"] == "status"
    assert request(server[0], "/api/act", "POST", body=ACCEPT_FIRST)[0] == 409  # revision 0 is stale now
    reply = urllib.request.urlopen(urllib.request.Request(
        server[0].origin + "/review.js", headers={"Cookie": f"aligner_review={server[0].token}"}))
    csp = reply.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe" not in csp


def test_a_page_of_another_origin_cannot_post(guarded, page):
    """A web page the reviewer visits (another origin) tries to POST an action: the browser sends
    no SameSite=Strict cookie and cannot pass the token header without a preflight the server
    does not allow."""
    server, outdir = guarded
    open_review(page, server)  # the browser holds the session cookie
    attacker = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=attacker.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://localhost:{attacker.server_address[1]}/does-not-matter")
        outcome = page.evaluate("""async ([url, body]) => {
            const results = [];
            for (const headers of [{"Content-Type": "text/plain"}, {"Content-Type": "application/json",
                                                                      "X-Review-Token": "guess"}]) {
                try { const r = await fetch(url, {method: "POST", credentials: "include", headers, body});
                      results.push(r.status); } catch (e) { results.push("blocked"); }
            }
            return results; }""", [server.origin + "/api/act", json.dumps(ACCEPT_FIRST)])
    finally:
        attacker.shutdown()
    assert outcome[1] == "blocked" and outcome[0] in (403, "blocked")
    assert event_count(outdir) == 0
