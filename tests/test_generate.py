"""The seeded generator (bench/generate.py), the shipped sample and the scorer (bench/score.py).

Everything is checked on files the generator really writes (tmp_path) and reads back with
openpyxl / csv, the way a clerk's tools would.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.gen_world import short_name  # noqa: E402
from bench.generate import generate, make_sample  # noqa: E402
from bench.score import score  # noqa: E402
from reconcile.schema import FINDING_KINDS  # noqa: E402

SAMPLE = ROOT / "sample_data"
NAME_HEADERS = ("政务新媒体名称", "账号名称", "新媒体名称", "名称", "新媒体\n名称", "昵称", "新媒体账号名称", "账号\n名称",
                "政务新媒体 名称")


@functools.lru_cache(maxsize=1)
def _t2s_converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def _t2s(text: str) -> str:
    return _t2s_converter().convert(text) if any(ord(c) > 0x4E00 for c in text) else text


def loose(text: str) -> str:
    """The name modulo cosmetic noise: width, spaces, dashes, 官博 suffixes, traditional chars."""
    t = unicodedata.normalize("NFKC", str(text))
    t = re.sub(r"[\s\u3000\-—–－]", "", t)
    t = re.sub(r"\((微信公众号|微信|公众号|微博|抖音号|抖音|快手号|快手|头条号)\)$", "", t)   # （微信） appended
    t = re.sub(r"(官方微博|官博)$", "", t)
    return _t2s(t)


def loose_in(text: str, acc: dict) -> str:
    """``loose`` and, for an account with its region's full name written out (咸宁市民政 for
    咸宁民政), the region's short name."""
    t = loose(text)
    if "full_place" in acc.get("phenomena", ()) and acc.get("region"):
        t = t.replace(acc["region"], short_name(acc["region"]), 1)
    return t


