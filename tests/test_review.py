"""The review model and its operations: events replace links, conflicts are flagged, nothing is
lost, every sentence stays in exactly one link; `aligner run` and `package` apply a review."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from aligner.bitext import BitextLink, read_bitext
from aligner.cli import main
from aligner.pipeline.documents import DOCUMENTS_DIR
from aligner.pipeline.driver import run
from aligner.pipeline.job import JobOptions
from aligner.review.edits import EditError, side_sentences
from aligner.review.log import REVIEW_FILE, ReviewLog, read_events
from aligner.review.model import (ACCEPTED, REJECTED, ReviewEvent, link_record, replay, reviewed_links,
                                  with_status)
from aligner.review.session import ReviewSession, StaleRevision

from review_fixtures import SOURCE, TARGETS, finished_run, outdir  # noqa: F401 (fixtures)



def link(src_ids, tgt_ids, src="s", tgt="t", score=0.9):
    return BitextLink("d", "d", "fa", "en", tuple(src_ids), tuple(tgt_ids), src, tgt, score=score)


def event(seq, rev, removed, added, op="edit", target=None):
    return ReviewEvent(seq, "d", rev, op, [link_record(x) for x in removed], [link_record(x) for x in added],
                       target=target)


LINKS = [link([0], [0], "a", "A"), link([1], [1], "b", "B"), link([2], [], "c", "")]


def test_an_event_replaces_links_where_they_stood():
    merged = link([0, 1], [0, 1], "a b", "A B")
    links, conflicts = reviewed_links(LINKS, [event(1, 1, LINKS[:2], [merged])])
    assert [x.src for x in links] == ["a b", "c"] and conflicts == []


def test_an_event_on_changed_text_is_a_conflict_not_applied_and_the_rest_still_apply():
    changed = [link([0], [0], "a changed", "A"), *LINKS[1:]]
    events = [event(1, 1, [LINKS[0]], [with_status(LINKS[0], ACCEPTED)]),
              event(2, 2, [LINKS[1]], [with_status(LINKS[1], REJECTED)])]
    links, conflicts = reviewed_links(changed, events)
    assert [x.provenance.get("review") for x in links] == [None, REJECTED, None]
    assert len(conflicts) == 1 and "changed" in conflicts[0].describe() and conflicts[0].event.seq == 1


def test_a_review_applied_twice_changes_nothing_more():
    merged = link([0, 1], [0, 1], "a b", "A B")
    events = [event(1, 1, LINKS[:2], [merged]), event(2, 2, [merged], [with_status(merged, ACCEPTED)])]
    once, _ = reviewed_links(LINKS, events)
    twice, conflicts = reviewed_links(once, events)
    assert [link_record(x) for x in twice] == [link_record(x) for x in once] and conflicts == []


def test_undo_and_redo_are_rebuilt_from_the_log():
    accepted = with_status(LINKS[0], ACCEPTED)
    first = event(1, 1, [LINKS[0]], [accepted])
    undo = event(2, 2, [accepted], [LINKS[0]], op="undo", target=1)
    history = replay(LINKS, [first, undo])
    assert history.links[0].provenance.get("review") is None
    assert [e.seq for e in history.redo] == [1] and history.undo == [] and history.rev == 2
    redo = event(3, 3, [LINKS[0]], [accepted], op="redo", target=1)
    history = replay(LINKS, [first, undo, redo])
    assert history.links[0].provenance["review"] == ACCEPTED and [e.seq for e in history.undo] == [3]


def test_a_line_cut_short_by_a_crash_is_ignored_and_trimmed(tmp_path):
    path = tmp_path / REVIEW_FILE
    log = ReviewLog(path)
    log.append(event(1, 1, [LINKS[0]], [with_status(LINKS[0], ACCEPTED)]))
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('{"v": 1, "seq": 2, "pai')
    assert [e.seq for e in read_events(path)] == [1]
    ReviewLog(path).append(event(2, 2, [LINKS[1]], [with_status(LINKS[1], ACCEPTED)]))
    assert [e.seq for e in read_events(path)] == [1, 2]


@pytest.mark.parametrize("text, count", [
    ("First sentence. Second one here.", 2),
    ("رئیس پلیس گفت: «همکاری نکرد». او افزود که می‌خواهد ادامه دهد؟ بله.", 3),
    ("no boundary the segmenter sees at all here", 2),
])
def test_sentences_of_a_link_are_recovered_without_losing_a_character(text, count):
    sentences = side_sentences(link(range(count), [0], text, "x"), "src")
    assert len(sentences) == count and " ".join(sentences) == text and all(sentences)


def open_session(outdir):
    return ReviewSession(outdir, sorted((outdir / DOCUMENTS_DIR).glob("*.jsonl")))


def key(row):
    return tuple(row["src_ids"]), tuple(row["tgt_ids"])


def assert_every_sentence_once(session, src_count, tgt_count):
    links = session.pairs[0].history.links
    assert sorted(i for x in links for i in x.src_ids) == list(range(src_count))
    assert sorted(j for x in links for j in x.tgt_ids) == list(range(tgt_count))
    assert all(x.score is not None and 0.0 <= x.score <= 1.0 for x in links)


@pytest.mark.parametrize("op, args", [
    ("merge", {"step": 1}), ("merge", {"step": -1}), ("split", {}), ("move", {"side": "src", "step": 1}),
    ("move", {"side": "tgt", "step": -1}), ("realign", {}),
])
def test_every_edit_keeps_each_sentence_in_one_link_and_scores_the_new_links(outdir, op, args):
    session = open_session(outdir)
    links = session.pairs[0].history.links
    src_count = sum(len(x.src_ids) for x in links)
    tgt_count = sum(len(x.tgt_ids) for x in links)
    rows = session.page(0, 0, 100)["rows"]
    session.act(0, 0, op, key(rows[3]), args)
    assert_every_sentence_once(session, src_count, tgt_count)
    assert session.page(0, 0, 1)["progress"]["links"] == len(session.pairs[0].history.links)  # counted again
    again = open_session(outdir)  # the same state read back from review.jsonl
    assert [link_record(x) for x in again.pairs[0].history.links] == [link_record(x) for x in
                                                                       session.pairs[0].history.links]
    session.act(0, 1, "undo", None, {})
    assert [link_record(x) for x in session.pairs[0].history.links] == [link_record(x) for x in links]


def test_a_stale_revision_and_a_bad_operation_are_refused(outdir):
    session = open_session(outdir)
    first = key(session.page(0, 0, 1)["rows"][0])
    session.act(0, 0, "status", first, {"status": ACCEPTED})
    with pytest.raises(StaleRevision):
        session.act(0, 0, "status", first, {"status": REJECTED})
    with pytest.raises(EditError):
        session.act(0, 1, "merge", first, {"step": -1})  # nothing before the first link
    with pytest.raises(EditError):
        session.act(0, 1, "realign", first, {})  # an accepted link stays fixed
    assert len(read_events(outdir / REVIEW_FILE)) == 1


def test_worst_first_queue_and_accept_all_above(outdir):
    session = open_session(outdir)
    queue = session.queue(0, 100)["rows"]
    assert [row["score"] for row in queue] == sorted(row["score"] for row in queue)
    session.act(0, 0, "accept_above", None, {"threshold": 0.95})
    after = session.queue(0, 100)
    assert all(row["score"] < 0.95 or row["type"].endswith("-0") or row["type"].startswith("0-")
               for row in after["rows"])
    assert after["progress"]["reviewed"] == len(queue) - after["total"]


def test_run_again_keeps_the_review_and_flags_edits_on_changed_text(outdir, tmp_path):
    session = open_session(outdir)
    rows = session.page(0, 0, 100)["rows"]
    low = min(rows, key=lambda row: row["score"])
    high = max(rows, key=lambda row: row["score"])
    session.act(0, 0, "status", key(low), {"status": ACCEPTED})
    session.act(0, 1, "status", key(high), {"status": REJECTED})
    summary = run([str(SOURCE)], outdir, JobOptions("fa", "en"), targets=str(TARGETS), progress=False,
                  min_score=0.999)
    units = list(read_bitext(summary.outputs["jsonl"]))
    verdicts = {x.src: x.provenance.get("review") for x in units}
    assert verdicts[low["src"]] == ACCEPTED and verdicts[high["src"]] == REJECTED
    tmx = summary.outputs["tmx"].read_text(encoding="utf-8")
    assert '<prop type="x-review">accepted</prop>' in tmx and high["src"] not in tmx
    # The source text changes under the review: the edit of that sentence is flagged, not dropped.
    changed = tmp_path / "changed"
    changed.mkdir()
    text = SOURCE.read_text(encoding="utf-8")
    (changed / SOURCE.name).write_text(text.replace(high["src"].split()[0], "تغییر", 1), encoding="utf-8")
    notices = []
    run([str(changed / SOURCE.name)], outdir, JobOptions("fa", "en"), targets=str(TARGETS), progress=False,
        notice=notices.append)
    assert any("review action 2 (status) not applied" in notice for notice in notices), notices
    assert len(read_events(outdir / REVIEW_FILE)) == 2


def test_package_applies_the_review_beside_the_bitext(outdir):
    session = open_session(outdir)
    low = min(session.page(0, 0, 100)["rows"], key=lambda row: row["score"])
    session.act(0, 0, "status", key(low), {"status": ACCEPTED})
    result = CliRunner().invoke(main, ["package", str(outdir / "bitext.jsonl"), "--min-score", "0.999",
                                       "-o", str(outdir / "out.tmx")])
    assert result.exit_code == 0, result.output
    tmx = (outdir / "out.tmx").read_text(encoding="utf-8")
    assert low["src"] in tmx and '<prop type="x-review">accepted</prop>' in tmx
    plain = CliRunner().invoke(main, ["package", str(outdir / DOCUMENTS_DIR / "police-telegram-cooperation.txt.jsonl"),
                                      "--min-score", "0.999", "-o", str(outdir / "plain.tmx")])
    assert plain.exit_code == 0 and low["src"] not in (outdir / "plain.tmx").read_text(encoding="utf-8")
    assert json.loads((outdir / REVIEW_FILE).read_text(encoding="utf-8").splitlines()[0])["op"] == "status"


def test_bench_align_takes_the_review_as_gold(outdir):
    session = open_session(outdir)
    rows = session.page(0, 0, 100)["rows"]
    session.act(0, 0, "status", key(rows[0]), {"status": ACCEPTED})
    session.act(0, 1, "status", key(rows[1]), {"status": REJECTED})
    result = CliRunner().invoke(main, ["bench", "align", "--gold-from-review", str(outdir), "--json"])
    assert result.exit_code == 0, result.output
    total = json.loads(result.output)["total"]
    assert total["strict_p"] == 0.5 and total["strict_r"] == 1.0  # one right link, one rejected
    empty = CliRunner().invoke(main, ["bench", "align", "--gold-from-review", str(outdir / DOCUMENTS_DIR)])
    assert empty.exit_code == 2


def test_realign_changes_only_the_unsettled_stretch_between_settled_links(outdir):
    session = open_session(outdir)
    rows = session.page(0, 0, 100)["rows"]
    session.act(0, 0, "status", key(rows[1]), {"status": ACCEPTED})
    session.act(0, 1, "status", key(rows[5]), {"status": REJECTED})
    before = [link_record(x) for x in session.pairs[0].history.links]
    session.act(0, 2, "realign", key(rows[3]), {})
    after = [link_record(x) for x in session.pairs[0].history.links]
    assert after[:2] == before[:2]  # the accepted link and what precedes it
    tail = len(before) - 5
    assert after[-tail:] == before[-tail:]  # the rejected link and what follows it
    event = read_events(outdir / REVIEW_FILE)[-1]
    assert [(r["src_ids"], r["tgt_ids"]) for r in event.remove] == [(rows[k]["src_ids"], rows[k]["tgt_ids"])
                                                                     for k in (2, 3, 4)]
    for side in ("src_ids", "tgt_ids"):
        assert sorted(i for r in event.add for i in r[side]) == sorted(i for r in event.remove for i in r[side])


@pytest.mark.parametrize("broken", ["not a run", "corrupt review"])
def test_review_of_bad_input_is_one_line_and_exit_2(outdir, tmp_path, broken):
    folder = tmp_path if broken == "not a run" else outdir
    if broken == "corrupt review":
        (outdir / REVIEW_FILE).write_text('{"v": 1, "seq": "x"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["review", str(folder), "--summary"])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1, result.output


def test_the_server_sends_each_answer_at_once_on_a_kept_open_connection():
    """Connections accepted on the server's socket have Nagle's algorithm off (TCP_NODELAY): with
    it on, an answer written in two parts waited for the browser's delayed acknowledgement."""
    import asyncio
    import socket

    from aligner.review.server import free_socket

    async def accept_one():
        accepted = asyncio.get_running_loop().create_future()
        server = await asyncio.start_server(lambda reader, writer: accepted.set_result(writer), sock=free_socket())
        _, writer = await asyncio.open_connection(*server.sockets[0].getsockname())
        served = await accepted
        nodelay = served.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        writer.close()
        served.close()
        server.close()
        return nodelay

    assert asyncio.run(accept_one())


def test_the_cycle_collector_is_on_again_after_a_run_is_read_or_fails_to_read(outdir):
    import gc

    from aligner.errors import FormatError

    open_session(outdir)
    assert gc.isenabled()
    bitext = next((outdir / DOCUMENTS_DIR).glob("*.jsonl"))
    bitext.write_text(bitext.read_text(encoding="utf-8") + '{"src": 1}\n', encoding="utf-8")
    with pytest.raises(FormatError):
        open_session(outdir)
    assert gc.isenabled()
