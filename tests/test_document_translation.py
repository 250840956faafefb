"""`aligner translate` on DOCX, ODT and HTML: the translation written back into the format.

The articles are written by the real writers (python-docx, odfpy, an HTML page as a news site
would serve it) from the test models' corpus; they are translated with the tiny lookup models
(tests/model_fixtures.py), whose output is compared with the same Translator's translation of
each sentence, so every paragraph's text is known exactly. Then the outputs are opened by
LibreOffice (one headless conversion for all of them) and the HTML page is rendered in headless
Chromium (Playwright), where right-to-left text must sit at the right margin.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from lxml import etree, html as lxml_html
from model_fixtures import make_test_models, test_models  # noqa: F401 (fixture)
from conftest import missing, required_module
from format_fixtures import soffice

from aligner.cli import main
from aligner.formats.documents import Block, Slot, distribute
from aligner.formats.docx import W_NS
from aligner.formats.odt import NS as ODF
from aligner.translate.store import ModelFolders, load_model
from aligner.translate.translator import Translator

EN = make_test_models.CORPUS["en"]
FA = make_test_models.CORPUS["fa"]
W = {"w": W_NS}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


# --- the articles -----------------------------------------------------------------------------

def write_docx(path: Path, sentences) -> Path:
    """Heading, a paragraph of bold + plain + italic runs, a plain paragraph, a 2x2 table, a header."""
    document = docx.Document()
    document.add_heading(sentences[1], level=1)
    paragraph = document.add_paragraph()
    paragraph.add_run(sentences[0] + " ").bold = True
    paragraph.add_run(sentences[2] + " ")
    paragraph.add_run(sentences[6]).italic = True
    document.add_paragraph(sentences[4])
    broken = document.add_paragraph().add_run(sentences[3])
    broken.add_break()  # a line break between two sentences of one run
    broken.add_text(sentences[8])
    table = document.add_table(rows=2, cols=2)
    for cell, sentence in zip(table._cells, (sentences[5], sentences[9], sentences[3], sentences[8])):
        cell.text = sentence
    document.sections[0].header.paragraphs[0].text = sentences[7]
    document.save(path)
    return path


def write_odt(path: Path, sentences) -> Path:
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, P, S, Span

    document = OpenDocumentText()
    bold = Style(name="Bold", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)
    document.text.addElement(H(outlinelevel=1, text=sentences[1]))
    paragraph = P()
    paragraph.addElement(Span(stylename=bold, text=sentences[0]))
    paragraph.addElement(S())
    paragraph.addText(sentences[2])
    document.text.addElement(paragraph)
    document.text.addElement(P(text=sentences[4]))
    table = Table(name="Figures")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    row = TableRow()
    table.addElement(row)
    for sentence in (sentences[5], sentences[9]):
        cell = TableCell()
        cell.addElement(P(text=sentence))
        row.addElement(cell)
    document.text.addElement(table)
    document.save(str(path))
    return path


def write_html(path: Path, sentences) -> Path:
    path.write_text(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{sentences[1]}</title>
<script>var headline = "{sentences[3]}";</script></head>
<body><h1>{sentences[1]}</h1>
<p><b>{sentences[0]}</b> {sentences[2]}</p>
<p align="left" style="margin: 0; text-align: left"><a href="https://example.org/storm">{sentences[8]}</a></p>
<table><tr><td>{sentences[5]}</td><td>{sentences[9]}</td></tr></table>
<p>{sentences[4]}</p>
</body></html>
""", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("documents")


def model_path(test_models, src, tgt):  # noqa: F811
    return {("en", "fa"): test_models["nllb"], ("en", "ar"): test_models["argos_en_ar"],
            ("fa", "en"): test_models["argos_fa_en"]}[(src, tgt)]


@pytest.fixture(scope="module")
def expected(test_models):  # noqa: F811
    """(src, tgt) -> {source sentence: its translation}, from the Translator the command uses."""
    def translations(src, tgt):
        model = load_model(model_path(test_models, src, tgt), ModelFolders.default())
        sentences = make_test_models.CORPUS[src]
        return dict(zip(sentences, Translator(model, src, tgt, device="cpu", cache=None).translate_list(sentences)))
    return {pair: translations(*pair) for pair in (("en", "fa"), ("fa", "en"))}


