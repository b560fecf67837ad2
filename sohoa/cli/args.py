"""Checks of command-line arguments that raise `UserError` (exit 2) naming what is wrong."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sohoa.errors import UserError


def existing(path: Path, what: str = "path") -> Path:
    if not path.exists():
        raise UserError(f"{path}: no such {what}")
    return path


def folder(path: Path) -> Path:
    existing(path, "folder")
    if not path.is_dir():
        raise UserError(f"{path}: not a folder")
    return path


def writable_parent(path: Path | None) -> Path | None:
    """An output file whose folder exists (checked before any work is done)."""
    if path is not None and not path.parent.is_dir():
        raise UserError(f"{path}: folder {path.parent} does not exist")
    return path


def iso_date(text: str | None, option: str) -> str | None:
    if text is None:
        return None
    try:
        date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{option} {text}: expected a date YYYY-MM-DD") from None
    return text


def positive(value: int, option: str) -> int:
    if value < 1:
        raise UserError(f"{option} {value}: must be at least 1")
    return value
