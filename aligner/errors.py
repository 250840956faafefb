"""Errors that the command line reports as one line on stderr with their exit code.

Anything the user can cause (a bad file, a missing model, a wrong option) raises a subclass of
AlignerError with a message that names the culprit; the CLI prints ``aligner: <message>`` and
exits 2 instead of showing a traceback. A batch that processed what it could but not every input
exits 3 (:class:`SomeInputsFailed`); an interrupted one 130 (:class:`Interrupted`).
"""


class AlignerError(Exception):
    """Base class of every user-facing error."""

    exit_code = 2


class InputError(AlignerError):
    """An input file or stream that cannot be read as text in a supported language."""


class ModelError(AlignerError):
    """A translation or embedding model that is missing, corrupt or of an unknown layout."""


class FormatError(AlignerError):
    """A malformed bitext, TMX, TSV or alignment file; the message names file and line."""


class SomeInputsFailed(AlignerError):
    """A batch finished every input it could; the others were listed with their reasons."""

    exit_code = 3


class Interrupted(AlignerError):
    """Ctrl-C (SIGINT) or SIGTERM stopped the command; what was finished is kept."""

    exit_code = 130


class CannotWrite(AlignerError):
    """An output its file system refuses (full disk, quota, size limit, read-only): a batch stops
    at once, since every later output to the same place would fail the same way."""


class OutputInUse(AlignerError):
    """An output folder holds the results of another configuration (``--force`` replaces them)."""