def translate(test_models, source: Path, output: Path, src: str, tgt: str, *extra):  # noqa: F811
    result = CliRunner().invoke(main, ["translate", str(source), "--from", src, "--to", tgt, "--model",
                                       str(model_path(test_models, src, tgt)), "-o", str(output), *extra])
    return result


@pytest.fixture(scope="module")
def translated(work, test_models):  # noqa: F811
    """name -> translated file: en->fa DOCX, ODT, HTML, fa->en DOCX, plain text -> DOCX."""
    jobs = {
        "docx": (write_docx(work / "article.docx", EN), work / "article.fa.docx", "en", "fa"),
        "odt": (write_odt(work / "article.odt", EN), work / "article.fa.odt", "en", "fa"),
        "html": (write_html(work / "article.html", EN), work / "article.fa.html", "en", "fa"),
        "docx_en": (write_docx(work / "maghaleh.docx", FA), work / "maghaleh.en.docx", "fa", "en"),
    }
    # Back into English: the right-to-left outputs become left to right again.
    jobs["odt_back"] = (work / "article.fa.odt", work / "article.back.odt", "fa", "en")
    jobs["html_back"] = (work / "article.fa.html", work / "article.back.html", "fa", "en")
    plain = work / "notes.txt"
    plain.write_text(f"{FA[1]}\n\n{FA[0]} {FA[2]}\n\n{FA[4]}\n", encoding="utf-8")
    jobs["text_docx"] = (plain, work / "notes.en.docx", "fa", "en")
    jobs["text_odt"] = (plain, work / "notes.en.odt", "fa", "en")
    for name, (source, output, src, tgt) in jobs.items():
        result = translate(test_models, source, output, src, tgt)
        assert result.exit_code == 0, (name, result.output)
    return {name: output for name, (_, output, _, _) in jobs.items()}


# --- what maps ----------------------------------------------------------------------------------

@pytest.mark.parametrize("runs, translation, expected_runs", [
    # one formatting: the whole translation in it
    ([("Hello world.", "b")], "Salam donya.", ["Salam donya."]),
    # a sentence inside one formatting keeps it exactly; the other sentence goes to the other
    ([("One two. ", "b"), ("Three four.", None)], "Yek do.|Se chahar.", ["Yek do. ", "Se chahar."]),
    # a sentence across two formattings: cut at a space, in proportion (4 : 4 characters)
    ([("Aaaa ", "i"), ("bbbb.", None)], "Xxxx yyyy.", ["Xxxx ", "yyyy."]),
    # a whitespace-only run between formattings is emptied
    ([("Aaaa.", "b"), (" ", None), ("Bbbb.", "i")], "Xx.|Yy.", ["Xx. ", "", "Yy."]),
])
def test_formatting_maps_onto_the_translation(runs, translation, expected_runs):
    written = [None] * len(runs)
    slots = [Slot(text, key, lambda new, k=k: written.__setitem__(k, new)) for k, (text, key) in enumerate(runs)]
    block = Block(slots)
    text = block.text
    sentences = [(m.start(), m.end()) for m in re.finditer(r"\S[^.]*\.", text)]
    distribute(block, sentences, translation.split("|"))
    assert written == expected_runs


# --- DOCX ---------------------------------------------------------------------------------------

def docx_xml(path: Path, part: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(part))


