"""aligner run --backend ray on a real Ray: a simulated two-node cluster (one CPU per node) shared
by the module, a local Ray started by the command itself, and real kills of a worker process
and of the driver process. Tests that need Ray fail (not skip) in CI when it is missing."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from aligner.bitext import read_bitext
from aligner.pipeline.driver import run
from aligner.pipeline.job import JobOptions
from aligner.segment.base import segment_document
from aligner.text.reading import read_documents

from conftest import CORPORA, REPO_ROOT, required_module

FA_TARGETS = CORPORA / "parallel" / "fa-en" / "en"
ARTICLE_LINES = 8
WAIT_SECONDS = 300  # a stuck run fails the test instead of hanging the suite


@pytest.fixture(scope="module")
def ray_module():
    return required_module("ray", 'pip install -e ".[ray]"')


@pytest.fixture(scope="module")
def cluster(ray_module, tmp_path_factory):
    """Two Ray nodes of one CPU each, on this machine; this process is connected as a driver.
    The nodes' processes inherit the environment: this checkout first on the path, and their
    own aligner home (caches) under the test's temporary folder."""
    from ray.cluster_utils import Cluster

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALIGNER_HOME", str(tmp_path_factory.mktemp("ray-aligner-home")))
        patch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])))
        patch.delenv("RAY_ADDRESS", raising=False)
        nodes = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
        nodes.add_node(num_cpus=1)
        ray_module.init(address=nodes.address, logging_level="WARNING")
    yield nodes
    ray_module.shutdown()
    nodes.shutdown()


def flores_corpus(root: Path, shared_dir: Path, first: int, count: int) -> Path:
    """``count`` fa-en article pairs of FLORES dev lines (``first``: the first article's number,
    so that each test has texts of its own and starts with cold caches): root/fa, root/en."""
    lines = {lang: (shared_dir / "data" / "flores200" / f"dev.{lang}").read_text(encoding="utf-8").splitlines()
             for lang in ("fa", "en")}
    for lang in ("fa", "en"):
        (root / lang).mkdir(parents=True)
        for k in range(first, first + count):
            chunk = lines[lang][k * ARTICLE_LINES:(k + 1) * ARTICLE_LINES]
            (root / lang / f"article-{k:03d}.txt").write_text("\n".join(chunk) + "\n", encoding="utf-8")
    return root


def comparable(outdir: Path) -> dict:
    """The combined outputs, the TMX without its creation dates."""
    files = {name: (outdir / name).read_text(encoding="utf-8")
             for name in ("bitext.jsonl", "aligned.tsv", "aligned.tmx", "report.html")}
    files["aligned.tmx"] = re.sub(r'creationdate="[0-9TZ]+"', "", files["aligned.tmx"])
    return files


def assert_every_pair_once(outdir: Path, corpus: Path) -> None:
    """Each article's sentences are in bitext.jsonl exactly once, on each side, in input order."""
    links = list(read_bitext(outdir / "bitext.jsonl"))
    names = sorted(path.name for path in (corpus / "fa").iterdir())
    assert [doc for k, doc in enumerate(link.src_doc for link in links) if k == 0 or links[k - 1].src_doc != doc] \
        == names
    for name in names:
        own = [link for link in links if link.src_doc == name]
        assert sorted(i for link in own for i in link.src_ids) == list(range(sentence_count(corpus / "fa" / name, "fa")))
        assert sorted(j for link in own for j in link.tgt_ids) == list(range(sentence_count(corpus / "en" / name, "en")))
    assert not (outdir / "failed.tsv").exists()


def sentence_count(path: Path, lang: str) -> int:
    return len(segment_document(next(read_documents([str(path)], lang=lang))).sentences)


def done_markers(outdir: Path) -> int:
    return len(list((outdir / "documents").glob("*.done.json"))) if (outdir / "documents").is_dir() else 0


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_two_node_cluster_gives_the_local_outputs(cluster, tmp_path, shared_dir):
    corpus = flores_corpus(tmp_path / "corpus", shared_dir, first=0, count=4)
    options = JobOptions("fa", "en")
    local = run([str(corpus / "fa")], tmp_path / "local", options, targets=str(corpus / "en"), progress=False)
    # Three workers on two CPUs: the third cannot be placed and must hold no pair back.
    ray_run = run([str(corpus / "fa")], tmp_path / "ray", options, targets=str(corpus / "en"), jobs=3,
                  progress=False, backend="ray")
    assert comparable(tmp_path / "ray") == comparable(tmp_path / "local")
    assert [o.counts for o in ray_run.results] == [o.counts for o in local.results]
    assert_every_pair_once(tmp_path / "ray", corpus)


