"""The office registry: offices by code, their level and parent, the province seed, CSV import.

An office seen in a dossier code but not registered is created with level `unknown` under its
nearest registered ancestor (by code structure), or under its level-1 office (province People's
Committee / central body), which is then created too. It is never dropped; callers report it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, SQLModel, col, select

from models import codes
from models.provinces import PROVINCES
from models.tables import LEVELS, Office


@dataclass
class BadRow:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


def insert_ignore(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """INSERT … ON CONFLICT DO NOTHING: safe when another process inserts the same key."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(model.__table__).values(rows).on_conflict_do_nothing())


def _level1_level(level1: str) -> str:
    return "province" if level1.startswith("H") else "ministry"


def find_parent(session: Session, code: str) -> str | None:
    """The nearest registered ancestor of an office code, in either code form."""
    for forms in codes.ancestor_candidates(code):
        found = session.exec(select(Office.code).where(Office.code.in_(forms))).all()
        for form in forms:  # prefer the first form (full) when both are registered
            if form in found:
                return form
    return None


def ensure_office(session: Session, code: str, name: str | None = None) -> tuple[Office, bool]:
    """The office with this code, created (level `unknown`, under its ancestor) if missing.
    Returns (office, created)."""
    office = session.get(Office, code)
    if office is not None:
        return office, False
    level1 = codes.level1_of(code)
    level, parent = "unknown", None
    if level1 is not None:
        if not codes.ancestor_candidates(code):  # the code is a level-1 unit itself
            level = _level1_level(level1)
        else:
            parent = find_parent(session, code)
            if parent is None:
                top, _ = ensure_office(session, codes.province_office_code(level1))
                parent = top.code
    if name is None and level1 and level != "unknown":
        name = PROVINCES.get(level1, "")
    insert_ignore(
        session,
        Office,
        [dict(code=code, name=name or "", level=level, parent_code=parent, province_code=level1)],
    )
    return session.get(Office, code), True


def ensure_offices(session: Session, office_codes: Iterable[str]) -> list[str]:
    """Create, in one INSERT, the offices among `office_codes` that are not registered, as
    `ensure_office` would one by one (so an import of a million dossiers does not query per
    office). Returns the codes created, sorted (their level-1 offices, when created with them,
    are not listed)."""
    wanted = set(office_codes)
    if not wanted:
        return []
    if len(wanted) <= 1000:  # usually all registered (an API batch, a re-import): a small query
        query = select(Office.code).where(col(Office.code).in_(wanted))
        if len(session.exec(query).all()) == len(wanted):
            return []
    known = set(session.exec(select(Office.code)).all())  # ancestors may be any of them
    missing = sorted(wanted - known)
    rows: list[dict[str, Any]] = []

    def add(code: str) -> None:
        level1 = codes.level1_of(code)
        level, parent, name = "unknown", None, ""
        if level1 is not None:
            ancestors = codes.ancestor_candidates(code)
            if not ancestors:  # the code is a level-1 unit itself
                level, name = _level1_level(level1), PROVINCES.get(level1, "")
            else:
                parent = next((f for forms in ancestors for f in forms if f in known), None)
                if parent is None:
                    parent = codes.province_office_code(level1)
                    add(parent)
        rows.append(
            dict(code=code, name=name, level=level, parent_code=parent, province_code=level1)
        )
        known.add(code)  # later codes (sorted: ancestors first) may hang under it

    created = []
    for code in missing:
        if code not in known:  # not already created as the level-1 office of an earlier code
            add(code)
            created.append(code)
    for start in range(0, len(rows), 500):  # parents precede children: FKs hold per statement
        insert_ignore(session, Office, rows[start : start + 500])
    session.flush()
    return created


def seed_provinces(session: Session) -> int:
    """Register the 34 provinces (models/provinces.py); existing rows keep their data.
    Returns how many were created."""
    existing = set(session.exec(select(Office.code)).all())
    rows = [
        dict(code=codes.province_office_code(h), name=name, level="province", province_code=h)
        for h, name in PROVINCES.items()
        if codes.province_office_code(h) not in existing and h not in existing
    ]
    insert_ignore(session, Office, rows)
    session.flush()
    return len(rows)


@dataclass
class OfficeImport:
    created: int = 0
    updated: int = 0
    bad: list[BadRow] = field(default_factory=list)


def import_offices_csv(session: Session, path: str | Path) -> OfficeImport:
    """`code,name,level,parent_code` rows: upsert by code; parents may appear later in the file.
    A bad row (no code, unknown level, unknown parent) is reported with its line number."""
    report = OfficeImport()
    rows: list[tuple[int, dict[str, str]]] = []
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if "code" not in (reader.fieldnames or []):
            raise ValueError(f"{path}: no 'code' column (expected code,name,level,parent_code)")
        for row in reader:
            line = reader.line_num
            clean = {k: (v or "").strip() for k, v in row.items() if k}
            level = clean.get("level", "").lower() or "unknown"
            if not clean.get("code"):
                report.bad.append(BadRow(line, "code is empty"))
            elif level not in LEVELS:
                report.bad.append(BadRow(line, f"level {level!r} not one of {', '.join(LEVELS)}"))
            else:
                rows.append((line, {**clean, "level": level}))
    existing = {o.code: o for o in session.exec(select(Office)).all()}
    new_rows = []
    for _, r in rows:  # pass 1: every office exists (parents come in pass 2)
        office = existing.get(r["code"])
        if office is None:
            new_rows.append(
                dict(
                    code=r["code"],
                    name=r.get("name", ""),
                    level=r["level"],
                    province_code=codes.level1_of(r["code"]),
                )
            )
        else:
            report.updated += 1
            office.name = r.get("name") or office.name
            office.level = r["level"]
    for start in range(0, len(new_rows), 500):
        insert_ignore(session, Office, new_rows[start : start + 500])
    report.created = len(new_rows)
    session.flush()
    offices = {o.code: o for o in session.exec(select(Office)).all()}
    for line, r in rows:  # pass 2: parents
        office = offices[r["code"]]
        parent = r.get("parent_code") or None
        if parent and parent not in offices:
            report.bad.append(BadRow(line, f"parent_code {parent!r} is not a registered office"))
            parent = None
        if parent is None and r["level"] not in ("province", "ministry"):
            parent = find_parent(session, r["code"])
        if parent == r["code"]:
            report.bad.append(BadRow(line, "an office cannot be its own parent"))
            parent = None
        office.parent_code = parent or office.parent_code
    session.flush()
    report.bad.sort(key=lambda b: b.line)
    return report
