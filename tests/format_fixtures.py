"""Real files in every input format, written by the real writers: python-docx (DOCX), odfpy
(ODT), LibreOffice headless (PDF from ODT, DOCX with footnotes; one soffice call per target
format, as conversions are slow), warcio (WARC), pypdf (a 5,000-page PDF, an encrypted PDF, a
PDF without a text layer); and the broken ones a user meets: corrupt, truncated, encrypted,
zip bombs, a page of 50 MB of scripts, crawls with broken records.

Built once per test session (tests/test_readers.py's ``format_files`` fixture).
"""

from __future__ import annotations

import gzip
import io
import random
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Dict, List

# Sentences a reader must give back exactly: ZWNJ, Persian and Arabic digits, Latin words and
# numbers inside right-to-left text, vowel marks, guillemets.
FA = [
    "روز دوشنبه، دانشمندان دانشگاه استنفورد از ابزار تشخیصی جدیدی سخن گفتند که می‌تواند سلول‌ها را مرتب کند.",
    "محققان می‌گویند این کشف ممکن است به تشخیص زودهنگام سرطان، سل، HIV و مالاریا کمک کند.",
    "هواپیمای JAS 39C Gripen حدود ساعت 9:30 صبح به وقت محلی روی باند فرودگاه سقوط کرد.",
    "اعتراضات حوالی ساعت ۱۱:۰۰ در «وایت‌هال» آغاز شد و پلیس در آن ورودی حضور داشت.",
    "ویدال ۲۸ ساله سه فصل پیش از باشگاه سِویا به بارسا پیوسته بود.",
]
AR = [
    "في يوم الاثنين، أعلن علماء من كلية الطب بجامعة ستانفورد عن اختراع أداة تشخيصية جديدة.",
    "تحطمت طائرة جاس-٣٩ غربين على مدرج في حوالي الساعة ٩:٣٠ صباحاً بالتوقيت المحلي.",
    "تحرّكت المظاهرة من وايتهول في حوالي السّاعة 11:29، مروراً بميدان ترافالغار.",
    "كان حزبُ المحافظين يَعقد منتدى الرّبيع في فندق غرف غراند كونوت.",
]
EN = [
    "On Monday, scientists announced the invention of a new diagnostic tool that can sort cells by type.",
    "Lead researchers say this may bring early detection of cancer, tuberculosis, HIV and malaria.",
    "The JAS 39C Gripen crashed onto a runway at around 9:30 am local time and exploded.",
]
FA_TITLE = "ابزار تشخیصی جدید دانشگاه استنفورد"
FOOTNOTE = "منبع: گزارش خبرگزاری در تاریخ ۱۴۰۳/۰۵/۱۲."
CELLS = ["ستون اول جدول", "ستون دوم جدول"]
RUNNING_HEAD = "روزنامه خبر امروز"
TWO_COLUMN_SENTENCES = [f"Sentence {n} tells the reader about event {n} of the day." for n in range(1, 121)]
# What a PDF's bidi, vowel marks, kashidas and ZWNJ make hard to read back, set justified (so
# that Arabic-script lines are stretched with kashidas): numbers, percentages and Latin words in
# brackets inside right-to-left text, a ZWNJ before or after a space, a presentation form the
# author typed (U+FE81), shadda with tanween (drawn as one glyph), a tatweel the author typed
# (الـ 4, بـ76, الـستات), a slash between Arabic words.
FA_HARD = [
    "عدد تکثیر پایه برابر با ۳.۷۷ (95% CI: 3.51-4.05) و R0 تطبیقی برابر با ۲.۲۳ بود.",
    "ویروس از طریق آنزیم ۲ (ACE2) و دی پپتیداز 4 (DPP4) به سلول‌های میزبان وارد می‌شود.",
    "دوره نهفتگی برابر با 14-1 روز بود و شمار گلبول‌ها کمتر از 4×109/L گزارش شد.",
    "این بیماری موجب مرگ بیش از ۸۰۰۰۰ نفر در جهان شده‌ که فاجعه‌ای برای بشریت است.",
    "نخستین موارد در عربستان ‌سعودی و سپس در کره جنوبی گزارش شدند.",
    "پلاسما از بیماران بهبودیافته برای تولید ﺁنتی‌بادی گرفته شد.",
]
AR_HARD = [
    "بلغت الحالات المؤكدة 66,576 عالميًّا، واتضح أن كلًّا من الحمى والسعال شائع بين المرضى.",
    "يعاني المرضى من ضيق التنفس و/أو نقص تأكسج الدم كما في نزلات البرد الـ 4 الشائعة.",
    "فاز الحزب بـ76 مقعدًا في شهر أبريل/نيسان من عام 2016 بعد حملة طويلة.",
    "أجريت الدراسة على 4,021 مريضًا تم تأكيد إصابتهم بالمرض في المستشفيات الكبرى.",
    "سجل اللاعب 11 من الأربع واثنين من الـستات في المباراة.",
]
# Brackets in right-to-left text as a browser draws them: pairs around Latin text after Latin
# text are left to right (PubMed (https://...), Toll (TLR)), pairs around Arabic-script text
# right to left, also with a Latin word between two of them; a number with its percent sign
# read right to left before Latin text; a URL broken after its hyphen.
FA_BRACKETS = [
    "براساس PubMed (https://www.ncbi.nlm.nih.gov/pubmed/)، بیش از ۲۰۰ مقاله در دو ماه منتشر شد.",
    "شناخت ویروس از طریق گیرنده‌های شبه Toll (TLR)، گیرنده شبه NOD (NLR) و گیرنده شبه RIG-I (RLR) انجام می‌شود.",
    "نتیجه آزمایش (نمونه اول) CoV (نمونه دوم) در گزارش آمده است.",
    "عدد تکثیر پایه برابر با ۳.۷۷ (95% CI: 3.51-4.05) و میزان مرگ و میر ۱.۴۴% بود (95% CI: 1.10-1.86%).",
    "تصویر تازه‌تری از اپیدمی در این نشانی آمده است (https://mp.weixin.qq.com/s/UlBi-HX_rHPXa1qHA2bhdA).",
]
# A URL too long for a column's line: it goes on to lines of Latin letters only, which stay in
# their paragraph and read right to left with it.
FA_URL = ("تصویر تازه‌تری از اپیدمی در گزارش این مرکز آمده است "
          "(https://mp.weixin.qq.com/s/UlBi-HX_rHPXa1qHA2bhdA-COVID-report-2020).")
