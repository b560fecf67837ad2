"""Webhooks after ingest, against a real receiver on 127.0.0.1: signed bodies, retries with
backoff until the receiver recovers, and a receiver that never answers leaving the scan stored
and the run successful. Every attempt is a `webhook_delivery` row. SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import text

from flows.scan import Outcome
from models.db import session_scope
from models.offices import ensure_office
from models.scans import record_scan
from sohoa.api import tokens

OFFICE = "000.01.24.H18"
DOSSIER = f"{OFFICE}-231015-0001"


class Receiver:
    """An HTTP server on 127.0.0.1 answering from a script: 'ok', 500, or 'hang'."""

    def __init__(self, script: list) -> None:
        self.script, self.received = list(script), []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                step = outer.script.pop(0) if len(outer.script) > 1 else outer.script[0]
                if step == "hang":
                    time.sleep(8)  # longer than the sender's timeout
                    return
                self.send_response(200 if step == "ok" else step)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def env(engine, settings_env):
    from sohoa.runtime import prefect_ready

    prefect_ready(settings_env)
    with session_scope(engine) as session:
        ensure_office(session, OFFICE)
        ensure_office(session, "000.02.25.H18")
        record_scan(
            session,
            sha256="a" * 64,
            source_name="a.pdf",
            office_code=OFFICE,
            dossier_code=DOSSIER,
            page_count=1,
            original_key="o",
            digitized_prefix="d/",
            manifest_key="d/manifest.json",
            pages=[{"number": 1, "doc_type": "don_dang_ky_dat_dai", "text": "x"}],
            documents=[
                {
                    "doc_type": "don_dang_ky_dat_dai",
                    "pages": [1],
                    "confidence": 0.4,
                    "needs_review": True,
                    "review_reasons": ["low_confidence"],
                    "fields": {},
                }
            ],
        )
    return engine


def _run(engine, outcomes):
    from prefect import flow

    from flows.webhooks import notify

    @flow(name="test-webhooks")
    def run():
        return notify(engine, outcomes)

    return run()


STORED = Outcome("a.pdf", "stored", "a" * 64, OFFICE, DOSSIER, 1, ["don_dang_ky_dat_dai"])
QUARANTINED = Outcome("b.pdf", "quarantined", "b" * 64, OFFICE, None, 0, [], "empty file")
OTHER_OFFICE = Outcome("c.pdf", "stored", "c" * 64, "000.02.25.H18", "000.02.25.H18-1", 1, [])


def _attempts(engine):
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT kind, attempt, status_code, ok FROM webhook_delivery ORDER BY id")
        ).all()


def test_signed_events_for_the_tokens_offices(env):
    receiver = Receiver(["ok"])
    try:
        made = tokens.create(env, "mc", office=OFFICE, scopes="dossiers:read", webhook=receiver.url)
        rows = _run(env, [STORED, QUARANTINED, OTHER_OFFICE])
    finally:
        receiver.close()
    events = {}
    for headers, body in receiver.received:
        expected = hmac.new(made.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
        assert headers["X-Sohoa-Signature"] == f"sha256={expected}"
        payload = json.loads(body)
        assert payload["id"] == headers["X-Sohoa-Delivery"]
        events[payload["event"]] = payload
    assert set(events) == {"scan.stored", "scan.review", "scan.quarantined"}  # not office 2's
    assert events["scan.stored"]["dossier_code"] == DOSSIER
    assert events["scan.quarantined"]["reason"] == "empty file"
    assert all(r["delivered"] for r in rows) and len(rows) == 3
    assert sorted(a.kind for a in _attempts(env)) == sorted(events)


def test_receiver_failing_twice_gets_the_event_on_the_third_try(env):
    receiver = Receiver([500, 500, "ok"])
    try:
        tokens.create(env, "mc", office=OFFICE, scopes="dossiers:read", webhook=receiver.url)
        rows = _run(env, [QUARANTINED])
    finally:
        receiver.close()
    assert rows[0]["delivered"] and rows[0]["attempts"] == 3
    ids = {json.loads(body)["id"] for _, body in receiver.received}
    assert len(receiver.received) == 3 and len(ids) == 1  # the same idempotency id each time
    assert [(a.attempt, a.status_code, a.ok) for a in _attempts(env)] == [
        (1, 500, False),
        (2, 500, False),
        (3, 200, True),
    ]


def test_a_token_without_a_webhook_or_revoked_gets_nothing(env):
    receiver = Receiver(["ok"])
    try:
        tokens.create(env, "mc", office=OFFICE, scopes="dossiers:read", webhook=receiver.url)
        tokens.revoke(env, "mc")
        tokens.create(env, "quiet", office=OFFICE, scopes="dossiers:read")
        assert _run(env, [STORED]) == []
    finally:
        receiver.close()
    assert receiver.received == []


@pytest.mark.slow
def test_receiver_that_never_answers_fails_no_scan(env, monkeypatch):
    """The delivery gives up after its retries, each attempt recorded; the run still ends."""
    import flows.webhooks as webhooks

    receiver = Receiver(["hang"])
    monkeypatch.setattr(webhooks.deliver, "retry_delay_seconds", [0, 0, 0])
    try:
        tokens.create(env, "mc", office=OFFICE, scopes="dossiers:read", webhook=receiver.url)
        rows = _run(env, [QUARANTINED])
    finally:
        receiver.close()
    assert rows[0]["delivered"] is False
    attempts = _attempts(env)
    assert [a.attempt for a in attempts] == [1, 2, 3, 4]
    assert all(not a.ok and a.status_code is None for a in attempts)


@pytest.mark.slow
def test_ingest_with_a_receiver_that_never_answers(env, settings_env, monkeypatch):
    """The real ingest flow: the scan is quarantined and recorded before the first delivery
    attempt, the run has no failure, and the hung receiver only costs recorded attempts."""
    import flows.webhooks as webhooks
    from flows.ingest import ingest_inbox
    from sohoa.settings import get_settings

    monkeypatch.setenv("SOHOA_DATABASE_URL", env.url.render_as_string(hide_password=False))
    monkeypatch.setattr(webhooks.deliver, "retry_delay_seconds", [0, 0, 0])
    get_settings.cache_clear()
    settings = get_settings()
    inbox = settings.inbox_dir / OFFICE
    inbox.mkdir(parents=True)
    (inbox / "empty.pdf").write_bytes(b"")
    receiver = Receiver(["hang"])
    try:
        tokens.create(env, "mc", office=OFFICE, scopes="dossiers:read", webhook=receiver.url)
        summary = ingest_inbox(str(settings.inbox_dir))
    finally:
        receiver.close()
    assert not summary.failed
    assert [o.status for o in summary.outcomes] == ["quarantined"]
    with env.connect() as conn:
        recorded = conn.execute(
            text("SELECT ingested_at FROM scan WHERE status = 'quarantined'")
        ).scalar_one()
        first_try = conn.execute(text("SELECT min(at) FROM webhook_delivery")).scalar_one()
    attempts = _attempts(env)
    assert [a.attempt for a in attempts] == [1, 2, 3, 4] and not any(a.ok for a in attempts)
    assert str(recorded) <= str(first_try)
    assert (settings.quarantine_dir / OFFICE / "empty.pdf").exists()
