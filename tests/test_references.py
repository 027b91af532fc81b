"""Reproduce published 通报 tables from inputs built to match them (tests/refcase.py), running the
real pipeline, XLSX writer and CLI, and compare the 附件 sheets cell by cell with the published
tables in tests/data/references/ (transcribed from the notices; see the README there).

- 浙江 2021Q4 附件1: 12 regions + 总计, 2 decimals (98.59% … 99.51%), in the notice's region order
  (a setting: 湖州 before 嘉兴 is not code order).
- 浙江 2022Q3 附件1: the notice prints "100%", "100.%", "100.00%" and "99.4%" for rows of one
  table; we print the configured format (2 decimals) consistently, so the test checks the counts
  exactly and each rate's value, and our text against that one format.
- 商丘 2020Q4 附件1, through the CLI with a reconcile.toml: 1 decimal, trailing zeros dropped
  (80.5%, 78.4%, 75%, 100%), 市直 printed as 市政府部门, 示范区 (not a county) as a row of its own.
- 咸宁 2022Q4 附件2: the 10 failing accounts in the notice's wording. Seven 严重表述错误 (content
  errors in posts) cannot be seen in account lists: the clerk lists them in a 人工检查问题表
  (manual.csv); the rest come from the exports. Every region's 抽查数, 不合格数 and 合格率 as published.
"""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from refcase import Account, Region, accounts_for, build_inputs

from reconcile.config import Config
from reconcile.pipeline import run
from reconcile.report.xlsx import write_xlsx

REFS = Path(__file__).parent / "data" / "references"
CONTENT_ONLY = "严重表述错误"   # a content problem: not detectable from account lists


def published(name: str) -> list[list[str]]:
    with open(REFS / name, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))[1:]


def sheet_rows(path: Path, sheet: str, first: int) -> list[list]:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    rows = []
    for r in ws.iter_rows(min_row=first, values_only=True):
        r = [*r, *[None] * 6]
        if r[1] is None:
            break
        rows.append(r[:6])
    return rows


def zhejiang_regions(table: list[list[str]]) -> list[Region]:
    out = []
    for _, region, total, checked, failed, _rate in table:
        if region == "总计":
            continue
        assert total == checked
        text = "浙江省" if region == "省本级" else region
        out.append(Region(text, text, int(total), int(failed)))
    return out


def run_to_xlsx(tmp_path: Path, accounts: list[Account], config: Config) -> tuple[Path, object]:
    inputs = build_inputs(tmp_path / "in", accounts, config.checkpoint_date)
    result = run(config, inputs)
    out = tmp_path / "report.xlsx"
    write_xlsx(result, out)
    return out, result


def test_zhejiang_2021q4_attachment1(tmp_path):
    table = published("zhejiang-2021Q4-附件1.csv")
    order = tuple(r[1] for r in table if r[1] != "总计")
    config = Config(scope=("浙江省",), checkpoint=dt.date(2021, 12, 15), quarter="2021Q4", region_order=order)
    out, _ = run_to_xlsx(tmp_path, accounts_for(zhejiang_regions(table)), config)
    ws = openpyxl.load_workbook(out, read_only=True)["总体情况"]
    assert ws["A1"].value == "政务新媒体检查总体情况表（2021年第四季度）"
    got = sheet_rows(out, "总体情况", 4)
    expected = [[int(i) if i else None, region, int(t), int(c), int(f), rate] for i, region, t, c, f, rate in table]
    assert got == expected
    assert got[-1] == [None, "总计", 5717, 5717, 28, "99.51%"]


