"""Calibration of aligner's quality scores: true pairs against corrupted pairs.

For fa-en and ar-en, true pairs come from FLORES-200 devtest, TICO-19 test and Tatoeba test
(../shared/data); each true pair also yields corrupted pairs of four kinds, seeded:

  shuffled   the target of another sentence
  truncated  the target cut to its first 30-60 % of words
  number     one number of the target changed (only pairs whose target has a number)
  copy       the source copied as the target (an untranslated line)

The table gives the ROC-AUC of each component and of the combined score (true = positive), and
the precision of the combined score at the threshold that keeps 95 % of the true pairs.
Missing component values (language of a line without letters) count as 1 (no evidence against).

    python benchmarks/score_calibration.py                 # the report (devtest/TICO/Tatoeba)
    python benchmarks/score_calibration.py --fit           # refit the constants on FLORES dev
    python benchmarks/score_calibration.py --split dev     # the report on FLORES dev only

--fit prints the semantic calibration (logistic regression of the e5-small cosine, true vs
shuffled/truncated FLORES dev pairs) and the length model (median and 1.4826 x MAD of the log
character ratio of true FLORES dev pairs) that aligner/score/components.py holds.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path
from typing import Dict, List, Tuple

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aligner.bitext import BitextLink  # noqa: E402
from aligner.score import COMPONENTS, Scorer, SemanticSimilarity  # noqa: E402
from aligner.score.components import log_length_ratio  # noqa: E402
from aligner.paths import shared_dir  # noqa: E402

PAIRS = ("fa", "ar")
CORRUPTIONS = ("shuffled", "truncated", "number", "copy")
# The corruption each component is meant to catch (its AUC against that kind alone is reported).
TARGETED = {"semantic": "shuffled", "length": "truncated", "numbers": "number", "lang_tgt": "copy"}
_DIGIT_RUN = re.compile(r"\d+")


def load(name: str, lang: str) -> Tuple[List[str], List[str]]:
    data = shared_dir() / "data"
    files = {
        "flores-dev": (data / "flores200" / f"dev.{lang}", data / "flores200" / "dev.en"),
        "flores-devtest": (data / "flores200" / f"devtest.{lang}", data / "flores200" / "devtest.en"),
        "tico-test": (data / "tico19" / f"test.{lang}", data / "tico19" / "test.en"),
        "tatoeba": (data / "tatoeba" / f"test.en-{lang}.{lang}", data / "tatoeba" / f"test.en-{lang}.en"),
    }[name]
    src, tgt = (path.read_text(encoding="utf-8").splitlines() for path in files)
    assert len(src) == len(tgt), files
    return src, tgt


def corrupt(src: List[str], tgt: List[str], lang: str, name: str, rng: random.Random
            ) -> Tuple[List[BitextLink], List[str]]:
    """True links and their corruptions, with a label per link ('true' or a corruption kind)."""
    def link(i: int, s: str, t: str) -> BitextLink:
        return BitextLink(name, name, lang, "en", (i,), (i,), s, t)

    links = [link(i, s, t) for i, (s, t) in enumerate(zip(src, tgt))]
    labels = ["true"] * len(links)
    order = list(range(len(tgt)))
    rng.shuffle(order)
    shifted = order[1:] + order[:1]  # a derangement: nobody keeps its own target
    target_of = dict(zip(order, shifted))
    for i, s in enumerate(src):
        links.append(link(i, s, tgt[target_of[i]]))
        labels.append("shuffled")
        words = tgt[i].split()
        if len(words) >= 3:
            keep = max(1, int(len(words) * rng.uniform(0.3, 0.6)))
            links.append(link(i, s, " ".join(words[:keep])))
            labels.append("truncated")
        runs = list(_DIGIT_RUN.finditer(tgt[i]))
        if runs:
            run = rng.choice(runs)
            value = int(run.group()) + rng.randint(1, 9)
            links.append(link(i, s, tgt[i][:run.start()] + str(value) + tgt[i][run.end():]))
            labels.append("number")
        links.append(link(i, s, s))
        labels.append("copy")
    return links, labels


def roc_auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """Mann-Whitney AUC with ties counted half."""
    values = np.concatenate([positive, negative])
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    # average rank of each distinct value (1-based)
    ends = np.cumsum(counts)
    average_rank = ends - (counts - 1) / 2.0
    ranks = average_rank[inverse]
    n_pos, n_neg = len(positive), len(negative)
    return float((ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def precision_at_recall(positive: np.ndarray, negative: np.ndarray, recall: float = 0.95) -> Tuple[float, float]:
    """Precision and threshold when keeping the top ``recall`` share of the true pairs."""
    threshold = float(np.quantile(positive, 1.0 - recall, method="lower"))
    kept_true = int((positive >= threshold).sum())
    kept_false = int((negative >= threshold).sum())
    return kept_true / (kept_true + kept_false), threshold


def sample(src: List[str], tgt: List[str], limit: int, rng: random.Random) -> Tuple[List[str], List[str]]:
    if len(src) <= limit:
        return src, tgt
    chosen = sorted(rng.sample(range(len(src)), limit))
    return [src[i] for i in chosen], [tgt[i] for i in chosen]


def evaluate(name: str, lang: str, limit: int, seed: int, scorer: Scorer) -> Dict[str, object]:
    rng = random.Random(f"{seed}-{name}-{lang}")
    src, tgt = sample(*load(name, lang), limit, rng)
    links, labels = corrupt(src, tgt, lang, name, rng)
    scorer.score_batch(links)
    labels_array = np.array(labels)
    positive_mask = labels_array == "true"
    row: Dict[str, object] = {"set": name, "pair": f"{lang}-en", "true": int(positive_mask.sum()),
                              "corrupted": int((~positive_mask).sum())}
    for component in COMPONENTS.names() + ["score"]:
        values = np.array([link.score if component == "score" else link.scores.get(component, 1.0)
                           for link in links], dtype=float)
        measurable = component == "score" or any(component in link.scores for link in links)
        row[component] = roc_auc(values[positive_mask], values[~positive_mask]) if measurable else None
        kind = TARGETED.get(component)
        if kind and (labels_array == kind).any():
            row[f"{component}:{kind}"] = roc_auc(values[positive_mask], values[labels_array == kind])
        if component == "score":
            row["P@95R"], row["threshold"] = precision_at_recall(values[positive_mask], values[~positive_mask])
            for kind in CORRUPTIONS:
                mask = labels_array == kind
                row[f"auc:{kind}"] = roc_auc(values[positive_mask], values[mask]) if mask.any() else None
                row[f"n:{kind}"] = int(mask.sum())
    return row


def print_table(rows: List[Dict[str, object]]) -> None:
    short = {"semantic": "sem", "length": "len", "numbers": "num", "punctuation": "punct",
             "lang_src": "lid-s", "lang_tgt": "lid-t", "mt": "mt", "link": "link", "score": "COMB"}
    columns = ["set", "pair", "true", "corrupted"] + COMPONENTS.names() + ["score", "P@95R"]
    header = [short.get(c, c) for c in columns]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        cells = []
        for column in columns:
            value = row[column]
            cells.append("n/a" if value is None else f"{value:.4f}" if isinstance(value, float) else str(value))
        print("| " + " | ".join(cells) + " |")
    print("\nCombined AUC per corruption kind (pairs):\n")
    print("| set | pair | " + " | ".join(CORRUPTIONS) + " | threshold@95R |")
    print("|---|---|" + "---|" * len(CORRUPTIONS) + "---|")
    for row in rows:
        cells = [f"{row[f'auc:{k}']:.4f} ({row[f'n:{k}']})" if row[f"auc:{k}"] is not None else "n/a"
                 for k in CORRUPTIONS]
        print(f"| {row['set']} | {row['pair']} | " + " | ".join(cells) + f" | {row['threshold']:.3f} |")
    print("\nEach component against the corruption it targets (AUC):\n")
    print("| set | pair | " + " | ".join(f"{c} vs {k}" for c, k in TARGETED.items()) + " |")
    print("|---|---|" + "---|" * len(TARGETED))
    for row in rows:
        cells = [f"{row[f'{c}:{k}']:.4f}" if f"{c}:{k}" in row else "n/a" for c, k in TARGETED.items()]
        print(f"| {row['set']} | {row['pair']} | " + " | ".join(cells) + " |")


def fit_logistic(x: np.ndarray, y: np.ndarray, iterations: int = 50) -> Tuple[float, float]:
    """Logistic regression p = sigmoid(a x + b) by Newton's method (a tiny ridge keeps it stable)."""
    design = np.stack([x, np.ones_like(x)], axis=1)
    weights = np.zeros(2)
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-design @ weights))
        gradient = design.T @ (p - y) + 1e-6 * weights
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + 1e-6 * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.abs(step).max() < 1e-9:
            break
    return float(weights[0]), float(weights[1])


