"""report.html: one self-contained page to review an aligned, scored bitext.

The page is plain HTML with inline CSS and inline SVG: no script, no font, image or style sheet
from anywhere, so it opens offline, can be mailed, and renders the same in any browser. Every
text from the data is escaped, and every sentence cell carries its own ``dir``/``lang`` so that
Persian and Arabic read right to left beside English without the bidi algorithm guessing.

What it shows, to find the bad units without reading them all: a verdict per document pair
(parallel, comparable, empty; see aligner.score.verdict), the score histogram split at the
memory's threshold, the doubtful units that are above it (components that disagree, numbers that
differ, untranslated text), the lowest-probability units below it, each with its reasons in plain
words, every unaligned sentence in full with its position, and notes of what was left out.

It is rendered in one pass over the links, taken document pair by document pair as bitext files
and runs write them (:class:`ReportContents`): a run of 200,000 pairs need not fit in memory.
"""

from __future__ import annotations

import heapq
import html
import itertools
import statistics
from array import array
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

import numpy as np

from .. import __version__
from ..bitext import BitextLink
from ..document import RTL_LANGUAGES
from ..score import explain_link
from ..score.combination import DEFAULT_MIN_PROBABILITY
from ..score.verdict import PARALLEL, DocumentVerdict, document_verdict
from .atomic import atomic_write

SHOWN = 50  # rows of each list of units
HISTOGRAM_BINS = 20
# Where the scores' reliability (how often a unit of score p is right) was measured.
RELIABILITY_PLOT = "docs/score_reliability.png"


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def text_dir(lang: str) -> str:
    return "rtl" if lang in RTL_LANGUAGES else "ltr"


