"""Shared fixtures. Tests that need ../shared fail (not skip) in CI when it is missing."""

from __future__ import annotations

import importlib
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


def required_module(name: str, install: str):
    """The module ``name``, or missing() with the command that installs it."""
    try:
        return importlib.import_module(name)
    except ImportError:
        missing(f"{name} is not installed ({install})")


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
    return required_module("stanza", "pip install -e '.[stanza]'")


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Keep caches and installed models of the test run out of the user's real data folders."""
    root = tmp_path_factory.getbasetemp() / "user-dirs"
    monkeypatch.setenv("ALIGNER_HOME", str(root))
