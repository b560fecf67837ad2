"""Where the families section of bench/ocr.py loses characters: per family member, page kind and
truth line, with the truth and what was read beside it.

Reads what `bench/ocr.py --only families` leaves behind (bench/out/families-<seed>-<n>/corpus.json
and the texts in bench/out/texts-families/), so it costs no recognition:

    .venv/bin/python bench/family_errors.py --seed 7 --split held_out --levels clean,mild
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.ocr import OUT, norm  # noqa: E402


def read_texts(path: Path) -> dict[str, str]:
    """{system: text} of one dump of `_dump_texts` ('=== truth (...)', '=== sohoa', ...)."""
    out: dict[str, list[str]] = {}
    name = None
    for line in path.read_text("utf-8").split("\n"):
        if line.startswith("=== "):
            name = line[4:].split(" (")[0]
            out[name] = []
        elif name is not None:
            out[name].append(line)
    return {k: "\n".join(v) for k, v in out.items()}


def line_losses(truth: str, read: str) -> list[tuple[int, str, str]]:
    """(edits, truth line, what was read in its place) for each truth line with errors: the edit
    operations of the page (normalised as bench/ocr.py scores it) charged to the truth line they
    fall in."""
    lines = [norm(x) for x in truth.split("\n") if norm(x)]
    t, h = " ".join(lines), norm(read)
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1

    def line_of(i: int) -> int:
        k = 0
        while k + 1 < len(starts) and starts[k + 1] <= i:
            k += 1
        return k

    cost: dict[int, int] = defaultdict(int)
    span: dict[int, list[int]] = {}
    for o in Levenshtein.opcodes(t, h):
        op, i1, i2, j1, j2 = o.tag, o.src_start, o.src_end, o.dest_start, o.dest_end
        k = line_of(min(i1, max(len(t) - 1, 0)))
        if op != "equal":
            cost[k] += max(i2 - i1, j2 - j1)
        lo, hi = span.get(k, [j1, j2])
        span[k] = [min(lo, j1), max(hi, j2)]
    return [(cost[k], lines[k], h[span[k][0] : span[k][1]]) for k in sorted(cost)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--pages", type=int, default=96)
    ap.add_argument("--split", default="held_out")
    ap.add_argument("--levels", default="clean,mild")
    ap.add_argument("--system", default="sohoa")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    levels = set(args.levels.split(","))
    corpus = json.loads((OUT / f"families-{args.seed}-{args.pages}" / "corpus.json").read_text())
    by_member: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    losses = []
    pages = []
    for rec in corpus["pages"]:
        if rec["split"] != args.split or rec["level"] not in levels or rec["blank"]:
            continue
        texts = read_texts(OUT / "texts-families" / f"{Path(rec['file']).stem}.txt")
        truth, read = texts["truth"], texts.get(args.system, "")
        edits, chars = Levenshtein.distance(norm(truth), norm(read)), len(norm(truth))
        raw = Levenshtein.distance(norm(truth), norm(texts.get("tesseract", "")))
        pages.append((edits, chars, raw, rec))
        for axis, member in {**rec["families"], **{k: "yes" for k in rec["kinds"]}}.items():
            cell = by_member[f"{axis}={member}"]
            cell[0], cell[1], cell[2] = cell[0] + edits, cell[1] + chars, cell[2] + 1
        for cost, line, got in line_losses(truth, read):
            losses.append((cost, rec["file"], line, got))
    total = sum(p[0] for p in pages)
    chars = sum(p[1] for p in pages)
    print(f"{args.split} {sorted(levels)}: {len(pages)} pages, {total} edits / {chars} chars "
          f"= CER {total / max(chars, 1):.4f} ({args.system})")  # fmt: skip
    print("\n# pages by characters lost (edits, CER, raw tesseract edits, families)")
    for edits, n, raw, rec in sorted(pages, key=lambda p: -p[0])[: args.top]:
        fam = " ".join(v for k, v in rec["families"].items() if k != "layout")
        where = f"{rec['file']:<16} {rec['level']:<6} {fam} {rec['families'].get('layout', '')}"
        print(f"{edits:5d} {edits / max(n, 1):.3f} raw {raw:5d}  {where} {rec['kinds']}")
    print("\n# family members / page kinds (edits, share of all edits, CER on their pages, pages)")
    for key, (e, n, k) in sorted(by_member.items(), key=lambda kv: -kv[1][0]):
        print(f"{e:5d} {e / max(total, 1):5.1%} {e / max(n, 1):.4f} {k:3d}  {key}")
    print(f"\n# truth lines by characters lost (top {args.top})")
    for cost, file, line, got in sorted(losses, key=lambda x: -x[0])[: args.top]:
        print(f"{cost:4d} {file}\n     truth: {line[:150]}\n     read : {got[:150]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