def _fmt(value: Optional[float], digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


# --------------------------------------------------------------------------------------------
# Page parts
# --------------------------------------------------------------------------------------------

CSS = """
:root { --ink: #1d2430; --muted: #5b6577; --line: #d9dee7; --bar: #3a6ea5; --warn: #a4461b; }
* { box-sizing: border-box; }
body { font: 15px/1.5 "Noto Sans", "DejaVu Sans", "Segoe UI", Tahoma, sans-serif; color: var(--ink);
       margin: 0 auto; padding: 24px; max-width: 1200px; background: #fbfcfd; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 32px 0 8px; }
h3 { font-size: 15px; margin: 16px 0 4px; }
.meta { color: var(--muted); margin: 0 0 16px; }
.summary { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.summary div { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; }
.summary b { display: block; font-size: 20px; }
table { border-collapse: collapse; width: 100%; background: #fff; margin: 8px 0; }
table.compact { width: auto; min-width: 40%; }
th, td { border: 1px solid var(--line); padding: 4px 8px; vertical-align: top; text-align: start; }
th, td.tag { white-space: nowrap; }
td.doc { overflow-wrap: anywhere; font-size: 13px; min-width: 10em; }
td.doc small { display: block; color: var(--muted); white-space: nowrap; }
th { background: #eef1f6; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.text { width: 42%; }
td.text[dir=rtl] { font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "DejaVu Sans", Tahoma, serif;
                   font-size: 16px; }
.why { color: var(--warn); font-size: 13px; }
.hists { display: flex; flex-wrap: wrap; gap: 16px; }
figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg text { font: 11px sans-serif; fill: var(--muted); }
svg rect.bar { fill: var(--bar); }
svg rect.bar.below { fill: #c9864f; }
svg line.threshold { stroke: var(--warn); stroke-dasharray: 4 3; }
.notes { background: #fff8e6; border: 1px solid #e8d28c; border-radius: 6px; padding: 8px 16px; }
.notes li { margin: 2px 0; }
.empty { color: var(--muted); font-style: italic; }
td.verdict-comparable, td.verdict-empty { color: var(--warn); font-weight: 600; }
td.reason { min-width: 14em; }
"""


def _table(headers: Sequence[Tuple[str, str]], rows: Iterable[str], empty: str, compact: bool = False) -> str:
    """headers are (label, css class); rows are ready-made <tr> strings."""
    rows = list(rows)
    if not rows:
        return f'<p class="empty">{esc(empty)}</p>'
    head = "".join(f'<th class="{cls}">{esc(label)}</th>' if cls else f"<th>{esc(label)}</th>"
                   for label, cls in headers)
    table = '<table class="compact">' if compact else "<table>"
    return f"{table}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _pair_name(link: BitextLink) -> str:
    return f"{link.src_lang}-{link.tgt_lang}"


def _document_key(link: BitextLink) -> Tuple[str, str]:
    return link.src_doc, link.tgt_doc


def _type_total(counts: Counter, link_type: str) -> int:
    return sum(n for (t, _), n in counts.items() if t == link_type)


def _link_type_section(counts: Counter) -> str:
    """The table of links per type and language pair; ``counts`` is (link type, pair) -> links."""
    pairs = sorted({pair for _, pair in counts})
    types = sorted({link_type for link_type, _ in counts}, key=lambda t: (-_type_total(counts, t), t))
    links = sum(counts.values())
    headers = [("link", "")] + [(pair, "num") for pair in pairs] + [("all", "num"), ("share", "num")]
    rows = []
    for link_type in types:
        total = _type_total(counts, link_type)
        cells = "".join(f'<td class="num">{counts[(link_type, pair)]}</td>' for pair in pairs)
        rows.append(f"<tr><td>{esc(link_type)}</td>{cells}<td class=\"num\">{total}</td>"
                    f"<td class=\"num\">{total / links:.1%}</td></tr>")
    return _table(headers, rows, "no links", compact=True)


def _text_cell(text: str, lang: str) -> str:
    return f'<td class="text" dir="{text_dir(lang)}" lang="{esc(lang)}">{esc(text)}</td>'




def histogram_svg(values: Sequence[float], threshold: Optional[float] = None, bins: int = HISTOGRAM_BINS,
                  width: int = 360, height: int = 150) -> str:
    """An inline SVG histogram of values in [0, 1]; each bar's count is in its tooltip. With a
    ``threshold``, the bars below it are drawn in another colour and a dashed line marks it."""
    counts = [0] * bins
    for value in values:
        counts[min(bins - 1, max(0, int(value * bins)))] += 1
    top = max(counts) or 1
    left, bottom, plot_h = 34, 20, height - 30
    bar_w = (width - left - 6) / bins
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img">']
    for i, count in enumerate(counts):
        bar_h = plot_h * count / top
        x, y = left + i * bar_w, height - bottom - bar_h
        label = f"{i / bins:.2f}–{(i + 1) / bins:.2f}: {count}"
        below = " below" if threshold is not None and (i + 1) / bins <= threshold else ""
        parts.append(f'<rect class="bar{below}" x="{x:.1f}" y="{y:.1f}" width="{bar_w - 1:.1f}" '
                     f'height="{bar_h:.1f}"><title>{esc(label)}</title></rect>')
    axis_y = height - bottom
    parts.append(f'<line x1="{left}" y1="{axis_y}" x2="{width - 6}" y2="{axis_y}" stroke="#8893a5"/>')
    if threshold is not None:
        x = left + threshold * bins * bar_w
        parts.append(f'<line class="threshold" x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{axis_y - plot_h}">'
                     f"<title>threshold {threshold:g}</title></line>")
    for tick in (0.0, 0.5, 1.0):
        x = left + tick * bins * bar_w
        parts.append(f'<text x="{x:.1f}" y="{height - 5}" text-anchor="middle">{tick:g}</text>')
    parts.append(f'<text x="{left - 4}" y="{height - bottom - plot_h + 9}" text-anchor="end">{top}</text>')
    parts.append(f'<text x="{left - 4}" y="{axis_y}" text-anchor="end">0</text>')
    parts.append("</svg>")
    return "".join(parts)


def _histogram_section(scores: Dict[str, Sequence[float]], threshold: float) -> str:
    """One histogram per language pair; ``scores`` are the scores of its aligned units."""
    if not scores:
        return '<p class="empty">no link has a score yet (run the scoring stage)</p>'
    figures = []
    for pair, values in sorted(scores.items()):
        above = sum(value >= threshold for value in values)
        # numpy's median partitions a copy at 8 bytes a score; statistics.median sorts Python floats
        caption = (f"{pair}: {len(values)} scored units, median {float(np.median(np.asarray(values))):.3f}, "
                   f"{above} at or above {threshold:g}")
        figures.append(f"<figure><figcaption>{esc(caption)}</figcaption>{histogram_svg(values, threshold)}</figure>")
    return (f'<div class="hists">{"".join(figures)}</div>'
            f'<p class="meta">A score is the probability that the unit is right. How well it keeps that '
            f"promise was measured on FLORES-200 and TICO-19 test articles (the reliability plot, "
            f"{esc(RELIABILITY_PLOT)} in the aligner repository): among units scored about p, a share p "
            f"was right. Bars left of the dashed line stay out of the memory.</p>")


def _document_section(rows: Sequence[str], threshold: float) -> str:
    headers = [("source document", ""), ("target document", ""), ("pair", ""), ("verdict", ""), ("why", ""),
               ("links", "num"), ("1-1", "num"), ("unaligned src", "num"), ("unaligned tgt", "num"),
               ("mean score", "num"), (f"units ≥ {threshold:g}", "num")]
    return _table(headers, rows, "no documents")


def _document_row(group: Sequence[BitextLink], verdict: DocumentVerdict, threshold: float) -> str:
    """The documents table's row of one document pair."""
    src_doc, tgt_doc = _document_key(group[0])
    scores = [link.score for link in group if link.score is not None and not link.is_unaligned]
    unaligned_src = sum(len(link.src_ids) for link in group if not link.tgt_ids)
    unaligned_tgt = sum(len(link.tgt_ids) for link in group if not link.src_ids)
    kind = verdict.verdict + (" (machine translation)" if any(l.is_machine_translation for l in group) else "")
    cells = [f'<td class="doc"><bdi>{esc(src_doc)}</bdi></td>', f'<td class="doc"><bdi>{esc(tgt_doc)}</bdi></td>',
             f'<td class="tag">{esc(_pair_name(group[0]))}</td>',
             f'<td class="tag verdict-{esc(verdict.verdict)}">{esc(kind)}</td>',
             f'<td class="reason">{esc(verdict.describe())}</td>', f'<td class="num">{len(group)}</td>',
             f'<td class="num">{sum(link.link_type == "1-1" for link in group)}</td>',
             f'<td class="num">{unaligned_src}</td>', f'<td class="num">{unaligned_tgt}</td>',
             f'<td class="num">{_fmt(statistics.fmean(scores) if scores else None)}</td>',
             f'<td class="num">{sum(score >= threshold for score in scores)}</td>']
    return f"<tr>{''.join(cells)}</tr>"


def pairing_section(decisions: Sequence) -> str:
    """The pairs of a run given two folders (aligner.pairing PairDecision rows): each source
    with its target or none, how it was paired, P(translation), the verdict, the nearest
    candidates that lost, and why, in plain words."""
    headers = [("source document", ""), ("target document", ""), ("paired by", ""), ("P(translation)", "num"),
               ("verdict", ""), ("share linked", "num"), ("candidates that lost", ""), ("why", "")]
    rows = []
    for d in decisions:
        losers = "; ".join(f"{name} ({probability:.2f})" for name, probability in d.losers)
        cells = [f'<td class="doc"><bdi>{esc(d.source or "-")}</bdi></td>',
                 f'<td class="doc"><bdi>{esc(d.target or "-")}</bdi></td>', f'<td class="tag">{esc(d.paired_by or "-")}</td>',
                 f'<td class="num">{_fmt(d.probability, 2)}</td>',
                 f'<td class="tag verdict-{esc(d.verdict)}">{esc(d.verdict)}</td>', f'<td class="num">{_fmt(d.share, 2)}</td>',
                 f'<td class="doc">{esc(losers or "-")}</td>', f'<td class="reason">{esc(d.reason)}</td>']
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return ('<h2 id="pairs">Pairs: which target each source was aligned with</h2>'
            '<p class="meta">parallel: aligned as a document and its translation; comparable: the same story, not a '
            "translation (aligned with its machine translation, when a model is installed); unrelated: no "
            "translation among the targets; none: nothing to compare it with. Also in pairs.tsv.</p>"
            + _table(headers, rows, "no documents to pair"))


def _units_table(rows: Sequence[Tuple[BitextLink, List[str]]], empty: str) -> str:
    headers = [("score", "num"), ("document, link", ""), ("source", ""), ("target", ""), ("why", "")]
    html_rows = []
    for link, reasons in rows:
        ids = f"{link.link_type} @ {','.join(map(str, link.src_ids))}:{','.join(map(str, link.tgt_ids))}"
        cells = [f'<td class="num">{_fmt(link.score)}</td>',
                 f'<td class="doc"><bdi>{esc(link.src_doc)}</bdi><small>{esc(ids)}</small></td>',
                 _text_cell(link.src, link.src_lang), _text_cell(link.tgt, link.tgt_lang),
                 f'<td class="why">{"<br>".join(esc(r) for r in reasons)}</td>']
        html_rows.append(f"<tr>{''.join(cells)}</tr>")
    return _table(headers, html_rows, empty)


def doubtful_units(links: Iterable[BitextLink], threshold: float, count: int = SHOWN,
                   kept: Sequence[Tuple[BitextLink, List[str]]] = ()) -> List[Tuple[BitextLink, List[str]]]:
    """Units at or above the threshold (so in the memory) that something speaks against, with
    the reasons: most reasons first, then the highest scores, the ones a translator would trust.
    Only ``count`` units are kept while the links stream past. ``kept`` is this function's answer
    for earlier links: nsmallest is stable, so building the list document by document keeps the
    same units, in the same order, as one call over all the links."""
    judged = ((link, explain_link(link)) for link in links
              if not link.is_unaligned and link.score is not None and link.score >= threshold)
    return heapq.nsmallest(count, itertools.chain(kept, ((link, reasons) for link, reasons in judged if reasons)),
                           key=lambda item: (-len(item[1]), -item[0].score))


def lowest_links(links: Iterable[BitextLink], threshold: float, count: int = SHOWN,
                 kept: Sequence[BitextLink] = ()) -> List[BitextLink]:
    """Scored units below the threshold, lowest first; ``kept`` as for :func:`doubtful_units`.
    Their reasons are looked up only for the few that are shown (:func:`_low_reasons`)."""
    below = (link for link in links if not link.is_unaligned and link.score is not None and link.score < threshold)
    return heapq.nsmallest(count, itertools.chain(kept, below), key=lambda link: link.score)


def _low_reasons(links: Iterable[BitextLink], threshold: float) -> List[Tuple[BitextLink, List[str]]]:
    """The lowest units with their reasons; a unit with none is explained by its probability."""
    return [(link, explain_link(link) or [f"probability {link.score:.2f}, below {threshold:g}"]) for link in links]


def _unaligned_part(group: Sequence[BitextLink]) -> str:
    """Every sentence of one document pair without a counterpart, with its side and position
    ("" when there is none)."""
    rows = []
    for link in group:
        if not link.is_unaligned:
            continue
        side, lang, ids, text = (("source", link.src_lang, link.src_ids, link.src) if link.src_ids
                                 else ("target", link.tgt_lang, link.tgt_ids, link.tgt))
        where = ", ".join(str(i + 1) for i in ids)
        rows.append(f'<tr><td class="tag">{side}</td><td class="num">{esc(where)}</td>'
                    f"{_text_cell(text, lang)}</tr>")
    if not rows:
        return ""
    src_doc, tgt_doc = _document_key(group[0])
    return (f'<h3><bdi>{esc(src_doc)}</bdi> ↔ <bdi>{esc(tgt_doc)}</bdi>: {len(rows)} sentence(s)</h3>'
            + _table([("side", ""), ("sentence", "num"), ("text", "")], rows, "", compact=True))


class ReportContents:
    """What the page shows, gathered one document pair at a time (:meth:`add`) and rendered at
    the end (:meth:`render`). Of the links only the listed units are kept (SHOWN doubtful and
    SHOWN lowest); the rest is counts, the rows of the documents and of the unaligned sentences
    already in HTML, and each language pair's scores at 8 bytes a score (its histogram and exact
    median need them all). So memory grows with the document pairs and the unaligned sentences,
    not with the links and their texts."""

    def __init__(self, threshold: float = DEFAULT_MIN_PROBABILITY):
        self.threshold = threshold
        self.documents: Set[Tuple[str, str]] = set()  # to refuse a pair that comes back
        self.document_rows: List[str] = []
        self.not_parallel = 0
        self.unaligned_parts: List[str] = []
        self.unaligned_src = self.unaligned_tgt = self.unaligned_pairs = 0
        self.links = self.aligned = self.above = self.unscored = 0
        self.link_types: Counter = Counter()  # (link type, language pair) -> links
        self.scores: Dict[str, array] = defaultdict(lambda: array("d"))  # language pair -> aligned units' scores
        self.methods: Set[str] = set()
        self.doubtful: List[Tuple[BitextLink, List[str]]] = []
        self.lowest: List[BitextLink] = []

    def add(self, group: Sequence[BitextLink]) -> None:
        """Take all the links of one document pair. A pair added before raises ValueError: its
        verdict, row and units were settled without these links."""
        key = _document_key(group[0])
        if key in self.documents:
            raise ValueError(f"links of {key[0]} / {key[1]} come again after another document pair's: the report "
                             "needs each pair's links together, as bitext files and runs write them")
        self.documents.add(key)
        verdict = document_verdict(group)
        self.document_rows.append(_document_row(group, verdict, self.threshold))
        unaligned = _unaligned_part(group)
        if unaligned:
            self.unaligned_parts.append(unaligned)
            self.unaligned_pairs += 1
        if verdict.verdict == PARALLEL:
            # SHOWN is read here, not bound as a default, so that a test can shorten the lists.
            self.doubtful = doubtful_units(group, self.threshold, SHOWN, kept=self.doubtful)
            self.lowest = lowest_links(group, self.threshold, SHOWN, kept=self.lowest)
        else:
            # Units of a pair that is not a translation are explained by its verdict, not one by one.
            self.not_parallel += 1
        for link in group:
            self._count(link)

    def _count(self, link: BitextLink) -> None:
        pair = _pair_name(link)
        self.links += 1
        self.link_types[(link.link_type, pair)] += 1
        self.methods.update(f"{key}: {value}" for key, value in link.provenance.items())
        if link.is_unaligned:
            self.unaligned_src += len(link.src_ids)
            self.unaligned_tgt += len(link.tgt_ids)
            return
        self.aligned += 1
        if link.score is None:
            self.unscored += 1
            return
        self.scores[pair].append(link.score)
        self.above += link.score >= self.threshold

    def automatic_notes(self) -> List[str]:
        """What the bitext itself says was left out: unaligned sentences, unscored links."""
        notes = []
        if self.unaligned_src or self.unaligned_tgt:
            notes.append(f"{self.unaligned_src} source and {self.unaligned_tgt} target sentences are unaligned "
                         f"(1-0 / 0-1 links) in {self.unaligned_pairs} document pair(s); they stay in the bitext, "
                         "not in the memory, and are listed in full below.")
        if self.unscored:
            notes.append(f"{self.unscored} aligned pair(s) have no score")
        return notes

    def render(self, notes: Sequence[str] = (), title: str = "aligner report", sections: Sequence[str] = ()) -> str:
        """The whole page; ``notes`` are the run's own, listed before the automatic ones."""
        threshold = self.threshold
        low = _low_reasons(self.lowest, threshold)
        methods = sorted(self.methods)
        summary = [("links", self.links), ("aligned pairs", self.aligned), (f"at or above {threshold:g}", self.above),
                   ("document pairs", len(self.documents)), ("not parallel", self.not_parallel),
                   ("language pairs", len({pair for _, pair in self.link_types}))]
        all_notes = list(notes) + self.automatic_notes()
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en" dir="ltr"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>",
            f"<h1>{esc(title)}</h1>",
            f'<p class="meta">aligner {esc(__version__)}</p>',
            '<div class="summary">' + "".join(f"<div><b>{n}</b>{esc(label)}</div>" for label, n in summary) + "</div>",
            '<h2 id="notes">Notes: dropped and unaligned</h2>',
            '<div class="notes">' + (("<ul>" + "".join(f"<li>{esc(n)}</li>" for n in all_notes) + "</ul>")
                                     if all_notes else "<p>Nothing was dropped and every sentence is aligned.</p>")
            + "</div>",
            '<h2 id="documents">Documents</h2>',
            '<p class="meta">parallel: a document and its translation; comparable: not a translation (most sentences '
            "in improbable links), so none of its units goes into the memory; empty: nothing aligned.</p>",
            _document_section(self.document_rows, threshold),
            *sections,
            '<h2 id="scores">Scores: how many units the memory keeps</h2>', _histogram_section(self.scores, threshold),
            f'<h2 id="doubtful">{len(self.doubtful)} doubtful units at or above {threshold:g}</h2>',
            '<p class="meta">In the memory, but something speaks against them: components that disagree with the '
            "score, numbers that differ, an unusual length, untranslated text.</p>",
            _units_table(self.doubtful, "no unit at or above the threshold looks doubtful"),
            f'<h2 id="lowest">{len(low)} lowest-probability units, below {threshold:g}</h2>',
            _units_table(low, "no unit is below the threshold"),
            '<h2 id="unaligned">Unaligned sentences</h2>',
            "".join(self.unaligned_parts) or '<p class="empty">every sentence is aligned</p>',
            '<h2 id="types">Links by type</h2>', _link_type_section(self.link_types),
        ]
        if methods:
            parts += ['<h2 id="methods">Methods</h2>',
                      "<ul>" + "".join(f"<li><code>{esc(m)}</code></li>" for m in methods[:30]) + "</ul>"]
        parts.append("</body></html>\n")
        return "\n".join(parts)


