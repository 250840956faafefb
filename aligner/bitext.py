"""Bitext: the aligned output of a document pair, one link per line in JSONL.

Every stage after alignment reads and writes this one format, so scores are computed once and
stored (thresholds are applied later, by ``filter``/``package``). Each record holds a link's
texts, sentence ids, link type, alignment cost and scores, and every source and target sentence
of a document pair appears in exactly one record (unaligned ones as 1-0 / 0-1).

Provenance (method signatures, hundreds of characters) is the same for almost every link of a
file, so it is written once: the first line is a header record ``{"aligner_bitext": 1,
"provenance": {...}}`` with the first link's provenance, and a link record carries
``provenance`` only when its own differs. Files without the header (written before it existed)
read as before: every record carries its own provenance.
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
    def is_machine_translation(self) -> bool:
        """The target is the source's machine translation, not a human one."""
        return MACHINE_TRANSLATION in self.provenance

    @property
    def is_mined(self) -> bool:
        """The link was mined from comparable documents (align/mining.py), not aligned in order."""
        return MINED in self.provenance

    @property
    def link_type(self) -> str:
        return f"{len(self.src_ids)}-{len(self.tgt_ids)}"

    @property
    def is_unaligned(self) -> bool:
        return not self.src_ids or not self.tgt_ids

    def to_json(self, file_provenance: Optional[Dict[str, str]] = None) -> str:
        """The JSONL record; ``provenance`` is left out when it equals ``file_provenance`` (the
        header's)."""
        record = asdict(self)
        record["src_ids"] = list(self.src_ids)
        record["tgt_ids"] = list(self.tgt_ids)
        record["link"] = self.link_type
        if file_provenance is not None and self.provenance == file_provenance:
            del record["provenance"]
        return json.dumps(record, ensure_ascii=False)

    @classmethod
    def from_dict(cls, record: Any, file_provenance: Optional[Dict[str, str]] = None) -> "BitextLink":
        """A link from a decoded JSON record, every field checked (ValueError names the field):
        texts are strings without lone surrogates, ids lists of sentence numbers, numbers finite,
        ``scores`` an object of numbers and ``provenance`` an object of strings (absent: a copy of
        ``file_provenance``, the header's)."""
        plain = _plain_record(record, file_provenance)
        if plain is not None:
            return cls(**plain)
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
        if "provenance" in record or file_provenance is None:
            fields["provenance"] = _checked_object("provenance", record.get("provenance"), _checked_text)
        else:
            fields["provenance"] = dict(file_provenance)
        return cls(**fields)


# The provenance key of a link whose target is the source's machine translation (value: the
# translator's signature); such links go into their own memory, never with human translations.
MACHINE_TRANSLATION = "machine_translation"
# The provenance key of a link a person reviewed (`aligner review`); its value is the verdict
# (aligner/review/model.py STATUSES). Accepted units enter aligned.tmx whatever their score.
REVIEW = "review"
# The provenance key of a link mined from comparable documents (value: the miner's signature);
# such a link enters aligned.tmx on its probability although its documents are not parallel.
MINED = "mined"
# The key of the header record that opens a bitext JSONL file, and the header's version.
HEADER_KEY = "aligner_bitext"
HEADER_VERSION = 1


