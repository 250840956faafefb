"""The review's operations on one pair's links: each returns the links it removes and the new ones.

Operations work on sentence ids, never on text: a merged, split or moved link's text is its
sentences' texts joined with one space, as the aligner writes it, so the original text is never
altered. A run stores links, not sentences, so the sentences of a link that holds several are
recovered from its text (:func:`side_sentences`). New links are scored at once by the
:class:`Editor`'s Scorer, and a re-aligned stretch is aligned by the project's aligner.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Optional, Sequence, Tuple

from ..bitext import REVIEW, BitextLink
from ..segment.base import get_segmenter
from .model import ACCEPTED, SETTLED, STATUSES, UNTRANSLATED, status_of, with_status

Change = Tuple[List[BitextLink], List[BitextLink]]  # (removed, added)
REVIEW_EDIT = "review_edit"  # provenance key: which review operation made a link


class EditError(ValueError):
    """An operation that does not apply here (one line for the person reviewing)."""


def side_sentences(link: BitextLink, side: str) -> List[str]:
    """The sentence texts of one side of ``link``, one per id, joined by one space into its text.

    The rules segmenter splits the text again; when it does not give the link's sentence count,
    the cuts are made at the spaces nearest to even lengths. Either way no character is lost."""
    ids, text, lang = (link.src_ids, link.src, link.src_lang) if side == "src" else (link.tgt_ids, link.tgt,
                                                                                      link.tgt_lang)
    if len(ids) <= 1:
        return [text] if ids else []
    cuts = [end for (_, end), (start, _) in _pairs(get_segmenter("rules", lang).split(text))
            if text[end:start] == " "]
    if len(cuts) != len(ids) - 1:
        cuts = _even_cuts(text, len(ids))
    bounds = [0] + cuts + [len(text)]
    return [text[bounds[k] + (k > 0):bounds[k + 1]] for k in range(len(ids))]


def _pairs(spans):
    return zip(spans, spans[1:])


def _even_cuts(text: str, parts: int) -> List[int]:
    """Positions of ``parts - 1`` single spaces of ``text`` nearest to an even split."""
    spaces = [k for k, char in enumerate(text) if char == " "]
    cuts: List[int] = []
    for part in range(1, parts):
        goal = len(text) * part / parts
        free = [k for k in spaces if k not in cuts and (not cuts or k > cuts[-1])]
        if not free:
            raise EditError("the link's text has too few spaces to recover its sentences")
        cuts.append(min(free, key=lambda k: abs(k - goal)))
    return cuts


def sentence_table(links: Sequence[BitextLink]) -> Tuple[Dict[int, str], Dict[int, str]]:
    """Source and target sentence texts by id, from the links that hold them."""
    tables: Tuple[Dict[int, str], Dict[int, str]] = ({}, {})
    for link in links:
        for table, side, ids in ((tables[0], "src", link.src_ids), (tables[1], "tgt", link.tgt_ids)):
            table.update(zip(ids, side_sentences(link, side)))
    return tables


def build_link(template: BitextLink, src_ids: Sequence[int], tgt_ids: Sequence[int],
               tables: Tuple[Dict[int, str], Dict[int, str]], op: str) -> BitextLink:
    """A new, unscored link of ``template``'s pair over the given sentences."""
    provenance = {key: value for key, value in template.provenance.items() if key not in (REVIEW, "score")}
    provenance[REVIEW_EDIT] = op
    return BitextLink(template.src_doc, template.tgt_doc, template.src_lang, template.tgt_lang,
                      tuple(sorted(src_ids)), tuple(sorted(tgt_ids)),
                      " ".join(tables[0][i] for i in sorted(src_ids)),
                      " ".join(tables[1][j] for j in sorted(tgt_ids)), provenance=provenance)


def _consecutive(ids: Sequence[int]) -> bool:
    ordered = sorted(ids)
    return all(b == a + 1 for a, b in zip(ordered, ordered[1:]))


def set_status(links: Sequence[BitextLink], k: int, status: Optional[str]) -> Change:
    link = links[k]
    if status is not None and status not in STATUSES:
        raise EditError(f"unknown verdict {status!r}")
    if status == UNTRANSLATED and not link.is_unaligned:
        raise EditError("only a sentence without a counterpart can be marked untranslated")
    return [link], [with_status(link, status)]


def merge(links: Sequence[BitextLink], k: int, step: int) -> Change:
    """Link ``k`` and its neighbour (``step`` -1: previous, +1: next) become one link."""
    j = k + step
    if not 0 <= j < len(links):
        raise EditError("there is no link on that side to merge with")
    first, second = links[min(k, j)], links[max(k, j)]
    src_ids, tgt_ids = first.src_ids + second.src_ids, first.tgt_ids + second.tgt_ids
    if not (_consecutive(src_ids) and _consecutive(tgt_ids)):
        raise EditError("these links are not neighbours on both sides")
    tables = sentence_table([first, second])
    return [first, second], [build_link(first, src_ids, tgt_ids, tables, "merge")]


