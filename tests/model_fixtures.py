"""The tests' translation models in every layout, built once per test session (imported by tests).

They are lookup models (scripts/make_test_models.py): real CTranslate2 + SentencePiece models
whose hand-set weights translate piece by piece and decide every token by a clear margin.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _builder():
    spec = importlib.util.spec_from_file_location("make_test_models", REPO / "scripts" / "make_test_models.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_test_models = _builder()
_built: dict = {}


@pytest.fixture(scope="session")
def test_models(tmp_path_factory):
    """name -> path: argos_fa_en / argos_en_ar (.argosmodel), marian_fa_en, nllb, m2m (folders).

    Each module that imports this fixture gets its own session fixture, so the models are kept
    here and built once per session, whichever module asks first.
    """
    if not _built:
        _built.update(make_test_models.make_all(tmp_path_factory.mktemp("test-models")))
    return _built


LEGACY_MODELS = REPO / "tests" / "data" / "models"  # built by scripts/make_legacy_models.py (CTranslate2 2.x)


def unpack_legacy(name: str, dest: Path) -> Path:
    """The folder inside the repository's legacy archive ``name``, unpacked under ``dest``."""
    import zipfile

    with zipfile.ZipFile(LEGACY_MODELS / name) as zipped:
        zipped.extractall(dest)
        top = zipped.namelist()[0].split("/")[0]
    return dest / top