URL_PARAGRAPHS = [f"{FA[n % len(FA)]} {FA_URL} {FA[(n + 2) % len(FA)]}" for n in range(12)]
# Names of several Latin words in Arabic text: a right-to-left line that begins with one shows
# it at its right end, its first word leftmost.
AR_NAMES = [
    "لم توضح شركة إدارة الفرقة \"HK Management Inc.\" سبب الإلغاء في يوم 20 من أيلول.",
    "قطع التيار الكهربائي بعد اختبار روتيني لنظام القيادة قرب محطة الضخ Fort Greely 9 في ألاسكا.",
    "ظهر السائق Nelson Piquet Jr. في سباق سنغافورة بعد توقف مبكر لزميله.",
    "نشرت جامعة Stanford University School of Medicine نتائج الدراسة على موقعها.",
]
# Paragraphs with a line break the author typed after a short first line, which LibreOffice
# stretches to the column's width when justified.
TYPED_BREAKS = [f"{FA_TITLE}\n{FA[n]} {FA[(n + 1) % len(FA)]}" for n in range(len(FA))]
LONG_EN = [f"Paragraph {n} begins here, and it goes on for a while about the news of day {n}. "
           + " ".join(EN) for n in range(1, 31)]


def news_page(title: str, sentences: List[str], lang: str, direction: str) -> str:
    """A news page as sites write them: chrome, the article, related links, comments, scripts."""
    body = "".join(f"<p>{s}</p>" for s in sentences)
    return (f'<!DOCTYPE html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">'
            f"<title>{title} | News Site</title><script>var tracking = {{id: 42}};</script>"
            "<style>body {font-family: sans-serif}</style></head><body>"
            '<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>'
            f"<main><article><h1>{title}</h1>{body}</article>"
            '<aside class="related"><h3>Related</h3><ul><li><a href="/a">Markets close higher on Friday</a></li>'
            '<li><a href="/b">Weather: storms expected this weekend</a></li></ul></aside>'
            '<section class="comments" id="comments"><h3>Comments</h3><div class="comment">'
            "<p>Great article, thanks for sharing this with us.</p></div></section></main>"
            '<footer><p>Copyright 2024 News Site. All rights reserved.</p></footer></body></html>')


