"""The folders of benchmarks/pairing.py: news articles written as files with names that say
nothing, many without their translation, some given a comparable article instead.

Documents per split and source language (dev to tune, test to report):

- FLORES-200 articles, one per URL (dev: dev, test: devtest), 3-5 sentences each;
- TICO-19 documents (dev: test, test: dev), 30-80 lines of one source, the CMU speech lines left out;
- for ar-en only, UN v1 dev lines in pseudo-documents of six consecutive lines (dev: the first
  half, test: the second; formulaic UN prose, the hard distractors).

Each document pair gets one role (seeded): ``parallel`` (both sides written), ``source only``,
``target only``, ``comparable`` (the source is written; its target side is another article, a
filler that is written nowhere else, with a third of the source's translation, at least one
sentence, put among that article's sentences at random places and in random order), ``filler``.
Files are written with random hexadecimal names, paragraphs of up to three sentences.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

from perturb import group_articles  # noqa: E402

from aligner.paths import shared_dir  # noqa: E402

# Relative weights: about 26 % of the sources and 28 % of the targets end without a partner.
ROLES = {"parallel": 0.58, "source only": 0.15, "target only": 0.17, "comparable": 0.05, "filler": 0.05}
# Sized for a shared 2-core machine, where e5-small embeds a few sentences a second.
FLORES_ARTICLES = 250  # per split
TICO_DOCUMENTS = 6
UN_LINES = 480  # per split
UN_DOCUMENT = 6

Document = Tuple[List[str], List[str]]  # (source sentences, English sentences)


def _lines(path: Path) -> List[str]:
    return path.read_text(encoding="utf-8").splitlines()


def corpus_documents(split: str, lang: str) -> Dict[str, List[Document]]:
    """{"flores": [...], "tico": [...], "un": [...]} for the split and source language."""
    data = shared_dir() / "data"
    flores = "dev" if split == "dev" else "devtest"
    keys = [line.split("\t")[0] for line in _lines(data / "flores200" / f"{flores}.metadata.tsv")[1:]]
    src, en = _lines(data / "flores200" / f"{flores}.{lang}"), _lines(data / "flores200" / f"{flores}.en")
    documents = {"flores": [(src[g.start:g.stop], en[g.start:g.stop])
                            for g in group_articles(keys, 1, 100)][:FLORES_ARTICLES]}
    tico = "test" if split == "dev" else "dev"
    keys = [line.split("\t")[1] for line in _lines(data / "tico19" / f"{tico}.ids")]
    src, en = _lines(data / "tico19" / f"{tico}.{lang}"), _lines(data / "tico19" / f"{tico}.en")
    documents["tico"] = [(src[g.start:g.stop], en[g.start:g.stop]) for g in group_articles(keys, 30, 80)
                         if "speech.cs.cmu.edu" not in keys[g.start]][:TICO_DOCUMENTS]
    documents["un"] = []
    if lang == "ar":
        src, en = _lines(data / "un_v1" / "dev.ar"), _lines(data / "un_v1" / "dev.en")
        lines = range(UN_LINES) if split == "dev" else range(len(en) - UN_LINES, len(en))
        documents["un"] = [(src[k:k + UN_DOCUMENT], en[k:k + UN_DOCUMENT])
                           for k in range(lines.start, lines.stop, UN_DOCUMENT)]
    return documents


@dataclass
class Folders:
    sources: Path
    targets: Path
    gold: Dict[str, str] = field(default_factory=dict)  # source file -> its translation's file
    comparable: Dict[str, str] = field(default_factory=dict)  # source file -> the comparable article's file
    unpartnered_targets: List[str] = field(default_factory=list)
    corpus_of: Dict[str, str] = field(default_factory=dict)  # source file -> flores / tico / un


def article_text(sentences: Sequence[str], rng: random.Random) -> str:
    """Paragraphs of one to three sentences, separated by blank lines."""
    paragraphs, k = [], 0
    while k < len(sentences):
        size = rng.randint(1, 3)
        paragraphs.append(" ".join(s.strip() for s in sentences[k:k + size]))
        k += size
    return "\n\n".join(paragraphs) + "\n"


def comparable_article(translation: Sequence[str], other: Sequence[str], rng: random.Random) -> List[str]:
    """``other``'s sentences with a third of ``translation``'s (at least one) at random places, in
    random order."""
    taken = rng.sample(list(translation), max(1, round(len(translation) / 3)))
    article = list(other)
    for sentence in taken:
        article.insert(rng.randint(0, len(article)), sentence)
    return article


def write_folders(root: Path, split: str, lang: str, seed: int = 1) -> Folders:
    """root/src and root/en, with the roles above; returns where each document went."""
    rng = random.Random(seed)
    folders = Folders(root / "src", root / "en")
    for folder in (folders.sources, folders.targets):
        folder.mkdir(parents=True, exist_ok=True)
    documents = [(corpus, document) for corpus, found in corpus_documents(split, lang).items() for document in found]
    rng.shuffle(documents)
    roles = rng.choices(list(ROLES), weights=list(ROLES.values()), k=len(documents))
    fillers = [document for (_, document), role in zip(documents, roles) if role == "filler"]
    names = set()

    def write(folder: Path, sentences: Sequence[str]) -> str:
        name = f"{rng.getrandbits(48):012x}.txt"
        while name in names:
            name = f"{rng.getrandbits(48):012x}.txt"
        names.add(name)
        (folder / name).write_text(article_text(sentences, rng), encoding="utf-8")
        return name

    for (corpus, (src, en)), role in zip(documents, roles):
        if role == "comparable" and not fillers:
            role = "source only"
        if role in ("parallel", "source only", "comparable"):
            source = write(folders.sources, src)
            folders.corpus_of[source] = corpus
        if role == "parallel":
            folders.gold[source] = write(folders.targets, en)
        elif role == "target only":
            folders.unpartnered_targets.append(write(folders.targets, en))
        elif role == "comparable":
            folders.comparable[source] = write(folders.targets, comparable_article(en, fillers.pop()[1], rng))
    return folders
