"""Translation model layouts: detect what a folder holds and load it behind one interface.

Three families of CTranslate2 models are what users actually have for fa/ar<->en:

* ``argos``  Argos Translate packages (.argosmodel zip or its folder): metadata.json with
  from_code/to_code, model/ (CTranslate2), sentencepiece.model, optionally stanza/.
* ``marian`` OPUS-MT / Marian models converted to CTranslate2: model.bin with source.spm and
  target.spm. The pair comes from metadata.json or the folder name (opus-mt-fa-en).
* ``nllb`` / ``m2m`` NLLB-200 and M2M100 converted to CTranslate2: one SentencePiece model, a
  source-language token in front of the source, the target-language token as target prefix.

Each layout is a TranslationModel subclass registered in LAYOUTS with a ``detect`` test. What
the Translator (translate.translator) needs from a model: its languages (``check_pair``), its
tokenisation (``encode`` / ``target_prefix`` / ``decode``), its weights (``load_ctranslate2``)
and its ``signature``. Finding a model by name, pair or archive is the store's (translate.store).
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cached_property
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Type

from ..errors import ModelError
from ..registry import Registry
from ..signature import Signature

NLLB_CODES = {"fa": "pes_Arab", "ar": "arb_Arab", "en": "eng_Latn"}
M2M_CODES = {"fa": "__fa__", "ar": "__ar__", "en": "__en__"}
VOCABULARY_FILES = ("shared_vocabulary.json", "shared_vocabulary.txt",
                    "source_vocabulary.json", "source_vocabulary.txt")


class TranslationModel:
    """A CTranslate2 model folder plus the tokenisation its layout needs.

    ``src_lang``/``tgt_lang`` are None for multilingual models (any pair of ``languages``) and for
    Marian folders whose pair is not recorded anywhere.
    """

    layout = "base"
    multilingual = False  # True: any pair among ``languages`` (NLLB, M2M100)

    def __init__(self, path: Path, ct2_dir: Path, src_lang: Optional[str], tgt_lang: Optional[str]):
        self.path = path
        self.ct2_dir = ct2_dir
        self.src_lang = src_lang
        self.tgt_lang = tgt_lang
        self.name = path.name
        if not (ct2_dir / "model.bin").is_file():
            raise ModelError(f"{ct2_dir}: no model.bin (not a CTranslate2 model folder)")
        self.config = _read_json(ct2_dir / "config.json") if (ct2_dir / "config.json").is_file() else {}

    # -- detection and languages -------------------------------------------------------------
    @classmethod
    def detect(cls, path: Path) -> bool:
        raise NotImplementedError

    @property
    def languages(self) -> Sequence[str]:
        return [lang for lang in (self.src_lang, self.tgt_lang) if lang]

    def supports(self, src_lang: str, tgt_lang: str) -> bool:
        if self.src_lang is None and self.tgt_lang is None and not self.multilingual:
            return True  # pair unknown: trust the user
        if self.multilingual:
            return src_lang != tgt_lang and {src_lang, tgt_lang} <= set(self.languages)
        return (src_lang, tgt_lang) == (self.src_lang, self.tgt_lang)

    @property
    def pair_label(self) -> str:
        """What the model translates, for messages and listings: 'fa->en' or 'fa+ar+en (any pair)'."""
        return "+".join(self.languages) + " (any pair)" if self.multilingual else f"{self.src_lang}->{self.tgt_lang}"

    def check_pair(self, src_lang: str, tgt_lang: str) -> None:
        if not self.supports(src_lang, tgt_lang):
            raise ModelError(f"{self.path}: model translates {self.pair_label}, not {src_lang}->{tgt_lang}")

    # -- tokenisation ----------------------------------------------------------------------------
    def encode(self, text: str, src_lang: str) -> List[str]:
        """Source tokens for one sentence, with whatever markers the layout needs."""
        raise NotImplementedError

    def target_prefix(self, tgt_lang: str) -> Optional[List[str]]:
        return None

    def decode(self, tokens: Sequence[str], tgt_lang: str) -> str:
        raise NotImplementedError

    def _with_eos(self, tokens: List[str]) -> List[str]:
        # CTranslate2 appends </s> itself when the converter recorded add_source_eos.
        return tokens if self.config.get("add_source_eos") else tokens + ["</s>"]

    # -- identity --------------------------------------------------------------------------------
    @cached_property
    def fingerprint(self) -> str:
        """Content hash of config, vocabularies, tokenizers and the ends of model.bin.

        Hashing every byte of a multi-GB model.bin would cost seconds per run; its size plus first
        and last MiB change whenever the weights are replaced.
        """
        digest = hashlib.sha1()
        for file in sorted(p for p in self.path.rglob("*") if p.is_file() and p.suffix != ".bin"
                           and p.stat().st_size < 64 << 20 and "stanza" not in p.parts):
            digest.update(file.name.encode() + file.read_bytes())
        weights = self.ct2_dir / "model.bin"
        size = weights.stat().st_size
        with open(weights, "rb") as handle:
            digest.update(str(size).encode() + handle.read(1 << 20))
            handle.seek(max(0, size - (1 << 20)))
            digest.update(handle.read())
        return digest.hexdigest()[:16]

    def signature(self) -> Signature:
        """The model's identity: layout, folder name, languages and content fingerprint."""
        pair = f"{self.src_lang}-{self.tgt_lang}" if not self.multilingual else "+".join(self.languages)
        return Signature.of("model", layout=self.layout, folder=self.name, pair=pair, fingerprint=self.fingerprint)

    @property
    def stanza_dir(self) -> Optional[Path]:
        """A Stanza resources folder shipped with the model (Argos packages), for segmentation."""
        return None

    def load_ctranslate2(self, device: str = "cpu", compute_type: str = "default", threads: int = 0):
        import ctranslate2

        try:
            return ctranslate2.Translator(str(self.ct2_dir), device=device, compute_type=compute_type,
                                          intra_threads=threads, inter_threads=1)
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"{self.ct2_dir}: cannot load the CTranslate2 model ({_first_line(exc)})") from None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.signature().long}>"


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path}: unreadable JSON ({_first_line(exc)})") from None


