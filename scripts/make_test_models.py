#!/usr/bin/env python
"""Build tiny random-weight translation models in the three layouts aligner loads.

No real fa/ar<->en weights can be downloaded where the tests run, so this script builds models
that are real CTranslate2 + SentencePiece models in every respect except their (seeded, random)
weights: Argos packages (directory and .argosmodel zip), OPUS-MT/Marian directories
(source.spm/target.spm) and NLLB-200/M2M100 directories (one SentencePiece model, language tokens
in the vocabulary). Only ``ctranslate2.specs`` and ``sentencepiece`` are used, no torch.

Random decoders tend to stop at once or never; ``eos_bias``, ``logit_scale`` and ``eos_ramp``
(see build_transformer) make them stop after a realistic number of tokens instead of running to
the maximum decoding length.

    python scripts/make_test_models.py OUT_DIR            # tiny models for tests
    python scripts/make_test_models.py OUT_DIR --argos-base --corpus dev.fa dev.en   # Argos-size
"""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence

import numpy as np

# A small built-in corpus so the test models need no external data; SentencePiece only needs
# enough characters of each script to build a vocabulary.
CORPUS = {
    "en": [
        "The minister said on Tuesday that the new law will take effect next month.",
        "Police arrested three people after the protest in the capital.",
        "Prices of bread and rice rose sharply this year, according to the central bank.",
        "The United Nations called for an immediate ceasefire in the region.",
        "Scientists have discovered a new species of frog in the rainforest.",
        "The football team won the championship for the second time in a row.",
        "Heavy rain caused flooding in several northern provinces.",
        "The president will travel to Geneva for talks on the nuclear agreement.",
        "Schools will remain closed until the end of the week because of the storm.",
        "Exports of oil fell by ten percent in the first quarter.",
    ],
    "fa": [
        "وزیر روز سه‌شنبه گفت که قانون جدید از ماه آینده اجرا می‌شود.",
        "پلیس پس از اعتراض در پایتخت سه نفر را بازداشت کرد.",
        "به گفته بانک مرکزی، قیمت نان و برنج امسال به شدت افزایش یافت.",
        "سازمان ملل متحد خواستار آتش‌بس فوری در منطقه شد.",
        "دانشمندان گونه جدیدی از قورباغه را در جنگل بارانی کشف کرده‌اند.",
        "تیم فوتبال برای دومین بار پیاپی قهرمان شد.",
        "باران شدید در چند استان شمالی باعث سیل شد.",
        "رئیس‌جمهور برای گفتگو درباره توافق هسته‌ای به ژنو سفر خواهد کرد.",
        "مدارس به دلیل طوفان تا پایان هفته تعطیل خواهند بود.",
        "صادرات نفت در سه ماه نخست ده درصد کاهش یافت.",
    ],
    "ar": [
        "قال الوزير يوم الثلاثاء إن القانون الجديد سيدخل حيز التنفيذ الشهر المقبل.",
        "اعتقلت الشرطة ثلاثة أشخاص بعد الاحتجاج في العاصمة.",
        "ارتفعت أسعار الخبز والأرز بشكل حاد هذا العام، بحسب البنك المركزي.",
        "دعت الأمم المتحدة إلى وقف فوري لإطلاق النار في المنطقة.",
        "اكتشف العلماء نوعا جديدا من الضفادع في الغابة المطيرة.",
        "فاز فريق كرة القدم بالبطولة للمرة الثانية على التوالي.",
        "تسببت الأمطار الغزيرة في فيضانات في عدة محافظات شمالية.",
        "سيسافر الرئيس إلى جنيف لإجراء محادثات حول الاتفاق النووي.",
        "ستبقى المدارس مغلقة حتى نهاية الأسبوع بسبب العاصفة.",
        "انخفضت صادرات النفط بنسبة عشرة بالمئة في الربع الأول.",
    ],
}

NLLB_CODES = {"en": "eng_Latn", "fa": "pes_Arab", "ar": "arb_Arab"}
M2M_CODES = {"en": "__en__", "fa": "__fa__", "ar": "__ar__"}

TINY = dict(layers=2, d_model=32, heads=2, ffn=64, vocab_size=200, eos_bias=6.0, logit_scale=3.0)
# Argos Translate's models are Transformer-base (OpenNMT-py): 6+6 layers, d_model 512, 8 heads,
# FFN 2048, with a joint SentencePiece vocabulary (argos-train's default is 32,000 pieces; the
# benchmark passes the size its corpus supports).
# eos_ramp/eos_midpoint/logit_scale: a peaked output distribution whose </s> wins around step 30
# (FLORES fa sentences average 36 source tokens), instead of stopping at once or never.
ARGOS_BASE = dict(layers=6, d_model=512, heads=8, ffn=2048, vocab_size=32000, quantization="int8",
                  logit_scale=4.0, eos_bias=0.0, eos_ramp=100.0, eos_midpoint=30)


