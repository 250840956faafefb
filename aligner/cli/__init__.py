"""The ``aligner`` command line: a thin click layer over the library.

Commands are registered by name in COMMANDS and imported only when used, so ``aligner --help``
stays fast and a command's heavy dependencies (ctranslate2, stanza) load only for that command.
Every AlignerError becomes one line on stderr and its exit code (2 by default); nothing prints a
traceback unless ALIGNER_DEBUG=1 is set. SIGTERM (``timeout``, a cluster's scheduler) is handled
like Ctrl-C: it raises KeyboardInterrupt, so atomic outputs remove their temporary files, and the
command exits 130 with one line.
"""

from __future__ import annotations

import os
import signal
import sys

import click

from .. import __version__
from ..errors import AlignerError, Interrupted
from ..registry import Registry

# Click commands as lazy entries: a command's module is imported only when it runs.
COMMANDS: Registry[click.Command] = Registry("command")
COMMANDS.add("segment", "aligner.cli.segment:segment")
COMMANDS.add("align", "aligner.cli.align:align")
COMMANDS.add("translate", "aligner.cli.translate:translate")
COMMANDS.add("models", "aligner.cli.models:models")
COMMANDS.add("bench", "aligner.cli.bench:bench")
COMMANDS.add("score", "aligner.cli.score:score_command")
COMMANDS.add("filter", "aligner.cli.filter:filter_command")
COMMANDS.add("package", "aligner.cli.package:package")
COMMANDS.add("run", "aligner.cli.run:run_command")
COMMANDS.add("review", "aligner.cli.review:review")


INTERRUPT_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def ignore_interrupts() -> None:
    """From here on Ctrl-C and SIGTERM change nothing: the work is done (a command calls this
    before its success summary) or its one-line report is being written."""
    for signum in INTERRUPT_SIGNALS:
        try:
            signal.signal(signum, signal.SIG_IGN)
        except ValueError:  # not the main thread: signals are not ours to handle
            return


class LazyGroup(click.Group):
    def main(self, *args, **kwargs):
        try:
            previous = {signum: signal.signal(signum, _raise_interrupt) for signum in INTERRUPT_SIGNALS}
        except ValueError:  # not the main thread (an embedding program): leave signals alone
            previous = {}
        try:
            return super().main(*args, **kwargs)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def list_commands(self, ctx):
        return sorted(COMMANDS.names())

    def get_command(self, ctx, name):
        return COMMANDS.get(name) if name in COMMANDS else None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except AlignerError as exc:
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            fail("interrupted", Interrupted.exit_code)
        except BrokenPipeError:
            # Output piped into `head` and the like: not an error.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except click.UsageError as exc:
            # A bad option value (a folder given as --hyp, a missing argument) is bad input like
            # any other: one line naming the culprit, not click's four-line usage block. A group
            # run without a subcommand still shows its help.
            if isinstance(exc, getattr(click.exceptions, "NoArgsIsHelpError", ())):
                raise
            hint = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx is not None else ""
            fail(" ".join(exc.format_message().split()) + hint, exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("ALIGNER_DEBUG"):
                raise
            fail(f"internal error: {type(exc).__name__}: {exc} (set ALIGNER_DEBUG=1 for details)", 1)


def fail(message: str, code: int = 2):
    if code == Interrupted.exit_code:
        ignore_interrupts()  # a second Ctrl-C must not cut the report short
    click.echo(f"aligner: error: {message}", err=True)
    sys.exit(code)


def warn(message: str) -> None:
    click.echo(f"aligner: warning: {message}", err=True)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="aligner")
def main():
    """Build Persian-English and Arabic-English translation memories.

    \b
    The main job, all stages in one command:
      run       segment, translate, align, score and package a batch of articles
    \b
    The pipeline, one command per stage:
      segment   split fa/ar/en documents into sentences
      translate translate sentences with a local CTranslate2 model
      align     align a document with its translation into sentence links (bitext JSONL)
      score     score every aligned pair (components + combined score in [0, 1])
      filter    keep pairs above a score, remove exact and near duplicates
      package   write a TMX 1.4b translation memory or a TSV table for CAT tools
      models    install, list and remove translation models
      bench     score translations (sacrebleu) and alignments (strict/lax P/R/F1)
      review    check and correct a run's alignment in the browser, worst first

    Run `aligner COMMAND --help` for each command's options and examples.

    \b
    Exit codes: 0 done; 2 bad input or usage (one line on stderr, nothing done);
    3 a batch that processed what it could but left some inputs out (listed on stderr);
    130 interrupted (Ctrl-C or SIGTERM; `aligner run` says how to resume).

    \b
    Examples:
      aligner models install fa-en    # a fa->en model from Argos Translate's package index
      aligner run corpora/fa --targets corpora/parallel/fa-en/en --from fa --to en -o out/fa-en
    """
