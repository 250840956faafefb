"""Sentence segmentation benchmark: aligner's rules against pysbd, sentencex, blingfire and Stanza.

Every system sees the same text one line at a time (a line is a paragraph here), so a line break
is a boundary for all of them and only boundaries *inside* a line are scored: the ones a
segmenter has to find. A boundary is the offset where a sentence starts (after whitespace).

Data (read from ../shared or $ALIGNER_SHARED, never copied):
  flores-dev / flores-devtest  FLORES-200, lines sharing a source URL rebuilt into one article,
                               all of an article's lines joined with a space into ONE paragraph.
                               Gold boundaries are the ends of FLORES lines. Tune on dev only.
  tico-dev                     TICO-19 dev, documents by id prefix (in id order), lines joined in
                               paragraphs of at most 5 lines. CMU_* (chat questions written
                               without final punctuation) are left out: no text cue marks them.
In every set a gold line that does not end with . ! ? ؟ … (and closing quotes or brackets) is
a headline, list item or table cell: like a headline in a news page it keeps a line of its own,
so the line break after it is given to every system and not scored.
  un-dev (en, ar)              UN v1.0 dev, sentences grouped by document symbol and paragraph
                               number (en/ar positions from dev.ids); one paragraph per UN paragraph.
  seeds                        corpora/*/*.txt against the hand-checked gold in corpora/gold/.

Some FLORES lines hold two sentences. Strict precision counts every predicted boundary that is
not a gold one as false; lenient precision ignores predicted boundaries inside gold lines that
are two sentences in all three languages (en, fa and ar each show an inner . ! ? ؟ followed by a
space), decided from the text alone and the same for every system.

Speed is gold sentences per second of wall time for the split calls alone (lines already read);
for aligner also end to end (segment_document: paragraphs, lines, spans, normalised keys).

--long-lines times aligner on single very long lines instead (the tests check that the work
grows linearly, by counting lines executed): the rule splitter on a 1 MB line, and reading,
language identification and segmentation of a file that is one 10 MB line.

    python benchmarks/segmentation.py                     # all sets, all systems
    python benchmarks/segmentation.py --sets flores-dev --systems aligner --errors 20
    python benchmarks/segmentation.py --long-lines
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from aligner.document import Document  # noqa: E402
from aligner.text.reading import LINE_BREAK, iter_sources, read_document, split_paragraphs  # noqa: E402
from aligner.segment.base import get_segmenter, segment_document  # noqa: E402

LANGS = ("en", "fa", "ar")
SYSTEMS = ("aligner", "pysbd", "sentencex", "blingfire", "stanza")
TWO_SENTENCE_MARK = re.compile(r"[.!?؟][\"'”’»)]*\s+\S")
ENDS_SENTENCE = re.compile(r"[.!?؟…][\"'”’»)\]]*$")
REPEATS = 3  # speed is the best of this many timed runs (the machine is shared)


def two_sentence_lines(lines: Dict[str, List[str]]) -> List[bool]:
    """Gold lines that hold two sentences: at least two languages show an inner sentence end."""
    count = len(next(iter(lines.values())))
    return [sum(bool(TWO_SENTENCE_MARK.search(side[i])) for side in lines.values()) >= 2 for i in range(count)]


def shared_dir() -> Path:
    return Path(os.environ.get("ALIGNER_SHARED") or REPO.parent / "shared")


@dataclass
class EvalSet:
    """One language of one data set: texts, gold sentence starts, lines exempt in lenient precision."""

    name: str
    lang: str
    texts: List[str] = field(default_factory=list)
    gold: List[Set[int]] = field(default_factory=list)  # inner sentence starts per text
    exempt: List[List[Tuple[int, int]]] = field(default_factory=list)  # two-sentence gold lines
    sentences: int = 0

    def add(self, paragraphs: Sequence[Sequence[str]], two_sentence: Sequence[Sequence[bool]] = ()):
        """A document given as paragraphs of gold sentences, laid out as the module docstring says."""
        text_parts, gold, exempt, pos = [], set(), [], 0
        for p, paragraph in enumerate(paragraphs):
            if p:
                text_parts.append("\n\n")
                pos += 2
            for s, sentence in enumerate(paragraph):
                if s and ENDS_SENTENCE.search(paragraph[s - 1]):
                    text_parts.append(" ")
                    pos += 1
                    gold.add(pos)
                elif s:  # a headline or list item without final punctuation keeps its own line
                    text_parts.append("\n")
                    pos += 1
                if two_sentence and two_sentence[p][s]:
                    exempt.append((pos, pos + len(sentence)))
                text_parts.append(sentence)
                pos += len(sentence)
                self.sentences += 1
        self.texts.append("".join(text_parts))
        self.gold.append(gold)
        self.exempt.append(exempt)


def _read_lines(path: Path) -> List[str]:
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def load_flores(split: str) -> Dict[str, EvalSet]:
    base = shared_dir() / "data" / "flores200"
    urls = [row.split("\t")[0] for row in _read_lines(base / f"{split}.metadata.tsv")[1:]]
    lines = {lang: [line.strip() for line in _read_lines(base / f"{split}.{lang}")] for lang in LANGS}
    two = two_sentence_lines(lines)
    documents: Dict[str, List[int]] = OrderedDict()
    for i, url in enumerate(urls):
        documents.setdefault(url, []).append(i)
    sets = {}
    for lang in LANGS:
        eval_set = EvalSet(f"flores-{split}", lang)
        for ids in documents.values():
            eval_set.add([[lines[lang][i] for i in ids]], [[two[i] for i in ids]])
        sets[lang] = eval_set
    return sets


def load_tico() -> Dict[str, EvalSet]:
    base = shared_dir() / "data" / "tico19"
    ids = [row.split("\t")[0] for row in _read_lines(base / "dev.ids")]
    lines = {lang: [line.strip() for line in _read_lines(base / f"dev.{lang}")] for lang in LANGS}
    two = two_sentence_lines(lines)
    documents: Dict[str, List[Tuple[int, int]]] = OrderedDict()
    for i, identifier in enumerate(ids):
        doc, number = identifier.rsplit(":", 1)
        if not doc.startswith("CMU_"):
            documents.setdefault(doc, []).append((int(number), i))
    sets = {}
    for lang in LANGS:
        eval_set = EvalSet("tico-dev", lang)
        for members in documents.values():
            order = [i for _, i in sorted(members)]
            chunks = [order[k:k + 5] for k in range(0, len(order), 5)]
            eval_set.add([[lines[lang][i] for i in chunk] for chunk in chunks],
                         [[two[i] for i in chunk] for chunk in chunks])
        sets[lang] = eval_set
    return sets


def load_un() -> Dict[str, EvalSet]:
    base = shared_dir() / "data" / "un_v1"
    rows = [row.split() for row in _read_lines(base / "dev.ids")]
    lines = {lang: [line.strip() for line in _read_lines(base / f"dev.{lang}")] for lang in ("en", "ar")}
    two = two_sentence_lines(lines)
    sets = {}
    for lang in ("en", "ar"):
        documents: Dict[str, Dict[int, List[Tuple[int, int]]]] = OrderedDict()
        for i, row in enumerate(rows):
            position = next(item for item in row[1:] if item.startswith(lang + ":"))
            paragraph, sentence = (int(x) for x in position.split(":")[1:])
            documents.setdefault(row[0], defaultdict(list))[paragraph].append((sentence, i))
        eval_set = EvalSet("un-dev", lang)
        for paragraphs in documents.values():
            ordered = [[i for _, i in sorted(paragraphs[p])] for p in sorted(paragraphs)]
            eval_set.add([[lines[lang][i] for i in ids] for ids in ordered], [[two[i] for i in ids] for ids in ordered])
        sets[lang] = eval_set
    return sets


def load_seeds() -> Dict[str, EvalSet]:
    """Seed articles with gold sentence starts found by locating each gold sentence in the text."""
    sets = {}
    for gold_path in sorted((REPO / "corpora" / "gold").glob("*/*.txt")):
        lang = gold_path.parent.name
        text = (REPO / "corpora" / lang / gold_path.name).read_text(encoding="utf-8")
        line_starts = {0} | {m.end() for m in LINE_BREAK.finditer(text)}
        eval_set = sets.setdefault(lang, EvalSet("seeds", lang))
        gold, pos = set(), 0
        for sentence in gold_path.read_text(encoding="utf-8").split("\n"):
            if not sentence.strip():
                continue
            found = text.find(sentence, pos)
            if found < 0:
                raise SystemExit(f"{gold_path}: gold sentence not in the article: {sentence[:60]!r}")
            # A sentence that starts a line is given by the layout, not found by the segmenter.
            line_start = text.rfind("\n", 0, found) + 1
            if text[line_start:found].strip() or line_start not in line_starts:
                gold.add(found)
            pos = found + len(sentence)
            eval_set.sentences += 1
        eval_set.texts.append(text)
        eval_set.gold.append(gold)
        eval_set.exempt.append([])
    return sets


LOADERS: Dict[str, Callable[[], Dict[str, EvalSet]]] = {
    "flores-dev": lambda: load_flores("dev"),
    "flores-devtest": lambda: load_flores("devtest"),
    "tico-dev": load_tico,
    "un-dev": load_un,
    "seeds": load_seeds,
}


# --- systems: each maps one line to sentence start offsets inside it --------------------------

def _starts_from_strings(line: str, sentences) -> List[int]:
    """Sentence start offsets of ``sentences`` (strings a peer returned) found in order in ``line``."""
    starts, pos = [], 0
    for sentence in sentences:
        sentence = sentence.strip()
        if not sentence:
            continue
        found = line.find(sentence, pos)
        if found < 0:  # the peer changed the text; fall back to its first characters
            found = line.find(sentence[:10], pos)
        if found < 0:
            continue
        starts.append(found)
        pos = found + len(sentence)
    return starts


def make_system(name: str, lang: str, stanza_dir: Optional[str]) -> Optional[Callable[[str], List[int]]]:
    if name == "aligner":
        segmenter = get_segmenter("rules", lang)
        return lambda line: [start for start, _ in segmenter.split(line)]
    if name == "pysbd":
        import pysbd

        segmenter = pysbd.Segmenter(language=lang, clean=False)
        return lambda line: _starts_from_strings(line, segmenter.segment(line))
    if name == "sentencex":
        import sentencex

        return lambda line: _starts_from_strings(line, sentencex.segment(lang, line))
    if name == "blingfire":
        import blingfire

        return lambda line: [start for start, _ in blingfire.text_to_sentences_and_offsets(line)[1]]
    if name == "stanza":
        if lang != "en" or not stanza_dir:
            return None
        segmenter = get_segmenter("stanza", lang, resources_dir=stanza_dir)
        segmenter.split("Load the model before the clock starts.")
        return lambda line: [start for start, _ in segmenter.split(line)]
    raise ValueError(name)


def _lines(text: str):
    pos = 0
    for match in LINE_BREAK.finditer(text):
        yield pos, text[pos:match.start()]
        pos = match.end()
    yield pos, text[pos:]


@dataclass
class Result:
    tp: int = 0
    fp: int = 0
    fp_lenient: int = 0
    fn: int = 0
    seconds: float = 0.0
    sentences: int = 0
    errors: List[str] = field(default_factory=list)

    def scores(self):
        """Strict precision, lenient precision, recall, strict F1, lenient F1."""
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        lenient = self.tp / (self.tp + self.fp_lenient) if self.tp + self.fp_lenient else 1.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return precision, lenient, recall, _f1(precision, recall), _f1(lenient, recall)


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def evaluate(system: Callable[[str], List[int]], eval_set: EvalSet, limit: Optional[int] = None,
             repeats: int = REPEATS) -> Result:
    result = Result()
    texts = eval_set.texts[:limit] if limit else eval_set.texts
    jobs = [[(offset, line) for offset, line in _lines(text) if line.strip()] for text in texts]
    result.seconds = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        raw = [[(offset, line, system(line)) for offset, line in lines] for lines in jobs]
        result.seconds = min(result.seconds, time.perf_counter() - started)
    predicted: List[Set[int]] = []
    for lines in raw:
        starts = set()
        for offset, line, line_starts in lines:
            for start in line_starts:
                while start < len(line) and line[start].isspace():
                    start += 1
                if line[:start].strip() and start < len(line):
                    starts.add(offset + start)
        predicted.append(starts)
    for index, (text, starts) in enumerate(zip(texts, predicted, strict=True)):
        gold = eval_set.gold[index]
        result.sentences += len(gold) + sum(1 for _, line in _lines(text) if line.strip())
        result.tp += len(starts & gold)
        result.fn += len(gold - starts)
        for start in sorted(starts - gold):
            result.fp += 1
            if any(a < start < b for a, b in eval_set.exempt[index]):
                result.errors.append(f"FP (in a two-sentence gold line) {_context(text, start)}")
            else:
                result.fp_lenient += 1
                result.errors.append(f"FP {_context(text, start)}")
        for start in sorted(gold - starts):
            result.errors.append(f"FN {_context(text, start)}")
    return result


def _context(text: str, offset: int, width: int = 50) -> str:
    return (text[max(0, offset - width):offset] + " ‖ " + text[offset:offset + width]).replace("\n", "⏎")


def end_to_end_rate(eval_set: EvalSet) -> float:
    """Gold sentences per second of aligner's segment_document over the whole set."""
    documents = [Document(doc_id=str(i), text=text, lang=eval_set.lang, paragraphs=split_paragraphs(text))
                 for i, text in enumerate(eval_set.texts)]
    segmenter = get_segmenter("rules", eval_set.lang)
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        for document in documents:
            segment_document(document, segmenter)
        best = min(best, time.perf_counter() - started)
    return eval_set.sentences / best


