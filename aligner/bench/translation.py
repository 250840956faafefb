"""Benchmarks: translation quality with sacrebleu, alignment quality against gold alignments.

Translation scores are sacrebleu's own (BLEU, chrF, chrF++, TER through its Python API), each
with sacrebleu's signature, so a number printed here equals ``sacrebleu`` on the same files and
can be compared with any paper that quotes a signature. What this module adds is the choice that
matters for Persian and Arabic: the BLEU tokenizer. sacrebleu defaults to 13a, which splits only
ASCII punctuation and so leaves ، ؛ ؟ « » glued to the words around them; an Arabic-script target
therefore gets ``intl`` (Unicode punctuation and symbols split off) or, when its SentencePiece
model is present, FLORES-200 spBLEU. 13a is refused for those targets.

Named test sets (FLORES-200, TICO-19, Tatoeba) are read from the shared data folder, never
downloaded; the caller (the command line, through paths.shared_dir) says where it is.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from ..document import ARABIC_SCRIPT_LANGUAGES
from ..errors import InputError, ModelError
from ..text.reading import Source, decode, read_bytes

# ISO 639-1/3 codes of languages written in Arabic script (targets for which 13a is wrong): the
# document model's list plus the ISO 639-3 codes test sets use.
ARABIC_SCRIPT_LANGS = ARABIC_SCRIPT_LANGUAGES | {"ks", "pes", "prs", "arb", "arz", "apc", "ary", "acm", "ajp",
                                                 "aeb", "azb", "bal", "urd", "pus", "uig", "snd"}

METRICS = ("bleu", "chrf", "chrf++", "ter")


# --------------------------------------------------------------------------------------------
# Reading line-aligned files the way sacrebleu does
# --------------------------------------------------------------------------------------------

def read_segments(path: Path) -> List[str]:
    """One segment per line, split on '\\n' and right-stripped exactly as sacrebleu's CLI does.

    Decoding goes through aligner's strict reader so a non-UTF-8 or binary file is reported by
    name instead of scoring garbage.
    """
    path = Path(path)
    lines = decode(read_bytes(Source(path.name, path)), str(path)).split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.rstrip() for line in lines]


def check_same_length(named: Sequence[Tuple[str, Sequence[str]]]) -> int:
    """Raise InputError unless every (name, segments) has as many segments as the first."""
    first_name, first = named[0]
    for name, segments in named[1:]:
        if len(segments) != len(first):
            raise InputError(f"{name} has {len(segments)} lines but {first_name} has {len(first)}")
    return len(first)


# --------------------------------------------------------------------------------------------
# Named test sets in the shared data folder
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TestSet:
    """A parallel test set, read from a local copy (--testset-dir) or shared/data/<folder>.

    ``layout`` names the file of one language: ``{split}.{lang}`` for multi-way sets (any pair of
    ``langs``), ``{split}.{pair}.{lang}`` for sets stored per pair, where ``pair`` is one of
    ``pairs`` as named on disk (either direction may be evaluated).
    """

    __test__ = False  # not a pytest test class despite the name

    name: str
    folder: str
    splits: Tuple[str, ...]
    default_split: str
    langs: Tuple[str, ...]
    layout: str
    pairs: Tuple[str, ...] = ()

    def supports(self, src: str, tgt: str) -> bool:
        if src == tgt or src not in self.langs or tgt not in self.langs:
            return False
        return not self.pairs or self._pair(src, tgt) is not None

    def _pair(self, src: str, tgt: str) -> Optional[str]:
        for pair in self.pairs:
            if set(pair.split("-")) == {src, tgt}:
                return pair
        return None

    def available_pairs(self) -> List[str]:
        return [f"{s}-{t}" for s in self.langs for t in self.langs if self.supports(s, t)]



TESTSETS: Dict[str, TestSet] = {
    testset.name: testset for testset in (
        # FLORES-200 (Wikinews/Wikivoyage/Wikibooks), 997 dev / 1012 devtest, 3-way
        TestSet("flores200", "flores200", ("dev", "devtest"), "devtest", ("en", "fa", "ar"), "{split}.{lang}"),
        # TICO-19 (COVID-19 domain), 971 dev / 2100 test, 3-way
        TestSet("tico19", "tico19", ("dev", "test"), "test", ("en", "fa", "ar"), "{split}.{lang}"),
        # Tatoeba-Challenge v2021-08-07 (short everyday sentences; Arabic includes dialects)
        TestSet("tatoeba", "tatoeba", ("test",), "test", ("en", "fa", "ar"), "{split}.{pair}.{lang}",
                pairs=("en-fa", "en-ar")),
    )
}


@dataclass
class TestData:
    """Sources and references of one test set, split and language pair."""

    __test__ = False

    spec: str  # e.g. "flores200:devtest"
    sources: List[str]
    references: List[str]
    ref_path: Path


def parse_testset(spec: str, src_lang: str, tgt_lang: str) -> Tuple[TestSet, str]:
    """'flores200:devtest' -> (TestSet, 'devtest') for one translation direction; the split
    defaults to the set's test split. InputError for an unknown set or split, or a missing pair."""
    name, _, split = spec.partition(":")
    if name not in TESTSETS:
        raise InputError(f"unknown test set {name!r} (known: {', '.join(sorted(TESTSETS))})")
    testset = TESTSETS[name]
    split = split or testset.default_split
    if split not in testset.splits:
        raise InputError(f"test set {name!r} has no split {split!r} (splits: {', '.join(testset.splits)})")
    if not testset.supports(src_lang, tgt_lang):
        raise InputError(f"test set {testset.name!r} has no {src_lang}-{tgt_lang} pair "
                         f"(pairs: {', '.join(testset.available_pairs())})")
    return testset, split