def flash_page(text: str, lang: str, direction: str) -> str:
    """A news flash: the whole story is the page's headline, under a breadcrumb and over a byline."""
    return (f'<!DOCTYPE html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">'
            f"<title>{text} - The Daily Report</title></head><body>"
            '<header><nav><ul><li><a href="/">Home</a></li><li><a href="/w">World</a></li></ul></nav></header>'
            '<div class="breadcrumb"><a href="/">Home</a> › <a href="/w">World</a></div>'
            f'<main><article><h1>{text}</h1><div class="byline">2024-05-01 09:30</div>'
            '<div class="share"><a href="#">Facebook</a> <a href="#">X</a></div></article></main>'
            "<footer><p>Copyright 2024 News Site.</p></footer></body></html>")


def wire_page(title: str, paragraph: str, lang: str, direction: str) -> str:
    """A short article on an old wire site's page: a table, the story in one cell and a column of
    latest-news links in the next."""
    latest = "<br>".join(f"<a href='/l{k}'>{headline}</a>" for k, headline in enumerate(
        ["Markets close higher on Friday", "Weather: storms expected this weekend", "Council approves the budget"]))
    return (f'<html lang="{lang}"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
            f"<title>{title}</title></head><body dir={direction}><table width='100%'><tr>"
            f"<td class='content' valign='top'><div class='title'><b>{title}</b></div><div class='text'>{paragraph}</div>"
            "<div class='tools'><a href='#'>Print</a> | <a href='#'>E-mail</a></div></td>"
            f"<td class='latest' width='200' valign='top'><b>Latest news</b><br>{latest}</td></tr></table></body></html>")


