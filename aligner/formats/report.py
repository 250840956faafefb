"""report.html: a self-contained summary to review an aligned, scored bitext of any size, and a
page per document pair beside it (report/).

Every page is plain HTML with inline CSS and inline SVG: no script, no font, image or style sheet
from anywhere, so it opens offline, can be mailed, and renders the same in any browser. Every
text from the data is escaped, and every sentence cell carries its own ``dir``/``lang`` so that
Persian and Arabic read right to left beside English without the bidi algorithm guessing.

What report.html shows, to find the bad units without reading them all: a verdict per document
pair (parallel, comparable, empty; see aligner.score.verdict), the score histogram split at the
memory's threshold, the doubtful units that are above it (components that disagree, numbers that
differ, untranslated text), the lowest-probability units below it, each with its reasons in plain
words, the document pairs with most unaligned sentences, and notes of what was left out. Each
document pair's page (report/000001.html, ...) has its row, every unaligned sentence in full with
its position, and every link. Up to INDEX_ROWS document pairs, report.html lists them all; more,
and it lists the SHOWN that most need a look, the full list being on index pages of INDEX_ROWS
rows (report/index-0001.html, ...).

It is rendered in one pass over the links, taken document pair by document pair as bitext files
and runs write them (:class:`ReportContents`): each pair's page is written as soon as its links
are read, and of the earlier pairs only bounded lists and counts are kept, so memory stays flat
from ten document pairs to 200,000 (benchmarks/scale_report.py).
"""

from __future__ import annotations

import heapq
import html
import itertools
import os
import shutil
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from .. import __version__
from ..bitext import BitextLink
from ..document import RTL_LANGUAGES
from ..score import explain_link
from ..score.explanation import doubtful_reasons
from ..score.combination import DEFAULT_MIN_PROBABILITY
from ..score.verdict import PARALLEL, DocumentVerdict, document_verdict
from .atomic import atomic_write, cannot_write

SHOWN = 50  # rows of each bounded list: units, documents
INDEX_ROWS = 500  # document pairs listed in report.html, or on one index page when there are more
NOTES_SHOWN = 200  # notes in report.html; all of them on a page of their own when there are more
FINE_BINS = 10_000  # score counts kept per language pair: the histogram, and the median to 1/FINE_BINS
HISTOGRAM_BINS = 20
METHODS_KEPT = 30
# Where the scores' reliability (how often a unit of score p is right) was measured.
RELIABILITY_PLOT = "docs/score_reliability.png"
NOTES_PAGE = "notes.html"


def document_page_name(number: int) -> str:
    """The page of the ``number``-th document pair (from 1, in the order of the links)."""
    return f"{number:06d}.html"


def index_page_name(number: int) -> str:
    return f"index-{number:04d}.html"


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
    return histogram_bars_svg(counts, threshold, width, height)


def histogram_bars_svg(counts: Sequence[int], threshold: Optional[float] = None, width: int = 360,
                       height: int = 150) -> str:
    """The SVG of :func:`histogram_svg` from the bars' counts (equal bins over [0, 1])."""
    bins = len(counts)
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


def _bars_from_fine(fine: Sequence[int], bins: int = HISTOGRAM_BINS) -> List[int]:
    width = len(fine) // bins
    return [sum(fine[i * width:(i + 1) * width]) for i in range(bins)]


def _median_of_fine(fine: Sequence[int]) -> Optional[float]:
    """The median of the scores counted in ``fine`` (equal bins over [0, 1]), interpolated within
    its bin: within 1/len(fine) of the exact one."""
    total = sum(fine)
    if not total:
        return None
    half, below = total / 2, 0
    for index, count in enumerate(fine):
        if count and below + count >= half:
            return (index + (half - below) / count) / len(fine)
        below += count
    return 1.0


def fine_bin(score: float) -> int:
    return min(FINE_BINS - 1, max(0, int(score * FINE_BINS)))


