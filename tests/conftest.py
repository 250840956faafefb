"""Shared fixtures. Tests that need ../shared fail (not skip) in CI when it is missing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPORA = REPO_ROOT / "corpora"


def missing(message: str):
    """A test's prerequisite is not there: CI always has it, so there the test fails; elsewhere
    (a developer without Chromium, say) it is skipped."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared data folder (../shared or $ALIGNER_SHARED)."""
    path = Path(os.environ.get("ALIGNER_SHARED") or REPO_ROOT.parent / "shared")
    if not path.is_dir():
        missing(f"shared data folder {path} is missing (set ALIGNER_SHARED)")
    return path


@pytest.fixture(scope="session")
def stanza():
    """The stanza package (the README installs it with the [stanza] extra)."""
    try:
        import stanza as module
    except ImportError:
        missing("stanza is not installed (pip install -e '.[stanza]')")
    return module


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Keep caches and installed models of the test run out of the user's real data folders."""
    root = tmp_path_factory.getbasetemp() / "user-dirs"
    monkeypatch.setenv("ALIGNER_HOME", str(root))