def _best_time(function) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def long_line_table() -> None:
    """Seconds for one very long line: the rule splitter alone, and a whole file read end to end."""
    print("| input | MB | sentences | seconds | sent/s |")
    print("|---|---|---|---|---|")
    line = "Dr. Smith paid 3.5 dollars at www.example.com today. " * 20000
    segmenter = get_segmenter("rules", "en")
    seconds = _best_time(lambda: segmenter.split(line))
    print(f"| rules split, one line | {len(line) / 1e6:.1f} | 20,000 | {seconds:.2f} | {20000 / seconds:,.0f} |")
    sentence = ("Telegram refused to cooperate with the police in that case " * 16).strip() + ". "
    count = 10_000_000 // len(sentence)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "long.txt"
        path.write_text(sentence * count, encoding="utf-8")
        megabytes = path.stat().st_size / 1e6
        (source,) = iter_sources([str(path)])
        seconds = _best_time(lambda: segment_document(read_document(source)))
    print(f"| read + identify + segment, a one-line file | {megabytes:.1f} | {count:,} | {seconds:.2f} "
          f"| {count / seconds:,.0f} |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="+", default=list(LOADERS), choices=list(LOADERS))
    parser.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=SYSTEMS)
    parser.add_argument("--langs", nargs="+", default=list(LANGS), choices=LANGS)
    parser.add_argument("--stanza-dir", default=str(shared_dir() / "models" / "stanza_resources"))
    parser.add_argument("--stanza-limit", type=int, default=60,
                        help="Stanza is slow (about 100 sentences/s here): evaluate it on the first N "
                             "documents of each set only, timed once (0: all).")
    parser.add_argument("--errors", type=int, default=0, help="print up to N errors per aligner run")
    parser.add_argument("--long-lines", action="store_true",
                        help="time aligner on single very long lines instead of evaluating the sets")
    args = parser.parse_args(argv)
    if args.long_lines:
        long_line_table()
        return

    print("| set | lang | system | docs | P strict | R | F1 strict | P lenient | F1 lenient | sent/s split "
          "| sent/s end-to-end |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for set_name in args.sets:
        for lang, eval_set in LOADERS[set_name]().items():
            if lang not in args.langs:
                continue
            runs = []
            for system_name in args.systems:
                limit = (args.stanza_limit or None) if system_name == "stanza" else None
                runs.append((system_name, limit))
                if limit and lang == "en" and len(eval_set.texts) > limit and "aligner" in args.systems:
                    runs.append(("aligner", limit))  # the same subset, to compare with Stanza
            for system_name, limit in runs:
                system = make_system(system_name, lang, args.stanza_dir)
                if system is None:
                    continue
                result = evaluate(system, eval_set, limit, repeats=1 if system_name == "stanza" else REPEATS)
                precision, lenient, recall, f1, f1_lenient = result.scores()
                docs = len(eval_set.texts[:limit] if limit else eval_set.texts)
                rate = result.sentences / result.seconds if result.seconds else float("inf")
                e2e = f"{end_to_end_rate(eval_set):,.0f}" if system_name == "aligner" and not limit else ""
                print(f"| {set_name} | {lang} | {system_name} | {docs} | {precision:.4f} | {recall:.4f} | "
                      f"{f1:.4f} | {lenient:.4f} | {f1_lenient:.4f} | {rate:,.0f} | {e2e} |", flush=True)
                if system_name == "aligner" and not limit and args.errors:
                    for error in result.errors[:args.errors]:
                        print("    " + error, file=sys.stderr)


if __name__ == "__main__":
    main()
