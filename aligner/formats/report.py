"""report.html: one self-contained page to review an aligned, scored bitext.

The page is plain HTML with inline CSS and inline SVG: no script, no font, image or style sheet
from anywhere, so it opens offline, can be mailed, and renders the same in any browser. Every
text from the data is escaped, and every sentence cell carries its own ``dir``/``lang`` so that
Persian and Arabic read right to left beside English without the bidi algorithm guessing.

What it shows: link-type counts, a score histogram per language pair, a table per document
pair, the lowest-scoring pairs, the most suspicious pairs (cheap checks the scores may miss,
see ``suspicion``), and notes of what was left unaligned or dropped.
"""

from __future__ import annotations

import html
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from .. import __version__
from ..bitext import BitextLink
from ..document import ARABIC_SCRIPT_LANGUAGES, RTL_LANGUAGES
from ..text.langid import reads_as_arabic_script, script_counts
from ..score.components import length_z, unmatched_numbers
from .atomic import atomic_write

LOWEST_SHOWN = 50
SUSPICIOUS_SHOWN = 20
HISTOGRAM_BINS = 20
# Beyond this many standard deviations of the language pair's fitted length model (the z of the
# `length` score component) a pair counts as unusually long: about 1% of FLORES-200 dev pairs.
LENGTH_Z_LIMIT = 3.0
# Fewer letters than this say too little about a side's script.
MIN_SCRIPT_LETTERS = 8


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def text_dir(lang: str) -> str:
    return "rtl" if lang in RTL_LANGUAGES else "ltr"


def _fmt(value: Optional[float], digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


# --------------------------------------------------------------------------------------------
# Suspicion: cheap signals of a wrong pair that a similarity score can miss
# --------------------------------------------------------------------------------------------

@dataclass
class Suspicion:
    value: float  # 0 = nothing odd; each signal adds about 1 when clearly present
    reasons: List[str]


def _script_mismatch(text: str, lang: str) -> bool:
    """True when a side is written in the other script than its language (e.g. untranslated
    English), deciding Arabic against Latin script as language identification does."""
    letters, arabic_script, latin = script_counts(text)
    if letters < MIN_SCRIPT_LETTERS or not (arabic_script or latin):  # e.g. Hebrew: neither script
        return False
    return reads_as_arabic_script(arabic_script, latin) != (lang in ARABIC_SCRIPT_LANGUAGES)


def suspicion(link: BitextLink) -> Suspicion:
    """Score how suspicious an aligned pair looks, with the reasons, independent of its quality score.

    Numbers and length are judged as the ``numbers`` and ``length`` score components judge them
    (aligner.score), recomputed here so that the report also works on an unscored bitext and can
    say which numbers differ and which side is long."""
    value, reasons = 0.0, []
    only_src, only_tgt = unmatched_numbers(link.src, link.tgt)
    missing = only_src + only_tgt
    if missing:
        value += min(1.5, 0.5 * sum(missing.values()))
        reasons.append("numbers differ: " + ", ".join(sorted(missing)[:4]))
    z = length_z(link)  # positive: the target is longer than the language pair makes it
    if abs(z) > LENGTH_Z_LIMIT:
        value += min(2.0, (abs(z) - LENGTH_Z_LIMIT) / 3 + 0.5)
        reasons.append(f"{'target' if z > 0 else 'source'} unusually long (length z = {z:+.1f})")
    if link.src.strip() and link.src.strip() == link.tgt.strip():
        value += 2.0
        reasons.append("source and target identical")
    else:
        for side, text, lang in (("source", link.src, link.src_lang), ("target", link.tgt, link.tgt_lang)):
            if _script_mismatch(text, lang):
                value += 1.5
                reasons.append(f"{side} not in {lang} script")
    if len(link.scores) >= 2:
        spread = max(link.scores.values()) - min(link.scores.values())
        if spread > 0.5:
            value += spread
            low = min(link.scores, key=link.scores.get)
            reasons.append(f"scores disagree ({low} = {link.scores[low]:.2f})")
    return Suspicion(value, reasons)


# --------------------------------------------------------------------------------------------
# Page parts
# --------------------------------------------------------------------------------------------

CSS = """
:root { --ink: #1d2430; --muted: #5b6577; --line: #d9dee7; --bar: #3a6ea5; --warn: #a4461b; }
* { box-sizing: border-box; }
body { font: 15px/1.5 "Noto Sans", "DejaVu Sans", "Segoe UI", Tahoma, sans-serif; color: var(--ink);
       margin: 0 auto; padding: 24px; max-width: 1200px; background: #fbfcfd; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 32px 0 8px; }
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
.notes { background: #fff8e6; border: 1px solid #e8d28c; border-radius: 6px; padding: 8px 16px; }
.notes li { margin: 2px 0; }
.empty { color: var(--muted); font-style: italic; }
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


def _type_total(counts: Counter, link_type: str) -> int:
    return sum(n for (t, _), n in counts.items() if t == link_type)


def _link_type_section(links: Sequence[BitextLink]) -> str:
    pairs = sorted({_pair_name(link) for link in links})
    counts = Counter((link.link_type, _pair_name(link)) for link in links)
    types = sorted({link.link_type for link in links},
                   key=lambda t: (-_type_total(counts, t), t))
    headers = [("link", "")] + [(pair, "num") for pair in pairs] + [("all", "num"), ("share", "num")]
    rows = []
    for link_type in types:
        total = _type_total(counts, link_type)
        cells = "".join(f'<td class="num">{counts[(link_type, pair)]}</td>' for pair in pairs)
        rows.append(f"<tr><td>{esc(link_type)}</td>{cells}<td class=\"num\">{total}</td>"
                    f"<td class=\"num\">{total / len(links):.1%}</td></tr>")
    return _table(headers, rows, "no links", compact=True)


def histogram_svg(values: Sequence[float], bins: int = HISTOGRAM_BINS, width: int = 360, height: int = 150) -> str:
    """An inline SVG histogram of values in [0, 1]; each bar's count is in its tooltip."""
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
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w - 1:.1f}" height="{bar_h:.1f}">'
                     f"<title>{esc(label)}</title></rect>")
    axis_y = height - bottom
    parts.append(f'<line x1="{left}" y1="{axis_y}" x2="{width - 6}" y2="{axis_y}" stroke="#8893a5"/>')
    for tick in (0.0, 0.5, 1.0):
        x = left + tick * bins * bar_w
        parts.append(f'<text x="{x:.1f}" y="{height - 5}" text-anchor="middle">{tick:g}</text>')
    parts.append(f'<text x="{left - 4}" y="{height - bottom - plot_h + 9}" text-anchor="end">{top}</text>')
    parts.append(f'<text x="{left - 4}" y="{axis_y}" text-anchor="end">0</text>')
    parts.append("</svg>")
    return "".join(parts)


