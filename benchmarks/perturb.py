"""Seeded perturbations that turn sentence-parallel documents into realistic alignment tests.

Starting from documents whose sentences are translations line by line (FLORES, TICO-19, UN,
hadiths), each perturbation changes one side the way real translations differ and records the
gold alignment: translators merge two sentences into one or split one in two (2-1, 1-2), leave
a sentence out (1-0), or add one (0-1). Order is never shuffled (the search is monotone, as real
translations are). The same seed always gives the same documents.

    from perturb import perturb, KINDS
    src, tgt, gold = perturb(src_sentences, tgt_sentences, "merge", rate=0.15, seed=1, filler=[...])
"""

from __future__ import annotations

import random
import re
from typing import List, Sequence, Tuple

Alignment = List[Tuple[Tuple[int, ...], Tuple[int, ...]]]
KINDS = ("none", "merge", "split", "drop", "insert", "mixed")
_CLAUSE = re.compile(r"[,;:\u060c\u061b]\s")


def split_sentence(text: str):
    """Two halves of a sentence at the clause mark (or space) nearest its middle, or None."""
    middle = len(text) // 2
    cuts = [m.end() for m in _CLAUSE.finditer(text)] or [m.end() for m in re.finditer(r"\s", text)]
    cuts = [c for c in cuts if 15 <= c <= len(text) - 15]
    if not cuts:
        return None
    cut = min(cuts, key=lambda c: abs(c - middle))
    return text[:cut].strip(), text[cut:].strip()


def perturb(src: Sequence[str], tgt: Sequence[str], kind: str, rate: float, seed: int,
            filler: Sequence[str] = ()) -> Tuple[List[str], List[str], Alignment]:
    """Perturb a 1-1 parallel document; returns (source, target, gold alignment).

    merge: two neighbouring sentences of one side (chosen at random) become one.
    split: a sentence of one side becomes two. drop: a target sentence is left out.
    insert: a sentence from ``filler`` (other documents, target language) is added to the
    target. mixed: all of these, each at rate / 4.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown perturbation {kind!r}")
    if len(src) != len(tgt):
        raise ValueError("perturb needs a sentence-parallel document")
    rng = random.Random(f"{seed}:{kind}:{len(src)}")
    ops = {"merge": ("merge",), "split": ("split",), "drop": ("drop",), "insert": ("insert",),
           "mixed": ("merge", "split", "drop", "insert"), "none": ()}[kind]
    op_rate = rate / len(ops) if ops else 0.0
    out_src: List[str] = []
    out_tgt: List[str] = []
    gold: Alignment = []

    def add(src_texts, tgt_texts):
        s = tuple(range(len(out_src), len(out_src) + len(src_texts)))
        t = tuple(range(len(out_tgt), len(out_tgt) + len(tgt_texts)))
        out_src.extend(src_texts)
        out_tgt.extend(tgt_texts)
        gold.append((s, t))

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
    return out_src, out_tgt, gold