def train_sentencepiece(lines: Iterable[str], prefix: Path, vocab_size: int) -> Path:
    """Train a unigram SentencePiece model on ``lines``; returns the .model path."""
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(lines)), model_writer=model, vocab_size=vocab_size,
        hard_vocab_limit=False, character_coverage=1.0, model_type="unigram",
        minloglevel=2, num_threads=1, bos_id=1, eos_id=2, unk_id=0, pad_id=-1)
    path = prefix.with_suffix(".model")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(model.getvalue())
    return path


def sentencepiece_vocabulary(model_path: Path) -> List[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(model_path))
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _resolve(spec, name: str):
    """The object holding variable ``name`` ('decoder/layer_0/ffn/linear_1/weight') and its attribute."""
    node = spec
    *parents, attribute = name.split("/")
    for part in parents:
        match = re.fullmatch(r"(.+)_(\d+)", part)
        if match and isinstance(getattr(node, match.group(1), None), list):
            node = getattr(node, match.group(1))[int(match.group(2))]
        else:
            node = getattr(node, part)
    return node, attribute


def _weight_shape(name: str, d_model: int, ffn: int, src_vocab: int, tgt_vocab: int) -> tuple:
    if name.startswith("encoder/embeddings"):
        return (src_vocab, d_model)
    if name in ("decoder/embeddings/weight", "decoder/projection/weight"):
        return (tgt_vocab, d_model)
    if name.endswith(("gamma", "beta")):
        return (d_model,)
    if "self_attention/linear_0" in name:
        return (3 * d_model, d_model)  # fused query, key, value
    if "attention/linear_1" in name and "self_attention" not in name:
        return (2 * d_model, d_model)  # fused key, value of the encoder-decoder attention
    if "ffn/linear_0" in name:
        return (ffn, d_model)
    if "ffn/linear_1" in name:
        return (d_model, ffn)
    return (d_model, d_model)


def build_transformer(out_dir: Path, source_vocab: Sequence[str], target_vocab: Sequence[str], *,
                      layers: int, d_model: int, heads: int, ffn: int, seed: int = 1,
                      eos_bias: float = 4.0, logit_scale: float = 1.0, eos_ramp: float = 0.0,
                      eos_midpoint: int = 30, decoder_start_token: str = "<s>",
                      quantization: Optional[str] = None, **_ignored) -> Path:
    """Save a CTranslate2 Transformer with seeded random weights; returns ``out_dir``.

    A random decoder either stops at once or never (it falls into a loop), so ``eos_ramp`` makes
    </s> grow likelier with the decoding step: one sinusoidal position dimension (the cosine
    that crosses zero near step ``eos_midpoint``) is kept free of embedding and layer outputs,
    and the </s> row of the output projection reads it with weight -eos_ramp.

    ``quantization`` ('int8', as Argos ships its models) shrinks model.bin like ct2 converters do.
    """
    from ctranslate2 import specs

    spec = specs.TransformerSpec.from_config(layers, heads)
    spec.config.decoder_start_token = decoder_start_token
    rng = np.random.default_rng(seed)
    for name, value in spec.variables().items():
        if value is not None:
            continue
        shape = _weight_shape(name, d_model, ffn, len(source_vocab), len(target_vocab))
        if name.endswith("gamma"):
            array = np.ones(shape, np.float32)
        elif name.endswith("beta"):
            array = np.zeros(shape, np.float32)
        else:
            array = rng.normal(0.0, 1.0 / np.sqrt(shape[-1]), shape).astype(np.float32)
        if name == "decoder/projection/weight":
            array *= logit_scale
        node, attribute = _resolve(spec, name)
        setattr(node, attribute, array)
    eos = list(target_vocab).index("</s>")
    if eos_ramp:
        half = d_model // 2
        frequency = np.pi / (2 * eos_midpoint)  # CTranslate2: dims [half, d) hold cos(step * 10000^(-i/(half-1)))
        clock = half + int(round(-np.log(frequency) * (half - 1) / np.log(10000.0)))
        spec.decoder.embeddings.weight[:, clock] = 0.0
        for layer in spec.decoder.layer:
            for output in (layer.self_attention.linear[1], layer.attention.linear[2], layer.ffn.linear_1):
                output.weight[clock, :] = 0.0
        spec.decoder.projection.weight[eos, :] = 0.0
        spec.decoder.projection.weight[eos, clock] = -eos_ramp
    bias = np.zeros(len(target_vocab), np.float32)
    bias[eos] = eos_bias
    spec.decoder.projection.bias = bias
    spec.register_source_vocabulary(list(source_vocab))
    spec.register_target_vocabulary(list(target_vocab))
    spec.validate()
    if quantization:
        spec.optimize(quantization=quantization)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    spec.save(str(out_dir))
    return out_dir


def _corpus(langs: Sequence[str], corpus: Optional[Dict[str, List[str]]]) -> List[str]:
    source = corpus or CORPUS
    return [line for lang in langs for line in source[lang]]


