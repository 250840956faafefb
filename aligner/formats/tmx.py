"""TMX 1.4b: a streaming writer that CAT tools import, and a tolerant streaming reader.

The writer emits one ``<tu>`` per aligned link as it arrives (constant memory for any number of
units) and follows the TMX 1.4b DTD: every required header attribute, ``version="1.4"``,
``xml:lang`` on every ``<tuv>``, and ``<prop>`` elements before the ``<tuv>``s of a unit. A unit
carries what a translator can use, as ``<prop type="x-...">``: the probability that it is right
(``x-score``), a few named score components, all in [0, 1], and where it comes from (documents,
sentence ids, link type), so that a memory can be re-read, filtered and merged. The aligner's
internal values and the provenance stay in the bitext JSONL. A unit whose target is machine
translation says so where CAT tools show it (``creationid``) and names the model
(``x-machine-translation``). Text is written exactly as aligned: ZWNJ, RLM/LRM
and other bidi controls are kept byte for byte; only the characters XML 1.0 forbids (most C0
controls, U+FFFE/U+FFFF, lone surrogates) are removed, with a warning, because no XML parser
would accept the file otherwise.

The reader parses incrementally (lxml iterparse, each unit freed after use) and accepts what
other tools write: TMX 1.1-1.4, ``lang`` instead of ``xml:lang``, region subtags (fa-IR, en-US),
case differences, inline markup inside ``<seg>``, UTF-16 files from Trados, multilingual units.

A memory holds each distinct pair once (:func:`write_distinct_tmx`): a headline repeated in an
article and in its translation is one unit, with how often it occurred (``x-occurrences``).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import re
import tempfile
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, Dict, Iterable, Iterator, Optional, Tuple

import numpy as np

from .. import __version__
from ..bitext import MACHINE_TRANSLATION, MINED, REVIEW, BitextLink, open_data_file, read_bitext, write_bitext
from ..errors import FormatError
from ..text.reading import display_id

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# XML 1.0 Char production: everything else makes the file unreadable for every parser.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# Props that map to BitextLink fields; each component score is "x-score-<name>".
PROP_SCORE = "x-score"
PROP_SCORE_PREFIX = "x-score-"
PROP_MACHINE_TRANSLATION = "x-machine-translation"  # the translator's signature
# How many links had this unit's exact source and target text (written when more than one).
PROP_OCCURRENCES = "x-occurrences"
PROP_REVIEW = "x-review"  # a person's verdict from `aligner review` (accepted: whatever its x-score)
# A unit mined from comparable articles (not aligned in order in a document and its
# translation) says so: x-origin=mined.
PROP_ORIGIN, ORIGIN_MINED = "x-origin", "mined"
# The components a unit carries, each a probability-like value in [0, 1] that a translator can
# read: meaning, numbers, length, agreement with the machine translation. The others (and the
# aligner's align_* values, not in [0, 1]) stay in the JSONL.
TMX_COMPONENTS = ("semantic", "numbers", "length", "mt")
# The author CAT tools show for a unit (OmegaT's match pane, Trados' and memoQ's "created by")
# of a machine-translated unit; human-aligned units have none.
MACHINE_TRANSLATION_AUTHOR = "MT"


def remove_illegal_xml(text: str) -> Tuple[str, int]:
    """``text`` without the characters XML 1.0 forbids, and how many were removed."""
    cleaned, count = _XML_ILLEGAL.subn("", text)
    return cleaned, count


def _escape_text(text: str) -> str:
    # A raw CR would be read back as LF (XML end-of-line handling), so it is written as &#13;.
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _escape_attr(text: str) -> str:
    return (_escape_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;"))


def _format_ids(ids: Tuple[int, ...]) -> str:
    return " ".join(str(i) for i in ids)


def _parse_ids(value: str) -> Tuple[int, ...]:
    return tuple(int(part) for part in value.split())


def _tmx_date(moment: _dt.datetime) -> str:
    return moment.astimezone(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


@dataclass
class TmxWriteStats:
    units: int = 0
    skipped_unaligned: int = 0  # 1-0 / 0-1 links: a TM unit needs text on both sides
    removed_characters: int = 0  # XML-illegal control characters removed
    duplicates: int = 0  # links merged into the unit of the same pair (x-occurrences)


class TmxWriter:
    """Write links as TMX 1.4b units to an open text handle, one unit at a time.

    ``lang_tags`` maps our language codes to the tags to write (e.g. {"en": "en-US"}); by
    default the plain codes fa, ar, en are used. ``warn`` receives one message per unit from
    which illegal characters were removed.
    """

    def __init__(self, handle: IO[str], srclang: str, lang_tags: Optional[Dict[str, str]] = None,
                 warn: Optional[Callable[[str], None]] = None,
                 creationdate: Optional[_dt.datetime] = None):
        self._handle = handle
        self._lang_tags = dict(lang_tags or {})
        self._warn = warn
        self._date = _tmx_date(creationdate or _dt.datetime.now(_dt.timezone.utc))
        self.stats = TmxWriteStats()
        self._srclang = srclang
        self._open = False

    def _tag(self, lang: str) -> str:
        return self._lang_tags.get(lang, lang)

    def __enter__(self) -> "TmxWriter":
        header = {
            "creationtool": "aligner",
            "creationtoolversion": __version__,
            "segtype": "sentence",
            "o-tmf": "aligner-bitext",
            "adminlang": "en",
            "srclang": self._tag(self._srclang),
            "datatype": "plaintext",
            "creationdate": self._date,
        }
        attributes = " ".join(f'{key}="{_escape_attr(value)}"' for key, value in header.items())
        self._handle.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                           '<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
                           '<tmx version="1.4">\n'
                           f"<header {attributes}/>\n<body>\n")
        self._open = True
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None and self._open:
            self._handle.write("</body>\n</tmx>\n")
        self._open = False

    def _clean(self, text: str, where: str) -> str:
        cleaned, removed = remove_illegal_xml(text)
        if removed:
            self.stats.removed_characters += removed
            if self._warn:
                self._warn(f"{where}: removed {removed} control character(s) that XML does not allow")
        return cleaned

    def write(self, link: BitextLink, occurrences: int = 1) -> bool:
        """Write one unit; returns False (and counts it) for an unaligned 1-0/0-1 link.
        ``occurrences``: how many links of the same pair the unit stands for."""
        if link.is_unaligned:
            self.stats.skipped_unaligned += 1
            return False
        self.stats.units += 1
        where = f"{link.src_doc} {link.link_type} {_format_ids(link.src_ids)}|{_format_ids(link.tgt_ids)}"
        props = []
        if link.score is not None:
            props.append((PROP_SCORE, _probability(link.score)))
        props.extend((PROP_SCORE_PREFIX + name, _probability(link.scores[name]))
                     for name in TMX_COMPONENTS if name in link.scores)
        if link.is_machine_translation:
            props.append((PROP_MACHINE_TRANSLATION, link.provenance[MACHINE_TRANSLATION]))
        if occurrences > 1:
            props.append((PROP_OCCURRENCES, str(occurrences)))
            self.stats.duplicates += occurrences - 1
        if REVIEW in link.provenance:
            props.append((PROP_REVIEW, link.provenance[REVIEW]))
        if link.is_mined:
            props.append((PROP_ORIGIN, ORIGIN_MINED))
        props.extend([("x-link", link.link_type), ("x-src-doc", link.src_doc), ("x-tgt-doc", link.tgt_doc),
                      ("x-src-ids", _format_ids(link.src_ids)), ("x-tgt-ids", _format_ids(link.tgt_ids))])
        attributes = f'tuid="{self.stats.units}" creationdate="{self._date}"'
        if link.is_machine_translation:
            attributes += f' creationid="{MACHINE_TRANSLATION_AUTHOR}"'
        # A unit whose source language differs from the header's says so (mixed fa/ar memories).
        if link.src_lang != self._srclang:
            attributes += f' srclang="{_escape_attr(self._tag(link.src_lang))}"'
        parts = [f"<tu {attributes}>"]
        parts.extend(f'<prop type="{_escape_attr(kind)}">{_escape_text(self._clean(value, where))}</prop>'
                     for kind, value in props)
        for lang, text in ((link.src_lang, link.src), (link.tgt_lang, link.tgt)):
            parts.append(f'<tuv xml:lang="{_escape_attr(self._tag(lang))}"><seg>'
                         f"{_escape_text(self._clean(text, where))}</seg></tuv>")
        parts.append("</tu>\n")
        self._handle.write("".join(parts))
        return True


def _probability(value: float) -> str:
    """A score as written in a unit: in [0, 1] whatever the scorer stored, 4 decimals."""
    return f"{min(1.0, max(0.0, float(value))):.4g}"


def write_tmx(links: Iterable[BitextLink], handle: IO[str], srclang: Optional[str] = None,
              lang_tags: Optional[Dict[str, str]] = None,
              warn: Optional[Callable[[str], None]] = None) -> TmxWriteStats:
    """Stream ``links`` into ``handle`` as one TMX document, one unit per aligned link; the source
    language is the first link's unless given."""
    return _write_units(((link, 1) for link in links), handle, srclang, lang_tags, warn)


