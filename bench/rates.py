"""Benchmark: `compute_rates` for all offices and one period over a large register.

Generates (deterministic by seed) 12,000 offices and N dossiers over two years with digitization
facts (stored and quarantined scans, result documents, reuse links), loads them through the real
paths (`import_offices_csv`, `import_register`, bulk scans/documents/links, `refresh_facts`),
then times `compute_rates(period=...)` on PostgreSQL and SQLite (median of --repeat runs) and
checks every figure of every row against an independent, straightforward computation in Python
over the generated data (the baseline, timed in the same run).

Section `register` (issue 5: 1M register rows import in under a minute on PostgreSQL): a
generated register export (same offices and code shapes; 5% of rows with an extra column, 100
repeated codes, 100 bad rows, dossiers of 50 unregistered offices) is imported into a fresh
database by `models.register.import_register`, then re-imported (nothing may change), and by the
previous implementation (`bench/register_before.py`, the same-run baseline) into another fresh
database; both must leave the same dossiers and offices and report the same bad rows.
Issue 5, recorded (2 cores shared with OCR benchmarks, load average 8.8-9.6, median of 3, 1M
lines): PostgreSQL 61.6 s wall / 35.8 s CPU (client 11.8 + server 24.1); re-import 36.5 s; at
load average 3.6-7 it took 36.5-42.2 s. SQLite (load 9): 65.9 s.
Issue 20 (the baseline `bench/register_before.py` is now that issue-5 import), recorded with four
other agents' OCR and test runs on the 2 cores, load average 12.0-14.0, 3 alternated runs:
PostgreSQL new 110.8 s median (63.7-123.7) / 26.8 s CPU (client 9.4 + server 17.4), old 156.8 s
(134.3-192.8) / 36.7 s CPU; re-import 77.5 s (57.6-90.9). SQLite, one run at load 11-12: new
245.2 s / 30.4 s CPU, old 356.3 s / 41.9 s CPU. Wall time there is mostly waiting for a core;
CPU seconds are the load-independent figure.

    .venv/bin/python bench/rates.py                      # 1M dossiers, both backends
    .venv/bin/python bench/rates.py --dossiers 20000     # smoke run
    .venv/bin/python bench/rates.py --sections register --backends postgresql

Writes bench/out/rates.json (section rates) and bench/out/register.json (section register).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

from bench import register_before  # noqa: E402
from models import register as register_new  # noqa: E402
from models.db import make_engine, migrate, session_scope  # noqa: E402
from models.dossiers import refresh_facts  # noqa: E402
from models.offices import import_offices_csv  # noqa: E402
from models.provinces import PROVINCES  # noqa: E402
from models.rates import Period, compute_rates  # noqa: E402
from models.register import import_register  # noqa: E402

OUT = Path(__file__).parent / "out"
START = date(2022, 1, 1)
DAYS = 730
REGISTER_TARGET_S = 45.0  # issue 20 (issue 5: 60 s): 1M rows on PostgreSQL
PG_URL = os.environ.get("SOHOA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


# --- generated world ------------------------------------------------------------------------


@dataclass
class World:
    offices: list[tuple[str, str, str, str | None]] = field(
        default_factory=list
    )  # code,name,level,parent
    dossiers: list[tuple[str, str, date, str]] = field(default_factory=list)  # code,office,day,kind
    scans: list[tuple[int, str, str]] = field(default_factory=list)  # id, dossier, status
    documents: list[tuple[int, int, str, bool]] = field(
        default_factory=list
    )  # id,scan,dossier,result
    links: list[tuple[int, int, int]] = field(default_factory=list)  # id, document, earlier


def make_offices(total: int, rng: random.Random) -> list[tuple[str, str, str, str | None]]:
    """34 provinces with departments and districts, communes under districts, 20 ministries
    with departments: `total` offices in all."""
    out: list[tuple[str, str, str, str | None]] = []
    districts = []
    for h, name in PROVINCES.items():
        top = f"000.00.00.{h}"
        out.append((top, name, "province", None))
        out += [(f"000.00.{n:02d}.{h}", f"Sở {n} {h}", "department", top) for n in range(1, 21)]
        for n in range(21, 31):
            code = f"000.00.{n:02d}.{h}"
            out.append((code, f"Huyện {n} {h}", "district", top))
            districts.append((h, n, code))
    for g in range(1, 21):
        top = f"000.00.00.G{g:02d}"
        out.append((top, f"Bộ {g}", "ministry", None))
        out += [
            (f"000.00.{n:02d}.G{g:02d}", f"Cục {n} G{g:02d}", "department", top)
            for n in range(1, 11)
        ]
    commune = 0
    while len(out) < total:
        h, n, parent = districts[commune % len(districts)]
        out.append(
            (f"000.{commune // len(districts) + 1:02d}.{n:02d}.{h}", "Xã", "commune", parent)
        )
        commune += 1
    rng.shuffle(out)  # file order must not matter (parents may come after children)
    return out[:total]


def make_world(n_dossiers: int, n_offices: int, seed: int) -> World:
    rng = random.Random(seed)
    w = World(offices=make_offices(n_offices, rng))
    weights = {"commune": 1, "district": 3, "department": 6, "province": 2, "ministry": 2}
    codes = [o[0] for o in w.offices]
    cum, total = [], 0
    for o in w.offices:
        total += weights[o[2]]
        cum.append(total)
    seq: dict[tuple[str, int], int] = {}
    picks = rng.choices(codes, cum_weights=cum, k=n_dossiers)
    days = [rng.randrange(DAYS) for _ in range(n_dossiers)]
    order = sorted(range(n_dossiers), key=days.__getitem__)  # ingest roughly in time order
    scan_id = doc_id = link_id = 0
    component_docs: list[int] = []
    for i in order:
        office, day = picks[i], START + timedelta(days=days[i])
        k = seq[(office, days[i])] = seq.get((office, days[i]), 0) + 1
        code = f"{office}-{day:%y%m%d}-{k:04d}"
        r = rng.random()
        kind = "paper" if r < 0.55 else "electronic" if r < 0.9 else "none" if r < 0.95 else ""
        w.dossiers.append((code, office, day, kind))
        if rng.random() < 0.03:
            scan_id += 1
            w.scans.append((scan_id, code, "quarantined"))
        if rng.random() >= 0.6:
            continue
        reuse_from = (
            component_docs[rng.randrange(len(component_docs))]
            if (component_docs and rng.random() < 0.15)
            else None
        )
        for _ in range(2 if rng.random() < 0.05 else 1):
            scan_id += 1
            w.scans.append((scan_id, code, "stored"))
            doc_id += 1
            w.documents.append((doc_id, scan_id, code, False))
            component_docs.append(doc_id)
            if reuse_from is not None:
                link_id += 1
                w.links.append((link_id, doc_id, reuse_from))
                reuse_from = None
        if rng.random() < 0.45:
            doc_id += 1
            w.documents.append((doc_id, scan_id, code, True))
    return w


# --- loading ------------------------------------------------------------------------------


def load(url: str, w: World, tmp: Path) -> dict[str, float]:
    timings = {}
    engine = make_engine(url)
    migrate(engine)
    offices_csv = tmp / "offices.csv"
    with open(offices_csv, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["code", "name", "level", "parent_code"])
        out.writerows([(c, n, lv, p or "") for c, n, lv, p in w.offices])
    register_csv = tmp / "register.csv"
    if not register_csv.exists():
        with open(register_csv, "w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(
                [
                    "dossier_code",
                    "procedure_code",
                    "received_at",
                    "channel",
                    "resolved_at",
                    "result_kind",
                ]
            )
            out.writerows(
                [(c, "1.004227", d.isoformat(), "counter", "", k) for c, _, d, k in w.dossiers]
            )
    t = time.perf_counter()
    with session_scope(engine) as s:
        report = import_offices_csv(s, offices_csv)
        assert not report.bad, report.bad[:3]
    timings["import_offices_s"] = time.perf_counter() - t
    t = time.perf_counter()
    report = import_register(engine, register_csv)
    timings["import_register_s"] = time.perf_counter() - t
    assert not report.bad and not report.offices_created and report.inserted == len(w.dossiers)
    t = time.perf_counter()
    _bulk_facts(engine, w)
    with session_scope(engine) as s:
        refresh_facts(s)
    timings["load_facts_s"] = time.perf_counter() - t
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
            conn.commit()
    engine.dispose()
    return timings


def _bulk_facts(engine, w: World) -> None:
    offices = {c: o for c, o, _, _ in w.dossiers}
    scans = [(i, f"{i:064x}", "bench.pdf", d, offices[d], st, 1) for i, d, st in w.scans]
    docs = [
        (i, s, d, "giay_chung_nhan_qsdd" if r else "don_dang_ky_dat_dai", r)
        for i, s, d, r in w.documents
    ]
    links = [(i, d, e, "gcn_serial") for i, d, e in w.links]
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            raw = conn.connection.driver_connection
            with raw.cursor() as cur:
                for sql, rows in (
                    (
                        "COPY scan (id, sha256, source_name, dossier_code, office_code, status,"
                        " page_count, ingested_at) FROM STDIN",
                        [(*r, "2024-01-01") for r in scans],
                    ),
                    (
                        "COPY document (id, scan_id, dossier_code, doc_type, is_result, first_page,"
                        " confidence, pages) FROM STDIN",
                        [(*r, 1, 0.9, "[1]") for r in docs],
                    ),
                    (
                        "COPY reuse_link (id, document_id, earlier_document_id, reason, created_at)"
                        " FROM STDIN",
                        [(*r, "2024-01-01") for r in links],
                    ),
                ):
                    with cur.copy(sql) as copy:
                        for row in rows:
                            copy.write_row(row)
                for table in ("scan", "document", "reuse_link"):
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table}))"
                    )
        return
    with engine.begin() as conn:
        raw = conn.connection.driver_connection
        raw.executemany(
            "INSERT INTO scan (id, sha256, source_name, dossier_code, office_code, status,"
            " page_count, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, '2024-01-01')",
            scans,
        )
        raw.executemany(
            "INSERT INTO document (id, scan_id, dossier_code, doc_type, is_result, first_page,"
            " confidence, pages) VALUES (?, ?, ?, ?, ?, 1, 0.9, '[1]')",
            docs,
        )
        raw.executemany(
            "INSERT INTO reuse_link (id, document_id, earlier_document_id, reason, created_at)"
            " VALUES (?, ?, ?, ?, '2024-01-01')",
            links,
        )


# --- the independent computation ------------------------------------------------------------


def expected(w: World, period: Period) -> dict[str, dict]:
    """Straight from the generated lists: facts per dossier, counts per office, walk up the
    parents, group by level-1 letter, then the RATES.md formulas."""
    stored = {d for _, d, st in w.scans if st == "stored"}
    stored_scans = {i for i, _, st in w.scans if st == "stored"}
    result_doc = {d for _, s, d, r in w.documents if r and s in stored_scans}
    doc_dossier = {i: d for i, _, d, _ in w.documents}
    reused = {doc_dossier[d] for _, d, _ in w.links}
    parent = {c: p for c, _, _, p in w.offices}
    keys = (
        "received",
        "components_digitized",
        "result_digitized",
        "digitized",
        "e_result_base",
        "e_result",
        "reused",
    )
    totals: dict[str, list[int]] = {}
    for code, office, day, kind in w.dossiers:
        if not (period.start <= day < period.end):
            continue
        comp = code in stored
        result = code in result_doc or kind == "electronic"
        base = kind in ("paper", "electronic")
        values = (1, comp, result, comp and result, base, base and result, code in reused)
        targets = ["VN", office[-3]]
        node: str | None = office
        while node is not None:
            targets.append(node)
            node = parent[node]
        for t in targets:
            acc = totals.setdefault(t, [0] * 7)
            for j, v in enumerate(values):
                acc[j] += int(v)
    out = {}
    for key, acc in totals.items():
        c = dict(zip(keys, acc, strict=True))
        row = dict(c)
        row["digitized_rate"] = c["digitized"] / c["received"]
        row["e_result_rate"] = c["e_result"] / c["e_result_base"] if c["e_result_base"] else None
        row["reuse_rate"] = c["reused"] / c["received"]
        points = 4 * row["digitized_rate"] + 2 * min(1.0, row["reuse_rate"] / 0.8)
        if row["e_result_rate"] is not None:
            points += 6 * row["e_result_rate"]
        row["points"] = points
        out[key] = row
    level = {c: lv for c, _, lv, _ in w.offices}
    by_level: dict[str, list[tuple[float, str]]] = {}
    for key, row in out.items():
        if key in level:
            by_level.setdefault(level[key], []).append((round(row["points"], 9), key))
    for items in by_level.values():
        items.sort(key=lambda x: -x[0])
        rank = 0
        for i, (pts, key) in enumerate(items):
            rank = rank if i and items[i - 1][0] == pts else i + 1
            out[key]["rank"] = rank
    return out


def compare(rows, exp: dict[str, dict]) -> tuple[int, float, list[str]]:
    """(figures compared, largest float difference, mismatches)."""
    got = {r.office_code: r for r in rows}
    problems = []
    if set(got) != set(exp):
        problems.append(f"row sets differ: {len(set(got) ^ set(exp))} codes")
    n, worst = 0, 0.0
    for key in set(got) & set(exp):
        g, e = got[key], exp[key]
        for name, want in e.items():
            have = getattr(g, name)
            n += 1
            if isinstance(want, float) and have is not None:
                worst = max(worst, abs(have - want))
                ok = abs(have - want) <= 1e-9
            else:
                ok = have == want
            if not ok and len(problems) < 10:
                problems.append(f"{key}.{name}: {have!r} != {want!r}")
    return n, worst, problems


# --- register import (issue 5) ---------------------------------------------------------------


def write_register(path: Path, offices: list[str], rows: int, seed: int) -> tuple[int, int]:
    """A one-stop export of `rows` good rows plus repeats and bad rows (see the module doc).
    Returns (distinct codes, bad rows)."""
    rng = random.Random(seed)
    seq: dict[tuple[str, int], int] = {}
    codes: list[str] = []
    bad_at = set(rng.sample(range(rows), min(100, rows // 100)))
    repeat_at = set(rng.sample(range(rows), min(100, rows // 100))) - bad_at
    bad = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow([*register_new.COLUMNS, "officer"])
        for i in range(rows):
            if i in repeat_at and codes:  # a later export line for an earlier dossier
                code = codes[rng.randrange(len(codes))]
                out.writerow([code, "1.004227", "", "online", "", "electronic", "sửa đổi"])
                continue
            office, day = rng.choice(offices), rng.randrange(DAYS)
            k = seq[(office, day)] = seq.get((office, day), 0) + 1
            received = START + timedelta(days=day)
            code = f"{office}-{received:%y%m%d}-{k:04d}"
            if i in bad_at:
                bad += 1
                out.writerow([code, "1.004227", "31/02/2023", "counter", "", "paper", ""])
                continue
            codes.append(code)
            r = rng.random()
            kind = "paper" if r < 0.55 else "electronic" if r < 0.9 else "none" if r < 0.95 else ""
            resolved = received + timedelta(days=rng.randrange(30)) if r < 0.8 else None
            out.writerow(
                [
                    code,
                    rng.choice(("1.004227", "1.010727", "2.000889")),
                    received.strftime("%d/%m/%Y") if r < 0.3 else received.isoformat(),
                    rng.choice(("counter", "online", "post")),
                    resolved.isoformat() if resolved else "",
                    kind,
                    "Nguyễn Văn A" if rng.random() < 0.05 else "",
                ]
            )
    return len(set(codes)), bad


def _digest(engine) -> str:
    """A hash of every dossier's register columns and of the office registry, in code order."""
    h = hashlib.sha256()
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=50_000).execute(
            text(
                "SELECT code, office_code, procedure_code, received_at, channel, resolved_at,"
                " result_kind, attributes, source FROM dossier ORDER BY code"
            )
        )
        for row in result:
            attrs = row[7]
            if isinstance(attrs, str):
                attrs = json.loads(attrs)
            h.update(repr((*row[:7], json.dumps(attrs, sort_keys=True), row[8])).encode())
        for row in conn.execute(
            text("SELECT code, level, parent_code, province_code FROM office ORDER BY code")
        ):
            h.update(repr(tuple(row)).encode())
    return h.hexdigest()


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _server_cpu() -> float | None:
    """CPU seconds used so far by the local PostgreSQL server's processes (exited backends are
    in the postmaster's children times), or None if there is none here. Unlike wall time this
    hardly depends on what else the machine runs, so old and new paths compare fairly."""
    total, found = 0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        if head.endswith("(postgres"):
            found = True
            f = tail.split()
            total += sum(int(x) for x in f[11:15])  # utime stime cutime cstime
    return total / os.sysconf("SC_CLK_TCK") if found else None


