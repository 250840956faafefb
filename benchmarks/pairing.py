"""Pairing articles by content, on folders as users have them (benchmarks/pairing_data.py):
files with names that say nothing, about a quarter of the sources and 28 % of the targets
without their partner, some sources given a comparable article (a third of their translation among another
article's sentences) instead of their translation.

Reported per language pair, beside the pair-everything baselines on the same folders
(document-mean cosine + greedy 1-1, BiMax + greedy 1-1, both with the run's e5-small vectors):
pair precision, recall and F1 (a pair is right when it is the gold translation; comparable
pairs are no claim of translation and are not counted as pairs), the share of sources without a
translation left alone (unpaired or called comparable), comparable pairs found, and the ECE of
P(translation) of each source's most probable candidate (10 bins; right = it is the gold pair).
Documents are read, segmented and embedded exactly as `aligner run` does (pipeline/pairing.py).

    python benchmarks/pairing.py                      # test split, fa-en and ar-en
    python benchmarks/pairing.py --split dev --fit    # refit pairing/calibration.py on dev
    python benchmarks/pairing.py --scale 10000        # time and memory of 10,000 x 10,000 articles
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pairing_data import Folders, write_folders  # noqa: E402

from aligner.pairing.calibration import FEATURES  # noqa: E402
from aligner.pairing.content import ContentSettings, score_candidates  # noqa: E402
from aligner.pairing.content import pair_by_content  # noqa: E402
from aligner.pairing.model import COMPARABLE, PARALLEL, PairingDocument  # noqa: E402
from aligner.pipeline.job import JobOptions  # noqa: E402
from aligner.pipeline.pairing import DocumentReader  # noqa: E402
from aligner.text.reading import iter_sources  # noqa: E402


def read_folders(folders: Folders, lang: str) -> Tuple[List[PairingDocument], List[PairingDocument]]:
    reader = DocumentReader(JobOptions(lang, "en"), progress=False)
    return (reader.read("source", list(iter_sources([str(folders.sources)]))),
            reader.read("target", list(iter_sources([str(folders.targets)]))))


def greedy_everything(scores: np.ndarray) -> Dict[int, int]:
    """Pair-everything baseline: highest score first, each document once, until one side runs out."""
    order = np.dstack(np.unravel_index(np.argsort(-scores, axis=None), scores.shape))[0]
    pairs, taken = {}, set()
    for i, j in order:
        if i not in pairs and j not in taken:
            pairs[int(i)] = int(j)
            taken.add(j)
            if len(pairs) == min(scores.shape):
                break
    return pairs


def mean_cosine(sources: Sequence[PairingDocument], targets: Sequence[PairingDocument]) -> np.ndarray:
    def means(documents):
        rows = np.stack([d.vectors.mean(axis=0) if len(d.vectors) else np.zeros(384, np.float32) for d in documents])
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
    return means(sources) @ means(targets).T


def bimax(sources: Sequence[PairingDocument], targets: Sequence[PairingDocument]) -> np.ndarray:
    """BiMax (Wang et al. 2025): mean of each sentence's best cosine on the other side, both ways."""
    src = np.concatenate([d.vectors for d in sources])
    src_starts = np.cumsum([0] + [len(d.vectors) for d in sources])[:-1]
    scores = np.zeros((len(sources), len(targets)), dtype=np.float32)
    for j, target in enumerate(targets):
        sim = src @ target.vectors.T  # every source sentence against this target
        forward = np.add.reduceat(sim.max(axis=1), src_starts) / [max(1, len(d.vectors)) for d in sources]
        backward = np.maximum.reduceat(sim, src_starts, axis=0).mean(axis=1)
        scores[:, j] = (forward + backward) / 2
    return scores


def pair_metrics(predicted: Dict[str, str], folders: Folders) -> Dict[str, float]:
    right = sum(folders.gold.get(s) == t for s, t in predicted.items())
    precision = right / len(predicted) if predicted else 1.0
    recall = right / len(folders.gold) if folders.gold else 1.0
    alone = [s for s in folders.corpus_of if s not in folders.gold]
    left = sum(s not in predicted for s in alone) / len(alone) if alone else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"pairs": len(predicted), "precision": precision, "recall": recall, "f1": f1, "alone": left}


def ece(probabilities: Sequence[float], right: Sequence[bool], bins: int = 10) -> float:
    p, y = np.asarray(probabilities), np.asarray(right, dtype=float)
    total = 0.0
    for b in range(bins):
        inside = (p >= b / bins) & ((p < (b + 1) / bins) if b < bins - 1 else (p <= 1))
        if inside.any():
            total += inside.sum() / len(p) * abs(p[inside].mean() - y[inside].mean())
    return total


