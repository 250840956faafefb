"""Seeded perturbations that turn sentence-parallel documents into realistic alignment tests.

Starting from documents whose sentences are translations line by line (FLORES, TICO-19, UN,
hadiths), each perturbation changes one side the way real translations differ and records the
gold alignment: translators merge two sentences into one or split one in two (2-1, 1-2), leave
a sentence out (1-0), or add one (0-1). Order is never shuffled (the search is monotone, as real
translations are). The same seed always gives the same documents.

The "news" kind is the mix seen when real fa/ar translations of English news are compared with
their sources, in both directions: two source sentences rendered as one target sentence (and
the reverse), one rendered as two, a sentence missing on either side, and a sentence of another
article of the same corpus inserted on either side (same domain and period, not random text).

    from perturb import perturb, KINDS
    src, tgt, gold = perturb(src_sentences, tgt_sentences, "merge", rate=0.15, seed=1, filler=[...])
    src, tgt, gold = perturb(src, tgt, "news", rate=0.3, seed=1, filler=tgt_other, src_filler=src_other)
"""

from __future__ import annotations

import random
import re
from typing import List, Sequence, Tuple

Alignment = List[Tuple[Tuple[int, ...], Tuple[int, ...]]]
KINDS = ("none", "merge", "split", "drop", "insert", "mixed")  # the original cells (one side chosen at random)
# The "news" mix: relative frequencies of each directed operation. The first four are the rates
# seen in held-out fa/ar-en news (8 %, 8 %, 5 %, 5 % of sentences); the reverse directions are
# rarer but real (a translator who splits a long Persian sentence, or leaves one out).
NEWS_OPERATIONS = {
    "merge_tgt": 8,   # two source sentences, one target sentence (2-1)
    "split_tgt": 8,   # one source sentence, two target sentences (1-2)
    "omit_src": 5,    # a source sentence missing, its translation kept (0-1)
    "insert_tgt": 5,  # a sentence of another article inserted into the target (0-1)
    "merge_src": 3,   # 1-2 by merging the source
    "split_src": 3,   # 2-1 by splitting the source
    "omit_tgt": 3,    # 1-0
    "insert_src": 2,  # 1-0 from another article's source side
}
_CLAUSE = re.compile(r"[,;:\u060c\u061b]\s")


class _Perturbed:
    """The perturbed sides as they are built, and the gold links between them."""

    def __init__(self):
        self.src: List[str] = []
        self.tgt: List[str] = []
        self.gold: Alignment = []

    def add(self, src_texts: Sequence[str], tgt_texts: Sequence[str]) -> None:
        """Append a gold link of these texts (either side may be empty)."""
        s = tuple(range(len(self.src), len(self.src) + len(src_texts)))
        t = tuple(range(len(self.tgt), len(self.tgt) + len(tgt_texts)))
        self.src.extend(src_texts)
        self.tgt.extend(tgt_texts)
        self.gold.append((s, t))


def split_sentence(text: str, clause_only: bool = False):
    """Two halves of a sentence at the clause mark (or, unless ``clause_only``, the space)
    nearest its middle, or None."""
    middle = len(text) // 2
    cuts = [m.end() for m in _CLAUSE.finditer(text)]
    if not cuts and not clause_only:
        cuts = [m.end() for m in re.finditer(r"\s", text)]
    cuts = [c for c in cuts if 15 <= c <= len(text) - 15]
    if not cuts:
        return None
    cut = min(cuts, key=lambda c: abs(c - middle))
    return text[:cut].strip(), text[cut:].strip()


def perturb(src: Sequence[str], tgt: Sequence[str], kind: str, rate: float, seed: int,
            filler: Sequence[str] = (), src_filler: Sequence[str] = (),
            written: bool = False) -> Tuple[List[str], List[str], Alignment]:
    """Perturb a 1-1 parallel document; returns (source, target, gold alignment).

    merge: two neighbouring sentences of one side (chosen at random) become one.
    split: a sentence of one side becomes two. drop: a target sentence is left out.
    insert: a sentence from ``filler`` (other documents, target language) is added to the
    target. mixed: all of these, each at rate / 4. news: NEWS_OPERATIONS at their relative
    frequencies, ``rate`` of the sentences touched in all (``src_filler``: other documents'
    source sentences, for insert_src). ``written`` (news only): merged and split sentences are
    punctuated as a translator writes them (join_as_written, split_as_written), for documents
    that a segmenter will split; without it a merge is two sentences on one line, which is
    what pre-segmented input shows.
    """
    if kind == "news":
        return _perturb_news(src, tgt, rate, seed, filler, src_filler, written)
    if kind not in KINDS:
        raise ValueError(f"unknown perturbation {kind!r}")
    if len(src) != len(tgt):
        raise ValueError("perturb needs a sentence-parallel document")
    rng = random.Random(f"{seed}:{kind}:{len(src)}")
    ops = {"merge": ("merge",), "split": ("split",), "drop": ("drop",), "insert": ("insert",),
           "mixed": ("merge", "split", "drop", "insert"), "none": ()}[kind]
    op_rate = rate / len(ops) if ops else 0.0
    out = _Perturbed()
    add = out.add

    i = 0
    while i < len(src):
        op = rng.choice(ops) if ops and rng.random() < op_rate * len(ops) else None
        if op == "insert" and filler:
            add([], [rng.choice(filler)])
            op = None  # the current sentence pair still follows
        if op == "merge" and i + 1 < len(src):
            if rng.random() < 0.5:
                add([src[i] + " " + src[i + 1]], [tgt[i], tgt[i + 1]])
            else:
                add([src[i], src[i + 1]], [tgt[i] + " " + tgt[i + 1]])
            i += 2
            continue
        if op == "split":
            side = rng.random() < 0.5
            halves = split_sentence(src[i] if side else tgt[i])
            if halves:
                add(list(halves), [tgt[i]]) if side else add([src[i]], list(halves))
                i += 1
                continue
        if op == "drop":
            add([src[i]], [])
        else:
            add([src[i]], [tgt[i]])
        i += 1
    return out.src, out.tgt, out.gold


