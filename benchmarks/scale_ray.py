"""What Ray costs `aligner run`: the same corpus through the local backend and through Ray.

The corpus is article pairs of consecutive fa/en lines from FLORES-200 (dev, devtest) and
TICO-19 (dev, test): ``--pairs`` articles of ``--lines`` lines each (default 100 x 50; the
fa-en lines of both hold 5,080). Each configuration is a fresh `aligner run` process with an
empty aligner home (cold caches: every configuration encodes every sentence) on a local Ray
started for the run:

    local --jobs 1 (default threads), local --jobs 1, local --jobs 2, ray --jobs 1, ray --jobs 2

(all but the first with one thread per worker, as Ray gives each actor one CPU), and reports wall time, pairs per minute, the peak memory of the driver, of the largest worker
and of Ray's own processes (GCS, raylet, idle workers; sampled from /proc every 0.2 s), and the
per-pair overhead of Ray against the local run with as many workers and threads (its wall-time difference
divided by the pairs, Ray's start-up included), and the CPU seconds per pair of all the run's
processes and of Ray's own: on a machine shared with other work, CPU time is the steadier
measure of cost. The combined outputs of all configurations are checked to be
identical.

    python benchmarks/scale_ray.py                    # 100 pairs of 50 lines
    python benchmarks/scale_ray.py --pairs 24 --lines 50
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [("flores200", "dev"), ("flores200", "devtest"), ("tico19", "dev"), ("tico19", "test")]
# (backend, jobs, threads per worker): Ray gives each actor one CPU and so one thread (it sets
# OMP_NUM_THREADS); the local runs get the same, so that the difference is Ray's. The first row
# is `aligner run` as it runs by default here (its encoder uses every core).
CONFIGS = [("local", 1, None), ("local", 1, 1), ("local", 2, 1), ("ray", 1, 1), ("ray", 2, 1)]
SAMPLE_SECONDS = 0.2
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def shared_dir() -> Path:
    return Path(os.environ.get("ALIGNER_SHARED") or ROOT.parent / "shared")


def build_corpus(root: Path, pairs: int, lines_per_pair: int) -> Path:
    """root/fa and root/en, one file per article pair, named in corpus order."""
    lines: Dict[str, List[str]] = {"fa": [], "en": []}
    for dataset, split in SOURCES:
        for lang in lines:
            path = shared_dir() / "data" / dataset / f"{split}.{lang}"
            lines[lang].extend(path.read_text(encoding="utf-8").splitlines())
    if len(lines["fa"]) != len(lines["en"]) or len(lines["fa"]) < pairs * lines_per_pair:
        sys.exit(f"need {pairs * lines_per_pair} parallel lines, the sources hold {len(lines['fa'])}")
    for lang, all_lines in lines.items():
        (root / lang).mkdir(parents=True)
        for k in range(pairs):
            chunk = all_lines[k * lines_per_pair:(k + 1) * lines_per_pair]
            (root / lang / f"article-{k:04d}.txt").write_text("\n".join(chunk) + "\n", encoding="utf-8")
    return root


def _processes() -> Dict[int, Tuple[int, str, int, float]]:
    """pid -> (parent pid, command line, resident kB, CPU seconds) of every process we can read."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
            cmdline = Path(f"/proc/{entry.name}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            rss_pages = int(Path(f"/proc/{entry.name}/statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        fields = stat.rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
        found[int(entry.name)] = (int(fields[1]), cmdline.strip(), rss_pages * PAGE_KB, cpu)
    return found


def _descendants(root: int, processes: Dict[int, Tuple[int, str, int, float]]) -> List[int]:
    children: Dict[int, List[int]] = {}
    for pid, (parent, *_) in processes.items():
        children.setdefault(parent, []).append(pid)
    out, stack = [], list(children.get(root, []))
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(children.get(pid, []))
    return out


def measure(command: List[str], env: Dict[str, str], backend: str) -> Dict[str, float]:
    """Run ``command``; wall seconds, peak resident MB of the driver, the largest worker and
    (Ray) everything else the run started, and CPU seconds of the driver and workers and of the
    rest (Ray's processes)."""
    start = time.perf_counter()
    driver = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peaks = {"driver": 0, "worker": 0, "ray": 0}
    cpu: Dict[int, Tuple[bool, float]] = {}  # pid -> (is a worker, last CPU seconds seen)
    while driver.poll() is None:
        processes = _processes()
        if driver.pid in processes:
            peaks["driver"] = max(peaks["driver"], processes[driver.pid][2])
            cpu[driver.pid] = (True, processes[driver.pid][3])  # Ray's share is the rest
        infrastructure = 0
        for pid in _descendants(driver.pid, processes):
            _, cmdline, rss, seconds = processes[pid]
            is_worker = backend == "local" or cmdline.startswith("ray::PairWorker")
            if is_worker:
                peaks["worker"] = max(peaks["worker"], rss)  # a local --jobs process, or a Ray actor
            else:
                infrastructure += rss
            cpu[pid] = (is_worker or cpu.get(pid, (False, 0))[0], seconds)
        peaks["ray"] = max(peaks["ray"], infrastructure)
        time.sleep(SAMPLE_SECONDS)
    wall = time.perf_counter() - start
    if driver.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({driver.returncode}): {driver.stderr.read()[-2000:]}")
    return {"wall": wall, **{name: kb / 1024 for name, kb in peaks.items()},
            "worker_cpu": sum(seconds for is_worker, seconds in cpu.values() if is_worker),
            "other_cpu": sum(seconds for is_worker, seconds in cpu.values() if not is_worker)}


def run_config(corpus: Path, work: Path, backend: str, jobs: int, threads: Optional[int]) -> Dict[str, float]:
    name = f"{backend}-{jobs}-{threads or 'all'}"
    home = work / f"home-{name}"  # empty caches: each configuration encodes everything
    outdir = work / f"out-{name}"
    env = {key: value for key, value in os.environ.items() if key != "RAY_ADDRESS"}
    env.update(ALIGNER_HOME=str(home), PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])))
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)
    command = [shutil.which("aligner") or "aligner", "run", str(corpus / "fa"), "--targets", str(corpus / "en"),
               "--from", "fa", "--to", "en", "-o", str(outdir), "--backend", backend, "--jobs", str(jobs)]
    result = measure(command, env, backend)
    result["output"] = (outdir / "bitext.jsonl").read_bytes()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--lines", type=int, default=50, help="lines per article (each side)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scale-ray-") as tmp:
        work = Path(tmp)
        corpus = build_corpus(work / "corpus", args.pairs, args.lines)
        results = {}
        for config in CONFIGS:
            results[config] = run_config(corpus, work, *config)
            print(f"  {config}: {results[config]['wall']:.0f} s", file=sys.stderr)
    identical = len({result.pop("output") for result in results.values()}) == 1
    print(f"{args.pairs} fa-en article pairs of {args.lines} lines, cold caches, {os.cpu_count()} CPUs\n")
    print("| run | wall s | pairs/min | CPU s/pair | of which Ray's processes | driver peak MB | worker peak MB "
          "| Ray processes MB | Ray overhead s/pair: wall | CPU |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (backend, jobs, threads), result in results.items():
        total = (result["worker_cpu"] + result["other_cpu"]) / args.pairs
        local = results[("local", jobs, threads)]
        overhead = " | " if backend == "local" else \
            f"{(result['wall'] - local['wall']) / args.pairs:+.2f} | " \
            f"{total - (local['worker_cpu'] + local['other_cpu']) / args.pairs:+.2f}"
        infrastructure = f"{result['other_cpu'] / args.pairs:.2f}" if backend == "ray" else "-"
        label = f"{backend} --jobs {jobs}, {f'{threads} thread' if threads else 'all threads'} per worker"
        print(f"| {label} | {result['wall']:.0f} | {args.pairs / result['wall'] * 60:.1f} | "
              f"{total:.2f} | {infrastructure} | {result['driver']:.0f} | {result['worker'] or result['driver']:.0f} | "
              f"{result['ray'] if backend == 'ray' else 0:.0f} | {overhead} |")
    print(f"\ncombined outputs identical across runs: {'yes' if identical else 'NO'}")
    if not identical:
        sys.exit(1)


if __name__ == "__main__":
    main()