def _histogram_section(links: Sequence[BitextLink]) -> str:
    by_pair: Dict[str, List[float]] = defaultdict(list)
    for link in links:
        if link.score is not None and not link.is_unaligned:
            by_pair[_pair_name(link)].append(link.score)
    if not by_pair:
        return '<p class="empty">no link has a score yet (run the scoring stage)</p>'
    figures = []
    for pair, values in sorted(by_pair.items()):
        caption = f"{pair}: {len(values)} scored pairs, median {statistics.median(values):.3f}"
        figures.append(f"<figure><figcaption>{esc(caption)}</figcaption>{histogram_svg(values)}</figure>")
    return f'<div class="hists">{"".join(figures)}</div>'


def _document_section(links: Sequence[BitextLink]) -> str:
    documents: Dict[Tuple[str, str], List[BitextLink]] = defaultdict(list)
    for link in links:
        documents[(link.src_doc, link.tgt_doc)].append(link)
    headers = [("source document", ""), ("target document", ""), ("pair", ""), ("links", "num"),
               ("1-1", "num"), ("unaligned src", "num"), ("unaligned tgt", "num"), ("mean score", "num"),
               ("min score", "num")]
    rows = []
    for (src_doc, tgt_doc), group in documents.items():
        scores = [link.score for link in group if link.score is not None and not link.is_unaligned]
        unaligned_src = sum(len(link.src_ids) for link in group if not link.tgt_ids)
        unaligned_tgt = sum(len(link.tgt_ids) for link in group if not link.src_ids)
        cells = [f'<td class="doc"><bdi>{esc(src_doc)}</bdi></td>', f'<td class="doc"><bdi>{esc(tgt_doc)}</bdi></td>',
                 f'<td class="tag">{esc(_pair_name(group[0]))}</td>', f'<td class="num">{len(group)}</td>',
                 f'<td class="num">{sum(link.link_type == "1-1" for link in group)}</td>',
                 f'<td class="num">{unaligned_src}</td>', f'<td class="num">{unaligned_tgt}</td>',
                 f'<td class="num">{_fmt(statistics.fmean(scores) if scores else None)}</td>',
                 f'<td class="num">{_fmt(min(scores) if scores else None)}</td>']
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return _table(headers, rows, "no documents")


def _text_cell(text: str, lang: str) -> str:
    return f'<td class="text" dir="{text_dir(lang)}" lang="{esc(lang)}">{esc(text)}</td>'


def _pairs_table(rows: Sequence[Tuple[BitextLink, List[str]]], empty: str) -> str:
    headers = [("score", "num"), ("document, link", ""), ("source", ""), ("target", "")]
    with_reasons = any(reasons for _, reasons in rows)
    if with_reasons:
        headers.append(("why", ""))
    html_rows = []
    for link, reasons in rows:
        ids = f"{link.link_type} @ {','.join(map(str, link.src_ids))}:{','.join(map(str, link.tgt_ids))}"
        cells = [f'<td class="num">{_fmt(link.score)}</td>',
                 f'<td class="doc"><bdi>{esc(link.src_doc)}</bdi><small>{esc(ids)}</small></td>',
                 _text_cell(link.src, link.src_lang), _text_cell(link.tgt, link.tgt_lang)]
        if with_reasons:
            cells.append(f'<td class="why">{"<br>".join(esc(r) for r in reasons)}</td>')
        html_rows.append(f"<tr>{''.join(cells)}</tr>")
    return _table(headers, html_rows, empty)