def _histogram_section(fine: Dict[str, List[int]], above: Dict[str, int], threshold: float) -> str:
    """One histogram per language pair, from the counts of its aligned units' scores."""
    if not fine:
        return '<p class="empty">no link has a score yet (run the scoring stage)</p>'
    figures = []
    for pair, counts in sorted(fine.items()):
        caption = (f"{pair}: {sum(counts)} scored units, median {_median_of_fine(counts):.3f}, "
                   f"{above[pair]} at or above {threshold:g}")
        figures.append(f"<figure><figcaption>{esc(caption)}</figcaption>"
                       f"{histogram_bars_svg(_bars_from_fine(counts), threshold)}</figure>")
    return (f'<div class="hists">{"".join(figures)}</div>'
            f'<p class="meta">A score is the probability that the unit is right. How well it keeps that '
            f"promise was measured on FLORES-200 and TICO-19 test articles (the reliability plot, "
            f"{esc(RELIABILITY_PLOT)} in the aligner repository): among units scored about p, a share p "
            f"was right. Bars left of the dashed line stay out of the memory.</p>")


def _doc_cell(name: str, href: Optional[str], small: str = "") -> str:
    """A document name (a link to its page when there is one)."""
    text = f"<bdi>{esc(name)}</bdi>"
    if href:
        text = f'<a href="{esc(href)}">{text}</a>'
    return f'<td class="doc">{text}{f"<small>{esc(small)}</small>" if small else ""}</td>'


@dataclass
class DocumentSummary:
    """What the lists show of one document pair: counts, not links."""

    number: int  # from 1, in the order of the links
    src_doc: str
    tgt_doc: str
    pair: str
    verdict: DocumentVerdict
    machine_translation: bool
    links: int
    one_to_one: int
    unaligned_src: int  # sentences
    unaligned_tgt: int
    mean_score: Optional[float]
    above: int  # scored units at or above the threshold
    has_page: bool

    @classmethod
    def of(cls, number: int, group: Sequence[BitextLink], verdict: DocumentVerdict, threshold: float,
           has_page: bool) -> "DocumentSummary":
        scores = [link.score for link in group if link.score is not None and not link.is_unaligned]
        return cls(number, *_document_key(group[0]), _pair_name(group[0]), verdict,
                   any(link.is_machine_translation for link in group), len(group),
                   sum(link.link_type == "1-1" for link in group),
                   sum(len(link.src_ids) for link in group if not link.tgt_ids),
                   sum(len(link.tgt_ids) for link in group if not link.src_ids),
                   sum(scores) / len(scores) if scores else None, sum(score >= threshold for score in scores),
                   has_page)

    @property
    def unaligned(self) -> int:
        return self.unaligned_src + self.unaligned_tgt

    @property
    def trouble(self) -> Tuple[bool, int, float]:
        """Ordered by how much the pair needs a look: not parallel, unaligned sentences, low scores."""
        return self.verdict.verdict != PARALLEL, self.unaligned, -(self.mean_score or 0.0)

    def href(self, folder: Optional[str]) -> Optional[str]:
        """Its page as linked from a page in ``folder`` ("" for one beside it; None: no link)."""
        return None if folder is None or not self.has_page else folder + document_page_name(self.number)

    def row(self, folder: Optional[str]) -> str:
        kind = self.verdict.verdict + (" (machine translation)" if self.machine_translation else "")
        cells = [_doc_cell(self.src_doc, self.href(folder)), _doc_cell(self.tgt_doc, None),
                 f'<td class="tag">{esc(self.pair)}</td>',
                 f'<td class="tag verdict-{esc(self.verdict.verdict)}">{esc(kind)}</td>',
                 f'<td class="reason">{esc(self.verdict.describe())}</td>', f'<td class="num">{self.links}</td>',
                 f'<td class="num">{self.one_to_one}</td>', f'<td class="num">{self.unaligned_src}</td>',
                 f'<td class="num">{self.unaligned_tgt}</td>', f'<td class="num">{_fmt(self.mean_score)}</td>',
                 f'<td class="num">{self.above}</td>']
        return f"<tr>{''.join(cells)}</tr>"


def _document_table(summaries: Iterable[DocumentSummary], threshold: float, folder: Optional[str]) -> str:
    headers = [("source document", ""), ("target document", ""), ("pair", ""), ("verdict", ""), ("why", ""),
               ("links", "num"), ("1-1", "num"), ("unaligned src", "num"), ("unaligned tgt", "num"),
               ("mean score", "num"), (f"units ≥ {threshold:g}", "num")]
    return _table(headers, (summary.row(folder) for summary in summaries), "no documents")


