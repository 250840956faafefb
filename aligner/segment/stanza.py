"""Stanza backend: Stanza's neural tokenizer, loaded from a local resources directory.

Models are never downloaded implicitly: the user points ``--stanza-dir`` (or ALIGNER_STANZA_DIR)
at a Stanza resources folder, such as the stanza/ folder inside an Argos Translate package.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import List, Optional

from ..errors import AlignerError, ModelError
from ..signature import Signature
from .base import Segmenter, Span

ENV_VAR = "ALIGNER_STANZA_DIR"


@lru_cache(maxsize=4)
def _pipeline(resources_dir: str, lang: str):
    try:
        import stanza
    except ImportError:
        raise AlignerError("the stanza segmenter needs the 'stanza' extra: pip install 'aligner[stanza]'") from None
    if not (Path(resources_dir) / lang / "tokenize").is_dir():
        raise ModelError(f"{resources_dir}: no Stanza tokenizer for {lang!r} "
                         f"(expected {lang}/tokenize/ inside it)")
    try:
        return stanza.Pipeline(lang=lang, dir=resources_dir, processors="tokenize",
                               download_method=None, logging_level="ERROR", use_gpu=False)
    except Exception as exc:  # stanza raises bare Exceptions and torch errors for bad files
        raise ModelError(f"{resources_dir}: cannot load the Stanza {lang} tokenizer ({exc})") from None


class StanzaSegmenter(Segmenter):
    """Segments with a Stanza tokenize pipeline; spans come from Stanza's character offsets."""

    name = "stanza"

    def __init__(self, lang: str, resources_dir: Optional[str] = None):
        super().__init__(lang)
        if not resources_dir:
            raise AlignerError(f"the stanza segmenter needs --stanza-dir (or {ENV_VAR}): "
                               "a folder of Stanza resources; nothing is downloaded")
        self.resources_dir = str(Path(resources_dir).resolve())

    def split(self, line: str) -> List[Span]:
        document = _pipeline(self.resources_dir, self.lang)(line)
        return [(s.tokens[0].start_char, s.tokens[-1].end_char) for s in document.sentences if s.tokens]

    def signature(self) -> Signature:
        return Signature.of("segmenter", name=self.name, language=self.lang, resources=self.resources_dir)
