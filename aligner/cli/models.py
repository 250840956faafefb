"""aligner models: list, browse, install, remove and inspect translation models."""

from __future__ import annotations

import click

from ..translate.store import (
    DEFAULT_INDEX_URL,
    INDEX_ENV_VAR,
    fetch_index,
    install,
    remove,
)
from ..translate.layouts import load_model, scan_models_dir
from ..paths import models_dir as default_models_dir

_models_dir_option = click.option(
    "--models-dir", type=click.Path(file_okay=False), default=None, envvar="ALIGNER_MODELS_DIR",
    help="Folder of installed models. Default: the per-user data folder (or $ALIGNER_MODELS_DIR).")
_index_option = click.option(
    "--index-url", default=None, metavar="URL",
    help=f"Package index in Argos Translate's index.json format. Default: ${INDEX_ENV_VAR} or {DEFAULT_INDEX_URL}")


@click.group()
def models():
    """Manage translation models (Argos packages, OPUS-MT/Marian, NLLB-200/M2M100 in CTranslate2 form).

    \b
    Examples:
      aligner models install ./translate-fa_en-1_9.argosmodel
      aligner models install fa-en                  # newest fa->en package of the index
      aligner models install https://example.org/translate-ar_en-1_0.argosmodel
      aligner models install ~/opus-mt-fa-en-ct2    # a converted OPUS-MT or NLLB folder
      aligner models list
      aligner models remove translate-fa_en-1_9
    """


@models.command("list")
@_models_dir_option
def list_command(models_dir):
    """Installed models: name, layout, language pair ('broken' and the reason for a folder that
    does not load)."""
    installed = scan_models_dir(models_dir)
    if not installed:
        click.echo(f"no models installed in {default_models_dir(models_dir)}", err=True)
    for name, model in installed:
        if isinstance(model, Exception):
            click.echo(f"{name}\tbroken\t{model}")
        else:
            click.echo(f"{name}\t{model.layout}\t{model.pair_label}")


@models.command()
@_index_option
def available(index_url):
    """Packages the index offers: pair, version, package code."""
    for entry in sorted(fetch_index(index_url), key=lambda e: (e.pair, e.version)):
        click.echo(f"{entry.pair}\t{entry.version}\t{entry.code}")


@models.command("install")
@click.argument("source")
@click.option("--force", is_flag=True, help="Replace an installed model of the same name.")
@_models_dir_option
@_index_option
def install_command(source, force, models_dir, index_url):
    """Install SOURCE: an .argosmodel/zip file, a model folder, an http(s) URL, or a pair name
    ('fa-en') or package code looked up in the index. The model is unpacked and loaded in a
    temporary folder first, so a broken download never replaces a working model."""
    model = install(source, models_dir, index_url, force=force)
    click.echo(f"installed {model.name} ({model.layout}, {model.pair_label}) in {model.path.parent}")


@models.command("remove")
@click.argument("name")
@_models_dir_option
def remove_command(name, models_dir):
    """Delete the installed model NAME (as `aligner models list` shows it)."""
    remove(name, models_dir)
    click.echo(f"removed {name}")


@models.command()
@click.argument("model")
@_models_dir_option
def info(model, models_dir):
    """Layout, languages, files and signature of MODEL (installed name, pair, folder or archive)."""
    loaded = load_model(model, models_dir)
    click.echo(f"name\t{loaded.name}")
    click.echo(f"layout\t{loaded.layout}")
    click.echo(f"languages\t{loaded.pair_label}")
    click.echo(f"path\t{loaded.path}")
    if loaded.stanza_dir:
        click.echo(f"stanza\t{loaded.stanza_dir}")
    click.echo(f"model_id\t{loaded.model_id}")
