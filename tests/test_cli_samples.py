"""`sohoa samples` writes an offices file beside the register (issue 16), so after importing both
no office is "unknown", and `sohoa rates` exports them in files an office opens."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

from openpyxl import load_workbook

SOHOA = [sys.executable, "-m", "sohoa.cli"]


def sohoa(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*SOHOA, *args], capture_output=True, text=True, env=env, timeout=600)


def test_samples_offices_make_every_office_known_and_exports_open(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env["SOHOA_DATA_DIR"] = str(tmp_path / "var")
    out = tmp_path / "samples"
    made = sohoa(env, "samples", str(out), "--dossiers", "2", "--seed", "4")
    assert made.returncode == 0, made.stderr
    assert (out / "offices.csv").is_file()

    offices = sohoa(env, "offices", "import", str(out / "offices.csv"))
    assert offices.returncode == 0 and "0 bad" in offices.stdout, offices.stdout
    register = sohoa(env, "register", "import", str(out / "register.csv"))
    assert register.returncode == 0, register.stderr
    assert "0 office(s) created" in register.stdout
    assert "(" not in offices.stdout.split(":", 1)[0]  # words, not a Python repr

    rates = sohoa(
        env, "rates", "--json", "--csv", str(tmp_path / "r.csv"), "--xlsx", str(tmp_path / "r.xlsx")
    )
    assert rates.returncode == 0, rates.stderr
    rows = json.loads(rates.stdout)
    assert rows and not [r["office_code"] for r in rows if r["level"] == "unknown"]
    assert all(r["office_name"] != r["office_code"] for r in rows)
    assert (tmp_path / "r.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    with open(tmp_path / "r.csv", encoding="utf-8-sig") as fh:
        table = list(csv.DictReader(fh))
    assert {r["Mã đơn vị"] for r in table} == {r["office_code"] for r in rows}
    assert "Toàn quốc" in load_workbook(tmp_path / "r.xlsx").sheetnames
