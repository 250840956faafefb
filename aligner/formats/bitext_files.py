"""Bitext files in and out, whatever their format: bitext JSONL, TMX or TSV.

``package``, ``score`` and ``filter`` all read any mix of the three (by file extension) and
write any of them; this module is what they share, usable from Python without the command line:

    links = read_links(["news.bitext.jsonl", "old.tmx"])
    write_links(links, "memory.tsv", output_format("memory.tsv"))
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, Dict, Iterable, Iterator, Optional, Sequence, Tuple

from ..bitext import BitextLink, read_bitext, write_bitext
from ..registry import Registry
from .atomic import open_output
from .tmx import TmxWriteStats, read_tmx, spooled, write_distinct_tmx, write_tmx
from .tsv import read_tsv, write_tsv

Warn = Callable[[str], None]


@dataclass(frozen=True)
class BitextFileFormat:
    """How to read and write one format. ``read(path, src_lang, tgt_lang)`` takes the languages
    for inputs that do not name them; ``write(links, handle, lang_tags, warn)`` returns a
    one-line summary of what it wrote."""

    suffixes: Tuple[str, ...]
    read: Callable[[Path, Optional[str], Optional[str]], Iterator[BitextLink]]
    write: Callable[[Iterable[BitextLink], IO[str], Optional[Dict[str, str]], Optional[Warn]], str]


def _read_jsonl(path: Path, src_lang: Optional[str], tgt_lang: Optional[str]) -> Iterator[BitextLink]:
    return read_bitext(path)  # every record names its languages


def _write_jsonl(links, handle, lang_tags, warn) -> str:
    return f"{write_bitext(links, handle)} links"


def _write_tmx(links, handle, lang_tags, warn) -> str:
    return tmx_summary(write_tmx(links, handle, lang_tags=lang_tags, warn=warn))


def tmx_summary(stats: TmxWriteStats) -> str:
    summary = f"{stats.units} translation units"
    if stats.duplicates:
        summary += f"; {stats.duplicates} repeated pair(s) merged into their unit (x-occurrences)"
    if stats.skipped_unaligned:
        summary += f"; {stats.skipped_unaligned} unaligned (1-0/0-1) links are not TM units, left out"
    return summary


def _write_tsv(links, handle, lang_tags, warn) -> str:
    return f"{write_tsv(links, handle)} rows"


BITEXT_FORMATS: Registry[BitextFileFormat] = Registry("bitext file format")
BITEXT_FORMATS.add("jsonl", BitextFileFormat((".jsonl",), _read_jsonl, _write_jsonl))
BITEXT_FORMATS.add("tmx", BitextFileFormat((".tmx",), read_tmx, _write_tmx))
BITEXT_FORMATS.add("tsv", BitextFileFormat((".tsv", ".tab"), read_tsv, _write_tsv))
# A file whose extension names no format is read and written as bitext JSONL.
FALLBACK_FORMAT = "jsonl"


def format_of(path: str) -> str:
    """The format a file name's extension names (case-insensitive), else the fallback."""
    suffix = Path(path).suffix.lower()
    return next((name for name, kind in BITEXT_FORMATS.items() if suffix in kind.suffixes), FALLBACK_FORMAT)


def read_links(paths: Sequence[str], src_lang: Optional[str] = None,
               tgt_lang: Optional[str] = None) -> Iterator[BitextLink]:
    """Links of every input in order, each read in the format of its extension."""
    for path in paths:
        yield from BITEXT_FORMATS.get(format_of(path)).read(Path(path), src_lang, tgt_lang)


def output_format(output: Optional[str], explicit: Optional[str] = None, allowed: Optional[Sequence[str]] = None,
                  default: str = FALLBACK_FORMAT) -> str:
    """The format to write: ``explicit`` if given, else the one the output file's extension names
    if it is ``allowed`` (any format by default), else ``default`` (also for stdout)."""
    if explicit:
        return explicit
    if output and output != "-":
        named = format_of(output)
        if allowed is None or named in allowed:
            return named
    return default


def write_links(links: Iterable[BitextLink], output: Optional[str], kind: str,
                lang_tags: Optional[Dict[str, str]] = None, warn: Optional[Warn] = None,
                distinct_units: bool = False) -> str:
    """Write ``links`` as ``kind`` atomically (stdout for None/'-'); returns a one-line summary.
    ``lang_tags`` and ``warn`` are for TMX (see :class:`~.tmx.TmxWriter`); with
    ``distinct_units`` a TMX holds each distinct pair once (:func:`~.tmx.write_distinct_tmx`,
    the links spooled to a temporary file for its two passes)."""
    with open_output(output) as handle:
        if distinct_units and kind == "tmx":
            with spooled(links) as again:
                return tmx_summary(write_distinct_tmx(again, handle, lang_tags=lang_tags, warn=warn))
        return BITEXT_FORMATS.get(kind).write(links, handle, lang_tags, warn)