def load_testset(testset: TestSet, split: str, src_lang: str, tgt_lang: str, folder: Path) -> TestData:
    """Read a test set (as parse_testset gives it) from ``folder``: a local copy holding its files
    as ``layout`` names them (devtest.en, devtest.fa ...), directly or in a subfolder named after
    the set, or a data folder holding data/<set>/."""
    candidates = [folder, folder / testset.folder, folder / "data" / testset.folder]
    names = [testset.layout.format(split=split, lang=lang, pair=testset._pair(src_lang, tgt_lang) or "")
             for lang in (src_lang, tgt_lang)]
    base = next((place for place in candidates if all((place / name).is_file() for name in names)), None)
    if base is None:
        raise InputError(f"{folder}: no {testset.name}:{split} files {' and '.join(names)} there "
                         f"(nor in {testset.folder}/ or data/{testset.folder}/ under it)")
    src_path, ref_path = base / names[0], base / names[1]
    sources, references = read_segments(src_path), read_segments(ref_path)
    check_same_length([(str(ref_path), references), (str(src_path), sources)])
    return TestData(f"{testset.name}:{split}", sources, references, ref_path)


def testset_unavailable(testset: TestSet, split: str, src_lang: str, tgt_lang: str) -> InputError:
    """The error for a named test set with no local copy: sacrebleu's downloads do not include
    FLORES-200, TICO-19 or Tatoeba, so the user has to fetch it and pass --testset-dir."""
    names = " and ".join(testset.layout.format(split=split, lang=lang, pair=testset._pair(src_lang, tgt_lang) or "")
                         for lang in (src_lang, tgt_lang))
    return InputError(f"test set {testset.name!r} is not bundled and sacrebleu cannot download it (its test sets "
                      f"are WMT, IWSLT and the like): get a copy and pass --testset-dir DIR holding {names}")


# --------------------------------------------------------------------------------------------
# BLEU tokenizer choice
# --------------------------------------------------------------------------------------------

def default_tokenizer(tgt_lang: Optional[str]) -> str:
    """intl for Arabic-script targets, otherwise sacrebleu's own choice for the language (13a, zh...)."""
    from sacrebleu.metrics.bleu import BLEU

    if tgt_lang in ARABIC_SCRIPT_LANGS:
        # intl rather than flores200: it needs no model file, so the number is reproducible anywhere.
        return "intl"
    return BLEU._TOKENIZER_MAP.get(tgt_lang or "", BLEU.TOKENIZER_DEFAULT)


def spm_model_path(tokenize: str) -> Optional[Path]:
    """Where sacrebleu looks for the SentencePiece model of an spBLEU tokenizer (None if not one)."""
    from sacrebleu.tokenizers import tokenizer_spm

    if tokenize not in tokenizer_spm.SPM_MODELS:
        return None
    url = tokenizer_spm.SPM_MODELS[tokenize]["url"]
    return Path(tokenizer_spm.SACREBLEU_DIR) / "models" / os.path.basename(url)


