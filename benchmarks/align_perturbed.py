"""fa-en and ar-en alignment on documents rebuilt from parallel test sets and perturbed.

Documents: FLORES-200 devtest articles (consecutive lines with one source URL, grouped into
documents of >= 30 sentences), TICO-19 dev (grouped by source URL), UN v1 dev (ar-en, first
1000 lines, grouped by document symbol into documents of >= 30 sentences), the Quran (first
1000 verses, vocalised Uthmani Arabic or the Persian translation against the English, grouped
by sura into documents of >= 30 verses) and the hadith stress case (Sahih Muslim, one
multi-sentence hadith per unit, English often abridged; first 300 hadiths in documents of 50).
benchmarks/perturb.py then merges, splits, drops or inserts sentences (seeded, rate 0.15) and
keeps the gold alignment. Prints strict F1 per corpus and perturbation for each method; the
length-only method stands in for Gale-Church (no published peer numbers exist for these
documents).

``--news`` prints the news cells instead: FLORES and TICO fa-en / ar-en documents rebuilt from
whole articles (perturb.group_articles), short (8-20 sentences) and long (30-60) apart, with
the "news" perturbation (merges, splits, omissions and same-corpus inserts in both directions)
at rates 0.25 and 0.30. Each cell reports strict F1 and the strict precision of the predicted
n-m links (more than one sentence on a side): a wrong 1-2 puts a sentence into a translation
unit that the other side does not say, which costs a translator more than a missed 1-1. The
test cells are FLORES devtest and TICO dev; ``--dev`` gives the same cells on FLORES dev and
TICO's test split, the only ones to tune on.

    python benchmarks/align_perturbed.py                 # all corpora, embed + length
    python benchmarks/align_perturbed.py --corpus flores-fa-en --method embed
    python benchmarks/align_perturbed.py --news          # news test cells (embed)
    python benchmarks/align_perturbed.py --news --dev    # the same cells on dev splits
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Dict, List, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

from perturb import KINDS, group_articles, perturb  # noqa: E402

from aligner.align import AlignConfig, align_sentences  # noqa: E402
from aligner.bench.alignment import score_alignment  # noqa: E402
from aligner.embed import get_embedder  # noqa: E402
from aligner.paths import shared_dir  # noqa: E402

RATE = 0.15
SEED = 1


def _lines(path: Path) -> List[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _group(keys: List[str], min_size: int) -> List[range]:
    """Runs of equal consecutive keys, merged until each holds at least min_size lines."""
    groups, start = [], 0
    for k in range(1, len(keys) + 1):
        if k == len(keys) or (keys[k] != keys[k - 1] and k - start >= min_size):
            groups.append(range(start, k))
            start = k
    return groups


def _article_lines(name: str) -> Tuple[List[str], List[str], List[str]]:
    """(article key per line, source lines, English lines) of a FLORES or TICO split:
    flores-fa-en is devtest (benchmark), flores-dev-fa-en dev (tuning only); tico-fa-en is
    TICO's dev split (benchmark), tico-test-fa-en its test split (tuning only)."""
    data = shared_dir() / "data"
    lang = name.split("-")[-2]
    if name.startswith("flores"):
        split = "dev" if name.startswith("flores-dev") else "devtest"
        keys = [line.split("\t")[0] for line in _lines(data / "flores200" / f"{split}.metadata.tsv")[1:]]
        return keys, _lines(data / "flores200" / f"{split}.{lang}"), _lines(data / "flores200" / f"{split}.en")
    split = "test" if name.startswith("tico-test") else "dev"
    keys = [line.split("\t")[1] for line in _lines(data / "tico19" / f"{split}.ids")]
    return keys, _lines(data / "tico19" / f"{split}.{lang}"), _lines(data / "tico19" / f"{split}.en")


