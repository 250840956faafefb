"""aligner models: list, browse, install, remove and inspect translation models."""

from __future__ import annotations

import click

from .common import LANGS
from ..translate.store import (
    DEFAULT_INDEX_URL,
    DOWNLOAD_DEADLINE_S,
    MIN_RATE,
    MIN_RATE_TIME_S,
    Limits,
    ModelFolders,
    fetch_index,
    find_installed,
    install,
    load_model,
    remove,
    scan_models_dir,
    version_key,
)

INDEX_ENV_VAR = "ALIGNER_MODEL_INDEX"


def _model_folders(ctx, param, value) -> ModelFolders:
    """--models-dir (or $ALIGNER_MODELS_DIR, read by click) resolved once, here at the edge."""
    return ModelFolders.default(value)


# For every command that finds models: passes ``folders``, a ModelFolders.
models_dir_option = click.option(
    "--models-dir", "folders", type=click.Path(file_okay=False), default=None, envvar="ALIGNER_MODELS_DIR",
    callback=_model_folders, metavar="DIR",
    help="Folder of installed models. Default: $ALIGNER_MODELS_DIR, else the per-user data folder.")
_index_option = click.option(
    "--index-url", default=DEFAULT_INDEX_URL, metavar="URL", envvar=INDEX_ENV_VAR,
    help=f"Package index in Argos Translate's index.json format (or ${INDEX_ENV_VAR}). Default: {DEFAULT_INDEX_URL}")


@click.group()
def models():
    """Manage translation models (Argos packages, OPUS-MT/Marian, NLLB-200/M2M100 in CTranslate2 form).

    Models are installed from Argos Translate's package index (online), from a downloaded
    .argosmodel file or a model folder (offline), or from an http(s) URL of a package.

    \b
    Examples:
      aligner models available                  # what the index offers
      aligner models install fa-en              # newest fa->en package of the index
      aligner models install ./translate-en_ar-1_0.argosmodel   # offline, a downloaded package
      aligner models list
    """


@models.command("list")
@models_dir_option
def list_command(folders):
    """Installed models: name, layout, language pair and package version where the model has one
    ('broken' and the reason for a folder that does not load).

    \b
    Examples:
      aligner models list
    """
    installed = scan_models_dir(folders.installed)
    if not installed:
        click.echo(f"no models installed in {folders.installed}", err=True)
    for name, model in installed:
        if isinstance(model, Exception):
            click.echo(f"{name}\tbroken\t{model}")
        else:
            version = f"\t{model.version}" if model.version else ""
            click.echo(f"{name}\t{model.layout}\t{model.pair_label}{version}")


@models.command()
@_index_option
def available(index_url):
    """Packages the index offers: pair, version, package code.

    \b
    Examples:
      aligner models available
      aligner models available | grep -w fa-en      # the fa->en versions
    """
    for entry in sorted(fetch_index(index_url), key=lambda e: (e.pair, version_key(e.version))):
        click.echo(f"{entry.pair}\t{entry.version}\t{entry.code}")


@models.command("install")
@click.argument("source")
@click.option("--from", "src_lang", type=click.Choice(LANGS), default=None,
              help="Source language of a model that does not record it (a converted OPUS-MT folder with no "
                   "model card and no xx-yy name); written into its metadata.json.")
@click.option("--to", "tgt_lang", type=click.Choice(LANGS), default=None, help="Its target language (with --from).")
@click.option("--force", is_flag=True, help="Replace an installed model of the same name.")
@click.option("--keep-old", is_flag=True,
              help="Keep the installed older package versions of the same pair (by default a newer version "
                   "replaces them; the newest is used either way).")
@click.option("--download-timeout", type=click.FloatRange(min=0, min_open=True), default=DOWNLOAD_DEADLINE_S,
              show_default=True, metavar="SECONDS",
              help="Give up a download that has not finished after this long.")
@click.option("--min-rate", type=click.FloatRange(min=0), default=MIN_RATE, show_default=True, metavar="BYTES/S",
              help="Give up a download slower than this on average over --min-rate-time (a stalled or "
                   "trickling server), like curl --speed-limit.")