def check_tokenizer(tokenize: str, tgt_lang: Optional[str]) -> str:
    """Validate a BLEU tokenizer for a target language; raise a one-line error when it cannot work."""
    from sacrebleu.metrics.bleu import BLEU

    if tokenize not in BLEU.TOKENIZERS:
        raise InputError(f"unknown BLEU tokenizer {tokenize!r} (choose from {', '.join(BLEU.TOKENIZERS)})")
    if tokenize == "13a" and tgt_lang in ARABIC_SCRIPT_LANGS:
        raise InputError(f"tokenizer 13a does not split Arabic-script punctuation (، ؛ ؟ « »), so BLEU for "
                         f"target {tgt_lang!r} would be wrong; use intl or flores200")
    model = spm_model_path(tokenize)
    if model is not None and not model.is_file():
        # sacrebleu would try to download it mid-run, which fails offline and makes a benchmark depend on
        # a remote file: say instead exactly what to place where.
        raise ModelError(f"tokenizer {tokenize} needs its SentencePiece model {model}, which is missing "
                         f"(aligner does not download it); place the file there, or set SACREBLEU to a folder "
                         f"holding models/{model.name}, or use --tokenize intl")
    return tokenize


# --------------------------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------------------------

@dataclass
class MetricScore:
    """One corpus-level score with the sacrebleu signature that reproduces it."""

    name: str  # sacrebleu's metric name: BLEU, chrF2, chrF2++, TER
    score: float
    signature: str
    verbose: str = ""  # BLEU's n-gram precisions and brevity penalty, as sacrebleu prints them

    def line(self, width: int = 1) -> str:
        """The line sacrebleu's CLI prints for this score."""
        text = f"{self.name}|{self.signature} = {self.score:.{width}f}"
        return f"{text} {self.verbose}" if self.verbose else text

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class PairedResult:
    """Paired bootstrap resampling of a system against a baseline for one metric.

    ``p_value`` is the probability of a difference at least this large if both systems were
    equally good (sacrebleu's test, after Koehn 2004); the means and 95% confidence half-widths
    come from the same resamples.
    """

    name: str
    signature: str
    baseline: float
    baseline_mean: float
    baseline_ci: float
    system: float
    system_mean: float
    system_ci: float
    p_value: float

    def to_dict(self) -> dict:
        return asdict(self)


