"""Documents as users hold them: news pages, crawls, DOCX, ODT, PDF, against the same articles as .txt.

The articles are benchmarks/news_run.py's: FLORES-200 (several short wikinews articles on one
page, grouped by their URL in the FLORES metadata) and TICO-19 (long), fa-en and ar-en, perturbed
the way translations differ, each side with a headline and paragraphs. Each side is then written
as a user receives it:

- html: a news page in one of three site templates (a portal: navigation, breadcrumb, an inline
  advertisement and a related-articles box inside the article, share buttons, comments, scripts;
  a magazine: cookie banner, "most read" sidebar, a newsletter box between paragraphs, tags; an
  old wire site: table layout, paragraphs split by <br>, "latest news" column, print/e-mail links),
  chrome in the page's language;
- warc: the same pages as HTTP responses in one WARC.gz per side (warcio), with requests, an image
  and a redirect between them; pages pair by URL (/fa/... with /en/...);
- docx (python-docx), odt (odfpy), pdf and pdf-2col (LibreOffice headless from the ODT: one and
  two columns, a running head and page numbers on every page);
- pdf-print: the article as a browser prints it (headless Chromium's --print-to-pdf: Skia's PDF
  writer, another font stack and glyph order than LibreOffice's), every other article in two CSS
  columns.

Per format and language pair: the share of the article's sentences found exactly (whitespace
and invisible format characters, which no glyph shows, aside) in the text the reader gave
(recovered), the template's boilerplate sentences that leaked in (per document), the strict F1
and aligned.tmx precision of `aligner run` on the folders of that format (scored like
news_run.py: each gold sentence is located in the extracted text, a space inside a word aside
too, and one read not quite exactly by its first and last words; tmx_whole
also counts a unit that is the union of whole gold links, which a translator takes as it
stands), and the reader's time per MB of input. Peers on the same files: lxml's text_content of
the page and trafilatura's own plain-text output (html), python-docx's document paragraphs
(docx), pdfminer.six's and pypdf's extract_text (pdf); pdftotext (poppler-utils) when it is
installed.

Splits: dev (FLORES dev, TICO test) to tune, test (FLORES devtest, TICO dev) to report.

    nice -n 10 python benchmarks/formats.py                       # test, fa-en and ar-en
    python benchmarks/formats.py --split dev --lang fa --no-run   # readers only, no alignment
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from html import escape
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

import news_run  # noqa: E402
from news_run import CellCounts, build, mapped_link, whole_translation  # noqa: E402

from aligner.bitext import read_bitext  # noqa: E402
from aligner.formats.tmx import read_tmx  # noqa: E402
from aligner.segment.base import get_segmenter, segment_document  # noqa: E402
from aligner.text.readers import detect_format, extract  # noqa: E402
from aligner.text.reading import Source, iter_sources, read_document  # noqa: E402

FORMATS = ("txt", "html", "warc", "docx", "odt", "pdf", "pdf-2col", "pdf-print")
TARGETS = {"html": 0.99, "warc": 0.99, "docx": 0.99, "odt": 0.99, "pdf": 0.97, "pdf-2col": 0.97, "pdf-print": 0.97}

# What sites put around an article, in the page's language (each a sentence that must not leak).
CHROME = {
    "en": {
        "nav": ["Home", "World", "Business", "Science", "Sport", "Opinion"],
        "ad": "Get 50% off your first three months of premium access today.",
        "related": ["Markets close higher as investors weigh the interest rate outlook.",
                    "Storms are expected to bring heavy rain to the coast this weekend."],
        "comments": ["This is exactly what I was saying last week, great reporting.",
                     "Can anyone explain why this was not reported earlier?"],
        "cookie": "We use cookies to improve your experience on our website.",
        "newsletter": "Sign up for our newsletter to get the latest headlines every morning.",
        "most_read": ["Five things you need to know before the market opens.",
                      "The city council approves a new budget for public transport."],
        "footer": "Copyright 2024 The Daily Report. All rights reserved.",
    },
    "fa": {
        "nav": ["خانه", "جهان", "اقتصاد", "علم", "ورزش", "دیدگاه"],
        "ad": "اشتراک ویژه سه ماه اول را با پنجاه درصد تخفیف همین امروز بخرید.",
        "related": ["بازارها در پایان معاملات امروز با رشد بسته شدند.",
                    "پیش‌بینی می‌شود توفان‌ها آخر هفته باران شدیدی به سواحل بیاورند."],
        "comments": ["دقیقاً همین را هفته پیش گفته بودم، گزارش خوبی بود.",
                     "کسی می‌داند چرا این خبر زودتر منتشر نشد؟"],
        "cookie": "ما برای بهبود تجربه شما در این وب‌سایت از کوکی استفاده می‌کنیم.",
        "newsletter": "برای دریافت آخرین خبرها هر صبح در خبرنامه ما عضو شوید.",
        "most_read": ["پنج نکته‌ای که پیش از بازگشایی بازار باید بدانید.",
                      "شورای شهر بودجه تازه حمل و نقل عمومی را تصویب کرد."],
        "footer": "تمامی حقوق برای روزنامه گزارش روز محفوظ است.",
    },
    "ar": {
        "nav": ["الرئيسية", "العالم", "اقتصاد", "علوم", "رياضة", "رأي"],
        "ad": "احصل على خصم خمسين بالمئة على أول ثلاثة أشهر من الاشتراك المميز اليوم.",
        "related": ["الأسواق تغلق على ارتفاع مع ترقب المستثمرين لأسعار الفائدة.",
                    "من المتوقع أن تجلب العواصف أمطاراً غزيرة إلى الساحل نهاية هذا الأسبوع."],
        "comments": ["هذا بالضبط ما كنت أقوله الأسبوع الماضي، تقرير رائع.",
                     "هل يمكن لأحد أن يشرح لماذا لم يُنشر هذا الخبر من قبل؟"],
        "cookie": "نستخدم ملفات تعريف الارتباط لتحسين تجربتك على موقعنا.",
        "newsletter": "اشترك في نشرتنا الإخبارية لتصلك آخر العناوين كل صباح.",
        "most_read": ["خمسة أمور عليك معرفتها قبل افتتاح السوق.",
                      "مجلس المدينة يقر ميزانية جديدة للنقل العام."],
        "footer": "جميع الحقوق محفوظة لصحيفة التقرير اليومي.",
    },
}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCRIPT = ("<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
          "gtag('js',new Date());gtag('config','UA-000000-1');</script>"
          '<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle"}</script>')


def boilerplate(lang: str) -> List[str]:
    chrome = CHROME[lang]
    return [chrome["ad"], *chrome["related"], *chrome["comments"], chrome["cookie"], chrome["newsletter"],
            *chrome["most_read"], chrome["footer"]]


def split_side(text: str) -> Tuple[str, List[str]]:
    """The headline and paragraphs of an article file as news_run writes it."""
    blocks = [block.strip() for block in text.split("\n\n") if block.strip()]
    return blocks[0], blocks[1:]


def _paragraph_html(paragraph: str) -> str:
    return "<br>".join(escape(line) for line in paragraph.split("\n"))


def page_portal(title: str, paragraphs: List[str], lang: str, rtl: bool) -> str:
    c = CHROME[lang]
    body = []
    for k, paragraph in enumerate(paragraphs):
        body.append(f"<p>{_paragraph_html(paragraph)}</p>")
        if k == 1:
            body.append(f'<div class="ad-slot" aria-label="advertisement"><span>Advertisement</span>'
                        f'<a href="/promo">{escape(c["ad"])}</a></div>')
        if k == 2:
            body.append('<aside class="related-articles"><h4>Related</h4><ul>'
                        + "".join(f'<li><a href="/r{j}">{escape(t)}</a></li>' for j, t in enumerate(c["related"]))
                        + "</ul></aside>")
    nav = "".join(f'<li><a href="/{k}">{escape(item)}</a></li>' for k, item in enumerate(c["nav"]))
    comments = "".join(f'<div class="comment"><span class="author">reader{k}</span><p>{escape(t)}</p></div>'
                       for k, t in enumerate(c["comments"]))
    return (f'<!DOCTYPE html><html lang="{lang}" dir="{"rtl" if rtl else "ltr"}"><head><meta charset="utf-8">'
            f"<title>{escape(title)} - The Daily Report</title>{SCRIPT}</head><body>"
            f'<header class="site-header"><nav><ul>{nav}</ul></nav></header>'
            f'<div class="breadcrumb"><a href="/">{escape(c["nav"][0])}</a> › <a href="/w">{escape(c["nav"][1])}</a></div>'
            f'<main><article><h1>{escape(title)}</h1><div class="byline">2024-05-01 09:30</div>'
            f'{"".join(body)}<div class="share"><a href="#">Facebook</a> <a href="#">X</a></div></article>'
            f'<section id="comments" class="comments"><h3>Comments</h3>{comments}</section></main>'
            f'<footer><p>{escape(c["footer"])}</p></footer>{SCRIPT}</body></html>')


def page_magazine(title: str, paragraphs: List[str], lang: str, rtl: bool) -> str:
    c = CHROME[lang]
    body = []
    for k, paragraph in enumerate(paragraphs):
        body.append(f"<p>{_paragraph_html(paragraph)}</p>")
        if k == len(paragraphs) // 2:
            body.append(f'<div class="newsletter-signup"><p>{escape(c["newsletter"])}</p>'
                        '<form><input type="email"><button>OK</button></form></div>')
    most_read = "".join(f"<li><a href='/m{k}'>{escape(t)}</a></li>" for k, t in enumerate(c["most_read"]))
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>.x{{color:red}}</style>{SCRIPT}</head><body{' dir=rtl' if rtl else ''}>"
            f'<div id="cookie-banner" class="cookie-consent"><p>{escape(c["cookie"])}</p><button>OK</button></div>'
            f'<div class="layout"><div class="story"><h1 class="headline">{escape(title)}</h1>'
            f'<div class="story-body">{"".join(body)}</div>'
            f'<ul class="tags"><li>{escape(c["nav"][2])}</li><li>{escape(c["nav"][3])}</li></ul></div>'
            f'<aside class="sidebar"><h3>Most read</h3><ol>{most_read}</ol></aside></div>'
            f'<footer class="site-footer">{escape(c["footer"])}</footer></body></html>')


def page_wire(title: str, paragraphs: List[str], lang: str, rtl: bool) -> str:
    c = CHROME[lang]
    text = "<br><br>".join(_paragraph_html(p) for p in paragraphs)
    latest = "<br>".join(f"<a href='/l{k}'>{escape(t)}</a>" for k, t in enumerate(c["related"] + c["most_read"]))
    return (f'<html lang="{lang}"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
            f"<title>{escape(title)}</title></head><body{' dir=rtl' if rtl else ''}><table width='100%'><tr>"
            f"<td class='content' valign='top'><div class='title'><b>{escape(title)}</b></div>"
            f"<div class='text'>{text}</div><div class='tools'><a href='#'>Print</a> | <a href='#'>E-mail</a></div></td>"
            f"<td class='latest' width='200' valign='top'><b>Latest news</b><br>{latest}</td></tr></table>"
            f"<div class='footer'>{escape(c['footer'])}</div>{SCRIPT}</body></html>")


TEMPLATES = (page_portal, page_magazine, page_wire)


def page_print(title: str, paragraphs: List[str], lang: str, rtl: bool, columns: int) -> str:
    """The article alone, as a reader view or a site's print page shows it before it is printed."""
    style = f"body{{font-family:serif;columns:{columns}}}h1{{column-span:all}}"  # the default gutter, 1em
    body = "".join(f"<p>{_paragraph_html(p)}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="{lang}" dir="{"rtl" if rtl else "ltr"}"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title><style>{style}</style></head><body><h1>{escape(title)}</h1>{body}"
            "</body></html>")


