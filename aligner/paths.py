"""Per-user folders for installed models and caches (platformdirs), overridable.

ALIGNER_HOME moves everything under one folder (tests and portable installs use it);
ALIGNER_MODELS_DIR / --models-dir move only the installed models.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Union

import platformdirs

APP_NAME = "aligner"


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