def _write_units(units: Iterable[Tuple[BitextLink, int]], handle: IO[str], srclang: Optional[str],
                 lang_tags: Optional[Dict[str, str]], warn: Optional[Callable[[str], None]]) -> TmxWriteStats:
    """``units`` are (link, occurrences)."""
    iterator = iter(units)
    first = next(iterator, None)
    srclang = srclang or (first[0].src_lang if first else "en")
    with TmxWriter(handle, srclang, lang_tags, warn) as writer:
        if first is not None:
            writer.write(*first)
        for link, occurrences in iterator:
            writer.write(link, occurrences)
    return writer.stats


def pair_digest(link: BitextLink) -> bytes:
    """16 bytes that stand for the link's exact source and target text."""
    text = f"{link.src}\0{link.tgt}".encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=16).digest()


class DistinctUnits:
    """Which links become units when each distinct pair (exact source and target text) is one
    unit: the highest-scoring occurrence (the first of equal ones), with how many there were.

    Two passes over the same links: :meth:`count` keeps 16 bytes of digest and 8 of score per
    unit (no text), :meth:`select` gives back the chosen links. The index is per unit, not per
    distinct pair, so it needs no hash table: 24 bytes a unit, about 40 at the sort between the
    passes, and 4 (each unit's count) during the second."""

    def __init__(self):
        self._digests = bytearray()
        self._negated = array("d")  # minus each unit's score: one ascending sort puts the highest first
        self._occurrences: Optional[np.ndarray] = None  # per unit: 0 (merged into another) or its count

    def count(self, links: Iterable[BitextLink]) -> None:
        """The first pass (unaligned links are no units and are not counted)."""
        for link in links:
            if not link.is_unaligned:
                self._digests += pair_digest(link)
                self._negated.append(float("inf") if link.score is None else -link.score)
        units = len(self._negated)
        keys = np.frombuffer(self._digests, dtype=np.uint64).reshape(-1, 2)
        # Stable: within one pair the highest score first, then the earliest.
        order = np.lexsort((np.frombuffer(self._negated, dtype=np.float64), keys[:, 1], keys[:, 0]))
        self._negated = array("d")
        starts = np.zeros(units, dtype=bool)  # where each pair's run begins in sorted order
        starts[:1] = True
        for column in (0, 1):  # one 8-byte column at a time: the peak stays near 40 bytes a unit
            values = keys[order, column]
            starts[1:] |= values[1:] != values[:-1]
            del values
        del keys
        self._digests = bytearray()
        first = np.flatnonzero(starts)
        self._occurrences = np.zeros(units, dtype=np.uint32)
        self._occurrences[order[first]] = np.diff(np.append(first, units))

    def select(self, links: Iterable[BitextLink]) -> Iterator[Tuple[BitextLink, int]]:
        """The second pass, over the same links: (link, occurrences) of each unit to write, and
        the unaligned links (which the writer counts and leaves out)."""
        unit = 0
        for link in links:
            if link.is_unaligned:
                yield link, 1
                continue
            occurrences = int(self._occurrences[unit])
            unit += 1
            if occurrences:
                yield link, occurrences


