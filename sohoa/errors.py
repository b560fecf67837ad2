"""Errors the front doors (CLI, web) turn into one line for the user and an exit code.

Lower floors raise their own errors (ocr.errors.BadInput, storage.errors.StorageError, SQLAlchemy's
OperationalError...); `sohoa.cli.errors` maps those too. These are the application's own."""

from __future__ import annotations


class UserError(Exception):
    """Bad arguments or input named by the user (unknown office, malformed date, missing path)."""

    exit_code = 2


class ToolMissing(Exception):
    """A required external program is not installed."""

    exit_code = 3


class ServiceUnreachable(Exception):
    """A service sohoa needs (S3, database, Prefect) does not answer; names it and its URL."""

    exit_code = 4

    def __init__(self, service: str, url: str, reason: str = ""):
        self.service, self.url, self.reason = service, url, reason
        detail = f": {reason}" if reason else ""
        super().__init__(f"{service} unreachable at {url}{detail}")


def safe_url(url: str) -> str:
    """A URL without its password (database URLs carry credentials)."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return "(unparseable URL)"
    if parts.password is None and "@" not in parts.netloc:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit((parts.scheme, user + host, parts.path, "", ""))
