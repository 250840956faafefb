"""The hand-made parallel gold in corpora/parallel/ stays consistent with its texts and the segmenter.

Each gold alignment numbers sentences as the rule segmenter split them when the gold was made; the
sentence lists saved beside it (.sents) record that basis. When the segmenter changes how one of
these texts is split, test_sents_match_segmenter fails: the gold must then be re-checked by hand
(see corpora/parallel/README.md), not silently regenerated.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Tuple

import pytest

from aligner.text.reading import read_documents
from aligner.segment.base import segment_document

CORPORA = Path(__file__).resolve().parent.parent / "corpora"
PARALLEL = CORPORA / "parallel"

# (pair folder, file stem, source language)
PAIRS = [
    ("fa-en", "police-telegram-cooperation", "fa"),
    ("ar-en", "durov-case-paris-prosecutor", "ar"),
]

_LINK = re.compile(r"\[((?:\d+(?:, \d+)*)?)\]:\[((?:\d+(?:, \d+)*)?)\]")

Link = Tuple[List[int], List[int]]


def read_gold(path: Path) -> List[Link]:
    links = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = _LINK.fullmatch(line)
        assert match, f"{path.name}:{number}: not a vecalign link: {line!r}"
        src, tgt = ([int(i) for i in group.split(", ")] if group else [] for group in match.groups())
        assert src or tgt, f"{path.name}:{number}: empty link"
        links.append((src, tgt))
    return links


def read_sents(path: Path) -> List[str]:
    return path.read_text(encoding="utf-8").splitlines()


def raw_paths(pair: str, stem: str, lang: str) -> List[Tuple[Path, str]]:
    return [(CORPORA / lang / f"{stem}.txt", lang), (PARALLEL / pair / "en" / f"{stem}.txt", "en")]


def segment(path: Path, lang: str):
    (document,) = read_documents([str(path)], lang=lang)
    return segment_document(document).sentences


@pytest.mark.parametrize("pair, stem, lang", PAIRS)
def test_gold_covers_every_sentence_once_in_order(pair, stem, lang):
    links = read_gold(PARALLEL / pair / f"{stem}.gold")
    n_src = len(read_sents(PARALLEL / pair / f"{stem}.{lang}.sents"))
    n_tgt = len(read_sents(PARALLEL / pair / f"{stem}.en.sents"))
    assert [i for src, _ in links for i in src] == list(range(n_src))
    assert [j for _, tgt in links for j in tgt] == list(range(n_tgt))


@pytest.mark.parametrize("pair, stem, lang", PAIRS)
@pytest.mark.parametrize("side", [0, 1], ids=["source", "english"])
def test_sents_match_segmenter(pair, stem, lang, side):
    path, path_lang = raw_paths(pair, stem, lang)[side]
    saved = read_sents(PARALLEL / pair / f"{stem}.{path_lang}.sents")
    current = [sentence.text for sentence in segment(path, path_lang)]
    assert current == saved, (f"the segmenter now splits {path} differently from the basis of "
                              f"{stem}.gold; re-check the gold by hand")


@pytest.mark.parametrize("pair, stem, lang", PAIRS)
def test_translation_keeps_line_layout_and_links_stay_within_a_line(pair, stem, lang):
    """Source line k is translated on English line k, so no gold link may cross a line."""
    (src_path, _), (tgt_path, _) = raw_paths(pair, stem, lang)
    src_lines = [line for line in src_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    tgt_lines = [line for line in tgt_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(src_lines) == len(tgt_lines)
    src_para = [s.paragraph for s in segment(src_path, lang)]
    tgt_para = [s.paragraph for s in segment(tgt_path, "en")]
    for src, tgt in read_gold(PARALLEL / pair / f"{stem}.gold"):
        assert len({src_para[i] for i in src} | {tgt_para[j] for j in tgt}) == 1, (src, tgt)
