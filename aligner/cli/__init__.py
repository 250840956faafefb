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
    The pipeline, one command per stage:
      segment   split fa/ar/en documents into sentences
    Run `aligner COMMAND --help` for each command's options and examples.
    """
