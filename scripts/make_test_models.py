#!/usr/bin/env python
"""Build small translation models in every layout aligner loads.

No real fa/ar<->en weights can be downloaded where the tests run, so this script builds models
that are real CTranslate2 + SentencePiece models in every respect except their weights: Argos
packages (directory and .argosmodel zip), OPUS-MT/Marian directories (source.spm/target.spm) and
NLLB-200/M2M100 directories (one SentencePiece model, language tokens in the vocabulary). Only
``ctranslate2.specs`` and ``sentencepiece`` are used, no torch.

Two kinds of weights:

* ``lookup`` (the tests' models, LOOKUP): a hand-set Transformer that translates piece by piece
  through a fixed dictionary (see build_lookup_transformer). Every decoding step has one winner
  several nats ahead of the runner-up, so the output is the same on any x86-64 CPU, for any
  batch composition and compute type; random weights have near-tied logits, and which of two
  near-tied tokens wins changes with the CPU's kernels and int8 rounding.
* ``random`` (the speed benchmark's models, TINY and ARGOS_BASE): seeded random weights whose
  ``eos_bias``, ``logit_scale`` and ``eos_ramp`` (see build_transformer) make them stop after a
  realistic number of tokens instead of at once or never.

    python scripts/make_test_models.py OUT_DIR            # the tests' lookup models
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

# The tests' models: a dictionary lookup whose every step has a clear winner (see
# build_lookup_transformer); SentencePiece vocabularies of about 200 pieces.
LOOKUP = dict(kind="lookup", vocab_size=200)
# A small random model, for the speed benchmark's memory runs.
TINY = dict(kind="random", layers=2, d_model=32, heads=2, ffn=64, vocab_size=200, eos_bias=6.0, logit_scale=3.0)
# Argos Translate's models are Transformer-base (OpenNMT-py): 6+6 layers, d_model 512, 8 heads,
# FFN 2048, with a joint SentencePiece vocabulary (argos-train's default is 32,000 pieces; the
# benchmark passes the size its corpus supports).
# eos_ramp/eos_midpoint/logit_scale: a peaked output distribution whose </s> wins around step 30
# (FLORES fa sentences average 36 source tokens), instead of stopping at once or never.
ARGOS_BASE = dict(kind="random", layers=6, d_model=512, heads=8, ffn=2048, vocab_size=32000, quantization="int8",
                  logit_scale=4.0, eos_bias=0.0, eos_ramp=100.0, eos_midpoint=30)

# Lookup models: content codes are rows of a Hadamard matrix (exactly orthogonal), so at most
# CONTENT_DIMS - 1 source pieces; positions are random sign codes, enough for any input the
# Translator sends (max_input_tokens 256 plus language token and </s>) and max_decoding_length
# 256; CTranslate2 refuses longer sequences ("No position encodings are defined ...").
CONTENT_DIMS = 256
POSITION_DIMS = 64
POSITIONS = 320
WINNER_LOGIT = 24.0  # every other token but the runner-up sits at 0
RUNNER_UP_GAP = (3.0, 6.0)  # nats between winner and runner-up, drawn per source piece
ATTENTION_GAP = 30.0  # attention logits between the step's own source position and any other

def train_sentencepiece(lines: Iterable[str], prefix: Path, vocab_size: int, normalization: str = "nmt_nfkc") -> Path:
    """Train a unigram SentencePiece model on ``lines``; returns the .model path. ``normalization``
    'identity' leaves out the 240 KB NFKC table (the repository's fixtures)."""
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(lines)), model_writer=model, vocab_size=vocab_size,
        hard_vocab_limit=False, character_coverage=1.0, model_type="unigram",
        minloglevel=2, num_threads=1, bos_id=1, eos_id=2, unk_id=0, pad_id=-1, normalization_rule_name=normalization)
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
                      quantization: Optional[str] = None) -> Path:
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


def _hadamard_codes(count: int, dims: int) -> np.ndarray:
    """``count`` orthonormal, zero-mean sign vectors: rows 1.. of a Sylvester Hadamard matrix."""
    if count > dims - 1:
        raise ValueError(f"{count} source pieces: a lookup model holds at most {dims - 1}")
    hadamard = np.ones((1, 1), np.float32)
    while len(hadamard) < dims:
        hadamard = np.block([[hadamard, hadamard], [hadamard, -hadamard]])
    return hadamard[1:count + 1] / np.sqrt(dims)