def print_to_pdf(page: Path, pdf: Path, profile: Path) -> None:
    """Headless Chromium's print of ``page`` (the flags keep it off the network)."""
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.resolve().as_uri()],
                   check=True, capture_output=True, timeout=120)


def write_docx(path: Path, title: str, paragraphs: List[str], rtl: bool) -> None:
    import docx
    from docx.oxml import OxmlElement

    document = docx.Document()
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        lines = paragraph.split("\n")  # a caption or heading line inside a paragraph: a line break
        p = document.add_paragraph(lines[0])
        for line in lines[1:]:
            run = p.add_run()
            run.add_break()
            run.add_text(line)
    if rtl:
        for p in document.paragraphs:
            p._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
    document.save(str(path))


def write_odt(path: Path, title: str, paragraphs: List[str], rtl: bool, columns: int = 1) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.style import (Columns, Footer, Header, MasterPage, PageLayout, PageLayoutProperties,
                           ParagraphProperties, SectionProperties, Style, TextProperties)
    from odf.text import H, LineBreak, P, PageNumber, Section

    document = OpenDocumentText()
    body_style = Style(name="Body", family="paragraph")
    body_style.addElement(ParagraphProperties(writingmode="rl-tb" if rtl else "lr-tb", marginbottom="0.3cm",
                                              textalign="justify"))
    head_style = Style(name="Head", family="paragraph")
    head_style.addElement(ParagraphProperties(writingmode="rl-tb" if rtl else "lr-tb", marginbottom="0.4cm"))
    head_style.addElement(TextProperties(fontsize="16pt", fontsizecomplex="16pt", fontweight="bold"))
    for style in (body_style, head_style):
        document.automaticstyles.addElement(style)
    layout = PageLayout(name="Page")
    # A Persian or Arabic document is right to left as a whole: its columns run from the right.
    layout.addElement(PageLayoutProperties(pagewidth="21cm", pageheight="29.7cm", margin="2cm",
                                           writingmode="rl-tb" if rtl else "lr-tb"))
    document.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    header, footer, number = Header(), Footer(), P(stylename=body_style)
    header.addElement(P(text="The Daily Report", stylename=body_style))
    number.addElement(PageNumber(selectpage="current"))
    footer.addElement(number)
    master.addElement(header)
    master.addElement(footer)
    document.masterstyles.addElement(master)
    document.text.addElement(H(outlinelevel=1, text=title, stylename=head_style))
    container = document.text
    if columns > 1:
        section_style = Style(name="Cols", family="section")
        properties = SectionProperties(writingmode="rl-tb" if rtl else "lr-tb")
        properties.addElement(Columns(columncount=str(columns), columngap="0.8cm"))
        section_style.addElement(properties)
        document.automaticstyles.addElement(section_style)
        container = Section(name="Body", stylename=section_style)
        document.text.addElement(container)
    for paragraph in paragraphs:
        element = P(stylename=body_style)
        for k, line in enumerate(paragraph.split("\n")):
            if k:
                element.addElement(LineBreak())
            element.addText(line)
        container.addElement(element)
    document.save(str(path))