def close(a: str, b: str) -> bool:
    """Equal, or one typo apart (same length, one character differs)."""
    return a == b or (len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def xlsx_rows(path: Path) -> dict[int, dict[str, object]]:
    """Excel row number -> {header: value}, header found as the first row with a name header."""
    ws = openpyxl.load_workbook(path, read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    h = next(i for i, r in enumerate(rows) if any(c in NAME_HEADERS for c in r if c))
    header = [str(c) if c is not None else "" for c in rows[h]]
    return {i + 1: dict(zip(header, r, strict=False)) for i, r in enumerate(rows) if i > h}


def csv_rows(path: Path, encoding: str) -> dict[int, dict[str, str]]:
    with path.open(encoding=encoding, newline="") as fh:
        reader = csv.DictReader(fh)
        return {i + 2: row for i, row in enumerate(reader)}


def without_seq(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "序号"}


def name_of(row: dict) -> str:
    return next(str(v) for k, v in row.items() if k in NAME_HEADERS)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("gen")
    return out, generate(out, 600, seed=7)


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, 150, seed=3)
    generate(b, 150, seed=3)
    generate(c, 150, seed=4)
    files = ("national.xlsx", "provincial.xlsx", "crawled.csv", "truth.json")
    assert [sha(a / f) for f in files] == [sha(b / f) for f in files]
    assert sha(a / "crawled.csv") != sha(c / "crawled.csv")


def test_truth_rows_point_at_the_named_accounts(small: tuple[Path, dict]) -> None:
    out, truth = small
    national = xlsx_rows(out / "national.xlsx")
    provincial = xlsx_rows(out / "provincial.xlsx")
    crawled = csv_rows(out / "crawled.csv", "gb18030")
    seen = {"national": set(), "provincial": set(), "crawled": set()}
    for acc in truth["accounts"]:
        for source, table in (("national", national), ("provincial", provincial), ("crawled", crawled)):
            row = acc[f"{source}_row"]
            if row is None:
                continue
            assert row not in seen[source], f"two accounts on {source} row {row}"
            seen[source].add(row)
            expected = acc.get("crawled_name", acc["name"]) if source == "crawled" else acc["name"]
            got = name_of(table[row])
            assert close(loose_in(got, acc), loose_in(expected, acc)), (source, row, got, expected)
            dup = acc.get(f"{source}_dup_row")
            if dup is not None:   # filed twice: the same row again (序号 aside)
                assert dup not in seen[source]
                seen[source].add(dup)
                assert without_seq(table[dup]) == without_seq(table[row])
    # every data row belongs to exactly one account
    assert seen["national"] == set(national)
    assert seen["provincial"] == set(provincial)
    assert seen["crawled"] == set(crawled)


def test_crawled_csv_is_gb18030(small: tuple[Path, dict]) -> None:
    raw = (small[0] / "crawled.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gb18030")
    header = next(csv.reader(io.StringIO(text)))
    assert "认证类型" in header and "账号状态" in header and "粉丝数" in header


def test_provincial_has_a_merged_title_row_above_the_header(small: tuple[Path, dict]) -> None:
    ws = openpyxl.load_workbook(small[0] / "provincial.xlsx").active
    assert str(ws["A1"].value).startswith("附件2 2022年第四季度全省政务新媒体备案情况表")
    assert [str(r) for r in ws.merged_cells.ranges][0].startswith("A1:")
    h = 2 if ws["A2"].value == "序号" else 3          # a second title row (generated data) or not
    header = [c.value for c in ws[h]]
    assert any(x in NAME_HEADERS for x in header)
    nws = openpyxl.load_workbook(small[0] / "national.xlsx").active
    national_header = [c.value for c in nws[1 if nws["A1"].value == "序号" else 2]]
    assert not set(national_header[1:]) & set(header[1:]) - {"主管单位", "状态", "账号类型"}


def test_findings_follow_the_rules(small: tuple[Path, dict]) -> None:
    truth = small[1]
    by_id = {a["id"]: a for a in truth["accounts"]}
    kinds = {f["kind"] for f in truth["findings"]}
    # content problems come only from a clerk's 人工检查问题表: planted in the sample, not here
    assert kinds == set(FINDING_KINDS) - {"content_issue"} == set(truth["kinds"])
    for f in truth["findings"]:
        acc = by_id[f["account"]]
        rows = {(r["source"], r["row"]) for r in f["records"]}
        own = {(s, acc.get(f"{s}{dup}_row")) for s in ("national", "provincial", "crawled") for dup in ("", "_dup")}
        # a unit's several accounts on one platform: one finding with every account's records
        assert rows <= own or (f["kind"] == "duplicate_on_platform" and rows & own), f
        if f["kind"] == "unfiled":
            assert acc["national_row"] is None and acc["provincial_row"] is None
            assert acc["role"] == "unfiled"
        if f["kind"] == "wrong_type":
            assert ("crawled", acc["crawled_row"]) in rows and f["platform"] == "微信公众号"
        if f["kind"] == "registry_mismatch" and f["field"] != "filed":
            assert {s for s, _ in rows} == {"national", "provincial"}
    # distractors never produce findings
    flagged = {f["account"] for f in truth["findings"]}
    assert not any(by_id[i]["role"] in ("enterprise", "personal", "out_of_scope", "unfiled_gone") for i in flagged)


def _days_before_checkpoint(text: str, checkpoint: dt.date) -> int:
    """Days from a crawled 最近发布时间 cell (any of the generator's date spellings) to the checkpoint."""
    nums = [int(x) for x in re.findall(r"\d+", unicodedata.normalize("NFKC", text))[:3]]
    if len(nums) == 1 and len(str(nums[0])) == 8:                                # 20221113
        nums = [nums[0] // 10000, nums[0] // 100 % 100, nums[0] % 100]
    day = dt.date(1899, 12, 30) + dt.timedelta(days=nums[0]) if len(nums) == 1 else dt.date(*nums)  # Excel serial
    return (checkpoint - day).days


def test_platform_findings_follow_the_crawled_file(small: tuple[Path, dict]) -> None:
    """stale/zombie/cert/personal are read back from crawled.csv; every other filed account found
    operating posted within 14 days and is verified as a government body or institution."""
    out, truth = small
    crawled = csv_rows(out / "crawled.csv", "gb18030")
    checkpoint = dt.date.fromisoformat(truth["checkpoint"])
    by_kind: dict[str, set[str]] = {}
    for f in truth["findings"]:
        by_kind.setdefault(f["kind"], set()).add(f["account"])
    assert by_kind["zombie"] <= by_kind["stale"]              # a zombie is also stale
    judged = 0
    for acc in truth["accounts"]:
        filed = acc["national_row"] is not None or acc["provincial_row"] is not None
        row = crawled.get(acc["crawled_row"]) if acc["crawled_row"] else None
        if not filed or row is None or row["账号状态"] in ("已注销", "不存在", "封禁"):
            continue
        judged += 1
        last = row.get("最近发布时间") or row.get("最后更新时间")
        assert last, acc                                      # always given: no "not judged" note
        days = _days_before_checkpoint(last, checkpoint)
        assert (days >= 14) == (acc["id"] in by_kind["stale"]), (acc["name"], days)
        assert (days >= 90) == (acc["id"] in by_kind["zombie"]), (acc["name"], days)
        verified = row["认证类型"]
        assert (verified == "个人认证") == (acc["id"] in by_kind["personal_account"])
        if verified in ("未认证", "企业认证"):
            assert acc["id"] in by_kind["cert_mismatch"]
        elif acc["id"] not in by_kind["cert_mismatch"] and verified != "个人认证":
            assert verified in ("政府机构认证", "事业单位认证")
            # the owner itself, or without its region prefix (区妇女联合会 for 青山区妇女联合会)
            verified_by, owner, region = loose(row["认证主体"]), acc["owner"], acc["region"]
            level = "林区" if region.endswith("林区") else region[-1]
            short = owner.replace(region, level, 1)
            assert verified_by in (owner, short, short.removeprefix("中共"), owner.removeprefix(region)), acc
    assert judged > 300


def test_unit_findings_and_duplicate_filings(small: tuple[Path, dict]) -> None:
    out, truth = small
    by_id = {a["id"]: a for a in truth["accounts"]}
    national = xlsx_rows(out / "national.xlsx")
    provincial = xlsx_rows(out / "provincial.xlsx")
    for f in truth["findings"]:
        acc = by_id[f["account"]]
        if f["kind"] == "duplicate_filing":
            (src,) = {r["source"] for r in f["records"]}
            table = national if src == "national" else provincial
            a, b = sorted(r["row"] for r in f["records"])
            assert a == acc[f"{src}_row"] and b == acc[f"{src}_dup_row"]
            assert without_seq(table[a]) == without_seq(table[b])
        if f["kind"] in ("duplicate_on_platform", "name_inconsistent"):
            # every rule applies to an unfiled account too: then only its crawled row
            expected = {"national", "provincial"} if acc["role"] != "unfiled" else {"crawled"}
            assert {r["source"] for r in f["records"]} >= expected
    # one unit, several accounts on one platform: one finding per unit and platform, listing them all
    groups = [f for f in truth["findings"] if f["kind"] == "duplicate_on_platform"]
    assert groups and all(len(f["names"]) >= 2 and len(set(f["names"])) == len(f["names"]) and f["name"] in f["names"]
                          for f in groups)
    assert len({(f["owner"], f["platform"]) for f in groups}) == len(groups)
    # a name_inconsistent account's unit has another account, on another platform, named otherwise
    for f in truth["findings"]:
        if f["kind"] == "name_inconsistent":
            others = [a for a in truth["accounts"] if a["owner"] == f["owner"] and a["role"] == "registered"
                      and a["platform"] != f["platform"]]
            assert any(a["name"] != f["name"] for a in others), f
    # elsewhere (no planted case) one unit keeps one name across platforms
    names_by_owner: dict[str, set[str]] = {}
    planted: set[str] = set()
    for a in truth["accounts"]:
        if a["role"] == "registered":
            names_by_owner.setdefault(a["owner"], set()).add(a["name"])
            if {"name_inconsistent", "duplicate_on_platform"} & set(a.get("cases", ())):
                planted.add(a["owner"])
    flagged = {f["owner"] for f in truth["findings"] if f["kind"] in ("name_inconsistent", "duplicate_on_platform")}
    unfiled = {a["owner"] for a in truth["accounts"] if a["role"] == "unfiled"}   # every rule applies to them
    assert flagged <= planted | unfiled | {f["owner"] for f in truth["findings"] if f["kind"] == "registry_mismatch"}
    assert all(len(n) == 1 for o, n in names_by_owner.items() if o not in planted)


def test_csv_registries_and_crawled_rows(tmp_path: Path) -> None:
    truth = generate(tmp_path, 200, seed=1, registry_format="csv", crawled_rows=400)
    assert truth["files"] == {"national": "national.csv", "provincial": "provincial.csv", "crawled": "crawled.csv"}
    crawled = csv_rows(tmp_path / "crawled.csv", "gb18030")
    assert len(crawled) == 400
    national = csv_rows(tmp_path / "national.csv", "utf-8-sig")
    provincial = csv_rows(tmp_path / "provincial.csv", "gb18030")
    # row numbers are physical line numbers: no line breaks inside CSV cells or headers
    lines = (tmp_path / "provincial.csv").read_text(encoding="gb18030").splitlines()
    assert len(lines) == len(provincial) + 1
    for acc in truth["accounts"]:
        for row, table in ((acc["national_row"], national), (acc["provincial_row"], provincial)):
            if row is not None:
                assert close(loose_in(name_of(table[row]), acc), loose_in(acc["name"], acc))


def test_sample_data_is_what_make_sample_writes(tmp_path: Path) -> None:
    truth = make_sample(tmp_path)
    for name in ("crawled.csv", "truth.json", "README.md", "reconcile.toml"):
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name
    for name in ("national.xlsx", "provincial.xlsx"):
        assert xlsx_rows(tmp_path / name) == xlsx_rows(SAMPLE / name), name
    assert truth == json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))