def _timed_import(module, engine, path: Path) -> tuple[float, float, tuple[float, ...], object]:
    """(wall s, client CPU s, load average before, report) of one import; the server's CPU
    seconds, when it runs here, in report.server_cpu_s."""
    load_avg = tuple(round(x, 2) for x in os.getloadavg())
    server = _server_cpu() if engine.dialect.name == "postgresql" else None
    t, c = time.perf_counter(), _cpu()
    report = module.import_register(engine, path)
    wall, cpu = time.perf_counter() - t, _cpu() - c
    report.server_cpu_s = round(_server_cpu() - server, 2) if server is not None else None
    return wall, cpu, load_avg, report


def register_backend(
    name: str, url_for, offices_csv: Path, path: Path, old: bool, repeat: int
) -> dict:
    """New path (import, then re-import) and, with `old`, the previous path, each into a fresh
    database from `url_for(tag)`, `repeat` times (interleaved, so both see the same load);
    checks on the first run that both leave the same data and report the same rows."""
    labels = (("new", register_new), ("old", register_before))[: 2 if old else 1]
    out: dict = {"backend": name}
    runs: dict[str, list] = {}
    digests, bad, created = {}, {}, {}
    for run in range(repeat):
        for label, module in labels:
            with url_for(label) as url:
                engine = make_engine(url)
                migrate(engine)
                with session_scope(engine) as s:
                    assert not import_offices_csv(s, offices_csv).bad
                wall, cpu, load_avg, report = _timed_import(module, engine, path)
                print(
                    f"[register {name} {label} #{run + 1}] {wall:.1f} s (client CPU {cpu:.1f} s,"
                    f" server CPU {report.server_cpu_s} s, load {load_avg}) rows {report.rows:,}"
                    f" inserted {report.inserted:,}"
                    f" bad {len(report.bad)} offices created {len(report.offices_created)}",
                    flush=True,
                )
                runs.setdefault(f"{label}_runs_s", []).append(round(wall, 2))
                runs.setdefault(f"{label}_client_cpu_s", []).append(round(cpu, 2))
                runs.setdefault(f"{label}_server_cpu_s", []).append(report.server_cpu_s)
                runs.setdefault(f"{label}_load_avg", []).append(load_avg[0])
                out[f"{label}_report"] = {
                    "rows": report.rows,
                    "inserted": report.inserted,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "bad": len(report.bad),
                    "bad_lines_head": [b.line for b in report.bad[:5]],
                    "offices_created": len(report.offices_created),
                }
                bad[label] = [str(b) for b in report.bad]
                created[label] = report.offices_created
                if label == "new":
                    wall, cpu, load_avg, again = _timed_import(module, engine, path)
                    print(
                        f"[register {name} new #{run + 1}, again] {wall:.1f} s (load {load_avg})"
                        f" inserted {again.inserted} updated {again.updated}"
                        f" unchanged {again.unchanged:,}",
                        flush=True,
                    )
                    runs.setdefault("reimport_runs_s", []).append(round(wall, 2))
                    runs.setdefault("reimport_changed", []).append(again.inserted + again.updated)
                if run == 0:
                    digests[label] = _digest(engine)
                engine.dispose()
    out.update(runs)
    for key in ("new", "old", "reimport"):
        if f"{key}_runs_s" in runs:
            out[f"{key}_s"] = statistics.median(runs[f"{key}_runs_s"])
    problems = []
    if any(runs["reimport_changed"]):
        problems.append(f"re-import changed dossiers: {runs['reimport_changed']}")
    if old:
        if digests["new"] != digests["old"]:
            problems.append("dossiers or offices differ between the new and the old path")
        if bad["new"] != bad["old"]:
            problems.append("bad rows differ between the new and the old path")
        if created["new"] != created["old"]:
            problems.append("offices created differ between the new and the old path")
        if out["new_report"] != out["old_report"]:
            problems.append(f"reports differ: {out['new_report']} != {out['old_report']}")
        out["speedup"] = round(out["old_s"] / out["new_s"], 2)
    out["problems"] = problems
    return out


