"""A real consumer: OmegaT (console mode) pre-translates a project from our TMX in tm/auto.

The bitext is the seed articles' hand alignment (corpora/parallel, fa-en and ar-en, including
2-1 and 1-2 links) plus pairs with ZWNJ and bidi marks, scored; `aligner package` writes the
TMX; OmegaT's project has one source segment per aligned unit (sentence segmentation off,
one paragraph per unit), so `--mode=console-translate` must replace every paragraph with
exactly our target text: the target document is compared with the expected concatenation.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.bitext import BitextLink
from aligner.cli import main
from conftest import missing

REPO = Path(__file__).resolve().parent.parent
PARALLEL = REPO / "corpora" / "parallel"
ZWNJ, RLM, LRM = "\u200c", "\u200f", "\u200e"

EXTRA_PAIRS = {
    "fa": [(f"می{ZWNJ}خواهم ۱۲ کتاب بخرم؟", "I want to buy 12 books?"),
           (f"قیمت آن {RLM}۳٫۵{RLM} دلار است و «ارزان» نیست.", 'It costs 3.5 dollars and is not "cheap".'),
           (f"نرم{ZWNJ}افزار {LRM}Telegram{LRM} دوباره در دسترس است.", "The Telegram app is available again.")],
    "ar": [("هل تريد شراء ١٢ كتابا؟", "Do you want to buy 12 books?"),
           (f"السعر {RLM}٣٫٥{RLM} دولار فقط.", "The price is only 3.5 dollars.")],
}

PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>source</source_dir>
    <source_dir_excludes/>
    <target_dir>target</target_dir>
    <tm_dir>tm</tm_dir>
    <glossary_dir>glossary</glossary_dir>
    <glossary_file>glossary/glossary.txt</glossary_file>
    <dictionary_dir>dictionary</dictionary_dir>
    <source_lang>{src}</source_lang>
    <target_lang>en</target_lang>
    <source_tok>org.omegat.tokenizer.LuceneArabicTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</target_tok>
    <sentence_seg>false</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""


def gold_links(lang: str):
    """BitextLinks from a hand alignment in vecalign format."""
    folder = PARALLEL / f"{lang}-en"
    gold = next(folder.glob("*.gold"))
    name = gold.stem
    src = (folder / f"{name}.{lang}.sents").read_text(encoding="utf-8").splitlines()
    tgt = (folder / f"{name}.en.sents").read_text(encoding="utf-8").splitlines()
    links = []
    for line in gold.read_text(encoding="utf-8").splitlines():
        src_ids, tgt_ids = (tuple(int(i) for i in re.findall(r"\d+", side)) for side in line.split(":"))
        links.append(BitextLink(f"{name}.{lang}", f"{name}.en", lang, "en", src_ids, tgt_ids,
                                " ".join(src[i] for i in src_ids), " ".join(tgt[i] for i in tgt_ids)))
    for number, (source, target) in enumerate(EXTRA_PAIRS[lang]):
        links.append(BitextLink("extra", "extra.en", lang, "en", (number,), (number,), source, target))
    return links


@pytest.fixture(scope="module")
def omegat():
    path = shutil.which("omegat")
    if path is None:
        missing("OmegaT is not installed (apt-get install -y omegat)")
    return path


@pytest.fixture(scope="module")
def scored_links():
    """Both languages, scored by every component but semantic similarity: embedding these long
    news sentences takes longer than the whole OmegaT run, and the import does not depend on
    which scores the units carry (tests/test_score.py covers the semantic component)."""
    from aligner.score import Scorer, default_components

    scorer = Scorer([component for component in default_components() if component.name != "semantic"])
    links = {lang: gold_links(lang) for lang in ("fa", "ar")}
    scorer.score_batch(links["fa"] + links["ar"])
    return links


@pytest.mark.parametrize("lang", ["fa", "ar"])
def test_omegat_applies_every_unit_of_our_tmx(tmp_path, omegat, scored_links, lang):
    links = scored_links[lang]
    bitext = tmp_path / "seed.bitext.jsonl"
    bitext.write_text("".join(link.to_json() + "\n" for link in links), encoding="utf-8")
    project = tmp_path / "project"
    for folder in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (project / folder).mkdir(parents=True)
    (project / "omegat.project").write_text(PROJECT.format(src=lang), encoding="utf-8")
    tmx = project / "tm" / "auto" / "seed.tmx"
    # --min-score 0: every unit, whatever its score, so that OmegaT is seen to apply each of them.
    result = CliRunner().invoke(main, ["package", str(bitext), "--format", "tmx", "--min-score", "0", "-o", str(tmx)])
    assert result.exit_code == 0, result.output
    # A pair repeated in the article (its headline) is one unit, which OmegaT applies to each paragraph.
    distinct = list(dict.fromkeys((link.src, link.tgt) for link in links))
    assert f"{len(distinct)} translation units" in result.stderr

    # One paragraph per unit: OmegaT's text filter makes each paragraph one segment.
    (project / "source" / "doc.txt").write_text("\n\n".join(link.src for link in links) + "\n", encoding="utf-8")
    run = subprocess.run([omegat, "--mode=console-translate", str(project)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    translated = (project / "target" / "doc.txt").read_text(encoding="utf-8")
    assert translated == "\n\n".join(link.tgt for link in links) + "\n"

    # translate-toolkit, the other consumer, reads the same units with the same texts.
    from translate.storage import tmx as tt_tmx

    units = [unit for unit in tt_tmx.tmxfile.parsefile(str(tmx)).units if unit.source]
    assert sorted((unit.source, unit.target) for unit in units) == sorted(distinct)
    assert all(link.score is not None for link in links)
    assert tmx.read_text(encoding="utf-8").count('<prop type="x-score">') == len(distinct)