def pairing_section(decisions: Sequence) -> str:
    """The pairs of a run given two folders (aligner.pairing PairDecision rows): each source
    with its target or none, how it was paired, P(translation), the verdict, the nearest
    candidates that lost, and why, in plain words."""
    headers = [("source document", ""), ("target document", ""), ("paired by", ""), ("P(translation)", "num"),
               ("verdict", ""), ("share linked", "num"), ("candidates that lost", ""), ("why", "")]
    rows = []
    for d in decisions[:INDEX_ROWS]:
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
            + _table(headers, rows, "no documents to pair")
            + (f'<p class="meta">and {len(decisions) - INDEX_ROWS} more, in pairs.tsv</p>'
               if len(decisions) > INDEX_ROWS else ""))


def _units_table(rows: Sequence[Tuple[BitextLink, List[str]]], empty: str,
                 href: Callable[[BitextLink], Optional[str]] = lambda link: None, with_document: bool = True) -> str:
    headers = [("score", "num"), ("document, link" if with_document else "link", ""), ("source", ""),
               ("target", ""), ("why", "")]
    html_rows = []
    for link, reasons in rows:
        ids = f"{link.link_type} @ {','.join(map(str, link.src_ids))}:{','.join(map(str, link.tgt_ids))}"
        where = _doc_cell(link.src_doc, href(link), ids) if with_document else f'<td class="tag">{esc(ids)}</td>'
        cells = [f'<td class="num">{_fmt(link.score)}</td>', where,
                 _text_cell(link.src, link.src_lang), _text_cell(link.tgt, link.tgt_lang),
                 f'<td class="why">{"<br>".join(esc(r) for r in reasons)}</td>']
        html_rows.append(f"<tr>{''.join(cells)}</tr>")
    return _table(headers, html_rows, empty)


