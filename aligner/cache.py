"""The on-disk store behind the translation and embedding caches.

One SQLite table whose rows are keyed by sha1(namespace, text), where the namespace (an
embedder's model id, or a translator's signature in its long form) says what produced the value.
WAL mode lets parallel runs share it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Iterable, Iterator, Sequence, Tuple

from .errors import AlignerError

_CHUNK = 500  # keys per SELECT, under SQLite's limit on bound parameters


class KeyedCache:
    """``table`` holds (key BLOB PRIMARY KEY, *columns); subclasses convert rows to values."""

    table = ""
    columns = ""  # e.g. "text TEXT, score REAL"
    what = "cache"  # for the error message

    def __init__(self, path: Path):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), timeout=60)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(f"CREATE TABLE IF NOT EXISTS {self.table} (key BLOB PRIMARY KEY, {self.columns})")
        except (OSError, sqlite3.Error) as exc:
            raise AlignerError(f"{path}: cannot open the {self.what} ({exc})") from None

    @staticmethod
    def _key(namespace: str, text: str) -> bytes:
        return hashlib.sha1(f"{namespace}\0{text}".encode("utf-8")).digest()

    def _get_rows(self, namespace: str, texts: Sequence[str]) -> Iterator[Tuple]:
        """(text, *stored columns) for every text of ``texts`` that is stored."""
        keys = {self._key(namespace, t): t for t in texts}
        key_list = list(keys)
        for start in range(0, len(key_list), _CHUNK):
            chunk = key_list[start:start + _CHUNK]
            rows = self._db.execute(
                f"SELECT * FROM {self.table} WHERE key IN ({','.join('?' * len(chunk))})", chunk)
            for key, *values in rows:
                yield (keys[key], *values)

    def _put_rows(self, namespace: str, rows: Iterable[Tuple]) -> None:
        """Store (text, *columns) rows in one transaction."""
        rows = [(self._key(namespace, text), *values) for text, *values in rows]
        if rows:
            marks = ",".join("?" * len(rows[0]))
            with self._db:
                self._db.executemany(f"INSERT OR REPLACE INTO {self.table} VALUES ({marks})", rows)
