"""Alignment speed and memory.

1. Text+Berg test (7 documents, 991 de / 1011 fr sentences) end to end in a fresh process:
   cold (empty embedding cache: model load + encoding + alignment) and warm (cache filled),
   for the embedding method and for embeddings + Bleualign's MT files (combined), at each
   pass-3 margin (--concat-margin: how many concatenations are encoded beside the sentences).
2. Peak memory (max RSS of a fresh process) and time of the search for 1k, 10k and 50k
   sentences per side, without and with pass 3. The sentence vectors are synthetic (random
   unit vectors, with merges, drops and insertions on the target side) because encoding 100,000
   sentences takes hours on this CPU; vectors for real text take the same memory (384 float32
   per sentence). Pass 3's concatenations get the normalised sum of their sentence vectors.

    python benchmarks/align_speed.py               # both parts
    python benchmarks/align_speed.py --sizes 1000 10000
    python benchmarks/align_speed.py --concat-margins 0.05 --sizes    # Text+Berg, default only
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

TEXTBERG_RUN = """
import sys, time, json
sys.path.insert(0, {here!r})
start = time.perf_counter()
from align_textberg import load_textberg, run
from aligner.embed import get_embedder
docs = load_textberg("test")
result = run(docs, {method!r}, {mt}, {mt}, get_embedder("e5-small"), concat_margin={margin})
print(json.dumps({{"seconds": time.perf_counter() - start, "strict_f1": result["strict_f1"]}}))
"""

SEARCH_RUN = """
import re, sys, time, json, resource
import numpy as np
sys.path.insert(0, {tests!r})
from test_align import _synthetic
from aligner.align import AlignConfig, align_sentences
from aligner.bench.alignment import score_alignment
src_vectors, tgt_vectors, gold = _synthetic({n})
src = ["Satz %d mit etwas Text." % i for i in range(len(src_vectors))]
tgt = ["Phrase %d avec du texte." % j for j in range(len(tgt_vectors))]


class SummingEmbedder:
    # Pass 3 asks for concatenations of these synthetic sentences; their 'embedding' is the
    # normalised sum of the sentence vectors: the search's own work and memory are real.
    def encode(self, texts):
        out = []
        for text in texts:
            side = src_vectors if text.startswith("Satz") else tgt_vectors
            total = side[[int(k) for k in re.findall(r"(?:Satz|Phrase) (\\d+)", text)]].sum(axis=0)
            out.append(total / np.linalg.norm(total))
        return np.array(out, dtype=np.float32)


start = time.perf_counter()
links = align_sentences(src, tgt, "de", "fr", config=AlignConfig(method="embed"),
                        embedder=SummingEmbedder() if {pass3} else None,
                        src_vectors=src_vectors, tgt_vectors=tgt_vectors)
seconds = time.perf_counter() - start
f1 = score_alignment(gold, [(l.src_ids, l.tgt_ids) for l in links])["strict_f1"]
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "max_rss_mb": rss, "strict_f1": f1}}))
"""


def _python(code: str, env: dict) -> dict:
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
    if result.returncode:
        raise RuntimeError(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def textberg_timings(margins):
    print("Text+Berg test end to end (fresh process each; target: cold <= 60 s, warm <= 2 s)")
    print(f"{'method':28} {'--concat-margin':>15} {'cold s':>8} {'warm s':>8} {'strict F1':>9}")
    for margin in margins:
        for label, method, mt in (("combined (embed + MT files)", "auto", True), ("embed", "embed", False)):
            # A fresh cache per row: cold really encodes everything this configuration needs.
            with tempfile.TemporaryDirectory() as home:
                env = dict(os.environ, ALIGNER_HOME=home, PYTHONPATH=str(ROOT))
                code = TEXTBERG_RUN.format(here=str(HERE), method=method, mt=mt, margin=margin)
                cold = _python(code, env)
                warm = _python(code, env)
            print(f"{label:28} {margin:15g} {cold['seconds']:8.1f} {warm['seconds']:8.1f} {warm['strict_f1']:9.3f}",
                  flush=True)
    print(f"(load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


def search_memory(sizes):
    print("Search time and peak memory on synthetic vectors (target: 50k x 50k within 2 GB)")
    print(f"{'sentences/side':>14} {'pass 3':>6} {'seconds':>8} {'max RSS MB':>10} {'strict F1':>9}")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for n in sizes:
        # Without an embedder there is no pass 3; with one, the search also keeps every score
        # row and memoised link score for the max-marginals (concatenations: summed vectors).
        for pass3 in (False, True):
            result = _python(SEARCH_RUN.format(tests=str(ROOT / "tests"), n=n, pass3=pass3), env)
            print(f"{n:14,} {'on' if pass3 else 'off':>6} {result['seconds']:8.1f} {result['max_rss_mb']:10.0f} "
                  f"{result['strict_f1']:9.3f}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 50000])
    parser.add_argument("--skip-textberg", action="store_true")
    parser.add_argument("--concat-margins", type=float, nargs="*", default=[0.05, 0.0],
                        help="pass-3 margins to time on Text+Berg (0.05 is the default, 0 turns pass 3 off)")
    args = parser.parse_args(argv)
    if not args.skip_textberg:
        textberg_timings(args.concat_margins)
    if args.sizes:
        search_memory(args.sizes)


if __name__ == "__main__":
    main()