def write_docx(path: Path) -> None:
    """python-docx: a title, right-to-left paragraphs, a heading, a table with a merged cell."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.core_properties.language = "fa-IR"
    document.add_heading(FA_TITLE, level=1)
    for sentence in FA[:3]:
        document.add_paragraph(sentence)
    document.add_heading("بخش دوم", level=2)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = CELLS
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = FA[3]
    document.add_paragraph(FA[4])
    for paragraph in document.element.body.iter(qn("w:p")):  # every paragraph right to left, as Word writes Persian
        if paragraph.pPr is None or paragraph.pPr.find(qn("w:bidi")) is None:
            paragraph.get_or_add_pPr().append(OxmlElement("w:bidi"))
    document.save(str(path))


def write_odt(path: Path, sentences: List[str], title: str, rtl: bool, pages: int = 1,
              columns: int = 1, footnote: bool = True, lang: str = "fa") -> None:
    """odfpy: a heading, paragraphs (repeated to fill ``pages``), a table, a footnote, a running
    head and page numbers in the footer; ``columns`` 2 sets the body in two columns."""
    from odf.opendocument import OpenDocumentText
    from odf.style import (Columns, Footer, Header, MasterPage, PageLayout, PageLayoutProperties,
                           ParagraphProperties, SectionProperties, Style, TextProperties)
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, Note, NoteBody, NoteCitation, P, PageNumber, Section
    from odf import dc

    document = OpenDocumentText()
    document.meta.addElement(dc.Language(text=lang))
    paragraph_style = Style(name="Body", family="paragraph")
    paragraph_style.addElement(ParagraphProperties(writingmode="rl-tb" if rtl else "lr-tb",
                                                   marginbottom="0.25cm"))
    document.automaticstyles.addElement(paragraph_style)
    layout = PageLayout(name="Page")
    layout.addElement(PageLayoutProperties(pagewidth="21cm", pageheight="29.7cm", margintop="1.5cm",
                                           marginbottom="1.5cm", marginleft="2cm", marginright="2cm"))
    document.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    header, footer = Header(), Footer()
    header.addElement(P(text=RUNNING_HEAD, stylename=paragraph_style))
    number = P(stylename=paragraph_style)
    number.addElement(PageNumber(selectpage="current"))
    footer.addElement(number)
    master.addElement(header)
    master.addElement(footer)
    document.masterstyles.addElement(master)
    heading_style = Style(name="Headline", family="paragraph")
    heading_style.addElement(ParagraphProperties(writingmode="rl-tb" if rtl else "lr-tb", marginbottom="0.4cm"))
    heading_style.addElement(TextProperties(fontsize="16pt", fontsizecomplex="16pt", fontweight="bold"))
    document.automaticstyles.addElement(heading_style)
    document.text.addElement(H(outlinelevel=1, text=title, stylename=heading_style))
    body = document.text
    if columns > 1:
        section_style = Style(name="Columns", family="section")
        properties = SectionProperties()
        properties.addElement(Columns(columncount=str(columns), columngap="0.8cm"))
        section_style.addElement(properties)
        document.automaticstyles.addElement(section_style)
        body = Section(name="Body", stylename=section_style)
        document.text.addElement(body)
    for _ in range(pages):
        for sentence in sentences:
            body.addElement(P(text=sentence, stylename=paragraph_style))
    if footnote:
        cited = P(text=FA[0] if rtl else EN[0], stylename=paragraph_style)
        note = Note(id="ftn1", noteclass="footnote")
        note.addElement(NoteCitation(text="1"))
        note_body = NoteBody()
        note_body.addElement(P(text=FOOTNOTE))
        note.addElement(note_body)
        cited.addElement(note)
        body.addElement(cited)
        table = Table(name="Cells")
        table.addElement(TableColumn(numbercolumnsrepeated=2))
        row = TableRow()
        for text in CELLS:
            cell = TableCell()
            cell.addElement(P(text=text))
            row.addElement(cell)
        table.addElement(row)
        body.addElement(table)
    document.save(str(path))



def varied_paragraphs(count: int, seed: int = 7) -> List[str]:
    """``count`` paragraphs of made-up English sentences whose lines all differ, even with their
    digits aside (a line found at the edge of several pages is a running head)."""
    words = ("the council said river market school report minister doctor storm budget police station "
             "train harbour museum election farmers water bridge village hospital court ministry festival "
             "weather prices workers museum teachers league season officials statement plan").split()
    rng = random.Random(seed)
    return [" ".join(" ".join(rng.choice(words) for _ in range(rng.randint(8, 14))).capitalize() + "."
                     for _ in range(4)) for _ in range(count)]


PRINTED_EN = varied_paragraphs(30)


def hard_paragraphs(sentences: List[str], count: int) -> List[str]:
    """``count`` paragraphs of several of ``sentences`` each, long enough to fill many lines."""
    return [" ".join(sentences[(n + k) % len(sentences)] for k in range(4)) for n in range(count)]


def write_justified_odt(path: Path, paragraphs: List[str], rtl: bool, columns: int = 1, lang: str = "fa") -> None:
    """odfpy: justified paragraphs with a running head and page numbers, the page (and its
    columns) in the text's direction, as a Persian or Arabic document is set."""
    from odf.opendocument import OpenDocumentText
    from odf.style import (Columns, Footer, Header, MasterPage, PageLayout, PageLayoutProperties,
                           ParagraphProperties, SectionProperties, Style)
    from odf.text import LineBreak, P, PageNumber, Section
    from odf import dc

    mode = "rl-tb" if rtl else "lr-tb"
    document = OpenDocumentText()
    document.meta.addElement(dc.Language(text=lang))
    style = Style(name="Body", family="paragraph")
    style.addElement(ParagraphProperties(writingmode=mode, marginbottom="0.3cm", textalign="justify"))
    document.automaticstyles.addElement(style)
    layout = PageLayout(name="Page")
    layout.addElement(PageLayoutProperties(pagewidth="21cm", pageheight="29.7cm", margin="2cm", writingmode=mode))
    document.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    header, footer, number = Header(), Footer(), P(stylename=style)
    header.addElement(P(text=RUNNING_HEAD, stylename=style))
    number.addElement(PageNumber(selectpage="current"))
    footer.addElement(number)
    master.addElement(header)
    master.addElement(footer)
    document.masterstyles.addElement(master)
    body = document.text
    if columns > 1:
        section_style = Style(name="Columns", family="section")
        properties = SectionProperties(writingmode=mode)
        properties.addElement(Columns(columncount=str(columns), columngap="0.8cm"))
        section_style.addElement(properties)
        document.automaticstyles.addElement(section_style)
        body = Section(name="Body", stylename=section_style)
        document.text.addElement(body)
    for paragraph in paragraphs:
        element = P(stylename=style)
        for k, line in enumerate(paragraph.split("\n")):
            if k:
                element.addElement(LineBreak())  # a line break the author typed
            element.addText(line)
        body.addElement(element)
    document.save(str(path))


def soffice(files: List[Path], target: str, outdir: Path, profile: Path) -> None:
    """One LibreOffice headless conversion of ``files`` to ``target`` (pdf, docx, odt)."""
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
                    "--outdir", str(outdir), *map(str, files)], check=True, capture_output=True, timeout=240)


