"""Alignment speed and memory.

1. Text+Berg test (7 documents, 991 de / 1011 fr sentences) end to end in a fresh process:
   cold (empty embedding cache: model load + encoding + alignment) and warm (cache filled),
   for the embedding method and for embeddings + Bleualign's MT files (combined).
2. Peak memory (max RSS of a fresh process) and time of the search for 1k, 10k and 50k
   sentences per side. The sentence vectors are synthetic (random unit vectors, with merges,
   drops and insertions on the target side) because encoding 100,000 sentences takes hours on
   this CPU; vectors for real text take the same memory (384 float32 per sentence).

    python benchmarks/align_speed.py               # both parts
    python benchmarks/align_speed.py --sizes 1000 10000
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
result = run(docs, {method!r}, {mt}, {mt}, get_embedder("e5-small"))
print(json.dumps({{"seconds": time.perf_counter() - start, "strict_f1": result["strict_f1"]}}))
"""

SEARCH_RUN = """
import sys, time, json, resource
import numpy as np
sys.path.insert(0, {tests!r})
from test_align import _synthetic
from aligner.align import AlignConfig, align_sentences, score_alignment
src_vectors, tgt_vectors, gold = _synthetic({n})
src = ["Satz %d mit etwas Text." % i for i in range(len(src_vectors))]
tgt = ["Phrase %d avec du texte." % j for j in range(len(tgt_vectors))]
start = time.perf_counter()
links = align_sentences(src, tgt, "de", "fr", config=AlignConfig(method="embed"),
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


def textberg_timings():
    print("Text+Berg test end to end (fresh process each; target: cold <= 60 s, warm <= 2 s)")
    print(f"{'method':28} {'cold s':>8} {'warm s':>8} {'strict F1':>9}")
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, ALIGNER_HOME=home, PYTHONPATH=str(ROOT))
        # Cold once (the cache is shared by both methods), then warm runs of each.
        for k, (label, method, mt) in enumerate((("combined (embed + MT files)", "auto", True),
                                                 ("embed", "embed", False))):
            code = TEXTBERG_RUN.format(here=str(HERE), method=method, mt=mt)
            cold = _python(code, env)["seconds"] if k == 0 else None
            warm = _python(code, env)
            cold_text = f"{cold:8.1f}" if cold is not None else f"{'-':>8}"
            print(f"{label:28} {cold_text} {warm['seconds']:8.1f} {warm['strict_f1']:9.3f}", flush=True)
    print(f"(load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


def search_memory(sizes):
    print("Search time and peak memory on synthetic vectors (target: 50k x 50k within 2 GB)")
    print(f"{'sentences/side':>14} {'seconds':>8} {'max RSS MB':>10} {'strict F1':>9}")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for n in sizes:
        result = _python(SEARCH_RUN.format(tests=str(ROOT / "tests"), n=n), env)
        print(f"{n:14,} {result['seconds']:8.1f} {result['max_rss_mb']:10.0f} {result['strict_f1']:9.3f}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 50000])
    parser.add_argument("--skip-textberg", action="store_true")
    args = parser.parse_args(argv)
    if not args.skip_textberg:
        textberg_timings()
    if args.sizes:
        search_memory(args.sizes)


if __name__ == "__main__":
    main()
