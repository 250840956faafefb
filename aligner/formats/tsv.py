"""TSV: one aligned pair per line with a header row, for spreadsheets, pandas and shell tools.

Columns (header names): ``src``, ``tgt``, ``score``, one ``score_<component>`` column per score
component, ``link`` (1-1, 2-1, ...), ``src_doc``, ``tgt_doc``, ``src_ids``, ``tgt_ids`` (sentence
indices separated by spaces), ``src_lang``, ``tgt_lang``, ``cost``, ``similarity``,
``other_scores`` (a JSON object of scores without a column, e.g. the aligner's ``align_*``) and
``provenance`` (a JSON object). An empty cell is a missing value, except in ``provenance``:
it is written on the first row and wherever it changes, and an empty cell means the row above's
(``{}`` is no provenance). Signatures run to a thousand characters, more than the rest of a row;
``df["provenance"].ffill()`` gives every row its own in pandas.

Escaping rule, applied to every cell (so a line is always one record and a tab always a column
break): backslash -> ``\\\\``, tab -> ``\\t``, line feed -> ``\\n``, carriage return -> ``\\r``.
Nothing else is touched: ZWNJ, bidi marks, emoji and other characters are written as they are.
Reading undoes exactly these four escapes and rejects any other backslash sequence, which makes
the round trip lossless. Numbers are written with Python's repr, which reads back exactly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Dict, Iterable, Iterator, List, Optional, Sequence

from ..bitext import BitextLink, numbered_lines
from ..errors import FormatError
from ..score.components import COMPONENTS
from ..text.reading import display_id

SCORE_PREFIX = "score_"
LEADING = ["src", "tgt", "score"]
TRAILING = ["link", "src_doc", "tgt_doc", "src_ids", "tgt_ids", "src_lang", "tgt_lang", "cost",
            "similarity", "other_scores", "provenance"]

_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def escape(text: str) -> str:
    """Escape one cell (see the module docstring for the rule)."""
    if not any(c in text for c in _ESCAPES):
        return text
    return "".join(_ESCAPES.get(c, c) for c in text)


def unescape(cell: str) -> str:
    """Undo ``escape``; ValueError on a backslash sequence that ``escape`` never writes."""
    if "\\" not in cell:
        return cell
    out: List[str] = []
    position = 0
    while position < len(cell):
        char = cell[position]
        if char != "\\":
            out.append(char)
            position += 1
            continue
        code = cell[position + 1:position + 2]
        if code not in _UNESCAPES:
            raise ValueError(f"unknown escape \\{code} at column {position + 1}" if code
                             else "backslash at the end of a cell")
        out.append(_UNESCAPES[code])
        position += 2
    return "".join(out)


def columns_for(score_names: Sequence[str]) -> List[str]:
    return LEADING + [SCORE_PREFIX + name for name in score_names] + TRAILING


def _number(value: Optional[float]) -> str:
    return "" if value is None else repr(float(value))


class TsvWriter:
    """Write links to an open text handle; ``score_names`` fixes the component columns."""

    def __init__(self, handle: IO[str], score_names: Sequence[str]):
        self._handle = handle
        self.score_names = list(score_names)
        self._columns = set(self.score_names)
        self._provenance: Optional[dict] = None  # the last provenance written
        self.rows = 0
        handle.write("\t".join(columns_for(self.score_names)) + "\n")

    def write(self, link: BitextLink) -> None:
        other = {name: value for name, value in link.scores.items() if name not in self._columns}
        cells = [link.src, link.tgt, _number(link.score)]
        cells += [_number(link.scores.get(name)) for name in self.score_names]
        cells += [link.link_type, link.src_doc, link.tgt_doc, " ".join(map(str, link.src_ids)),
                  " ".join(map(str, link.tgt_ids)), link.src_lang, link.tgt_lang, _number(link.cost),
                  _number(link.similarity),
                  json.dumps(other, ensure_ascii=False, sort_keys=True) if other else "",
                  self._provenance_cell(link.provenance)]
        self._handle.write("\t".join(escape(cell) for cell in cells) + "\n")
        self.rows += 1

    def _provenance_cell(self, provenance: dict) -> str:
        """The provenance as JSON where it differs from the row above's, else empty."""
        if provenance == self._provenance:
            return ""
        self._provenance = provenance
        return json.dumps(provenance, ensure_ascii=False, sort_keys=True)


