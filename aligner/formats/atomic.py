"""Atomic output: write to a temporary file beside the target, then rename over it.

A crash, a Ctrl-C or a full disk therefore never leaves a half-written file where a finished
one is expected; the rename is atomic on POSIX and Windows (os.replace).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO, Iterator, Optional, Union

from ..errors import CannotWrite

PathLike = Union[str, os.PathLike]

# Errors of the output's file system (full disk, quota, size limit, read-only, I/O failure): an
# OSError with one of these numbers while the caller writes is a user-facing "cannot write".
WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO}


def cannot_write(target: Path, exc: OSError) -> CannotWrite:
    return CannotWrite(f"{target}: cannot write ({exc.strerror or exc})")


@contextlib.contextmanager
def atomic_write(path: PathLike, mode: str = "w", encoding: Optional[str] = "utf-8",
                 newline: Optional[str] = "\n") -> Iterator[IO]:
    """Open a temporary file next to ``path``; on success rename it to ``path``.

    A ``path`` that is a device or a named pipe (``-o /dev/null``) is written directly: renaming
    a file over it would replace the device for every program on the machine.
    """
    target = Path(path)
    binary = "b" in mode
    text_options = {} if binary else {"encoding": encoding, "newline": newline}
    if _is_device_or_pipe(target):
        with open(target, mode, **text_options) as handle:
            yield handle
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        # mkstemp creates 0600; a finished output gets the usual permissions (0666 less the umask).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_name, 0o666 & ~umask)
    except OSError as exc:
        raise cannot_write(target, exc) from None
    finishing = False  # past the caller's writes: flush, fsync, close and rename
    try:
        with os.fdopen(fd, mode, **text_options) as handle:
            yield handle
            finishing = True
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        # A full disk fails a write, the flush of what is buffered, or the close that flushes it.
        if isinstance(exc, OSError) and (finishing or exc.errno in WRITE_ERRNOS):
            raise cannot_write(target, exc) from None
        raise


def _is_device_or_pipe(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode)


@contextlib.contextmanager
def open_output(path: Optional[PathLike], mode: str = "w") -> Iterator[IO]:
    """Atomic file output, or stdout when ``path`` is None or '-' (so commands pipe)."""
    if path is None or str(path) == "-":
        yield sys.stdout.buffer if "b" in mode else sys.stdout
        return
    with atomic_write(path, mode) as handle:
        yield handle
