"""report.html: content, escaping, direction attributes, verdicts, reasons in plain words (no browser needed)."""

from __future__ import annotations

import html
import html.parser
import re
import statistics
import weakref
from pathlib import Path
from typing import List

import pytest

from aligner.bitext import BitextLink
from aligner.formats import report
from aligner.score import LengthRatio, NumberAgreement, length_plausibility, length_z
from aligner.formats.report import explain_link, histogram_svg, render_report, text_dir, write_report


def _lines(path: Path, count: int) -> List[str]:
    return path.read_text(encoding="utf-8").split("\n")[:count]


def flores_links(shared_dir: Path, count: int = 60) -> List[BitextLink]:
    """A bitext in the shape the aligner writes, made from FLORES devtest articles.

    Documents are FLORES articles (consecutive lines with one URL). Most links are the true 1-1
    pairs; some documents get the faults a real run has: a 2-1 merge with the left-over target
    as 0-1, a shifted (wrong) pairing, a dropped target sentence (1-0) and an untranslated copy.
    Scores are fixture values: high for true pairs, low for shifted ones.
    """
    flores = shared_dir / "data" / "flores200"
    urls = [row.split("\t")[0] for row in _lines(flores / "devtest.metadata.tsv", count + 1)[1:]]
    texts = {lang: _lines(flores / f"devtest.{lang}", count) for lang in ("en", "fa", "ar")}
    documents: List[List[int]] = []
    for index, url in enumerate(urls):
        if index == 0 or url != urls[index - 1]:
            documents.append([])
        documents[-1].append(index)
    links = []
    for number, indices in enumerate(documents):
        tgt_lang = "fa" if number % 3 else "ar"
        name = urls[indices[0]].rsplit("/", 1)[-1]
        src_doc, tgt_doc = f"{name}.en.txt", f"{name}.{tgt_lang}.txt"
        en, tgt = texts["en"], texts[tgt_lang]

        def link(src_ids, tgt_ids, score, tgt_text=None):
            src_text = " ".join(en[indices[i]] for i in src_ids)
            links.append(BitextLink(
                src_doc, tgt_doc, "en", tgt_lang, tuple(src_ids), tuple(tgt_ids), src_text,
                tgt_text if tgt_text is not None else " ".join(tgt[indices[i]] for i in tgt_ids),
                score=None if not src_ids or not tgt_ids else score,
                scores={} if not src_ids or not tgt_ids else {"similarity": score, "length": min(1, score + .1)},
                provenance={"aligner": "fixture"}))

        positions = list(range(len(indices)))
        if number == 2 and len(indices) >= 3:  # 2-1 merge, the second target left over
            link([0, 1], [0], 0.62)
            link([], [1], None)
            positions = positions[2:]
        elif number == 4:  # shifted: each English sentence paired with the next translation
            for i in positions[:-1]:
                link([i], [i + 1], 0.12 + 0.01 * i)
            link([positions[-1]], [], None)
            link([], [0], None)
            continue
        elif number == 5:  # the last target sentence was dropped
            link([positions[-1]], [], None)
            positions = positions[:-1]
        elif number == 7:  # an untranslated copy slipped through with a good score
            link([0], [0], 0.91, tgt_text=en[indices[0]])
            positions = positions[1:]
        for i in positions:
            link([i], [i], round(0.70 + 0.25 * ((indices[i] * 37) % 11) / 10, 3))
    return links


class _Collect(html.parser.HTMLParser):
    """Cells with their attributes, and every attribute that could fetch something."""

    def __init__(self):
        super().__init__()
        self.cells, self.fetching = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "td" and "dir" in attrs:
            self.cells.append(attrs)
        for name in ("src", "href", "srcset", "data"):
            if name in attrs and not (attrs[name] or "").startswith("#"):
                self.fetching.append((tag, name, attrs[name]))


@pytest.fixture(scope="module")
def links(shared_dir):
    return flores_links(shared_dir)


@pytest.fixture(scope="module")
def page(links):
    return render_report(links, notes=["corpora/x.fa.txt skipped: not UTF-8"], title="test run")


def test_page_is_self_contained_and_valid(page):
    collect = _Collect()
    collect.feed(page)
    assert page.startswith("<!DOCTYPE html>")
    assert collect.fetching == []
    assert "<script" not in page and "@import" not in page and "url(" not in page


def test_sentence_cells_carry_direction_and_language(page, links):
    collect = _Collect()
    collect.feed(page)
    by_lang = {(cell["lang"], cell["dir"]) for cell in collect.cells}
    assert by_lang == {("en", "ltr"), ("fa", "rtl"), ("ar", "rtl")}


