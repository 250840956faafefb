"""The default segmenter: rules tuned for news text in Persian, Arabic and English.

One compiled regex finds candidate boundaries: a run of terminal punctuation (. ! ? ؟ … ...) with
any closing quotes or brackets after it, followed by whitespace or directly by the next
sentence: web text often omits the space after a full stop ("کرد.وی", "positive.In Wuhan").
Each candidate is then kept or rejected from the word before it and the character after it:

* ! ? ؟ end a sentence unless a lower-case Latin letter or a comma-like mark follows
  ("“Why?” he asked"), or, in Persian, a word that continues an embedded question
  ("... یا خیر؟ گفت: ...", "... می‌کند؟ که ...").
* A full stop ends a sentence unless it closes an abbreviation (Dr. Mr. e.g., Jan. before a
  day number, Persian/Arabic ه.ش ق.م), an initial (J. K. Rowling, م. احمدی), a list number at
  the start of a line ("51. The Committee"), a number before another number ("۵. ۸ %", a
  decimal broken by a space), or when a lower-case word follows. After abbreviations that
  often end sentences too (etc. U.S. Inc.) it ends one only when a usual sentence opener
  (The, He, But ...) follows.
* An ellipsis ends a sentence unless a comma precedes it, a lower-case word follows, or
  "etc." (إلخ) stands next to it.
* ؛ separates clauses in Persian and Arabic news (FLORES dev: 38 inside lines, 1 at a line's
  end), so it ends a sentence only where its line ends; ، and : never end one.

Decimals (3.5, ۳٫۵), thousands (3,000), URLs and e-mails never end a sentence: without a space
after it a full stop needs an Arabic-script letter, or a capitalised Latin word after a
lower-case letter, a digit or a closing quote (_ends_without_space). Line breaks are boundaries
already (see segment.py), so headlines without final punctuation end there.
"""

from __future__ import annotations

from typing import List

import regex

from .base import Segmenter, Span

CLOSERS = "\"'”’»)]}›"
OPENERS = "\"'“‘«([{‹"

# Abbreviations that a capitalised word usually follows within the same sentence (titles before
# names, Latin abbreviations, "et al."). Lower-cased, without their final dot.
ENGLISH_ABBREVIATIONS = frozenset("""
mr mrs ms messrs dr prof sr jr st mt ft gen brig col lt maj capt cmdr adm sgt cpl pvt gov sen rep
pres supt insp rev hon mme mlle vs v cf al approx dept est e.g i.e ca viz ibid
""".split())
# Abbreviations used before a number only: "No. 5", "Jan. 1", "p. 12", "Vol. 3".
ENGLISH_NUMBER_ABBREVIATIONS = frozenset("""
no nos vol vols p pp ch art sec para paras fig figs jan feb mar apr jun jul aug sep sept oct nov dec
""".split())
# Abbreviations that often end a sentence too: after them a new sentence starts only when a
# usual sentence opener follows ("in the U.S. The ..." but "the U.S. Senate").
ENGLISH_FINAL_ABBREVIATIONS = frozenset("""
u.s u.k u.n e.u a.m p.m inc ltd co corp bros d.c b.c a.d
""".split())
SENTENCE_OPENERS = frozenset("""
the a an he she it they we i you this that these those there here his her its their our my
in on at but and however meanwhile after before when while if as for since so yet also then
according officials police what who why how where one some many most all no both each
moreover furthermore besides thus therefore nevertheless instead
""".split())

# Persian/Arabic abbreviations written with dots: solar/lunar hijri and pre-Christian years,
# before/after noon. Single letters (ص. page, ج. volume, م. initials) are caught by the
# initials rule, other dotted acronyms ("ل.س.د") by _is_dotted_acronym.
ARABIC_SCRIPT_ABBREVIATIONS = frozenset("ه.ش ه.ق ق.م ب.ظ ق.ظ هـ.ش هـ.ق".split())
# Persian words that continue a sentence after an embedded question: Persian puts the verb last,
# so "... یا خیر؟ گفت: ..." and "... ایجاد می‌کند؟ که این فرد خندید" are one sentence each.
PERSIAN_CONTINUATIONS = frozenset("که گفت افزود اظهار تصریح خاطرنشان".split())
# Words (and the "و غیره" pair) next to which an ellipsis continues a list rather than
# ending a sentence: "النقل إلخ... من أجل", "القصص... إلخ)".
ELLIPSIS_CONTINUATIONS = frozenset("إلخ الخ وغيرها و غیره".split())

