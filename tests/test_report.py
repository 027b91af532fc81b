"""The renderers: XLSX, JSON and terminal output of a hand-built Result.

The fixture result holds (expected in the outputs):
- 5 findings: wrong_type "豆香麦市" (fails, with correction 应为服务号), unfiled "=cmd|' /C calc'!A0"
  (a DDE attack as a crawled name), unfiled "@SUM(1)", stale "咸宁\\x07发布" (a control char that
  XML cannot hold), cert_mismatch "+86热线" (does not fail);
- 4 links: 2 match, 2 review (one with a "-2+3" name), NA rows where a source lacks the account;
- 2 warnings; 2 regions + 总计 with decimals=2.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from rich.console import Console

from reconcile.errors import OutputError
from reconcile.report import atomic_write, links_csv_path, render, result_to_dict, write_json, write_xlsx
from reconcile.report.safe import (
    clean_cell_text,
    csv_safe,
    display_width,
    format_rate,
    needs_text_guard,
    quarter_zh,
    sheet_title,
)
from reconcile.result import LINK_COLUMNS, Finding, InputInfo, RecordRef, RegionSummary, Result, RunInfo
from reconcile.schema import FINDING_KINDS

DDE = "=cmd|' /C calc'!A0"


def _run() -> RunInfo:
    return RunInfo(
        checkpoint="2022-11-13",
        quarter="2022Q4",
        scope=("咸宁市",),
        inputs=(
            InputInfo("national", "/data/national.xlsx", "a" * 64, 212, sheet="Sheet1", header_row=2),
            InputInfo("provincial", "/data/provincial.xlsx", "b" * 64, 210, sheet="数据", header_row=1),
            InputInfo("crawled", "/data/crawled.csv", "c" * 64, 230, encoding="gb18030", header_row=1),
        ),
        settings={"checkpoint": "2022-11-13", "quarter": "2022Q4", "scope": ["咸宁市"],
                  "match_threshold": 0.8, "review_threshold": 0.55,
                  "fail_kinds": ["stale", "wrong_type", "unfiled"], "stale_days": 14, "zombie_days": 90,
                  "decimals": 2, "drop_trailing_zeros": False, "config_file": None},
        version="0.1.0",
        started="2022-11-14T09:00:00",
        finished="2022-11-14T09:00:05",
    )


def _findings() -> tuple[Finding, ...]:
    nat = RecordRef("national", 17, "national.xlsx")
    return (
        Finding("unfiled", True, "微信公众号", DDE, "某单位", "通城县", "平台存在但两个系统均未备案",
                (RecordRef("crawled", 230),)),
        Finding("stale", True, "微博", "咸宁\x07发布", "咸宁市人民政府办公室", "咸安区",
                "监测点前 14 天内无更新", (RecordRef("crawled", 5, "crawled.csv"),)),
        Finding("wrong_type", True, "微信公众号", "豆香麦市", "麦市镇人民政府", "通城县",
                "备案为服务号，平台显示为订阅号", (nat, RecordRef("crawled", 231, "crawled.csv")),
                confidence=0.97, account_type="服务号", correction="应为订阅号"),
        Finding("unfiled", True, "抖音", "@SUM(1)", None, "咸安区", "平台存在但两个系统均未备案",
                (RecordRef("crawled", 12, "crawled.csv"),)),
        Finding("cert_mismatch", False, "微博", "+86热线", "某公司", "嘉鱼县", "认证主体与主办单位不一致",
                (RecordRef("national", 20, "national.xlsx"), RecordRef("crawled", 40, "crawled.csv"))),
    )


def _links() -> pd.DataFrame:
    rows = [
        ("微信公众号|id:xnfb", 17, 15, 231, 0.97123, "match", "微信公众号", "豆香麦市", "麦市镇人民政府", "通城县",
         "豆香麦市", "豆香麦市", "豆香麦市", None),
        ("微博|name:咸宁发布", 18, None, 5, 0.9, "match", "微博", "咸宁发布", "咸宁市人民政府办公室", "咸安区",
         "咸宁发布", None, "咸宁发布", None),
        ("微博|name:-2+3", 19, None, 6, 0.61, "review", "微博", "-2+3", None, "嘉鱼县", "-2+3", None, "=2+3",
         "=HYPERLINK(\"x\")"),
        ("抖音|name:平安通山", None, 33, 7, 0.6, "review", "抖音", "平安通山", "通山县公安局", "通山县",
         None, "平安通山", "平安 通山", "名称相同(+5.1)，主办单位未知"),
    ]
    frame = pd.DataFrame(rows, columns=list(LINK_COLUMNS))
    for col in ("national_row", "provincial_row", "crawled_row"):
        frame[col] = frame[col].astype("Int64")
    return frame


def make_result(links: pd.DataFrame | None = None, findings: tuple[Finding, ...] | None = None) -> Result:
    return Result(
        run=_run(),
        findings=_findings() if findings is None else findings,
        summary=(RegionSummary("咸安区", 31, 31, 2, 93.55), RegionSummary("通城县", 23, 23, 2, 91.3)),
        links=_links() if links is None else links,
        warnings=("national.xlsx 第 30 行：缺少政务新媒体名称，已跳过", "crawled.csv 第 99 行：日期无法识别"),
        totals=RegionSummary("总计", 54, 54, 4, 92.59),
    )


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("xlsx") / "report.xlsx"
    write_xlsx(make_result(), path)
    return openpyxl.load_workbook(path)


def _rows(ws, start: int = 1) -> list[list]:
    return [list(r) for r in ws.iter_rows(min_row=start, values_only=True)]


# -------------------------------------------------------------------- XLSX


def test_sheets_in_order(workbook):
    assert workbook.sheetnames == ["总体情况", "问题清单", "不合格账号", "瞒报漏报", "备案类型错误", "监测点前两周未更新",
                                   "认证信息不规范", "待人工核实", "关联明细", "数据问题", "说明"]


def test_summary_sheet(workbook):
    ws = workbook["总体情况"]
    assert ws["A1"].value == "政务新媒体检查总体情况表（2022年第四季度）"
    assert "监测点：2022年11月13日" in ws["A2"].value
    assert [r[:6] for r in _rows(ws, 3)[:4]] == [
        ["序号", "地区", "政务新媒体总数", "抽查政务新媒体数", "存在突出问题的政务新媒体数", "账号合格率"],
        [1, "咸安区", 31, 31, 2, "93.55%"],
        [2, "通城县", 23, 23, 2, "91.30%"],
        [None, "总计", 54, 54, 4, "92.59%"],
    ]
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == "A3:F5"
    assert "A1:F1" in {str(r) for r in ws.merged_cells.ranges}


def test_findings_sheet_order_and_columns(workbook):
    """附件2 layout: title, header in row 2, failing kinds first, the group label on the first row."""
    rows = _rows(workbook["问题清单"])
    assert rows[0][0] == "检查发现存在突出问题的政务新媒体（2022年第四季度）"
    assert rows[1] == ["序号", "存在的突出问题", "所属地区", "新媒体类型", "政务新媒体名称", "认证信息/主办单位",
                       "问题说明", "来源"]
    # failing kinds in FINDING_KINDS order, then region, then name; the non-failing kind last
    assert [(r[1], r[2]) for r in rows[2:7]] == [
        ("瞒报漏报", "咸安区"), (None, "通城县"), ("备案类型错误", "通城县"),
        ("监测点前两周未更新", "咸安区"), ("认证信息不规范", "嘉鱼县")]
    assert [r[0] for r in rows[2:7]] == [1, 2, 3, 4, 5]
    wrong = rows[4]
    assert wrong[3] == "微信公众号(服务号)"
    assert wrong[6] == "备案为服务号，平台显示为订阅号；应为订阅号"
    assert wrong[7] == "national.xlsx:17；crawled.csv:231"
    assert rows[3][7] == "crawled.csv:230"   # RecordRef without file: the run's input file name
    assert rows[5][4] == "咸宁发布"          # \x07 dropped, not a crash
    assert "认证信息不规范不计入不合格" in rows[7][0]


def test_kind_sheets_have_same_columns(workbook):
    rows = _rows(workbook["瞒报漏报"])
    assert rows[0][1] == "存在的突出问题" and len(rows) == 3
    assert [r[0] for r in rows[1:]] == [1, 2]


def test_untrusted_text_is_never_a_formula(workbook):
    seen = set()
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                assert cell.hyperlink is None
                if isinstance(cell.value, str) and needs_text_guard(cell.value):
                    assert cell.data_type == "s"
                    assert cell.quotePrefix, (ws.title, cell.coordinate)
                    seen.add(cell.value)
    assert {DDE, "@SUM(1)", "+86热线", "-2+3", "=2+3"} <= seen


def test_review_sheet(workbook):
    ws = workbook["待人工核实"]
    assert "reconcile review" in ws["A1"].value
    rows = _rows(ws, 2)
    assert rows[0] == ["序号", "核实键", "新媒体类型", "全国系统名称", "全国系统行", "省级平台名称", "省级平台行",
                       "平台采集名称", "平台采集行", "相似度", "判断依据", "核实结论"]
    # untrusted text stays text, even in the evidence column
    assert rows[1] == [1, "微博|name:-2+3", "微博", "-2+3", 19, None, None, "=2+3", 6, 0.61, '=HYPERLINK("x")', None]
    assert rows[2][1] == "抖音|name:平安通山" and rows[2][4] is None and rows[2][6] == 33
    assert rows[2][10] == "名称相同(+5.1)，主办单位未知"
    assert len(rows) == 3
    validations = ws.data_validations.dataValidation
    assert len(validations) == 1
    dv = validations[0]
    assert dv.type == "list" and dv.formula1 == '"同一账号,不同账号"'
    assert str(dv.sqref) == "L3:L4"
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:L4"


def test_links_sheet(workbook):
    rows = _rows(workbook["关联明细"])
    assert rows[0] == ["平台", "名称", "主办单位", "地区", "全国系统行", "省级平台行", "平台采集行", "相似度", "状态"]
    assert rows[1] == ["微信公众号", "豆香麦市", "麦市镇人民政府", "通城县", 17, 15, 231, 0.9712, "已关联"]
    assert rows[2][5] is None
    assert [r[8] for r in rows[1:]] == ["已关联", "已关联", "待核实", "待核实"]


def test_warnings_and_about_sheets(workbook):
    assert _rows(workbook["数据问题"])[1:] == [[1, "national.xlsx 第 30 行：缺少政务新媒体名称，已跳过"],
                                            [2, "crawled.csv 第 99 行：日期无法识别"]]
    text = [v for row in _rows(workbook["说明"]) for v in row if v is not None]
    for expected in ("reconcile 0.1.0", "2022年11月13日", "2022年第四季度", "咸宁市", "2022-11-14T09:00:05",
                     "/data/national.xlsx", "a" * 64, "gb18030", "数据", "match_threshold", "0.8",
                     "stale_days", "14", "瞒报漏报", "name_inconsistent"):
        assert expected in text, expected
    rows = _rows(workbook["说明"])
    assert ["全国系统", "/data/national.xlsx", 212, "a" * 64, None, "Sheet1", 2] in rows
    assert ["stale", "监测点前两周未更新", "是"] in [r[:3] for r in rows]
    assert ["cert_mismatch", "认证信息不规范", "否"] in [r[:3] for r in rows]


def test_every_sheet_is_print_ready(workbook):
    for ws in workbook.worksheets:
        assert ws.freeze_panes, ws.title
        assert ws.auto_filter.ref, ws.title
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.paperSize in (9, "9"), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.print_title_rows, ws.title
        header_row = int(ws.freeze_panes[1:]) - 1
        header = ws.cell(row=header_row, column=1)
        assert header.font.bold and header.fill.fgColor.rgb.endswith("DDEBF7"), ws.title
        widths = [d.width for d in ws.column_dimensions.values() if d.width]
        assert widths and max(widths) <= 100, ws.title


def test_no_warnings_sheet_without_warnings(tmp_path):
    result = make_result()
    result = Result(result.run, result.findings, result.summary, result.links, (), result.totals)
    path = tmp_path / "r.xlsx"
    write_xlsx(result, path)
    assert "数据问题" not in openpyxl.load_workbook(path, read_only=True).sheetnames


def test_many_links_go_to_csv(tmp_path):
    path = tmp_path / "报告.xlsx"
    write_xlsx(make_result(), path, max_link_rows=3)
    csv = links_csv_path(path)
    assert csv.name == "报告_关联明细.csv"
    raw = csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(csv, encoding="utf-8-sig", dtype=str)
    assert len(frame) == 4
    assert frame["名称"].tolist()[2] == "'-2+3"      # CSV cannot hold a type: apostrophe guard
    assert frame["全国系统行"].tolist()[3] is not None and pd.isna(frame["全国系统行"].tolist()[3])
    ws = openpyxl.load_workbook(path)["关联明细"]
    notes = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert any("报告_关联明细.csv" in str(c) for c in notes)
    assert ws.max_row == 2


def test_empty_result(tmp_path):
    links = _links().iloc[0:0]
    result = Result(_run(), (), (), links)
    path = tmp_path / "empty.xlsx"
    write_xlsx(result, path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["总体情况", "问题清单", "不合格账号", "待人工核实", "关联明细", "说明"]
    write_json(result, tmp_path / "e.json")
    data = json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))
    assert data["links"] == [] and data["findings"] == [] and data["totals"] is None


# -------------------------------------------------------------------- JSON


def test_json_contract(tmp_path):
    path = tmp_path / "out.json"
    result = make_result()
    write_json(result, path)
    text = path.read_text(encoding="utf-8")
    assert "瞒报漏报" in text                       # ensure_ascii=False
    data = json.loads(text)
    assert set(data) == {"version", "run", "summary", "totals", "warnings", "notes", "platforms", "recheck",
                         "findings", "links"}
    assert data == result_to_dict(result)
    assert data["version"] == 1
    assert set(data["run"]) >= {"checkpoint", "quarter", "inputs", "settings"}
    assert data["run"]["inputs"][0] == {"source": "national", "path": "/data/national.xlsx",
                                        "sha256": "a" * 64, "rows": 212}
    assert data["summary"][0] == {"region": "咸安区", "total": 31, "checked": 31, "failed": 2, "pass_rate": 93.55}
    assert data["totals"]["region"] == "总计"
    assert data["warnings"] == list(result.warnings)
    f = next(f for f in data["findings"] if f["kind"] == "wrong_type")
    assert set(f) >= {"kind", "label", "fails", "platform", "name", "owner", "region", "detail", "records",
                      "confidence"}
    assert f["records"] == [{"source": "national", "row": 17}, {"source": "crawled", "row": 231}]
    assert data["links"][0] == {"national_row": 17, "provincial_row": 15, "crawled_row": 231,
                                "score": 0.9712, "status": "match"}
    assert data["links"][1]["provincial_row"] is None
    assert data["links"][3]["national_row"] is None
    for link in data["links"]:
        assert set(link) == {"national_row", "provincial_row", "crawled_row", "score", "status"}


def test_json_big_links_are_fast_and_valid(tmp_path):
    n = 200_000
    links = pd.DataFrame({
        "key": [f"k{i}" for i in range(n)],
        "national_row": pd.array([i if i % 3 else None for i in range(n)], dtype="Int64"),
        "provincial_row": pd.array(range(n), dtype="Int64"),
        "crawled_row": pd.array([None] * n, dtype="Int64"),
        "score": [float("nan") if i == 5 else i / n for i in range(n)],
        "status": ["match"] * n,
    })
    path = tmp_path / "big.json"
    write_json(make_result(links=links), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(data["links"]) == n
    assert data["links"][3] == {"national_row": None, "provincial_row": 3, "crawled_row": None,
                                "score": 0.0, "status": "match"}
    assert data["links"][5]["score"] is None


# -------------------------------------------------------------------- atomic writes


def test_atomic_write_keeps_old_file_on_error(tmp_path):
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"old report")

    def broken(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise RuntimeError("boom")

    with pytest.raises(OutputError) as err:
        atomic_write(target, broken)
    assert "report.xlsx" in str(err.value)
    assert target.read_bytes() == b"old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]


def test_atomic_write_permission_message(tmp_path):
    target = tmp_path / "report.xlsx"

    def locked(tmp: Path) -> None:
        raise PermissionError(13, "Permission denied")

    with pytest.raises(OutputError) as err:
        atomic_write(target, locked)
    assert "Excel/WPS" in err.value.message and str(target) in err.value.message
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_missing_folder(tmp_path):
    with pytest.raises(OutputError) as err:
        write_json(make_result(), tmp_path / "nope" / "out.json")
    assert "文件夹不存在" in err.value.message


def test_atomic_write_replaces(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")
    write_json(make_result(), target)
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


# -------------------------------------------------------------------- terminal


def test_terminal_render_narrow():
    findings = _findings() + tuple(
        Finding("stale", True, "微博", f"账号{i}", "某局", "通山县", "监测点前 14 天内无更新",
                (RecordRef("crawled", 100 + i),)) for i in range(25))
    console = Console(record=True, width=80, color_system=None)
    render(make_result(findings=findings), console, max_findings=20)
    out = console.export_text()
    for kind in ("瞒报漏报", "备案类型错误", "监测点前两周未更新", "认证信息不规范"):
        assert kind in out
    assert "另有 6 条" in out          # 26 stale findings, 20 shown
    assert "92.59%" in out and "总计" in out
    assert "national.xlsx（212 行）" in out
    assert "待人工核实" in out and "2 条关联" in out
    assert "\x07" not in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_terminal_markup_in_names_is_literal():
    f = Finding("unfiled", True, "微博", "[bold]x[/] [/red]", None, None, "d", ())
    console = Console(record=True, width=80, color_system=None)
    render(make_result(findings=(f,)), console)
    assert "[bold]x[/] [/red]" in console.export_text()


# -------------------------------------------------------------------- helpers


def test_helpers():
    assert quarter_zh("2022Q4") == "2022年第四季度" and quarter_zh("其他") == "其他"
    assert format_rate(99.505, 2) == "99.51%"
    assert format_rate(80.45, 1) == "80.5%"
    assert format_rate(72.4, 0) == "72%"
    assert format_rate(100.0, 2) == "100.00%"
    assert format_rate(100.0, 2, drop_trailing_zeros=True) == "100%"
    assert format_rate(78.4, 2, drop_trailing_zeros=True) == "78.4%"
    assert display_width("ab咸宁") == 6
    assert clean_cell_text("a\x00b\x1fc\ud800") == "abc"
    assert csv_safe("=1+1") == "'=1+1" and csv_safe("咸宁") == "咸宁"
    assert sheet_title("a[b]:c*?/\\d" * 5).count("_") > 0 and len(sheet_title("长" * 40)) == 31
    assert sheet_title("问题清单", ["问题清单"]) == "问题清单(2)"
    assert set(FINDING_KINDS) >= {"unfiled", "stale"}


def test_missing_values_render_as_empty(tmp_path):
    """A pipeline may leave pandas NA / NaN in 'empty' fields: they become empty cells, not crashes."""
    f = Finding("zombie", True, pd.NA, "长期账号", float("nan"), pd.NA, "超过 90 天无更新",
                (RecordRef("crawled", 3),), account_type=pd.NA)
    links = _links()
    links.loc[0, "owner"] = float("nan")
    links.loc[1, "name"] = pd.NA
    result = make_result(links=links, findings=(f,))
    path = tmp_path / "na.xlsx"
    write_xlsx(result, path)
    wb = openpyxl.load_workbook(path)
    assert _rows(wb["长期未更新(僵尸账号)"])[1] == [1, "长期未更新(僵尸账号)", None, None, "长期账号", None,
                                                "超过 90 天无更新", "是", "crawled.csv:3"]
    assert _rows(wb["关联明细"])[1][2] is None and _rows(wb["关联明细"])[2][1] is None
    console = Console(record=True, width=80, color_system=None)
    render(result, console)
    assert "<NA>" not in console.export_text() and "nan" not in console.export_text()
