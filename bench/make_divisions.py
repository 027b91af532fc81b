"""Regenerate ``reconcile/data/divisions.csv``, ``towns.csv.gz`` and ``renamed.csv``.

Usage::

    python bench/make_divisions.py SRC/ok_data_level3.csv SRC/ok_data_level4.csv \
        [--old OLD/divisions.csv] [--out-dir reconcile/data]

The source is xiangyuecn/AreaCity-JsSpider-StatsGov (MIT), release **2023.240319.250114**
(2025-01-14), which merges 民政部 行政区划代码 (2023-04-23) with 国家统计局 统计用区划代码 (2023-09-11).
Its two CSV files are ``src/采集到的数据/ok_data_level3.csv`` (省/市/县) and ``ok_data_level4.csv``
(the same plus 乡镇/街道), utf-8 with a BOM: ``id, pid, deep, name, pinyin_prefix, pinyin, ext_id,
ext_name`` (``deep`` 0..3; ``ext_id`` the 12-digit code; ``ext_name`` the full name).

- divisions.csv: province, city and county rows, as before (see reconcile/data/README.md for the
  conventions). Only the province rows of 台湾/香港/澳门 are kept (the 民政部 table has no
  subdivisions for them; the source's come from map vendors) and 国外 is dropped.
- towns.csv.gz: ``code,name`` of every 乡镇/街道 (9-digit code, full name in ``normalize_text``
  form, without a trailing 办事处, so that loading needs no normalising); its county is the
  division whose code is the first six digits, else (东莞, 中山, 儋州, 嘉峪关: cities without
  counties) its city, the first four digits + ``00``.
- renamed.csv: names no longer current, with the current division(s) an owner written with them
  belongs to: the hand list ``MANUAL`` below (mergers and splits), plus, with ``--old`` (the
  previous edition of divisions.csv, e.g. ``git show 548fb6e:reconcile/data/divisions.csv``), every
  county of the old edition missing from the new one whose short form names exactly one new county
  of the same city (临安市 -> 临安区, 玉环县 -> 玉环市). Old counties matched neither way are printed.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reconcile.normalize import normalize_text  # noqa: E402
from reconcile.regions import _short_form  # noqa: E402  (the resolver's own short forms)

MUNICIPALITIES = ("11", "12", "31", "50")
OUTSIDE_MAINLAND = ("71", "81", "82")        # province rows only
DROPPED_PROVINCES = ("91",)                   # 国外
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "reconcile" / "data"

# (old name, province, old city, current names: the main successor first, year, what happened);
# a current name is looked up in the province (unique there). An old name that is still current
# (余杭区) lists itself first: parts of it went elsewhere. Sources: the 民政部 change lists
# (县级以上行政区划变更情况) of the years named, typed in by hand; names not listed here and not matched by the rules in
# build_renamed are printed by the script.
MANUAL: tuple[tuple[str, str, str, tuple[str, ...], str, str], ...] = (
    ("下城区", "浙江省", "杭州市", ("拱墅区",), "2021", "下城区撤销，并入拱墅区"),
    ("江干区", "浙江省", "杭州市", ("上城区", "钱塘区"), "2021",
     "江干区撤销，大部并入上城区；下沙、白杨街道划入新设钱塘区"),
    ("余杭区", "浙江省", "杭州市", ("余杭区", "临平区"), "2021",
     "余杭区东部（临平、东湖、南苑、星桥、运河、乔司、崇贤街道和塘栖镇）划出设临平区"),
    ("苍南县", "浙江省", "温州市", ("苍南县", "龙港市"), "2019",
     "苍南县龙港镇撤销，设立县级龙港市（温州市代管）"),
    ("萧山区", "浙江省", "杭州市", ("萧山区", "钱塘区"), "2021",
     "萧山区河庄、义蓬、新湾、临江、前进街道划入新设钱塘区"),
    ("江东区", "浙江省", "宁波市", ("鄞州区",), "2016", "江东区撤销，并入鄞州区"),
    ("滦县", "河北省", "唐山市", ("滦州市",), "2018", "撤县设市"),
    ("桥东区", "河北省", "邢台市", ("襄都区",), "2020", "更名"),
    ("桥西区", "河北省", "邢台市", ("信都区",), "2020", "更名"),
    ("邢台县", "河北省", "邢台市", ("信都区", "襄都区"), "2020", "撤销，并入信都区、襄都区"),
    ("任县", "河北省", "邢台市", ("任泽区",), "2020", "撤县设区"),
    ("城区", "山西省", "大同市", ("平城区",), "2018", "与矿区合并设平城区"),
    ("矿区", "山西省", "大同市", ("平城区", "云冈区"), "2018", "撤销，并入平城区、云冈区"),
    ("南郊区", "山西省", "大同市", ("云冈区",), "2018", "更名"),
    ("大同县", "山西省", "大同市", ("云州区",), "2018", "撤县设区"),
    ("城区", "山西省", "长治市", ("潞州区",), "2018", "与郊区合并设潞州区"),
    ("郊区", "山西省", "长治市", ("潞州区",), "2018", "与城区合并设潞州区"),
    ("长治县", "山西省", "长治市", ("上党区",), "2018", "撤县设区"),
    ("公主岭市", "吉林省", "四平市", ("公主岭市",), "2020", "改由长春市代管"),
    ("伊春区", "黑龙江省", "伊春市", ("伊美区",), "2019", "与美溪区合并设伊美区"),
    ("美溪区", "黑龙江省", "伊春市", ("伊美区",), "2019", "与伊春区合并设伊美区"),
    ("乌马河区", "黑龙江省", "伊春市", ("乌翠区",), "2019", "与翠峦区合并设乌翠区"),
    ("翠峦区", "黑龙江省", "伊春市", ("乌翠区",), "2019", "与乌马河区合并设乌翠区"),
    ("上甘岭区", "黑龙江省", "伊春市", ("友好区",), "2019", "并入友好区"),
    ("西林区", "黑龙江省", "伊春市", ("金林区",), "2019", "撤销，设金林区"),
    ("汤旺河区", "黑龙江省", "伊春市", ("汤旺县",), "2019", "与乌伊岭区合并设汤旺县"),
    ("乌伊岭区", "黑龙江省", "伊春市", ("汤旺县",), "2019", "与汤旺河区合并设汤旺县"),
    ("五营区", "黑龙江省", "伊春市", ("丰林县",), "2019", "与红星区合并设丰林县"),
    ("红星区", "黑龙江省", "伊春市", ("丰林县",), "2019", "与五营区合并设丰林县"),
    ("带岭区", "黑龙江省", "伊春市", ("大箐山县",), "2019", "撤销，设大箐山县"),
    ("港闸区", "江苏省", "南通市", ("崇川区",), "2020", "撤销，并入崇川区"),
    ("三山区", "安徽省", "芜湖市", ("弋江区",), "2020", "撤销，并入弋江区"),
    ("芜湖县", "安徽省", "芜湖市", ("湾沚区",), "2020", "撤县设区"),
    ("梅列区", "福建省", "三明市", ("三元区",), "2021", "撤销，并入三元区"),
    ("湾里区", "江西省", "南昌市", ("新建区",), "2019", "撤销，并入新建区"),
    ("九江县", "江西省", "九江市", ("柴桑区",), "2017", "撤县设区"),
    ("上饶县", "江西省", "上饶市", ("广信区",), "2019", "撤县设区"),
    ("长岛县", "山东省", "烟台市", ("蓬莱区",), "2020", "与蓬莱市合并设蓬莱区"),
    ("莱城区", "山东省", "莱芜市", ("莱芜区",), "2019", "莱芜市撤销，划归济南市；莱城区更名莱芜区"),
    ("钢城区", "山东省", "莱芜市", ("钢城区",), "2019", "莱芜市撤销，划归济南市"),
    ("金明区", "河南省", "开封市", ("龙亭区",), "2014", "撤销，并入龙亭区"),
    ("吉利区", "河南省", "洛阳市", ("孟津区",), "2021", "与孟津县合并设孟津区"),
    ("许昌县", "河南省", "许昌市", ("建安区",), "2016", "撤县设区"),
    ("株洲县", "湖南省", "株洲市", ("渌口区",), "2018", "撤县设区"),
    ("横县", "广西壮族自治区", "南宁市", ("横州市",), "2021", "撤县设市"),
    ("西沙群岛", "海南省", "三沙市", ("西沙区",), "2020", "设西沙区"),
    ("中沙群岛的岛礁及其海域", "海南省", "三沙市", ("西沙区",), "2020", "由西沙区管辖"),
    ("南沙群岛", "海南省", "三沙市", ("南沙区",), "2020", "设南沙区"),
    ("郫县", "四川省", "成都市", ("郫都区",), "2016", "撤县设区"),
    ("宜宾县", "四川省", "宜宾市", ("叙州区",), "2018", "撤县设区"),
    ("盘县", "贵州省", "六盘水市", ("盘州市",), "2017", "撤县设市"),
    ("那曲县", "西藏自治区", "那曲地区", ("色尼区",), "2017", "那曲地区改那曲市，那曲县改色尼区"),
    ("户县", "陕西省", "西安市", ("鄠邑区",), "2016", "撤县设区"),
    ("彬县", "陕西省", "咸阳市", ("彬州市",), "2018", "撤县设市"),
    ("莱芜市", "山东省", "", ("济南市",), "2019", "撤销，划归济南市"),
)


def _read(src: Path) -> list[dict[str, str]]:
    with src.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def build_rows(level3: Path) -> list[dict[str, str]]:
    """divisions.csv rows (sorted by code) from ok_data_level3.csv."""
    src = _read(level3)
    by_id = {r["id"]: r for r in src}
    names = {r["id"]: r["ext_name"].strip() for r in src}
    rows: dict[str, dict[str, str]] = {}
    for r in src:
        pp, deep, name = r["id"][:2], r["deep"], names[r["id"]]
        if pp in DROPPED_PROVINCES or (pp in OUTSIDE_MAINLAND and deep != "0"):
            continue
        code = r["ext_id"][:6]
        province = names[pp]
        if deep == "0":
            rows[code] = {"code": code, "name": name, "level": "province",
                          "province": name, "city": "", "county": ""}
        elif deep == "1":
            if pp in MUNICIPALITIES:
                continue                      # 北京市 … (城区/郊县 groupings): counties hang under the province
            if len(r["id"]) == 6:             # 仙桃市, 济源市, 石河子市 …: county level under the province
                rows[code] = {"code": code, "name": name, "level": "county",
                              "province": province, "city": "", "county": name}
            else:
                rows[code] = {"code": code, "name": name, "level": "city",
                              "province": province, "city": name, "county": ""}
        elif deep == "2":
            parent = by_id[r["pid"]]
            if len(r["id"]) != 6 or (r["id"].endswith("00") and names[parent["id"]] == name):
                continue                      # the source's stand-in county of 仙桃市 / 东莞市 …
            city = province if pp in MUNICIPALITIES else names[parent["id"]]
            rows[code] = {"code": code, "name": name, "level": "county",
                          "province": province, "city": city, "county": name}
    return [rows[c] for c in sorted(rows)]


def build_towns(level4: Path, rows: list[dict[str, str]]) -> list[tuple[str, str]]:
    """(9-digit code, full name) of every 乡镇/街道 whose county or city is in ``rows``."""
    codes = {r["code"] for r in rows}
    out = []
    for r in _read(level4):
        if r["deep"] != "3":
            continue
        code = r["ext_id"][:9]
        name = normalize_text(r["ext_name"].strip().removesuffix("办事处"))
        if name and (code[:6] in codes or code[:4] + "00" in codes):
            out.append((code, name))
    return sorted(set(out))


def _successor(rows: list[dict[str, str]], province: str, name: str) -> dict[str, str]:
    found = [r for r in rows if r["province"] == province and r["name"] == name and r["level"] != "province"]
    if len(found) != 1:
        raise SystemExit(f"MANUAL: {province}{name} is not one current division ({len(found)} found)")
    return found[0]


def _auto_successor(r: dict[str, str], rows: list[dict[str, str]], old_keys: set[tuple[str, str, str]],
                    current_cities: set[tuple[str, str]]) -> dict[str, str] | None:
    """The one current division an old division that vanished became, by the rules of the module doc."""
    same_level = [c for c in rows if c["level"] == r["level"] and c["province"] == r["province"]]
    short = _short_form(r["name"])
    if r["level"] == "county":
        here = [c for c in same_level if c["city"] == r["city"]
                and (c["province"], c["city"], c["name"]) not in old_keys]
        for rule in (lambda c: short and _short_form(c["name"]) == short,   # 临安市 -> 临安区
                     lambda c: _short_form(c["name"]) == r["name"]):         # 沙县 -> 沙县区
            hits = [c for c in here if rule(c)]
            if len(hits) == 1:
                return hits[0]
        if not r["city"] or (r["province"], r["city"]) not in current_cities:   # its city went (那曲地区)
            hits = [c for c in same_level if c["name"] == r["name"]]
            if len(hits) == 1:
                return hits[0]
        return None
    hits = [c for c in same_level if short and _short_form(c["name"]) == short
            and (c["province"], c["city"], c["name"]) not in old_keys]
    return hits[0] if len(hits) == 1 else None


def build_renamed(rows: list[dict[str, str]], old: Path | None) -> list[dict[str, str]]:
    out = []
    for old_name, province, city, successors, year, note in MANUAL:
        for name in successors:
            new = _successor(rows, province, name)
            out.append({"old": old_name, "province": province, "city": city, "new": name,
                        "code": new["code"], "year": year, "note": note})
    if old is None:
        return out
    manual = {(m[1], m[2], m[0]) for m in MANUAL}
    current = {(r["province"], r["city"], r["name"]) for r in rows}
    current_cities = {(r["province"], r["city"]) for r in rows if r["level"] == "city"}
    with old.open(encoding="utf-8", newline="") as fh:
        old_rows = [r for r in csv.DictReader(fh) if r["level"] in ("city", "county")]
    old_keys = {(r["province"], r["city"], r["name"]) for r in old_rows}
    for r in old_rows:
        key = (r["province"], r["city"], r["name"])
        if key in current or key in manual or (r["level"] == "city" and (r["province"], "", r["name"]) in manual):
            continue
        new = _auto_successor(r, rows, old_keys, current_cities)
        if new is None:
            print(f"no successor found: {r['code']} {r['province']}{r['city'] if r['level'] == 'county' else ''}{r['name']}")
            continue
        out.append({"old": r["name"], "province": r["province"], "city": r["city"] if r["level"] == "county" else "",
                    "new": new["name"], "code": new["code"], "year": "",
                    "note": f"旧版 {r['code']} {r['name']}，现为 {new['code']} {new['name']}"})
    return out


def _write_csv(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("level3", type=Path, help="ok_data_level3.csv")
    parser.add_argument("level4", type=Path, help="ok_data_level4.csv")
    parser.add_argument("--old", type=Path, help="the previous edition of divisions.csv (for renamed.csv)")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    rows = build_rows(args.level3)
    towns = build_towns(args.level4, rows)
    renamed = build_renamed(rows, args.old)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    _write_csv(args.out_dir / "divisions.csv", ["code", "name", "level", "province", "city", "county"], rows)
    _write_csv(args.out_dir / "renamed.csv", ["old", "province", "city", "new", "code", "year", "note"], renamed)
    text = io.StringIO()
    text.write("code,name\n")
    text.writelines(f"{code},{name}\n" for code, name in towns)
    # mtime=0: the same source gives the same bytes
    with gzip.GzipFile(args.out_dir / "towns.csv.gz", "wb", compresslevel=9, mtime=0) as fh:
        fh.write(text.getvalue().encode("utf-8"))
    print(f"wrote {len(rows)} divisions, {len(towns)} towns, {len(renamed)} renamings to {args.out_dir}")


if __name__ == "__main__":
    main()