def fit(seed: int) -> None:
    semantic = SemanticSimilarity()
    slopes, intercepts = [], []
    for lang in PAIRS:
        rng = random.Random(f"{seed}-fit-{lang}")
        src, tgt = load("flores-dev", lang)
        links, labels = corrupt(src, tgt, lang, "flores-dev", rng)
        keep = [i for i, label in enumerate(labels) if label in ("true", "shuffled", "truncated")]
        cosines = np.array(semantic.cosines([links[i] for i in keep]))
        y = np.array([labels[i] == "true" for i in keep], dtype=float)
        slope, intercept = fit_logistic(cosines, y)
        slopes.append(slope)
        intercepts.append(intercept)
        ratios = np.array([log_length_ratio(s, t) for s, t in zip(src, tgt)])
        median = float(np.median(ratios))
        mad = float(np.median(np.abs(ratios - median))) * 1.4826
        print(f'("{lang}", "en"): Logistic(slope={slope:.2f}, intercept={intercept:.2f})   '
              f'LengthModel(mean={median:.4f}, sd={mad:.4f})')
    print(f"default: Logistic(slope={np.mean(slopes):.2f}, intercept={np.mean(intercepts):.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fit", action="store_true", help="fit the constants on FLORES dev and print them")
    parser.add_argument("--split", choices=["test", "dev"], default="test",
                        help="test: FLORES devtest, TICO test, Tatoeba; dev: FLORES dev (for tuning)")
    parser.add_argument("--limit", type=int, default=1000, help="true pairs sampled per set (default 1000)")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    if args.fit:
        fit(args.seed)
        return
    names = ["flores-dev"] if args.split == "dev" else ["flores-devtest", "tico-test", "tatoeba"]
    scorer = Scorer()
    rows = []
    started = time.time()
    for lang in PAIRS:
        for name in names:
            rows.append(evaluate(name, lang, args.limit, args.seed, scorer))
            print(f"  {name} {lang}-en done ({time.time() - started:.0f}s)", file=sys.stderr)
    print(f"Scorer signature: {scorer.signature().long}\n")
    print_table(rows)
    print("\nmt: not measurable here (no fa/ar->en MT weights on this machine); the combination skips it.")


if __name__ == "__main__":
    main()
