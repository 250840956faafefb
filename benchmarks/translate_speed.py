#!/usr/bin/env python
"""Translation speed: `aligner translate` vs argostranslate vs a naive per-sentence CTranslate2 loop.

All three translate the same FLORES-200 devtest Persian sentences (rebuilt into articles from
devtest.metadata.tsv) with the same Argos-layout package: Transformer-base dimensions (6+6
layers, d_model 512, 8 heads, FFN 2048, 32k joint SentencePiece vocabulary trained on dev sets,
int8 weights as Argos ships them) and seeded random weights whose </s> wins near step 30, so
outputs have realistic lengths (see scripts/make_test_models.py). Same beam (4, Argos's
default), length penalty (0.2, Argos's fixed value), maximum decoding length (256), int8,
same number of CPU threads. Each system runs in its own process; wall time and peak RSS are
that process's. argostranslate runs from its own virtualenv (it pins stanza==1.10.1), given
with --argos-python; its sentence splitter is replaced by one that returns the line it gets,
because its default (MiniSBD) downloads a model and the input is already one sentence per line.

Then the memory check: `aligner translate` on 1x, 4x and 16x the data (copies made distinct so
nothing is deduplicated), with a tiny model and --window 1000 so the input outgrows the window.

    python -m venv --system-site-packages /tmp/argos-venv && /tmp/argos-venv/bin/pip install argostranslate
    python benchmarks/translate_speed.py --argos-python /tmp/argos-venv/bin/python
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ALIGNER_SHARED") or REPO.parent / "shared")
FLORES = SHARED / "data" / "flores200"
# SentencePiece training text: dev sets only (the benchmark translates FLORES devtest).
SP_CORPUS = ["flores200/dev.fa", "flores200/dev.en", "flores200/dev.ar", "tico19/dev.fa", "tico19/dev.en",
             "tico19/test.fa", "tico19/test.en", "tico19/dev.ar", "tico19/test.ar", "tatoeba/test.en-fa.fa",
             "tatoeba/test.en-fa.en", "tatoeba/test.en-ar.ar", "tatoeba/test.en-ar.en", "un_v1/dev.en",
             "un_v1/dev.ar"]
DECODING = dict(beam_size=4, length_penalty=0.2, max_decoding_length=256)


def builder():
    spec = importlib.util.spec_from_file_location("make_test_models", REPO / "scripts" / "make_test_models.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_models(work: Path):
    """The Argos-size fa->en package and a tiny one for the memory runs (built once, reused)."""
    make = builder()
    corpus = {}
    for name in SP_CORPUS:
        path = SHARED / "data" / name
        corpus.setdefault(path.suffix.lstrip("."), []).extend(path.read_text(encoding="utf-8").splitlines())
    corpus = {"fa": corpus["fa"], "en": corpus["en"] + corpus["ar"]}  # Arabic fills the joint vocabulary to 32k
    base = work / "models" / "translate-fa_en-1_0.argosmodel"
    if not base.exists():
        make.make_argos(base.parent, "fa", "en", make.ARGOS_BASE, corpus)
    tiny = work / "tiny" / "translate-fa_en-1_0.argosmodel"
    if not tiny.exists():
        make.make_argos(tiny.parent, "fa", "en", dict(make.TINY, vocab_size=1000), corpus)
    return base, tiny


def write_articles(folder: Path, copies: int = 1) -> int:
    """FLORES devtest fa as articles (consecutive lines with one URL), one sentence per line."""
    sentences = (FLORES / "devtest.fa").read_text(encoding="utf-8").splitlines()
    urls = [line.split("\t")[0] for line in (FLORES / "devtest.metadata.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    assert len(urls) == len(sentences), "metadata and sentences differ in length"
    folder.mkdir(parents=True, exist_ok=True)
    articles, current, previous = [], [], None
    for url, sentence in zip(urls, sentences):
        if current and url != previous:
            articles.append(current)
            current = []
        current.append(sentence)
        previous = url
    articles.append(current)
    for copy in range(copies):
        suffix = f" ({copy})" if copy else ""  # distinct copies: nothing is translated only once
        for number, article in enumerate(articles):
            (folder / f"{copy:02d}-{number:03d}.txt").write_text(
                "".join(s + suffix + "\n" for s in article), encoding="utf-8")
    return len(sentences) * copies


def measure(command, env=None):
    """Run ``command``; returns (wall seconds, peak RSS MiB) of that process tree's largest process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(map(str, command))}")
    return wall, usage.ru_maxrss / 1024


def aligner_command(*args):
    return [sys.executable, "-c", "import sys; from aligner.cli import main; sys.argv[0] = 'aligner'; main()", *args]