def write_warc(path: Path, pages: Dict[str, str]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "benchmarks/formats.py"}))
        for url, html in pages.items():
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode("utf-8")),
                                                          http_headers=headers))
            image = StatusAndHeaders("200 OK", [("Content-Type", "image/jpeg")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url + ".jpg", "response", payload=io.BytesIO(b"\xff\xd8" * 50),
                                                          http_headers=image))


def render(folder: Path, cases: Dict[str, dict], lang: str) -> Dict[str, Path]:
    """Every format's src/ and tgt/ folders from the .txt articles under ``folder/txt``."""
    out = {fmt: folder / fmt for fmt in FORMATS}
    odt_sources = []
    warc_pages: Dict[str, Dict[str, str]] = {"src": {}, "tgt": {}}
    for k, name in enumerate(sorted(cases)):
        stem = name[:-4]
        for side, sub, side_lang in ((0, "src", lang), (1, "tgt", "en")):
            title, paragraphs = split_side(cases[name]["sides"][side].text)
            rtl = side_lang != "en"
            for fmt in FORMATS[1:]:
                (out[fmt] / sub).mkdir(parents=True, exist_ok=True)
            html = TEMPLATES[k % len(TEMPLATES)](title, paragraphs, side_lang, rtl)
            (out["html"] / sub / f"{stem}.html").write_text(html, encoding="utf-8")
            warc_pages[sub][f"https://news.example/{side_lang}/2024/{stem}"] = html
            write_docx(out["docx"] / sub / f"{stem}.docx", title, paragraphs, rtl)
            printed = folder / "html-for-print" / sub / f"{stem}.html"
            printed.parent.mkdir(parents=True, exist_ok=True)
            printed.write_text(page_print(title, paragraphs, side_lang, rtl, 1 + k % 2), encoding="utf-8")
            print_to_pdf(printed, out["pdf-print"] / sub / f"{stem}.pdf", folder / "chromium-profile")
            write_odt(out["odt"] / sub / f"{stem}.odt", title, paragraphs, rtl)
            for fmt, columns in (("pdf", 1), ("pdf-2col", 2)):
                odt = folder / "odt-for-pdf" / fmt / sub / f"{stem}.odt"
                odt.parent.mkdir(parents=True, exist_ok=True)
                write_odt(odt, title, paragraphs, rtl, columns)
                odt_sources.append((odt, out[fmt] / sub))
    for sub in ("src", "tgt"):
        write_warc(out["warc"] / sub / "crawl.warc.gz", warc_pages[sub])
    by_target = defaultdict(list)
    for odt, target in odt_sources:
        by_target[target].append(odt)
    profile = folder / "soffice-profile"
    for target, files in by_target.items():
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(target), *map(str, files)], check=True, capture_output=True, timeout=1200)
    return out


