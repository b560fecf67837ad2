"""The `sohoa` command: one module per command group, all registered on `app` (the entry point
`sohoa = "sohoa.cli:app"`). Heavy imports (Prefect, OpenCV, SQLAlchemy) happen inside each
command so `sohoa ocr` starts fast and never touches Prefect, the database or S3."""

# registration order is the order of `sohoa --help`
from sohoa.cli import ocr, ingest, rates, search, review, operate, admin  # noqa: F401, I001
from sohoa.cli.base import app, run
from sohoa.web.commands import user_app, web  # light: typer only

app.command()(web)
app.add_typer(user_app, name="user")
from sohoa.api.commands import token_app, webhooks_app  # noqa: E402 (light: typer only)

app.add_typer(token_app, name="token")
app.add_typer(webhooks_app, name="webhooks")

__all__ = ["app", "run"]
