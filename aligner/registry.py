"""One registry style for every pluggable kind: segmenters, model layouts, embedders, score
components, output formats, commands.

A :class:`Registry` maps names to implementations. An entry is either the object itself or a
lazy ``"module:attribute"`` string imported on first use, so that listing the names (a click
Choice, ``--help``) imports nothing heavy, and a stage can name an implementation that lives
in a module it must not import at load time. Insertion order is kept: where detection order
matters (model layouts), the first registered is tried first.
"""

from __future__ import annotations

import importlib
from typing import Callable, Dict, Generic, Iterator, List, TypeVar, Union

from .errors import AlignerError

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str):
        self.kind = kind  # what an entry is, for error messages: "segmenter", "output format"
        self._entries: Dict[str, Union[T, str]] = {}

    def add(self, name: str, entry: Union[T, str]) -> None:
        """Register ``entry`` (an object or a lazy "module:attribute") under ``name``."""
        if name in self._entries:
            raise ValueError(f"{self.kind} {name!r} registered twice")
        self._entries[name] = entry

    def register(self, name: str) -> Callable[[T], T]:
        """Class decorator: ``@REGISTRY.register("rules")``."""
        def wrap(obj: T) -> T:
            self.add(name, obj)
            return obj
        return wrap

    def names(self) -> List[str]:
        return list(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def get(self, name: str) -> T:
        """The implementation registered as ``name``, imported if lazy; AlignerError if unknown."""
        try:
            entry = self._entries[name]
        except KeyError:
            raise AlignerError(f"unknown {self.kind} {name!r} (choose from {', '.join(self._entries)})") from None
        if isinstance(entry, str):
            module, _, attribute = entry.partition(":")
            entry = self._entries[name] = getattr(importlib.import_module(module), attribute)
        return entry

    def items(self) -> Iterator[tuple]:
        """(name, implementation) pairs, importing lazy entries."""
        return ((name, self.get(name)) for name in self._entries)
