"""Benchmark: `compute_rates` for all offices and one period over a large register.

Generates (deterministic by seed) 12,000 offices and N dossiers over two years with digitization
facts (stored and quarantined scans, result documents, reuse links), loads them through the real
paths (`import_offices_csv`, `import_register`, bulk scans/documents/links, `refresh_facts`),
then times `compute_rates(period=...)` on PostgreSQL and SQLite (median of --repeat runs) and
checks every figure of every row against an independent, straightforward computation in Python
over the generated data (the baseline, timed in the same run).

    .venv/bin/python bench/rates.py                      # 1M dossiers, both backends
    .venv/bin/python bench/rates.py --dossiers 20000     # smoke run

Writes bench/out/rates.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from models import repository as repo  # noqa: E402
from models.db import make_engine, migrate, session_scope  # noqa: E402
from models.provinces import PROVINCES  # noqa: E402
from models.rates import Period, compute_rates  # noqa: E402

OUT = Path(__file__).parent / "out"
START = date(2022, 1, 1)
DAYS = 730
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
        report = repo.import_offices_csv(s, offices_csv)
        assert not report.bad, report.bad[:3]
    timings["import_offices_s"] = time.perf_counter() - t
    t = time.perf_counter()
    report = repo.import_register(engine, register_csv)
    timings["import_register_s"] = time.perf_counter() - t
    assert not report.bad and not report.offices_created and report.inserted == len(w.dossiers)
    t = time.perf_counter()
    _bulk_facts(engine, w)
    with session_scope(engine) as s:
        repo.refresh_facts(s)
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
    args = ap.parse_args()
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
            from sqlalchemy import create_engine

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