def test_sample_plants_every_case_and_kind() -> None:
    truth = json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))
    assert truth["scope"] == ["咸宁市"] and truth["checkpoint"] == "2022-11-13"
    counts: dict[str, int] = {}
    for f in truth["findings"]:
        key = f["kind"] + (f":{f['field']}" if f["field"] else "")
        counts[key] = counts.get(key, 0) + 1
    for kind in FINDING_KINDS:
        n = sum(v for k, v in counts.items() if k.split(":")[0] == kind)
        if kind == "not_crawled":   # the sample's partial crawls reach every filed account
            assert n == 0 and kind in truth["kinds"]
            continue
        least = 1 if kind == "duplicate_on_platform" else 2   # one finding per unit and platform
        assert least <= n <= (8 if kind == "registry_mismatch" else 5), kind
    for field in ("filed", "account_type", "status", "owner"):
        assert 2 <= counts[f"registry_mismatch:{field}"] <= 5, field
    named = {(f["kind"], f["name"]) for f in truth["findings"]}
    assert {("wrong_type", "咸宁指尖上的城管"), ("wrong_type", "豆香麦市"),
            ("deleted_still_registered", "通城旅游")} <= named
    correction = {f["name"]: f.get("correction") for f in truth["findings"] if f["kind"] == "wrong_type"}
    assert correction["咸宁指尖上的城管"] == "应为服务号" and correction["豆香麦市"] == "应为订阅号"
    names = {a["name"] for a in truth["accounts"]}
    assert {"咸宁交警一大队", "咸宁交警二大队", "平安通山", "平安崇阳", "平安咸宁粉丝团", "武汉发布"} <= names
    assert sum(1 for a in truth["accounts"] if a["name"] == "平安咸宁") == 2
    national = xlsx_rows(SAMPLE / "national.xlsx")
    crawled = csv_rows(SAMPLE / "crawled.csv", "gb18030")
    texts = {name_of(r) for r in national.values()} | {name_of(r) for r in crawled.values()}
    assert {"咸宁指尖上的城 管", "咸宁１２３４５", "嘉魚發佈", "咸宁市民政局官博", "乐游崇阳"} <= texts
    owners = {str(r.get("开办主体") or r.get("主办单位")) for r in national.values()}
    assert "咸宁市城市管里执法委员会" in owners
    readme = (SAMPLE / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# 示例数据") and "# Sample data" in readme
    for f in truth["findings"]:
        assert f["name"] in readme
    toml = (SAMPLE / "reconcile.toml").read_text(encoding="utf-8")
    assert 'checkpoint = "2022-11-13"' in toml and 'quarter = "2022Q4"' in toml


def perfect_result(truth: dict) -> dict:
    links = [{"national_row": a["national_row"], "provincial_row": a["provincial_row"],
              "crawled_row": a["crawled_row"], "score": 1.0, "status": "match"}
             for a in truth["accounts"] if sum(a[f"{s}_row"] is not None for s in ("national", "provincial",
                                                                                     "crawled")) >= 2]
    findings = [{"kind": f["kind"], "field": f["field"], "name": f["name"], "records": f["records"]}
                for f in truth["findings"]]
    return {"links": links, "findings": findings}


def test_score_perfect_result() -> None:
    truth = json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))
    s = score(perfect_result(truth), truth)
    for key, m in s["links"].items():
        if key != "review":
            assert m["precision"] == 1.0 and m["recall"] == 1.0, key
    assert s["findings"]["overall"]["precision"] == 1.0 and s["findings"]["overall"]["recall"] == 1.0
    assert s["findings"]["overall"]["tp"] == len(truth["findings"])


