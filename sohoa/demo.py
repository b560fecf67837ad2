"""`make demo`: sample dossiers → inbox → ingest flow → rates, on the embedded defaults.

Deterministic: the same seed generates the same scans, so a second run finds every scan already
stored (by SHA-256) and changes no rate.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sohoa.settings import Settings


def run_demo(settings: Settings, *, seed: int, dossiers: int) -> None:
    from rich.console import Console

    console = Console()
    samples_dir = settings.data_dir / "samples" / f"seed-{seed}"
    if not (samples_dir / "register.csv").exists():
        from samples.generate import generate

        console.print(f"generating {dossiers} sample dossiers in {samples_dir}")
        generate(samples_dir, seed=seed, dossiers=dossiers)
    copied = drop_into_inbox(samples_dir / "inbox", settings.inbox_dir)
    console.print(f"{copied} scan file(s) dropped into {settings.inbox_dir}")

    from models.db import session_scope
    from models.offices import import_offices_csv, seed_provinces
    from models.register import import_register
    from samples.offices import write_offices_csv
    from sohoa.runtime import open_database, prefect_ready

    engine = open_database(settings)
    write_offices_csv(samples_dir / "offices.csv")  # what `sohoa samples` writes beside them
    with session_scope(engine) as session:
        seed_provinces(session)
        offices = import_offices_csv(session, samples_dir / "offices.csv")
    console.print(
        f"offices: {offices.created} created, {offices.updated} updated, {len(offices.bad)} bad"
    )
    register = import_register(engine, samples_dir / "register.csv")
    console.print(
        f"register: {register.rows} dossier(s), {register.inserted} new, {register.updated} "
        f"updated, {len(register.bad)} bad row(s)"
    )

    dashboard = prefect_ready(settings)
    from flows.ingest import ingest_inbox
    from sohoa.cli.progress import scan_progress
    from sohoa.report import print_ingest_summary, print_rates
    from sohoa.services.rates import rates

    with scan_progress("sample scans"):
        print_ingest_summary(ingest_inbox(str(settings.inbox_dir)))
    print_rates(rates(settings))
    if dashboard:
        console.print(f"runs and rates tables: {dashboard.removesuffix('/api')}")
    else:
        console.print("runs and rates tables: start the dashboard with `sohoa dashboard`")
    _web_invitation(console, engine, settings)


def _web_invitation(console, engine, settings: Settings) -> None:
    """The demo's own web account (only in the demo's data dir, never in a production start):
    made once, with a password kept beside the data it shows."""
    from sohoa.web.demo_account import ensure_demo_account

    username, password = ensure_demo_account(engine, settings)
    console.print(
        "\nStaff web app: run [bold]sohoa web[/bold] (same data dir), then open "
        "[bold]http://127.0.0.1:8000/[/bold]\n"
        f"demo account: [bold]{username}[/bold] / password: [bold]{password}[/bold]"
    )


def drop_into_inbox(source: Path, inbox: Path) -> int:
    """Copy the sample inbox like counter staff would: same layout, file by file."""
    count = 0
    for path in sorted(source.rglob("*")):
        if path.is_file():
            target = inbox / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            count += 1
    return count