@click.option("--min-rate-time", type=click.FloatRange(min=0, min_open=True), default=MIN_RATE_TIME_S,
              show_default=True, metavar="SECONDS", help="The period --min-rate is measured over.")
@models_dir_option
@_index_option
def install_command(source, src_lang, tgt_lang, force, keep_old, download_timeout, min_rate, min_rate_time,
                    folders, index_url):
    """Install SOURCE: an .argosmodel/zip file, a model folder, an http(s) URL, or a pair name
    ('fa-en') or package code looked up in the index. The model is unpacked and loaded in a
    temporary folder first, so a broken download never replaces a working model. A newer
    package version of a pair replaces the older ones (see --keep-old).

    Offline, install a package file downloaded elsewhere (the index lists each package's
    link) or a folder converted with CTranslate2. Converters leave the tokenizer behind:
    ct2-opus-mt-converter never copies source.spm and target.spm (copy them from the OPUS-MT
    download), and ct2-transformers-converter copies them only when asked: `--copy_files
    source.spm target.spm` for OPUS-MT, `--copy_files sentencepiece.bpe.model` for NLLB-200 and
    M2M100 (for fairseq's M2M-100, copy spm.128k.model). The language pair of an OPUS-MT folder
    is read from its metadata.json, its model card (README.md) or an xx-yy in its name
    (opus-mt-fa-en-ct2); otherwise give --from and --to.

    \b
    Examples:
      aligner models install fa-en                  # newest fa->en package of the index
      aligner models install ./translate-en_ar-1_0.argosmodel   # a downloaded package file
      aligner models install ./opus-mt-ar-en        # a converted OPUS-MT (or NLLB) folder
    """
    if (src_lang is None) != (tgt_lang is None) or (src_lang and src_lang == tgt_lang):
        raise click.BadParameter("give both --from and --to, two different languages", param_hint="--from/--to")
    installed = install(source, folders.installed, index_url, force=force,
                        limits=Limits(download_timeout, min_rate, min_rate_time),
                        pair=(src_lang, tgt_lang) if src_lang else None, keep_old=keep_old)
    model = installed.model
    click.echo(f"installed {model.name} ({model.layout}, {model.pair_label}) in {model.path.parent}")
    for name in installed.replaced:
        click.echo(f"removed {name} (an older version; --keep-old keeps it)")
    if not model.multilingual and model.pair_known and model.tgt_lang:
        used = find_installed(model.src_lang, model.tgt_lang, folders.installed)
        if used is not None and used.name != model.name:
            click.echo(f"note: {model.src_lang}-{model.tgt_lang} still means {used.name} (version {used.version}, "
                       "newer); pass --model to use this one", err=True)


@models.command("remove")
@click.argument("name")
@models_dir_option
def remove_command(name, folders):
    """Delete the installed model NAME (a folder name as `aligner models list` shows it), or
    every installed model of a pair ('en-ar'; multilingual models are left alone).

    \b
    Examples:
      aligner models remove en-ar                   # the en->ar model(s), whatever their folder names
    """
    for path in remove(name, folders.installed):
        click.echo(f"removed {path.name}")


@models.command()
@click.argument("model")
@models_dir_option
def info(model, folders):
    """Layout, languages, path and signature of MODEL (installed name, pair, folder or archive).

    \b
    Examples:
      aligner models info fa-en                     # the model fa->en translations use
      aligner models info ./nllb-200-distilled-600M-ct2   # a converted NLLB-200 folder, not installed
    """
    loaded = load_model(model, folders)
    click.echo(f"name\t{loaded.name}")
    click.echo(f"layout\t{loaded.layout}")
    click.echo(f"languages\t{loaded.pair_label}")
    if loaded.version:
        click.echo(f"version\t{loaded.version}")
    click.echo(f"path\t{loaded.path}")
    if loaded.stanza_dir:
        click.echo(f"stanza\t{loaded.stanza_dir}")
    click.echo(f"signature\t{loaded.signature().long}")