def _sign_codes(rng, count: int, dims: int) -> np.ndarray:
    """``count`` random unit vectors with as many +1 as -1 entries (zero mean, like the codes)."""
    signs = np.array([1.0, -1.0] * (dims // 2), np.float32) / np.sqrt(dims)
    return np.stack([rng.permutation(signs) for _ in range(count)])


def _dictionary(rng, source_vocab: Sequence[str], target_vocab: Sequence[str], non_output: Sequence[str]):
    """(winner, runner-up, gap) target ids per source piece: </s> -> </s>, every other piece
    (<unk> and language tokens too) -> two distinct ordinary target pieces."""
    never = {"<unk>", "<s>", "</s>", *non_output}
    ordinary = [i for i, piece in enumerate(target_vocab) if piece not in never]
    eos = list(target_vocab).index("</s>")
    entries = []
    for piece in source_vocab:
        if piece == "</s>":
            entries.append((eos, None, None))
            continue
        winner, runner_up = rng.choice(ordinary, size=2, replace=False)
        entries.append((int(winner), int(runner_up), float(rng.uniform(*RUNNER_UP_GAP))))
    return entries


def _lookup_spec(decoder_start_token: str, add_source_eos: bool):
    """A one-layer, one-head TransformerSpec with these settings: in its config (config.json)
    with CTranslate2 3.0 and later, as the spec's with_target_bos/with_source_eos (saved inside
    model.bin) with 2.x, which scripts/make_legacy_models.py runs under."""
    from ctranslate2 import specs

    if hasattr(specs.TransformerSpec, "from_config"):
        spec = specs.TransformerSpec.from_config(1, 1)
        spec.config.decoder_start_token = decoder_start_token
        spec.config.add_source_eos = add_source_eos
    else:
        spec = specs.TransformerSpec(1, 1)
        spec.with_target_bos = decoder_start_token == "<s>"  # 2.x: False starts decoding from </s>
        spec.with_source_eos = add_source_eos
    return spec


def build_lookup_transformer(out_dir: Path, source_vocab: Sequence[str], target_vocab: Sequence[str], *,
                             seed: int = 1, decoder_start_token: str = "<s>", add_source_eos: bool = False,
                             non_output: Sequence[str] = (), content_dims: int = CONTENT_DIMS,
                             position_dims: int = POSITION_DIMS, positions: int = POSITIONS) -> Path:
    """Save a CTranslate2 Transformer that translates piece by piece through a seeded dictionary.

    The encoder leaves each source position as its piece's code plus its position's code (its
    one layer is all zeros: CTranslate2 wants at least one). Decoding step t attends to source
    position t alone (position codes, ATTENTION_GAP) and copies that piece's code; the output
    layer gives the piece's dictionary entry WINNER_LOGIT,
    a second entry WINNER_LOGIT minus 3-6 nats (so scores differ between sentences), every
    other token 0. The source's </s> maps to </s>, so a translation has one piece per source
    piece. Everything else is zero: the previous target tokens play no part, and every
    hypothesis of a beam search ends where the greedy one does.

    ``add_source_eos`` makes CTranslate2 append the source's </s> (for layouts that do not).
    ``content_dims`` (more than the source vocabulary), ``position_dims`` and ``positions`` (the
    longest input and output) size the model: the repository's fixtures are kept small with them.
    """
    dims = content_dims + position_dims
    spec = _lookup_spec(decoder_start_token, add_source_eos)
    for name, value in spec.variables().items():
        if value is None:
            shape = _weight_shape(name, dims, 8, len(source_vocab), len(target_vocab))  # FFN width 8, unused
            node, attribute = _resolve(spec, name)
            setattr(node, attribute, np.full(shape, 1.0 if name.endswith("gamma") else 0.0, np.float32))
    rng = np.random.default_rng(seed)
    codes = _hadamard_codes(len(source_vocab), content_dims)
    position_codes = _sign_codes(rng, positions, position_dims)
    for side in (spec.encoder, spec.decoder):
        side.scale_embeddings = False
        side.position_encodings.encodings = np.zeros((positions, dims), np.float32)
        side.position_encodings.encodings[:, content_dims:] = position_codes
    spec.encoder.embeddings[0].weight[:, :content_dims] = codes
    # Layer norms scale a code-plus-position vector (norm sqrt 2) by sqrt(dims / 2). The attention
    # logit of step t on position j is then query_scale * norm * (p_t . p_j): the step's own
    # position leads every other by at least ATTENTION_GAP.
    norm = np.sqrt(dims / 2)
    overlap = position_codes @ position_codes.T
    np.fill_diagonal(overlap, -1.0)
    attention = spec.decoder.layer[0].attention
    query_scale = ATTENTION_GAP / (norm * (1.0 - overlap.max()))
    attention.linear[0].weight[content_dims:, content_dims:] = np.eye(position_dims) * query_scale
    attention.linear[1].weight[content_dims:dims, content_dims:] = np.eye(position_dims)  # keys: positions
    attention.linear[1].weight[dims:dims + content_dims, :content_dims] = np.eye(content_dims)  # values: codes
    attention.linear[2].weight[:content_dims, :content_dims] = np.eye(content_dims) / norm
    projection = spec.decoder.projection.weight
    for code, (winner, runner_up, gap) in zip(codes, _dictionary(rng, source_vocab, target_vocab, non_output)):
        projection[winner, :content_dims] += code * WINNER_LOGIT / norm
        if runner_up is not None:
            projection[runner_up, :content_dims] += code * (WINNER_LOGIT - gap) / norm
    spec.register_source_vocabulary(list(source_vocab))
    spec.register_target_vocabulary(list(target_vocab))
    spec.validate()
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    spec.save(str(out_dir))
    return out_dir


def build_model(out_dir: Path, source_vocab: Sequence[str], target_vocab: Sequence[str], size: dict,
                **options) -> Path:
    """A lookup or random model as ``size["kind"]`` says, with the rest of ``size`` (but the
    SentencePiece vocabulary size) as its options."""
    kind, settings = size["kind"], {key: value for key, value in size.items() if key not in ("kind", "vocab_size")}
    build = {"lookup": build_lookup_transformer, "random": build_transformer}[kind]
    return build(out_dir, source_vocab, target_vocab, **settings, **options)


def _corpus(langs: Sequence[str], corpus: Optional[Dict[str, List[str]]]) -> List[str]:
    source = corpus or CORPUS
    return [line for lang in langs for line in source[lang]]


def make_argos(out_dir: Path, src: str, tgt: str, size: dict = LOOKUP, corpus=None, seed: int = 1,
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
    # A lookup model stops on the </s> closing its source; Argos tokenisation adds none, so the
    # model asks CTranslate2 to append it.
    source_eos = {"add_source_eos": True} if size["kind"] == "lookup" else {}
    build_model(package / "model", vocab, vocab, size, seed=seed, **source_eos)
    (package / "metadata.json").write_text(json.dumps(argos_metadata(src, tgt, package_version), indent=4),
                                           encoding="utf-8")
    (package / "README.md").write_text(f"Test model {src}->{tgt} ({size['kind']} weights).\n", encoding="utf-8")
    if not zip_package:
        return package
    archive = out_dir / f"{name}.argosmodel"
    zip_folder(package, archive)
    return archive


def argos_metadata(src: str, tgt: str, package_version: str = "1.0") -> dict:
    """metadata.json as argos-train writes it (argostrain/train.py): these six fields, no more."""
    return {"package_version": package_version, "argos_version": "1.0", "from_code": src, "from_name": src,
            "to_code": tgt, "to_name": tgt}


def zip_folder(folder: Path, archive: Path) -> Path:
    """Zip ``folder`` with the folder itself as the archive's single top-level entry (Argos style)."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(folder.rglob("*")):
            zipped.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return archive


def make_marian(out_dir: Path, src: str, tgt: str, size: dict = LOOKUP, corpus=None, seed: int = 2) -> Path:
    """An OPUS-MT model converted to CTranslate2: separate source.spm / target.spm."""
    folder = out_dir / f"opus-mt-{src}-{tgt}"
    work = out_dir / f".spm-{src}-{tgt}"
    source_spm = train_sentencepiece(_corpus([src], corpus), work / "source", size["vocab_size"])
    target_spm = train_sentencepiece(_corpus([tgt], corpus), work / "target", size["vocab_size"])
    build_model(folder, sentencepiece_vocabulary(source_spm), sentencepiece_vocabulary(target_spm), size,
                seed=seed)
    shutil.move(str(source_spm), folder / "source.spm")
    shutil.move(str(target_spm), folder / "target.spm")
    shutil.rmtree(work)
    return folder


def joint_vocabulary(source_spm: Path, target_spm: Path, first: Sequence[str] = ()):
    """(vocabulary, source-only pieces): OPUS-MT's one vocab.yml over both SentencePiece models
    (</s>, <unk>, then ``first`` and the pieces), and the pieces a translation never outputs."""
    specials = {"<unk>", "<s>", "</s>"}
    source = [p for p in sentencepiece_vocabulary(source_spm) if p not in specials]
    target = [p for p in sentencepiece_vocabulary(target_spm) if p not in specials]
    vocab = ["</s>", "<unk>", *first] + list(dict.fromkeys(source + target))
    return vocab, [*first, *sorted(set(source) - set(target))]


def make_converted_opus_mt(out_dir: Path, src: str, tgt: str, name: Optional[str] = None, *,
                           converter: str = "transformers", copy_files: bool = True,
                           target_tokens: Sequence[str] = (), card: Optional[str] = None, seed: int = 6) -> Path:
    """An OPUS-MT model as CTranslate2 4.x's converters write it: model.bin, config.json and
    shared_vocabulary.json (Marian's joint vocabulary). ``converter`` 'transformers'
    (ct2-transformers-converter: the tokenizer appends </s>, decoding starts from </s>) copies
    source.spm/target.spm only with ``copy_files`` (--copy_files); 'opus-mt' (ct2-opus-mt-converter:
    config add_source_eos) never does. SentencePiece models not copied are left in
    ``<name>.download/``, where the user would have them. ``target_tokens`` ('>>ara<<') make a
    multi-target model; ``card`` is written as its README.md."""
    folder = out_dir / (name or f"opus-mt-{src}-{tgt}-ct2")
    download = out_dir / f"{folder.name}.download"
    source_spm = train_sentencepiece(_corpus([src], None), download / "source", 120)
    target_spm = train_sentencepiece(_corpus([tgt], None), download / "target", 120)
    vocab, never = joint_vocabulary(source_spm, target_spm, target_tokens)
    build_lookup_transformer(folder, vocab, vocab, seed=seed, decoder_start_token="</s>",
                             add_source_eos=converter == "opus-mt", non_output=never)
    for spm in (source_spm, target_spm):
        spm.rename(spm.with_suffix(".spm"))
        if copy_files and converter == "transformers":
            shutil.copyfile(spm.with_suffix(".spm"), folder / spm.with_suffix(".spm").name)
    if card:
        (folder / "README.md").write_text(card, encoding="utf-8")
    return folder


def make_fairseq_m2m(out_dir: Path, seed: int = 7) -> Path:
    """M2M-100 as CTranslate2's fairseq guide makes it (ct2-fairseq-converter --fixed_dictionary
    model_dict.128k.txt): fairseq's dictionary order (<s>, <pad>, </s>, <unk>, pieces, __xx__
    language tokens, madeupwordNNNN padding), and spm.128k.model copied in by the user."""
    folder = out_dir / "m2m_100_418m_ct2"
    work = out_dir / ".spm-fairseq"
    sp_model = train_sentencepiece(_corpus(list(M2M_CODES), None), work / "spm.128k", LOOKUP["vocab_size"])
    pieces = [p for p in sentencepiece_vocabulary(sp_model) if p not in ("<unk>", "<s>", "</s>")]
    languages = sorted(M2M_CODES.values())
    padding = ["madeupword0000", "madeupword0001"]
    vocab = ["<s>", "<pad>", "</s>", "<unk>", *pieces, *languages, *padding]
    build_lookup_transformer(folder, vocab, vocab, seed=seed, decoder_start_token="</s>",
                             non_output=["<pad>", *languages, *padding])
    shutil.move(str(sp_model), folder / "spm.128k.model")
    shutil.rmtree(work)
    return folder


def make_multilingual(out_dir: Path, family: str = "nllb", size: dict = LOOKUP, corpus=None,
                      seed: int = 3) -> Path:
    """An NLLB-200 (family='nllb') or M2M100 (family='m2m') style model over en, fa and ar."""
    codes = NLLB_CODES if family == "nllb" else M2M_CODES
    folder = out_dir / f"{family}-test"
    work = out_dir / f".spm-{family}"
    sp_model = train_sentencepiece(_corpus(list(codes), corpus), work / "sentencepiece", size["vocab_size"])
    vocab = sentencepiece_vocabulary(sp_model) + list(codes.values())
    # Both families start decoding with </s> followed by the target-language token.
    build_model(folder, vocab, vocab, size, seed=seed, decoder_start_token="</s>", non_output=list(codes.values()))
    shutil.move(str(sp_model), folder / "sentencepiece.bpe.model")
    shutil.rmtree(work)
    return folder


def make_all(out_dir: Path, size: dict = LOOKUP) -> Dict[str, Path]:
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
    parser.add_argument("--eos-bias", type=float, default=None, help="With --argos-base: the </s> logit bias.")
    args = parser.parse_args(argv)
    if args.eos_bias is not None and not args.argos_base:
        parser.error("--eos-bias goes with --argos-base (lookup models stop on the source's </s>)")
    corpus = _read_corpus(args.corpus) if args.corpus else None
    size = dict(ARGOS_BASE if args.argos_base else LOOKUP)
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
