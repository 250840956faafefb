"""aligner bench align: Vecalign's strict/lax precision, recall and F1 from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.bench.alignment import bench_alignment
from aligner.cli import main

ONE_TO_ONE = "[0]:[0]\n[1]:[1]\n[2]:[2]\n"
MERGED = "[0, 1]:[0, 1]\n[2]:[2]\n"
GOLD_WITH_DELETION = "[0]:[0]\n[1]:[]\n[2]:[1]\n"
PRED_WITH_DELETION = "[0]:[0]:0.1\n[1]:[1]:0.3\n[2]:[]:1.0\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# Expected values worked out by hand from Vecalign's definitions (see docs/benchmarking.md).
@pytest.mark.parametrize("gold, pred, expected", [
    (ONE_TO_ONE, ONE_TO_ONE, dict(strict_p=1, strict_r=1, strict_f1=1, lax_p=1, lax_r=1, lax_f1=1)),
    # a 2-2 merge of two gold 1-1 links: strict P 1/2, R 1/3; lax finds the overlaps
    (ONE_TO_ONE, MERGED, dict(strict_p=1 / 2, strict_r=1 / 3, strict_f1=0.4, lax_p=1, lax_r=1, lax_f1=1)),
    # deletions count in precision only: P 1/3 (only [0]:[0] right), R 1/2 over the 1-1 gold links
    (GOLD_WITH_DELETION, PRED_WITH_DELETION,
     dict(strict_p=1 / 3, strict_r=1 / 2, strict_f1=0.4, lax_p=1 / 3, lax_r=1 / 2, lax_f1=0.4)),
])
def test_scores_by_definition(tmp_path, gold, pred, expected):
    result = bench_alignment([write(tmp_path, "g", gold)], [write(tmp_path, "p", pred)])
    assert result.total == pytest.approx(expected)


def test_several_files_sum_counts_before_dividing(tmp_path):
    golds = [write(tmp_path, "a.gold", ONE_TO_ONE), write(tmp_path, "b.gold", GOLD_WITH_DELETION)]
    preds = [write(tmp_path, "a.pred", MERGED), write(tmp_path, "b.pred", PRED_WITH_DELETION)]
    result = bench_alignment(golds, preds)
    # strict precision: (1 + 1) hits over (2 + 3) predicted links, not the mean of 1/2 and 1/3
    assert result.total["strict_p"] == pytest.approx(2 / 5)
    assert result.total["strict_r"] == pytest.approx(2 / 5)  # (1 + 1) of (3 + 2) gold 1-1 links
    assert [f[2]["strict_p"] for f in result.files] == pytest.approx([1 / 2, 1 / 3])


def test_textberg_gold_against_itself_and_a_shifted_copy(shared_dir, tmp_path):
    gold = shared_dir / "data" / "textberg" / "test0.gold"
    assert bench_alignment([gold], [gold]).total == pytest.approx(dict.fromkeys(
        ("strict_p", "strict_r", "strict_f1", "lax_p", "lax_r", "lax_f1"), 1.0))
    # Pair every source group with the next link's target group: almost nothing stays right.
    links = [line.split(":")[:2] for line in gold.read_text(encoding="utf-8").split("\n") if line]
    shifted = "".join(f"{src}:{links[(k + 1) % len(links)][1]}\n" for k, (src, _) in enumerate(links))
    result = bench_alignment([gold], [write(tmp_path, "shifted", shifted)]).total
    assert result["strict_f1"] < 0.1 and result["lax_f1"] < 0.2


def test_cli_text_and_json(tmp_path):
    gold, pred = write(tmp_path, "g", ONE_TO_ONE), write(tmp_path, "p", MERGED)
    text = CliRunner().invoke(main, ["bench", "align", "--gold", str(gold), "--pred", str(pred)])
    assert text.exit_code == 0, text.output
    assert text.output.splitlines() == ["            strict     lax", "precision    0.500   1.000",
                                        "recall       0.333   1.000", "F1           0.400   1.000"]
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(main, ["bench", "align", "--gold", str(gold), "--pred", str(pred), "--json",
                                       "-o", str(out)])
    assert result.exit_code == 0 and result.output == ""
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["total"]["strict_f1"] == pytest.approx(0.4) and record["files"][0]["pred"] == str(pred)


@pytest.mark.parametrize("files, message", [
    (["--gold", "{g}", "--gold", "{g}", "--pred", "{p}"], "2 gold file(s) but 1 predicted file(s)"),
    (["--gold", "{g}", "--pred", "{bad}"], "{bad}:2: not a Vecalign alignment line"),
    (["--gold", "{g}", "--pred", "{missing}"], "{missing}: cannot read"),
])
def test_cli_errors_are_one_line(tmp_path, files, message):
    names = {"g": write(tmp_path, "g", ONE_TO_ONE), "p": write(tmp_path, "p", MERGED),
             "bad": write(tmp_path, "bad", "[0]:[0]\n0 -> 1\n"), "missing": tmp_path / "none"}
    result = CliRunner().invoke(main, ["bench", "align", *[f.format(**names) for f in files]])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message.format(**names) in lines[0]
