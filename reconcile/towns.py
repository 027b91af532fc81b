"""乡镇/街道 full names (``reconcile/data/towns.csv.gz``) and where they lie, for
``reconcile.regions``: a town name in a text places it in its county ("塘栖镇" -> 临平区).

Matching is on ``normalize_text`` forms (the table is stored so). Every 乡级 name ends with one
of ``TOWN_MARKS``, so a text is searched from the ends of its marks, not position by position.
"""

from __future__ import annotations

import gzip
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reconcile.regions import Place

TOWNS_PATH = Path(__file__).resolve().parent / "data" / "towns.csv.gz"
# How 乡级 division names end; a text that holds none of these names no town.
TOWN_MARKS = ("镇", "乡", "街道", "苏木")


def has_town_mark(text: str) -> bool:
    """The text holds one of TOWN_MARKS (a cheap test before ``Towns.found_in``)."""
    return "镇" in text or "乡" in text or "街道" in text or "苏木" in text   # TOWN_MARKS, unrolled


class Towns:
    """乡镇/街道 full names (towns.csv.gz) -> the places of the towns so named."""

    def __init__(self, places_by_code: Mapping[str, Place], path: Path = TOWNS_PATH) -> None:
        """``places_by_code``: the place of each county-level (or city-level) division code."""
        by_name: dict[str, list[Place]] = {}
        with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
            lines = fh.read().split("\n")
        # names are stored in normalize_text form (bench/make_divisions.py; a test checks it)
        for line in lines[1:]:
            code, _, key = line.partition(",")
            # 乡级 divisions only: the statistics' 农场, 开发区, 团 … are not (and are vaguer names)
            if len(key) < 3 or not key.endswith(TOWN_MARKS):
                continue
            place = places_by_code.get(code[:6]) or places_by_code.get(code[:4] + "00")
            if place is not None:
                by_name.setdefault(key, []).append(place)
        self.by_name = {k: tuple(v) if len(v) == 1 else tuple(dict.fromkeys(v)) for k, v in by_name.items()}
        lengths: dict[str, set[int]] = {}   # last three characters -> lengths of the names so ending
        for key in self.by_name:
            lengths.setdefault(key[-3:], set()).add(len(key))
        self.lengths = {tail: tuple(sorted(ns)) for tail, ns in lengths.items()}

    def found_in(self, text: str) -> list[tuple[int, str]]:
        """(start, name) of the town names in text, longest first at each place, no overlaps
        (read left to right: a name starting inside an earlier one is not taken)."""
        # a name ends where a mark ends, and ends with the three characters there: the lengths
        # of the names so ending give the few candidates, each one dict lookup
        by_name, lengths = self.by_name, self.lengths
        found = []
        for mark in TOWN_MARKS:
            end = text.find(mark) + len(mark)
            while end >= len(mark):       # find gave -1: end is len(mark) - 1
                if end >= 3:
                    for n in lengths.get(text[end - 3:end], ()):
                        if n <= end and text[end - n:end] in by_name:
                            found.append((end - n, -n))
                end = text.find(mark, end) + len(mark)
        if len(found) > 1:
            found.sort()      # leftmost first, then longest
        out: list[tuple[int, str]] = []
        taken = 0
        for start, n in found:
            if start >= taken:
                taken = start - n
                out.append((start, text[start:taken]))
        return out
