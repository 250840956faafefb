"""What a CTranslate2 model.bin says about itself: its binary version and, for models converted
before CTranslate2 3.0 (binary version 5 and older, no config.json), the tokenisation flags
kept among its variables.

From 3.0 on, converters write ``add_source_bos``/``add_source_eos`` into config.json. Before,
the spec's ``with_source_bos``/``with_source_eos`` were saved as int8 scalar variables of
model.bin, and CTranslate2 4.x still honours them there (it appends the source </s> itself for
an OPUS-MT model converted by 2.x). The layout of model.bin (all integers little-endian):

    uint32 binary version
    (version >= 2) string spec name, uint32 spec revision
    uint32 number of variables, then per variable:
        string name, uint8 rank, uint32 dims[rank],
        (version >= 4) uint8 type id, uint32 byte count   (older: uint8 item size, uint32 item count)
        the bytes
    (version >= 3) uint32 number of aliases, then pairs of strings

where a string is uint16 length (with the trailing NUL) + UTF-8 bytes + NUL. Only names and
sizes are read; the weights are skipped with seeks, so a multi-GB model.bin costs a few
hundred small reads.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO, Dict

from ..errors import ModelError

CONFIG_JSON_VERSION = 6  # the first binary version whose tokenisation flags live in config.json
LEGACY_FLAGS = {"with_source_bos": "add_source_bos", "with_source_eos": "add_source_eos"}


def _read(handle: BinaryIO, fmt: str):
    size = struct.calcsize(fmt)
    data = handle.read(size)
    if len(data) != size:
        raise EOFError
    return struct.unpack("<" + fmt, data)[0]


def _read_string(handle: BinaryIO) -> str:
    length = _read(handle, "H")
    data = handle.read(length)
    if len(data) != length:
        raise EOFError
    return data.rstrip(b"\0").decode("utf-8", "replace")


def legacy_config(path: Path) -> Dict[str, bool]:
    """``add_source_bos``/``add_source_eos`` as a pre-3.0 model.bin records them (their
    config.json names); empty for a model.bin of binary version 6 or later."""
    try:
        with open(path, "rb") as handle:
            return _legacy_flags(handle)
    except (OSError, EOFError, UnicodeDecodeError, struct.error):
        raise ModelError(f"{path}: not a CTranslate2 model (model.bin truncated or corrupt)") from None


def _legacy_flags(handle: BinaryIO) -> Dict[str, bool]:
    version = _read(handle, "I")
    if version >= CONFIG_JSON_VERSION or version == 0:
        return {}
    if version >= 2:
        _read_string(handle)  # spec name
        _read(handle, "I")    # spec revision
    flags: Dict[str, bool] = {}
    for _ in range(_read(handle, "I")):
        name = _read_string(handle)
        rank = _read(handle, "B")
        for _ in range(rank):
            _read(handle, "I")
        if version >= 4:
            _read(handle, "B")
            size = _read(handle, "I")
        else:
            size = _read(handle, "B") * _read(handle, "I")
        if name in LEGACY_FLAGS and size == 1:
            flags[LEGACY_FLAGS[name]] = handle.read(1) != b"\0"
        else:
            handle.seek(size, 1)
    return flags