def write_distinct_tmx(links: Callable[[], Iterable[BitextLink]], handle: IO[str], srclang: Optional[str] = None,
                       lang_tags: Optional[Dict[str, str]] = None,
                       warn: Optional[Callable[[str], None]] = None) -> TmxWriteStats:
    """As :func:`write_tmx`, with each distinct pair once (see :class:`DistinctUnits`);
    ``links()`` gives the same links each time it is called (it is called twice)."""
    units = DistinctUnits()
    units.count(links())
    return _write_units(units.select(links()), handle, srclang, lang_tags, warn)


@contextlib.contextmanager
def spooled(links: Iterable[BitextLink]) -> Iterator[Callable[[], Iterable[BitextLink]]]:
    """Links that can be read more than once: written to a temporary bitext file (for a stream
    read once, such as a scored and filtered input), read back as often as asked."""
    with tempfile.TemporaryDirectory(prefix="aligner-") as folder:
        path = Path(folder) / "spool.jsonl"
        with open(path, "w", encoding="utf-8") as handle:
            written = write_bitext(links, handle)
        yield lambda: read_bitext(path) if written else iter(())


# ---------------------------------------------------------------------------- reader


def primary_language(tag: str) -> str:
    """'fa-IR' -> 'fa', 'EN_us' -> 'en', 'ara' kept as 'ara' (only the primary subtag, lowercase)."""
    return re.split(r"[-_]", tag.strip(), 1)[0].lower()


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def seg_text(seg) -> str:
    """The text of a ``<seg>``: character data and ``<hi>`` text, without the native codes that
    ``<bpt>/<ept>/<ph>/<it>/<ut>`` carry (those are formatting, not words).

    Walked with an explicit stack, not recursion: ``<hi>`` nested thousands deep is still text.
    """
    parts = [seg.text or ""]
    # (children not yet visited, tail to add once they are) for every open <hi>, and the <seg>.
    open_elements = [(iter(seg), "")]
    while open_elements:
        children, closing_tail = open_elements[-1]
        child = next(children, None)
        if child is None:
            open_elements.pop()
            parts.append(closing_tail)
        elif _local(child.tag) == "hi":
            parts.append(child.text or "")
            open_elements.append((iter(child), child.tail or ""))
        else:
            parts.append(child.tail or "")
    return "".join(parts)


