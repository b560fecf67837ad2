"""`fixity-check`: weekly re-hash of every stored object (`sohoa verify` as a flow)."""

from __future__ import annotations

from dataclasses import asdict

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows.verify import FixityReport, verify
from sohoa.runtime import fixity_windows, open_database, open_store
from sohoa.settings import get_settings


@flow(name="fixity-check", validate_parameters=False)
def fixity_check(full: bool = True, repair: bool = False, purge: bool = False) -> FixityReport:
    settings = get_settings()
    log = get_run_logger()
    with open_store(settings) as store:
        engine = open_database(settings)
        windows = fixity_windows(settings)
        report = verify(store, engine, full=full, repair=repair, purge=purge, **windows)
        engine.dispose()
    counts = {k: len(report.of(k)) for k in ("missing", "corrupt", "orphan")}
    log.info(
        "checked %d scans, %d objects: %s", report.scans_checked, report.objects_checked, counts
    )
    if report.findings:
        create_table_artifact(
            key="fixity-findings",
            table=[asdict(f) for f in report.findings[:1000]],
            description=f"Fixity problems: {counts}",
        )
    create_markdown_artifact(
        key="fixity-summary",
        markdown=(
            f"# Fixity check\n\n{report.scans_checked} stored scans, {report.objects_checked} "
            f"objects checked{' (bytes re-hashed)' if full else ''}.\n\n"
            + "\n".join(f"- **{k}**: {n}" for k, n in counts.items())
            + (f"\n- orphans moved under orphans/: {len(report.repaired)}" if repair else "")
            + (f"\n- manifests rebuilt: {len(report.manifests_rebuilt)}" if repair else "")
        ),
    )
    return report
