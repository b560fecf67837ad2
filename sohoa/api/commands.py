"""`sohoa token add|list|revoke` (API tokens for one-stop systems), `sohoa webhooks` (the
latest webhook delivery attempts) and `sohoa webhooks send` (send the queued events now)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from sohoa.settings import get_settings

EXIT_BAD_INPUT = 2

token_app = typer.Typer(no_args_is_help=True, help="API tokens of systems that call /api/v1.")


def _engine():
    from sohoa.runtime import open_database

    return open_database(get_settings())


def _fail(message: str) -> None:
    typer.echo(f"sohoa token: {message}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


@token_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Who uses it, e.g. motcua-dienbien")],
    office: Annotated[str, typer.Option(help="Office code: the token sees its subtree")],
    scopes: Annotated[
        str, typer.Option(help="Comma-separated: register:write,dossiers:read[,pii:read]")
    ],
    webhook: Annotated[str | None, typer.Option(help="URL that receives event POSTs")] = None,
    rate: Annotated[int, typer.Option(help="Calls allowed per minute")] = 600,
) -> None:
    """Make a token and print it once (only its SHA-256 is stored)."""
    from sohoa.api import tokens

    engine = _engine()
    try:
        made = tokens.create(
            engine, name, office=office, scopes=scopes, webhook=webhook, rate_per_minute=rate
        )
    except tokens.TokenError as exc:
        _fail(str(exc))
    finally:
        engine.dispose()
    typer.echo(made.token)
    if made.webhook_secret:
        typer.echo(f"webhook secret: {made.webhook_secret}")
    typer.echo("Shown once: store it now; sohoa keeps only its hash.", err=True)


@token_app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Print the tokens as JSON")] = False,
) -> None:
    """Tokens: name, office, scopes, webhook, revoked."""
    from sohoa.api import tokens

    engine = _engine()
    try:
        rows = [
            {
                "name": t.name,
                "office": t.office_code,
                "scopes": t.scopes,
                "webhook": t.webhook_url,
                "rate_per_minute": t.rate_per_minute,
                "created_at": t.created_at.isoformat(),
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in tokens.tokens(engine)
        ]
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        state = f"revoked {r['revoked_at'][:19]}" if r["revoked_at"] else "live"
        typer.echo(f"{r['name']}\t{r['office']}\t{r['scopes']}\t{r['webhook'] or '-'}\t{state}")


@token_app.command("revoke")
def revoke(name: Annotated[str, typer.Argument(help="The token's name")]) -> None:
    """Revoke a token: refused from its next request on."""
    from sohoa.api import tokens

    engine = _engine()
    try:
        tokens.revoke(engine, name)
    except tokens.TokenError as exc:
        _fail(str(exc))
    finally:
        engine.dispose()
    typer.echo(f"revoked {name}")


webhooks_app = typer.Typer(
    invoke_without_command=True,
    help="Webhook delivery attempts (newest first); `send`: send the queued events now.",
)


@webhooks_app.callback()
def webhooks(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="How many attempts")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print the attempts as JSON")] = False,
) -> None:
    """The latest webhook delivery attempts (newest first)."""
    if ctx.invoked_subcommand is not None:
        return
    from models.db import session_scope
    from models.tokens import recent_deliveries

    engine = _engine()
    try:
        with session_scope(engine) as session:
            rows = [
                {
                    "token": name,
                    "delivery_id": d.delivery_id,
                    "kind": d.kind,
                    "dossier_code": d.dossier_code,
                    "attempt": d.attempt,
                    "status_code": d.status_code,
                    "error": d.error,
                    "ok": d.ok,
                    "at": d.at.isoformat(),
                }
                for d, name in recent_deliveries(session, limit)
            ]
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        result = "ok" if r["ok"] else (r["error"] or f"HTTP {r['status_code']}")
        typer.echo(
            f"{r['at'][:19]}\t{r['token']}\t{r['kind']}\t{r['dossier_code'] or '-'}\t"
            f"#{r['attempt']}\t{result}\t{r['delivery_id']}",
            file=sys.stdout,
        )


@webhooks_app.command("send")
def send() -> None:
    """Send the queued webhook events now (a `webhook-send` flow run).

    `sohoa serve` does it every minute. Exit 1 when an event was not delivered after its
    retries."""
    from models.db import session_scope
    from models.tokens import queue_counts
    from sohoa.runtime import prefect_ready

    prefect_ready(get_settings())
    from flows.webhooks import send_webhooks

    rows = send_webhooks()
    delivered = sum(r["delivered"] for r in rows)
    engine = _engine()
    try:
        with session_scope(engine) as session:
            counts = queue_counts(session)
    finally:
        engine.dispose()
    waiting = counts.get("pending", 0) + counts.get("sending", 0)
    typer.echo(
        f"{delivered} of {len(rows)} webhook events delivered; {waiting} still queued, "
        f"{counts.get('failed', 0)} failed in all"
    )
    if delivered < len(rows):
        raise typer.Exit(1)
