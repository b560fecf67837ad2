"""`sohoa review`: documents the machine was unsure of — list, show, correct."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from ocr.taxonomy import DOC_TYPES
from sohoa.cli import args
from sohoa.cli.base import app
from sohoa.errors import UserError
from sohoa.settings import get_settings

DocType = Enum("DocType", {t: t for t in DOC_TYPES}, type=str)  # `--type` lists them in --help

review_app = typer.Typer(
    help="Documents the machine was unsure of: list (the default), show, correct.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(review_app, name="review")


@review_app.callback(invoke_without_command=True)
def review_list(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="At most this many documents")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON")] = False,
) -> None:
    """List documents waiting for review (the default action)."""
    if ctx.invoked_subcommand:
        return
    from sohoa.report import as_json as dump_json
    from sohoa.report import print_review_queue
    from sohoa.services.review import pending

    args.positive(limit, "--limit")
    items = pending(get_settings(), limit=limit)
    if as_json:
        typer.echo(dump_json(items))
    else:
        print_review_queue(items)


@review_app.command("show")
def review_show(
    document_id: Annotated[int, typer.Argument(help="Document number, as `sohoa review` lists")],
) -> None:
    """Show a document's type, fields with their pages and confidence, and its text."""
    from sohoa.report import as_json as dump_json
    from sohoa.services.review import show

    try:
        detail = show(get_settings(), document_id)
    except LookupError as exc:
        raise UserError(str(exc.args[0])) from None
    typer.echo(dump_json(detail))


@review_app.command("set")
def review_set(
    document_id: Annotated[int, typer.Argument(help="Document number, as `sohoa review` lists")],
    doc_type: Annotated[
        DocType | None,
        typer.Option("--type", help="Correct document type (TAXONOMY.md codes)"),
    ] = None,
    field: Annotated[
        list[str] | None,
        typer.Option(help="key=value, repeatable; normalised (1.234,5 → 1234.5); key= removes"),
    ] = None,
    by: Annotated[str, typer.Option(help="Reviewer name")] = "staff",
) -> None:
    """Correct a document's type and/or fields; the correction becomes training data. An
    invalid value is refused, naming the key and why, and nothing is changed."""
    from sohoa.services.review import correct

    fields = {}
    for item in field or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UserError(f"--field {item}: expected key=value")
        fields[key.strip()] = value
    try:
        row = correct(
            get_settings(),
            document_id,
            doc_type=doc_type.value if doc_type else None,
            fields=fields,
            reviewer=by,
        )
    except (LookupError, ValueError) as exc:
        raise UserError(str(exc.args[0] if exc.args else exc)) from None
    typer.echo(f"#{row.id} is now {row.doc_type}, reviewed by {row.reviewed_by}")
