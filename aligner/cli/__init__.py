"""The ``aligner`` command line: a thin click layer over the library.

Commands are registered by name in COMMANDS and imported only when used, so ``aligner --help``
stays fast and a command's heavy dependencies (ctranslate2, stanza) load only for that command.
Every AlignerError becomes one line on stderr and exit code 2; nothing prints a traceback unless
ALIGNER_DEBUG=1 is set.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from .. import __version__
from ..errors import AlignerError

# name -> "module:attribute" of a click command
COMMANDS = {
    "segment": "aligner.cli.segment:segment",
    "align": "aligner.cli.align:align",
    "translate": "aligner.cli.translate:translate",
    "models": "aligner.cli.models:models",
    "bench": "aligner.cli.bench:bench",
    "score": "aligner.cli.score:score_command",
    "filter": "aligner.cli.filter:filter_command",
    "package": "aligner.cli.package:package",
    "run": "aligner.cli.run:run_command",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name].split(":")
        return getattr(importlib.import_module(module), attribute)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except AlignerError as exc:
            fail(str(exc), exc.exit_code)
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
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except Exception as exc:
            if os.environ.get("ALIGNER_DEBUG"):
                raise
            fail(f"internal error: {type(exc).__name__}: {exc} (set ALIGNER_DEBUG=1 for details)", 1)


def fail(message: str, code: int = 2):
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
    Run `aligner COMMAND --help` for each command's options and examples.
    """