def lowest_scoring(links: Sequence[BitextLink], count: int = LOWEST_SHOWN) -> List[BitextLink]:
    """Aligned pairs (not 1-0/0-1) with the lowest scores, lowest first."""
    scored = [link for link in links if link.score is not None and not link.is_unaligned]
    return sorted(scored, key=lambda link: link.score)[:count]


def most_suspicious(links: Sequence[BitextLink], count: int = SUSPICIOUS_SHOWN,
                    judge: Callable[[BitextLink], Suspicion] = suspicion,
                    ) -> List[Tuple[BitextLink, Suspicion]]:
    """The most suspicious aligned pairs, whatever their score; higher scores first on ties,
    because a suspicious pair that scored well is the one the thresholds will let through."""
    judged = [(link, judge(link)) for link in links if not link.is_unaligned]
    judged = [(link, s) for link, s in judged if s.value > 0]
    judged.sort(key=lambda item: (-item[1].value, -(item[0].score if item[0].score is not None else 0.0)))
    return judged[:count]


def automatic_notes(links: Sequence[BitextLink]) -> List[str]:
    """What the bitext itself says was left out: unaligned sentences per document, unscored links."""
    notes = []
    per_document: Dict[Tuple[str, str], List[int]] = defaultdict(lambda: [0, 0])
    for link in links:
        if link.is_unaligned:
            side = 0 if link.src_ids else 1
            per_document[(link.src_doc, link.tgt_doc)][side] += len(link.src_ids or link.tgt_ids)
    if per_document:
        total_src = sum(v[0] for v in per_document.values())
        total_tgt = sum(v[1] for v in per_document.values())
        notes.append(f"{total_src} source and {total_tgt} target sentences are unaligned (1-0 / 0-1 links) "
                     f"in {len(per_document)} document pair(s); they stay in the bitext, not in the memory.")
        for (src_doc, tgt_doc), (src_n, tgt_n) in sorted(per_document.items(), key=lambda kv: -sum(kv[1]))[:20]:
            notes.append(f"{src_doc} ↔ {tgt_doc}: {src_n} source, {tgt_n} target sentence(s) unaligned")
        if len(per_document) > 20:
            notes.append(f"… and {len(per_document) - 20} more document pair(s) with unaligned sentences")
    unscored = sum(link.score is None and not link.is_unaligned for link in links)
    if unscored:
        notes.append(f"{unscored} aligned pair(s) have no score")
    return notes


def render_report(links: Iterable[BitextLink], notes: Sequence[str] = (), title: str = "aligner report",
                  lowest: int = LOWEST_SHOWN, suspicious: int = SUSPICIOUS_SHOWN) -> str:
    """The whole report page as a string. ``notes`` are the run's own notes (files skipped,
    pairs dropped by filters...), listed before the automatic ones."""
    links = list(links)
    low = lowest_scoring(links, lowest)
    odd = most_suspicious(links, suspicious)
    documents = {(link.src_doc, link.tgt_doc) for link in links}
    aligned = [link for link in links if not link.is_unaligned]
    methods = sorted({f"{key}: {value}" for link in links for key, value in link.provenance.items()})
    summary = [("links", len(links)), ("aligned pairs", len(aligned)), ("document pairs", len(documents)),
               ("language pairs", len({_pair_name(link) for link in links}))]
    all_notes = list(notes) + automatic_notes(links)
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
        '<h2 id="types">Links by type</h2>', _link_type_section(links),
        '<h2 id="scores">Score histogram per language pair</h2>', _histogram_section(links),
        '<h2 id="documents">Documents</h2>', _document_section(links),
        f'<h2 id="lowest">{len(low)} lowest-scoring pairs</h2>',
        _pairs_table([(link, []) for link in low], "no scored pairs"),
        f'<h2 id="suspicious">{len(odd)} most suspicious pairs</h2>',
        '<p class="meta">Numbers that differ, unusual length ratios, untranslated text or disagreeing '
        "component scores, whatever the pair's score.</p>",
        _pairs_table([(link, s.reasons) for link, s in odd], "no pair looks suspicious"),
    ]
    if methods:
        parts += ['<h2 id="methods">Methods</h2>',
                  "<ul>" + "".join(f"<li><code>{esc(m)}</code></li>" for m in methods[:30]) + "</ul>"]
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_report(path: Path, links: Iterable[BitextLink], notes: Sequence[str] = (),
                 title: str = "aligner report") -> None:
    """Render and write report.html atomically."""
    page = render_report(links, notes, title)
    with atomic_write(path) as handle:
        handle.write(page)