def write_tsv(links: Iterable[BitextLink], handle: IO[str],
              score_names: Optional[Sequence[str]] = None) -> int:
    """Stream links as TSV; the score columns are the Scorer's components unless given."""
    writer = TsvWriter(handle, COMPONENTS.names() if score_names is None else score_names)
    for link in links:
        writer.write(link)
    return writer.rows


def _optional_float(cell: str, name: str = "number") -> Optional[float]:
    if not cell:
        return None
    try:
        return float(cell)
    except ValueError:
        raise ValueError(f"{name!r} must be a finite number, not {cell[:40]!r}") from None


def _json_object(name: str, cell: str) -> dict:
    """An object cell (``other_scores``, ``provenance``); ValueError for anything else."""
    if not cell:
        return {}
    try:
        value = json.loads(cell)
    except RecursionError:
        raise ValueError(f"{name!r} is JSON nested too deeply") from None
    if not isinstance(value, dict):
        raise ValueError(f"{name!r} must be a JSON object")
    return value


def read_tsv(path: Path, src_lang: Optional[str] = None, tgt_lang: Optional[str] = None
             ) -> Iterator[BitextLink]:
    """Stream links from a TSV with a header row; only ``src`` and ``tgt`` columns are required,
    so a two-column TSV from another tool can be scored too (languages then come from
    ``src_lang``/``tgt_lang``). Errors name file and line."""
    path = Path(path)
    lines = numbered_lines(path)
    header_line = next(lines, (1, ""))[1]
    header = header_line.lstrip("\ufeff").split("\t")
    if "src" not in header or "tgt" not in header:
        raise FormatError(f"{path}:1: no header row with 'src' and 'tgt' columns")
    score_columns = [(i, name[len(SCORE_PREFIX):]) for i, name in enumerate(header)
                     if name.startswith(SCORE_PREFIX)]
    index = {name: i for i, name in enumerate(header)}
    provenance: dict = {}  # an empty provenance cell is the row above's
    for number, line in lines:
        if not line:
            continue
        cells = line.split("\t")
        if len(cells) != len(header):
            raise FormatError(f"{path}:{number}: {len(cells)} columns, the header has {len(header)}")
        try:
            link = _link_from_cells(path, number, [unescape(c) for c in cells], index, score_columns,
                                    src_lang, tgt_lang, provenance)
        except (ValueError, KeyError) as exc:
            raise FormatError(f"{path}:{number}: {exc}") from None
        provenance = link.provenance
        yield link


def _link_from_cells(path: Path, number: int, cells: List[str], index: Dict[str, int],
                     score_columns, src_lang: Optional[str], tgt_lang: Optional[str],
                     provenance_above: dict) -> BitextLink:
    def cell(name: str, default: str = "") -> str:
        return cells[index[name]] if name in index else default

    src_ids = [int(i) for i in cell("src_ids").split()]
    tgt_ids = [int(i) for i in cell("tgt_ids").split()]
    if "src_ids" not in index:  # a plain two-column file: each line is a 1-1 pair
        src_ids = tgt_ids = [number - 2]
    languages = (cell("src_lang") or src_lang, cell("tgt_lang") or tgt_lang)
    if not all(languages):
        raise ValueError("no src_lang/tgt_lang column or value; give the languages")
    scores = {name: _optional_float(cells[i], SCORE_PREFIX + name) for i, name in score_columns if cells[i]}
    scores.update(_json_object("other_scores", cell("other_scores")))
    # from_dict checks every field as for bitext JSONL (finite numbers, no lone surrogates).
    return BitextLink.from_dict({
        "src_doc": cell("src_doc", display_id(path.name)), "tgt_doc": cell("tgt_doc", display_id(path.name)),
        "src_lang": languages[0], "tgt_lang": languages[1], "src_ids": src_ids, "tgt_ids": tgt_ids,
        "src": cell("src"), "tgt": cell("tgt"), "cost": _optional_float(cell("cost"), "cost"),
        "similarity": _optional_float(cell("similarity"), "similarity"),
        "scores": scores, "score": _optional_float(cell("score"), "score"),
        "provenance": _json_object("provenance", cell("provenance")) if cell("provenance")
        else dict(provenance_above)})
