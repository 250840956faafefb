"""aligner bench: translation quality (sacrebleu) and alignment quality (strict/lax P/R/F1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import click

from ..bench import translation as benchlib
from ..bench.alignment import bench_alignment
from ..errors import InputError
from ..formats.atomic import open_output
from ..paths import find_shared_dir
from .models import models_dir_option


@click.group()
def bench():
    """Measure translation quality (sacrebleu) and alignment quality (against gold alignments).

    \b
    Examples:
      aligner bench translate --hyp flores-devtest.fa-en.hyp --testset flores200:devtest -l fa-en
      aligner bench align --gold corpora/parallel/fa-en/police-telegram-cooperation.gold --pred police.pred
    """


def _tgt_lang(tgt_lang, langpair, references):
    """--tgt-lang, else the target of --langpair, else the language identified in the references."""
    if tgt_lang:
        return tgt_lang
    if langpair:
        return langpair[1]
    from ..text.langid import identify

    lang, _ = identify("\n".join(references[:200]))
    return None if lang == "und" else lang


def _testset_folder(testset_dir: Optional[str], testset, split: str, langpair) -> Path:
    """--testset-dir, else the development data folder when there is one, else the one-line
    error that says how to get the set."""
    if testset_dir:
        return Path(testset_dir)
    shared = find_shared_dir()
    if shared is not None:
        return shared
    raise benchlib.testset_unavailable(testset, split, *langpair)


def _load_references(ref, testset, testset_dir, langpair, inputs):
    """(references, sources or None) from --ref or --testset, their names noted in ``inputs``."""
    if not testset:
        inputs["ref"] = ref
        return benchlib.read_segments(Path(ref)), None
    chosen, split = benchlib.parse_testset(testset, *langpair)
    data = benchlib.load_testset(chosen, split, *langpair, _testset_folder(testset_dir, chosen, split, langpair))
    inputs.update(testset=data.spec, langpair="-".join(langpair), ref=str(data.ref_path))
    return data.references, data.sources


def _warn_if_other_language(references, lang: Optional[str], option: str) -> None:
    """One warning when a sample of the references is clearly in another language than ``lang``."""
    from ..text.langid import identify
    from . import warn

    if not lang or not references:
        return
    found, _ = identify("\n".join(references[:200]))
    if found not in ("und", lang):
        warn(f"the references look like {found!r} text, not {option} {lang!r}: scores against them mean little")


def _parse_langpair(ctx, param, value):
    if value is None:
        return None
    src, sep, tgt = value.partition("-")
    if not sep or not src or not tgt or src == tgt:
        raise click.BadParameter(f"expected SRC-TGT such as en-fa, got {value!r}")
    return src, tgt


def _translate(sources, model, langpair, folders, inputs):
    """Translate the sources with --model; the translator's signature goes into the report."""
    from ..translate.translator import make_translator

    translator = make_translator(model, *langpair, folders=folders, progress=True)
    inputs["model"] = translator.signature().long
    # A line the model returns with a line break inside would shift every later line.
    return [" ".join(text.split("\n")) for text in translator.translate_list(sources)]


@bench.command()
@click.option("--hyp", type=click.Path(dir_okay=False), metavar="FILE",
              help="System output, one segment per line (or use --model).")
@click.option("--ref", type=click.Path(dir_okay=False), metavar="FILE",
              help="Reference translation, one segment per line (or use --testset).")
@click.option("--src", type=click.Path(dir_okay=False), metavar="FILE",
              help="Source text, one segment per line: what --model translates (with --ref); "
                   "with --hyp only checked to have as many lines as --ref.")
@click.option("--model", metavar="NAME|PATH",
              help="Translate the source (--src, or the test set's) with this model instead of reading --hyp: "
                   "an installed model name, a pair name such as en-fa, a model folder or an .argosmodel file.")
@models_dir_option
@click.option("--hyp-out", type=click.Path(dir_okay=False), metavar="FILE",
              help="With --model: also write the translations here (e.g. to reuse as --baseline later).")
@click.option("-t", "--testset", metavar="NAME[:SPLIT]",
              help="Score against a named test set instead of --ref: "
                   + "; ".join(f"{t.name} ({'|'.join(t.splits)}, default {t.default_split})"
                               for t in benchlib.TESTSETS.values()) + ". Needs --langpair and a local copy "
                   "(--testset-dir): sacrebleu cannot download these sets.")