def test_counts_per_link_type(page, links):
    for link_type, expected in (("1-1", sum(l.link_type == "1-1" for l in links)),
                                ("2-1", 1), ("0-1", 2), ("1-0", 2)):
        row = re.search(rf"<tr><td>{link_type}</td>(.*?)</tr>", page)
        assert row, link_type
        numbers = re.findall(r'<td class="num">(\d+)</td>', row.group(1))
        assert int(numbers[-1]) == expected


def test_lowest_lists_the_units_below_the_threshold_lowest_first(links):
    # The shifted document's links are wrong but its verdict is parallel only when the threshold lets
    # most of its sentences through; the lowest list takes units of parallel documents only.
    page = render_report(links, threshold=0.8)
    section = page.split('id="lowest"')[1].split('id="unaligned"')[0]
    below = [l for l in links if l.score is not None and l.score < 0.8]
    first_row = section.split("<tbody>")[1].split("</tr>")[0]
    parallel_scores = sorted(float(s) for s in re.findall(r'<tr><td class="num">([\d.]+)</td>', section))
    assert parallel_scores and all(score < 0.8 for score in parallel_scores)
    assert f"{parallel_scores[0]:.3f}" in first_row
    assert len(parallel_scores) <= len(below)


def test_untranslated_copy_above_the_threshold_is_the_first_doubtful_unit(page, links):
    section = page.split('id="doubtful"')[1].split('id="lowest"')[0]
    first_row = section.split("<tbody>")[1].split("</tr>")[0]
    assert "source and target are identical: not translated" in first_row


def test_not_parallel_document_gets_its_verdict_and_none_of_its_units_is_listed(page, links):
    """The shifted document (every link wrong, scores about 0.1) is comparable; its units are
    explained by its verdict row, not listed one by one."""
    shifted = {l.src_doc for l in links if l.score is not None and l.score < 0.2}
    assert len(shifted) == 1
    [doc] = shifted
    documents = page.split('id="documents"')[1].split('id="scores"')[0]
    row = next(r for r in documents.split("<tr>") if f"<bdi>{doc}</bdi>" in r)
    assert "verdict-comparable" in row and "in probable links" in row
    units = page.split('id="doubtful"')[1].split('id="unaligned"')[0]
    assert f"<bdi>{doc}</bdi>" not in units


@pytest.fixture(scope="module")
def written(links, tmp_path_factory):
    """report.html and its pages, written as a run writes them."""
    path = tmp_path_factory.mktemp("run") / "report.html"
    folder = write_report(path, links, notes=["corpora/x.fa.txt skipped: not UTF-8"], title="test run")
    return path, folder


def test_unaligned_sentences_are_on_their_document_page_in_full_with_their_position(written, links):
    path, folder = written
    unaligned = [l for l in links if l.is_unaligned]
    assert len(unaligned) == 4
    section = path.read_text(encoding="utf-8").split('id="unaligned"')[1].split('id="types"')[0]
    for link in unaligned:
        text = link.src or link.tgt
        position = (link.src_ids or link.tgt_ids)[0] + 1
        # report.html lists the pair and links to its page, which has the sentence in full.
        href = re.search(rf'<a href="(report/\d+\.html)"><bdi>{re.escape(html.escape(link.src_doc))}</bdi>',
                         section).group(1)
        page = (path.parent / href).read_text(encoding="utf-8").split('id="unaligned"')[1].split('id="links"')[0]
        assert html.escape(text, quote=True) in page
        side = "source" if link.src_ids else "target"
        assert re.search(rf'<td class="tag">{side}</td><td class="num">{position}</td>', page)


def test_every_document_pair_has_a_page_with_every_link(written, links):
    path, folder = written
    pages = sorted(folder.iterdir())
    documents = list(dict.fromkeys((l.src_doc, l.tgt_doc) for l in links))
    assert [p.name for p in pages] == [f"{number:06d}.html" for number in range(1, len(documents) + 1)]
    for page, (src_doc, tgt_doc) in zip(pages, documents):
        text = page.read_text(encoding="utf-8")
        assert text.startswith("<!DOCTYPE html>") and '<a href="../report.html">' in text
        own = [l for l in links if (l.src_doc, l.tgt_doc) == (src_doc, tgt_doc)]
        rows = text.split('id="links"')[1].count("<tr>") - 1  # less the header row
        assert rows == len(own) and html.escape(own[-1].tgt, quote=True) in text
        collect = _Collect()
        collect.feed(text)
        assert [f for f in collect.fetching if f[1] == "href"] == [("a", "href", "../report.html")]


