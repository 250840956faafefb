"""`aligner review` speed on a run of 20,000 units: open time, paging, edit save + rescore.

The run: FLORES-200 dev and devtest fa-en (2,009 true sentence pairs, every 10th target
replaced by another sentence's so that the queue has wrong units at its head), scored once by
the Scorer and written as 10 document pairs of 2,009 links under OUTDIR/documents/, as
`aligner run` writes them. Then the real command (`aligner review OUTDIR --no-browser`) in a
subprocess and Debian's Chromium driven by Playwright:

- open: from starting the command (Chromium already running) to the page showing its first
  rows (the worst-first queue over all 20,090 units), then their reasons; and a reload;
- page: the next page of 50 rows shown (key n), median over 20;
- edit: an action posted from the page until its answer (saved to review.jsonl with fsync and,
  for merge/split, the new links scored), median and 90th percentile over 20 each.

Targets from issue 25: open < 2 s, edit saved and re-scored < 100 ms. No peer editor (InterText,
LF Aligner, OmegaT's aligner, memoQ LiveAlign) runs here headless; their users' complaint is lost
work, not speed.

    nice -n 10 python benchmarks/review_speed.py
    nice -n 10 python benchmarks/review_speed.py --copies 2     # 4,018 units, quicker
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aligner.bitext import BitextLink, write_bitext  # noqa: E402
from aligner.paths import shared_dir  # noqa: E402
from aligner.score import Scorer  # noqa: E402

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def flores_links() -> list:
    folder = shared_dir() / "data" / "flores200"
    src, tgt = [], []
    for split in ("dev", "devtest"):
        src += (folder / f"{split}.fa").read_text(encoding="utf-8").splitlines()
        tgt += (folder / f"{split}.en").read_text(encoding="utf-8").splitlines()
    tgt = [tgt[(k + 7) % len(tgt)] if k % 10 == 0 else text for k, text in enumerate(tgt)]
    links = [BitextLink("flores", "flores", "fa", "en", (k,), (k,), s, t) for k, (s, t) in enumerate(zip(src, tgt))]
    list(Scorer().score_links(links))
    return links


def make_run(outdir: Path, copies: int) -> int:
    links = flores_links()
    (outdir / "documents").mkdir(parents=True)
    for copy in range(copies):
        name = f"flores-{copy:02d}.txt"
        for link in links:
            link.src_doc = link.tgt_doc = name
        with open(outdir / "documents" / f"{name}.jsonl", "w", encoding="utf-8") as handle:
            write_bitext(links, handle)
    return len(links) * copies


def shown(page) -> int:
    return int(page.evaluate("document.body.dataset.shown || '0'"))


def wait_shown(page, before: int) -> None:
    while shown(page) <= before:
        page.wait_for_timeout(2)


POST = """async ([op, args, offset]) => {
  const token = document.querySelector('meta[name="review-token"]').content;
  const pair = await (await fetch('/api/pair/0?offset=' + offset + '&limit=1')).json();
  const row = pair.rows[0];
  const start = performance.now();
  const answer = await fetch('/api/act', {method: 'POST', headers: {'Content-Type': 'application/json',
      'X-Review-Token': token}, body: JSON.stringify({pair: 0, rev: pair.rev, op, src_ids: row.src_ids,
      tgt_ids: row.tgt_ids, args})});
  await answer.json();
  if (!answer.ok) throw new Error('status ' + answer.status);
  return performance.now() - start;
}"""


def measure(outdir: Path, repeats: int) -> dict:
    from playwright.sync_api import sync_playwright

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.goto("about:blank")
        start = time.perf_counter()
        server = subprocess.Popen([sys.executable, "-c", "from aligner.cli import main; main()", "review", str(outdir),
                                   "--no-browser"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  text=True)
        try:
            url = server.stdout.readline().strip()
            results = {"open: command to URL printed (s)": time.perf_counter() - start}
            page.goto(url)
            page.wait_for_selector("body[data-shown]", timeout=120000)
            results["open: command to first rows shown (s)"] = time.perf_counter() - start
            page.wait_for_selector("body[data-ready='1']", timeout=120000)
            results["open: ... and their reasons (s)"] = time.perf_counter() - start
            reload_start = time.perf_counter()
            page.reload()
            page.wait_for_selector("body[data-shown]")
            results["open: page reload, rows shown (s)"] = time.perf_counter() - reload_start
            results.update(_paging(page, repeats))
            page.wait_for_timeout(15000)  # the editor's models load in the background after start
            for op, args in (("status", {"status": "second_look"}), ("merge", {"step": 1}), ("split", {})):
                times = [page.evaluate(POST, [op, args, 2 * k]) for k in range(repeats)]
                results[f"edit {op} (ms, median / p90)"] = (statistics.median(times),
                                                            statistics.quantiles(times, n=10)[-1])
        finally:
            server.terminate()
            server.wait()
            browser.close()
    return results


def _paging(page, repeats: int) -> dict:
    page.keyboard.press("o")
    times = []
    for _ in range(repeats):
        page.wait_for_timeout(300)  # the previous page's reasons
        before = shown(page)
        start = time.perf_counter()
        page.keyboard.press("n")
        wait_shown(page, before)
        times.append(time.perf_counter() - start)
    return {"next page of rows shown (ms, median)": 1000 * statistics.median(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=10, help="document pairs of 2,009 links (default 10: 20,090)")
    parser.add_argument("--repeats", type=int, default=20)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        outdir = Path(folder) / "run"
        units = make_run(outdir, options.copies)
        print(f"{units} units in {options.copies} document pairs")
        for name, value in measure(outdir, options.repeats).items():
            shown = " / ".join(f"{v:.1f}" for v in value) if isinstance(value, tuple) else f"{value:.2f}"
            print(f"{name:<40} {shown}")


if __name__ == "__main__":
    main()
