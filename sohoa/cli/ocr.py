"""`sohoa ocr`, `samples`, `train`: document work without Prefect, database or storage."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sohoa.cli import args, errors
from sohoa.cli.base import app
from sohoa.settings import get_settings

if TYPE_CHECKING:
    from samples.train import TrainReport


@app.command()
def ocr(
    file: Annotated[Path, typer.Argument(help="PDF, TIFF, JPEG/PNG, or a folder of page images")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the sohoa.ocr/v1 JSON")] = False,
    out: Annotated[
        Path | None, typer.Option(help="Also write searchable PDF, ALTO, hOCR and text here")
    ] = None,
    workers: Annotated[int, typer.Option(help="Page processes (0: one per core)")] = 0,
    words: Annotated[bool, typer.Option(help="Include per-word boxes in the JSON")] = False,
) -> None:
    """Recognise one input without Prefect, database or storage."""
    from ocr.errors import BadInput
    from ocr.pipeline import process
    from sohoa.cli.progress import page_progress
    from sohoa.errors import UserError
    from sohoa.runtime import ocr_options

    args.existing(file, "file or folder")
    if workers < 0:
        raise UserError(f"--workers {workers}: must be 0 or more")
    settings = get_settings()
    errors.stop_on_sigterm()
    try:
        with page_progress(file.name) as on_page:
            result = process(
                file,
                ocr_options(settings),
                workers=workers or settings.workers,
                out_dir=out,
                on_page=on_page,
            )
    except BadInput as exc:
        raise UserError(f"{file}: {exc}") from exc
    if as_json:
        json.dump(result.to_json(words=words), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    from sohoa.report import print_ocr_summary

    print_ocr_summary(result)


@app.command()
def samples(
    out: Annotated[Path, typer.Argument(help="Output folder (created)")],
    seed: Annotated[int, typer.Option(help="Same seed, same scans")] = 2026,
    dossiers: Annotated[int, typer.Option(help="How many dossiers to generate")] = 6,
) -> None:
    """Generate synthetic scanned dossiers with their truth, a register and an offices file."""
    from samples.generate import generate
    from samples.offices import write_offices_csv

    args.positive(dossiers, "--dossiers")
    truths = generate(out, seed=seed, dossiers=dossiers)
    write_offices_csv(out / "offices.csv")
    typer.echo(
        f"{len(truths)} dossiers written to {out} (inbox/, register.csv, offices.csv, truth)"
    )


@app.command()
def train(
    seed: Annotated[int, typer.Option(help="The shipped model was trained with seed 1")] = 1,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Model file (default: <data dir>/models/page-model.npz, read by "
            "every command and worker on this data dir)"
        ),
    ] = None,
    with_corrections: Annotated[
        bool, typer.Option(help="Add staff corrections from the database")
    ] = True,
) -> None:
    """Retrain the page classifier (reproducible by seed), with staff corrections if any."""
    from samples.train import train as train_model
    from sohoa.runtime import model_path

    settings = get_settings()
    target = out or model_path(settings)
    args.writable_parent(target) if out else target.parent.mkdir(parents=True, exist_ok=True)
    corrections = None
    if with_corrections:
        from sohoa.services.review import corrections_for_training

        corrections = corrections_for_training(settings)
    report = train_model(seed=seed, out_path=target, corrections=corrections)
    typer.echo(f"model written to {target}")
    typer.echo(_training_line(report))


def _training_line(report: TrainReport) -> str:
    """The training report as words, not a Python repr."""
    return (
        f"trained on {report.n_pages} pages of {report.n_documents} documents with "
        f"{report.n_corrections} staff correction(s) in {report.seconds:.0f} s; training "
        f"accuracy: type {report.train_type_accuracy:.3f}, document start "
        f"{report.train_start_accuracy:.3f}"
    )