_TERMINAL = re.compile(r"\s*[.!?\u061f\u06d4]+$")
_CLAUSE_END = re.compile(r"\s*[,;:\u060c\u061b]$")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")


def join_as_written(first: str, second: str) -> str:
    """Two sentences as one written sentence: the first's full stop becomes a comma (Arabic
    comma in Arabic script), so that a segmenter sees one sentence, as a translator wrote it."""
    comma = "\u060c" if _ARABIC_SCRIPT.search(first) else ","
    return f"{_TERMINAL.sub('', first)}{comma} {second}"


def split_as_written(halves: Tuple[str, str]) -> Tuple[str, str]:
    """A sentence cut in two (at a clause, split_sentence(clause_only=True)) as a translator
    writes it: the first half ends in a full stop and
    the second starts with a capital (in scripts that have them)."""
    first, second = halves
    return f"{_CLAUSE_END.sub('', first)}.", second[:1].upper() + second[1:]


def _perturb_news(src: Sequence[str], tgt: Sequence[str], rate: float, seed: int, filler: Sequence[str],
                  src_filler: Sequence[str], written: bool) -> Tuple[List[str], List[str], Alignment]:
    if len(src) != len(tgt):
        raise ValueError("perturb needs a sentence-parallel document")
    rng = random.Random(f"{seed}:news:{len(src)}")
    names, weights = list(NEWS_OPERATIONS), list(NEWS_OPERATIONS.values())
    out = _Perturbed()
    add = out.add

    # The fillers are the two sides of one other article: a sentence inserted on one side and its
    # translation inserted on the other would be a parallel pair that the gold calls unaligned.
    inserted: set = set()

    def insert_from(pool: Sequence[str]) -> str:
        k = rng.randrange(len(pool))
        while k in inserted and len(inserted) < len(pool):
            k = rng.randrange(len(pool))
        inserted.add(k)
        return pool[k]

    i = 0
    while i < len(src):
        op = rng.choices(names, weights)[0] if rng.random() < rate else None
        if op == "insert_tgt" and filler:
            add([], [insert_from(filler)])
        elif op == "insert_src" and src_filler:
            add([insert_from(src_filler)], [])
        elif op in ("merge_tgt", "merge_src") and i + 1 < len(src):
            join = join_as_written if written else (lambda first, second: f"{first} {second}")
            if op == "merge_tgt":
                add([src[i], src[i + 1]], [join(tgt[i], tgt[i + 1])])
            else:
                add([join(src[i], src[i + 1])], [tgt[i], tgt[i + 1]])
            i += 2
            continue
        elif op in ("split_tgt", "split_src"):
            # Written text is split where a translator splits it, at a clause; two lines of a
            # pre-segmented file may break anywhere.
            halves = split_sentence(tgt[i] if op == "split_tgt" else src[i], clause_only=written)
            if halves and written:
                halves = split_as_written(halves)
            if halves:
                add([src[i]], list(halves)) if op == "split_tgt" else add(list(halves), [tgt[i]])
                i += 1
                continue
        elif op == "omit_src":
            add([], [tgt[i]])
            i += 1
            continue
        elif op == "omit_tgt":
            add([src[i]], [])
            i += 1
            continue
        add([src[i]], [tgt[i]])
        i += 1
    return out.src, out.tgt, out.gold


def group_articles(keys: Sequence[str], min_size: int, max_size: int) -> List[range]:
    """Documents from runs of equal consecutive keys (one key per line: an article's URL):
    whole articles joined in order until a document holds at least ``min_size`` lines; an
    article longer than ``max_size`` is cut into pieces of at most ``max_size``. FLORES articles
    are 3-5 sentences, so its documents are several short articles on one page, as a news
    digest is."""
    runs, start = [], 0
    for k in range(1, len(keys) + 1):
        if k == len(keys) or keys[k] != keys[k - 1]:
            for piece in range(start, k, max_size):
                runs.append(range(piece, min(piece + max_size, k)))
            start = k
    documents: List[range] = []
    begin = None  # start of the articles waiting for more (always fewer than min_size lines)
    for run in runs:
        if begin is not None and run.stop - begin > max_size:
            begin = None  # too short alone, too long with the next article: left out
        begin = run.start if begin is None else begin
        if run.stop - begin >= min_size:
            documents.append(range(begin, run.stop))
            begin = None
    return documents