def split(links: Sequence[BitextLink], k: int, src_at: Optional[int] = None, tgt_at: Optional[int] = None) -> Change:
    """Link ``k`` becomes two: its first ``src_at`` source and ``tgt_at`` target sentences, and
    the rest (by default the first sentence of each side that has several; a 1-1 link is unlinked
    into 1-0 and 0-1)."""
    link = links[k]
    if link.is_unaligned and len(link.src_ids) + len(link.tgt_ids) == 1:
        raise EditError("a single sentence cannot be split")
    n_src, n_tgt = len(link.src_ids), len(link.tgt_ids)
    if src_at is None or tgt_at is None:
        src_at, tgt_at = (min(n_src, 1), min(n_tgt, 1)) if max(n_src, n_tgt) > 1 else (n_src, 0)
    if not (0 <= src_at <= n_src and 0 <= tgt_at <= n_tgt) or (src_at, tgt_at) in ((0, 0), (n_src, n_tgt)):
        raise EditError("the split point must leave a sentence on each part")
    tables = sentence_table([link])
    parts = [(link.src_ids[:src_at], link.tgt_ids[:tgt_at]), (link.src_ids[src_at:], link.tgt_ids[tgt_at:])]
    return [link], [build_link(link, s, t, tables, "split") for s, t in parts]


def move(links: Sequence[BitextLink], k: int, side: str, step: int) -> Change:
    """Move the first (``step`` -1, to the previous link) or last (+1, to the next link) sentence of
    one side of link ``k`` to the neighbouring link."""
    j = k + step
    link = links[k]
    ids = link.src_ids if side == "src" else link.tgt_ids
    if not 0 <= j < len(links) or not ids:
        raise EditError("there is no sentence or no neighbouring link to move it to")
    moved = ids[0] if step < 0 else ids[-1]
    neighbour = links[j]
    tables = sentence_table([link, neighbour])
    rest = [i for i in ids if i != moved]
    new_link = (rest, link.tgt_ids) if side == "src" else (link.src_ids, rest)
    grown = ((neighbour.src_ids + (moved,), neighbour.tgt_ids) if side == "src"
             else (neighbour.src_ids, neighbour.tgt_ids + (moved,)))
    if not (_consecutive(grown[0]) and _consecutive(grown[1])):
        raise EditError("the neighbouring link does not border that sentence")
    added = [build_link(neighbour, *grown, tables, "move")]
    if new_link[0] or new_link[1]:
        added.append(build_link(link, *new_link, tables, "move"))
    return [link, neighbour], added


def accept_above(links: Sequence[BitextLink], threshold: float) -> Change:
    """Every aligned link without a verdict whose score is at least ``threshold``: accepted."""
    chosen = [link for link in links if not link.is_unaligned and status_of(link) is None
              and (link.score or 0.0) >= threshold]
    if not chosen:
        raise EditError(f"no link without a verdict scores {threshold:g} or more")
    return chosen, [with_status(link, ACCEPTED) for link in chosen]


def unsettled_stretch(links: Sequence[BitextLink], k: int) -> range:
    """The positions around ``k`` up to the nearest settled links (accepted, rejected,
    untranslated) on either side, or the pair's ends."""
    if status_of(links[k]) in SETTLED:
        raise EditError("this link is settled: re-align the links around it")
    start, stop = k, k + 1
    while start > 0 and status_of(links[start - 1]) not in SETTLED:
        start -= 1
    while stop < len(links) and status_of(links[stop]) not in SETTLED:
        stop += 1
    return range(start, stop)


def realign(links: Sequence[BitextLink], k: int, align: Callable[[List[str], List[str], str, str],
                                                                    List[BitextLink]]) -> Change:
    """The unsettled stretch around link ``k`` aligned again by ``align`` (source and target
    sentences and languages in, links over their positions out); settled links stay as they are."""
    stretch = [links[p] for p in unsettled_stretch(links, k)]
    tables = sentence_table(stretch)
    src_ids = sorted(i for link in stretch for i in link.src_ids)
    tgt_ids = sorted(j for link in stretch for j in link.tgt_ids)
    template = links[k]
    aligned = align([tables[0][i] for i in src_ids], [tables[1][j] for j in tgt_ids], template.src_lang,
                    template.tgt_lang)
    added = []
    for new in aligned:
        link = build_link(template, [src_ids[i] for i in new.src_ids], [tgt_ids[j] for j in new.tgt_ids], tables,
                          "realign")
        link.cost, link.similarity, link.scores = new.cost, new.similarity, dict(new.scores)
        link.provenance.update({key: value for key, value in new.provenance.items() if key == "aligner"})
        added.append(link)
    return stretch, added