# Format characters that no glyph shows (zero-width space, LRM/RLM, ALM, word joiner, BOM,
# bidi embeddings and isolates): a PDF holds them only where its writer drew one, and a unit
# without one reads the same. ZWNJ and ZWJ change how letters join, so they count.
INVISIBLE = "[\u200b\u200e\u200f\u061c\u2060\ufeff\u202a-\u202e\u2066-\u2069]"


def normal(text: str) -> str:
    """Text compared whitespace and invisible format characters aside."""
    return " ".join(re.sub(INVISIBLE, "", text).split())


def _located(words: List[str]) -> str:
    """A pattern finding ``words`` (of ``normal`` text) in a text that may hold invisible format
    characters, and may have a space inside a word: a PDF line broken where the text has no
    space (و/IFNβ, 2)/2)) shows nothing that tells it from a break at a space, and is read with one."""
    inside = rf"(?:\s|{INVISIBLE})*"
    return rf"(?:\s|{INVISIBLE})+".join(inside.join(map(re.escape, word)) for word in words)


def sentences_of(side) -> List[str]:
    return [side.text[a:b] for a, b in side.spans]


PEERS: Dict[str, Dict[str, Callable[[bytes], str]]] = {}


def _peer(fmt: str, name: str):
    def register(function):
        PEERS.setdefault(fmt, {})[name] = function
        return function
    return register


