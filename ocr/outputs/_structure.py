"""Blocks and lines from the reading-order ids `ocr.recognize` puts on each word."""

from __future__ import annotations

from itertools import groupby

from ocr.result import Word

Box = tuple[int, int, int, int]


def union(boxes: list[Box]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def blocks(words: list[Word]) -> list[list[list[Word]]]:
    """Words (in reading order) -> blocks -> lines -> words."""
    out: list[list[list[Word]]] = []
    for _, block_words in groupby(words, key=lambda w: w.block):
        lines = [list(ws) for _, ws in groupby(block_words, key=lambda w: w.line)]
        out.append(lines)
    return out
