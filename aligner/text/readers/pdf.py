"""PDFs with a text layer, read from each glyph's position (pdfminer.six).

Measured on PDFs that LibreOffice writes from Persian and Arabic text (benchmarks/formats.py,
docs/formats.md): pdfminer.six and pdfplumber return right-to-left lines in visual order
(reversed), pypdf reorders them but reverses numbers, moves vowel marks and splits words at
every ZWNJ. So lines are rebuilt here from the glyphs, their positions and what the writer
said about them: an /ActualText span's text stands for its glyphs (a ligature with its vowel
marks), a glyph the font's ToUnicode map leaves out is no character (a kashida), a
right-to-left line's directional runs are read in the order the writer drew them (logical
order) and each in its direction, vowel marks go to the letter that holds them, a ZWNJ
follows the letter it is drawn at, presentation forms are folded only where the fonts map
glyphs to their shapes (NFKC of U+FB50-U+FDFF and U+FE70-U+FEFF), a word split at a line's end
and a paragraph cut by a column or page break are joined, running headers, footers and page
numbers are dropped, and a page set in two columns is read column by column (the right one
first when the page is right to left).
"""

from __future__ import annotations

import bisect
import io
import logging
import re
import statistics
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from ...errors import InputError
from .base import MAX_PDF_PAGES, MAX_PDF_SECONDS, Block, Extracted, Reader, unreadable

_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_SENTENCE_END = re.compile(r"[.!?\u061f\u06d4][\"'\u00bb\u201d)\]]*$")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_ARABIC_LETTER = re.compile(r"[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")
_LTR = re.compile(r"[A-Za-z0-9\u00c0-\u024f\u0660-\u0669\u06f0-\u06f9]")
_PRESENTATION = re.compile(r"[\ufb50-\ufdff\ufe70-\ufeff]")
_PAGE_NUMBER = re.compile(r"^\W*(?:page|صفحه|صفحة)?\s*[\d\u0660-\u0669\u06f0-\u06f9]+"
                          r"(?:\s*(?:/|of|از|من)\s*[\d\u0660-\u0669\u06f0-\u06f9]+)?\W*$", re.I)
_DIGITS = re.compile(r"[\d\u0660-\u0669\u06f0-\u06f9]+")
_LETTER_CLASS = "[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff]"
_DRAWN_AS_SPACE = "\x00"  # a space glyph that advances nothing, until its neighbours tell what it is
_MARGIN = 0.1  # share of the page height at the top and bottom where running heads and page numbers stand
# pdfminer.six logs what it tolerates in a PDF (a font without a FontBBox, ...) as warnings;
# with no handler of its own Python would print each on stderr, beside aligner's one line.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())


@dataclass
class _Glyph:
    """What one drawn glyph (or one cluster the writer gave its text for) stands for, where it
    stands: ``text`` is empty for a glyph whose font maps it to no character (a kashida the
    writer stretched a line with), and ``text`` starts "(cid:" where no map says anything."""

    text: str
    x0: float
    x1: float
    y0: float
    y1: float
    size: float
    order: int  # in the page's content stream


@dataclass
class _Line:
    """A line (or one column's part of it) in logical order, with its position: ``top`` and
    ``bottom`` as shares of the page's height from its top."""

    text: str
    rtl: bool
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # the largest glyph's font size
    order: int  # its first glyph's place in the content stream
    natural: float  # its width unstretched: its glyphs' own widths, kashidas left out
    first_word: float  # the width of its first word in reading order
    space: float  # the width of its space glyphs (the widest)
    # Its text read right to left, where it holds Latin letters and no Arabic ones on a
    # right-to-left page: the bidi algorithm lays out such a line of a right-to-left paragraph
    # (a URL broken over lines) right to left, and its paragraph decides (``_Box.texts``).
    as_rtl: Optional[str] = None


@dataclass
class _Box:
    """A paragraph: consecutive lines of one column."""

    lines: List[_Line]
    column: Tuple[float, float] = (0.0, 0.0)  # the left and right edges of its column (_reading_order)

    @property
    def x0(self) -> float:
        return min(line.x0 for line in self.lines)

    @property
    def x1(self) -> float:
        return max(line.x1 for line in self.lines)

    @property
    def top(self) -> float:
        return self.lines[0].top

    @property
    def bottom(self) -> float:
        return self.lines[-1].bottom

    @property
    def rtl(self) -> bool:
        return 2 * sum(line.rtl for line in self.lines) > len(self.lines)

    def texts(self) -> List[str]:
        """Its lines' texts, a line of Latin letters read right to left where the paragraph is."""
        rtl = self.rtl
        return [line.as_rtl if rtl and line.as_rtl is not None else line.text for line in self.lines]


@dataclass
class _Page:
    width: float
    height: float
    lines: List[_Line] = field(default_factory=list)


