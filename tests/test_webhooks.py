"""Webhooks after ingest, against a real receiver on 127.0.0.1: signed bodies, retries with
backoff until the receiver recovers, and a receiver that never answers costing the ingest
nothing (its events are queued and sent apart, the attempts recorded). Every attempt is a
`webhook_delivery` row, every event a `webhook_event` row. SQLite and PostgreSQL."""

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

    from flows.webhooks import queue, send_queued

    @flow(name="test-webhooks")
    def run():
        queue(engine, outcomes)
        return send_queued(engine)

    return run()


STORED = Outcome("a.pdf", "stored", "a" * 64, OFFICE, DOSSIER, 1, ["don_dang_ky_dat_dai"])
QUARANTINED = Outcome("b.pdf", "quarantined", "b" * 64, OFFICE, None, 0, [], "empty file")
OTHER_OFFICE = Outcome("c.pdf", "stored", "c" * 64, "000.02.25.H18", "000.02.25.H18-1", 1, [])


def _attempts(engine):
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT kind, attempt, status_code, ok FROM webhook_delivery ORDER BY id")
        ).all()


def _events(engine):
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT kind, state, attempts FROM webhook_event ORDER BY id")
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
    assert {(e.kind, e.state, e.attempts) for e in _events(env)} == {
        (kind, "delivered", 1) for kind in events
    }
    assert _run(env, [STORED, QUARANTINED]) == []  # queued once: a scan seen again sends nothing


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
    assert [(e.state, e.attempts) for e in _events(env)] == [("delivered", 3)]


def test_an_event_of_a_token_revoked_while_queued_is_dropped(env):
    from prefect import flow

    from flows.webhooks import queue, send_queued

    receiver = Receiver(["ok"])
    try:
        tokens.create(env, "mc", office=OFFICE, scopes="dossiers:read", webhook=receiver.url)

        @flow(name="test-webhooks-revoked")
        def run():
            assert queue(env, [QUARANTINED]) == 1
            tokens.revoke(env, "mc")
            return send_queued(env)

        assert run() == []
    finally:
        receiver.close()
    assert receiver.received == [] and [e.state for e in _events(env)] == ["dropped"]


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
    """The real ingest flow: with a receiver that accepts the connection and never answers,
    an ingest takes no longer than one with no webhook (same test, warm), the scan is recorded
    before the first delivery attempt, and the event is still tried later in the background
    (every attempt recorded, the event failed)."""
    import flows.webhooks as webhooks
    from flows.ingest import ingest_inbox
    from sohoa.settings import get_settings

    monkeypatch.setenv("SOHOA_DATABASE_URL", env.url.render_as_string(hide_password=False))
    monkeypatch.setattr(webhooks.deliver, "retry_delay_seconds", [0, 0, 0])
    get_settings.cache_clear()
    settings = get_settings()
    inbox = settings.inbox_dir / OFFICE
    inbox.mkdir(parents=True)

    def ingest(name: str):
        (inbox / name).write_bytes(b"")
        started = time.perf_counter()
        summary = ingest_inbox(str(settings.inbox_dir))
        return summary, time.perf_counter() - started

    ingest("warm-up.pdf")  # Prefect's temporary server and the page pool start once
    _, baseline = ingest("baseline.pdf")  # no webhook configured
    receiver = Receiver(["hang"])
    try:
        tokens.create(env, "mc", office=OFFICE, scopes="dossiers:read", webhook=receiver.url)
        summary, hung = ingest("empty.pdf")
        queued = _events(env)
        assert webhooks.wait_for_sender(timeout=180)
    finally:
        receiver.close()
    print(f"ingest: {baseline:.2f} s without a webhook, {hung:.2f} s with a hung receiver")
    assert hung < baseline + 3, (hung, baseline)
    assert not summary.failed
    assert [o.status for o in summary.outcomes] == ["quarantined"]
    assert [(e.kind, e.state) for e in queued] in (
        [("scan.quarantined", "pending")],
        [("scan.quarantined", "sending")],
    )  # the ingest returned before the delivery ended
    with env.connect() as conn:
        recorded = conn.execute(
            text("SELECT max(ingested_at) FROM scan WHERE status = 'quarantined'")
        ).scalar_one()
        first_try = conn.execute(text("SELECT min(at) FROM webhook_delivery")).scalar_one()
    attempts = _attempts(env)
    assert [a.attempt for a in attempts] == [1, 2, 3, 4] and not any(a.ok for a in attempts)
    assert [(e.state, e.attempts) for e in _events(env)] == [("failed", 4)]
    assert str(recorded) <= str(first_try)
    assert (settings.quarantine_dir / OFFICE / "empty.pdf").exists()


def test_webhooks_send_command_sends_what_is_queued(env, settings_env, monkeypatch):
    """`sohoa webhooks send` delivers the queued events (what `sohoa serve` runs every minute);
    `sohoa webhooks` lists the attempt; exit 1 when an event fails after its retries."""
    from prefect import flow
    from typer.testing import CliRunner

    import flows.webhooks as webhooks
    from sohoa.cli import app as cli
    from sohoa.settings import get_settings

    monkeypatch.setenv("SOHOA_DATABASE_URL", env.url.render_as_string(hide_password=False))
    monkeypatch.setattr(webhooks.deliver, "retry_delay_seconds", [0, 0, 0])
    get_settings.cache_clear()
    receiver = Receiver(["ok"])
    try:
        tokens.create(env, "mc", office=OFFICE, scopes="dossiers:read", webhook=receiver.url)
        flow(name="test-webhooks-queue")(lambda: webhooks.queue(env, [QUARANTINED]))()
        assert receiver.received == []  # queued, not sent
        runner = CliRunner()
        sent = runner.invoke(cli, ["webhooks", "send"])
        assert sent.exit_code == 0, sent.output
        assert "1 of 1 webhook events delivered; 0 still queued" in sent.stdout
        assert len(receiver.received) == 1
        listed = runner.invoke(cli, ["webhooks", "--json"])
        assert json.loads(listed.stdout)[0]["ok"] is True
        receiver.script[:] = [500]
        flow(name="test-webhooks-queue")(lambda: webhooks.queue(env, [STORED]))()
        failed = runner.invoke(cli, ["webhooks", "send"])
        assert failed.exit_code == 1 and "0 of 2 webhook events delivered" in failed.stdout
    finally:
        receiver.close()