def test_zhejiang_2022q3_attachment1_consistent_format(tmp_path):
    table = published("zhejiang-2022Q3-附件1.csv")
    order = tuple(r[1] for r in table if r[1] != "总计")
    config = Config(scope=("浙江省",), checkpoint=dt.date(2022, 9, 20), quarter="2022Q3", region_order=order)
    out, result = run_to_xlsx(tmp_path, accounts_for(zhejiang_regions(table)), config)
    got = sheet_rows(out, "总体情况", 4)
    assert len(got) == len(table)
    printed_as = set()
    for mine, (idx, region, total, checked, failed, rate) in zip(got, table, strict=True):
        assert mine[:5] == [int(idx) if idx else None, region, int(total), int(checked), int(failed)]
        value = Decimal(rate.rstrip("%").rstrip("."))
        assert Decimal(mine[5].rstrip("%")) == value.quantize(Decimal("0.01"))
        assert mine[5] == f"{value:.2f}%"          # one format for every row, whatever the notice did
        printed_as.add(rate)
    assert {"100%", "100.%", "100.00%", "99.4%"} <= printed_as
    assert got[-1] == [None, "总计", 3120, 3120, 2, "99.94%"]
    assert result.totals.pass_rate == 99.94


SHANGQIU_TOML = """\
checkpoint = "2020-12-20"
quarter = "2020Q4"
scope = ["商丘市"]

[report]
decimals = 1
drop_trailing_zeros = true
region_order = ["市政府部门", "示范区", "睢阳区", "梁园区", "夏邑县", "虞城县", "宁陵县", "柘城县", "民权县", "睢县"]

[report.region_names]
"市直" = "市政府部门"
"商丘市城乡一体化示范区" = "示范区"
"""


