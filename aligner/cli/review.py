"""aligner review: check and correct a run's alignment in the browser, worst first."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import click

from ..errors import AlignerError, InputError
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
@click.option("--summary", is_flag=True,
              help="Print how far the review is (units reviewed, for a second look, actions that no longer fit a "
                   "changed source) and exit, without serving.")
@click.option("--accept-above", type=click.FloatRange(0, 1), default=None, metavar="SCORE",
              help="Accept every unit without a verdict that scores SCORE or more, in every pair (logged in "
                   "review.jsonl like any action, undoable in the editor), and exit, without serving.")
def review(outdir, no_browser, min_score, summary, accept_above):
    """Review a run's alignment in a local web editor; aligned.tmx follows.

    OUTDIR is the output folder of `aligner run`. The editor shows every document pair's links
    side by side, coloured by the probability that each is right, with the reasons a unit is
    doubtful, worst first over the whole run or in reading order. Accept, reject, merge, split,
    move sentences, re-align a stretch, undo and redo by keyboard or mouse. Every action is
    saved at once to OUTDIR/review.jsonl; `aligner run` and `aligner package` on OUTDIR apply
    it: accepted units enter aligned.tmx whatever their score, rejected ones never.

    The server listens on 127.0.0.1 only, on a free port; the URL carries a random token
    (docs/review.md). Ctrl-C stops it; nothing is lost. `aligner review out/fa-en` opens the
    editor in the browser; with --no-browser it prints the URL to open.

    \b
    Examples:
      aligner review out/fa-en --summary
      aligner review out/fa-en --accept-above 0.99
    """
    from ..review.session import ReviewSession

    session = ReviewSession(Path(outdir), run_bitexts(Path(outdir)), threshold=min_score)
    for conflict in session.conflicts():
        click.echo(f"aligner: warning: {conflict}", err=True)
    if accept_above is not None:
        accepted = session.accept_above(accept_above)
        click.echo(f"aligner: accepted {accepted} unit(s) scoring {accept_above:g} or more", err=True)
    if summary or accept_above is not None:
        counts = session.progress()
        click.echo(f"{counts['reviewed']} of {counts['links']} link(s) reviewed, {counts['second_look']} for a second "
                   f"look, {len(session.conflicts())} action(s) that no longer fit, in {len(session.pairs)} "
                   "document pair(s)")
        return

    serve = _server()

    def ready(url: str) -> None:
        click.echo(f"aligner: reviewing {len(session.pairs)} document pair(s) at {url}", err=True)
        if no_browser:
            click.echo(url)
        else:
            webbrowser.open(url)

    serve(session, ready)


def _server():
    """The server's entry point, or one line saying what to install."""
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise AlignerError(f"aligner review needs {exc.name}: pip install starlette uvicorn") from None
    from ..review.server import serve

    return serve