def test_notes_list_run_notes_and_unaligned_sentences(page):
    notes = page.split('class="notes"')[1].split("</div>")[0]
    assert "corpora/x.fa.txt skipped: not UTF-8" in notes
    assert "2 source and 2 target sentences are unaligned" in notes


def test_every_document_pair_has_a_row(page, links):
    section = page.split('id="documents"')[1].split('id="scores"')[0]
    for src_doc in {l.src_doc for l in links}:
        assert f"<bdi>{src_doc}</bdi>" in section or f"<bdi>{src_doc.replace('&', '&amp;')}</bdi>" in section


@pytest.mark.parametrize("text, escaped", [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ('"quoted" & <b>', "&quot;quoted&quot; &amp; &lt;b&gt;"),
])
def test_text_from_data_is_escaped(text, escaped):
    link = BitextLink(text, "t.fa", "en", "fa", (0,), (0,), text, "متن", score=0.1)
    page = render_report([link], notes=[text])
    assert text not in page
    assert escaped in page


def test_empty_bitext_renders():
    page = render_report([])
    assert "Nothing was dropped and every sentence is aligned." in page and "no links" in page


def test_unscored_bitext_renders_with_empty_sections():
    link = BitextLink("a.en", "a.fa", "en", "fa", (0,), (0,), "Hello.", "سلام.")
    page = render_report([link])
    assert "no link has a score yet" in page and "1 aligned pair(s) have no score" in page


@pytest.mark.parametrize("lang, direction", [("fa", "rtl"), ("ar", "rtl"), ("ur", "rtl"), ("he", "rtl"),
                                             ("en", "ltr"), ("de", "ltr")])
def test_text_direction(lang, direction):
    assert text_dir(lang) == direction


@pytest.mark.parametrize("values, heights", [
    ([0.0, 0.01, 0.99, 1.0], {0: 2, 19: 2}),
    ([0.5] * 3 + [0.26], {10: 3, 5: 1}),
])
def test_histogram_bins(values, heights):
    svg = histogram_svg(values)
    bars = re.findall(r'<rect class="bar" [^>]*height="([\d.]+)"><title>([\d.]+)–[\d.]+: (\d+)</title>', svg)
    assert len(bars) == 20
    counts = {round(float(low) * 20): int(n) for _, low, n in bars if int(n)}
    assert counts == heights


def test_histogram_splits_the_bars_at_the_threshold():
    svg = histogram_svg([0.1, 0.45, 0.5, 0.9], threshold=0.5)
    classes = re.findall(r'<rect class="([^"]+)"', svg)
    assert classes == ["bar below"] * 10 + ["bar"] * 10
    assert '<line class="threshold"' in svg


@pytest.mark.parametrize("src, tgt, tgt_lang, reason", [
    ("The rate rose 12% in 2019.", "نرخ در سال ۲۰۱۸ دوازده درصد افزایش یافت.", "fa",
     "the source says 2019 where the target says 2018"),  # «دوازده درصد» is the 12%
    ("The rate rose in 2019.", "نرخ در سال ۲۰۱۹ ۱۵ درصد افزایش یافت.", "fa", "the number 15% appears only in the target"),
    ("Prices rose 3.5% in 2020.", "ارتفعت الأسعار ٣٫٥٪ في عام ٢٠٢٠.", "ar", None),
    ("The group presented its report at 12.00 GMT.", "قدمت المجموعة تقريرها في الساعة ١٢:٠٠ بتوقيت غرينتش.", "ar",
     None),
    ("It cost 1,000 dollars.", "هزینه آن ۱۰۰۰ دلار بود.", "fa", None),
    ("He left.", "He left.", "fa", "source and target are identical: not translated"),
    ("The minister spoke to reporters on Monday morning.", "The minister spoke to the press on Monday.", "fa",
     "the target is not in Persian"),
    ("این یک جملهٔ فارسی ترجمه‌نشده است.", "این یک جملهٔ فارسی ترجمه‌نشده است!", "en",
     "the target is not in English"),
    ("He left the city on Monday.", "הוא עזב את העיר ביום שני.", "he", None),  # neither Arabic nor Latin script
])
def test_reasons_from_the_texts(src, tgt, tgt_lang, reason):
    link = BitextLink("d.en", "d." + tgt_lang, "en", tgt_lang, (0,), (0,), src, tgt, score=0.9)
    reasons = explain_link(link)
    if reason is None:
        assert reasons == []
    else:
        assert reason in reasons