class PdfReader(Reader):
    name = "pdf"
    description = "PDF with a text layer (pdfminer.six glyphs; right-to-left lines rebuilt)"
    globs = ("*.pdf",)

    def read(self, data: bytes, name: str) -> Extracted:
        notes: List[str] = []
        pages, glyphs, unmapped = _pages(data, name, notes)
        if glyphs == 0:
            raise InputError(f"{name}: PDF without a text layer (a scanned document?); run OCR on it "
                             "first (e.g. ocrmypdf) or use the original file")
        if unmapped > 0.3 * glyphs:
            raise InputError(f"{name}: PDF whose fonts map {unmapped} of {glyphs} glyphs to no character; "
                             "its text cannot be read")
        running = _running_lines(pages)
        boxes = [_page_boxes(page, running) for page in pages]
        paragraphs = _join_across_breaks(boxes)
        texts = [_join_lines(box.texts(), _typed_breaks(box)) for box in paragraphs]
        if not texts:
            raise InputError(f"{name}: PDF without readable text")
        if _visual_order(texts):
            raise InputError(f"{name}: PDF whose Arabic-script text is stored in visual order that cannot "
                             "be repaired (letter shapes face the wrong way); export it again from the original")
        rtl, total = sum(box.rtl for box in paragraphs), len(paragraphs)
        fold = _fold if _shapes_mapped(texts) else str
        blocks = [Block(fold(text)) for text in texts]
        return Extracted("pdf", blocks, dir_hint=("rtl" if 2 * rtl > total else "ltr") if total else None,
                         notes=notes)


def _pages(data: bytes, name: str, notes: List[str]) -> Tuple[List[_Page], int, int]:
    """Every page's boxes (at most MAX_PDF_PAGES pages, MAX_PDF_SECONDS), with counts of glyphs
    and of glyphs without a character."""
    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except PDFPasswordIncorrect:
        raise InputError(f"{name}: an encrypted PDF (password needed); save it unprotected") from None
    total = _page_count(document)
    manager = PDFResourceManager(caching=True)
    device = _glyph_device(manager)
    interpreter = PDFPageInterpreter(manager, device)
    pages, counts, started = [], [0, 0], time.monotonic()
    for number, page in enumerate(PDFPage.create_pages(document)):
        if number >= MAX_PDF_PAGES or time.monotonic() - started > MAX_PDF_SECONDS:
            notes.append(f"read the first {number} of {total or 'its'} pages (aligner reads at most "
                         f"{MAX_PDF_PAGES} pages or {MAX_PDF_SECONDS:.0f} s of a PDF); split the file to read the rest")
            break
        device.glyphs = []
        interpreter.process_page(page)
        layout = device.get_result()
        glyphs = [g for g in device.glyphs if g.text.strip() or g.text in ("", " ")]
        pages.append(_layout_page(glyphs, _Page(layout.width or 1.0, layout.height or 1.0), counts))
    return pages, counts[0], counts[1]


def _page_count(document) -> Optional[int]:
    from pdfminer.pdftypes import resolve1

    try:
        return int(resolve1(resolve1(document.catalog["Pages"])["Count"]))
    except Exception:  # noqa: BLE001 - a count is only for the note; a malformed tree is found when read
        return None


def _layout_page(glyphs: List[_Glyph], page: _Page, counts: List[int]) -> _Page:
    """The page's lines: glyphs grouped into lines by baseline, and lines cut where a gap wider
    than a column gutter opens. pdfminer.six's own grouping is not used: it only joins glyphs
    that follow each other in the content stream, and writers store a right-to-left line's runs
    in logical order, so it cuts such a line at every number or Latin word."""
    counts[0] += len(glyphs)
    counts[1] += sum(c.text.startswith("(cid:") for c in glyphs)
    marks = _attach_marks(glyphs)
    page_rtl = _letters(glyphs, _ARABIC_LETTER) > _letters(glyphs, _LATIN)
    # A writer that draws its spaces (LibreOffice, Word) draws every one: no gap is a space then
    # (a digit of another font is set a little apart from the Latin letters it follows: ACE۲).
    spaces_drawn = 20 * sum(c.text == " " for c in glyphs) >= len(glyphs)
    bases = [c for c in glyphs if not _is_mark(c.text)]
    for segment in _segments(_lines(bases), {c.order: rank for rank, c in enumerate(bases)}):
        text, rtl = _line_text(segment, marks, page_rtl, spaces_drawn)
        as_rtl = None
        if page_rtl and not rtl:
            as_rtl = _line_text(segment, marks, page_rtl, spaces_drawn, rtl=True)[0].strip()
        if text.strip():
            page.lines.append(_Line(text.strip(), rtl, min(c.x0 for c in segment), max(c.x1 for c in segment),
                                    1 - max(c.y1 for c in segment) / page.height,
                                    1 - min(c.y0 for c in segment) / page.height, max(c.size for c in segment),
                                    min(c.order for c in segment), *_natural_widths(segment, rtl, spaces_drawn),
                                    as_rtl))
    return page


def _natural_widths(segment, rtl: bool, spaces_drawn: bool) -> Tuple[float, float, float]:
    """A line's width unstretched (justification widens its gaps and adds kashidas, glyphs with
    no character), its first word's in reading order, and its spaces'. Where the writer draws
    no spaces, none is known (no word is taken to fit anywhere)."""
    if not spaces_drawn:
        return max(c.x1 for c in segment) - min(c.x0 for c in segment), float("inf"), 0.0
    natural = sum(c.x1 - c.x0 for c in segment if c.text)
    space = max((c.x1 - c.x0 for c in segment if c.text == " "), default=0.0)
    words: List[Tuple[float, bool]] = [(0.0, False)]  # (width, left to right), from the line's start edge
    for glyph in (segment[::-1] if rtl else segment):
        if glyph.text == " ":
            words.append((0.0, False))
        elif glyph.text.strip():
            width, ltr = words[-1]
            words[-1] = (width + glyph.x1 - glyph.x0, ltr or bool(_LTR.match(glyph.text)))
    words = [word for word in words if word[0]]
    # A right-to-left line that begins with a left-to-right run (a Latin name, a number) shows
    # that run at its right end, left to right or, numbers after Arabic text, right to left:
    # its first word is one of the run's, taken as the widest (no word is taken to fit that
    # might not).
    run = 1
    while rtl and run < len(words) and words[0][1] and words[run][1]:
        run += 1
    return natural, max((width for width, _ in words[:run]), default=0.0), space


