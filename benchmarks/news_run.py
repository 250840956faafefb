"""The raw-article path end to end: perturbed fa-en and ar-en news written as article files,
`aligner run` with its defaults, scored against the gold alignment.

What a user runs, not pre-segmented lines: each document is a file with a headline on its own
line (terminal punctuation dropped, as headlines are written), then paragraphs separated by
blank lines, a heading or caption (no final punctuation) on a line of its own; the translation
has as many paragraphs, but about one boundary in five moved by a sentence (translators
regroup); --layout lines writes one sentence per line instead, as a pre-split file. Documents
come from FLORES-200 (short: 8-20 sentences, a few wikinews articles on one page, as a digest)
and TICO-19 (long: 30-80 sentences of one source), perturbed with benchmarks/perturb.py's
"news" mix at rate 0.3 (merges, splits, omissions and same-corpus inserts, both directions;
merges joined by a comma and split halves ending in a full stop, as a translator writes them).
Three pairs per run are not translations of each other (an article against another article's
translation, paired by file name). The gold is the corpora's segments cut into sentences where
both sides have as many (sentence_pairs).
By default a run has 30 short and 8 long documents per language, as many as the held-out news
of issue 13; --short, --long and --draws take more (each draw perturbs every document again, with
other seeds, and is its own run).

Splits: dev (FLORES dev, TICO test: for tuning) and test (FLORES devtest, TICO dev: report).

The sentences the run's segmenter (rules, the default) finds are mapped back to the gold sentences by character
offsets, so a segmentation error costs what it costs a user. Per language pair and cell:

- strict F1 of bitext.jsonl and the precision of its n-m links (several sentences on a side);
- aligned.tmx: precision of its units (a unit is right when it is exactly a gold link; a
  piece of a gold sentence the run's segmenter cut in two maps to the whole sentence, so two
  1-1 units that split a gold 1-1 link in the same place are both right), the stricter
  precision that counts such pieces wrong (tmx_strict: what matching unit texts against gold
  sentence pairs would find), the share of units that are whole translations all the same (a
  2-2 of two right 1-1 links, see whole_translation), the share of gold sentence pairs it holds
  as right units, units from non-parallel pairs;
- AUC of the unit score between right and wrong links of bitext.jsonl.

    python benchmarks/news_run.py                     # test split, fa-en and ar-en
    python benchmarks/news_run.py --split dev --lang fa --keep out/news-dev
    python benchmarks/news_run.py --short 105 --long 13 --draws 2   # every test document, twice
    python benchmarks/news_run.py --layout lines      # one sentence per line, no paragraphs
    python benchmarks/news_run.py --renamed           # target files with random names: paired by content
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

from perturb import group_articles, perturb  # noqa: E402

from aligner.bench.alignment import score_alignment  # noqa: E402
from aligner.bitext import read_bitext  # noqa: E402
from aligner.formats.tmx import read_tmx  # noqa: E402
from aligner.paths import shared_dir  # noqa: E402
from aligner.segment.base import get_segmenter, segment_document  # noqa: E402
from aligner.text.reading import Source, document_from_bytes  # noqa: E402

RATE = 0.3
SEED = 1
SHORT_DOCUMENTS = 30  # FLORES documents per run
LONG_DOCUMENTS = 8  # TICO documents per run
NON_PARALLEL = 3
DRAW_SEED_STEP = 1000  # seed offset of each further perturbation of a document (--draws)
PARAGRAPH_SHIFT = 0.2  # chance that a target paragraph boundary moves by one link
_TERMINAL = re.compile(r"[.!?\u061f\u06d4]+$")
# A sentence ends like this, or it is a heading or caption and stands on a line of its own.
_SENTENCE_END = re.compile(r"[.!?\u061f\u06d4\u2026][\"'\u00bb)\]\u201d]*$")

Link = Tuple[Tuple[int, ...], Tuple[int, ...]]


def _lines(path: Path) -> List[str]:
    return path.read_text(encoding="utf-8").splitlines()


def sentence_pairs(src: Sequence[str], tgt: Sequence[str], lang: str) -> Tuple[List[str], List[str]]:
    """The corpus's aligned segments, each cut into its sentences where both sides have the same
    number of them (the rules segmenter, the run's default): FLORES and TICO segments sometimes
    hold two sentences, translated sentence by sentence. Gold at the segment level would count
    the run's right 1-1 links between those sentences as wrong halves of a 2-2 link."""
    cutters = get_segmenter("rules", lang), get_segmenter("rules", "en")
    src_out: List[str] = []
    tgt_out: List[str] = []
    for pair in zip(src, tgt):
        pieces = [[line[a:b].strip() for a, b in cutter.split(line)] for cutter, line in zip(cutters, pair)]
        pieces = [[piece for piece in side if piece] for side in pieces]
        same = len(pieces[0]) == len(pieces[1]) > 1
        src_out += pieces[0] if same else [pair[0]]
        tgt_out += pieces[1] if same else [pair[1]]
    return src_out, tgt_out


def parallel_documents(split: str, lang: str, short_count: int = SHORT_DOCUMENTS, long_count: int = LONG_DOCUMENTS
                       ) -> Dict[str, List[Tuple[List[str], List[str]]]]:
    """{"short": FLORES documents, "long": TICO documents} as (source, English) sentence lists,
    the first ``short_count`` and ``long_count`` of each."""
    data = shared_dir() / "data"
    flores = "dev" if split == "dev" else "devtest"
    keys = [line.split("\t")[0] for line in _lines(data / "flores200" / f"{flores}.metadata.tsv")[1:]]
    src, en = _lines(data / "flores200" / f"{flores}.{lang}"), _lines(data / "flores200" / f"{flores}.en")
    short = [sentence_pairs([src[i] for i in g], [en[i] for i in g], lang) for g in group_articles(keys, 8, 20)]
    tico = "test" if split == "dev" else "dev"
    keys = [line.split("\t")[1] for line in _lines(data / "tico19" / f"{tico}.ids")]
    src, en = _lines(data / "tico19" / f"{tico}.{lang}"), _lines(data / "tico19" / f"{tico}.en")
    # Not the CMU lines: transcribed speech, unpunctuated, is not news.
    long = [sentence_pairs([src[i] for i in g], [en[i] for i in g], lang) for g in group_articles(keys, 30, 80)
            if "speech.cs.cmu.edu" not in keys[g.start]]
    return {"short": short[:short_count], "long": long[:long_count]}


@dataclass
class ArticleSide:
    """One side of an article pair as written: its text and each gold sentence's span."""

    text: str = ""
    spans: List[Tuple[int, int]] = field(default_factory=list)

    def add_line(self, sentences: Sequence[str], blank_after: bool = True) -> None:
        for k, sentence in enumerate(sentences):
            if k:
                self.text += " " if _SENTENCE_END.search(sentences[k - 1]) else "\n"
            self.spans.append((len(self.text), len(self.text) + len(sentence)))
            self.text += sentence
        self.text += "\n\n" if blank_after else "\n"

    def add_lines(self, sentences: Sequence[str]) -> None:
        """One sentence per line, no blank lines (the "lines" layout)."""
        for sentence in sentences:
            self.add_line([sentence], blank_after=False)


def paragraphs(gold: Sequence[Link], rng: random.Random) -> Tuple[List[List[int]], List[List[int]]]:
    """Gold links grouped into paragraphs of 1-4 links, and the target's grouping: the same,
    with some boundaries moved by one link."""
    groups, k = [], 0
    while k < len(gold):
        size = rng.choice((1, 2, 2, 3, 3, 4))
        groups.append(list(range(k, min(k + size, len(gold)))))
        k += size
    target = [list(g) for g in groups]
    for p in range(len(target) - 1):
        if len(target[p]) > 1 and rng.random() < PARAGRAPH_SHIFT:
            target[p + 1].insert(0, target[p].pop())
    return groups, target


def write_article(src: Sequence[str], tgt: Sequence[str], gold: Sequence[Link], seed: int,
                  layout: str = "paragraphs") -> Tuple[ArticleSide, ArticleSide]:
    """The two files of a perturbed article pair. Layout "paragraphs": headline line (when the
    first link is 1-1, without its final punctuation) and paragraphs, one per line, blank lines
    between. Layout "lines": one sentence per line, no blank lines (a pre-split file)."""
    rng = random.Random(seed)
    src, tgt = list(src), list(tgt)
    sides = ArticleSide(), ArticleSide()
    if layout == "lines":
        for side, texts in zip(sides, (src, tgt)):
            side.add_lines(texts)
        return sides
    first = 0
    if gold and len(gold[0][0]) == 1 and len(gold[0][1]) == 1:
        (i,), (j,) = gold[0]
        src[i], tgt[j] = _TERMINAL.sub("", src[i]) or src[i], _TERMINAL.sub("", tgt[j]) or tgt[j]
        sides[0].add_line([src[i]])
        sides[1].add_line([tgt[j]])
        first = 1
    src_groups, tgt_groups = paragraphs(gold[first:], rng)
    for side, texts, groups, which in ((sides[0], src, src_groups, 0), (sides[1], tgt, tgt_groups, 1)):
        for group in groups:
            ids = [x for g in group for x in gold[first + g][which]]
            if ids:
                side.add_line([texts[x] for x in ids])
    return sides


def build(split: str, lang: str, folder: Path, short_count: int = SHORT_DOCUMENTS,
          long_count: int = LONG_DOCUMENTS, draw: int = 0, layout: str = "paragraphs") -> Dict[str, dict]:
    """Write the run's source and target folders; returns per file name its cell and gold.
    ``draw`` k > 0 perturbs the same documents with other seeds (more dev data to tune on)."""
    documents = parallel_documents(split, lang, short_count, long_count)
    cases: Dict[str, dict] = {}
    for cell, docs in documents.items():
        for k, (src, tgt) in enumerate(docs):
            other = docs[(k + 1) % len(docs)]  # inserts come from another article of the corpus
            seed = SEED + k + DRAW_SEED_STEP * draw
            p_src, p_tgt, gold = perturb(src, tgt, "news", RATE, seed, filler=other[1], src_filler=other[0],
                                         written=True)
            name = f"{cell}-{k:03d}.txt"
            cases[name] = {"cell": cell, "gold": gold, "gold_set": set(gold),
                           "sides": write_article(p_src, p_tgt, gold, seed, layout)}
    short = documents["short"]
    for k in range(NON_PARALLEL):
        # An article against the translation of an article from elsewhere on the list: same
        # corpus and period, so comparable in topic and style, but not a translation.
        src, _ = short[k]
        _, tgt = short[(k + len(short) // 2) % len(short)]
        gold = [((i,), ()) for i in range(len(src))] + [((), (j,)) for j in range(len(tgt))]
        sides = ArticleSide(), ArticleSide()
        for side, texts in zip(sides, (src, tgt)):
            if layout == "lines":
                side.add_lines(texts)
            else:
                side.add_line(texts)
        cases[f"nonparallel-{k:03d}.txt"] = {"cell": "non-parallel", "gold": gold, "gold_set": set(gold),
                                             "sides": sides}
    for name, case in cases.items():
        for side, sub in zip(case["sides"], ("src", "tgt")):
            (folder / sub).mkdir(parents=True, exist_ok=True)
            (folder / sub / name).write_text(side.text, encoding="utf-8")
    return cases


def gold_ids_of_sentences(side: ArticleSide, path: Path, lang: str) -> List[Tuple[int, ...]]:
    """For each sentence the rules segmenter (the run's default) finds in the file, the gold
    sentences it covers: those it overlaps by more than half of either's length."""
    document = document_from_bytes(Source(path.name, path), path.read_bytes(), lang=lang)
    document = segment_document(document, get_segmenter("rules", lang))
    mapped = []
    for sentence in document.sentences:
        ids = []
        for g, (start, end) in enumerate(side.spans):
            overlap = min(end, sentence.end) - max(start, sentence.start)
            if overlap > 0 and (2 * overlap > end - start or 2 * overlap > sentence.end - sentence.start):
                ids.append(g)
        mapped.append(tuple(ids))
    return mapped


def mapped_link(link, src_map, tgt_map, source_only: bool = False) -> Link:
    src = sorted({g for i in link.src_ids for g in src_map[i]})
    tgt = [] if source_only else sorted({g for j in link.tgt_ids for g in tgt_map[j]})
    return tuple(src), tuple(tgt)


def whole_translation(pair: Link, gold: Sequence[Link]) -> bool:
    """A unit a translator can still take as it stands: exactly the union of whole gold links
    that all have both sides (a 2-2 of two right 1-1 links), so it holds no sentence the other
    side does not say and no half of a sentence pair."""
    touched = [g for g in gold if set(g[0]) & set(pair[0]) or set(g[1]) & set(pair[1])]
    if not touched or any(not g[0] or not g[1] for g in touched):
        return False
    return ({i for g in touched for i in g[0]} == set(pair[0]) and {j for g in touched for j in g[1]} == set(pair[1]))


def auc(right: Sequence[float], wrong: Sequence[float]) -> Optional[float]:
    """P(a right link outscores a wrong one), ties counting half."""
    if not right or not wrong:
        return None
    wins = sum((r > w) + 0.5 * (r == w) for r in right for w in wrong)
    return wins / (len(right) * len(wrong))


def run_aligner(folder: Path, lang: str, outdir: Path) -> Tuple[float, str]:
    # A fresh run: `--force` alone resumes the documents a run of the same version finished.
    shutil.rmtree(outdir, ignore_errors=True)
    command = [sys.executable, "-c", "from aligner.cli import main; main()", "run", str(folder / "src"),
               "--targets", str(folder / "tgt"), "--from", lang, "--to", "en", "-o", str(outdir), "--quiet", "--force"]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode not in (0, 3):
        raise SystemExit(f"aligner run failed ({done.returncode}):\n{done.stderr}")
    return time.perf_counter() - start, done.stderr


CELLS = ("short", "long", "non-parallel")


@dataclass
class CellCounts:
    """What one cell's runs produced, pooled over draws."""

    golds: List[List[Link]] = field(default_factory=list)
    predictions: List[List[Link]] = field(default_factory=list)
    many: List[bool] = field(default_factory=list)  # per n-m link: right
    units: List[Tuple[bool, bool, bool]] = field(default_factory=list)  # per aligned.tmx unit: right, whole, piece
    kept: int = 0  # gold sentence pairs held by right units
    gold_pairs: int = 0
    scores: Tuple[List[float], List[float]] = field(default_factory=lambda: ([], []))  # right, wrong links

    def measures(self, cell: str) -> Dict[str, float]:
        units = self.units
        return {
            "documents": len(self.golds),
            "strict_f1": score_alignment(self.golds, self.predictions)["strict_f1"] if cell != "non-parallel" else None,
            "nm_links": len(self.many), "nm_precision": sum(self.many) / len(self.many) if self.many else None,
            "tmx_units": len(units),
            "tmx_precision": sum(right for right, _, _ in units) / len(units) if units else None,
            "tmx_strict": sum(right and not piece for right, _, piece in units) / len(units) if units else None,
            "tmx_whole": sum(whole for _, whole, _ in units) / len(units) if units else None,
            "tmx_kept": self.kept / self.gold_pairs if self.gold_pairs else None,
            "auc": auc(*self.scores) if cell != "non-parallel" else None,
        }


def drop_non_parallel(folder: Path, cases: Dict[str, dict]) -> None:
    """The non-parallel cases pair a source of the list with another article's translation by
    name; paired by content, that source (a copy of a parallel case's) finds its own translation,
    so on renamed folders they are left out (benchmarks/pairing.py measures abstention)."""
    for name in [name for name, case in cases.items() if case["cell"] == "non-parallel"]:
        del cases[name]
        for sub in ("src", "tgt"):
            (folder / sub / name).unlink()


def rename_targets(folder: Path, cases: Dict[str, dict], draw: int) -> Dict[str, str]:
    """Give every target file a random name (as a crawl names them): {source name: target name}."""
    rng = random.Random(SEED + DRAW_SEED_STEP * draw)
    renamed = {}
    for name in cases:
        renamed[name] = f"{rng.getrandbits(48):012x}.txt"
        (folder / name).rename(folder / renamed[name])
    return renamed


def run_draw(split: str, lang: str, work: Path, short_count: int, long_count: int, draw: int,
             counts: Dict[str, CellCounts], layout: str = "paragraphs", renamed: bool = False) -> Tuple[float, str]:
    """Build, run and score one draw of the articles, adding to ``counts``; each draw is its own
    run, as a user's folder would be (aligned.tmx drops duplicate units across its documents)."""
    name = f"{split}-{lang}" + (f"-draw{draw}" if draw else "")
    folder, outdir = work / name, work / f"{name}-out"
    cases = build(split, lang, folder, short_count, long_count, draw, layout)
    if renamed:
        drop_non_parallel(folder, cases)
    target_of = rename_targets(folder / "tgt", cases, draw) if renamed else {name: name for name in cases}
    seconds, stderr = run_aligner(folder, lang, outdir)
    maps = {name: (gold_ids_of_sentences(case["sides"][0], folder / "src" / name, lang),
                   gold_ids_of_sentences(case["sides"][1], folder / "tgt" / target_of[name], "en"))
            for name, case in cases.items()}
    links = [(Path(link.src_doc).name, link) for link in read_bitext(outdir / "bitext.jsonl")]
    # A link into another document than the source's translation (content pairing got it wrong)
    # is never right: its target side is mapped to no gold sentence of this case.
    pairs = [mapped_link(link, *maps[name]) if not link.tgt_ids or Path(link.tgt_doc).name == target_of[name]
             else (mapped_link(link, maps[name][0], None, source_only=True)[0], (-1,)) for name, link in links]
    # How many of the run's links hold each gold sentence: a link that shares one with another
    # holds a piece of it (the segmenter cut it), right or not (tmx_strict).
    holders = Counter((name, side, g) for (name, _), pair in zip(links, pairs) for side in (0, 1) for g in pair[side])
    # A TMX unit is found by its texts among the run's links: (document, gold-mapped link, right, whole, piece).
    by_text: Dict[Tuple[str, str], List[Tuple[str, Link, bool, bool, bool]]] = defaultdict(list)
    predicted: Dict[str, List[Link]] = defaultdict(list)
    for (name, link), pair in zip(links, pairs):
        case = cases[name]
        predicted[name].append(pair)
        right = case["cell"] != "non-parallel" and bool(pair[0]) and bool(pair[1]) and pair in case["gold_set"]
        if not link.is_unaligned:
            whole = case["cell"] != "non-parallel" and whole_translation(pair, case["gold"])
            piece = any(holders[name, side, g] > 1 for side in (0, 1) for g in pair[side])
            by_text[link.src, link.tgt].append((name, pair, right, whole, piece))
            counts[case["cell"]].scores[0 if right else 1].append(link.score or 0.0)
    kept: Dict[str, Set[Link]] = defaultdict(set)  # per document, the gold links held by right units
    for unit in read_tmx(outdir / "aligned.tmx"):
        name, pair, right, whole, piece = by_text[unit.src, unit.tgt][0]
        counts[cases[name]["cell"]].units.append((right, whole, piece))
        if right:
            kept[name].add(pair)
    for name, case in cases.items():
        cell = counts[case["cell"]]
        prediction = list(dict.fromkeys(predicted[name]))
        cell.golds.append(case["gold"])
        cell.predictions.append(prediction)
        cell.many += [p in case["gold_set"] for p in prediction if len(p[0]) > 1 or len(p[1]) > 1]
        cell.kept += len(kept[name])
        cell.gold_pairs += sum(1 for g in case["gold"] if g[0] and g[1])
    return seconds, stderr


def evaluate(split: str, lang: str, work: Path, short_count: int = SHORT_DOCUMENTS,
             long_count: int = LONG_DOCUMENTS, draws: int = 1, layout: str = "paragraphs", renamed: bool = False
             ) -> Dict[str, Dict[str, float]]:
    counts = {cell: CellCounts() for cell in CELLS}
    seconds, stderr_lines = 0.0, 0
    for draw in range(draws):
        took, stderr = run_draw(split, lang, work, short_count, long_count, draw, counts, layout, renamed)
        seconds += took
        stderr_lines += len([line for line in stderr.splitlines() if line.strip()])
    results: Dict[str, Dict[str, float]] = {cell: counts[cell].measures(cell) for cell in CELLS}
    results["run"] = {"seconds": seconds, "stderr_lines": stderr_lines}
    return results


def _cell(value, digits: int = 3) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["dev", "test"], default="test",
                        help="dev (FLORES dev, TICO test) for tuning; test (FLORES devtest, TICO dev) to report")
    parser.add_argument("--lang", choices=["fa", "ar"], action="append", help="source language (default: both)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="write the articles and the runs' outputs here (default: a temporary folder)")
    parser.add_argument("--short", type=int, default=SHORT_DOCUMENTS,
                        help=f"FLORES documents per language (default {SHORT_DOCUMENTS}, as many parallel articles "
                             f"as the held-out news has; dev has 106, test 105)")
    parser.add_argument("--long", type=int, default=LONG_DOCUMENTS,
                        help=f"TICO documents per language (default {LONG_DOCUMENTS}; dev has 29, test 13)")
    parser.add_argument("--draws", type=int, default=1,
                        help="perturb each document this many times with different seeds (default 1; more give "
                             "steadier numbers to tune on dev)")
    parser.add_argument("--layout", choices=["paragraphs", "lines"], default="paragraphs",
                        help="how the article files are written: paragraphs (default: a headline, paragraphs "
                             "between blank lines) or lines (one sentence per line, as a pre-split file)")
    parser.add_argument("--renamed", action="store_true",
                        help="give the target files random names: `aligner run` pairs them by content (--pair-by "
                             "auto), as it would a crawl; the non-parallel cases are left out (see drop_non_parallel)")
    args = parser.parse_args(argv)
    columns = ("documents", "strict_f1", "nm_links", "nm_precision", "tmx_units", "tmx_precision", "tmx_strict",
               "tmx_whole", "tmx_kept", "auc")
    print(f"`aligner run` defaults on raw perturbed news ({args.split}, {args.layout}), perturbation 'news' at "
          f"rate {RATE}" + (", target files renamed (paired by content)" if args.renamed else ""))
    print(f"{'pair':6} {'cell':13} " + " ".join(f"{c:>13}" for c in columns))
    with tempfile.TemporaryDirectory() as temporary:
        work = args.keep or Path(temporary)
        for lang in args.lang or ["fa", "ar"]:
            results = evaluate(args.split, lang, work, args.short, args.long, args.draws, args.layout, args.renamed)
            for cell in CELLS:
                row = results[cell]
                print(f"{lang + '-en':6} {cell:13} " + " ".join(f"{_cell(row[c]):>13}" for c in columns))
            print(f"{lang + '-en':6} run: {results['run']['seconds']:.0f} s, "
                  f"{results['run']['stderr_lines']} lines on stderr", flush=True)


if __name__ == "__main__":
    main()