@pytest.mark.parametrize("scores, reason", [
    ({"semantic": 0.2}, "the sentences mean different things (meaning 0.20)"),
    ({"mt": 0.1}, "the machine translation of the source says something else (agreement 0.10)"),
    ({"lang_tgt": 0.0}, "the target is not in Persian"),
    ({"punctuation": 0.3}, "the sentences are punctuated differently"),
    ({"semantic": 0.9, "numbers": 1.0, "align_anchors": -1.0}, None),  # internal values say nothing
])
def test_reasons_from_the_stored_components(scores, reason):
    link = BitextLink("d.en", "d.fa", "en", "fa", (0,), (0,), "The minister spoke.", "وزیر صحبت کرد.",
                      score=0.9, scores=scores)
    assert explain_link(link) == ([reason] if reason else [])


@pytest.mark.parametrize("src, src_lang, tgt, tgt_lang, longer", [
    ("The minister spoke to reporters on Monday morning about the new budget and the cuts it brings.", "en",
     "وزیر صحبت کرد.", "fa", "source"),
    ("وزیر صحبت کرد.", "fa",
     "The minister spoke to reporters on Monday morning about the new budget and the cuts it brings.", "en", "target"),
    ("He spoke.", "en", "تحدث الوزير إلى الصحفيين صباح يوم الاثنين عن الميزانية الجديدة.", "ar", "target"),
    ("He spoke.", "en", "He spoke to reporters on Monday morning about the new budget and its cuts.", "en", "target"),
])
def test_length_reason_names_the_longer_side_with_the_score_components_z(src, src_lang, tgt, tgt_lang, longer):
    link = BitextLink("d." + src_lang, "d." + tgt_lang, src_lang, tgt_lang, (0,), (0,), src, tgt, score=0.9)
    [reason] = [r for r in explain_link(link) if "much longer" in r]
    z = length_z(link)
    shorter = "target" if longer == "source" else "source"
    assert reason == f"the {longer} is much longer than a translation of the {shorter} would be (length z = {z:+.1f})"
    assert LengthRatio().score([link]) == [pytest.approx(length_plausibility(z))]  # the same z as the score's


@pytest.mark.parametrize("src, tgt, differ", [
    ("Flights resume at 09:30 on 12 May.", "پروازها ساعت ۹:۳۰ روز ۱۲ مه از سر گرفته می‌شوند.", False),
    ("Flights resume at 9.30.", "پروازها ساعت ۱۰:۳۰ از سر گرفته می‌شوند.", True),
    ("It cost 1,000 dollars.", "هزینه آن ۱۰۰۰۰ دلار بود.", True),
])
def test_numbers_reason_agrees_with_the_numbers_component(src, tgt, differ):
    link = BitextLink("d.en", "d.fa", "en", "fa", (0,), (0,), src, tgt, score=0.9)
    flagged = any(" only in the " in r or " where the target says " in r for r in explain_link(link))
    assert flagged == differ == (NumberAgreement().score([link])[0] < 1)


def test_write_report_is_atomic_and_utf8(tmp_path, links):
    target = tmp_path / "out" / "report.html"
    # What a stopped run and an earlier, larger report leave behind is replaced.
    for stale in ("out/.report.part/000001.html", "out/report/999999.html", "out/report/sub/x.html"):
        (tmp_path / stale).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / stale).write_text("old", encoding="utf-8")
    write_report(target, links, ["note"])
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in target.parent.iterdir()) == ["report", "report.html"]
    assert all(re.fullmatch(r"\d{6}\.html", p.name) for p in (target.parent / "report").iterdir())


def _document_links(number: int, size: int) -> List[BitextLink]:
    """One document pair's links: probable ones, the first two of them untranslated copies (doubtful
    units), and the last two improbable (the lowest units)."""
    links = []
    for i in range(size):
        src = f"Sentence {i} of article {number}."
        tgt = src if i < 2 else f"جملهٔ {i} از مقالهٔ {number}."
        links.append(BitextLink(f"news{number}.en", f"news{number}.fa", "en", "fa", (i,), (i,), src, tgt,
                                score=0.2 if i >= size - 2 else 0.9))
    return links


