"""Mining comparable articles (issue 23, part 2): translated sentences hidden in another story.

BUCC-style setups from FLORES-200 and TICO-19, fa-en and ar-en. A source document (a FLORES
digest of 8-20 sentences, consecutive articles by URL, or a TICO document of 30-80, as
benchmarks/news_run.py builds them) is paired with an unrelated English document of the same
corpus into which the translations of 20-50 % of the source's sentences were put at random
positions, in random order ("comparable"); and, as often, with an unrelated English document and
nothing translated ("unrelated": what a pair by file name of two different stories is); 30
FLORES and 6 TICO documents per split and language by default (--short, --long). Each
pair goes through the job as `aligner run` runs it (PairAligner.align_pair, one sentence per
line, embeddings, the document verdict, mining when the verdict is comparable, every link
scored), and the units aligned.tmx would take (units of a parallel pair, or mined units, at or
above DEFAULT_MIN_PROBABILITY) are checked against the gold pairs: precision, recall, F1.

Beside it, on the same pairs and the same e5-small vectors, with the thresholds tuned for the
best F1 on dev: plain cosine (each sentence's best match, greedy 1-1, cosine >= t) and the
ratio margin alone (align.mining.MarginMiner's pairs, margin >= t, no probability): LASER's
mining rule. Anchors from the literature (other data): BUCC 2018 best official F1 de-en 0.86 /
fr-en 0.81; LASER ratio margin on BUCC 93.1-96.2 F1 (Artetxe & Schwenk 2019).

Splits: dev (FLORES dev, TICO test: tuning, the fit) and test (FLORES devtest, TICO dev: report).

    python benchmarks/mining.py                 # test split: the table
    python benchmarks/mining.py --split dev     # dev: the table and the baselines' thresholds
    python benchmarks/mining.py --fit           # fit the "mined" coefficients on dev, print them and ECE
    python benchmarks/mining.py --raw 40        # also `aligner run` with its defaults on 40 pairs as files
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Sequence, Set, Tuple

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from news_run import parallel_documents  # noqa: E402
from score_calibration import expected_calibration_error, fit_logistic  # noqa: E402

from aligner.align.mining import MarginMiner, mine_documents  # noqa: E402
from aligner.formats.tmx import read_tmx  # noqa: E402
from aligner.pipeline.job import JobOptions, PairAligner, PairInput  # noqa: E402
from aligner.score import DEFAULT_MIN_PROBABILITY  # noqa: E402
from aligner.score.calibration import FEATURE_SETS, features, gate  # noqa: E402
from aligner.score.verdict import PARALLEL  # noqa: E402
from aligner.text.reading import document_from_lines  # noqa: E402

LANGS = ("fa", "ar")
SEED = 23
SHORT_DOCUMENTS = 30  # FLORES digests per split and language
LONG_DOCUMENTS = 6  # TICO documents
SHARE = (0.2, 0.5)  # of the source's sentences translated into the target
THRESHOLDS = {"cosine": np.arange(0.80, 0.96, 0.005), "margin": np.arange(1.00, 1.20, 0.005)}

Gold = Set[Tuple[int, int]]


@dataclass
class Setup:
    kind: str  # comparable / unrelated
    corpus: str  # flores / tico
    src: List[str]
    tgt: List[str]
    gold: Gold = field(default_factory=set)  # (source index, target index) of the translated sentences


def setups(split: str, lang: str, short: int = SHORT_DOCUMENTS, long: int = LONG_DOCUMENTS) -> List[Setup]:
    """Per document one comparable and one unrelated pair; the other story is the English of a
    document half the corpus away (another topic in FLORES, the same epidemic in TICO)."""
    rng = random.Random(f"{SEED}-{split}-{lang}")
    out = []
    for corpus, documents in zip(("flores", "tico"), parallel_documents(split, lang, short, long).values()):
        for k, (src, _) in enumerate(documents):
            other = documents[(k + len(documents) // 2) % len(documents)][1]
            unrelated = documents[(k + len(documents) // 3) % len(documents)][1]
            out.append(_comparable(corpus, src, documents[k][1], other, rng))
            out.append(Setup("unrelated", corpus, list(src), list(unrelated)))
    return out


def _comparable(corpus: str, src: Sequence[str], translation: Sequence[str], other: Sequence[str],
                rng: random.Random) -> Setup:
    count = max(1, round(rng.uniform(*SHARE) * len(src)))
    chosen = rng.sample(range(len(src)), count)  # random sentences, in random order
    tgt: List[object] = list(other)
    for i in chosen:
        tgt.insert(rng.randrange(len(tgt) + 1), i)
    gold = {(item, j) for j, item in enumerate(tgt) if isinstance(item, int)}
    texts = [translation[item] if isinstance(item, int) else item for item in tgt]
    return Setup("comparable", corpus, list(src), texts, gold)


def documents(setup: Setup, lang: str, n: int):
    return (document_from_lines(f"{setup.corpus}-{n}.{lang}", setup.src, lang),
            document_from_lines(f"{setup.corpus}-{n}.en", setup.tgt, "en"))


# ---------------------------------------------------------------------------- measures


@dataclass
class Counts:
    units: int = 0
    right: int = 0
    gold: int = 0

    def add(self, found: Gold, gold: Gold) -> None:
        self.units += len(found)
        self.right += len(found & gold)
        self.gold += len(gold)

    def row(self) -> Tuple[float, float, float]:
        p = self.right / self.units if self.units else float("nan")
        r = self.right / self.gold if self.gold else float("nan")
        return p, r, 2 * p * r / (p + r) if p + r else 0.0


def memory_pairs(links, verdict) -> Gold:
    """The 1-1 pairs of the units aligned.tmx takes (outputs.memory_units); an n-m unit counts as
    a wrong pair (-1, -1) each."""
    found = set()
    for n, link in enumerate(links):
        if link.is_unaligned or (verdict.verdict != PARALLEL and not link.is_mined):
            continue
        if (link.score or 0.0) >= DEFAULT_MIN_PROBABILITY:
            found.add((link.src_ids[0], link.tgt_ids[0]) if link.link_type == "1-1" else (-1 - n, -1))
    return found


def cosine_pairs(src_vectors: np.ndarray, tgt_vectors: np.ndarray, threshold: float) -> Gold:
    """Plain cosine: every pair by cosine, best first, greedy 1-1, cosine >= threshold."""
    cosines = src_vectors @ tgt_vectors.T
    order = np.dstack(np.unravel_index(np.argsort(-cosines, axis=None), cosines.shape))[0]
    used_src, used_tgt, found = set(), set(), set()
    for i, j in order:
        if cosines[i, j] < threshold:
            break
        if i not in used_src and j not in used_tgt:
            used_src.add(i)
            used_tgt.add(j)
            found.add((int(i), int(j)))
    return found


@dataclass
class Measured:
    ours: Dict[str, Counts] = field(default_factory=dict)  # per cell: comparable/unrelated/all
    verdicts: Dict[str, int] = field(default_factory=dict)
    cosine: Dict[float, Counts] = field(default_factory=dict)
    margin: Dict[float, Counts] = field(default_factory=dict)
    labelled: List[Tuple[int, object]] = field(default_factory=list)  # (right, scored mined link) for the fit


def measure(split: str, lang: str, short: int, long: int) -> Measured:
    aligner = PairAligner(JobOptions(src_lang=lang, tgt_lang="en", presegmented=True, mine=True))
    scorer = aligner.scorer(lang, "en")
    miner = MarginMiner(min_margin=0.0)  # every candidate: the margin baseline's thresholds apply later
    out = Measured(ours={cell: Counts() for cell in ("comparable", "unrelated", "all")},
                   cosine={t: Counts() for t in THRESHOLDS["cosine"]},
                   margin={t: Counts() for t in THRESHOLDS["margin"]})
    for n, setup in enumerate(setups(split, lang, short, long)):
        src_doc, tgt_doc = documents(setup, lang, n)
        result = aligner.align_pair(PairInput(src_doc, tgt_doc))
        key = f"{setup.kind}:{result.verdict.verdict}"
        out.verdicts[key] = out.verdicts.get(key, 0) + 1
        found = memory_pairs(result.links, result.verdict)
        out.ours[setup.kind].add(found, setup.gold)
        out.ours["all"].add(found, setup.gold)
        vectors = aligner.embedder.encode(setup.src + setup.tgt)
        src_vectors, tgt_vectors = vectors[:len(setup.src)], vectors[len(setup.src):]
        for t, counts in out.cosine.items():
            counts.add(cosine_pairs(src_vectors, tgt_vectors, t), setup.gold)
        mined = miner.mine(src_vectors, tgt_vectors)
        for t, counts in out.margin.items():
            counts.add({(p.src, p.tgt) for p in mined if p.margin >= t}, setup.gold)
        links = [link for link in scorer.score_links(mine_documents(src_doc, tgt_doc, aligner.embedder, MarginMiner()))
                 if not link.is_unaligned]
        out.labelled += [(int((link.src_ids[0], link.tgt_ids[0]) in setup.gold), link) for link in links]
    return out


def raw_run(split: str, lang: str, folder: Path, limit: int, short: int, long: int) -> Counts:
    """`aligner run` with its defaults on article files (one sentence per line, random names),
    the first ``limit`` setups: aligned.tmx units against the gold pairs by their texts (a unit
    the run's segmenter cut differently counts wrong)."""
    pairs, gold_texts = setups(split, lang, short, long)[:limit], set()
    names = random.Random(SEED).sample(range(10 ** 6), len(pairs))
    for side in (lang, "en"):
        (folder / side).mkdir(parents=True, exist_ok=True)
    for setup, name in zip(pairs, names):
        (folder / lang / f"{name:06d}.txt").write_text("\n".join(setup.src) + "\n", encoding="utf-8")
        (folder / "en" / f"{name:06d}.txt").write_text("\n".join(setup.tgt) + "\n", encoding="utf-8")
        gold_texts |= {(setup.src[i], setup.tgt[j]) for i, j in setup.gold}
    command = [sys.executable, "-c", "from aligner.cli import main; main()", "run", str(folder / lang), "--targets",
               str(folder / "en"), "--from", lang, "--to", "en", "-o", str(folder / "out"), "-q", "--force"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    units = {(link.src, link.tgt) for link in read_tmx(folder / "out" / "aligned.tmx")}
    counts = Counts()
    counts.add(units, gold_texts)
    return counts


# ---------------------------------------------------------------------------- fit and report


def fit(work: Dict[str, Measured]) -> None:
    """Fit the ``mined`` coefficient set on dev mined links (every candidate the default miner
    keeps, comparable and unrelated pairs), print it, and the ECE before and after."""
    labelled = [item for measured in work.values() for item in measured.labelled]
    y = np.array([right for right, _ in labelled], dtype=float)
    x = np.array([features(link, "mined") + [1.0] for _, link in labelled])
    w = fit_logistic(x, y, np.ones(len(y)))
    names = list(FEATURE_SETS["mined"]) + ["bias"]
    print(f"mined: {len(y)} links, {int(y.sum())} right")
    print("    \"mined\": {" + ", ".join(f'"{name}": {value:.4f}' for name, value in zip(names, w)) + "},")
    gates = np.array([gate(link) for _, link in labelled])
    p = gates / (1 + np.exp(-(x @ w)))
    stored = np.array([link.score for _, link in labelled])
    print(f"ECE of the fit {expected_calibration_error(p, y, np.ones(len(y))):.4f}; "
          f"of the scores as stored {expected_calibration_error(stored, y, np.ones(len(y))):.4f}")


def best_threshold(curve: Dict[float, Counts]) -> float:
    return max(curve, key=lambda t: curve[t].row()[2])


def report(split: str, measured: Dict[str, Measured], tuned: Dict[str, Dict[str, float]]) -> None:
    print(f"\nsplit {split}; aligned.tmx-level units at DEFAULT_MIN_PROBABILITY {DEFAULT_MIN_PROBABILITY}")
    print(f"{'pair':6} {'method':34} {'units':>6} {'P':>6} {'R':>6} {'F1':>6}")
    for lang, m in measured.items():
        rows = [("aligner (margin + probability)", m.ours["all"])]
        for name, curve in (("cosine", m.cosine), ("margin", m.margin)):
            t = tuned[lang][name]
            rows.append((f"{name} alone >= {t:.3f} (dev best F1)", curve[min(curve, key=lambda k: abs(k - t))]))
        for label, counts in rows:
            p, r, f = counts.row()
            print(f"{lang}-en  {label:34} {counts.units:6d} {p:6.3f} {r:6.3f} {f:6.3f}")
        false_unrelated = m.ours["unrelated"].units - m.ours["unrelated"].right
        print(f"{lang}-en  gold pairs {m.ours['all'].gold}; units from unrelated pairs {false_unrelated}; "
              f"verdicts {dict(sorted(m.verdicts.items()))}")
        if m.labelled:
            y = np.array([r for r, _ in m.labelled], float)
            p = np.array([link.score for _, link in m.labelled])
            ece = expected_calibration_error(p, y, np.ones(len(y)))
            print(f"{lang}-en  ECE of the mined links' probability {ece:.4f} ({len(y)} links, {int(y.sum())} right)")
    print("anchors (other data): BUCC 2018 best official F1 de-en 0.86 / fr-en 0.81; LASER ratio margin 93.1-96.2 F1")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--langs", nargs="+", choices=LANGS, default=list(LANGS))
    parser.add_argument("--short", type=int, default=SHORT_DOCUMENTS)
    parser.add_argument("--long", type=int, default=LONG_DOCUMENTS)
    parser.add_argument("--fit", action="store_true", help="fit the mined coefficients on dev and print them")
    parser.add_argument("--raw", type=int, default=0, metavar="N",
                        help="also `aligner run` with its defaults on the first N setups written as article files")
    args = parser.parse_args(argv)
    split = "dev" if args.fit else args.split
    dev = {lang: measure("dev", lang, args.short, args.long) for lang in args.langs}
    if args.fit:
        fit(dev)
    tuned = {lang: {name: best_threshold(getattr(m, name)) for name in ("cosine", "margin")} for lang, m in dev.items()}
    measured = dev if split == "dev" else {lang: measure(split, lang, args.short, args.long) for lang in args.langs}
    report(split, measured, tuned)
    for lang in args.langs if args.raw else ():
        with tempfile.TemporaryDirectory() as folder:
            p, r, f = raw_run(split, lang, Path(folder), args.raw, args.short, args.long).row()
        print(f"{lang}-en  `aligner run` defaults, {args.raw} article pairs: "
              f"aligned.tmx P {p:.3f} R {r:.3f} F1 {f:.3f}")


if __name__ == "__main__":
    main()
