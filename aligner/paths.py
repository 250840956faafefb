"""Per-user folders for installed models and caches (platformdirs), and the shared data folder.

ALIGNER_HOME moves everything under one folder (tests and portable installs use it);
ALIGNER_MODELS_DIR / --models-dir move only the installed models. The shared data (test sets,
gold alignments, standards) sits beside the repository (``../shared``); ALIGNER_SHARED moves it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Optional, Union

import platformdirs

from .errors import AlignerError

APP_NAME = "aligner"
SHARED_ENV_VAR = "ALIGNER_SHARED"
REPO_ROOT = Path(__file__).resolve().parent.parent


def _home() -> Optional[Path]:
    home = os.environ.get("ALIGNER_HOME")
    return Path(home) if home else None


def data_dir() -> Path:
    home = _home()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME))


def cache_dir() -> Path:
    """Translation and embedding caches: safe to delete, rebuilt on demand."""
    home = _home()
    return home / "cache" if home else Path(platformdirs.user_cache_dir(APP_NAME))


def models_dir(override: Optional[Union[str, Path]] = None) -> Path:
    """Where installed translation models live: --models-dir, ALIGNER_MODELS_DIR, or the data dir."""
    chosen = override or os.environ.get("ALIGNER_MODELS_DIR")
    return Path(chosen) if chosen else data_dir() / "models"


def find_shared_dir() -> Optional[Path]:
    """The shared (development) data folder when there is one, else None."""
    path = Path(os.environ.get(SHARED_ENV_VAR) or REPO_ROOT.parent / "shared")
    return path if path.is_dir() else None


def shared_dir() -> Path:
    """The shared data folder; raise AlignerError when it is not there."""
    path = Path(os.environ.get(SHARED_ENV_VAR) or REPO_ROOT.parent / "shared")
    if not path.is_dir():
        raise AlignerError(f"shared data folder {path} not found (set {SHARED_ENV_VAR} to its location)")
    return path


def file_kind(path: Path) -> str:
    """'file', 'folder', 'missing', or in words why ``path`` cannot be read as an input.

    Only regular files are inputs: reading a named pipe or a device would block or never end.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return f"cannot read ({exc.strerror or exc})"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    return "not a regular file (a named pipe, socket or device); pass its content on stdin with -"
