"""Translation model layouts: detect what a folder holds and load it behind one interface.

Three families of CTranslate2 models are what users actually have for fa/ar<->en:

* ``argos``  Argos Translate packages (.argosmodel zip or its folder): metadata.json with
  from_code/to_code, model/ (CTranslate2), sentencepiece.model, optionally stanza/.
* ``marian`` OPUS-MT / Marian models converted to CTranslate2: model.bin with source.spm and
  target.spm. The pair comes from metadata.json, the model card or the folder name (translate.pairs);
  a multi-target model gets the ``>>xxx<<`` token of the target language in front of the source.
* ``nllb`` / ``m2m`` NLLB-200 and M2M100 converted to CTranslate2: one SentencePiece model, a
  source-language token in front of the source, the target-language token as target prefix.

Converters leave the tokenizers behind (ct2-opus-mt-converter always, ct2-transformers-converter
without --copy_files): such a folder is refused with the copy or command that completes it. A
model converted before CTranslate2 3.0 has no config.json; its source-EOS flag is read from
model.bin (translate.ct2_binary).

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
from .ct2_binary import legacy_config
from .pairs import CARD_BYTES, merge, pair_from_card, pair_from_name, target_tokens

NLLB_CODES = {"fa": "pes_Arab", "ar": "arb_Arab", "en": "eng_Latn"}
M2M_CODES = {"fa": "__fa__", "ar": "__ar__", "en": "__en__"}
VOCABULARY_FILES = ("shared_vocabulary.json", "shared_vocabulary.txt",
                    "source_vocabulary.json", "source_vocabulary.txt")
# Tokens a translation may end with or contain that are no text: sequence markers, padding,
# language tokens of every family, fairseq's vocabulary padding (madeupword0000...).
SPECIAL_TOKEN = re.compile(r"</?s>|<pad>|madeupword\d+|__[a-z]{2,3}(?:_[A-Za-z]+)?__|[a-z]{3}_[A-Z][a-z]{3}|>>[\w-]+<<")
OPUS_MT_FIX = ("copy source.spm and target.spm from the OPUS-MT download you converted into {path} "
               "(ct2-opus-mt-converter never copies them), or convert the Hugging Face model with "
               "`ct2-transformers-converter --model Helsinki-NLP/opus-mt-SRC-TGT --output_dir {path} "
               "--copy_files source.spm target.spm`")


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
        # Converters since CTranslate2 3.0 write config.json; older ones kept the flags in model.bin.
        has_config = (ct2_dir / "config.json").is_file()
        self.config = _read_json(ct2_dir / "config.json") if has_config else legacy_config(ct2_dir / "model.bin")
        self.metadata = _read_metadata(path)

    @property
    def version(self) -> str:
        """The package version of metadata.json ('1.9'), '' when the folder records none."""
        return str(self.metadata.get("package_version") or "")

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
    def pair_known(self) -> bool:
        """Whether the folder says what it translates (a multilingual model: its language tokens)."""
        return self.multilingual or bool(self.src_lang and self.tgt_lang)

    @property
    def pair_label(self) -> str:
        """What the model translates, for messages and listings: 'fa->en' or 'fa+ar+en (any pair)'."""
        return "+".join(self.languages) + " (any pair)" if self.multilingual else f"{self.src_lang}->{self.tgt_lang}"

    def check_pair(self, src_lang: str, tgt_lang: str) -> None:
        if not self.supports(src_lang, tgt_lang):
            raise ModelError(f"{self.path}: model translates {self.pair_label}, not {src_lang}->{tgt_lang}")

    # -- tokenisation ----------------------------------------------------------------------------
    def encode(self, text: str, src_lang: str, tgt_lang: Optional[str] = None) -> List[str]:
        """Source tokens for one sentence, with whatever markers the layout needs (a multi-target
        model's needs ``tgt_lang``)."""
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


def _read_metadata(path: Path) -> dict:
    metadata = _read_json(path / "metadata.json") if (path / "metadata.json").is_file() else {}
    return metadata if isinstance(metadata, dict) else {}


def _text_tokens(tokens: Sequence[str]) -> List[str]:
    return [token for token in tokens if not SPECIAL_TOKEN.fullmatch(token)]


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
        metadata = _read_metadata(path)
        if not metadata.get("from_code") or not metadata.get("to_code"):
            raise ModelError(f"{path / 'metadata.json'}: no from_code/to_code (not an Argos translate package)")
        if (path / "bpe.model").is_file() and not (path / "sentencepiece.model").is_file():
            raise ModelError(f"{path}: Argos packages with a BPE tokenizer (bpe.model) are not supported")
        super().__init__(path, path / "model", metadata["from_code"], metadata["to_code"])
        self._prefix = metadata.get("target_prefix") or ""
        self.sp = _SentencePiece(path / "sentencepiece.model")

    @classmethod
    def detect(cls, path: Path) -> bool:
        return (path / "metadata.json").is_file() and (path / "model").is_dir()

    def encode(self, text: str, src_lang: str, tgt_lang: Optional[str] = None) -> List[str]:
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
    """An OPUS-MT model; ``target_tokens`` (lang -> '>>ara<<') is non-empty for a multi-target one."""

    layout = "marian"

    def __init__(self, path: Path):
        missing = [name for name in ("source.spm", "target.spm") if not (path / name).is_file()]
        if missing:
            raise ModelError(f"{path}: no {' or '.join(missing)}: " + OPUS_MT_FIX.format(path=path))
        metadata = _read_metadata(path)
        card = path / "README.md"
        src_lang, tgt_lang = merge((metadata.get("from_code"), metadata.get("to_code")),
                                   pair_from_card(_head(card)) if card.is_file() else (None, None),
                                   pair_from_name(path.name))
        super().__init__(path, path, src_lang, tgt_lang)
        self.target_tokens = target_tokens(_vocabulary_tokens(path))
        self.source_sp = _SentencePiece(path / "source.spm")
        self.target_sp = _SentencePiece(path / "target.spm")

    @classmethod
    def detect(cls, path: Path) -> bool:
        return (path / "model.bin").is_file() and ((path / "source.spm").is_file() or (path / "target.spm").is_file())

    @property
    def pair_known(self) -> bool:
        return bool(self.src_lang and (self.tgt_lang or self.target_tokens))

    @property
    def targets(self) -> Sequence[str]:
        """The languages it translates into: those of its >>xxx<< tokens, or its one target."""
        return sorted(self.target_tokens) if self.target_tokens else [lang for lang in (self.tgt_lang,) if lang]

    def supports(self, src_lang: str, tgt_lang: str) -> bool:
        if not self.target_tokens:
            return super().supports(src_lang, tgt_lang)
        return self.src_lang in (None, src_lang) and tgt_lang in self.target_tokens and src_lang != tgt_lang

    @property
    def pair_label(self) -> str:
        if not self.target_tokens:
            return super().pair_label
        return f"{self.src_lang}->" + "|".join(f"{lang} ({self.target_tokens[lang]})" for lang in self.targets)

    def encode(self, text: str, src_lang: str, tgt_lang: Optional[str] = None) -> List[str]:
        pieces = self.source_sp.encode(text)
        if self.target_tokens:
            if tgt_lang not in self.target_tokens:
                raise ModelError(f"{self.path}: a multi-target model needs a target language it has a token for "
                                 f"({self.pair_label})")
            pieces = [self.target_tokens[tgt_lang]] + pieces
        return self._with_eos(pieces)

    def decode(self, tokens: Sequence[str], tgt_lang: str) -> str:
        return self.target_sp.decode(_text_tokens(tokens))


def _head(path: Path) -> str:
    """The start of a model card (README.md): where its language fields are."""
    with open(path, "rb") as handle:
        return handle.read(CARD_BYTES).decode("utf-8", "replace")


class _MultilingualModel(TranslationModel):
    """NLLB and M2M100: one SentencePiece model, language tokens in the shared vocabulary."""

    multilingual = True
    codes: Dict[str, str] = {}
    # NLLB-200 and M2M100 from Hugging Face: sentencepiece.bpe.model; fairseq's M2M-100 download
    # (CTranslate2's fairseq guide): spm.128k.model.
    sp_files = ("sentencepiece.bpe.model", "sentencepiece.model", "spm.128k.model", "spm.model")
    tokenizer_source = ""  # where the SentencePiece model of the family comes from

    def __init__(self, path: Path):
        super().__init__(path, path, None, None)
        sp_file = next((path / name for name in self.sp_files if (path / name).is_file()), None)
        if sp_file is None:
            raise ModelError(f"{path}: no SentencePiece model ({' or '.join(self.sp_files)}): "
                             f"{self.tokenizer_source.format(path=path)}")
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

    def encode(self, text: str, src_lang: str, tgt_lang: Optional[str] = None) -> List[str]:
        return self._with_eos([self.codes[src_lang]] + self.sp.encode(text))

    def target_prefix(self, tgt_lang: str) -> Optional[List[str]]:
        return [self.codes[tgt_lang]]

    def decode(self, tokens: Sequence[str], tgt_lang: str) -> str:
        return self.sp.decode(_text_tokens(tokens))  # the target prefix and any later special token


class NllbModel(_MultilingualModel):
    layout = "nllb"
    codes = NLLB_CODES
    tokenizer_source = ("copy sentencepiece.bpe.model from the Hugging Face model (facebook/nllb-200-...) into "
                        "{path}, or convert with `ct2-transformers-converter ... --copy_files sentencepiece.bpe.model`")


class M2M100Model(_MultilingualModel):
    layout = "m2m"
    codes = M2M_CODES
    tokenizer_source = ("copy spm.128k.model (fairseq's M2M-100 download) or sentencepiece.bpe.model (Hugging Face's "
                        "facebook/m2m100_...) into {path}, or convert with `ct2-transformers-converter ... "
                        "--copy_files sentencepiece.bpe.model`")


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
    if (path / "model.bin").is_file():
        # A converted model with no tokenizer and no language tokens: what the OPUS-MT converters make.
        raise ModelError(f"{path}: a CTranslate2 model without its SentencePiece models: "
                         + OPUS_MT_FIX.format(path=path))
    raise ModelError(f"{path}: unknown model layout (expected an Argos package, an OPUS-MT/Marian "
                     "folder with source.spm, or an NLLB/M2M100 CTranslate2 folder)")


def open_model_folder(path: Path) -> TranslationModel:
    return LAYOUTS.get(detect_layout(path))(path)