class _SentencePiece:
    """A lazily loaded SentencePiece model with a clear error for a corrupt file."""

    def __init__(self, path: Path):
        if not path.is_file():
            raise ModelError(f"{path}: SentencePiece model missing")
        import sentencepiece as spm

        try:
            self.processor = spm.SentencePieceProcessor(model_file=str(path))
        except (OSError, RuntimeError) as exc:
            raise ModelError(f"{path}: not a SentencePiece model ({_first_line(exc)})") from None

    def encode(self, text: str) -> List[str]:
        return self.processor.encode(text, out_type=str)

    def decode(self, tokens: Sequence[str]) -> str:
        return self.processor.decode_pieces(list(tokens))


class ArgosModel(TranslationModel):
    layout = "argos"

    def __init__(self, path: Path):
        metadata = _read_json(path / "metadata.json")
        if not isinstance(metadata, dict) or not metadata.get("from_code") or not metadata.get("to_code"):
            raise ModelError(f"{path / 'metadata.json'}: no from_code/to_code (not an Argos translate package)")
        if (path / "bpe.model").is_file() and not (path / "sentencepiece.model").is_file():
            raise ModelError(f"{path}: Argos packages with a BPE tokenizer (bpe.model) are not supported")
        super().__init__(path, path / "model", metadata["from_code"], metadata["to_code"])
        self._prefix = metadata.get("target_prefix") or ""
        self.sp = _SentencePiece(path / "sentencepiece.model")

    @classmethod
    def detect(cls, path: Path) -> bool:
        return (path / "metadata.json").is_file() and (path / "model").is_dir()

    def encode(self, text: str, src_lang: str) -> List[str]:
        return self.sp.encode(text)

    def target_prefix(self, tgt_lang: str) -> Optional[List[str]]:
        return [self._prefix] if self._prefix else None

    def decode(self, tokens: Sequence[str], tgt_lang: str) -> str:
        if self._prefix and tokens and tokens[0] == self._prefix:
            tokens = tokens[1:]
        return self.sp.decode(tokens)

    @property
    def stanza_dir(self) -> Optional[Path]:
        folder = self.path / "stanza"
        return folder if folder.is_dir() else None