def _page_boxes(page: _Page, running: set) -> List[_Box]:
    """The page's paragraphs in reading order, without its running heads and page numbers."""
    boxes: List[_Box] = []
    for line in page.lines:
        if _at_edge(page, line) and (_running_key(line) in running or _PAGE_NUMBER.match(line.text)):
            continue
        # The paragraph this line may continue: the latest one above it in the same column.
        box = next((b for b in reversed(boxes) if min(line.x1, b.x1) - max(line.x0, b.x0) > 0), None)
        if box is not None and _continues(box.lines[-1], line, box.x1 - box.x0, page.height):
            box.lines.append(line)
        else:
            boxes.append(_Box([line]))
    return _reading_order(boxes, page.width)


def _glyph_device(manager):
    """A pdfminer.six device that keeps each page's glyphs as ``_Glyph``s (in ``glyphs``, in
    content stream order). Two things the writer says about a glyph's text are kept that
    pdfminer.six drops: an /ActualText span's text stands for all the glyphs drawn inside it
    (LibreOffice writes one for each cluster it draws as one glyph, such as a lam-alef with
    its vowel marks, which no ToUnicode entry can map back); and a glyph that the font's
    ToUnicode map leaves out is no character (a justification kashida), where pdfminer.six
    would read its code through the font's encoding as a Latin letter or digit."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.utils import decode_text

    class GlyphDevice(PDFPageAggregator):
        def __init__(self):
            super().__init__(manager, laparams=None)
            self.glyphs: List[_Glyph] = []
            self.depth = 0  # open marked-content sequences
            self.cluster: Optional[Tuple[str, int, list]] = None  # ActualText, its depth, its glyphs

        def begin_tag(self, tag, props=None) -> None:
            actual = props.get("ActualText") if isinstance(props, dict) else None
            if isinstance(actual, (bytes, str)) and self.cluster is None:
                text = decode_text(actual) if isinstance(actual, bytes) else actual
                self.cluster = (text, self.depth, [])
            self.depth += 1

        def end_tag(self) -> None:
            self.depth = max(self.depth - 1, 0)
            if self.cluster is not None and self.depth == self.cluster[1]:
                text, _, glyphs = self.cluster
                self.cluster = None
                if glyphs:
                    self.glyphs.append(_cluster(text, glyphs, len(self.glyphs)))

        def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate):
            advance = super().render_char(matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate)
            char = self.cur_item._objs[-1]
            mapped = font.unicode_map is None or cid in getattr(font.unicode_map, "cid2unichr", {cid: None})
            glyph = _Glyph(char.get_text() if mapped else "", char.x0, char.x1, char.y0, char.y1, char.size,
                           len(self.glyphs))
            (self.cluster[2] if self.cluster is not None else self.glyphs).append(glyph)
            return advance

    return GlyphDevice()


def _cluster(text: str, glyphs: List[_Glyph], order: int) -> _Glyph:
    """One glyph for an /ActualText span: across all of its glyphs, on its widest glyph's line
    (its marks stand above or below)."""
    widest = max(glyphs, key=lambda g: g.x1 - g.x0)
    return _Glyph(text, min(g.x0 for g in glyphs), max(g.x1 for g in glyphs), widest.y0, widest.y1,
                  max(g.size for g in glyphs), order)


def _lines(glyphs) -> List[list]:
    """Glyphs grouped by baseline, top to bottom, each line left to right."""
    lines: List[list] = []
    for glyph in sorted(glyphs, key=lambda c: -(c.y0 + c.y1) / 2):
        middle = (glyph.y0 + glyph.y1) / 2
        if lines and abs(lines[-1][0] - middle) <= 0.35 * max(glyph.size, 1.0):
            lines[-1][1].append(glyph)
        else:
            lines.append((middle, [glyph]))
    return [sorted(line, key=lambda c: c.x0) for _, line in lines]


def _is_mark(text: str) -> bool:
    return bool(text) and all(unicodedata.category(ch) == "Mn" for ch in text)


def _attach_marks(glyphs) -> dict:
    """For each base glyph (by id), the vowel marks drawn on it. Writers put a mark near its
    letter in the content stream (LibreOffice just before it, others just after; kashidas may
    stand between them), at a zero width position over the letter or just left of it: the
    mark goes to the nearby letter (in the stream, on its line) whose breadth holds it, the
    following one first; else to the nearest of them."""
    attached: dict = {}
    for k, glyph in enumerate(glyphs):
        if not _is_mark(glyph.text):
            continue
        x = (glyph.x0 + glyph.x1) / 2
        near = [g for g in glyphs[k + 1:k + 7] + glyphs[max(k - 6, 0):k][::-1]
                if g.text.strip() and not _is_mark(g.text) and abs(g.y0 - glyph.y0) < 2 * glyph.size]
        holding = [g for g in near if g.x0 - 0.25 * glyph.size <= x <= g.x1]
        base = holding[0] if holding else min(near, key=lambda g: min(abs(g.x0 - x), abs(g.x1 - x)), default=None)
        if base is not None:
            attached.setdefault(id(base), []).append(glyph.text)
    return attached


def _segments(lines: List[list], rank: dict) -> List[list]:
    """Each line cut where it crosses a gutter between columns: at the gap that overlaps one of
    the page's gutters most (``_gutters``), and at any gap wider than a gutter can be, unless
    it is a justified line's wide word gap: a space glyph at its edge, drawn just before or
    after the glyph across it (``rank``: each glyph's place among the page's glyphs, marks
    aside, in the content stream). Lines of two columns balanced at a section's end stand on
    one baseline and follow each other in the stream, but no space is drawn between them."""
    gutters = _gutters(lines)
    out = []
    for line in lines:
        gaps = {}  # glyph index -> (start, end) of the gap before it
        reached = line[0].x1
        for k in range(1, len(line)):
            # A gap before a space glyph counts too: a right-to-left line's last space is drawn
            # at its left end, where its column starts.
            if line[k].x0 > reached:
                gaps[k] = (reached, line[k].x0)
            reached = max(reached, line[k].x1)
        cuts = set()
        for k, (start, end) in gaps.items():
            before, after = line[k - 1], line[k]
            word_gap = " " in (before.text, after.text) and abs(rank[after.order] - rank[before.order]) == 1
            if end - start > 1.5 * max(after.size, 1.0) and not word_gap:
                cuts.add(k)
        for a, b in gutters:
            overlap = {k: min(b, end) - max(a, start) for k, (start, end) in gaps.items()}
            best = max(overlap, key=overlap.get, default=None)
            if best is not None and overlap[best] >= 0.25 * max(line[best].size, 1.0):
                cuts.add(best)
        bounds = [0, *sorted(cuts), len(line)]
        out.extend(line[i:j] for i, j in zip(bounds, bounds[1:]))
    return out


def _gutters(lines: List[list]) -> List[Tuple[float, float]]:
    """The page's column gutters: x ranges where at least half of the lines that reach across
    them (three or more) leave a gap of half an em or more, and where those gaps share an edge
    (the column beside the gutter starts or ends its lines at one place; the gaps of justified
    lines that happen to line up, a river, do not). A browser sets its columns an em apart, so
    a full line of the left column may end closer to the right one than a justified line's
    word gap is wide; a band that many lines leave empty, most of an em wide or more, is a gutter."""
    gaps, spans = [], []
    for line in lines:
        inked = [c for c in line if c.text.strip()]
        if len(inked) < 2:
            continue
        spans.append((inked[0].x0, max(c.x1 for c in inked)))
        right = inked[0].x1
        for glyph in inked[1:]:
            if glyph.x0 - right >= 0.5 * max(glyph.size, 1.0):
                gaps.append((right, glyph.x0, max(glyph.size, 1.0)))
            right = max(right, glyph.x1)
    gap_starts, gap_ends = sorted(g[0] for g in gaps), sorted(g[1] for g in gaps)
    span_starts, span_ends = sorted(s[0] for s in spans), sorted(s[1] for s in spans)
    edges = sorted(set(gap_starts + gap_ends))
    bands: List[Tuple[float, float]] = []
    for a, b in zip(edges, edges[1:]):
        middle = (a + b) / 2  # counted by bisection: a page's gaps may be thousands
        holding = bisect.bisect_right(gap_starts, middle) - bisect.bisect_left(gap_ends, middle)
        crossing = bisect.bisect_left(span_starts, middle) - bisect.bisect_right(span_ends, middle)
        if holding >= 3 and 2 * holding >= crossing:
            if bands and bands[-1][1] >= a:  # the band goes on
                bands[-1] = (bands[-1][0], b)
            else:
                bands.append((a, b))
    gutters = []
    for a, b in bands:
        held = [g for g in gaps if g[0] <= (a + b) / 2 <= g[1]]
        # A gutter is an em wide or more (CSS's default column gap); justified word gaps that
        # line up on a short page (a river) leave a narrower band.
        if b - a >= 0.8 * statistics.median(g[2] for g in held) and _column_edge(held):
            gutters.append((a, b))
    return gutters


def _column_edge(gaps: List[Tuple[float, float, float]]) -> bool:
    """Whether 4 in 5 of ``gaps`` start (a column's lines end there) or end (they start there)
    within half an em of one place."""
    for side in (0, 1):
        places = sorted(g[side] for g in gaps)
        middle = places[len(places) // 2]
        if sum(abs(g[side] - middle) <= 0.5 * g[2] for g in gaps) >= 0.8 * len(gaps):
            return True
    return False


def _continues(last: _Line, line: _Line, width: float, height: float) -> bool:
    """Whether ``line`` continues the paragraph whose last line is ``last``: of the same size,
    closer below it than a paragraph's spacing, and not after a line that ended well short of
    the column's width with room for the next line's first word (a paragraph's last line, or a
    line break: a caption, a heading)."""
    gap = (line.top - last.bottom) * height
    if abs(line.size - last.size) >= 0.5 or not -0.5 * line.size <= gap <= 0.45 * line.size:
        return False
    width = max(width, line.x1 - line.x0)
    # A line that ends short is a paragraph's last, unless the next line's first word would not
    # have fit after it (a long URL goes on to a line of its own).
    wrapped = line.first_word < float("inf") and width - last.natural < line.first_word + last.space
    return (last.x1 - last.x0) >= 0.75 * width or wrapped


def _fold(text: str) -> str:
    return _PRESENTATION.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def _shapes_mapped(texts: List[str]) -> bool:
    """Whether the writer's fonts map glyphs to their shapes (most Arabic-script letters read
    are presentation forms), which are then folded; where only a few are, the font maps each
    glyph to the character typed (LibreOffice does), so the author typed them, and they stay."""
    letters = sum(len(_ARABIC_LETTER.findall(text)) for text in texts)
    return 2 * sum(len(_PRESENTATION.findall(text)) for text in texts) > letters


def _letters(glyphs, script) -> int:
    return sum(bool(script.match(c.text)) for c in glyphs)


def _line_text(glyphs, marks: dict, page_rtl: bool, spaces_drawn: bool,
               rtl: Optional[bool] = None) -> Tuple[str, bool]:
    """A line's text in logical order, and whether it is right to left (unless ``rtl`` says):
    a line of one script reads in its direction, a line that mixes them in the page's (a narrow
    column's line may hold more Latin letters than Arabic ones and still be part of a
    right-to-left paragraph). Writers that apply the bidi algorithm themselves (LibreOffice)
    draw a right-to-left line's directional runs one by one in logical order, each run left to
    right: where the content stream shows such pieces, their stream order is the logical order
    and only each piece is read in its direction; a line drawn in one piece is reordered by
    ``_ltr_runs``."""
    # Glyphs with no character (kashidas) say nothing of the order; drawn over the letters they
    # stretch, they would only blur it.
    glyphs = _zwnj_before_letters([glyph for glyph in glyphs if glyph.text])
    kashidas = _kashidas(glyphs)
    texts = ["" if k in kashidas else c.text + "".join(marks.get(id(c), ())) for k, c in enumerate(glyphs)]
    arabic, latin = _letters(glyphs, _ARABIC_LETTER), _letters(glyphs, _LATIN)
    # A line of digits and punctuation only (19). at a paragraph's end) reads in the page's direction.
    if rtl is None:
        rtl = (arabic > 0 if not latin else (page_rtl if arabic else False)) if arabic or latin else page_rtl
    pieces = _drawn_pieces(glyphs)
    if all(glyphs[a[0]].x0 < glyphs[b[0]].x0 for a, b in zip(pieces, pieces[1:])):
        pieces = [list(range(len(glyphs)))]  # one piece, or pieces drawn left to right: visual order
    items: List[str] = []
    for piece in pieces:
        spaced = _spaced(glyphs, texts, piece, spaces_drawn)
        # Of pieces drawn leftward (a right-to-left paragraph's runs), those holding Arabic letters
        # and those of punctuation only read from the right; Latin words and numbers from the left.
        if rtl if len(pieces) == 1 else (any(_ARABIC_LETTER.match(t) for t in spaced)
                                         or not any(_LTR.match(t) for t in spaced)):
            spaced = [text for run in reversed(_ltr_runs(spaced)) for text in run]
        items.extend(spaced)
    text = "".join(items)
    # A space that advances nothing is the ZWNJ the writer drew as a space where it stands next
    # to a letter, a plain space elsewhere; a ZWNJ the font maps as one stays what it is.
    text = re.sub(f"(?<={_LETTER_CLASS}){_DRAWN_AS_SPACE}|{_DRAWN_AS_SPACE}(?={_LETTER_CLASS})", "\u200c", text)
    text = text.replace(_DRAWN_AS_SPACE, " ")
    return text, rtl


def _drawn_pieces(glyphs) -> List[List[int]]:
    """The line's glyphs (indices, left to right) cut into the pieces drawn each in one go (that
    follow each other in the content stream), in content stream order."""
    rank = {k: r for r, k in enumerate(sorted(range(len(glyphs)), key=lambda k: glyphs[k].order))}
    pieces: List[List[int]] = []
    for k in range(len(glyphs)):
        if pieces and rank[k] == rank[pieces[-1][-1]] + 1:
            pieces[-1].append(k)
        else:
            pieces.append([k])
    return sorted(pieces, key=lambda piece: rank[piece[0]])


def _spaced(glyphs, texts: List[str], piece: List[int], spaces_drawn: bool) -> List[str]:
    """A piece's texts left to right, with spaces where its glyphs leave a gap (unless the
    writer draws its spaces), and each space glyph that advances nothing marked (see
    ``_line_text``)."""
    items: List[str] = []
    for n, k in enumerate(piece):
        text = texts[k]
        if not text:
            continue  # a kashida: it stretches the word, the letters on either side stay joined
        if not spaces_drawn and items and text != " " and items[-1] != " " \
                and glyphs[k].x0 - glyphs[piece[n - 1]].x1 > 0.2 * glyphs[k].size:
            items.append(" ")
        if text == " " and _sharing_start(glyphs, k) is not None:
            text = _DRAWN_AS_SPACE
        items.append(text)
    return items


def _zwnj_before_letters(glyphs) -> list:
    """The glyphs left to right with each ZWNJ (and each space that advances nothing: a ZWNJ
    drawn as a space) put just left of the letter it shares its start with: writers draw it at
    the pen position after the letter it follows, which is that letter's left edge."""
    keys = [c.x0 for c in glyphs]
    for k, glyph in enumerate(glyphs):
        if glyph.text in (" ", "\u200c"):
            letter = _sharing_start(glyphs, k)
            if letter is not None:
                keys[k] = letter.x0 - 1e-3
    return [glyph for _, _, glyph in sorted(zip(keys, range(len(glyphs)), glyphs))]