def test_report_holds_one_document_pair_at_a_time(monkeypatch):
    """Rendered from a stream, the report keeps of the earlier document pairs only the units it lists
    (2 x SHOWN at most), however many pairs go by; and the page is the one a list gives."""
    monkeypatch.setattr(report, "SHOWN", 2)
    documents, size = 30, 6
    yielded = []  # (document number, weak reference) of every link yielded
    most_held = 0

    def stream():
        nonlocal most_held
        for number in range(documents):
            # The previous pair's links are still being gathered when this pair's first one is asked for.
            held = sum(ref() is not None for earlier, ref in yielded if earlier < number - 1)
            most_held = max(most_held, held)
            for link in _document_links(number, size):
                yielded.append((number, weakref.ref(link)))
                yield link

    page = render_report(stream())
    assert 0 < most_held <= 2 * report.SHOWN
    assert page == render_report([link for number in range(documents) for link in _document_links(number, size)])
    assert '<h2 id="doubtful">2 doubtful units' in page and '<h2 id="lowest">2 lowest-probability units' in page


def test_a_document_pair_that_comes_back_is_regrouped_in_a_list_and_refused_in_a_stream():
    first, second = _document_links(0, 4), _document_links(1, 4)
    interleaved = first[:2] + second + first[2:]
    assert render_report(interleaved) == render_report(first + second)
    with pytest.raises(ValueError, match="links of news0.en / news0.fa come again after another"):
        render_report(iter(interleaved))


def test_many_document_pairs_are_paged_and_report_html_keeps_bounded_lists(tmp_path, monkeypatch):
    """Past INDEX_ROWS pairs, report.html lists the SHOWN that most need a look and links index
    pages of INDEX_ROWS rows; a rerun with fewer pairs removes the pages it no longer has."""
    monkeypatch.setattr(report, "SHOWN", 2)
    monkeypatch.setattr(report, "INDEX_ROWS", 3)
    links = [link for number in range(8) for link in _document_links(number, 5)]
    unaligned = BitextLink("news5.en", "news5.fa", "en", "fa", (), (9,), "", "جملهٔ تنها.")
    links.insert(5 * 6, unaligned)
    path = tmp_path / "report.html"
    folder = write_report(path, links)
    assert sorted(p.name for p in folder.iterdir()) == (
        [f"{n:06d}.html" for n in range(1, 9)] + ["index-0001.html", "index-0002.html", "index-0003.html"])
    page = path.read_text(encoding="utf-8")
    documents = page.split('id="documents"')[1].split('id="scores"')[0]
    assert re.findall(r'href="report/(index-\d+\.html)"', documents) == [
        "index-0001.html", "index-0002.html", "index-0003.html"]
    # The pair with an unaligned sentence needs a look most; then the earliest of equal ones.
    assert re.findall(r'href="report/(\d+\.html)"><bdi>(news\d)', documents) == [
        ("000006.html", "news5"), ("000001.html", "news0")]
    second = (folder / "index-0002.html").read_text(encoding="utf-8")
    assert re.findall(r'<a href="(\d+\.html)"><bdi>', second) == ["000004.html", "000005.html", "000006.html"]
    assert 'rel="prev"' in second and 'rel="next"' in second
    assert 'rel="next"' not in (folder / "index-0003.html").read_text(encoding="utf-8")
    write_report(path, links[:10])  # two pairs
    assert sorted(p.name for p in folder.iterdir()) == ["000001.html", "000002.html"]


def test_median_from_the_score_counts_is_within_a_bin_of_the_exact_one():
    scores = [((k * 7919) % 1000) / 1000 for k in range(1001)]
    links = [BitextLink("d.en", "d.fa", "en", "fa", (k,), (k,), "a", "b", score=s) for k, s in enumerate(scores)]
    median = float(re.search(r"en-fa: 1001 scored units, median ([\d.]+)", render_report(links)).group(1))
    assert abs(median - statistics.median(scores)) <= 1e-3
def test_doubtful_list_gives_only_reasons_that_predict_wrong_units():
    """A quote-mark difference flags right units as often as wrong ones on dev: explain_link
    still says it, the doubtful list does not; a number that differs is listed."""
    quotes = BitextLink("d", "d", "fa", "en", (0,), (0,), "او گفت ما همکاری نکردیم.", '"We did not cooperate," he said.',
                        scores={"punctuation": 0.5}, score=0.95)
    numbers = BitextLink("d", "d", "fa", "en", (1,), (1,), "۱۵ نفر کشته شدند.", "16 people were killed.",
                         scores={"numbers": 0.0}, score=0.9)
    assert any("quotation" in reason for reason in explain_link(quotes))
    listed = report.doubtful_units([quotes, numbers], threshold=0.85)
    assert [link for link, _ in listed] == [numbers]
    assert all("quotation" not in reason for _, reasons in listed for reason in reasons)
