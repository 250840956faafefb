"""One small finished run for the review tests (the Persian police article and its translation),
made once per module; each test works on its own copy."""

from __future__ import annotations

import shutil

import pytest

from aligner.pipeline.driver import run
from aligner.pipeline.job import JobOptions

from conftest import CORPORA

SOURCE = CORPORA / "fa" / "police-telegram-cooperation.txt"
TARGETS = CORPORA / "parallel" / "fa-en" / "en"


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("review") / "run"
    run([str(SOURCE)], outdir, JobOptions("fa", "en"), targets=str(TARGETS), progress=False)
    return outdir


@pytest.fixture
def outdir(finished_run, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(finished_run, copy)
    return copy