def _kashidas(glyphs) -> set:
    """Indices of the tatweels (U+0640) a writer stretched justified Arabic-script lines with:
    drawn inside an Arabic word with no gap on either side. A tatweel the author typed at a
    word's end (الـ 4) stays, and one after the article that begins a word (الـستات: authors
    type it there to set the article off). (Glyphs with no character, LibreOffice's kashidas,
    are gone already.)"""
    found = set()
    k = 0
    while k < len(glyphs):
        end = k
        while end < len(glyphs) and glyphs[end].text == "\u0640":
            end += 1
        if 0 < k < end < len(glyphs) and _ARABIC_LETTER.match(glyphs[k - 1].text) \
                and _ARABIC_LETTER.match(glyphs[end].text) and glyphs[k].x0 - glyphs[k - 1].x1 < 0.5 \
                and glyphs[end].x0 - glyphs[end - 1].x1 < 0.5 and not _after_article(glyphs, end):
            found.update(range(k, end))
        k = max(end, k + 1)
    return found


def _after_article(glyphs, k: int) -> bool:
    """Whether glyphs ``k`` and ``k + 1`` (left to right) are the lam and alef of the article
    that begins a word: the word's first letters, drawn at its right end."""
    letters = [unicodedata.normalize("NFKC", glyph.text) for glyph in glyphs[k:k + 3]]
    return letters[:2] == ["\u0644", "\u0627"] and (len(letters) == 2 or not _ARABIC_LETTER.match(letters[2]))


