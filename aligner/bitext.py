"""Bitext: the aligned output of a document pair, one link per line in JSONL.

Every stage after alignment reads and writes this one format, so scores are computed once and
stored (thresholds are applied later, by ``filter``/``package``). Each record is self-contained:
texts, sentence ids, link type, alignment cost and scores travel together, and every source and
target sentence of a document pair appears in exactly one record (unaligned ones as 1-0 / 0-1).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Dict, Iterable, Iterator, Optional, Tuple

from .errors import FormatError
from .paths import file_kind


@dataclass
class BitextLink:
    src_doc: str
    tgt_doc: str
    src_lang: str
    tgt_lang: str
    src_ids: Tuple[int, ...]  # sentence indices in the source document, consecutive
    tgt_ids: Tuple[int, ...]
    src: str  # original source sentences joined with one space ("" for 0-n links)
    tgt: str
    cost: Optional[float] = None  # alignment cost, lower is better
    similarity: Optional[float] = None  # semantic similarity in [0, 1] when the method has one
    scores: Dict[str, float] = field(default_factory=dict)  # per-component quality scores
    score: Optional[float] = None  # combined quality score in [0, 1]
    provenance: Dict[str, str] = field(default_factory=dict)  # method signatures, model ids

    @property
    def link_type(self) -> str:
        return f"{len(self.src_ids)}-{len(self.tgt_ids)}"

    @property
    def is_unaligned(self) -> bool:
        return not self.src_ids or not self.tgt_ids

    def to_json(self) -> str:
        record = asdict(self)
        record["src_ids"] = list(self.src_ids)
        record["tgt_ids"] = list(self.tgt_ids)
        record["link"] = self.link_type
        return json.dumps(record, ensure_ascii=False)

    @classmethod
    def from_dict(cls, record: Any) -> "BitextLink":
        """A link from a decoded JSON record, every field checked (ValueError names the field):
        texts are strings without lone surrogates, ids lists of sentence numbers, numbers finite,
        ``scores`` an object of numbers and ``provenance`` an object of strings."""
        if not isinstance(record, dict):
            raise ValueError(f"a JSON object expected, not {_json_type(record)}")
        unknown = sorted(set(record) - set(cls.__dataclass_fields__) - {"link"})
        if unknown:
            raise ValueError(f"unknown field {unknown[0]!r}")
        missing = [name for name in REQUIRED_FIELDS if name not in record]
        if missing:
            raise ValueError(f"missing field {missing[0]!r}")
        fields = {name: _checked_text(name, record[name]) for name in TEXT_FIELDS}
        fields.update((name, _checked_ids(name, record[name])) for name in ("src_ids", "tgt_ids"))
        fields.update((name, _checked_number(name, record.get(name))) for name in NUMBER_FIELDS)
        fields["scores"] = _checked_object("scores", record.get("scores"), _checked_score)
        fields["provenance"] = _checked_object("provenance", record.get("provenance"), _checked_text)
        return cls(**fields)


TEXT_FIELDS = ("src_doc", "tgt_doc", "src_lang", "tgt_lang", "src", "tgt")
REQUIRED_FIELDS = TEXT_FIELDS + ("src_ids", "tgt_ids")
NUMBER_FIELDS = ("cost", "similarity", "score")
# JSON may spell a lone UTF-16 surrogate ("\ud800"); no UTF-8 file can hold one.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_type(value: Any) -> str:
    names = {str: "a string", bool: "true/false", int: "a number", float: "a number", list: "an array",
             dict: "an object", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _checked_text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name!r} must be a string, not {_json_type(value)}")
    surrogate = _LONE_SURROGATE.search(value)
    if surrogate:
        raise ValueError(f"{name!r} holds a lone surrogate U+{ord(surrogate.group()):04X} at "
                         f"character {surrogate.start() + 1} (not text)")
    return value


def _checked_ids(name: str, value: Any) -> Tuple[int, ...]:
    if not isinstance(value, list) or not all(type(i) is int and i >= 0 for i in value):
        raise ValueError(f"{name!r} must be an array of sentence numbers (0, 1, ...), not {_json_type(value)}"
                         + (f" {value!r}" if isinstance(value, (str, list)) and len(value) < 40 else ""))
    return tuple(value)


def _checked_number(name: str, value: Any) -> Optional[float]:
    if value is None:
        return None
    return _checked_score(name, value)


def _checked_score(name: str, value: Any) -> float:
    if type(value) not in (int, float) or not math.isfinite(value):
        shown = repr(value) if type(value) is float else _json_type(value)
        raise ValueError(f"{name!r} must be a finite number, not {shown}"
                         + (f" {value!r}" if isinstance(value, str) and len(value) < 40 else ""))
    return value


def _checked_object(name: str, value: Any, check_value) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{name!r} must be an object, not {_json_type(value)}")
    return {_checked_text(f"{name} key", key): check_value(f"{name}.{key}", item) for key, item in value.items()}


def write_bitext(links: Iterable[BitextLink], handle: IO[str]) -> int:
    """Write links as JSONL; returns how many were written."""
    count = 0
    for link in links:
        handle.write(link.to_json())
        handle.write("\n")
        count += 1
    return count


def open_data_file(path: Path, mode: str = "r", **options) -> IO:
    """``path`` opened for reading if it is a regular file (a named pipe would block forever);
    FormatError naming the file otherwise."""
    kind = file_kind(Path(path))
    if kind not in ("file", "missing"):
        raise FormatError(f"{path}: {'cannot read (a folder, not a file)' if kind == 'folder' else kind}")
    try:
        return open(path, mode, **options)
    except OSError as exc:
        raise FormatError(f"{path}: cannot read ({exc.strerror or exc})") from None


def numbered_lines(path: Path) -> Iterator[Tuple[int, str]]:
    """(line number from 1, line without its terminator) of a UTF-8 data file, streamed.

    The one place where the line-based formats (bitext JSONL, TSV) open and decode their input:
    an unreadable file or a line that is not UTF-8 (binary, Latin-1) raises FormatError naming
    the file and the line.
    """
    with open_data_file(path, encoding="utf-8", newline="") as handle:
        number = 0
        while True:
            # Decoding happens while reading the line, so a binary or Latin-1 file fails here.
            try:
                line = handle.readline()
            except UnicodeDecodeError:
                raise FormatError(f"{path}: not UTF-8 text at line {number + 1} "
                                  "(a binary or legacy-encoded file?)") from None
            except OSError as exc:  # a failing disk or network share, mid-file
                raise FormatError(f"{path}: cannot read line {number + 1} ({exc.strerror or exc})") from None
            if not line:
                return
            number += 1
            # A Windows editor may have added CR before LF; real CRs inside records are escaped.
            yield number, line.rstrip("\n").rstrip("\r")


def read_bitext(path: Path) -> Iterator[BitextLink]:
    """Stream the links of a bitext JSONL file; a bad line raises FormatError naming file:line."""
    records = 0
    for number, line in numbered_lines(path):
        if not line.strip():
            continue
        try:
            link = BitextLink.from_dict(json.loads(line))
        except RecursionError:
            raise FormatError(f"{path}:{number}: not a bitext record (JSON nested too deeply)") from None
        except ValueError as exc:
            raise FormatError(f"{path}:{number}: not a bitext record ({exc})") from None
        yield link
        records += 1
    if not records:
        raise FormatError(f"{path}: empty file (no bitext records)")
