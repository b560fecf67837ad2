"""Links in the inbox (issue 17): a symbolic link is quarantined as the link, with a reason that
says where it points (inside or outside the inbox); a file with another name (a hard link) is
quarantined unread, its other name left alone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flows.discover import HARD_LINK, LINK_INSIDE, LINK_OUTSIDE, discover
from samples.hostile import good_pdf


def linked_inbox(inbox: Path, outside: Path) -> None:
    inbox.mkdir(parents=True)
    outside.mkdir()
    (inbox / "notes.pdf").write_text("không phải PDF\n", encoding="utf-8")
    (outside / "secret.pdf").write_bytes(good_pdf())
    (inbox / "link-inside.pdf").symlink_to(inbox / "notes.pdf")
    (inbox / "link-outside.pdf").symlink_to(outside / "secret.pdf")
    os.link(outside / "secret.pdf", inbox / "hard-link.pdf")
    folder = inbox / "pages"
    folder.mkdir()
    (outside / "page.png").write_bytes(b"\x89PNG not really")
    os.link(outside / "page.png", folder / "0001.png")


def test_discovery_names_why_links_are_not_read(tmp_path):
    inbox, outside = tmp_path / "inbox", tmp_path / "outside"
    linked_inbox(inbox, outside)
    refusals = {str(u.relative): u.refusal for u in discover(inbox)}
    assert refusals == {
        "notes.pdf": None,
        "link-inside.pdf": LINK_INSIDE,
        "link-outside.pdf": LINK_OUTSIDE,
        "hard-link.pdf": HARD_LINK,
        "pages": HARD_LINK,  # a folder scan with a page that has another name
    }


@pytest.mark.slow
def test_links_are_quarantined_unread_and_their_targets_untouched(settings_env, tmp_path):
    from sqlalchemy import select

    from flows.ingest import ingest_inbox
    from models.db import session_scope
    from models.tables import Event, Scan
    from ocr.load import sha256_of
    from sohoa.runtime import open_database, prefect_ready

    prefect_ready(settings_env)
    inbox, outside = settings_env.inbox_dir, tmp_path / "outside"
    linked_inbox(inbox, outside)
    secret = (outside / "secret.pdf").stat()

    summary = ingest_inbox(str(inbox))

    assert sorted(o.status for o in summary.outcomes) == ["quarantined"] * 5
    assert not list(inbox.rglob("*"))  # every name left the inbox
    quarantine = settings_env.quarantine_dir
    for name, reason in (
        ("link-inside.pdf", "liên kết trong hộp thư"),
        ("link-outside.pdf", "liên kết trỏ ra ngoài hộp thư"),
        ("hard-link.pdf", "liên kết cứng"),
        ("pages", "liên kết cứng"),
    ):
        assert reason in (quarantine / f"{name}.reason.txt").read_text(encoding="utf-8"), name
    assert (quarantine / "link-inside.pdf").is_symlink()
    assert (quarantine / "link-outside.pdf").is_symlink()
    # the hard link's other names stay where they were, same file, same bytes
    after = (outside / "secret.pdf").stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        secret.st_ino,
        secret.st_size,
        secret.st_mtime_ns,
    )
    assert (quarantine / "hard-link.pdf").stat().st_ino == secret.st_ino
    assert (outside / "page.png").exists() and (quarantine / "pages" / "0001.png").exists()
    with session_scope(open_database(settings_env)) as session:
        shas = set(session.execute(select(Scan.sha256)).scalars())
        events = session.execute(select(Event.outcome, Event.detail)).all()
    assert sha256_of(outside / "secret.pdf") not in shas  # never hashed, never read
    sources = {e.detail["source"] for e in events if e.outcome == "quarantined"}
    assert sources == {"notes.pdf", "link-inside.pdf", "link-outside.pdf", "hard-link.pdf", "pages"}