TEXT_FIELDS = ("src_doc", "tgt_doc", "src_lang", "tgt_lang", "src", "tgt")
REQUIRED_FIELDS = TEXT_FIELDS + ("src_ids", "tgt_ids")
NUMBER_FIELDS = ("cost", "similarity", "score")
# JSON may spell a lone UTF-16 surrogate ("\ud800"); no UTF-8 file can hold one.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _plain_record(record: Any, file_provenance: Optional[Dict[str, str]]) -> Optional[dict]:
    """The fields of a record that passes every check of :meth:`BitextLink.from_dict`, found by
    checks made once per record instead of once per field (None: not sure, and the field-by-field
    checks decide and say what is wrong). Checking 20,090 links of a run took 0.26 s of one core
    field by field, 0.16 s so."""
    if type(record) is not dict or not _RECORD_KEYS.issuperset(record) or not _REQUIRED_KEYS.issubset(record):
        return None
    scores = {} if record.get("scores") is None else record["scores"]
    own_provenance = "provenance" in record or file_provenance is None
    provenance = {} if record.get("provenance") is None else record["provenance"]
    if type(scores) is not dict or type(provenance) is not dict:
        return None
    texts = [record[name] for name in TEXT_FIELDS] + list(scores)
    if own_provenance:
        texts += list(provenance) + list(provenance.values())
    numbers = [record[name] for name in NUMBER_FIELDS if record.get(name) is not None] + list(scores.values())
    ids = record["src_ids"] + record["tgt_ids"] if type(record["src_ids"]) is type(record["tgt_ids"]) is list else None
    # Exact types only (a bool is no number here); a sum that overflows to inf, of finite numbers,
    # is left to the field-by-field checks.
    if (ids is None or not _ONLY_STR.issuperset(map(type, texts)) or not _ONLY_FLOAT.issuperset(map(type, numbers))
            or not _ONLY_INT.issuperset(map(type, ids)) or min(ids, default=0) < 0
            or not math.isfinite(sum(numbers)) or _LONE_SURROGATE.search("".join(texts))):
        return None
    get = record.get
    return {"src_doc": record["src_doc"], "tgt_doc": record["tgt_doc"], "src_lang": record["src_lang"],
            "tgt_lang": record["tgt_lang"], "src_ids": tuple(record["src_ids"]), "tgt_ids": tuple(record["tgt_ids"]),
            "src": record["src"], "tgt": record["tgt"], "cost": get("cost"), "similarity": get("similarity"),
            "scores": dict(scores), "score": get("score"),
            "provenance": dict(provenance if own_provenance else file_provenance)}


_RECORD_KEYS = frozenset(BitextLink.__dataclass_fields__) | {"link"}
_REQUIRED_KEYS = frozenset(REQUIRED_FIELDS)
_ONLY_STR, _ONLY_FLOAT, _ONLY_INT = frozenset([str]), frozenset([float]), frozenset([int])


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
    """Write links as JSONL, after a header record holding the first link's provenance (nothing
    at all for no links); returns how many links were written."""
    count = 0
    file_provenance = None
    for link in links:
        if file_provenance is None:
            file_provenance = link.provenance
            header = {HEADER_KEY: HEADER_VERSION, "provenance": file_provenance}
            handle.write(json.dumps(header, ensure_ascii=False) + "\n")
        handle.write(link.to_json(file_provenance))
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
    """Stream the links of a bitext JSONL file (with or without its header record); a bad line
    raises FormatError naming file:line."""
    records = 0
    file_provenance = None
    for number, line in numbered_lines(path):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if isinstance(record, dict) and HEADER_KEY in record:
                file_provenance = _header_provenance(record, first=not records and file_provenance is None)
                continue
            link = BitextLink.from_dict(record, file_provenance)
        except RecursionError:
            raise FormatError(f"{path}:{number}: not a bitext record (JSON nested too deeply)") from None
        except ValueError as exc:
            raise FormatError(f"{path}:{number}: not a bitext record ({exc})") from None
        yield link
        records += 1
    if not records:
        raise FormatError(f"{path}: empty file (no bitext records)")


def _header_provenance(record: dict, first: bool) -> Dict[str, str]:
    """The provenance of a header record, checked (ValueError says what is wrong)."""
    if not first:
        raise ValueError(f"{HEADER_KEY!r} header record after the first record")
    if record[HEADER_KEY] != HEADER_VERSION:
        raise ValueError(f"header version {record[HEADER_KEY]!r}, this aligner reads version {HEADER_VERSION}")
    unknown = sorted(set(record) - {HEADER_KEY, "provenance"})
    if unknown:
        raise ValueError(f"unknown header field {unknown[0]!r}")
    return _checked_object("provenance", record.get("provenance"), _checked_text)