@_peer("html", "lxml text_content")
def _lxml_text(data: bytes) -> str:
    import lxml.html

    return lxml.html.fromstring(data).text_content()


@_peer("html", "trafilatura plain")
def _trafilatura_text(data: bytes) -> str:
    import trafilatura

    return trafilatura.extract(data.decode("utf-8")) or ""


@_peer("docx", "python-docx paragraphs")
def _docx_paragraphs(data: bytes) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


@_peer("pdf", "pdfminer.six extract_text")
def _pdfminer_text(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data))


@_peer("pdf", "pypdf extract_text")
def _pypdf_text(data: bytes) -> str:
    import pypdf

    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)


if shutil.which("pdftotext"):
    @_peer("pdf", "pdftotext (poppler)")
    def _pdftotext(data: bytes) -> str:
        return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True).stdout.decode("utf-8", "replace")

PEERS["pdf-2col"] = PEERS["pdf-print"] = PEERS["pdf"]


def reader_rows(out: Dict[str, Path], cases: Dict[str, dict], lang: str) -> List[dict]:
    """Recovered sentences, leaked boilerplate and time per MB, ours and the peers', per format."""
    rows = []
    gold = {}
    for name, case in cases.items():
        for side, sub in ((0, "src"), (1, "tgt")):
            gold[sub, name[:-4]] = [normal(s) for s in sentences_of(case["sides"][side])]
    chrome = {"src": [normal(s) for s in boilerplate(lang)], "tgt": [normal(s) for s in boilerplate("en")]}
    _warm_up(out)
    for fmt in FORMATS[1:]:
        texts: Dict[str, List[Tuple[Tuple[str, str], str]]] = defaultdict(list)
        seconds: Counter = Counter()
        size = 0
        for sub in ("src", "tgt"):
            for source in iter_sources([str(out[fmt] / sub)]):
                stem = (source.url or source.doc_id).rsplit("/", 1)[-1].rsplit(".", 1)[0]
                data = source.path.read_bytes() if source.url is None else None
                start = time.perf_counter()
                document = read_document(source)
                seconds["aligner"] += time.perf_counter() - start
                texts["aligner"].append(((sub, stem), document.text))
                if data is None:
                    continue
                size += len(data)
                for peer, function in PEERS.get(fmt, {}).items():
                    start = time.perf_counter()
                    texts[peer].append(((sub, stem), function(data)))
                    seconds[peer] += time.perf_counter() - start
        if fmt == "warc":
            size = sum(p.stat().st_size for p in out[fmt].rglob("*.warc.gz"))
        for reader, found in texts.items():
            hit = total = leaked = 0
            for (sub, stem), text in found:
                flat = normal(text)
                hit += sum(sentence in flat for sentence in gold[sub, stem])
                total += len(gold[sub, stem])
                leaked += sum(sentence in flat for sentence in chrome[sub])
            rows.append({"format": fmt, "reader": reader, "recovered": hit / total if total else None,
                         "leaked": leaked / len(found) if found else None,
                         "s_per_mb": seconds[reader] / (size / 2**20) if size else None})
    return rows