def load_corpus(name: str) -> List[Tuple[List[str], List[str]]]:
    """Sentence-parallel documents (source, English) of a named corpus."""
    data = shared_dir() / "data"
    if name.startswith(("flores", "tico")):
        keys, src, en = _article_lines(name)
        groups = _group(keys, 30)
    elif name == "un-ar-en":
        keys = [line.split()[0] for line in _lines(data / "un_v1" / "dev.ids")[:1000]]
        src, en = _lines(data / "un_v1" / "dev.ar")[:1000], _lines(data / "un_v1" / "dev.en")[:1000]
        groups = _group(keys, 30)
    elif name.startswith("quran"):
        # Vocalised Uthmani Arabic (or the Persian translation) against the English, verse by
        # verse: the first 1000 verses, grouped by sura into documents of >= 30 verses.
        lang = name.split("-")[-2]
        keys = [line.split(":")[0] for line in _lines(data / "quran" / "all.ids")[:1000]]
        src, en = _lines(data / "quran" / f"all.{lang}")[:1000], _lines(data / "quran" / "all.en")[:1000]
        groups = _group(keys, 30)
    elif name == "hadith-ar-en":
        src, en = _lines(data / "hadith_muslim" / "doc.ar")[:300], _lines(data / "hadith_muslim" / "doc.en")[:300]
        groups = [range(k, min(k + 50, 300)) for k in range(0, 300, 50)]
    else:
        raise ValueError(f"unknown corpus {name}")
    return [([src[i] for i in g], [en[i] for i in g]) for g in groups]


CORPORA = ["flores-fa-en", "flores-ar-en", "tico-fa-en", "tico-ar-en", "un-ar-en", "quran-ar-en", "quran-fa-en",
           "hadith-ar-en"]

# The news cells: test corpora and their dev counterparts (the same sources, other splits).
NEWS_TEST = ("flores-fa-en", "flores-ar-en", "tico-fa-en", "tico-ar-en")
NEWS_DEV = {"flores-fa-en": "flores-dev-fa-en", "flores-ar-en": "flores-dev-ar-en",
            "tico-fa-en": "tico-test-fa-en", "tico-ar-en": "tico-test-ar-en"}
NEWS_LENGTHS = {"short": (8, 20), "long": (30, 60)}  # sentences per document (group_articles)
NEWS_RATES = (0.25, 0.30)


def load_articles(name: str, length: str) -> List[Tuple[List[str], List[str]]]:
    """Documents of whole articles of a FLORES or TICO split, NEWS_LENGTHS[length] sentences."""
    keys, src, en = _article_lines(name)
    groups = group_articles(keys, *NEWS_LENGTHS[length])
    return [([src[i] for i in g], [en[i] for i in g]) for g in groups]


def nm_precision(golds, preds) -> Tuple[float, int]:
    """Strict precision of the predicted links with more than one sentence on a side, and
    how many there were."""
    hits = total = 0
    for gold, pred in zip(golds, preds):
        gold_set = {(tuple(s), tuple(t)) for s, t in gold}
        for s, t in pred:
            if len(s) > 1 or len(t) > 1:
                total += 1
                hits += (tuple(s), tuple(t)) in gold_set
    return (hits / total if total else 1.0), total


def evaluate_news(corpus: str, length: str, rate: float, embedder, config: AlignConfig = None,
                  limit: int = None) -> Dict[str, float]:
    """Strict F1 and n-m precision of one news cell (the first ``limit`` documents if given).
    Inserted sentences come from the next document of the same split (both sides)."""
    documents = load_articles(corpus, length)
    src_lang = corpus.split("-")[-2]
    config = config or AlignConfig(method="embed")
    golds, preds = [], []
    for k, (src, tgt) in enumerate(documents[:limit]):
        other_src, other_tgt = documents[(k + 1) % len(documents)]
        p_src, p_tgt, gold = perturb(src, tgt, "news", rate, SEED + k, filler=other_tgt, src_filler=other_src)
        links = align_sentences(p_src, p_tgt, src_lang, "en", embedder=embedder, config=config)
        golds.append(gold)
        preds.append([(link.src_ids, link.tgt_ids) for link in links])
    result = score_alignment(golds, preds)
    result["nm_precision"], result["nm_links"] = nm_precision(golds, preds)
    result["documents"] = len(golds)
    return result


