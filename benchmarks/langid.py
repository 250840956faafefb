"""Language identification benchmark: aligner.langid against py3langid on fa / ar / en.

Each line of a test set is one item (sentence level), and FLORES articles (lines sharing a URL,
joined) are items too (document level, what `--lang auto` decides on). A prediction is right
when it equals the set's language; aligner may also answer another code (a German line is not
English), which counts as wrong here. py3langid is run twice: unrestricted (its 97 languages)
and restricted to fa/ar/en, which is what a caller who knows the candidates would do.

Tatoeba's Arabic side mixes dialects (.labels: arq, arz, ary, ...); they are scored as 'ar'.

    python benchmarks/langid.py
"""

from __future__ import annotations

import os
import sys
import time
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Dict, List, Tuple

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from aligner.text.langid import identify  # noqa: E402

LANGS = ("en", "fa", "ar")


def shared_dir() -> Path:
    return Path(os.environ.get("ALIGNER_SHARED") or REPO.parent / "shared")


def _lines(path: Path) -> List[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").rstrip("\n").split("\n")]


def load_sets() -> "OrderedDict[str, Dict[str, List[str]]]":
    data = shared_dir() / "data"
    sets: "OrderedDict[str, Dict[str, List[str]]]" = OrderedDict()
    flores = data / "flores200"
    for split in ("dev", "devtest"):
        sets[f"flores-{split} lines"] = {lang: _lines(flores / f"{split}.{lang}") for lang in LANGS}
    urls = [row.split("\t")[0] for row in _lines(flores / "devtest.metadata.tsv")[1:]]
    documents: Dict[str, List[int]] = OrderedDict()
    for i, url in enumerate(urls):
        documents.setdefault(url, []).append(i)
    lines = sets["flores-devtest lines"]
    sets["flores-devtest articles"] = {
        lang: [" ".join(lines[lang][i] for i in ids) for ids in documents.values()] for lang in LANGS}
    sets["tico19-test lines"] = {lang: _lines(data / "tico19" / f"test.{lang}") for lang in LANGS}
    tatoeba = data / "tatoeba"
    sets["tatoeba lines"] = {
        "en": _lines(tatoeba / "test.en-fa.en") + _lines(tatoeba / "test.en-ar.en"),
        "fa": _lines(tatoeba / "test.en-fa.fa"),
        "ar": _lines(tatoeba / "test.en-ar.ar"),
    }
    return sets


def _py3langid(restrict: bool) -> Callable[[str], str]:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if restrict:
        identifier.set_languages(list(LANGS))
    return lambda text: identifier.classify(text)[0]


SYSTEMS: Dict[str, Callable[[], Callable[[str], str]]] = {
    "aligner": lambda: (lambda text: identify(text)[0]),
    "py3langid (all)": lambda: _py3langid(False),
    "py3langid (fa/ar/en)": lambda: _py3langid(True),
}


def accuracy(system: Callable[[str], str], items: List[str], lang: str) -> Tuple[float, int, float]:
    items = [item for item in items if item]
    started = time.perf_counter()
    right = sum(system(item) == lang for item in items)
    return right / len(items), len(items), len(items) / (time.perf_counter() - started)


def main() -> None:
    systems = {name: make() for name, make in SYSTEMS.items()}
    print("| set | lang | items | " + " | ".join(systems) + " | aligner items/s |")
    print("|---|---|---|" + "---|" * len(systems) + "---|")
    for set_name, by_lang in load_sets().items():
        for lang in LANGS:
            cells, count, rate = [], 0, 0.0
            for name, system in systems.items():
                acc, count, speed = accuracy(system, by_lang[lang], lang)
                cells.append(f"{acc:.4f}")
                if name == "aligner":
                    rate = speed
            print(f"| {set_name} | {lang} | {count} | " + " | ".join(cells) + f" | {rate:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