def _sharing_start(glyphs, k: int):
    """The nearest glyph that starts where the space or ZWNJ glyph ``k`` starts, past other
    such glyphs there (writers draw a ZWNJ, some as a space glyph, where the next letter
    overdraws it; an author may type two), if any; the following one first."""
    space = glyphs[k]
    near = 0.25 * (space.x1 - space.x0)
    for step in (1, -1):
        j = k + step
        while 0 <= j < len(glyphs) and abs(glyphs[j].x0 - space.x0) <= near:
            if glyphs[j].text not in (" ", "\u200c"):
                return glyphs[j]
            j += step
    return None


def _ltr_runs(items: List[str]) -> List[List[str]]:
    """A right-to-left line's glyphs (left to right as drawn) cut into units that reversed give
    the logical order: a left-to-right run (Latin words and the numbers after them, a number with
    its separators: 11:29, 1.5, 3/4) is one unit in its own order, every other glyph a unit.
    The Unicode bidi algorithm's weak-type rules, approximated: digits after a Latin letter are
    Latin (W7); digits after an Arabic letter are Arabic numbers (W2), which only a common
    separator (, . : / Arabic comma) joins, while other numbers take a + or - too (W4); any other
    character between numbers, or between a number and a following Latin word, stands apart.
    Brackets paired around a run go with it (``_with_brackets``)."""
    # What precedes each glyph in logical order is to its right: the first letter there decides.
    after_arabic, arabic = [False] * len(items), False
    for k in range(len(items) - 1, -1, -1):
        after_arabic[k] = arabic
        if _ARABIC_LETTER.match(items[k]):
            arabic = True
        elif items[k].isalpha():
            arabic = False
    units: List[Tuple[int, int]] = []  # index ranges, a run's or one glyph's
    first: Optional[int] = None  # the open run's first glyph
    last = 0  # the open run's last strong (letter or digit) glyph
    has_letter = False
    for k, text in enumerate(items):
        # Arabic punctuation (، ؛ ؟ ٬) is neutral, not a letter: it may join two numbers.
        kind = "A" if text.isalpha() and not _ARABIC.match(text) else "D" if _LTR.match(text) else (
            "R" if _ARABIC_LETTER.match(text) else "N")
        if kind in "AD" and first is not None and _joins(items, last, k, kind, has_letter, after_arabic[k]):
            last, has_letter = k, has_letter or kind == "A"
            continue
        if kind == "N" and first is not None:
            continue  # belongs to the run if a letter or digit that joins it follows
        if first is not None:
            units.append((first, last + 1))
            units.extend((i, i + 1) for i in range(last + 1, k))
            first = None
        if kind in "AD":
            first, last, has_letter = k, k, kind == "A"
        else:
            units.append((k, k + 1))
    if first is not None:
        units.append((first, last + 1))
        units.extend((i, i + 1) for i in range(last + 1, len(items)))
    units = _with_brackets(items, _with_percent_signs(items, units))
    # A Latin run that ends the line (drawn leftmost) keeps the punctuation it touches (a hyphen
    # or slash it was broken after, a colon): the text goes on in the next line, and the bidi
    # algorithm takes a neutral between two left-to-right halves as left to right
    # (https://mp.weixin.qq.com/s/UlBi-/HX_rH, 95% CI:/3.51); one read right to left would
    # stand on the run's left, or apart from it.
    if len(units) > 1 and any(_LATIN.match(text) for text in items[units[0][0]:units[0][1]]) \
            and units[1][1] - units[1][0] == 1 and items[units[1][0]] in ("-", "/", ":", ",", ".", ";"):
        units[:2] = [(units[0][0], units[1][1])]
    return [items[a:b] for a, b in units]