def doubtful_units(links: Iterable[BitextLink], threshold: float, count: int = SHOWN,
                   kept: Sequence[Tuple[BitextLink, List[str]]] = ()) -> List[Tuple[BitextLink, List[str]]]:
    """Units at or above the threshold (so in the memory) that a reason known to predict wrong
    units speaks against (explanation.doubtful_reasons), with those reasons: most reasons first,
    then the highest scores, the ones a translator would trust. Only ``count`` units are kept
    while the links stream past. ``kept`` is this function's answer for earlier links: nsmallest
    is stable, so building the list document by document keeps the same units, in the same
    order, as one call over all the links."""
    judged = ((link, doubtful_reasons(link)) for link in links
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
    """Every sentence of one document pair without a counterpart, with its side and position."""
    rows = []
    for link in group:
        if not link.is_unaligned:
            continue
        side, lang, ids, text = (("source", link.src_lang, link.src_ids, link.src) if link.src_ids
                                 else ("target", link.tgt_lang, link.tgt_ids, link.tgt))
        where = ", ".join(str(i + 1) for i in ids)
        rows.append(f'<tr><td class="tag">{side}</td><td class="num">{esc(where)}</td>'
                    f"{_text_cell(text, lang)}</tr>")
    return _table([("side", ""), ("sentence", "num"), ("text", "")], rows, "every sentence is aligned", compact=True)


def html_page(title: str, parts: Iterable[str]) -> str:
    """A whole self-contained page."""
    return "\n".join(["<!DOCTYPE html>", '<html lang="en" dir="ltr"><head><meta charset="utf-8">',
                      '<meta name="viewport" content="width=device-width, initial-scale=1">',
                      f"<title>{esc(title)}</title><style>{CSS}</style></head><body>", f"<h1>{esc(title)}</h1>",
                      *parts, "</body></html>\n"])


def _write_page(path: Path, title: str, parts: Iterable[str]) -> None:
    # Into the pages' staging folder, which replaces the old one in one rename (write_report).
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(html_page(title, parts))


class _Top:
    """The ``count`` items of highest key offered, the first offered among equal keys."""

    def __init__(self, count: int):
        self.count, self.offered, self.heap = count, 0, []

    def offer(self, key, item) -> None:
        self.offered += 1
        entry = (key, -self.offered, item)
        if len(self.heap) < self.count:
            heapq.heappush(self.heap, entry)
        elif entry[:2] > self.heap[0][:2]:
            heapq.heapreplace(self.heap, entry)

    def items(self) -> list:
        return [item for *_, item in sorted(self.heap, key=lambda entry: entry[:2], reverse=True)]


class DocumentIndex:
    """The documents' rows in input order: kept for report.html up to INDEX_ROWS; beyond that
    (with a folder) written on index pages of INDEX_ROWS rows each, as they fill."""

    def __init__(self, folder: Optional[Path], home: str, threshold: float):
        self.folder, self.home, self.threshold = folder, home, threshold
        self.rows: List[DocumentSummary] = []
        self.pages = self.total = 0

    def add(self, summary: DocumentSummary) -> None:
        self.total += 1
        if len(self.rows) == INDEX_ROWS:
            if self.folder is None:
                return  # no pages to put them on: counted, not listed
            self._write(has_next=True)  # a full page, and one more row: the page has a next one
        self.rows.append(summary)

    def finish(self) -> None:
        if self.pages and self.rows:
            self._write(has_next=False)

    def _write(self, has_next: bool) -> None:
        self.pages += 1
        first, last = self.rows[0].number, self.rows[-1].number
        nav = [f'<a href="../{esc(self.home)}">report</a>']
        if self.pages > 1:
            nav.insert(0, f'<a href="{index_page_name(self.pages - 1)}" rel="prev">← previous</a>')
        if has_next:
            nav.append(f'<a href="{index_page_name(self.pages + 1)}" rel="next">next →</a>')
        _write_page(self.folder / index_page_name(self.pages), f"Document pairs {first}–{last}",
                    [f'<p class="meta">{" · ".join(nav)}</p>', _document_table(self.rows, self.threshold, "")])
        self.rows = []


class ReportContents:
    """What the pages show, gathered one document pair at a time (:meth:`add`) and rendered at
    the end (:meth:`render`). With a ``folder``, each pair's page is written there at once (its
    row, unaligned sentences and links) and the documents' rows beyond INDEX_ROWS go to index
    pages as they fill. What is kept is bounded: SHOWN doubtful and SHOWN lowest units, the
    SHOWN pairs that most need a look and the SHOWN with most unaligned sentences, up to
    INDEX_ROWS rows, FINE_BINS score counts per language pair, and counts. Only an 8-byte hash
    per document pair grows with the run (to refuse a pair whose links come back)."""

    def __init__(self, threshold: float = DEFAULT_MIN_PROBABILITY, folder: Optional[Path] = None,
                 home: str = "report.html"):
        self.threshold, self.folder, self.home = threshold, folder, home
        self.seen: Set[int] = set()
        self.documents = self.not_parallel = self.unaligned_pairs = 0
        self.index = DocumentIndex(folder, home, threshold)
        # SHOWN is read here, not bound as a default, so that a test can shorten the lists.
        self.worst, self.most_unaligned = _Top(SHOWN), _Top(SHOWN)
        self.unaligned_src = self.unaligned_tgt = 0
        self.links = self.aligned = self.above = self.unscored = 0
        self.link_types: Counter = Counter()  # (link type, language pair) -> links
        self.fine: Dict[str, List[int]] = {}  # language pair -> counts of its scores in FINE_BINS bins
        self.above_by_pair: Dict[str, int] = defaultdict(int)
        self.methods: Set[str] = set()
        self.doubtful: List[Tuple[BitextLink, List[str]]] = []
        self.lowest: List[BitextLink] = []
        self.unit_pages: Dict[Tuple[str, str], int] = {}  # document pair of a listed unit -> its number
        self.notes: Sequence[str] = ()

    @property
    def prefix(self) -> Optional[str]:
        """The pages' folder as report.html links to it (None: no pages): the name of report.html
        without its extension, beside it."""
        return None if self.folder is None else Path(self.home).stem + "/"

    def add(self, group: Sequence[BitextLink]) -> None:
        """Take all the links of one document pair. A pair added before raises ValueError: its
        verdict, row and units were settled without these links."""
        key = _document_key(group[0])
        if hash(key) in self.seen:
            raise ValueError(f"links of {key[0]} / {key[1]} come again after another document pair's: the report "
                             "needs each pair's links together, as bitext files and runs write them")
        self.seen.add(hash(key))
        self.documents += 1
        verdict = document_verdict(group)
        summary = DocumentSummary.of(self.documents, group, verdict, self.threshold, self.folder is not None)
        judged = [(link, explain_link(link) if not link.is_unaligned and link.score is not None else [])
                  for link in group]
        if self.folder is not None:
            _write_page(self.folder / document_page_name(summary.number), f"{key[0]} ↔ {key[1]}",
                        _document_page(summary, judged, self.threshold, self.home))
        self.index.add(summary)
        self.worst.offer(summary.trouble, summary)
        if summary.unaligned:
            self.unaligned_pairs += 1
            self.most_unaligned.offer(summary.unaligned, summary)
        if verdict.verdict == PARALLEL:
            self._list_units(judged, key)
        else:
            # Units of a pair that is not a translation are explained by its verdict, not one by one.
            self.not_parallel += 1
        for link in group:
            self._count(link)

    def _list_units(self, judged: Sequence[Tuple[BitextLink, List[str]]], key: Tuple[str, str]) -> None:
        self.doubtful = doubtful_units((link for link, _ in judged), self.threshold, SHOWN, kept=self.doubtful)
        self.lowest = lowest_links((link for link, _ in judged), self.threshold, SHOWN, kept=self.lowest)
        listed = {_document_key(link) for link, _ in self.doubtful} | {_document_key(link) for link in self.lowest}
        if key in listed:
            self.unit_pages[key] = self.documents
        if len(self.unit_pages) > len(listed):
            self.unit_pages = {k: number for k, number in self.unit_pages.items() if k in listed}

    def _count(self, link: BitextLink) -> None:
        pair = _pair_name(link)
        self.links += 1
        self.link_types[(link.link_type, pair)] += 1
        if len(self.methods) < 10 * METHODS_KEPT:
            self.methods.update(f"{key}: {value}" for key, value in link.provenance.items())
        if link.is_unaligned:
            self.unaligned_src += len(link.src_ids)
            self.unaligned_tgt += len(link.tgt_ids)
            return
        self.aligned += 1
        if link.score is None:
            self.unscored += 1
            return
        if pair not in self.fine:
            self.fine[pair] = [0] * FINE_BINS
        self.fine[pair][fine_bin(link.score)] += 1
        if link.score >= self.threshold:
            self.above += 1
            self.above_by_pair[pair] += 1

    def unit_href(self, link: BitextLink) -> Optional[str]:
        number = self.unit_pages.get(_document_key(link))
        return None if number is None or self.prefix is None else self.prefix + document_page_name(number)

    def automatic_notes(self) -> List[str]:
        """What the bitext itself says was left out: unaligned sentences, unscored links."""
        notes = []
        if self.unaligned_src or self.unaligned_tgt:
            where = "on each one's page" if self.folder is not None else "in the bitext"
            notes.append(f"{self.unaligned_src} source and {self.unaligned_tgt} target sentences are unaligned "
                         f"(1-0 / 0-1 links) in {self.unaligned_pairs} document pair(s); they stay in the bitext, "
                         f"not in the memory; the pairs with most of them are listed below, the sentences {where}.")
        if self.unscored:
            notes.append(f"{self.unscored} aligned pair(s) have no score")
        return notes

    def finish(self) -> None:
        """Write the last index page."""
        self.index.finish()

    def render(self, notes: Sequence[str] = (), title: str = "aligner report", sections: Sequence[str] = ()) -> str:
        """report.html; ``notes`` are the run's own, listed before the automatic ones; ``sections``
        are HTML sections of the caller's (e.g. :func:`pairing_section`), after the documents."""
        self.finish()
        self.notes = list(notes) + self.automatic_notes()
        parts = [section(self) for section in SECTIONS]
        after_documents = SECTIONS.index(_documents_section) + 1
        return html_page(title, [f'<p class="meta">aligner {esc(__version__)}</p>', *parts[:after_documents],
                                 *sections, *parts[after_documents:]])


def _document_page(summary: DocumentSummary, judged: Sequence[Tuple[BitextLink, List[str]]], threshold: float,
                   home: str) -> List[str]:
    """The parts of one document pair's page: its row, its unaligned sentences, its links."""
    return [f'<p class="meta"><a href="../{esc(home)}">report</a> · document pair {summary.number}</p>',
            _document_table([summary], threshold, None),
            f'<h2 id="unaligned">{summary.unaligned} unaligned sentence(s)</h2>',
            _unaligned_part([link for link, _ in judged]),
            f'<h2 id="links">{summary.links} links</h2>',
            _units_table(judged, "no links", with_document=False)]


def _summary_section(contents: ReportContents) -> str:
    summary = [("links", contents.links), ("aligned pairs", contents.aligned),
               (f"at or above {contents.threshold:g}", contents.above), ("document pairs", contents.documents),
               ("not parallel", contents.not_parallel),
               ("language pairs", len({pair for _, pair in contents.link_types}))]
    return '<div class="summary">' + "".join(f"<div><b>{n}</b>{esc(label)}</div>" for label, n in summary) + "</div>"


def _notes_section(contents: ReportContents) -> str:
    """The first NOTES_SHOWN notes; all of them on a page of their own when there are more."""
    notes, folder = contents.notes, contents.folder
    heading = '<h2 id="notes">Notes: dropped and unaligned</h2>'
    if not notes:
        return heading + '<div class="notes"><p>Nothing was dropped and every sentence is aligned.</p></div>'
    items = "".join(f"<li>{esc(note)}</li>" for note in notes[:NOTES_SHOWN])
    more = ""
    if len(notes) > NOTES_SHOWN:
        more = f"<p>{len(notes) - NOTES_SHOWN} more note(s)"
        if folder is not None:
            _write_page(folder / NOTES_PAGE, "Notes", ["<ul>" + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>"])
            more += f': <a href="{esc(contents.prefix + NOTES_PAGE)}">all {len(notes)} notes</a>'
        more += "</p>"
    return heading + f'<div class="notes"><ul>{items}</ul>{more}</div>'


def _documents_section(contents: ReportContents) -> str:
    """Every document pair's row when they fit in INDEX_ROWS; else the index pages and the SHOWN
    pairs that most need a look."""
    parts = ['<h2 id="documents">Documents</h2>',
             '<p class="meta">parallel: a document and its translation; comparable: not a translation (most '
             "sentences in improbable links), so none of its units goes into the memory but the sentence pairs "
             "mined from it as translations (x-origin=mined); empty: nothing aligned."
             + (" Each source document links to its pair's page." if contents.folder is not None else "") + "</p>"]
    index = contents.index
    if index.pages:
        links = " ".join(f'<a href="{esc(contents.prefix + index_page_name(page))}">{page}</a>'
                         for page in range(1, index.pages + 1))
        parts.append(f'<p>All {index.total} document pairs, in input order, {INDEX_ROWS} a page: {links}</p>'
                     f'<h3 id="worst">The {len(contents.worst.heap)} that most need a look (not parallel, most '
                     "unaligned sentences, lowest mean score)</h3>")
        parts.append(_document_table(contents.worst.items(), contents.threshold, contents.prefix))
        return "\n".join(parts)
    parts.append(_document_table(index.rows, contents.threshold, contents.prefix))
    if index.total > len(index.rows):
        parts.append(f'<p class="meta">and {index.total - len(index.rows)} more document pairs, not listed</p>')
    return "\n".join(parts)


def _scores_section(contents: ReportContents) -> str:
    return ('<h2 id="scores">Scores: how many units the memory keeps</h2>'
            + _histogram_section(contents.fine, contents.above_by_pair, contents.threshold))


def _doubtful_section(contents: ReportContents) -> str:
    threshold = contents.threshold
    return (f'<h2 id="doubtful">{len(contents.doubtful)} doubtful units at or above {threshold:g}</h2>'
            '<p class="meta">In the memory, but something speaks against them: components that disagree with the '
            "score, numbers that differ, an unusual length, untranslated text.</p>"
            + _units_table(contents.doubtful, "no unit at or above the threshold looks doubtful", contents.unit_href))


def _lowest_section(contents: ReportContents) -> str:
    low = _low_reasons(contents.lowest, contents.threshold)
    return (f'<h2 id="lowest">{len(low)} lowest-probability units, below {contents.threshold:g}</h2>'
            + _units_table(low, "no unit is below the threshold", contents.unit_href))


def _unaligned_section(contents: ReportContents) -> str:
    """The document pairs with most unaligned sentences; the sentences are on their pages."""
    rows = [f"<tr>{_doc_cell(s.src_doc, s.href(contents.prefix))}{_doc_cell(s.tgt_doc, None)}"
            f'<td class="num">{s.unaligned_src}</td><td class="num">{s.unaligned_tgt}</td></tr>'
            for s in contents.most_unaligned.items()]
    headers = [("source document", ""), ("target document", ""), ("unaligned src", "num"),
               ("unaligned tgt", "num")]
    shown = f"the {len(rows)} with most" if len(rows) < contents.unaligned_pairs else "every document pair with"
    return (f'<h2 id="unaligned">Unaligned sentences</h2><p class="meta">{esc(shown)} unaligned sentences</p>'
            + _table(headers, rows, "every sentence is aligned", compact=True))


def _types_section(contents: ReportContents) -> str:
    return '<h2 id="types">Links by type</h2>' + _link_type_section(contents.link_types)


def _methods_section(contents: ReportContents) -> str:
    methods = sorted(contents.methods)[:METHODS_KEPT]
    if not methods:
        return ""
    return ('<h2 id="methods">Methods</h2>'
            + "<ul>" + "".join(f"<li><code>{esc(m)}</code></li>" for m in methods) + "</ul>")


# The sections of report.html in order, each a function of the gathered contents: a new section
# is one more function here (and, if it needs more than the contents keep, a counter in add()).
SECTIONS: List[Callable[[ReportContents], str]] = [
    _summary_section, _notes_section, _documents_section, _scores_section, _doubtful_section, _lowest_section,
    _unaligned_section, _types_section, _methods_section]


def _in_document_order(links: Sequence[BitextLink]) -> List[BitextLink]:
    """A list's links with each document pair's together, the pairs in order of first appearance
    and the links of a pair in their order (a stable sort)."""
    first: Dict[Tuple[str, str], int] = {}
    for link in links:
        first.setdefault(_document_key(link), len(first))
    return sorted(links, key=lambda link: first[_document_key(link)])


def gather(links: Iterable[BitextLink], threshold: float = DEFAULT_MIN_PROBABILITY,
           folder: Optional[Path] = None, home: str = "report.html") -> ReportContents:
    """One pass over ``links``, document pair by document pair (see :func:`render_report`)."""
    if isinstance(links, Sequence):
        links = _in_document_order(links)
    contents = ReportContents(threshold, folder, home)
    for _, group in itertools.groupby(links, key=_document_key):
        contents.add(list(group))
    return contents


def render_report(links: Iterable[BitextLink], notes: Sequence[str] = (), title: str = "aligner report",
                  threshold: float = DEFAULT_MIN_PROBABILITY, sections: Sequence[str] = ()) -> str:
    """report.html as a string, without the pages of the document pairs, from one pass over
    ``links``. ``notes`` are the run's own notes (files skipped, pairs dropped by filters...),
    listed before the automatic ones; ``threshold`` is the memory's (units below it are not in
    the TMX); ``sections`` as for :meth:`ReportContents.render`.

    The links must come document pair by document pair, each pair's links together, as bitext
    files and runs write them: only the pair at hand is held (see :class:`ReportContents`). An
    iterator whose pair comes back after another pair raises ValueError; a list, already in
    memory, may be in any order: it is regrouped first."""
    return gather(links, threshold).render(notes, title, sections)


def write_report(path: Path, links: Iterable[BitextLink], notes: Sequence[str] = (),
                 title: str = "aligner report", threshold: float = DEFAULT_MIN_PROBABILITY,
                 sections: Sequence[str] = ()) -> Path:
    """Write report.html and, in the folder of its name beside it (report/), a page per document
    pair and the index pages, from one pass over ``links`` (document pair by document pair, see
    :func:`render_report`); returns that folder. The pages are written into a staging folder
    that then replaces the old one in one rename, and report.html atomically: a run that stops
    leaves the earlier report whole. ``sections`` as for :meth:`ReportContents.render`."""
    path = Path(path)
    folder = path.parent / path.stem
    staging = path.parent / f".{path.stem}.part"
    try:
        _remove_folder(staging)  # left by a run that stopped
        staging.mkdir(parents=True)
        page = gather(links, threshold, staging, path.name).render(notes, title, sections)
        _replace_folder(folder, staging)
    except OSError as exc:
        _remove_folder(staging)
        raise cannot_write(folder, exc) from None
    with atomic_write(path) as handle:
        handle.write(page)
    return folder


def _replace_folder(folder: Path, new: Path) -> None:
    old = folder.with_name(f".{folder.name}.old")
    _remove_folder(old)
    if folder.exists():
        os.replace(folder, old)
    os.replace(new, folder)
    _remove_folder(old)


def _remove_folder(folder: Path) -> None:
    """Remove a folder of pages, entry by entry as the listing goes (shutil.rmtree lists a
    folder whole first: some 30 MB for 100,000 pages); anything else in it goes too."""
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
        os.rmdir(folder)
    except FileNotFoundError:
        pass