@click.option("--testset-dir", type=click.Path(exists=True, file_okay=False), default=None, metavar="DIR",
              help="Folder of the --testset files, named SPLIT.LANG (devtest.en, devtest.fa; Tatoeba: "
                   "test.en-fa.en), directly or in a subfolder named after the set.")
@click.option("-l", "--langpair", callback=_parse_langpair, metavar="SRC-TGT",
              help="Translation direction, e.g. en-fa; picks the test set's files, --model's direction and "
                   "the target language.")
@click.option("--tgt-lang", metavar="LANG",
              help="Target language (fa, ar, en...), which picks the BLEU tokenizer. "
                   "Default: from --langpair, else identified from the references.")
@click.option("--tokenize", metavar="NAME",
              help="BLEU tokenizer (any of sacrebleu's). Default: intl for Arabic-script targets (fa, ar), "
                   "sacrebleu's default for others (13a for en). 13a is refused for Arabic-script targets; "
                   "flores200 (spBLEU) needs its SentencePiece model in $SACREBLEU/models.")
@click.option("-m", "--metrics", multiple=True, type=click.Choice(benchlib.METRICS), default=benchlib.METRICS,
              show_default=True, help="Metrics to compute (repeatable).")
@click.option("--baseline", type=click.Path(dir_okay=False), metavar="FILE",
              help="A second system's output: run sacrebleu's paired bootstrap resampling test of --hyp "
                   "against it (seed from SACREBLEU_SEED, default 12345).")
@click.option("--paired-bs-n", default=1000, show_default=True, type=click.IntRange(min=1),
              help="Number of bootstrap resamples for --baseline.")
@click.option("--json", "as_json", is_flag=True, help="Write one JSON object (scores, signatures, inputs).")
@click.option("-w", "--width", default=1, show_default=True, type=click.IntRange(0, 10),
              help="Decimals in text output (JSON always has full precision).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Output file (written atomically). Default: stdout.")
def translate(hyp, ref, src, model, folders, hyp_out, testset, testset_dir, langpair, tgt_lang, tokenize, metrics, baseline,
              paired_bs_n, as_json, width, output):
    """Score a translation with sacrebleu: BLEU, chrF, chrF++, TER.

    Every score is printed with its sacrebleu signature; the numbers equal sacrebleu's own
    command line on the same files and options. For Persian and Arabic targets BLEU uses the
    intl tokenizer (Arabic punctuation split off), never 13a.

    --src, --ref and --hyp hold one segment per line (the sample articles are line-parallel
    with their translations in corpora/parallel). Test sets are read from the shared data
    folder (../shared, or $ALIGNER_SHARED).

    \b
    Examples:
      # translate an article with the installed fa-en model, score it, keep the translation
      aligner bench translate --model fa-en -l fa-en --src corpora/fa/police-telegram-cooperation.txt --ref corpora/parallel/fa-en/en/police-telegram-cooperation.txt --hyp-out police.argos.en
      # score another system's translation (NLLB's, from `aligner translate --presegmented`)
      aligner bench translate --hyp police.nllb.en --ref corpora/parallel/fa-en/en/police-telegram-cooperation.txt --tgt-lang en --json -o police.nllb.json
      # is it better than the first? (paired bootstrap resampling)
      aligner bench translate --hyp police.nllb.en --baseline police.argos.en --ref corpora/parallel/fa-en/en/police-telegram-cooperation.txt --tgt-lang en
      # score a system's output for FLORES-200 devtest.fa (one line per sentence)
      aligner bench translate --hyp flores-devtest.fa-en.hyp --testset flores200:devtest -l fa-en
    """
    if bool(hyp) == bool(model):
        raise InputError("give exactly one of --hyp FILE (a system's output) or --model NAME (translate now)")
    if bool(ref) == bool(testset):
        raise InputError("give exactly one of --ref FILE or --testset NAME[:SPLIT]")
    if src and testset:
        raise InputError("--src goes with --ref; a --testset brings its own source")
    if (testset or model) and not langpair:
        raise InputError(f"{'--testset' if testset else '--model'} needs --langpair SRC-TGT (e.g. -l en-fa)")
    if model and not (src or testset):
        raise InputError("--model needs the source text: --src FILE or --testset NAME[:SPLIT]")
    inputs, hypotheses, baseline_segments = {}, None, None
    references, sources = _load_references(ref, testset, testset_dir, langpair, inputs)
    named = [(inputs["ref"], references)]
    if src:
        sources = benchlib.read_segments(Path(src))
        named.append((src, sources))
        inputs["src"] = src
    if hyp:
        hypotheses = benchlib.read_segments(Path(hyp))
        named.append((hyp, hypotheses))
        inputs["hyp"] = hyp
    if baseline:
        baseline_segments = benchlib.read_segments(Path(baseline))
        named.append((baseline, baseline_segments))
        inputs["baseline"] = baseline
    benchlib.check_same_length(named)
    if model:
        hypotheses = _translate(sources, model, langpair, folders, inputs)
        if hyp_out:
            with open_output(hyp_out) as out:
                out.write("".join(line + "\n" for line in hypotheses))
            inputs["hyp"] = hyp_out
    lang = _tgt_lang(tgt_lang, langpair, references)
    _warn_if_other_language(references, tgt_lang or (langpair and langpair[1]), "--tgt-lang" if tgt_lang else "--langpair")
    metrics, left_out = benchlib.metrics_within_limits(metrics, hypotheses, references, baseline_segments or [])
    if left_out:
        from . import warn

        warn(left_out)
    result = benchlib.bench_translation(hypotheses, references, lang, inputs, tokenize, metrics,
                                        baseline_segments, paired_bs_n)
    with open_output(output) as out:
        if as_json:
            out.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=1) + "\n")
        else:
            out.write(result.format_text(width) + "\n")