def print_page(paragraphs: List[str], lang: str, pdf: Path, profile: Path, columns: int = 2) -> None:
    """``paragraphs`` in ``columns`` with a browser's default gutter (an em), printed to ``pdf``
    by headless Chromium (Skia's PDF writer: its own glyph order, a space glyph for a ZWNJ)."""
    direction = "ltr" if lang == "en" else "rtl"
    page = pdf.with_suffix(".html")
    page.write_text(f'<!DOCTYPE html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">'
                    f"<style>body {{columns: {columns}}}</style></head><body>"
                    + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>", encoding="utf-8")
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)


def write_warc(path: Path, pages: Dict[str, str], gzipped: bool = True) -> None:
    """warcio: warcinfo, then per URL a request and its HTML response; an image, a redirect and
    a 404 page among them (not documents)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=gzipped)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "aligner tests"}))

        def response(url: str, status: str, content_type: str, payload: bytes) -> None:
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(payload),
                                                          http_headers=headers))

        for url, html in pages.items():
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            response(url, "200 OK", "text/html; charset=utf-8", html.encode("utf-8"))
        response("https://news.example/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
        response("https://news.example/old", "301 Moved Permanently", "text/html", b"<html>moved</html>")
        response("https://news.example/missing", "404 Not Found", "text/html", b"<html><p>Not found</p></html>")


def gzip_members(data: bytes) -> List[int]:
    """The offsets of the gzip members of a WARC.gz (one per record)."""
    offsets, position = [], 0
    while position < len(data):
        offsets.append(position)
        stream = io.BytesIO(data[position:])
        with gzip.GzipFile(fileobj=stream) as member:
            member.read()
        decompressor_end = _member_length(data[position:])
        position += decompressor_end
    return offsets


def _member_length(data: bytes) -> int:
    import zlib

    decompressor = zlib.decompressobj(31)
    decompressor.decompress(data)
    return len(data) - len(decompressor.unused_data)


def build(folder: Path) -> Dict[str, Path]:
    """Every fixture file under ``folder``; returns them by name."""
    from pypdf import PdfReader, PdfWriter

    folder.mkdir(parents=True, exist_ok=True)
    files: Dict[str, Path] = {}

    def path(name: str) -> Path:
        files[name] = folder / name
        return files[name]

    write_docx(path("article.docx"))
    write_odt(path("article.odt"), FA, FA_TITLE, rtl=True)
    write_odt(path("persian.odt"), FA, FA_TITLE, rtl=True, pages=12, footnote=False)
    write_odt(path("arabic.odt"), AR, "أداة تشخيصية جديدة", rtl=True, pages=1, footnote=False, lang="ar")
    write_odt(path("columns.odt"), TWO_COLUMN_SENTENCES, "Two columns of news", rtl=False, columns=2,
              footnote=False, lang="en")
    justified = {"hard-fa": (FA_HARD, True, 1, "fa"), "hard-ar": (AR_HARD, True, 1, "ar"),
                 "hard-fa-2col": (FA_HARD, True, 2, "fa"), "hard-ar-2col": (AR_HARD, True, 2, "ar"),
                 "names-ar": (AR_NAMES, True, 1, "ar"), "names-ar-2col": (AR_NAMES, True, 2, "ar")}
    for stem, (sentences, rtl, columns, lang) in justified.items():
        write_justified_odt(path(f"{stem}.odt"), hard_paragraphs(sentences, 24), rtl, columns, lang)
    write_justified_odt(path("urls-fa-2col.odt"), URL_PARAGRAPHS, rtl=True, columns=2)
    write_justified_odt(path("long-columns.odt"), LONG_EN, rtl=False, columns=2, lang="en")
    write_justified_odt(path("typed-breaks.odt"), TYPED_BREAKS * 6, rtl=True)  # pages: the running head goes
    convert = folder / "converted"
    convert.mkdir(exist_ok=True)
    profile = folder / "soffice-profile"
    to_pdf = ["persian", "arabic", "columns", "long-columns", "typed-breaks", "urls-fa-2col", *justified]
    soffice([files[f"{stem}.odt"] for stem in to_pdf], "pdf", convert, profile)
    soffice([files["article.odt"]], "docx", convert, profile)
    for stem in to_pdf:
        shutil.move(convert / f"{stem}.pdf", path(f"{stem}.pdf"))
    shutil.move(convert / "article.docx", path("footnotes.docx"))
    print_page(PRINTED_EN, "en", path("printed-en.pdf"), folder / "chromium-profile")
    print_page(hard_paragraphs(FA, 6), "fa", path("printed-fa.pdf"), folder / "chromium-profile")
    print_page(hard_paragraphs(FA_BRACKETS, 8), "fa", path("printed-brackets.pdf"), folder / "chromium-profile", 1)
    print_page(URL_PARAGRAPHS, "fa", path("printed-urls.pdf"), folder / "chromium-profile")
    path("page.html").write_text(news_page(FA_TITLE, FA, "fa", "rtl"), encoding="utf-8")
    path("flash.html").write_text(flash_page(" ".join(FA), "fa", "rtl"), encoding="utf-8")
    path("wire.html").write_text(wire_page(FA_TITLE, " ".join(FA), "fa", "rtl"), encoding="utf-8")
    pages = {"https://news.example/fa/2024/story-1": news_page(FA_TITLE, FA, "fa", "rtl"),
             "https://news.example/fa/2024/story-2": news_page("خبر دوم", FA[2:], "fa", "rtl")}
    write_warc(path("crawl.warc.gz"), pages)
    write_warc(path("crawl-en.warc.gz"), {"https://news.example/en/2024/story-1":
                                          news_page("New diagnostic tool", EN, "en", "ltr")})
    write_warc(path("plain.warc"), pages, gzipped=False)
    _broken(folder, files, path)
    pdf = PdfWriter()
    page = PdfReader(files["arabic.pdf"]).pages[0]
    for _ in range(5000):
        pdf.add_page(page)
    with open(path("pages5000.pdf"), "wb") as handle:
        pdf.write(handle)
    blank = PdfWriter()
    for _ in range(2):
        blank.add_blank_page(595, 842)
    with open(path("scanned.pdf"), "wb") as handle:
        blank.write(handle)
    locked = PdfWriter(clone_from=files["arabic.pdf"])
    locked.encrypt(user_password="secret", owner_password="owner")
    with open(path("encrypted.pdf"), "wb") as handle:
        locked.write(handle)
    return files


def _broken(folder: Path, files: Dict[str, Path], path) -> None:
    docx_bytes = files["article.docx"].read_bytes()
    path("truncated.docx").write_bytes(docx_bytes[: len(docx_bytes) // 2])
    path("corrupt.docx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 40)
    path("truncated.pdf").write_bytes(files["arabic.pdf"].read_bytes()[:1500])
    # An encrypted DOCX is an OLE compound file (what Word writes when a password is set).
    path("encrypted.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4088)
    odt = zipfile.ZipFile(files["article.odt"])
    with zipfile.ZipFile(path("encrypted.odt"), "w") as out:
        for info in odt.infolist():
            data = odt.read(info)
            if info.filename == "META-INF/manifest.xml":  # what LibreOffice writes for a password-protected file
                data = re.sub(rb'(<manifest:file-entry[^>]*manifest:full-path="content.xml"[^>]*)/>',
                              rb'\1><manifest:encryption-data manifest:checksum-type="SHA1/1K" '
                              rb'manifest:checksum="AAAA"/></manifest:file-entry>', data)
            if info.filename == "content.xml":
                data = bytes(b ^ 0x5A for b in data)
            out.writestr(info, data)
    with zipfile.ZipFile(path("bomb.docx"), "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("[Content_Types].xml", "<Types/>")
        with out.open("word/document.xml", "w") as member:
            zeros = b"\0" * (1 << 20)
            for _ in range(64):
                member.write(zeros)
    with zipfile.ZipFile(path("members.odt"), "w") as out:
        out.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        for k in range(6000):
            out.writestr(f"Pictures/{k}.xml", "<x/>")
    scripts = "<script>" + "var x = 1;\n" * 4_800_000 + "</script>"
    path("scripts.html").write_text("<!DOCTYPE html><html lang='en'><head><title>Big page</title>" + scripts
                                    + "</head><body><article><h1>Big page</h1>" + "".join(f"<p>{s}</p>" for s in EN)
                                    + "</article></body></html>", encoding="utf-8")
    crawl = files["crawl.warc.gz"].read_bytes()
    members = gzip_members(crawl)
    path("cut.warc.gz").write_bytes(crawl[: members[-1] + (len(crawl) - members[-1]) // 2])
    # The third member (story 1's response) with its deflate data damaged: the crawl goes on after it.
    damaged = bytearray(crawl)
    for k in range(members[2] + 40, members[2] + 80):
        damaged[k] ^= 0xFF
    path("bad-member.warc.gz").write_bytes(bytes(damaged))
    plain = files["plain.warc"].read_bytes()
    path("cut.warc").write_bytes(plain[: len(plain) - 300])