_OPENING, _CLOSING = {"(", "[", "{"}, {")", "]", "}"}
_PERCENT = ("%", "\u066a")


def _with_percent_signs(items: List[str], units: List[Tuple[int, int]]) -> List[Tuple[int, int]]:
    """``units`` with a run that ends in a number taking the percent sign drawn touching it on its
    right (W5: a percent sign after a number read left to right is part of it: CI: 1.10-1.86%;
    one read right to left stands on the number's left, ٪۵۰)."""
    widened: List[Tuple[int, int]] = []
    for a, b in units:
        if widened and a == widened[-1][1] and b - a == 1 and items[a] in _PERCENT \
                and items[widened[-1][1] - 1][:1].isdigit():
            widened[-1] = (widened[-1][0], b)
            continue
        widened.append((a, b))
    return widened


def _with_brackets(items: List[str], units: List[Tuple[int, int]]) -> List[Tuple[int, int]]:
    """``units`` with each run widened to take the brackets paired with it and the neutrals
    between (the bidi algorithm's rule N0: a pair around left-to-right text after left-to-right
    text is left to right: Toll (TLR), PubMed (https://.../pubmed/)). Drawn left to right such a
    pair shows its opening bracket on the left; a right-to-left pair is drawn mirrored, its
    closing bracket on the left, and stays apart. Brackets are read as the writer meant them,
    not as the mirrored glyphs show (Chromium's maps say so)."""
    units = list(units)
    for n, (a, b) in enumerate(units):
        if not any(_LATIN.match(text) for text in items[a:b]):
            continue  # a neutral, or a number, which the bidi algorithm takes as right to left here
        depth = 0
        for text in items[a:b]:
            depth += (text in _OPENING) - (text in _CLOSING)
        closer = next((i for i in _neutrals_from(items, b, 1) if items[i] in _CLOSING), None)
        opener = next((i for i in _neutrals_from(items, a - 1, -1) if items[i] in _OPENING), None)
        if depth > 0 and closer is not None:
            b = closer + 1
        elif depth == 0 and opener is not None and closer is not None and not "".join(items[closer + 1:]).strip():
            # Only at the line's start, where the text before it (on the line above) decides; a
            # pair closing on the right with more text beyond, and one opening on the left, are
            # two right-to-left pairs either side of the run: (رقم) ABC (نطاق).
            a, b = opener, closer + 1
        units[n] = (a, b)
    # The neutrals a widened run took are no longer units of their own.
    merged: List[Tuple[int, int]] = []
    for a, b in units:
        if merged and a < merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (min(merged[-1][0], a), b)
            continue
        while merged and merged[-1][0] >= a:
            merged.pop()
        merged.append((a, b))
    return merged