def test_score_missing_link_wrong_finding_and_review() -> None:
    truth = json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))
    result = perfect_result(truth)
    dropped = next(x for x in result["links"] if None not in (x["national_row"], x["provincial_row"],
                                                               x["crawled_row"]))
    dropped["status"] = "review"
    # one finding lost, one invented on a row that has none
    lost = result["findings"].pop(0)
    result["findings"].append({"kind": "unfiled", "name": "虚构", "records": [{"source": "crawled", "row": 99999}]})
    # a registry_mismatch predicted with the wrong field does not match
    rm = next(f for f in result["findings"] if f["kind"] == "registry_mismatch" and f["field"] == "owner")
    rm["field"] = "status"
    s = score(result, truth)
    links = s["links"]
    assert links["national-provincial"]["recall"] < 1.0 and links["national-provincial"]["precision"] == 1.0
    assert links["overall"]["fn"] == 3
    assert links["review"] == {"rows": 1, "pairs": 3, "true_pairs": 3}
    fu = s["findings"][lost["kind"]]
    assert fu["fn"] == 1 and fu["fp"] == 1 and fu["false_negatives"][0]["name"] == lost["name"]
    assert s["findings"]["registry_mismatch"]["fp"] == 1 and s["findings"]["registry_mismatch"]["fn"] == 1
    assert s["findings"]["overall"]["recall"] < 1.0


def test_score_cli_prints_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bench.score import main

    truth_path = SAMPLE / "truth.json"
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    result = perfect_result(truth)
    result["findings"].append({"kind": "future_kind", "name": "x", "records": []})  # not in the truth
    (tmp_path / "r.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    assert main([str(tmp_path / "r.json"), str(truth_path), "--json", str(tmp_path / "s.json")]) == 0
    out = capsys.readouterr().out
    assert "national-crawled" in out and "registry_mismatch" in out and "future_kind 1" in out
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["findings"]["unscored_kinds"] == {"future_kind": 1}