def _warm_up(out: Dict[str, Path]) -> None:
    """Read one file of each format, ours and the peers', so that imports are not timed."""
    for fmt in FORMATS[1:]:
        source = next(iter_sources([str(out[fmt] / "tgt")]))
        read_document(source)
        if source.url is None:
            for function in PEERS.get(fmt, {}).values():
                function(source.path.read_bytes())


def gold_map(side, document, lang: str) -> List[Tuple[int, ...]]:
    """For each sentence the run's segmenter finds in the extracted text, the gold sentences it
    covers: each gold sentence is located in the text in order (whitespace, a space inside a
    word and invisible format characters aside), then as in
    news_run.gold_ids_of_sentences."""
    document = segment_document(document, get_segmenter("rules", lang))
    text = document.text
    spans, position = [], 0
    for sentence in sentences_of(side):
        words = normal(sentence).split()
        found = re.compile(_located(words)).search(text, position)
        if not found and len(words) >= 6:
            # Not exactly (a number or a vowel mark read differently): by its first and last
            # three words, the sentence's length apart; that still shows whether the run
            # aligned the sentence right, which is what the run's scores measure.
            anchor = _located(words[:3]) + rf"[\s\S]{{0,{2 * len(sentence)}}}?" + _located(words[-3:])
            found = re.compile(anchor).search(text, position)
        spans.append((found.start(), found.end()) if found else (-1, -1))
        position = found.end() if found else position
    mapped = []
    for sentence in document.sentences:
        ids = []
        for g, (start, end) in enumerate(spans):
            overlap = min(end, sentence.end) - max(start, sentence.start)
            if start >= 0 and overlap > 0 and (2 * overlap > end - start or 2 * overlap > sentence.end - sentence.start):
                ids.append(g)
        mapped.append(tuple(ids))
    return mapped


def run_format(folder: Path, fmt: str, cases: Dict[str, dict], lang: str, work: Path) -> Dict[str, Optional[float]]:
    """`aligner run` on one format's folders, scored against the gold like news_run.run_draw."""
    outdir = work / f"{fmt}-out"
    seconds, _ = news_run.run_aligner(folder, lang, outdir)
    maps: Dict[str, Dict[str, List[Tuple[int, ...]]]] = {"src": {}, "tgt": {}}  # per side, per document id
    name_of: Dict[str, str] = {}
    for sub, side_lang in (("src", lang), ("tgt", "en")):
        for source in iter_sources([str(folder / sub)]):
            name = (source.url or source.doc_id).rsplit("/", 1)[-1].rsplit(".", 1)[0] + ".txt"
            name_of[source.doc_id] = name
            side = cases[name]["sides"][0 if sub == "src" else 1]
            maps[sub][source.doc_id] = gold_map(side, read_document(source, lang=side_lang), side_lang)
    counts = {cell: CellCounts() for cell in news_run.CELLS}
    links = list(read_bitext(outdir / "bitext.jsonl"))
    predicted: Dict[str, List] = defaultdict(list)
    by_text = defaultdict(list)
    for link in links:
        name = name_of[link.src_doc]
        case = cases[name]
        pair = (mapped_link(link, maps["src"][link.src_doc], maps["tgt"][link.tgt_doc])
                if link.tgt_doc in maps["tgt"] else mapped_link(link, maps["src"][link.src_doc], []))
        predicted[name].append(pair)
        right = case["cell"] != "non-parallel" and bool(pair[0]) and bool(pair[1]) and pair in case["gold_set"]
        whole = case["cell"] != "non-parallel" and whole_translation(pair, case["gold"])
        if not link.is_unaligned:
            by_text[link.src, link.tgt].append((name, right, whole))
    for unit in read_tmx(outdir / "aligned.tmx"):
        name, right, whole = by_text[unit.src, unit.tgt][0]
        counts[cases[name]["cell"]].units.append((right, whole, False))
    for name, case in cases.items():
        cell = counts[case["cell"]]
        cell.golds.append(case["gold"])
        cell.predictions.append(list(dict.fromkeys(predicted[name])))
    parallel = CellCounts()
    for cell in ("short", "long"):
        parallel.golds += counts[cell].golds
        parallel.predictions += counts[cell].predictions
    units = [u for c in counts.values() for u in c.units]
    return {"strict_f1": parallel.measures("short")["strict_f1"],
            "tmx_precision": sum(r for r, _, _ in units) / len(units) if units else None,
            # units a translator can take as they stand: right, or the union of whole gold links
            # (a list read as one paragraph from a PDF joins its items on both sides alike)
            "tmx_whole": sum(r or w for r, w, _ in units) / len(units) if units else None,
            "tmx_units": len(units), "seconds": seconds}