def _neutrals_from(items: List[str], start: int, step: int) -> List[int]:
    """Indices of the neutral glyphs (neither letter nor digit) from ``start`` on, ``step`` by
    ``step``, up to the nearest strong one."""
    found = []
    while 0 <= start < len(items) and not (_LTR.match(items[start]) or items[start].isalpha()):
        found.append(start)
        start += step
    return found


def _joins(items: List[str], last: int, k: int, kind: str, has_letter: bool, arabic_numbers: bool) -> bool:
    """Whether glyph ``k`` (a letter "A" or digit "D") continues the run that ends at ``last``."""
    between = "".join(items[last + 1:k])
    if has_letter:  # Latin text, and the numbers within it (W7)
        # but not a number drawn with its percent sign on its left: it was read right to left
        # (95% after Arabic text, before the Latin: (95% CI: 3.51-4.05) is drawn )CI: 3.51-4.05 %95()
        return not between.endswith(_PERCENT)
    if kind == "A":  # a number followed by a Latin word: one run only when they touch (39C)
        return not between
    separators = ",.:/\u060c\u066b\u066c\u00a0" + ("" if arabic_numbers else "+-")
    return between == "" or (len(between) == 1 and between in separators)


def _running_lines(pages: List[_Page]) -> set:
    """Texts (numbers masked) of the short lines in the top or bottom margin of at least half
    the pages (and two): running heads and feet."""
    if len(pages) < 2:
        return set()
    seen = Counter()
    for page in pages:
        seen.update({_running_key(line) for line in page.lines if _at_edge(page, line) and len(line.text) <= 100})
    with_text = sum(bool(page.lines) for page in pages)
    return {text for text, count in seen.items() if count >= 2 and count * 2 >= with_text}


def _running_key(line: _Line) -> str:
    return _DIGITS.sub("#", line.text)


def _at_edge(page: _Page, line: _Line) -> bool:
    """Whether the line is the page's first or last (on the baseline of either), in the top or
    bottom margin zone: where running heads, feet and page numbers stand."""
    first = min(other.top for other in page.lines)
    last = max(other.bottom for other in page.lines)
    return ((line.bottom <= _MARGIN and line.top <= first + 0.005)
            or (line.top >= 1 - _MARGIN and line.bottom >= last - 0.005))