def make_argos(out_dir: Path, src: str, tgt: str, size: dict = TINY, corpus=None, seed: int = 1,
               zip_package: bool = True, package_version: str = "1.0") -> Path:
    """An Argos Translate package: folder, plus ``<name>.argosmodel`` beside it when zip_package.

    Returns the .argosmodel path when zipped, else the package folder.
    """
    name = f"translate-{src}_{tgt}-{package_version.replace('.', '_')}"
    package = out_dir / name
    if package.exists():
        shutil.rmtree(package)
    package.mkdir(parents=True)
    sp_model = train_sentencepiece(_corpus([src, tgt], corpus), package / "sentencepiece",
                                   size["vocab_size"])
    vocab = sentencepiece_vocabulary(sp_model)
    build_transformer(package / "model", vocab, vocab, seed=seed, **size)
    metadata = {"package_version": package_version, "argos_version": "1.0", "from_code": src,
                "from_name": src, "to_code": tgt, "to_name": tgt, "type": "translate",
                "target_prefix": ""}
    (package / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    (package / "README.md").write_text(f"Random-weight test model {src}->{tgt}.\n", encoding="utf-8")
    if not zip_package:
        return package
    archive = out_dir / f"{name}.argosmodel"
    zip_folder(package, archive)
    return archive


def zip_folder(folder: Path, archive: Path) -> Path:
    """Zip ``folder`` with the folder itself as the archive's single top-level entry (Argos style)."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(folder.rglob("*")):
            zipped.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return archive


def make_marian(out_dir: Path, src: str, tgt: str, size: dict = TINY, corpus=None, seed: int = 2) -> Path:
    """An OPUS-MT model converted to CTranslate2: separate source.spm / target.spm."""
    folder = out_dir / f"opus-mt-{src}-{tgt}"
    work = out_dir / f".spm-{src}-{tgt}"
    source_spm = train_sentencepiece(_corpus([src], corpus), work / "source", size["vocab_size"])
    target_spm = train_sentencepiece(_corpus([tgt], corpus), work / "target", size["vocab_size"])
    build_transformer(folder, sentencepiece_vocabulary(source_spm), sentencepiece_vocabulary(target_spm),
                      seed=seed, **size)
    shutil.move(str(source_spm), folder / "source.spm")
    shutil.move(str(target_spm), folder / "target.spm")
    shutil.rmtree(work)
    return folder


def make_multilingual(out_dir: Path, kind: str = "nllb", size: dict = TINY, corpus=None, seed: int = 3) -> Path:
    """An NLLB-200 (kind='nllb') or M2M100 (kind='m2m') style model over en, fa and ar."""
    codes = NLLB_CODES if kind == "nllb" else M2M_CODES
    folder = out_dir / f"{kind}-test"
    work = out_dir / f".spm-{kind}"
    sp_model = train_sentencepiece(_corpus(list(codes), corpus), work / "sentencepiece", size["vocab_size"])
    vocab = sentencepiece_vocabulary(sp_model) + list(codes.values())
    # Both families start decoding with </s> followed by the target-language token.
    build_transformer(folder, vocab, vocab, seed=seed, decoder_start_token="</s>", **size)
    shutil.move(str(sp_model), folder / "sentencepiece.bpe.model")
    shutil.rmtree(work)
    return folder


def make_all(out_dir: Path, size: dict = TINY) -> Dict[str, Path]:
    """Every layout the tests load; keys name them."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return {
        "argos_fa_en": make_argos(out_dir, "fa", "en", size),
        "argos_en_ar": make_argos(out_dir, "en", "ar", size, seed=4),
        "marian_fa_en": make_marian(out_dir, "fa", "en", size),
        "nllb": make_multilingual(out_dir, "nllb", size),
        "m2m": make_multilingual(out_dir, "m2m", size, seed=5),
    }


def _read_corpus(paths: Sequence[str]) -> Dict[str, List[str]]:
    corpus: Dict[str, List[str]] = {}
    for path in paths:
        lang = Path(path).suffix.lstrip(".")
        corpus.setdefault(lang, []).extend(Path(path).read_text(encoding="utf-8").splitlines())
    return corpus


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--argos-base", action="store_true",
                        help="Build one fa->en Argos package with Transformer-base dimensions.")
    parser.add_argument("--corpus", nargs="+", default=None, metavar="FILE.LANG",
                        help="Text files to train SentencePiece on; the extension is the language.")
    parser.add_argument("--vocab-size", type=int, default=None)
    parser.add_argument("--eos-bias", type=float, default=None)
    args = parser.parse_args(argv)
    corpus = _read_corpus(args.corpus) if args.corpus else None
    size = dict(ARGOS_BASE if args.argos_base else TINY)
    if args.vocab_size:
        size["vocab_size"] = args.vocab_size
    if args.eos_bias is not None:
        size["eos_bias"] = args.eos_bias
    if args.argos_base:
        print(make_argos(args.out_dir, "fa", "en", size, corpus))
        return
    for name, path in make_all(args.out_dir, size).items():
        print(f"{name}\t{path}")


if __name__ == "__main__":
    main()