MAX_WORD = 64
_CANDIDATE = regex.compile(
    r"(?P<mark>\.{2,}|…+|[!?؟‼⁉]+[.!?؟…]*|\.|؛)[" + regex.escape(CLOSERS) + r"]*"
    r"(?=(?P<space>\s*)[" + regex.escape(OPENERS) + r"]*(?P<next>\S))"
)
_ARABIC_LETTER = regex.compile(r"[\p{Arabic}&&\p{L}]", regex.V1)
_LIST_NUMBER = regex.compile(r"(?:\d{1,4}|[ivxlcdm]{1,4}|[a-z])", regex.IGNORECASE)
_CONTINUATION_MARKS = frozenset(",;:،؛)]}»”’-–—")
_DIGITS = frozenset("0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩")
_LATIN_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


class RuleSegmenter(Segmenter):
    """Rule-based segmenter for fa, ar and en (other languages get the same rules)."""

    name = "rules"

    def split(self, line: str) -> List[Span]:
        spans: List[Span] = []
        start = 0
        text_start = len(line) - len(line.lstrip())  # where a list number would stand
        for match in _CANDIDATE.finditer(line):
            if self._is_boundary(line, match, text_start):
                end = match.end()
                spans.append((start, end))
                start = end
        spans.append((start, len(line)))
        return spans

    def _is_boundary(self, line: str, match, text_start: int) -> bool:
        mark = match.group("mark")
        following = match.group("next")
        if mark == "؛":
            return False  # a clause separator; the line's end closes the sentence anyway
        if not match.group("space"):
            return self._ends_without_space(line, match)
        if following in _CONTINUATION_MARKS:
            return False
        if following.islower():
            # A lower-case word goes on the sentence, unless the sentence was Persian or Arabic:
            # "... مشخص نیست. alpha-CoVهای خفاشی ..." starts a new one with a Latin name.
            return mark[0] in ".!?؟" and _ARABIC_LETTER.match(line, match.start() - 1) is not None
        if (_ARABIC_LETTER.match(following) and line[match.start() - 1:match.start()] in _LATIN_LETTERS
                and len(_word_before(line, match.start())) == 1):
            # A Latin initial is followed by the rest of a Latin name; before a Persian or Arabic
            # word it is a one-letter name ending the sentence ("پروتئین S. عموما", "مكتبات R.
            # ننوي"). "Piquet Jr. پس از" goes on: an abbreviation ends a name inside the sentence.
            return mark[0] in ".!?؟"
        first = mark[0]
        if first in "!?؟‼⁉":
            return not (self.lang == "fa" and _next_word(line, match.end()) in PERSIAN_CONTINUATIONS)
        if first == "…" or len(mark) > 1:  # an ellipsis
            return not (_char_before(line, match.start()) in ",،"
                        or _word_before(line, match.start()) in ELLIPSIS_CONTINUATIONS
                        or _next_word(line, match.end()) in ELLIPSIS_CONTINUATIONS)
        return self._full_stop_ends_sentence(line, match.start(), match.end(), following, text_start)

    def _full_stop_ends_sentence(self, line: str, dot: int, end: int, following: str, text_start: int) -> bool:
        word = _word_before(line, dot)
        if not word:
            return True
        if word[-1] in _DIGITS and following in _DIGITS:
            return False  # "۵. ۸ %": a decimal broken by a space, or a reference "(3.) 4"
        if dot - len(word) == text_start and _LIST_NUMBER.fullmatch(word):
            return False  # "51. The Committee ...": a numbered paragraph or list item
        lowered = word.lower()
        if lowered in ENGLISH_NUMBER_ABBREVIATIONS:
            return following not in _DIGITS
        # "non-U.S." and "(U.S." are judged by their last part.
        tail = lowered.rsplit("-", 1)[-1]
        if tail in ENGLISH_FINAL_ABBREVIATIONS or _is_dotted_acronym(tail):
            # "(... Inc.) The": a bracket or quote closed after the dot ends the sentence too.
            return line[dot + 1] in CLOSERS or _opens_sentence(line, end)
        if self._is_abbreviation(word):
            # An initial before a usual sentence opener ends the sentence ("class I. Moreover,",
            # "vitamin A. The"); a title never does ("Dr. The").
            return len(word) == 1 and len(_next_word(line, end)) > 1 and _opens_sentence(line, end)
        return True

    def _ends_without_space(self, line: str, match) -> bool:
        """A sentence end with no space after it, as web text and copied articles often have:
        "کرد.وی" (Arabic script after it, a letter, digit or closing quote before it) and
        "tested positive.In Wuhan", 'settings".On 25 February' (a capitalised Latin word
        after it). Not "ل.س.د" and "ه.ش" (acronyms and abbreviations), "U.S.Army" (an initial
        before the dot), "e.g.China", "v2.0" or "www.Example.com" (a lower-case letter or a
        digit must come before a Latin capital, and a lower-case letter after it)."""
        mark = match.group("mark")
        if mark not in (".", "؟", "!"):
            return False
        word = _word_before(line, match.start())
        if self._is_abbreviation(word) or _is_dotted_acronym(word.lower()):
            return False
        before = line[match.start() - 1] if match.start() else ""
        following = match.group("next")
        after_following = line[match.end() + 1:match.end() + 2]
        if _ARABIC_LETTER.match(following):
            return before.isdigit() or before in CLOSERS or _ARABIC_LETTER.match(before) is not None
        latin_word_follows = ("A" <= following <= "Z") and ("a" <= after_following <= "z")
        if not latin_word_follows or "www" in word.lower() or "/" in word or "@" in word:
            return False
        return before.isdigit() or before in CLOSERS or "a" <= before <= "z"

    @staticmethod
    def _is_abbreviation(word: str) -> bool:
        if not word:
            return False
        if word.lower() in ENGLISH_ABBREVIATIONS or word in ARABIC_SCRIPT_ABBREVIATIONS:
            return True
        # Initials: "J. K. Rowling", "م. احمدی" (one letter, upper case where the script has case).
        return len(word) == 1 and word.isalpha() and not word.islower()