# Documents per dev cell when tuning (align_textberg.py --objective news): a subset, so that a
# trial takes seconds; the chosen weights are then confirmed on the full dev cells.
NEWS_TUNING_LIMITS = {"short": 30, "long": 10}


def news_dev_f1(embedder, weights=None) -> float:
    """Mean strict F1 of the dev news cells (NEWS_TUNING_LIMITS documents each), both rates."""
    scores = [evaluate_news(NEWS_DEV[corpus], length, rate, embedder, AlignConfig(method="embed", weights=weights),
                            limit=NEWS_TUNING_LIMITS[length])["strict_f1"]
              for corpus in NEWS_TEST for length in NEWS_LENGTHS for rate in NEWS_RATES]
    return sum(scores) / len(scores)


def print_news(embedder, dev: bool) -> None:
    print(f"news cells ({'dev' if dev else 'test'}), seed {SEED}: strict F1 / n-m precision (n-m links)")
    print(f"{'corpus':18} {'length':6} {'docs':>4} " + " ".join(f"{'rate ' + str(r):>18}" for r in NEWS_RATES)
          + f" {'time s':>7}")
    for corpus in NEWS_TEST:
        name = NEWS_DEV[corpus] if dev else corpus
        for length in NEWS_LENGTHS:
            start = time.perf_counter()
            cells, docs = [], 0
            for rate in NEWS_RATES:
                r = evaluate_news(name, length, rate, embedder)
                docs = r["documents"]
                cells.append(f"{r['strict_f1']:.3f} / {r['nm_precision']:.3f} ({r['nm_links']:3d})")
            print(f"{name:18} {length:6} {docs:4d} " + " ".join(f"{c:>18}" for c in cells)
                  + f" {time.perf_counter() - start:7.1f}", flush=True)


def evaluate(corpus: str, kind: str, method: str, embedder, weights=None) -> Dict[str, float]:
    documents = load_corpus(corpus)
    src_lang = corpus.split("-")[-2]
    golds, preds = [], []
    for k, (src, tgt) in enumerate(documents):
        # Inserted sentences come from another document of the same corpus.
        filler = documents[(k + 1) % len(documents)][1]
        p_src, p_tgt, gold = perturb(src, tgt, kind, RATE, SEED + k, filler)
        links = align_sentences(p_src, p_tgt, src_lang, "en", embedder=embedder if method != "length" else None,
                                config=AlignConfig(method=method, weights=weights))
        golds.append(gold)
        preds.append([(link.src_ids, link.tgt_ids) for link in links])
    return score_alignment(golds, preds)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", choices=CORPORA, action="append")
    parser.add_argument("--method", choices=["embed", "length"], action="append")
    parser.add_argument("--embedder", default="e5-small")
    parser.add_argument("--news", action="store_true", help="the news cells (short and long, rates 0.25/0.30)")
    parser.add_argument("--dev", action="store_true", help="with --news: the dev splits (for tuning)")
    args = parser.parse_args(argv)
    if args.news:
        print_news(get_embedder(args.embedder), args.dev)
        return
    corpora = args.corpus or CORPORA
    methods = args.method or ["embed", "length"]
    embedder = get_embedder(args.embedder) if "embed" in methods else None
    print(f"strict F1 (lax F1) per perturbation, rate {RATE}, seed {SEED}")
    print(f"{'corpus':14} {'method':7} " + " ".join(f"{k:>12}" for k in KINDS) + f" {'time s':>7}")
    for corpus in corpora:
        for method in methods:
            start = time.perf_counter()
            cells = []
            for kind in KINDS:
                result = evaluate(corpus, kind, method, embedder)
                cells.append(f"{result['strict_f1']:.3f} ({result['lax_f1']:.3f})")
            print(f"{corpus:14} {method:7} " + " ".join(f"{c:>12}" for c in cells)
                  + f" {time.perf_counter() - start:7.1f}", flush=True)


if __name__ == "__main__":
    main()