def run_aligner(work: Path, package: Path, articles: Path, out: Path, threads: int, home: Path, extra=()):
    env = {"ALIGNER_HOME": str(home), "PYTHONPATH": str(REPO)}
    subprocess.run(aligner_command("models", "install", str(package), "--force"), env={**os.environ, **env},
                   check=True, stdout=subprocess.DEVNULL)
    return measure(aligner_command(
        "translate", str(articles), "--from", "fa", "--to", "en", "--format", "jsonl", "-o", str(out),
        "--beam-size", str(DECODING["beam_size"]), "--length-penalty", str(DECODING["length_penalty"]),
        "--max-decoding-length", str(DECODING["max_decoding_length"]), "--threads", str(threads),
        "--device", "cpu", "--compute-type", "int8", "--no-cache", *extra), env)


# -- workers (each runs in its own process) ----------------------------------------------------------

def argos_worker(package: str, documents: str, out: str, threads: int) -> None:
    """argostranslate as a user runs it: install the package, translate each article's lines."""
    import argostranslate.package
    import argostranslate.translate

    class OneSentencePerLine:  # replaces MiniSBD, which would download a model
        def split_sentences(self, text):
            return [text]

    argostranslate.package.install_from_path(Path(package))
    translation = argostranslate.translate.get_translation_from_codes("fa", "en")
    translation.underlying.sentencizer = OneSentencePerLine()
    started = time.perf_counter()
    results = []
    for sentences in json.loads(Path(documents).read_text(encoding="utf-8")):
        results.append(translation.translate("\n".join(sentences)).split("\n"))
    Path(out).write_text(json.dumps({"translations": results, "seconds": time.perf_counter() - started},
                                    ensure_ascii=False), encoding="utf-8")


def naive_worker(package_dir: str, documents: str, out: str, threads: int, batched: bool = False) -> None:
    """The obvious loop, one translate_batch call per sentence; or (batched) one call for all
    sentences with CTranslate2's own length sorting and token batching, for comparison."""
    import ctranslate2
    import sentencepiece as spm

    translator = ctranslate2.Translator(f"{package_dir}/model", device="cpu", compute_type="int8",
                                        intra_threads=threads)
    sp = spm.SentencePieceProcessor(model_file=f"{package_dir}/sentencepiece.model")
    started = time.perf_counter()
    results = []
    for sentences in json.loads(Path(documents).read_text(encoding="utf-8")):
        if batched:
            results.append(sentences)
            continue
        results.append([sp.decode(translator.translate_batch([sp.encode(s, out_type=str)], replace_unknowns=True,
                                                             **DECODING)[0].hypotheses[0]) for s in sentences])
    if batched:
        flat = [s for doc in results for s in doc]
        outputs = translator.translate_batch([sp.encode(s, out_type=str) for s in flat], replace_unknowns=True,
                                             max_batch_size=1024, batch_type="tokens", **DECODING)
        texts = iter(sp.decode(o.hypotheses[0]) for o in outputs)
        results = [[next(texts) for _ in doc] for doc in results]
    Path(out).write_text(json.dumps({"translations": results, "seconds": time.perf_counter() - started},
                                    ensure_ascii=False), encoding="utf-8")


# -- the benchmark ---------------------------------------------------------------------------------

def run_worker(kind: str, package: Path, docs_file: Path, out: Path, threads: int, python=sys.executable,
               env=None):
    """One worker in its own process: (wall s, peak RSS MiB, translate s, translations flattened)."""
    wall, rss = measure([python, __file__, "--worker", kind, str(package), str(docs_file), str(out),
                         "--threads", str(threads)], env)
    result = json.loads(out.read_text(encoding="utf-8"))
    return wall, rss, result["seconds"], [t for doc in result["translations"] for t in doc]


def argos_env(work: Path, threads: int) -> dict:
    """argostranslate's settings for the same decoding, with its folders under ``work``."""
    home = work / "argos-home"
    return {"XDG_DATA_HOME": str(home / "data"), "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_CONFIG_HOME": str(home / "config"), "ARGOS_DEVICE_TYPE": "cpu", "ARGOS_COMPUTE_TYPE": "int8",
            "ARGOS_INTRA_THREADS": str(threads), "ARGOS_INTER_THREADS": "1",
            "ARGOS_BEAM_SIZE": str(DECODING["beam_size"])}