def _in_document_order(links: Sequence[BitextLink]) -> List[BitextLink]:
    """A list's links with each document pair's together, the pairs in order of first appearance
    and the links of a pair in their order (a stable sort)."""
    first: Dict[Tuple[str, str], int] = {}
    for link in links:
        first.setdefault(_document_key(link), len(first))
    return sorted(links, key=lambda link: first[_document_key(link)])


def render_report(links: Iterable[BitextLink], notes: Sequence[str] = (), title: str = "aligner report",
                  threshold: float = DEFAULT_MIN_PROBABILITY, sections: Sequence[str] = ()) -> str:
    """The whole report page as a string, from one pass over ``links``. ``notes`` are the run's
    own notes (files skipped, pairs dropped by filters...), listed before the automatic ones;
    ``threshold`` is the memory's (units below it are not in the TMX).

    The links must come document pair by document pair, each pair's links together, as bitext
    files and runs write them: only the pair at hand is held (see :class:`ReportContents`). An
    iterator whose pair comes back after another pair raises ValueError; a list, already in
    memory, may be in any order: it is regrouped first."""
    if isinstance(links, Sequence):
        links = _in_document_order(links)
    contents = ReportContents(threshold)
    for _, group in itertools.groupby(links, key=_document_key):
        contents.add(list(group))
    return contents.render(notes, title, sections)


def write_report(path: Path, links: Iterable[BitextLink], notes: Sequence[str] = (),
                 title: str = "aligner report", threshold: float = DEFAULT_MIN_PROBABILITY,
                 sections: Sequence[str] = ()) -> None:
    """Render and write report.html atomically, from one pass over ``links`` (document pair by
    document pair, see :func:`render_report`); ``sections``: HTML sections added after the
    documents (e.g. :func:`pairing_section`)."""
    page = render_report(links, notes, title, threshold, sections)
    with atomic_write(path) as handle:
        handle.write(page)