def test_a_killed_worker_loses_only_its_pair(cluster, tmp_path, shared_dir):
    from ray.util.state import list_actors

    corpus = flores_corpus(tmp_path / "corpus", shared_dir, first=10, count=8)
    outdir = tmp_path / "out"
    with ThreadPoolExecutor(max_workers=1) as driver:
        running = driver.submit(run, [str(corpus / "fa")], outdir, JobOptions("fa", "en"), targets=str(corpus / "en"),
                                jobs=2, progress=False, backend="ray")
        wait_for(lambda: done_markers(outdir) >= 1 or running.done(), "a first finished pair")
        workers = list_actors(filters=[("class_name", "=", "PairWorker"), ("state", "=", "ALIVE")], detail=True)
        victim = workers[0]
        os.kill(victim.pid, signal.SIGKILL)
        killed_mid_run = done_markers(outdir) < 8
        summary = running.result(timeout=WAIT_SECONDS)
    assert killed_mid_run
    assert not summary.failed and not any(outcome.reused for outcome in summary.results)
    assert_every_pair_once(outdir, corpus)
    restarted = list_actors(filters=[("actor_id", "=", victim.actor_id)], detail=True)[0]
    assert restarted.num_restarts >= 1


def ray_command(corpus: Path, outdir: Path, *extra: str):
    return [shutil.which("aligner") or "aligner", "run", str(corpus / "fa"), "--targets", str(corpus / "en"),
            "--from", "fa", "--to", "en", "-o", str(outdir), "--backend", "ray", *extra]


def test_a_killed_driver_resumes_with_the_same_command(cluster, tmp_path, shared_dir):
    corpus = flores_corpus(tmp_path / "corpus", shared_dir, first=20, count=8)
    outdir = tmp_path / "out"
    command = ray_command(corpus, outdir, "--ray-address", cluster.address, "--jobs", "2")
    driver = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: done_markers(outdir) >= 1 or driver.poll() is not None, "a first finished pair")
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    before = done_markers(outdir)
    assert 1 <= before < 8 and not (outdir / "bitext.jsonl").exists()
    again = subprocess.run(command, capture_output=True, text=True, timeout=WAIT_SECONDS)
    assert again.returncode == 0, again.stderr
    statuses = re.findall(r"^article-\d+\.txt\s.*\s(reused|done)$", again.stdout, flags=re.MULTILINE)
    assert len(statuses) == 8 and statuses.count("reused") >= before
    assert_every_pair_once(outdir, corpus)


def test_the_main_job_on_a_local_ray_started_for_the_run(ray_module, tmp_path, monkeypatch):
    """The README's command with --backend ray, as a user runs it: no cluster address."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPORA / "fa", corpus / "fa")
    shutil.copytree(FA_TARGETS, corpus / "en")
    env = {key: value for key, value in os.environ.items() if key != "RAY_ADDRESS"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    # Relative paths, as in the README: the workers do not share the driver's current folder.
    result = subprocess.run(ray_command(Path("corpus"), Path("ray")), capture_output=True, text=True,
                            timeout=WAIT_SECONDS, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    monkeypatch.chdir(tmp_path)  # the same relative paths, which the report's notes quote
    run(["corpus/fa"], Path("local"), JobOptions("fa", "en"), targets="corpus/en", progress=False)
    assert comparable(tmp_path / "ray") == comparable(tmp_path / "local")


def test_an_unreachable_cluster_is_one_line_exit_2(ray_module, tmp_path):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # a port of ours that nothing listens on
    address = f"127.0.0.1:{closed.getsockname()[1]}"
    command = [shutil.which("aligner") or "aligner", "run", str(CORPORA / "fa"), "--from", "fa", "--to", "en",
               "-o", str(tmp_path / "out"), "--backend", "ray", "--ray-address", address]
    result = subprocess.run(command, capture_output=True, text=True, timeout=WAIT_SECONDS)
    closed.close()
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == \
        f"aligner: error: cannot reach the Ray cluster at {address} (Connection refused)"
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()
