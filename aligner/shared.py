"""Where the shared data (test sets, gold alignments, standards) lives.

The shared folder sits beside the repository (``../shared``); ALIGNER_SHARED overrides it.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import AlignerError

ENV_VAR = "ALIGNER_SHARED"
REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    """The shared data folder; raise AlignerError when it is not there."""
    path = Path(os.environ.get(ENV_VAR) or REPO_ROOT.parent / "shared")
    if not path.is_dir():
        raise AlignerError(f"shared data folder {path} not found (set {ENV_VAR} to its location)")
    return path