def _lang_of(element) -> str:
    return element.get(XML_LANG) or element.get("lang") or ""


def read_tmx(path: Path, src_lang: Optional[str] = None, tgt_lang: Optional[str] = None
             ) -> Iterator[BitextLink]:
    """Stream the units of a TMX file as links (one per target-language variant of a unit).

    The source variant is the one in the unit's or header's srclang, or ``src_lang`` when the
    header says ``*all*``; ``tgt_lang`` picks one target language from multilingual units.
    Malformed XML raises FormatError naming file and line.
    """
    from lxml import etree

    path = Path(path)
    header_srclang = ""  # primary language, or "*all*"
    handle = None
    try:
        # lxml is given only the file's read method: it encodes a file name (or a handle's name)
        # as UTF-8 for its base URL, which fails for a name that is not UTF-8.
        handle = open_data_file(path, "rb")
        context = etree.iterparse(_ReadOnly(handle.read), events=("start", "end"), resolve_entities=False,
                                  no_network=True, huge_tree=True, load_dtd=False, recover=False)
        number = 0
        for event, element in context:
            name = _local(element.tag)
            if event == "start":
                if name == "header":
                    header_srclang = primary_language(element.get("srclang") or "")
                continue
            if name != "tu":
                continue
            number += 1
            yield from _unit_links(path, element, number, header_srclang, src_lang, tgt_lang)
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if getattr(exc, "position", None) else "?")
        raise FormatError(f"{path}:{line}: not well-formed TMX ({exc.msg})") from None
    except OSError as exc:
        raise FormatError(f"{path}: cannot read ({exc.strerror or exc})") from None
    finally:
        if handle is not None:
            handle.close()