def our_pairs(sources, targets, folders: Folders, settings: ContentSettings):
    decisions = pair_by_content(sources, targets, settings)
    predicted = {d.source: d.target for d in decisions if d.source and d.target and d.verdict == PARALLEL}
    comparable = {d.source: d.target for d in decisions if d.source and d.target and d.verdict == COMPARABLE}
    best = [(d.probability, folders.gold.get(d.source) == (d.target or (d.losers[0][0] if d.losers else None)))
            for d in decisions if d.source and d.probability is not None]
    return predicted, comparable, best


def fit(samples: List[Tuple[Dict[str, float], bool]], l2: float = 1e-2, steps: int = 50) -> Tuple[np.ndarray, float]:
    """Logistic regression by Newton's method (a small L2 penalty on the weights)."""
    x = np.array([[features[name] for name in FEATURES] for features, _ in samples])
    y = np.array([label for _, label in samples], dtype=float)
    x = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(x.shape[1])
    penalty = np.eye(x.shape[1]) * l2
    penalty[-1, -1] = 0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (p - y) + penalty @ w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + penalty
        w -= np.linalg.solve(hessian, gradient)
    return w[:-1], float(w[-1])


def run_language(split: str, lang: str, root: Path, settings: ContentSettings, samples: list) -> List[tuple]:
    folders = write_folders(root / f"{split}-{lang}", split, lang)
    start = time.time()
    sources, targets = read_folders(folders, lang)
    read_s = time.time() - start
    src_names = [d.doc_id for d in sources]
    tgt_names = [d.doc_id for d in targets]
    scored = score_candidates(sources, targets, settings.neighbours)
    for pair in scored:
        samples.append((pair.evidence.features, folders.gold.get(src_names[pair.i]) == tgt_names[pair.j]))
    reached = sum(folders.gold.get(src_names[p.i]) == tgt_names[p.j] for p in scored) / max(1, len(folders.gold))
    start = time.time()
    predicted, comparable, best = our_pairs(sources, targets, folders, settings)
    pair_s = time.time() - start
    rows = []
    ours = pair_metrics(predicted, folders)
    found = sum(folders.comparable.get(s) == t for s, t in comparable.items())
    rows.append((f"{lang}-en", "aligner (content)", ours, ece(*zip(*best)) if best else float("nan"),
                 f"{found}/{len(folders.comparable)} comparable found, {len(comparable) - found} wrong; "
                 f"candidates hold {reached:.1%} of the gold pairs; read+embed {read_s:.0f}s, pair {pair_s:.1f}s"))
    for name, scores in (("mean cosine + greedy", mean_cosine(sources, targets)), ("BiMax + greedy", bimax(sources, targets))):
        pairs = greedy_everything(scores)
        rows.append((f"{lang}-en", name, pair_metrics({src_names[i]: tgt_names[j] for i, j in pairs.items()}, folders),
                     float("nan"), ""))
    print(f"{split} {lang}-en: {len(sources)} sources ({len(folders.gold)} with a translation, "
          f"{len(folders.comparable)} with a comparable article), {len(targets)} targets", file=sys.stderr)
    return rows


def print_table(rows: List[tuple]) -> None:
    print(f"{'pair':6} {'method':22} {'pairs':>5} {'prec':>6} {'recall':>6} {'F1':>6} {'alone':>6} {'ECE':>6}  notes")
    for lang, name, m, calibration, notes in rows:
        print(f"{lang:6} {name:22} {m['pairs']:5d} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} "
              f"{m['alone']:6.3f} {calibration:6.3f}  {notes}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["dev", "test"], default="test")
    parser.add_argument("--langs", nargs="+", default=["fa", "ar"])
    parser.add_argument("--fit", action="store_true", help="fit the calibration on the split's candidates (dev only)")
    parser.add_argument("--threshold", type=float, default=ContentSettings().threshold)
    parser.add_argument("--scale", type=int, default=0, metavar="N", help="time N x N synthetic articles instead")
    parser.add_argument("--keep", type=Path, default=None, help="write the folders here and keep them")
    args = parser.parse_args()
    if args.scale:
        from pairing_scale import scale_benchmark
        scale_benchmark(args.scale)
        return
    if args.fit and args.split != "dev":
        parser.error("--fit tunes on dev only")
    settings = ContentSettings(threshold=args.threshold)
    samples: list = []
    with tempfile.TemporaryDirectory() as temporary:
        root = args.keep or Path(temporary)
        rows = [row for lang in args.langs for row in run_language(args.split, lang, root, settings, samples)]
    print_table(rows)
    if args.fit:
        weights, bias = fit(samples)
        print("COEFFICIENTS = {" + ", ".join(f'"{n}": {w:.3f}' for n, w in zip(FEATURES, weights)) + "}")
        print(f"BIAS = {bias:.3f}")


if __name__ == "__main__":
    main()