class MarianModel(TranslationModel):
    layout = "marian"

    def __init__(self, path: Path):
        src_lang, tgt_lang = _marian_pair(path)
        super().__init__(path, path, src_lang, tgt_lang)
        self.source_sp = _SentencePiece(path / "source.spm")
        self.target_sp = _SentencePiece(path / "target.spm")

    @classmethod
    def detect(cls, path: Path) -> bool:
        return (path / "model.bin").is_file() and (path / "source.spm").is_file()

    def encode(self, text: str, src_lang: str) -> List[str]:
        return self._with_eos(self.source_sp.encode(text))

    def decode(self, tokens: Sequence[str], tgt_lang: str) -> str:
        return self.target_sp.decode(tokens)


def _marian_pair(path: Path):
    """The language pair from metadata.json (written by `aligner models install`) or the name."""
    if (path / "metadata.json").is_file():
        metadata = _read_json(path / "metadata.json")
        if isinstance(metadata, dict) and metadata.get("from_code") and metadata.get("to_code"):
            return metadata["from_code"], metadata["to_code"]
    match = re.search(r"(?:^|[-_.])([a-z]{2,3})[-_]([a-z]{2,3})$", path.name)
    return (match.group(1), match.group(2)) if match else (None, None)


class _MultilingualModel(TranslationModel):
    """NLLB and M2M100: one SentencePiece model, language tokens in the shared vocabulary."""

    multilingual = True
    codes: Dict[str, str] = {}
    sp_files = ("sentencepiece.bpe.model", "sentencepiece.model", "spm.model")

    def __init__(self, path: Path):
        super().__init__(path, path, None, None)
        sp_file = next((path / name for name in self.sp_files if (path / name).is_file()), None)
        if sp_file is None:
            raise ModelError(f"{path}: no SentencePiece model ({' or '.join(self.sp_files)})")
        self.sp = _SentencePiece(sp_file)
        vocabulary = _vocabulary_tokens(path)
        self._languages = [lang for lang, token in self.codes.items() if token in vocabulary]

    @classmethod
    def detect(cls, path: Path) -> bool:
        if not (path / "model.bin").is_file() or (path / "source.spm").is_file():
            return False
        vocabulary = _vocabulary_tokens(path)
        return any(token in vocabulary for token in cls.codes.values())

    @property
    def languages(self) -> Sequence[str]:
        return self._languages

    def encode(self, text: str, src_lang: str) -> List[str]:
        return self._with_eos([self.codes[src_lang]] + self.sp.encode(text))

    def target_prefix(self, tgt_lang: str) -> Optional[List[str]]:
        return [self.codes[tgt_lang]]

    def decode(self, tokens: Sequence[str], tgt_lang: str) -> str:
        if tokens and tokens[0] == self.codes[tgt_lang]:
            tokens = tokens[1:]
        return self.sp.decode(tokens)


class NllbModel(_MultilingualModel):
    layout = "nllb"
    codes = NLLB_CODES


class M2M100Model(_MultilingualModel):
    layout = "m2m"
    codes = M2M_CODES


def _vocabulary_tokens(path: Path) -> frozenset:
    for name in VOCABULARY_FILES:
        file = path / name
        if file.is_file():
            if file.suffix == ".json":
                tokens = _read_json(file)
                return frozenset(tokens if isinstance(tokens, list) else [])
            return frozenset(file.read_text(encoding="utf-8").splitlines())
    return frozenset()


# Detection order: the first layout whose ``detect`` accepts a folder is the folder's layout (a
# vocabulary with both NLLB and M2M100 language tokens is read as NLLB).
LAYOUTS: Registry[Type[TranslationModel]] = Registry("model layout")
for _layout in (ArgosModel, MarianModel, NllbModel, M2M100Model):
    LAYOUTS.add(_layout.layout, _layout)


def detect_layout(path: Path) -> str:
    """The layout name of the model folder ``path``; ModelError for anything unrecognised."""
    if not path.is_dir():
        raise ModelError(f"{path}: not a model folder")
    for name, cls in LAYOUTS.items():
        if cls.detect(path):
            return name
    raise ModelError(f"{path}: unknown model layout (expected an Argos package, an OPUS-MT/Marian "
                     "folder with source.spm, or an NLLB/M2M100 CTranslate2 folder)")


def open_model_folder(path: Path) -> TranslationModel:
    return LAYOUTS.get(detect_layout(path))(path)