class _ReadOnly:
    """A file-like object with nothing but ``read``."""

    def __init__(self, read: Callable[[int], bytes]):
        self.read = read


def _unit_links(path: Path, tu, number: int, header_srclang: str, src_lang: Optional[str],
                tgt_lang: Optional[str]) -> Iterator[BitextLink]:
    variants = []
    for tuv in tu:
        if _local(tuv.tag) != "tuv":
            continue
        lang = primary_language(_lang_of(tuv))
        seg = next((child for child in tuv if _local(child.tag) == "seg"), None)
        if not lang or seg is None:
            raise FormatError(f"{path}:{tuv.sourceline}: <tuv> without language or <seg>")
        variants.append((lang, seg_text(seg)))
    if len(variants) < 2:
        raise FormatError(f"{path}:{tu.sourceline}: <tu> with fewer than two languages")
    srclang = primary_language(tu.get("srclang") or "") or header_srclang
    if srclang in ("", "*all*"):
        srclang = src_lang or variants[0][0]
    source = next((v for v in variants if v[0] == srclang), None)
    if source is None:
        raise FormatError(f"{path}:{tu.sourceline}: <tu> has no variant in its source language {srclang!r}")
    props: Dict[str, str] = {}
    for child in tu:
        if _local(child.tag) == "prop" and child.get("type"):
            props[child.get("type")] = child.text or ""
    targets = [v for v in variants if v is not source and (tgt_lang is None or v[0] == tgt_lang)]
    for lang, text in targets:
        try:
            yield _link_from_props(path, tu, number, source, (lang, text), props)
        except ValueError as exc:
            raise FormatError(f"{path}:{tu.sourceline}: bad aligner property ({exc})") from None


def _link_from_props(path: Path, tu, number: int, source: Tuple[str, str], target: Tuple[str, str],
                     props: Dict[str, str]) -> BitextLink:
    scores = {kind[len(PROP_SCORE_PREFIX):]: float(value) for kind, value in props.items()
              if kind.startswith(PROP_SCORE_PREFIX)}
    provenance = {MACHINE_TRANSLATION: props[PROP_MACHINE_TRANSLATION]} if PROP_MACHINE_TRANSLATION in props else {}
    if PROP_REVIEW in props:
        provenance[REVIEW] = props[PROP_REVIEW]
    if props.get(PROP_ORIGIN) == ORIGIN_MINED:
        provenance[MINED] = ORIGIN_MINED
    # Units from other tools have no document or sentence ids: the file and the unit's position
    # stand in, so every unit is still a 1-1 link that can be scored and written out again.
    src_doc = props.get("x-src-doc", display_id(path.name))
    tgt_doc = props.get("x-tgt-doc", display_id(path.name))
    src_ids = _parse_ids(props["x-src-ids"]) if "x-src-ids" in props else (number - 1,)
    tgt_ids = _parse_ids(props["x-tgt-ids"]) if "x-tgt-ids" in props else (number - 1,)
    # from_dict checks every field as for bitext JSONL (ids, finite numbers).
    return BitextLink.from_dict(dict(
        src_doc=src_doc, tgt_doc=tgt_doc, src_lang=source[0], tgt_lang=target[0],
        src_ids=list(src_ids), tgt_ids=list(tgt_ids), src=source[1], tgt=target[1],
        scores=scores, score=float(props[PROP_SCORE]) if PROP_SCORE in props else None,
        provenance=provenance))
