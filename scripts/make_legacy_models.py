#!/usr/bin/env python
"""Build the tests' models converted before CTranslate2 3.0, which the tests read from the
repository (tests/data/models/): building them needs CTranslate2 2.x, whose spec saves model.bin
in binary version 5 with the tokenisation flags among its variables and writes no config.json.

    python -m venv /tmp/ct2v2
    /tmp/ct2v2/bin/pip install ctranslate2==2.24.0 "numpy<2" sentencepiece
    /tmp/ct2v2/bin/python scripts/make_legacy_models.py tests/data/models

It writes two archives, small because the lookup weights (scripts/make_test_models.py) are
mostly zeros and their model dimensions are cut to the fixtures' vocabularies:

* ``ar_en.argosmodel``: an Argos Translate package as argos-train made them in 2020-21
  (`zip -r ar_en.argosmodel ar_en/`, directory entries included): metadata.json with argos-train's
  six fields, model/ (model.bin, shared_vocabulary.txt, no config.json), sentencepiece.model,
  README.md. The lookup weights stop on the source's </s>, so model.bin sets with_source_eos
  (CTranslate2 appends it; Argos tokenisation adds none).
* ``opus-mt-fa-en-ct2v2.zip``: the folder ``opus-mt-fa-en`` as CTranslate2 2.x's
  ct2-opus-mt-converter wrote it (model.bin with with_source_eos set, one shared vocabulary as
  in OPUS-MT's vocab.yml: </s>, <unk>, then the pieces), plus source.spm and target.spm, which
  the user copies from the OPUS-MT download.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

# The fixtures' dimensions: content codes for up to 127 source pieces, inputs and outputs of up
# to 96 tokens (the tests translate short sentences only).
SIZE = dict(content_dims=128, position_dims=32, positions=96)
VOCAB_SIZE = 60  # per SentencePiece model; a joint ar+en one needs ARGOS_VOCAB_SIZE
ARGOS_VOCAB_SIZE = 100


def _builders():
    path = Path(__file__).resolve().parent / "make_test_models.py"
    spec = importlib.util.spec_from_file_location("make_test_models", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def zip_recursive(folder: Path, archive: Path) -> Path:
    """What `zip -r archive folder/` writes: a directory entry for every folder, then its files."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zipped:
        for path in [folder, *sorted(folder.rglob("*"))]:
            zipped.write(path, path.relative_to(folder.parent).as_posix() + ("/" if path.is_dir() else ""))
    return archive


def make_old_argos(models, work: Path, out_dir: Path) -> Path:
    package = work / "ar_en"
    package.mkdir()
    corpus = models.CORPUS["ar"][:6] + models.CORPUS["en"][:6]
    sp_model = models.train_sentencepiece(corpus, package / "sentencepiece", ARGOS_VOCAB_SIZE, "identity")
    vocab = models.sentencepiece_vocabulary(sp_model)
    models.build_lookup_transformer(package / "model", vocab, vocab, seed=11, add_source_eos=True, **SIZE)
    metadata = models.argos_metadata("ar", "en")
    metadata.update(from_name="Arabic", to_name="English")
    (package / "metadata.json").write_text(json.dumps(metadata, indent=4), encoding="utf-8")
    (package / "README.md").write_text("# Arabic-English\n\nTest model (lookup weights).\n", encoding="utf-8")
    return zip_recursive(package, out_dir / "ar_en.argosmodel")


def make_old_opus_mt(models, work: Path, out_dir: Path) -> Path:
    folder = work / "opus-mt-fa-en"
    source_spm = models.train_sentencepiece(models.CORPUS["fa"][:6], work / "spm" / "source", VOCAB_SIZE, "identity")
    target_spm = models.train_sentencepiece(models.CORPUS["en"][:6], work / "spm" / "target", VOCAB_SIZE, "identity")
    vocab, source_only = models.joint_vocabulary(source_spm, target_spm)
    models.build_lookup_transformer(folder, vocab, vocab, seed=12, add_source_eos=True, non_output=source_only, **SIZE)
    shutil.copyfile(source_spm, folder / "source.spm")
    shutil.copyfile(target_spm, folder / "target.spm")
    return zip_recursive(folder, out_dir / "opus-mt-fa-en-ct2v2.zip")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    import ctranslate2

    if int(ctranslate2.__version__.split(".")[0]) >= 3:
        parser.error(f"needs CTranslate2 2.x (this is {ctranslate2.__version__}); see the usage above")
    models = _builders()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        for archive in (make_old_argos(models, Path(work), args.out_dir),
                        make_old_opus_mt(models, Path(work), args.out_dir)):
            print(f"{archive}\t{archive.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
