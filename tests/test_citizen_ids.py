"""Citizen IDs never leave the rows that hold them (issue 17): a generated dossier whose pages
carry 12-digit CCCD numbers, its scan named after one of them, is ingested with every logger at
DEBUG, then no full ID may appear in a log line, a Prefect task run name, an object key, or a
URL the web app or the exchange API produces for that dossier (links, redirects)."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import shutil
from pathlib import Path

import pytest

_ID = re.compile(r"(?<!\d)(\d{12}|\d{9})(?!\d)")


def test_log_masking_cuts_ids_and_spares_hashes():
    from flows.privacy import mask_ids

    sha = "0a001099012345b" + "1" * 49
    assert mask_ids("CCCD 001099012345, CMND 123456789.") == "CCCD ********2345, CMND *****6789."
    assert mask_ids(f"scan 001099012345.pdf sha {sha}") == f"scan ********2345.pdf sha {sha}"
    assert mask_ids("1796621320 s, port 45749") == "1796621320 s, port 45749"


def citizen_ids(truth_dir: Path) -> set[str]:
    """Every CCCD/CMND number the generator put on the dossier's pages (truth fields)."""
    found: set[str] = set()

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and "citizen_id" in key:
            found.update(_ID.findall(value))

    for path in truth_dir.glob("*.json"):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return found


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name}: {text}")


@contextlib.contextmanager
def debug_logs():
    """Every record of the root and Prefect loggers (each of Prefect's, which do not all
    propagate), at DEBUG, while the block runs. Entered after Prefect set up its logging."""
    capture = Capture()
    names = ["", *[n for n in logging.root.manager.loggerDict if n.startswith("prefect")]]
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(capture)
        lg.setLevel(logging.DEBUG)
    try:
        yield capture
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(capture)
            lg.setLevel(level)


def _urls(text: str) -> list[str]:
    return re.findall(r'(?:href|src|action)="([^"]+)"', text) + re.findall(
        r'"(?:https?://|/)[^"\s]*"', text
    )


@pytest.mark.slow
def test_citizen_ids_stay_out_of_logs_keys_and_urls(settings_env, s3_env, tmp_path):
    import asyncio

    from fastapi.testclient import TestClient
    from prefect.client.orchestration import get_client

    from flows.ingest import ingest_inbox
    from samples.generate import generate
    from sohoa.api import tokens
    from sohoa.runtime import open_database, open_store, prefect_ready
    from sohoa.services import accounts
    from sohoa.settings import get_settings
    from sohoa.web.app import create_app
    from sohoa.web.config import WebSettings
    from tests import web_support as ws

    settings = get_settings()
    prefect_ready(settings)
    truths = generate(
        tmp_path / "gen", seed=17, dossiers=1, levels=("clean",), formats=("pdf",), workers=1
    )
    ids = citizen_ids(tmp_path / "gen" / "truth")
    assert ids, "the generated dossier carries no citizen ID"
    code = truths[0].dossier_code
    shutil.copytree(tmp_path / "gen" / "inbox", settings.inbox_dir)
    (scan,) = settings.inbox_dir.rglob("*.pdf")
    scan.rename(scan.with_name(f"{sorted(ids)[0]}.pdf"))  # staff named it after the citizen
    (tmp_path / "empty").mkdir()

    ingest_inbox(str(tmp_path / "empty"))  # Prefect's logging is set up by its first run
    with debug_logs() as logs:
        summary = ingest_inbox(str(settings.inbox_dir))

    assert summary.count("stored") >= 1, summary.message()
    engine = open_database(settings)
    with open_store(settings) as store:
        keys = [o.key for o in store.list("")]
    assert keys

    async def task_run_names() -> list[str]:
        async with get_client() as client:
            return [r.name for r in await client.read_task_runs()]

    names = asyncio.run(task_run_names())

    accounts.add_user(engine, "admin", ws.PASSWORD, role="admin", office=None, full_name="A")
    made = tokens.create(engine, "pii", office=code.split("-")[0], scopes="dossiers:read,pii:read")
    urls: list[str] = []
    app = create_app(settings, WebSettings(secret="test-secret"), worker=False)
    with TestClient(app) as client:
        assert ws.login(client, "admin").status_code in (302, 303)
        pages = [f"/dossiers/{code}"]
        seen: set[str] = set()
        while pages:
            page = pages.pop()
            if page in seen or not page.startswith(("/dossiers", "/documents", "/scans")):
                continue
            seen.add(page)
            response = client.get(page, follow_redirects=False)
            urls += [page, response.headers.get("location", "")]
            if response.headers.get("content-type", "").startswith("text/html"):
                found = _urls(response.text)
                urls += found
                pages += [u.strip('"') for u in found if u.strip('"').startswith("/")]
        bearer = {"Authorization": f"Bearer {made.token}"}
        answer = client.get(f"/api/v1/dossiers/{code}", headers=bearer)
        assert answer.status_code == 200, answer.text
        urls += _urls(answer.text)
        assert any("/documents/" in u for u in seen), "the dossier page links no document"

    leaks = {
        "logs": [line for line in logs.lines if any(i in line for i in ids)],
        "task runs": [n for n in names if any(i in n for i in ids)],
        "object keys": [k for k in keys if any(i in k for i in ids)],
        "urls": [u for u in urls if any(i in u for i in ids)],
    }
    assert logs.lines and urls
    assert leaks == {"logs": [], "task runs": [], "object keys": [], "urls": []}