def test_docx_keeps_headings_runs_tables_and_header(translated, expected):
    t = expected[("en", "fa")]
    document = docx.Document(translated["docx"])
    paragraphs = [p for p in document.paragraphs if p.text]
    assert [p.style.name for p in paragraphs] == ["Heading 1", "Normal", "Normal", "Normal"]
    assert [p.text for p in paragraphs] == [t[EN[1]], f"{t[EN[0]]} {t[EN[2]]} {t[EN[6]]}", t[EN[4]],
                                            f"{t[EN[3]]} {t[EN[8]]}"]
    assert paragraphs[3]._p.find(".//w:br", W) is None  # the break's place went to the joined translation
    runs = [(r.text, bool(r.bold), bool(r.italic)) for r in paragraphs[1].runs]
    # Each run held whole sentences, so each sentence's translation keeps its run's formatting.
    assert runs == [(t[EN[0]] + " ", True, False), (t[EN[2]] + " ", False, False), (t[EN[6]], False, True)]
    cells = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert cells == [[t[EN[5]], t[EN[9]]], [t[EN[3]], t[EN[8]]]]
    assert document.sections[0].header.paragraphs[0].text == t[EN[7]]


def test_docx_for_persian_is_right_to_left_with_language_tags(translated):
    body = docx_xml(translated["docx"])
    paragraphs = body.findall(".//w:p", W)
    assert paragraphs and all(p.find("w:pPr/w:bidi", W) is not None for p in paragraphs)
    assert all(p.find("w:pPr/w:bidi", W).get(f"{{{W_NS}}}val") is None for p in paragraphs)
    runs = [r for r in body.iter(f"{{{W_NS}}}r") if r.find("w:t", W) is not None]
    assert all(r.find("w:rPr/w:rtl", W) is not None for r in runs)
    # Word's schema order: properties come first in a paragraph and a run
    assert all(p[0].tag == f"{{{W_NS}}}pPr" for p in paragraphs) and all(r[0].tag == f"{{{W_NS}}}rPr" for r in runs)
    assert {r.find("w:rPr/w:lang", W).get(f"{{{W_NS}}}bidi") for r in runs} == {"fa-IR"}
    bold = [r for r in runs if r.find("w:rPr/w:b", W) is not None]
    assert bold and all(r.find("w:rPr/w:bCs", W) is not None for r in bold)  # Arabic script shows bold
    assert body.find(".//w:tblPr/w:bidiVisual", W) is not None
    assert body.find(".//w:sectPr/w:bidi", W) is not None
    styles = docx_xml(translated["docx"], "word/styles.xml")
    assert styles.find(".//w:rPrDefault/w:rPr/w:lang", W).get(f"{{{W_NS}}}bidi") == "fa-IR"


def test_docx_into_english_is_left_to_right(translated, expected):
    t = expected[("fa", "en")]
    document = docx.Document(translated["docx_en"])
    assert [p.text for p in document.paragraphs if p.text][:2] == [t[FA[1]], f"{t[FA[0]]} {t[FA[2]]} {t[FA[6]]}"]
    body = docx_xml(translated["docx_en"])
    switches = body.findall(".//w:pPr/w:bidi", W)
    assert switches and {s.get(f"{{{W_NS}}}val") for s in switches} == {"0"}
    assert body.find(".//w:rPr/w:rtl", W) is None and body.find(".//w:bidiVisual", W) is None
    langs = {lang.get(f"{{{W_NS}}}val") for lang in body.iter(f"{{{W_NS}}}lang")}
    assert langs == {"en-US"}


def test_plain_text_becomes_a_new_docx(translated, expected):
    t = expected[("fa", "en")]
    document = docx.Document(translated["text_docx"])
    assert [p.text for p in document.paragraphs] == [t[FA[1]], f"{t[FA[0]]} {t[FA[2]]}", t[FA[4]]]
    assert docx_xml(translated["text_docx"]).find(".//w:pPr/w:bidi", W).get(f"{{{W_NS}}}val") == "0"
    body = odt_xml(translated["text_odt"], "content.xml").find("office:body/office:text", ODF)
    assert [text_of(p) for p in body] == [t[FA[1]], f"{t[FA[0]]} {t[FA[2]]}", t[FA[4]]]


# --- ODT and HTML -------------------------------------------------------------------------------