def _cell(value, digits: int = 3) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def evaluate(split: str, lang: str, work: Path, short: int, long: int, run: bool,
             formats: Tuple[str, ...] = FORMATS) -> None:
    cases = build(split, lang, work / "txt", short, long)
    start = time.perf_counter()
    out = render(work, cases, lang)
    out["txt"] = work / "txt"
    print(f"{lang}-en: {len(cases)} article pairs rendered in {time.perf_counter() - start:.0f} s", flush=True)
    print(f"{'pair':6} {'format':9} {'reader':27} {'recovered':>9} {'target':>6} {'leaked/doc':>10} {'s/MB':>8}")
    for row in reader_rows(out, cases, lang):
        if row["format"] not in formats:
            continue
        target = TARGETS.get(row["format"]) if row["reader"] == "aligner" else None
        print(f"{lang + '-en':6} {row['format']:9} {row['reader']:27} {_cell(row['recovered']):>9} "
              f"{_cell(target, 2):>6} {_cell(row['leaked'], 2):>10} {_cell(row['s_per_mb'], 2):>8}", flush=True)
    if not run:
        return
    print(f"{'pair':6} {'format':9} {'strict_f1':>9} {'tmx_precision':>13} {'tmx_whole':>9} {'tmx_units':>9} "
          f"{'run_s':>6}")
    for fmt in formats:
        result = run_format(out[fmt], fmt, cases, lang, work)
        print(f"{lang + '-en':6} {fmt:9} {_cell(result['strict_f1']):>9} {_cell(result['tmx_precision']):>13} "
              f"{_cell(result['tmx_whole']):>9} {result['tmx_units']:>9} {result['seconds']:>6.0f}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["dev", "test"], default="test",
                        help="dev (FLORES dev, TICO test) to tune; test (FLORES devtest, TICO dev) to report")
    parser.add_argument("--lang", choices=["fa", "ar"], action="append", help="source language (default: both)")
    parser.add_argument("--short", type=int, default=12, help="FLORES documents per language (default 12)")
    parser.add_argument("--long", type=int, default=2, help="TICO documents per language (default 2)")
    parser.add_argument("--no-run", action="store_true", help="measure the readers only, not `aligner run`")
    parser.add_argument("--format", action="append", choices=FORMATS, dest="formats",
                        help="report only these formats (repeatable; default: all; every format is still written)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the files and outputs here")
    args = parser.parse_args(argv)
    if shutil.which("soffice") is None or CHROMIUM is None:
        raise SystemExit("LibreOffice (soffice) and Chromium are needed to write the PDFs")
    with tempfile.TemporaryDirectory() as temporary:
        for lang in args.lang or ["fa", "ar"]:
            work = (args.keep or Path(temporary)) / f"{args.split}-{lang}"
            shutil.rmtree(work, ignore_errors=True)
            evaluate(args.split, lang, work, args.short, args.long, not args.no_run, tuple(args.formats or FORMATS))


if __name__ == "__main__":
    main()
