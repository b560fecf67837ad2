"""Benchmark of the staff web app (issues 18 and 19).

Section `upload`: `sohoa web` runs as its own process (SQLite, embedded S3, upload worker off:
the upload itself is measured, not the OCR after it); a signed-in client posts a generated
50 MB PDF (one page of incompressible pixels) while the server's RSS is sampled every 20 ms from
/proc. Baseline in the same run: the same server's RSS and time for a 1 MB upload. Flat means
the peak during the 50 MB upload stays within a few MB of the 1 MB upload's peak (the file goes
to disk in chunks, never whole into memory).

Section `pages`: PostgreSQL with --documents documents and --pages pages (defaults 100,000 and
1,000,000: 4 documents per scan, one scan per dossier, --pages/--documents pages per document,
an upload row per scan) in a schema of its own. Page texts are drawn from a pool of --pool pages
of generated dossiers (`samples.iter_dossiers`: the forms' wording, people, places and numbers;
~1,100 characters a page, blank backs empty), so the full-text index has the posting lists of
real pages; offices, dossiers, scans, documents and uploads are SQL bulk inserts, pages a COPY
(PostgreSQL folds each page into its stored `text_search` as it is written, ~1.5 ms a page: the
bulk of the load time) with the GIN index built afterwards. The app runs in-process (httpx
TestClient: no network, server time only); p50/p95 of the status list and of dossier pages
(random dossiers of the office), --repeat requests each, beside `/healthz` (the framework's own
floor, same run); part 2 (issue 19): the office's review queue, a search typed without
diacritics (a person's name written on the pool's documents, drawn as often as it is written;
the hits limited to the office) and the rates dashboard of a province manager for a year (with
the previous year: two roll-ups). Offices: 50 communes under one district under one province.
Goal: p95 < 300 ms. The load average is printed: the machine may be shared.

    .venv/bin/python bench/web.py                       # both sections, full size (~40 min)
    .venv/bin/python bench/web.py --sections pages --documents 2000 --pages 20000 --pool 2000
    .venv/bin/python bench/web.py --sections pages --schema bench_web_1m   # keep the rows, and
                                            # reuse them on the next run (drop the schema after)

Writes bench/out/web.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

OUT = Path(__file__).parent / "out"
PG_URL = os.environ.get("SOHOA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "bench-password-1"
GOAL_P95_MS = 300.0
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


# ------------------------------------------------------------------ section upload


def make_pdf(path: Path, megabytes: int) -> Path:
    """A one-page PDF holding an uncompressed image of random pixels, about `megabytes` MB."""
    import pikepdf

    side = int((megabytes * (1 << 20) / 3) ** 0.5)
    pdf = pikepdf.new()
    image = pikepdf.Stream(pdf, os.urandom(side * side * 3))
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height = side, side
    image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, 595, 842],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
        Contents=pikepdf.Stream(pdf, b"q 595 0 0 842 0 0 cm /Im0 Do Q"),
    )
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)
    return path


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Sampler:
    """The server's RSS every 20 ms while a block runs; `peak` and `before` in MB."""

    def __init__(self, pid: int):
        self.pid, self.peak, self.before = pid, 0.0, rss_mb(pid)
        self._stop = threading.Event()

    def __enter__(self):
        self.peak = self.before
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.02)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def bench_upload(tmp: Path, megabytes: int) -> list[dict]:
    import httpx

    data = tmp / "var"
    env = {**os.environ, "SOHOA_DATA_DIR": str(data), "SOHOA_WEB_WORKER": "false"}
    env["SOHOA_WEB_MAX_UPLOAD_MB"] = str(megabytes * 2)
    env["PREFECT_HOME"] = str(tmp / "prefect")
    for name in ("SOHOA_DATABASE_URL", "SOHOA_S3_ENDPOINT", "SOHOA_INBOX"):
        env.pop(name, None)
    cli = [sys.executable, "-m", "sohoa.cli"]
    from samples.offices import write_offices_csv

    write_offices_csv(tmp / "offices.csv")
    subprocess.run(
        [*cli, "offices", "import", str(tmp / "offices.csv")],
        env=env,
        check=True,
        capture_output=True,
    )
    office = _first_office(tmp / "offices.csv")
    subprocess.run(
        [*cli, "user", "add", "bench", "--role", "counter", "--office", office, "--password-stdin"],
        env=env,
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [*cli, "web", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        client = httpx.Client(base_url=base, timeout=600)
        _wait(client, server)
        form = client.get("/login").text
        client.post(
            "/login",
            data={
                "username": "bench",
                "password": PASSWORD,
                "csrf_token": CSRF.search(form).group(1),
            },
        )
        for size in (1, megabytes):
            pdf = make_pdf(tmp / f"{size}mb.pdf", size)
            token = CSRF.search(client.get("/").text).group(1)
            with Sampler(server.pid) as sampler, pdf.open("rb") as f:
                start = time.perf_counter()
                response = client.post(
                    "/uploads",
                    data={"csrf_token": token},
                    files={"files": (pdf.name, f, "application/pdf")},
                )
                seconds = time.perf_counter() - start
            assert response.status_code in (200, 303), response.status_code
            rows.append(
                {
                    "upload_mb": round(pdf.stat().st_size / (1 << 20), 1),
                    "rss_before_mb": round(sampler.before, 1),
                    "rss_peak_mb": round(sampler.peak, 1),
                    "rss_growth_mb": round(sampler.peak - sampler.before, 1),
                    "seconds": round(seconds, 2),
                    "mb_per_s": round(pdf.stat().st_size / (1 << 20) / seconds, 1),
                }
            )
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return rows


def _first_office(offices_csv: Path) -> str:
    import csv

    with offices_csv.open() as f:
        rows = list(csv.DictReader(f))
    return next(r["code"] for r in rows if r.get("level") == "commune")


def _wait(client, server) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("sohoa web exited")
        try:
            if client.get("/healthz").status_code == 200:
                return
        except Exception:  # noqa: BLE001 (not up yet)
            time.sleep(0.3)
    raise SystemExit("sohoa web did not start")


# ------------------------------------------------------------------ section pages

BULK = [
    """INSERT INTO office (code, name, level, parent_code, province_code, created_at) VALUES
       ('000.00.00.H18', 'Tỉnh', 'province', NULL, 'H18', now()),
       ('000.00.24.H18', 'Huyện', 'district', '000.00.00.H18', 'H18', now())""",
    """INSERT INTO office (code, name, level, parent_code, province_code, created_at)
       SELECT format('000.%s.24.H18', lpad(o::text, 2, '0')), 'Xã ' || o, 'commune',
              '000.00.24.H18', 'H18', now()
       FROM generate_series(1, :offices) o""",
    """INSERT INTO dossier (code, office_code, received_at, source, components_digitized,
                           result_digitized, reused, result_kind, created_at)
       SELECT format('000.%s.24.H18-231015-%s', lpad((1 + d % :offices)::text, 2, '0'),
                     lpad(d::text, 6, '0')),
              format('000.%s.24.H18', lpad((1 + d % :offices)::text, 2, '0')),
              date '2023-01-01' + (d % 700), 'scan', true, false, false, 'unknown', now()
       FROM generate_series(1, :dossiers) d""",
    """INSERT INTO scan (id, sha256, source_name, dossier_code, office_code, status, page_count,
                        original_key, digitized_prefix, manifest_key, ingested_at, tool_versions)
       SELECT d, md5(d::text) || md5((-d)::text), 'scan.pdf',
              format('000.%s.24.H18-231015-%s', lpad((1 + d % :offices)::text, 2, '0'),
                     lpad(d::text, 6, '0')),
              format('000.%s.24.H18', lpad((1 + d % :offices)::text, 2, '0')), 'stored',
              :per_scan * :per_doc,
              'originals/x/' || d || '.pdf', 'digitized/x/' || d || '/',
              'digitized/x/' || d || '/manifest.json',
              now() - (d || ' minutes')::interval, '{}'
       FROM generate_series(1, :dossiers) d""",
    """INSERT INTO document (id, scan_id, dossier_code, doc_type, pages, first_page, confidence,
                            fields, field_details, needs_review, review_reasons, is_result)
       SELECT s.id * :per_scan + k, s.id, s.dossier_code,
              (ARRAY['phieu_tiep_nhan','don_dang_ky_dat_dai','giay_chung_nhan_qsdd','khac'])
                [1 + k % 4],
              (SELECT json_agg(n) FROM generate_series(k * :per_doc + 1, (k + 1) * :per_doc) n),
              k * :per_doc + 1, 0.9,
              json_build_object('applicant_name', 'Nguyễn Văn An', 'parcel_number', k::text),
              '{}', k = :per_scan - 1, '[]', false
       FROM scan s, generate_series(0, :per_scan - 1) k""",
    # page rows: COPY from Python (see `_copy_pages`), between these two
    """INSERT INTO upload (created_at, updated_at, office_code, filename, relative, size, files,
                          state, sha256, dossier_code)
       SELECT s.ingested_at, s.ingested_at, s.office_code, 'scan-' || s.id || '.pdf',
              s.office_code || '/web-' || s.id, 1048576, 1, 'stored', s.sha256, s.dossier_code
       FROM scan s""",
]
PAGES_AFTER = 5  # index in BULK before which the pages are copied
DOCUMENTS_PER_SCAN = 4
# person-name fields of the generated documents (not project or company names)
NAME_FIELDS = {
    "applicant_name",
    "full_name",
    "owner_name",
    "transferor_name",
    "transferee_name",
    "principal_name",
    "agent_name",
    "taxpayer_name",
}


def page_pool(seed: int, size: int) -> tuple[list[str], list[str]]:
    """`size` page texts of generated dossiers (samples' text level: the vocabulary, names and
    layouts of the real forms; blank backs are "") and the person names written on them, one
    per occurrence (a name on many documents is searched for as often)."""
    from samples import iter_dossiers

    texts: list[str] = []
    names: list[str] = []
    for dossier in iter_dossiers(seed, size):
        for doc in dossier.documents:
            texts.extend(page.text for page in doc.pages)
            names.extend(
                v
                for k, v in doc.fields.items()
                if k in NAME_FIELDS and isinstance(v, str) and not v.startswith("Công ty")
            )
        if len(texts) >= size:
            break
    return texts[:size], names


def _load_pages(conn, scans: int, per_scan: int, pool: list[str], seed: int) -> None:
    """Every scan's pages, each a random page text of the pool, through COPY (PostgreSQL computes
    each page's stored `text_search` as it is written); the full-text index (its definition as
    the migrations made it) is dropped before and built after, not maintained row by row."""
    from sqlalchemy import text

    indexdef = conn.execute(
        text(
            "SELECT indexdef FROM pg_indexes "
            "WHERE indexname = 'ix_page_text_search' AND schemaname = current_schema()"
        )
    ).scalar_one()
    conn.execute(text("DROP INDEX ix_page_text_search"))
    t0 = time.perf_counter()
    _copy_pages(conn, scans, per_scan, pool, seed)
    print(f"  page       {time.perf_counter() - t0:6.1f} s  (COPY)", flush=True)
    t0 = time.perf_counter()
    conn.execute(text(indexdef))
    print(f"  page fts   {time.perf_counter() - t0:6.1f} s  (GIN index)", flush=True)


def _copy_pages(conn, scans: int, per_scan: int, pool: list[str], seed: int) -> None:
    rng = random.Random(seed)
    raw = conn.connection.driver_connection
    columns = "scan_id, number, doc_type, doc_type_confidence, mean_confidence, rotation, "
    columns += "skew_degrees, blank, text"
    with raw.cursor().copy(f"COPY page ({columns}) FROM STDIN") as copy:
        for scan_id in range(1, scans + 1):
            for number in range(1, per_scan + 1):
                body = rng.choice(pool)
                copy.write_row((scan_id, number, "khac", 0.9, 0.9, 0, 0.0, not body, body))


def bench_pages(
    tmp: Path,
    documents: int,
    pages: int,
    repeat: int,
    seed: int,
    pool_size: int,
    keep: str | None = None,
) -> dict:
    from fastapi.testclient import TestClient
    from sqlalchemy import create_engine, text

    from models.db import make_engine, migrate
    from models.search import fold
    from sohoa.services import accounts
    from sohoa.settings import Settings
    from sohoa.web.app import create_app
    from sohoa.web.config import WebSettings

    schema = keep or f"bench_web_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    try:
        engine = make_engine(url)
        migrate(engine)
        dossiers, offices = max(1, documents // DOCUMENTS_PER_SCAN), 50
        per_doc = max(1, pages // (dossiers * DOCUMENTS_PER_SCAN))
        t0 = time.perf_counter()
        pool, names = page_pool(seed, min(pool_size, pages))
        print(f"  page pool  {time.perf_counter() - t0:6.1f} s  ({len(pool)} page texts)")
        params = {
            "offices": offices,
            "dossiers": dossiers,
            "per_scan": DOCUMENTS_PER_SCAN,
            "per_doc": per_doc,
        }
        start = time.perf_counter()
        with engine.connect() as conn:
            loaded = conn.execute(text("SELECT count(*) FROM office")).scalar()
        if loaded:  # a schema kept by an earlier run (--schema)
            print(f"  schema {schema} already loaded: reused", flush=True)
        else:
            with engine.begin() as conn:
                conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
                for i, sql in enumerate(BULK):
                    if i == PAGES_AFTER:
                        _load_pages(conn, dossiers, DOCUMENTS_PER_SCAN * per_doc, pool, seed)
                    t0 = time.perf_counter()
                    conn.execute(text(sql), params)
                    print(f"  {sql.split()[2]:10} {time.perf_counter() - t0:6.1f} s", flush=True)
            t0 = time.perf_counter()
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                # these tables only: a bare VACUUM would visit every schema of the database
                conn.execute(text("VACUUM ANALYZE office, dossier, scan, document, page, upload"))
            print(f"  analyze    {time.perf_counter() - t0:6.1f} s", flush=True)
            office = "000.01.24.H18"
            accounts.add_user(engine, "quay", PASSWORD, role="counter", office=office)
            accounts.add_user(engine, "lanhdao", PASSWORD, role="manager", office="000.00.00.H18")
        load_s = time.perf_counter() - start
        office = "000.01.24.H18"
        with engine.connect() as conn:
            codes = (
                conn.execute(text("SELECT code FROM dossier WHERE office_code = :o"), {"o": office})
                .scalars()
                .all()
            )
            counts = {
                t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                for t in ("dossier", "scan", "document", "page", "upload")
            }
        engine.dispose()
        settings = Settings(data_dir=tmp / "pages", database_url=url)
        app = create_app(settings, WebSettings(secret="bench"), worker=False)
        rng = random.Random(seed)
        timings: dict[str, list[float]] = {}
        queries = [fold(name) for name in names]  # typed without diacritics
        found = []
        slowest = (0.0, "")
        with TestClient(app) as client, TestClient(app) as manager:
            _login(client, "quay")
            _login(manager, "lanhdao")
            targets = {
                "/healthz (floor)": (client, lambda: "/healthz"),
                "status list (/uploads/status)": (client, lambda: "/uploads/status"),
                "dossier page (/dossiers/{code})": (
                    client,
                    lambda: f"/dossiers/{rng.choice(codes)}",
                ),
                "review queue (/review)": (client, lambda: "/review"),
                "search, no diacritics (/search?q=)": (
                    client,
                    lambda: f"/search?q={rng.choice(queries).replace(' ', '+')}",
                ),
                "province rates, a year (/rates)": (
                    manager,
                    lambda: f"/rates?kind=year&year={rng.choice((2023, 2024))}",
                ),
            }
            for label, (who, path) in targets.items():
                for _ in range(5):  # warm-up
                    who.get(path())
                samples = []
                for _ in range(repeat):
                    p = path()
                    t0 = time.perf_counter()
                    r = who.get(p)
                    samples.append((time.perf_counter() - t0) * 1000)
                    assert r.status_code == 200, (p, r.status_code)
                    if p.startswith("/search"):
                        found.append("<mark>" in r.text)
                        slowest = max(slowest, (samples[-1], p))
                timings[label] = samples
            measured_load = os.getloadavg()  # the last minute: the requests above
        assert any(found), "no search found its name"
        rows = [
            {
                "request": label,
                "p50_ms": round(statistics.median(s), 1),
                "p95_ms": round(statistics.quantiles(s, n=20)[18], 1),
                "max_ms": round(max(s), 1),
                "n": len(s),
            }
            for label, s in timings.items()
        ]
        return {
            "counts": counts,
            "load_seconds": round(load_s, 1),
            "searches_with_hits": f"{sum(found)}/{len(found)}",
            "slowest_search": f"{slowest[1]} ({slowest[0]:.0f} ms)",
            "load_average_measured": measured_load,
            "rows": rows,
        }
    finally:
        if keep:
            print(f'schema {schema} kept (DROP SCHEMA "{schema}" CASCADE when done)')
        else:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def _login(client, username: str) -> None:
    form = client.get("/login").text
    client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": CSRF.search(form)[1]},
    )


def _table(rows: list[dict]) -> str:
    keys = list(rows[0])
    widths = [max(len(str(k)), *(len(str(r[k])) for r in rows)) for k in keys]
    line = lambda values: "  ".join(str(v).ljust(w) for v, w in zip(values, widths, strict=True))  # noqa: E731
    return "\n".join([line(keys), line("-" * w for w in widths), *(line(r.values()) for r in rows)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sections", nargs="+", default=["upload", "pages"])
    parser.add_argument("--megabytes", type=int, default=50)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=1_000_000)
    parser.add_argument(
        "--pool", type=int, default=20_000, help="distinct generated page texts the pages reuse"
    )
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument(
        "--schema", help="keep the generated rows in this schema, and reuse them when it has them"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    report: dict = {"load_average_before": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-web-") as tmp:
        tmp_path = Path(tmp)
        if "upload" in args.sections:
            rows = bench_upload(tmp_path, args.megabytes)
            report["upload"] = rows
            print("\nupload: server RSS while a file is posted (1 MB = same-run baseline)")
            print(_table(rows))
            flat = rows[-1]["rss_peak_mb"] - rows[0]["rss_peak_mb"]
            print(f"peak difference {args.megabytes} MB vs 1 MB upload: {flat:+.1f} MB")
        if "pages" in args.sections:
            os.environ.setdefault("PREFECT_HOME", str(tmp_path / "prefect"))
            pages = bench_pages(
                tmp_path, args.documents, args.pages, args.repeat, args.seed, args.pool, args.schema
            )
            report["pages"] = pages
            print(f"\npages: PostgreSQL, {pages['counts']} (bulk load {pages['load_seconds']} s)")
            print(_table(pages["rows"]))
            print(f"searches with a hit in the office: {pages['searches_with_hits']}")
            print(f"slowest search: {pages['slowest_search']}")
            print(f"load average (1/5/15 min) after the requests: {pages['load_average_measured']}")
            worst = max(r["p95_ms"] for r in pages["rows"])
            print(f"goal p95 < {GOAL_P95_MS:.0f} ms: {'met' if worst < GOAL_P95_MS else 'NOT met'}")
    report["load_average_after"] = os.getloadavg()
    print(f"load average before {report['load_average_before']}, after {os.getloadavg()}")
    OUT.mkdir(exist_ok=True)
    (OUT / "web.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