def odt_xml(path: Path, part: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist()[0] == "mimetype"
        assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        return etree.fromstring(archive.read(part))


def text_of(element) -> str:
    return "".join(element.itertext())


def test_odt_keeps_structure_and_is_right_to_left(translated, expected):
    t = expected[("en", "fa")]
    content = odt_xml(translated["odt"], "content.xml")
    body = content.find("office:body/office:text", ODF)
    heading = body.find("text:h", ODF)
    assert text_of(heading) == t[EN[1]] and heading.get(f"{{{ODF['text']}}}outline-level") == "1"
    first, second = body.findall("text:p", ODF)
    assert text_of(first) == f"{t[EN[0]]} {t[EN[2]]}"
    assert text_of(first.find("text:span", ODF)) == t[EN[0]] + " "  # the bold sentence stays bold
    assert first.find("text:s", ODF) is None  # the source's space element is not left behind
    assert text_of(second) == t[EN[4]]
    assert [text_of(cell) for cell in body.iter(f"{{{ODF['table']}}}table-cell")] == [t[EN[5]], t[EN[9]]]
    styles = odt_xml(translated["odt"], "styles.xml")
    paragraph_styles = [s for root in (content, styles) for s in root.iter(f"{{{ODF['style']}}}style",
                                                                           f"{{{ODF['style']}}}default-style")
                        if s.get(f"{{{ODF['style']}}}family") == "paragraph"]
    assert paragraph_styles
    for style in paragraph_styles:
        properties = style.find("style:paragraph-properties", ODF)
        assert properties.get(f"{{{ODF['style']}}}writing-mode") == "rl-tb"
        assert style.find("style:text-properties", ODF).get(f"{{{ODF['style']}}}language-complex") == "fa"
    bold = content.find(".//style:style[@style:name='Bold']/style:text-properties", ODF)
    assert bold.get(f"{{{ODF['style']}}}font-weight-complex") == "bold"
    meta = odt_xml(translated["odt"], "meta.xml")
    assert meta.find(".//dc:language", ODF).text == "fa-IR"


def test_right_to_left_documents_translated_into_english_are_left_to_right(translated):
    styles = odt_xml(translated["odt_back"], "styles.xml")
    default = next(s for s in styles.iter(f"{{{ODF['style']}}}default-style")
                   if s.get(f"{{{ODF['style']}}}family") == "paragraph")
    properties = default.find("style:paragraph-properties", ODF)
    # "end" made the Persian paragraphs start at the right margin; in English they start at the left.
    assert properties.get(f"{{{ODF['style']}}}writing-mode") == "lr-tb"
    assert properties.get(f"{{{ODF['fo']}}}text-align") == "start"
    assert default.find("style:text-properties", ODF).get(f"{{{ODF['fo']}}}language") == "en"
    page = lxml_html.fromstring(translated["html_back"].read_bytes())
    assert (page.get("lang"), page.get("dir")) == ("en", "ltr")
    assert {(e.get("dir"), e.get("lang")) for e in page.iter("h1", "p", "td")} == {("ltr", "en")}


def test_html_keeps_markup_translates_text_only_and_is_right_to_left(translated, expected):
    t = expected[("en", "fa")]
    page = lxml_html.fromstring(translated["html"].read_bytes())
    assert (page.get("lang"), page.get("dir")) == ("fa", "rtl")
    assert page.findtext(".//title") == t[EN[1]]
    assert EN[3] in page.findtext(".//script")  # scripts are never translated
    assert [text_of(e) for e in page.iter("h1", "p", "td")] == [
        t[EN[1]], f"{t[EN[0]]} {t[EN[2]]}", t[EN[8]], t[EN[5]], t[EN[9]], t[EN[4]]]
    assert page.find(".//p/b").text == t[EN[0]] + " "
    link = page.find(".//p/a")
    assert link.get("href") == "https://example.org/storm" and link.text == t[EN[8]]
    # aligned to the start of the line in English, so to its start in Persian too
    aligned = link.getparent()
    assert aligned.get("align") == "right" and aligned.get("style") == "margin: 0; text-align: right"
    assert {(e.get("dir"), e.get("lang")) for e in page.iter("h1", "p", "td")} == {("rtl", "fa")}
    assert b'<meta charset="utf-8">' in translated["html"].read_bytes()


# --- bad input ----------------------------------------------------------------------------------

# bad input -> what its one-line message says
BAD_MESSAGES = {"truncated": "not a readable zip", "encrypted": "encrypted", "bomb": "zip bomb",
                "not-text": "OpenDocument file of type", "nested": "beyond the parser's limits"}


def write_bad_inputs(folder: Path) -> None:
    article = write_docx(folder / "whole.docx", EN).read_bytes()
    (folder / "truncated.docx").write_bytes(article[: len(article) // 2])
    (folder / "encrypted.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000))
    with zipfile.ZipFile(folder / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("[Content_Types].xml", "<Types/>")
        bomb.writestr("word/document.xml", b"<" + b" " * (40 * 2**20))  # inflates 40 MB at about 1000:1
    with zipfile.ZipFile(folder / "not-text.odt", "w") as other:
        other.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    # libxml2 stops at 2,048 levels and would quietly return the page cut there
    (folder / "nested.html").write_text(f"<html><body><p>{EN[0]}</p>{'<b>' * 5000}{EN[1]}</body></html>",
                                        encoding="utf-8")


@pytest.mark.parametrize("name", list(BAD_MESSAGES))
def test_bad_documents_fail_with_one_line_and_write_nothing(work, test_models, name):  # noqa: F811
    folder = work / "bad"
    if not folder.exists():
        folder.mkdir()
        write_bad_inputs(folder)
    source = next(folder.glob(f"{name}.*"))
    output = folder / f"out-{name}{source.suffix}"
    result = translate(test_models, source, output, "en", "ar")
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and BAD_MESSAGES[name] in lines[0], lines
    assert not output.exists() and not list(folder.glob(".out-*"))


def test_a_page_with_megabytes_of_script_is_translated_whole(work, test_models, expected):  # noqa: F811
    """One 12 MB script (beyond libxml2's default 10 MB text node): kept byte for byte, and the
    text after it is translated, not cut off."""
    t = expected[("en", "fa")]
    script = "var tracker = 1;" * 750_000
    source = work / "heavy.html"
    source.write_text(f"<html><body><p>{EN[0]}</p><script>{script}</script><p>{EN[1]}</p></body></html>",
                      encoding="utf-8")
    result = translate(test_models, source, work / "heavy.fa.html", "en", "fa")
    assert result.exit_code == 0, result.output
    page = lxml_html.document_fromstring((work / "heavy.fa.html").read_bytes(),
                                         parser=lxml_html.HTMLParser(huge_tree=True))
    assert [p.text for p in page.iter("p")] == [t[EN[0]], t[EN[1]]]
    assert page.find(".//script").text == script


def test_a_document_without_a_document_output_gives_text(work, translated, test_models, expected):  # noqa: F811
    """No -o: one translated sentence per line on stdout, the DOCX read by text/readers."""
    t = expected[("en", "fa")]
    result = CliRunner().invoke(main, ["translate", str(work / "article.docx"), "--from", "en", "--to", "fa",
                                       "--model", str(test_models["nllb"])])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line]
    assert {t[EN[1]], t[EN[0]], t[EN[2]], t[EN[6]], t[EN[4]]} <= set(lines)


def test_a_document_format_needs_one_input_and_an_output_file(work, translated, test_models):  # noqa: F811
    for arguments in ([str(work / "article.docx"), "--format", "docx"],
                      [str(work / "article.docx"), str(work / "article.odt"), "-o", str(work / "both.docx")]):
        result = CliRunner().invoke(main, ["translate", *arguments, "--from", "en", "--to", "fa",
                                           "--model", str(test_models["nllb"])])
        assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1, result.output


# --- PDF in ---------------------------------------------------------------------------------

def soffice_convert(work: Path, target: str, out: Path, *files: Path) -> None:
    if shutil.which("soffice") is None:
        missing("LibreOffice is not installed (apt-get install -y libreoffice-writer)")
    soffice(list(files), target, out, work / "lo-profile")


def test_a_pdf_becomes_a_right_to_left_docx_or_text(work, test_models, expected):  # noqa: F811
    """The English article printed to PDF by LibreOffice, read by text/readers, translated into
    a new DOCX (its body paragraphs come back as paragraphs, right to left) or into text."""
    t = expected[("en", "fa")]
    source = write_docx(work / "printed.docx", EN)
    soffice_convert(work, "pdf", work, source)
    output = work / "printed.fa.docx"
    result = translate(test_models, work / "printed.pdf", output, "en", "fa")
    assert result.exit_code == 0, result.output
    paragraphs = [p.text for p in docx.Document(output).paragraphs]
    assert t[EN[4]] in paragraphs and f"{t[EN[0]]} {t[EN[2]]} {t[EN[6]]}" in paragraphs
    assert {p.find("w:pPr/w:bidi", W) is not None for p in docx_xml(output).iter(f"{{{W_NS}}}p")} == {True}
    as_text = CliRunner().invoke(main, ["translate", str(work / "printed.pdf"), "--from", "en", "--to", "fa",
                                        "--model", str(test_models["nllb"])])
    assert as_text.exit_code == 0 and t[EN[4]] in as_text.output.splitlines(), as_text.output


# --- LibreOffice and Chromium -------------------------------------------------------------------

def collapse(text: str) -> str:
    return " ".join(text.split())


def test_libreoffice_opens_the_outputs_right_to_left(work, translated, expected):
    t = expected[("en", "fa")]
    inputs = {"docx": work / "lo-docx.docx", "odt": work / "lo-odt.odt"}
    for name, copy in inputs.items():
        shutil.copyfile(translated[name], copy)
    out = work / "libreoffice"
    soffice_convert(work, "html", out, *inputs.values())
    for name, copy in inputs.items():
        page = lxml_html.fromstring((out / f"{copy.stem}.html").read_bytes())
        text = collapse(text_of(page.find("body")))
        for sentence in (EN[1], EN[0], EN[2], EN[4], EN[5], EN[9]):
            assert collapse(t[sentence]) in text, (name, sentence)
        assert page.find(".//h1") is not None and page.find(".//table") is not None, name
        # LibreOffice shows the bold sentence bold (and, in the DOCX, the italic one italic)
        assert collapse("".join(text_of(b) for b in page.iter("b"))) == collapse(t[EN[0]]), name
        if name == "docx":
            assert collapse("".join(text_of(i) for i in page.iter("i"))) == collapse(t[EN[6]])
        # LibreOffice writes dir where a paragraph's direction differs from its table's or the page's.
        assert page.find("body").get("dir") == "rtl", name
        for paragraph in page.iter("p", "h1"):
            nearest = next(e for e in (paragraph, *paragraph.iterancestors()) if e.get("dir"))
            assert nearest.get("dir") == "rtl", (name, text_of(paragraph))


def test_chromium_lays_the_html_out_right_to_left(work, translated):
    sync_api = required_module("playwright.sync_api", "pip install playwright")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        missing("chromium is not installed (apt-get install -y chromium)")
    script = """() => [...document.querySelectorAll('h1, p, td')].map(e => {
        const range = document.createRange(); range.selectNodeContents(e);
        const text = range.getBoundingClientRect(), box = e.getBoundingClientRect();
        return {direction: getComputedStyle(e).direction, boxLeft: box.left, boxRight: box.right,
                textLeft: text.left, textRight: text.right};
    })"""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            layouts = {}
            for name, path in (("source", work / "article.html"), ("translated", translated["html"])):
                page.goto(path.resolve().as_uri())
                layouts[name] = page.evaluate(script)
        finally:
            browser.close()
    assert {e["direction"] for e in layouts["source"]} == {"ltr"}
    assert {e["direction"] for e in layouts["translated"]} == {"rtl"}
    # Every block's text ends at its box's right edge, and a line shorter than the box leaves the
    # space on the left (the English source: the other way round).
    for element in layouts["translated"]:
        assert abs(element["textRight"] - element["boxRight"]) < 2, element
    short = [e for e in layouts["translated"] if e["textRight"] - e["textLeft"] < (e["boxRight"] - e["boxLeft"]) / 2]
    assert short and all(e["textLeft"] - e["boxLeft"] > 50 for e in short)
    assert all(abs(e["textLeft"] - e["boxLeft"]) < 2 for e in layouts["source"])
