"""aligner review: check and correct a run's alignment in the browser, worst first."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import click

from ..errors import InputError
from ..pipeline.documents import DOCUMENTS_DIR
from ..score.combination import DEFAULT_MIN_PROBABILITY


def run_bitexts(outdir: Path):
    """The per-pair bitext files of a run folder (InputError when it is none)."""
    folder = Path(outdir) / DOCUMENTS_DIR
    paths = sorted(path for path in folder.glob("*.jsonl")) if folder.is_dir() else []
    if not paths:
        raise InputError(f"{outdir}: not the output folder of `aligner run` (no {DOCUMENTS_DIR}/*.jsonl in it)")
    return paths


@click.command()
@click.argument("outdir", type=click.Path(file_okay=False, exists=True))
@click.option("--no-browser", is_flag=True, help="Print the URL instead of opening the browser.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=DEFAULT_MIN_PROBABILITY, show_default=True,
              help="The threshold shown as the default of 'accept all above'.")
def review(outdir, no_browser, min_score):
    """Review a run's alignment in a local web editor; aligned.tmx follows.

    OUTDIR is the output folder of `aligner run`. The editor shows every document pair's links
    side by side, coloured by the probability that each is right, with the reasons a unit is
    doubtful, worst first over the whole run or in reading order. Accept, reject, merge, split,
    move sentences, re-align a stretch, undo and redo by keyboard or mouse. Every action is
    saved at once to OUTDIR/review.jsonl; `aligner run` and `aligner package` on OUTDIR apply
    it: accepted units enter aligned.tmx whatever their score, rejected ones never.

    The server listens on 127.0.0.1 only, on a free port; the URL carries a one-time token
    (docs/review.md). Ctrl-C stops it; nothing is lost.

    \b
    Examples:
      aligner review out/fa-en
      aligner review out/fa-en --no-browser    # prints the URL to open
    """
    from ..review.server import serve
    from ..review.session import ReviewSession

    session = ReviewSession(Path(outdir), run_bitexts(Path(outdir)), threshold=min_score)
    for conflict in session.conflicts():
        click.echo(f"aligner: warning: {conflict}", err=True)

    def ready(url: str) -> None:
        click.echo(f"aligner: reviewing {len(session.pairs)} document pair(s) at {url}", err=True)
        if no_browser:
            click.echo(url)
        else:
            webbrowser.open(url)

    serve(session, ready)