def _reading_order(boxes: List[_Box], width: float) -> List[_Box]:
    """Top to bottom; where the page has two columns, those between the first and last box that
    spans the page are read column by column."""
    middle = width / 2
    left = [b for b in boxes if b.x1 <= middle + 0.02 * width]
    right = [b for b in boxes if b.x0 >= middle - 0.02 * width]
    by_top = sorted(boxes, key=lambda b: (round(b.top, 3), b.x0))
    _mark_columns([boxes])
    if not left or not right:
        return by_top
    # A box in the top margin zone (a running head on a one-page document) stands above the columns.
    columns = left + right
    heads = [b for b in columns if b.top < _MARGIN and all(b.bottom <= c.top for c in columns if c is not b)]
    spanning = [b for b in boxes if any(b is c for c in heads) or not any(b is c for c in columns)]
    left = [b for b in left if not any(b is c for c in spanning)]
    right = [b for b in right if not any(b is c for c in spanning)]
    if not left or not right:
        return by_top
    columns_top = min(b.top for b in left + right)
    above = [b for b in spanning if b.top < columns_top]
    below = [b for b in spanning if b.top >= columns_top]
    left, right = sorted(left, key=lambda b: b.top), sorted(right, key=lambda b: b.top)
    _mark_columns([left, right, spanning])
    # Columns run in the section's direction, which a paragraph's need not be (a left-to-right
    # section holding Persian text), and which the page does not show; writers draw the text
    # in its reading order, so the column drawn first is read first.
    first, second = sorted((left, right), key=lambda column: min(line.order for b in column for line in b.lines))
    return sorted(above, key=lambda b: b.top) + first + second + sorted(below, key=lambda b: b.top)


def _mark_columns(columns: List[List[_Box]]) -> None:
    """Each box's column: the left and right edges of the boxes set in it."""
    for column in columns:
        for box in column:
            box.column = (min(b.x0 for b in column), max(b.x1 for b in column))


def _join_across_breaks(boxes: List[List[_Box]]) -> List[_Box]:
    """The pages' paragraphs in reading order, with a paragraph that a column or page break cut
    in two joined again: the last paragraph of a column (or page) goes on at the top of the next
    when it breaks off there (``_broken_off``)."""
    joined: List[_Box] = []
    ends_column, column = False, (0.0, 0.0)  # joined[-1]'s: whether it ends its column, and that column
    for page_boxes in boxes:
        for box in page_boxes:
            others = [b for b in page_boxes if b is not box and b.column == box.column]
            starts_column = not any(b.bottom <= box.top for b in others)
            if joined and ends_column and starts_column and _broken_off(joined[-1], column, box):
                joined[-1] = _Box(joined[-1].lines + box.lines, box.column)
            else:
                joined.append(box)
            ends_column, column = not any(b.top >= box.bottom for b in others), box.column
    return joined


def _broken_off(box: _Box, extent: Tuple[float, float], following: _Box) -> bool:
    """Whether ``box`` (in a column from ``extent[0]`` to ``extent[1]``) breaks off mid-paragraph,
    ``following`` going on with it: its last line fills the column and the text goes on in the
    same size; where its lines are justified (all flush with both edges of the column) that
    last line is (a paragraph's last line is not stretched), elsewhere it does not end a
    sentence."""
    last, first = box.lines[-1], following.lines[0]
    if abs(last.size - first.size) >= 0.5 or last.x1 - last.x0 < 0.75 * (extent[1] - extent[0]):
        return False
    flush = [abs(line.x0 - extent[0]) < 0.25 * line.size and abs(line.x1 - extent[1]) < 0.25 * line.size
             for line in box.lines]
    return (len(flush) >= 2 and all(flush)) or not _SENTENCE_END.search(box.texts()[-1])


def _typed_breaks(box: _Box) -> List[bool]:
    """For each line of a paragraph but its last, whether it ends where the writer typed a line
    break: writers fill a line with as many words as fit, so a line that had room left for the
    next line's first word and a space was broken on purpose, however far justification
    stretched it. Glyph widths are read, not the writer's measures: the room must exceed them
    by a fifth of an em (lines that LibreOffice and Chromium wrap leave less than a tenth
    beyond a space; docs/formats.md). A line ending in a hyphen broke a word."""
    width = max(line.x1 - line.x0 for line in box.lines)  # a column's (a box may go on in the next)
    return [not text.endswith(("-", "\u00ad"))
            and width - line.natural > following.first_word + (line.space or 0.3 * line.size) + 0.2 * line.size
            for text, line, following in zip(box.texts(), box.lines, box.lines[1:])]


def _join_lines(lines: List[str], typed_breaks: List[bool]) -> str:
    """A box's lines as one paragraph: a typed line break stays one, a soft hyphen at a line's
    end is dropped and the word joined, a word broken after its own hyphen (well-/known,
    14%-/20%) joined keeping it, and a line that ends with an opening bracket or quote goes on
    without a space (nothing breaks a line at a space just inside one)."""
    text = lines[0]
    for line, typed in zip(lines[1:], typed_breaks):
        if typed:
            text += "\n" + line
        elif text.endswith("\u00ad"):
            text = text[:-1] + line
        elif (re.search(r"\S-$", text) and line[:1].isalnum()) or unicodedata.category(text[-1]) in ("Ps", "Pi"):
            text += line
        else:
            text += " " + line
    return text


def _visual_order(texts: List[str]) -> bool:
    """Whether most Arabic-script words written with presentation forms still face the wrong
    way (a final form first, an initial form last) after the repair."""
    wrong = right = 0
    for text in texts:
        for word in re.findall(r"[\ufb50-\ufdff\ufe70-\ufeff]{2,}", text):
            first, last = unicodedata.name(word[0], ""), unicodedata.name(word[-1], "")
            wrong += "FINAL" in first or "INITIAL" in last
            right += "INITIAL" in first or "FINAL" in last
    return wrong > 10 and wrong > right