def test_shangqiu_2020q4_one_decimal_via_cli(tmp_path):
    table = published("shangqiu-2020Q4-附件1.csv")
    regions = []
    for _, unit, checked, failed, _rate in table:
        if unit == "总计":
            continue
        text = {"市政府部门": "商丘市", "示范区": "商丘市城乡一体化示范区"}.get(unit, unit)
        regions.append(Region(text, text, int(checked), int(failed)))
    folder = tmp_path / "in"
    build_inputs(folder, accounts_for(regions), dt.date(2020, 12, 20))
    (folder / "reconcile.toml").write_text(SHANGQIU_TOML, encoding="utf-8")
    out = tmp_path / "r.xlsx"
    proc = subprocess.run([sys.executable, "-m", "reconcile", "run", str(folder), "--out", str(out), "--quiet"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr      # ran and found problems
    got = sheet_rows(out, "总体情况", 4)
    # 序号 | 单位 | 检查数量 | 不合格数量 | 合格率  <->  our 序号 | 地区 | (总数) | 抽查数 | 不合格数 | 合格率
    assert [[r[0], r[1], r[3], r[4], r[5]] for r in got] == [
        [int(i) if i else None, unit, int(c), int(f), rate] for i, unit, c, f, rate in table]
    assert [r[5] for r in got if r[1] in ("市政府部门", "梁园区", "睢阳区", "总计")] == ["78.4%", "100%", "75%", "80.5%"]


XIANNING_PLATFORM = {"微信订阅号": ("微信公众号", "订阅号"), "微信服务号": ("微信公众号", "服务号"),
                     "抖音短视频": ("抖音", "")}


def _xianning_accounts() -> tuple[list[Account], list[list[str]]]:
    problems = published("xianning-2022Q4-附件2-问题.csv")
    named: list[Account] = []
    for i, (region, name, owner, kind, problem) in enumerate(problems):
        platform, acc_type = XIANNING_PLATFORM[kind]
        planted = None
        if problem.startswith("备案类型错误"):
            planted = "wrong_type"
            # filed as the wrong type: the notice gives the platform's (right) type after "应为"
            acc_type = "订阅号" if "应为服务号" in problem else "服务号"
        elif problem.startswith("账号已注销"):
            planted = "deleted"
        named.append(Account(name, platform, acc_type, f"xn{i:02d}", owner, region, planted))
    counts = published("xianning-2022Q4-附件2-统计.csv")
    fill = []
    for region, checked, _failed, _rate in counts:
        if region == "合计":
            continue
        n_named = sum(a.region == region for a in named)
        prefix = "咸宁市" if region == "市直" else region
        fill.append(Region(region, prefix, int(checked) - n_named, 0))
    return accounts_for(fill, extra=named), problems


def test_xianning_2022q4_problem_list(tmp_path):
    """All 10 accounts of the 咸宁 problem list in its wording: the 4 detectable problems from the
    exports, the 严重表述错误 ones from the clerk's 人工检查问题表 (manual.csv); 附件 counts as published."""
    import dataclasses

    accounts, problems = _xianning_accounts()
    config = Config(scope=("咸宁市",), checkpoint=dt.date(2022, 11, 13), quarter="2022Q4", decimals=0)
    inputs = build_inputs(tmp_path / "in", accounts, config.checkpoint_date)
    manual = tmp_path / "in" / "manual.csv"
    with open(manual, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["新媒体类型", "政务新媒体名称", "主办单位", "存在的问题"])
        for _region, name, owner, kind, problem in problems:
            if CONTENT_ONLY in problem.split():
                w.writerow([kind, name, owner, CONTENT_ONLY])
    result = run(config, dataclasses.replace(inputs, manual=manual))
    out = tmp_path / "report.xlsx"
    write_xlsx(result, out)

    expected = {name: (region, owner, problem) for region, name, owner, _kind, problem in problems}
    ws = openpyxl.load_workbook(out)["不合格账号"]
    assert [c.value for c in ws[2]] == ["序号", "市直/县市区", "新媒体名称", "主办单位", "新媒体类型", "存在的问题"]
    got = {r[2]: (r[1], r[3], r[5]) for r in ws.iter_rows(min_row=3, values_only=True) if r[0] is not None}
    assert got == expected and len(got) == 10

    table = published("xianning-2022Q4-附件2-统计.csv")
    mine = {r[1]: r for r in sheet_rows(out, "总体情况", 4)}
    for region, checked, failed, rate in table:
        row = mine["总计" if region == "合计" else region]
        assert (row[3], row[4], row[5]) == (int(checked), int(failed), rate), region   # 0 decimals, as printed
    assert result.totals.failed == 10 and result.totals.checked == 212


@pytest.mark.parametrize(("kind", "wording"), [
    ("备案类型错误：应为服务号", "备案类型错误：应为服务号"),
    ("账号已注销，未在全国政务新媒体信息报送系统注销", "账号已注销，未在全国政务新媒体信息报送系统注销"),
])
def test_notice_wording_round_trip(kind, wording):
    """The notice's words are what notice_wording prints (guards the two wordings above)."""
    from reconcile.report.xlsx_attach import notice_wording
    from reconcile.result import Finding, RecordRef

    if kind.startswith("备案类型错误"):
        f = Finding("wrong_type", True, "微信公众号", "x", "y", "市直", "d", (RecordRef("national", 2),),
                    correction="应为服务号")
    else:
        f = Finding("deleted_still_registered", True, "抖音", "x", "y", "通城县", "d",
                    (RecordRef("national", 2), RecordRef("crawled", 3)))
    assert notice_wording(f) == wording


def test_region_level_setting(tmp_path):
    """Scope 浙江省: by default one row per city (西湖区 counts under 杭州市); with region_level
    "county" one row per county plus each city's own units ("杭州市市直")."""
    regions = [Region("杭州市", "杭州市", 3, 1), Region("西湖区", "杭州市西湖区", 2, 0), Region("宁波市", "宁波市", 2, 0)]
    accounts = accounts_for(regions)
    inputs = build_inputs(tmp_path / "in", accounts, dt.date(2021, 12, 15))
    base = Config(scope=("浙江省",), checkpoint=dt.date(2021, 12, 15))
    by_city = run(base, inputs)
    assert [(s.region, s.checked, s.failed) for s in by_city.summary] == [("杭州市", 5, 1), ("宁波市", 2, 0)]
    by_county = run(base.with_overrides(region_level="county"), inputs)
    assert [(s.region, s.checked, s.failed) for s in by_county.summary] == [
        ("杭州市市直", 3, 1), ("宁波市市直", 2, 0), ("西湖区", 2, 0)]


def test_region_settings_are_validated():
    from reconcile.config import config_from_dict
    from reconcile.errors import ConfigError

    with pytest.raises(ConfigError) as err:
        config_from_dict({"report": {"region_level": "town", "region_order": "市直", "region_names": {"a": 1}}})
    msg = str(err.value.message)
    assert "region_level" in msg and "region_order" in msg and "region_names" in msg