def _cpu_total(r: dict, label: str) -> float | str:
    """Median of client + server CPU seconds over the runs of one path ('-' if not measured)."""
    client, server = r.get(f"{label}_client_cpu_s"), r.get(f"{label}_server_cpu_s")
    if not client:
        return "-"
    both = [c + (s or 0) for c, s in zip(client, server or [None] * len(client), strict=True)]
    return round(statistics.median(both), 1)


def _spread(values: list | None) -> str:
    return f"{min(values)}-{max(values)}" if values else "-"


def bench_register(args, tmp: Path) -> int:
    from contextlib import contextmanager

    rng = random.Random(args.seed)
    offices = make_offices(args.offices, rng)
    unregistered = {c for c, _, level, _ in offices if level == "commune"}
    unregistered = set(sorted(unregistered)[:50])  # seen only in dossier codes
    offices_csv = tmp / "register-offices.csv"
    with open(offices_csv, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["code", "name", "level", "parent_code"])
        out.writerows([(c, n, lv, p or "") for c, n, lv, p in offices if c not in unregistered])
    path = tmp / "register-import.csv"
    rows = args.register_rows or args.dossiers
    t = time.perf_counter()
    distinct, bad = write_register(path, [o[0] for o in offices], rows, args.seed)
    print(
        f"register file: {rows:,} lines, {distinct:,} dossiers, {bad} bad rows,"
        f" {path.stat().st_size / 1e6:.0f} MB, in {time.perf_counter() - t:.1f} s",
        flush=True,
    )
    results = []
    for backend in args.backends.split(","):
        if backend == "sqlite":

            @contextmanager
            def url_for(tag: str):
                db = tmp / f"register-{tag}.db"
                yield f"sqlite:///{db}"
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)

        else:
            admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")

            @contextmanager
            def url_for(tag: str, admin=admin):
                schema = f"bench_reg_{tag}_{uuid.uuid4().hex[:8]}"
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE SCHEMA "{schema}"'))
                try:
                    sep = "&" if "?" in args.pg_url else "?"
                    yield f"{args.pg_url}{sep}options=-csearch_path%3D{schema}"
                finally:
                    with admin.connect() as conn:
                        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))

        r = register_backend(
            backend, url_for, offices_csv, path, not args.no_old, args.register_repeat
        )
        r["expected_rows"], r["expected_bad"] = distinct, bad
        if r["new_report"]["rows"] != distinct or r["new_report"]["bad"] != bad:
            r["problems"].append(f"expected {distinct} rows and {bad} bad rows")
        results.append(r)
        if backend != "sqlite":
            admin.dispose()

    print(
        f"\nregister import, {rows:,} lines ({distinct:,} dossiers), median of"
        f" {args.register_repeat},"
        f" target < {REGISTER_TARGET_S:.0f} s on PostgreSQL, {os.cpu_count()} cores"
    )
    head = (
        "backend",
        "new s",
        "new rows/s",
        "old s",
        "old rows/s",
        "old/new",
        "target s",
        "meets",
        "re-import s",
        "new CPU s (client+server)",
        "old CPU s",
        "new s min-max",
        "old s min-max",
        "load avg (1 min) min-max",
        "ok",
    )
    print(" | ".join(head))
    for r in results:
        target = REGISTER_TARGET_S if r["backend"] == "postgresql" else None
        print(
            " | ".join(
                str(x)
                for x in (
                    r["backend"],
                    r["new_s"],
                    round(rows / r["new_s"]),
                    r.get("old_s", "-"),
                    round(rows / r["old_s"]) if "old_s" in r else "-",
                    r.get("speedup", "-"),
                    target or "-",
                    ("yes" if r["new_s"] < target else "NO") if target else "-",
                    r["reimport_s"],
                    _cpu_total(r, "new"),
                    _cpu_total(r, "old"),
                    _spread(r.get("new_runs_s")),
                    _spread(r.get("old_runs_s")),
                    _spread(r["new_load_avg"] + r.get("old_load_avg", [])),
                    "yes" if not r["problems"] else "NO",
                )
            )
        )
        for p in r["problems"]:
            print("   problem:", p)
    OUT.mkdir(exist_ok=True)
    report = {
        "lines": rows,
        "dossiers": distinct,
        "bad_rows": bad,
        "target_s": REGISTER_TARGET_S,
        "cpu_count": os.cpu_count(),
        "results": results,
    }
    (OUT / "register.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nwrote {OUT / 'register.json'}")
    return 0 if all(not r["problems"] for r in results) else 1