def speed_rows(work: Path, base: Path, articles: Path, threads: int, argos_python):
    """name -> (wall s, peak RSS MiB, translate s or None, translations); the articles' sentences
    as aligner segmented them; the installed package's folder."""
    rows = {}
    out = work / "aligner.jsonl"
    wall, rss = run_aligner(work, base, articles, out, threads, work / "home")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    documents, ours = {}, {}
    for record in records:
        documents.setdefault(record["doc"], []).append(record["source"])
        ours.setdefault(record["doc"], []).append(record["translation"])
    order = sorted(documents)
    docs_file = work / "documents.json"
    docs_file.write_text(json.dumps([documents[d] for d in order], ensure_ascii=False), encoding="utf-8")
    rows["aligner translate"] = (wall, rss, None, [t for d in order for t in ours[d]])
    package_dir = work / "home" / "data" / "models" / "translate-fa_en-1_0"
    rows["naive ctranslate2 loop"] = run_worker("naive", package_dir, docs_file, work / "naive.json", threads)
    rows["one ct2 call, ct2 batching"] = run_worker("ct2-batched", package_dir, docs_file,
                                                    work / "ct2-batched.json", threads)
    if argos_python:
        rows["argostranslate 1.11"] = run_worker("argos", base, docs_file, work / "argos.json", threads,
                                                 argos_python, argos_env(work, threads))
    return rows, [documents[d] for d in order], package_dir


def print_speed_table(rows, articles, package_dir: Path, n_sentences: int, threads: int) -> None:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(package_dir / "sentencepiece.model"))
    ours, naive = rows["aligner translate"][3], rows["naive ctranslate2 loop"][3]
    sources = [s for article in articles for s in article]
    source_tokens = sum(len(sp.encode(s)) for s in sources)
    print(f"\n{n_sentences} FLORES devtest fa sentences in {len(articles)} articles ({len(sources)} after "
          f"segmentation), {source_tokens} source tokens; beam {DECODING['beam_size']}, length penalty "
          f"{DECODING['length_penalty']}, max length {DECODING['max_decoding_length']}, int8, {threads} threads\n")
    print(f"{'system':26} {'wall s':>8} {'translate s':>12} {'src tok/s':>10} {'tgt tok/s':>10} "
          f"{'peak RSS MiB':>13} {'same as aligner':>16} {'same as naive':>14}")
    for name, (wall, rss, seconds, translations) in rows.items():
        target_tokens = sum(len(sp.encode(t)) for t in translations)
        same = sum(a == b for a, b in zip(translations, ours)) / max(len(ours), 1)
        same_naive = sum(a == b for a, b in zip(translations, naive)) / max(len(naive), 1)
        print(f"{name:26} {wall:8.1f} {seconds if seconds else wall:12.1f} {source_tokens / wall:10.0f} "
              f"{target_tokens / wall:10.0f} {rss:13.0f} {same:16.1%} {same_naive:14.1%}")
    lengths = sorted(len(sp.encode(t)) for t in ours)
    print(f"\noutput length (tokens): median {lengths[len(lengths) // 2]}, min {lengths[0]}, max {lengths[-1]}")


def print_memory_table(work: Path, tiny: Path, scales, threads: int) -> None:
    print(f"\nmemory as the input grows (tiny model, --window 1000, {threads} threads):")
    print(f"{'data':>6} {'sentences':>10} {'wall s':>8} {'peak RSS MiB':>13}")
    for scale in scales:
        folder = work / f"articles-{scale}x"
        count = write_articles(folder, scale)
        wall, rss = run_aligner(work, tiny, folder, work / f"tiny-{scale}x.jsonl", threads, work / "home-tiny",
                                ["--window", "1000", "--beam-size", "1"])
        print(f"{scale:>5}x {count:10d} {wall:8.1f} {rss:13.0f}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path("/tmp/aligner-translate-bench"))
    parser.add_argument("--argos-python", default=None, help="Python of a virtualenv with argostranslate.")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--scales", default="1,4,16", help="Data multiples for the memory runs.")
    parser.add_argument("--worker", choices=["argos", "naive", "ct2-batched"], help=argparse.SUPPRESS)
    parser.add_argument("worker_args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        if args.worker == "argos":
            argos_worker(*args.worker_args[:3], args.threads)
        else:
            naive_worker(*args.worker_args[:3], args.threads, batched=args.worker == "ct2-batched")
        return
    base, tiny = build_models(args.work)
    articles = args.work / "articles-1x"
    n_sentences = write_articles(articles)
    rows, segmented, package_dir = speed_rows(args.work, base, articles, args.threads, args.argos_python)
    print_speed_table(rows, segmented, package_dir, n_sentences, args.threads)
    print_memory_table(args.work, tiny, [int(s) for s in args.scales.split(",")], args.threads)


if __name__ == "__main__":
    main()
