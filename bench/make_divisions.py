"""Regenerate ``reconcile/data/divisions.csv`` from the cpca package's ``adcodes.csv``.

Usage::

    python bench/make_divisions.py [PATH/TO/cpca/resources/adcodes.csv] [--out reconcile/data/divisions.csv]

The source is the MIT-licensed ``cpca`` package (0.5.5, https://github.com/DQinYuan/chinese_province_city_area_mapper),
whose ``resources/adcodes.csv`` holds the 民政部 county-level-and-above divisions (12-digit codes, ~2020).
Get it with ``pip download cpca==0.5.5 --no-deps`` and unzip the wheel; this script needs only the CSV.

The hierarchy is derived from the 6-digit code: ``PP0000`` province, ``PPCC00`` city, anything else a
county-level division. Placeholders (市辖区, 县, 省直辖县级行政区划 …) are dropped. Counties of the four
直辖市 (11, 12, 31, 50) hang directly under the province: their ``city`` is the province name. Counties
directly under a province (``PP90xx``: 仙桃市, 济源市, 石河子市 …) have an empty ``city``.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

MUNICIPALITIES = ("11", "12", "31", "50")
PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
DEFAULT_SRC = Path("/tmp/dl/cpca/cpca/resources/adcodes.csv")
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "reconcile" / "data" / "divisions.csv"


def build_rows(src: Path) -> list[dict[str, str]]:
    with src.open(encoding="utf-8", newline="") as fh:
        names = {row["adcode"][:6]: row["name"].strip() for row in csv.DictReader(fh)}
    rows = []
    for code in sorted(names):
        name = names[code]
        if name in PLACEHOLDERS:
            continue
        pp, cc = code[:2], code[2:4]
        province = names.get(pp + "0000", "")
        if code[2:] == "0000":
            rows.append({"code": code, "name": name, "level": "province",
                         "province": name, "city": "", "county": ""})
        elif code[4:] == "00":
            rows.append({"code": code, "name": name, "level": "city",
                         "province": province, "city": name, "county": ""})
        else:
            if pp in MUNICIPALITIES:
                city = province
            else:
                city = names.get(pp + cc + "00", "")
                if city in PLACEHOLDERS:
                    city = ""
            rows.append({"code": code, "name": name, "level": "county",
                         "province": province, "city": city, "county": name})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", nargs="?", type=Path, default=DEFAULT_SRC)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    rows = build_rows(args.src)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["code", "name", "level", "province", "city", "county"],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} divisions to {args.out}")


if __name__ == "__main__":
    main()