# --- main ---------------------------------------------------------------------------------


def bench_backend(name: str, url: str, w: World, period: Period, repeat: int, tmp: Path) -> dict:
    print(f"[{name}] loading {len(w.dossiers):,} dossiers ...", flush=True)
    timings = load(url, w, tmp)
    engine = make_engine(url)
    runs, rows = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        with session_scope(engine) as s:
            rows = compute_rates(s, period=period)
        runs.append(time.perf_counter() - t)
    yoy = []
    for _ in range(repeat):
        t = time.perf_counter()
        with session_scope(engine) as s:
            compute_rates(s, period=period, compare_previous_year=True)
        yoy.append(time.perf_counter() - t)
    engine.dispose()
    t = time.perf_counter()
    exp = expected(w, period)
    baseline = time.perf_counter() - t
    n, worst, problems = compare(rows, exp)
    print(
        f"[{name}] rates {statistics.median(runs):.3f} s (runs {[round(r, 3) for r in runs]}),"
        f" python {baseline:.3f} s, {n:,} figures, {'match' if not problems else 'MISMATCH'}",
        flush=True,
    )
    return {
        "backend": name,
        **{k: round(v, 3) for k, v in timings.items()},
        "rates_median_s": round(statistics.median(runs), 4),
        "rates_runs_s": [round(r, 4) for r in runs],
        "rates_yoy_median_s": round(statistics.median(yoy), 4),
        "python_baseline_s": round(baseline, 4),
        "rows": len(rows),
        "figures_compared": n,
        "max_float_diff": worst,
        "mismatches": problems,
        "match": not problems,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dossiers", type=int, default=1_000_000)
    ap.add_argument("--offices", type=int, default=12_000)
    ap.add_argument("--period", default="2023-Q3")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--backends", default="postgresql,sqlite")
    ap.add_argument("--pg-url", default=PG_URL)
    ap.add_argument("--sections", default="rates,register", help="rates, register, or both")
    ap.add_argument("--register-rows", type=int, default=0, help="default: --dossiers")
    ap.add_argument("--no-old", action="store_true", help="skip the previous register import")
    ap.add_argument("--register-repeat", type=int, default=1, help="register runs (median)")
    args = ap.parse_args()
    sections = args.sections.split(",")
    status = 0
    if "register" in sections:
        with tempfile.TemporaryDirectory() as tmpdir:
            status |= bench_register(args, Path(tmpdir))
    if "rates" in sections:
        status |= bench_rates(args)
    return status


def bench_rates(args) -> int:
    period = Period.parse(args.period)

    t = time.perf_counter()
    w = make_world(args.dossiers, args.offices, args.seed)
    print(
        f"generated {len(w.offices):,} offices, {len(w.dossiers):,} dossiers, "
        f"{len(w.scans):,} scans, {len(w.documents):,} documents, {len(w.links):,} reuse links"
        f" in {time.perf_counter() - t:.1f} s",
        flush=True,
    )
    results = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for backend in args.backends.split(","):
            if backend == "sqlite":
                results.append(
                    bench_backend(
                        "sqlite", f"sqlite:///{tmp / 'bench.db'}", w, period, args.repeat, tmp
                    )
                )
                continue
            admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            with admin.connect() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                sep = "&" if "?" in args.pg_url else "?"
                url = f"{args.pg_url}{sep}options=-csearch_path%3D{schema}"
                results.append(bench_backend("postgresql", url, w, period, args.repeat, tmp))
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()

    print(
        f"\ncompute_rates, all offices, period {period}, {len(w.dossiers):,} dossiers, "
        f"{len(w.offices):,} offices (median of {args.repeat})"
    )
    head = (
        "backend",
        "rates s",
        "+prev-year s",
        "python s",
        "py/sql",
        "rows",
        "figures",
        "match",
        "register import s",
        "facts load s",
    )
    print(" | ".join(head))
    for r in results:
        print(
            " | ".join(
                str(x)
                for x in (
                    r["backend"],
                    r["rates_median_s"],
                    r["rates_yoy_median_s"],
                    r["python_baseline_s"],
                    round(r["python_baseline_s"] / r["rates_median_s"], 2),
                    r["rows"],
                    r["figures_compared"],
                    "yes" if r["match"] else "NO",
                    r["import_register_s"],
                    r["load_facts_s"],
                )
            )
        )
        for p in r["mismatches"]:
            print("   mismatch:", p)
    OUT.mkdir(exist_ok=True)
    report = {
        "dossiers": len(w.dossiers),
        "offices": len(w.offices),
        "period": str(period),
        "scans": len(w.scans),
        "documents": len(w.documents),
        "reuse_links": len(w.links),
        "results": results,
    }
    (OUT / "rates.json").write_text(json.dumps(report, indent=2))
    print(f"\nwrote {OUT / 'rates.json'}")
    return 0 if all(r["match"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