def build_metrics(tgt_lang: Optional[str], tokenize: Optional[str] = None,
                  metrics: Sequence[str] = METRICS) -> Dict[str, object]:
    """sacrebleu metric objects keyed by our metric names; the BLEU tokenizer is checked first."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise InputError(f"unknown metric {unknown[0]!r} (choose from {', '.join(METRICS)})")
    built = {}
    for name in metrics:
        if name == "bleu":
            tok = check_tokenizer(tokenize or default_tokenizer(tgt_lang), tgt_lang)
            built[name] = BLEU(tokenize=tok, trg_lang=tgt_lang or "")
        elif name == "chrf":
            built[name] = CHRF()
        elif name == "chrf++":
            built[name] = CHRF(word_order=2)
        else:
            built[name] = TER()
    return built


# TER's shift search is quadratic in a segment's length: past this many words one segment takes
# minutes (20,000 words: 40 s), so TER is left out with a warning instead of hanging.
TER_MAX_WORDS = 2000


def metrics_within_limits(metrics: Sequence[str], *segment_lists: Sequence[str]) -> Tuple[List[str], Optional[str]]:
    """``metrics`` without TER when some segment is too long for it, and the reason (or None)."""
    if "ter" not in metrics:
        return list(metrics), None
    longest = max((len(segment.split()) for segments in segment_lists for segment in segments), default=0)
    if longest <= TER_MAX_WORDS:
        return list(metrics), None
    return [m for m in metrics if m != "ter"], (f"TER left out: a segment has {longest} words (TER's search is "
                                                f"quadratic; limit {TER_MAX_WORDS})")


def score_translations(hypotheses: Sequence[str], references: Sequence[str], tgt_lang: Optional[str],
                       tokenize: Optional[str] = None, metrics: Sequence[str] = METRICS) -> List[MetricScore]:
    """Corpus BLEU/chrF/chrF++/TER of ``hypotheses`` against one reference per line."""
    check_same_length([("references", references), ("hypotheses", hypotheses)])
    results = []
    for metric in build_metrics(tgt_lang, tokenize, metrics).values():
        score = metric.corpus_score(list(hypotheses), [list(references)])
        results.append(MetricScore(score.name, score.score, metric.get_signature().format(), score._verbose))
    return results


def paired_bootstrap(hypotheses: Sequence[str], baseline: Sequence[str], references: Sequence[str],
                     tgt_lang: Optional[str], tokenize: Optional[str] = None, metrics: Sequence[str] = METRICS,
                     n_samples: int = 1000) -> List[PairedResult]:
    """sacrebleu's paired bootstrap test of ``hypotheses`` against ``baseline``.

    The resampling seed is sacrebleu's (SACREBLEU_SEED, default 12345) and is part of each
    signature, so results equal ``sacrebleu REF -i BASELINE SYSTEM --paired-bs``.
    """
    from sacrebleu.significance import PairedTest

    check_same_length([("references", references), ("hypotheses", hypotheses), ("baseline", baseline)])
    if n_samples < 1:
        raise InputError(f"paired bootstrap needs at least one resample (got {n_samples})")
    built = build_metrics(tgt_lang, tokenize, metrics)
    test = PairedTest([("baseline", list(baseline)), ("system", list(hypotheses))], built,
                      references=[list(references)], test_type="bs", n_samples=n_samples)
    signatures, table = test()
    results = []
    for name, (base, system) in ((k, v) for k, v in table.items() if k != "System"):
        # sacrebleu returns numpy scalars for the resampled statistics; plain floats serialise to JSON.
        numbers = [float(x) for x in (base.score, base.mean, base.ci, system.score, system.mean, system.ci,
                                      system.p_value)]
        results.append(PairedResult(name, signatures[name].format(), *numbers))
    return results


@dataclass
class TranslationBench:
    """Everything ``aligner bench translate`` reports: inputs, scores, optional paired test."""

    tgt_lang: Optional[str]
    segments: int
    inputs: Dict[str, str]  # role (hyp, ref, src, baseline, testset, model) -> file or name
    scores: List[MetricScore]
    paired: List[PairedResult]
    n_samples: int = 0

    def to_dict(self) -> dict:
        record = {"tgt_lang": self.tgt_lang, "segments": self.segments, **self.inputs,
                  "scores": [s.to_dict() for s in self.scores]}
        if self.paired:
            record["paired_bs"] = {"resamples": self.n_samples, "results": [p.to_dict() for p in self.paired]}
        return record

    def format_text(self, width: int = 1) -> str:
        lines = [score.line(width) for score in self.scores]
        if self.paired:
            lines += ["", f"paired bootstrap resampling against {self.inputs.get('baseline')} "
                          f"({self.n_samples} resamples; mean ± 95% CI; * = p < 0.05)"]
            rows = [("metric", "baseline", "system", "p")]
            for p in self.paired:
                baseline = f"{p.baseline:.{width}f} ({p.baseline_mean:.{width}f} ± {p.baseline_ci:.{width}f})"
                system = f"{p.system:.{width}f} ({p.system_mean:.{width}f} ± {p.system_ci:.{width}f})"
                rows.append((p.name, baseline, system, f"{p.p_value:.4f}{' *' if p.p_value < 0.05 else ''}"))
            widths = [max(len(row[i]) for row in rows) for i in range(4)]
            lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
            lines += [f"{p.name}|{p.signature}" for p in self.paired]
        return "\n".join(lines)


def bench_translation(hypotheses: Sequence[str], references: Sequence[str], tgt_lang: Optional[str],
                      inputs: Dict[str, str], tokenize: Optional[str] = None, metrics: Sequence[str] = METRICS,
                      baseline: Optional[Sequence[str]] = None, n_samples: int = 1000) -> TranslationBench:
    """Score a system (and test it against ``baseline`` when given) on one reference per line."""
    scores = score_translations(hypotheses, references, tgt_lang, tokenize, metrics)
    paired = (paired_bootstrap(hypotheses, baseline, references, tgt_lang, tokenize, metrics, n_samples)
              if baseline is not None else [])
    return TranslationBench(tgt_lang, len(references), inputs, scores, paired, n_samples if paired else 0)
