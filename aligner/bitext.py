"""Bitext: the aligned output of a document pair, one link per line in JSONL.

Every stage after alignment reads and writes this one format, so scores are computed once and
stored (thresholds are applied later, by ``filter``/``package``). Each record is self-contained:
texts, sentence ids, link type, alignment cost and scores travel together, and every source and
target sentence of a document pair appears in exactly one record (unaligned ones as 1-0 / 0-1).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Dict, Iterable, Iterator, Optional, Tuple

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
    def from_dict(cls, record: dict) -> "BitextLink":
        record = dict(record)
        record.pop("link", None)
        record["src_ids"] = tuple(record["src_ids"])
        record["tgt_ids"] = tuple(record["tgt_ids"])
        return cls(**record)


def write_bitext(links: Iterable[BitextLink], handle: IO[str]) -> int:
    """Write links as JSONL; returns how many were written."""
    count = 0
    for link in links:
        handle.write(link.to_json())
        handle.write("\n")
        count += 1
    return count


def numbered_lines(path: Path) -> Iterator[Tuple[int, str]]:
    """(line number from 1, line without its terminator) of a UTF-8 data file, streamed.

    The one place where the line-based formats (bitext JSONL, TSV) open and decode their input:
    an unreadable file or a line that is not UTF-8 (binary, Latin-1) raises FormatError naming
    the file and the line.
    """
    kind = file_kind(Path(path))
    if kind not in ("file", "missing"):
        raise FormatError(f"{path}: {'cannot read (a folder, not a file)' if kind == 'folder' else kind}")
    try:
        handle = open(path, encoding="utf-8", newline="")
    except OSError as exc:
        raise FormatError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with handle:
        number = 0
        while True:
            # Decoding happens while reading the line, so a binary or Latin-1 file fails here.
            try:
                line = handle.readline()
            except UnicodeDecodeError:
                raise FormatError(f"{path}: not UTF-8 text at line {number + 1} "
                                  "(a binary or legacy-encoded file?)") from None
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
            yield BitextLink.from_dict(json.loads(line))
        except (ValueError, TypeError, KeyError) as exc:
            raise FormatError(f"{path}:{number}: not a bitext record ({exc})") from None
        records += 1
    if not records:
        raise FormatError(f"{path}: empty file (no bitext records)")