@bench.command()
@click.option("--gold", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Gold alignment in Vecalign format ([0]:[0] / [1, 2]:[1] / [3]:[] per line); repeatable.")
@click.option("--gold-from-review", "review_dir", type=click.Path(file_okay=False, exists=True), metavar="OUTDIR",
              help="Take a run's review (`aligner review`) as gold instead: the links a person accepted or marked "
                   "untranslated are gold, the run's own links over the same sentences (and those rejected) are "
                   "the prediction; no --gold/--pred.")
@click.option("--pred", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Predicted alignment in the same format (a trailing :cost is ignored); one per --gold, "
                   "in the same order.")
@click.option("--json", "as_json", is_flag=True, help="Write one JSON object with overall and per-file scores.")
@click.option("-w", "--width", default=3, show_default=True, type=click.IntRange(0, 10),
              help="Decimals in text output.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Output file (written atomically). Default: stdout.")
def align(gold, review_dir, pred, as_json, width, output):
    """Strict and lax precision, recall and F1 of sentence alignments.

    The definitions are Vecalign's (Thompson & Koehn 2019): precision over predicted links
    (1-0/0-1 included), recall over gold links without 1-0/0-1; strict counts exact link
    matches, lax also a link that shares a gold-linked source and target sentence. With
    several files the counts are summed before dividing.

    \b
    Examples:
      aligner bench align --gold corpora/parallel/fa-en/police-telegram-cooperation.gold --pred police.pred
      aligner bench align --gold corpora/parallel/fa-en/police-telegram-cooperation.gold --pred police.mt.pred
      aligner bench align --gold corpora/parallel/fa-en/police-telegram-cooperation.gold --gold corpora/parallel/ar-en/durov-case-paris-prosecutor.gold --pred police.pred --pred durov.length.pred --json -o align-scores.json
      aligner bench align --gold-from-review out/fa-en
    """
    if review_dir is not None:
        if gold or pred:
            raise click.UsageError("--gold-from-review takes neither --gold nor --pred")
        result = _review_bench(Path(review_dir))
    elif not gold or not pred:
        raise click.UsageError("give --gold and --pred (or --gold-from-review OUTDIR)")
    else:
        result = bench_alignment([Path(g) for g in gold], [Path(p) for p in pred])
    with open_output(output) as out:
        if as_json:
            out.write(json.dumps(result.to_dict(), indent=1) + "\n")
        else:
            out.write(result.format_text(width) + "\n")


def _review_bench(outdir: Path):
    """The run's alignment in OUTDIR scored against its review (InputError when nothing is settled)."""
    from ..bench.alignment import AlignmentBench, score_alignment
    from ..review.gold import review_alignments
    from ..review.log import REVIEW_FILE, read_events
    from .review import run_bitexts

    pairs = review_alignments(run_bitexts(outdir), read_events(outdir / REVIEW_FILE))
    if not pairs:
        raise InputError(f"{outdir / REVIEW_FILE}: no link accepted or marked untranslated yet (nothing to use as gold)")
    files = [(f"{name} (review)", name, score_alignment(gold, predicted)) for name, gold, predicted in pairs]
    return AlignmentBench(files, score_alignment([g for _, g, _ in pairs], [p for _, _, p in pairs]))