def _word_before(line: str, position: int) -> str:
    """The whitespace-delimited word that ends at ``position``, without opening quotes/brackets."""
    # Words longer than the window are neither abbreviations nor numbers: the window keeps every
    # lookup short on a 10 MB line without a space to find.
    window = max(0, position - MAX_WORD)
    start = max(line.rfind(" ", window, position), line.rfind("\t", window, position),
                line.rfind("\u00a0", window, position), window - 1)
    return line[start + 1:position].lstrip(OPENERS)


def _char_before(line: str, position: int) -> str:
    """The last non-space character before ``position`` ('' if none)."""
    position -= 1
    while position >= 0 and line[position].isspace():
        position -= 1
    return line[position] if position >= 0 else ""


def _is_dotted_acronym(word: str) -> bool:
    """"u.s", "ph.d", "ه.ش": two or more parts of at most two letters joined by dots."""
    if "." not in word:
        return False
    parts = word.split(".")
    return all(0 < len(part) <= 2 and part.isalpha() for part in parts)


_NEXT_WORD = regex.compile(r"\s*[" + regex.escape(OPENERS) + r"]*(\p{L}+)")


def _next_word(line: str, position: int) -> str:
    word = _NEXT_WORD.match(line, position)
    return word.group(1) if word else ""


def _opens_sentence(line: str, position: int) -> bool:
    return _next_word(line, position).lower() in SENTENCE_OPENERS
