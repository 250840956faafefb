"""Vecalign's alignment format: one ``[i, ...]:[j, ...]`` (optionally ``:cost``) per line.

0-based sentence indices; an empty list on one side is a 1-0 / 0-1 link. Gold alignments
(Text+Berg, corpora/gold) and ``aligner align --format vecalign`` use it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, List, Sequence, Tuple

from ..errors import FormatError
from ..text.reading import decode, read_regular_file

Alignment = List[Tuple[Tuple[int, ...], Tuple[int, ...]]]

# A side is a bracketed list of sentence indices: decimal integers without leading zeros.
_SIDE = r"\[\s*((?:0|[1-9]\d*)(?:\s*,\s*(?:0|[1-9]\d*))*)?\s*\]"
_LINE = re.compile(r"^\s*" + _SIDE + r"\s*:\s*" + _SIDE + r"\s*(?::\s*(\S+))?\s*$")


def read_vecalign_alignments(path) -> Alignment:
    """Read a Vecalign-format alignment file: one ``[i, ...]:[j, ...]`` or ``[i]:[j]:cost`` per
    line (0-based indices, empty lists for 1-0/0-1). A malformed line raises FormatError."""
    data = read_regular_file(Path(path))
    # Strict decoding names a binary, non-UTF-8 or empty file instead of failing later.
    text = decode(data, str(path))
    return parse_vecalign_alignments(text.splitlines(), name=str(path))


def parse_vecalign_alignments(lines: Iterable[str], name: str = "<alignment>") -> Alignment:
    links: Alignment = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if not match:
            raise FormatError(f"{name}:{number}: not a Vecalign alignment line: {line.strip()[:60]!r}")
        src, tgt = (tuple(int(i) for i in part.split(",")) if part else () for part in match.group(1, 2))
        links.append((src, tgt))
    return links


def format_vecalign(links: Iterable[Tuple[Sequence[int], Sequence[int], float]]) -> Iterable[str]:
    """Vecalign lines ``[i, ...]:[j, ...]:cost`` for (src_ids, tgt_ids, cost) triples."""
    for src, tgt, cost in links:
        yield f"[{', '.join(map(str, src))}]:[{', '.join(map(str, tgt))}]:{cost:.5f}"
