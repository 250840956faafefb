"""The default segmenter: rules tuned for news text in Persian, Arabic and English.

Candidate boundaries are runs of terminal punctuation (. ! ? ؟ … and ؛) with any closing quotes or
brackets after them; each candidate is kept or rejected by looking at the token before it
(abbreviations, initials, numbers) and the text after it (lower-case continuation in English).
Decimals (3.5, ۳٫۵), thousands (3,000), URLs and e-mails never contain a candidate because a
candidate needs whitespace (or a new Arabic-script word) after it.
"""

from __future__ import annotations

from typing import List

import regex

from .segment import Segmenter, Span, register

CLOSERS = "\"'”’»)]}›"
OPENERS = "\"'“‘«([{‹"

ENGLISH_ABBREVIATIONS = frozenset("""
mr mrs ms dr prof sr jr st mt ft gen brig col lt maj capt cmdr adm sgt cpl pvt gov sen rep
pres supt insp rev hon messrs mme mlle vs etc e.g i.e cf al approx dept est fig inc ltd co corp
no nos vol vols pp p ed eds jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri
sat sun u.s u.k u.n e.u a.m p.m b.a m.a ph.d d.c n.y l.a
""".split())
# Abbreviations that often end a sentence too: after them a capitalised word starts a new one.
ENGLISH_FINAL_ABBREVIATIONS = frozenset("etc u.s u.k u.n e.u a.m p.m inc ltd co corp d.c".split())

# Persian/Arabic abbreviations written with a dot: solar/lunar hijri and Christian era years,
# "doctor", "engineer", and the single letters used as abbreviations (ص. for page, ج. for volume).
ARABIC_SCRIPT_ABBREVIATIONS = frozenset("""
ه.ش ه.ق ق.م ه.ش. ه.ق. ق.م. م.ع د دکتر مهندس ص ج ش م ق ه هـ ع ره
""".split())

_TERMINAL = regex.compile(r"(?:\.{2,}|…+|[!?؟]+[.!?؟]*|\.|؛)[" + regex.escape(CLOSERS) + r"]*")
_TOKEN_BEFORE = regex.compile(r"(\S+?)[" + regex.escape(OPENERS) + r"]*$")
_ARABIC_LETTER = regex.compile(r"\p{Arabic}")


@register("rules")
class RuleSegmenter(Segmenter):
    """Rule-based segmenter for fa, ar and en (other languages get the English rules)."""

    def split(self, line: str) -> List[Span]:
        spans: List[Span] = []
        start = 0
        for match in _TERMINAL.finditer(line):
            end = match.end()
            if self._is_boundary(line, match.start(), end):
                spans.append((start, end))
                start = end
        if start < len(line):
            spans.append((start, len(line)))
        return spans

    def _is_boundary(self, line: str, mark_start: int, mark_end: int) -> bool:
        if mark_end >= len(line):
            return False  # the end of the line closes the last sentence anyway
        mark = line[mark_start:mark_end].rstrip(CLOSERS)
        following = line[mark_end:]
        if not following[0].isspace():
            # "کرد.وی": Arabic-script text often omits the space after a full stop.
            return (mark == "." and _ARABIC_LETTER.match(following) is not None
                    and not self._is_abbreviation(line, mark_start))
        next_text = following.lstrip()
        if not next_text:
            return False
        if mark == "؛":
            return False
        next_char = next_text.lstrip(OPENERS)[:1] or next_text[0]
        if mark in ("!", "?", "؟") or mark.startswith(("!", "?", "؟")):
            return not next_char.islower()
        if mark.startswith((".", "…")) and len(mark) > 1 or mark.startswith("…"):
            return not next_char.islower()
        # A single full stop.
        if next_char.islower() or next_char in ",;:،؛":
            return False
        before = _TOKEN_BEFORE.search(line, 0, mark_start)
        token = before.group(1).lower() if before else ""
        if token in ENGLISH_FINAL_ABBREVIATIONS:
            return next_char.isupper() and self._looks_like_sentence_start(next_text)
        if self._is_abbreviation(line, mark_start):
            return False
        return True

    def _is_abbreviation(self, line: str, mark_start: int) -> bool:
        before = _TOKEN_BEFORE.search(line, 0, mark_start)
        if not before:
            return False
        token = before.group(1)
        lowered = token.lower()
        if lowered in ENGLISH_ABBREVIATIONS or token in ARABIC_SCRIPT_ABBREVIATIONS:
            return True
        if len(token) == 1 and token.isalpha():
            return True  # initials: "J. K. Rowling", "م. احمدی"
        # Dotted acronyms and initials: "U.S", "Ph.D", "ه.ش"
        parts = token.split(".")
        return len(parts) > 1 and all(len(p) <= 2 for p in parts) and all(p.isalpha() for p in parts if p)

    @staticmethod
    def _looks_like_sentence_start(text: str) -> bool:
        word = regex.match(r"\p{L}+", text.lstrip(OPENERS))
        return bool(word) and word.group().lower() in _SENTENCE_STARTERS


_SENTENCE_STARTERS = frozenset("""
the a an he she it they we i you this that these those there his her its their our in on at
but and however meanwhile after before when while if as for since according officials police
""".split())
