"""One exit-code policy for every command (issue 16): each command run with a wrong argument
exits with the policy's code and says why in one stderr line, no traceback. The commands are
walked from the Typer app, so a new command without a case here fails the test."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

SOHOA = [sys.executable, "-m", "sohoa.cli"]
DEAD_PG = "postgresql+psycopg://sohoa:hunter2secret@127.0.0.1:9/sohoa"


def cases(tmp: Path) -> dict[str, list[tuple[list[str], dict[str, str], int, str]]]:
    """{command path: [(argv, extra env, exit code, words the one stderr line holds)]}."""
    missing = str(tmp / "nowhere")
    return {
        "ocr": [(["ocr", f"{missing}.pdf"], {}, 2, "nowhere.pdf")],
        "samples": [(["samples", str(tmp / "s"), "--dossiers", "0"], {}, 2, "--dossiers")],
        "train": [(["train", "--out", f"{missing}/m.npz"], {}, 2, "does not exist")],
        "ingest": [(["ingest", missing], {}, 2, "no such folder")],
        "backfill": [
            (["backfill", str(tmp), "--since", "2023-13-45"], {}, 2, "--since 2023-13-45"),
            (["backfill", missing], {}, 2, "no such folder"),
        ],
        "verify": [
            (["verify"], {"SOHOA_S3_ENDPOINT": "127.0.0.1:9"}, 4, "S3 unreachable at 127.0.0.1:9")
        ],
        "rates": [
            (["rates", "--period", "2023-Q5"], {}, 2, "2023-Q5"),
            (["rates", "--office", "NOPE"], {}, 2, "unknown office NOPE"),
            (["rates", "--level", "bogus"], {}, 2, "unknown level bogus"),
            (["rates", "--csv", f"{missing}/r.csv"], {}, 2, "does not exist"),
            (["rates"], {"SOHOA_DATABASE_URL": DEAD_PG}, 4, "database unreachable"),
        ],
        "search": [(["search", "--citizen-id", "123"], {}, 2, "12 digits")],
        "get": [(["get", "no/such/key.pdf", "-o", str(tmp / "x.pdf")], {}, 2, "no/such/key.pdf")],
        "dashboard": [(["dashboard", "--port", "0"], {}, 2, "--port")],
        "serve": [
            (["serve"], {"PREFECT_API_URL": "http://127.0.0.1:9/api"}, 4, "Prefect unreachable")
        ],
        "demo": [(["demo", "--dossiers", "0"], {}, 2, "--dossiers")],
        "review": [(["review", "--limit", "0"], {}, 2, "--limit")],
        "review show": [(["review", "show", "999"], {}, 2, "no document 999")],
        "review set": [(["review", "set", "1", "--type", "nope"], {}, 2, "'nope'")],
        "db upgrade": [
            (["db", "upgrade"], {"SOHOA_DATABASE_URL": DEAD_PG}, 4, "127.0.0.1:9/sohoa")
        ],
        "s3 start": [(["s3", "start"], {"SOHOA_S3_ENDPOINT": "127.0.0.1:9"}, 2, "127.0.0.1:9")],
        "s3 stop": [(["s3", "stop", "--bogus"], {}, 2, "--bogus")],
        "register import": [(["register", "import", f"{missing}.csv"], {}, 2, "nowhere.csv")],
        "offices import": [(["offices", "import", f"{missing}.csv"], {}, 2, "nowhere.csv")],
        "web": [(["web", "--port", "abc"], {}, 2, "--port")],
        "user add": [(["user", "add", "x", "--role", "bogus", "--password-stdin"], {}, 2, "bogus")],
        "user list": [(["user", "list", "--bogus"], {}, 2, "--bogus")],
        "user disable": [(["user", "disable", "nobody"], {}, 2, "nobody")],
        "user passwd": [(["user", "passwd", "nobody", "--password-stdin"], {}, 2, "8")],
        "token add": [
            (["token", "add", "x", "--office", "NOPE", "--scopes", "dossiers:read"], {}, 2, "NOPE")
        ],
        "token list": [(["token", "list", "--bogus"], {}, 2, "--bogus")],
        "token revoke": [(["token", "revoke", "nobody"], {}, 2, "nobody")],
        "webhooks": [(["webhooks", "--bogus"], {}, 2, "--bogus")],
        "webhooks send": [(["webhooks", "send", "--bogus"], {}, 2, "--bogus")],
    }


def command_paths() -> set[str]:
    """Every command a user can run: leaves, and groups that act without a subcommand."""
    import typer

    from sohoa.cli import app

    found: set[str] = set()

    def walk(command, path: str) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands is None or getattr(command, "invoke_without_command", False):
            found.add(path)
        for name, sub in (subcommands or {}).items():
            walk(sub, f"{path} {name}".strip())

    walk(typer.main.get_command(app), "")
    return found - {""}


def run(argv: list[str], env: dict[str, str], data_dir: Path) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("SOHOA_", "PREFECT_API"))}
    full.update(SOHOA_DATA_DIR=str(data_dir), **env)
    return subprocess.run(
        [*SOHOA, *argv],
        capture_output=True,
        text=True,
        env=full,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def test_every_command_has_a_case(tmp_path):
    assert command_paths() == set(cases(tmp_path))


def test_wrong_arguments_exit_by_the_policy_with_one_line(tmp_path):
    data_dir = tmp_path / "var"
    todo = [case for group in cases(tmp_path).values() for case in group]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda c: run(c[0], c[1], data_dir), todo))
    problems = []
    for (argv, _, code, words), proc in zip(todo, results, strict=True):
        lines = proc.stderr.strip().splitlines()
        if proc.returncode != code or len(lines) != 1 or words not in lines[0]:
            problems.append(f"sohoa {' '.join(argv)} -> {proc.returncode}: {proc.stderr[-600:]}")
        if "hunter2secret" in proc.stderr or "Traceback" in proc.stderr:
            problems.append(f"sohoa {' '.join(argv)} leaked: {proc.stderr[-600:]}")
    assert not problems, "\n".join(problems)


def test_debug_shows_the_traceback(tmp_path):
    proc = run(["--debug", "rates", "--office", "NOPE"], {}, tmp_path / "var")
    assert proc.returncode == 2
    assert "Traceback" in proc.stderr and proc.stderr.strip().endswith(
        "unknown office NOPE (see `sohoa offices import`)"
    )


def test_help_states_the_policy_and_every_option_has_help():
    import typer

    from sohoa.cli import app

    proc = subprocess.run([*SOHOA, "--help"], capture_output=True, text=True, timeout=60)
    text = " ".join(proc.stdout.replace("│", " ").split())
    assert "2 bad arguments or input" in text and "130 interrupted" in text
    undocumented = []

    def walk(command, path: str) -> None:
        for param in command.params:
            if not getattr(param, "help", None) and param.name not in ("help",):
                undocumented.append(f"{path} {param.name}")
        for name, sub in (getattr(command, "commands", None) or {}).items():
            walk(sub, f"{path} {name}")

    walk(typer.main.get_command(app), "sohoa")
    assert not undocumented


def test_version():
    proc = subprocess.run([*SOHOA, "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("sohoa ")


def test_interrupt_exits_130(tmp_path):
    proc = subprocess.Popen(
        [*SOHOA, "samples", str(tmp_path / "s"), "--dossiers", "40"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "SOHOA_DATA_DIR": str(tmp_path / "var"), "PYTHONFAULTHANDLER": "1"},
    )
    deadline = time.monotonic() + 60
    while not (tmp_path / "s").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # where it hangs: the fault handler dumps every thread
        proc.send_signal(signal.SIGABRT)
        pytest.fail("still running 60 s after Ctrl-C:\n" + proc.communicate()[1][-4000:])
    assert proc.returncode == 130
    assert err.strip().splitlines() == ["interrupted"]


@pytest.mark.parametrize("argv", [["--data-dir"], ["bogus"]])
def test_usage_errors_are_one_line(tmp_path, argv):
    proc = run(argv, {}, tmp_path / "var")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1


def test_a_quarantined_input_exits_1(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "empty.pdf").write_bytes(b"")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOHOA_", "PREFECT_"))}
    env["SOHOA_DATA_DIR"] = str(tmp_path / "var")
    proc = subprocess.run(
        [*SOHOA, "ingest", str(inbox)], capture_output=True, text=True, env=env, timeout=600
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "quarantined" in proc.stdout
    assert "Quarantined" in proc.stderr  # the task's final state in Prefect's log
