"""Loaders: every test writes its own input files into tmp_path and reads them back."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
import xlwt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconcile.config import Config
from reconcile.errors import InputError
from reconcile.schema import CANONICAL_COLUMNS
from reconcile.sources import ALIASES, COLUMN_LABELS, discover_inputs, file_sha256, load_source
from reconcile.sources.aliases import build_lookup, normalize_header

# --- helpers --------------------------------------------------------------------------------


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None,
               start: str | None = None) -> Path:
    """Write sheets of rows with openpyxl; ``start`` ("C3") places the first row/column elsewhere."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        r0, c0 = 1, 1
        if start:
            cell = ws[start]
            r0, c0 = cell.row, cell.column
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if value is not None:
                    ws.cell(row=r0 + i, column=c0 + j, value=value)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return path


def records(loaded) -> list[dict]:
    return loaded.frame.to_dict("records")


HEADER = ["序号", "政务新媒体名称", "新媒体类型", "账号类型", "账号ID", "主办单位", "所属地区", "运营状态"]
ROW1 = [1, "平安咸宁", "微信公众号", "服务号", "pingan_xn", "咸宁市公安局", "市直", "正常"]
ROW2 = [2, "咸宁发布", "微博", None, 1234567890, "咸宁市人民政府办公室", "市直", "正常运营"]


# --- header normalisation and alias tables ---------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("运营\n状态", "运营状态"),
    ("新媒体 类型", "新媒体类型"),
    ("账号ＩＤ", "账号id"),
    ("\u3000主办单位\u3000", "主办单位"),
    ("*政务新媒体名称（必填）", "政务新媒体名称"),
    ("账号类型(订阅号/服务号)：", "账号类型"),
    ("市直/县市区", "市直/县市区"),
    ("【备注】", "【备注】"),
])
def test_normalize_header(raw: str, expected: str) -> None:
    assert normalize_header(raw) == expected


def test_alias_tables_are_consistent() -> None:
    for source, table in ALIASES.items():
        seen: dict[str, str] = {}
        for column, aliases in table.items():
            assert column in CANONICAL_COLUMNS and column in COLUMN_LABELS
            for alias in aliases:
                key = normalize_header(alias)
                assert seen.setdefault(key, column) == column, (source, alias)
    lookup = build_lookup("crawled")
    assert lookup["认证信息"].column == "verified_info"
    assert lookup["认证主体"].column == "owner"
    assert build_lookup("national")["认证信息"].column == "owner"
    assert build_lookup("national")["主办单位"].priority < build_lookup("national")["认证信息"].priority
    assert "开设时间" not in lookup and "备案时间" not in build_lookup("national")


# --- xlsx -----------------------------------------------------------------------------------


def test_xlsx_title_rows_blank_row_and_exact_row_numbers(tmp_path: Path) -> None:
    rows = [
        ["附件2 2022年第四季度全市政务新媒体备案情况表"],
        ["填报单位：咸宁市政务服务和大数据管理局"],
        HEADER,
        ROW1,
        [],
        ROW2,
        [None, "   ", None],
        [3, "通山公安", "抖音", None, None, "通山县公安局", "通山县", None],
    ]
    path = write_xlsx(tmp_path / "provincial.xlsx", {"Sheet1": rows}, merges={"Sheet1": ["A1:H1"]})
    loaded = load_source(path, "provincial")

    assert list(loaded.frame.columns) == list(CANONICAL_COLUMNS)
    assert loaded.frame["row"].tolist() == [4, 6, 8]
    assert str(loaded.frame["row"].dtype) == "int64"
    assert loaded.frame["source"].tolist() == ["provincial"] * 3
    assert loaded.frame["name"].tolist() == ["平安咸宁", "咸宁发布", "通山公安"]
    assert loaded.frame["account_id"].tolist() == ["pingan_xn", "1234567890", None]
    assert loaded.frame["account_type"].tolist() == ["服务号", None, None]
    assert loaded.frame["verified_kind"].isna().all()
    info = loaded.info
    assert (info.rows, info.header_row, info.sheet, info.format, info.encoding) == (3, 3, "Sheet1", "xlsx", None)
    assert info.sha256 == file_sha256(path)
    assert loaded.mapping["政务新媒体名称"] == "name" and loaded.mapping["运营状态"] == "status"
    assert loaded.ignored == ("序号",)


def test_xlsx_data_starting_at_row_3_keeps_excel_row_numbers(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "n.xlsx", {"S": [HEADER, ROW1, [], ROW2]}, start="C3")
    loaded = load_source(path, "national")
    assert loaded.info.header_row == 3
    assert loaded.frame["row"].tolist() == [4, 6]
    assert loaded.frame["name"].tolist() == ["平安咸宁", "咸宁发布"]
    # cross-check with openpyxl: the name really is in those rows
    ws = openpyxl.load_workbook(path).active
    assert [ws.cell(row=r, column=4).value for r in (4, 6)] == ["平安咸宁", "咸宁发布"]


def test_xlsx_numbers_and_dates(tmp_path: Path) -> None:
    header = ["名称", "平台", "账号ID", "最近发布时间", "粉丝数"]
    rows = [
        header,
        ["a", "微博", 123456789, dt.datetime(2022, 11, 13, 10, 5), 1.5],
        ["b", "微博", 1.23e8, dt.date(2022, 1, 2), 12345678901234],
        ["c", "微博", "00123", "2022年11月13日", 0],
    ]
    loaded = load_source(write_xlsx(tmp_path / "c.xlsx", {"S": rows}), "crawled")
    f = loaded.frame
    assert f["account_id"].tolist() == ["123456789", "123000000", "00123"]
    assert f["followers"].tolist() == ["1.5", "12345678901234", "0"]
    assert f["last_post_at"].iloc[0] == dt.datetime(2022, 11, 13, 10, 5)
    assert isinstance(f["last_post_at"].iloc[1], dt.date)
    assert f["last_post_at"].iloc[2] == "2022年11月13日"
    assert f["last_post_at"].dtype == object


def test_xlsx_vertically_merged_region_is_repeated(tmp_path: Path) -> None:
    rows = [["所属地区", "名称", "平台"], ["通山县", "平安通山", "微博"], [None, "通山发布", "微博"],
            [None, "通山教育", "抖音"], ["崇阳县", "平安崇阳", "微博"]]
    path = write_xlsx(tmp_path / "m.xlsx", {"S": rows}, merges={"S": ["A2:A4"]})
    loaded = load_source(path, "national")
    assert loaded.frame["region"].tolist() == ["通山县", "通山县", "通山县", "崇阳县"]
    assert loaded.frame["row"].tolist() == [2, 3, 4, 5]


def test_sheet_choice(tmp_path: Path) -> None:
    sheets = {
        "填报说明": [["说明"], ["请按要求填写"]],
        "账号": [HEADER, ROW1, ROW2],
        "其他": [["名称", "平台"], ["x", "微博"]],
    }
    partial = {"汇总": [["名称", "主办单位"], ["x", "y"]], **sheets}   # a header without 新媒体类型
    path = write_xlsx(tmp_path / "n.xlsx", sheets)
    auto = load_source(path, "national")
    assert auto.info.sheet == "账号" and auto.info.rows == 2
    chosen = load_source(path, "national", sheet="其他")
    assert chosen.info.sheet == "其他" and chosen.frame["name"].tolist() == ["x"]
    assert load_source(write_xlsx(tmp_path / "p.xlsx", partial), "national").info.sheet == "账号"
    with pytest.raises(InputError) as err:
        load_source(path, "national", sheet="不存在")
    assert "不存在" in str(err.value) and "填报说明" in str(err.value) and "账号" in str(err.value)


# --- xls ------------------------------------------------------------------------------------


def test_xls_written_by_xlwt(tmp_path: Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("备案")
    sheet.write_merge(0, 0, 0, 3, "附件1 全国政务新媒体信息报送系统导出")
    for j, h in enumerate(["政务新媒体名称", "新媒体类型", "微信号", "开办主体"]):
        sheet.write(1, j, h)
    sheet.write(2, 0, "平安崇阳")
    sheet.write(2, 1, "公众号")
    sheet.write(2, 2, 123456789)
    sheet.write(2, 3, "崇阳县公安局")
    sheet.write(4, 0, "崇阳发布")
    sheet.write(4, 1, "微博")
    sheet.write(4, 2, 9876543210.0)
    path = tmp_path / "national.xls"
    book.save(str(path))
    loaded = load_source(path, "national")
    assert loaded.info.format == "xls" and loaded.info.header_row == 2
    assert loaded.frame["row"].tolist() == [3, 5]
    assert loaded.frame["account_id"].tolist() == ["123456789", "9876543210"]
    assert loaded.frame["owner"].tolist() == ["崇阳县公安局", None]


# --- CSV ------------------------------------------------------------------------------------


def test_gb18030_csv(tmp_path: Path) -> None:
    rows = [["账号名称", "平台", "账号ID", "认证主体", "认证类型", "认证信息", "账号状态", "粉丝数"],
            ["咸宁指尖上的城 管", "微信服务号", "gh_0123456789ab", "咸宁市城市管理执法委员会", "政府机构认证",
             "咸宁市城市管理执法委员会官方账号", "", "1.2万"],
            ["䶮测试𠀀", "抖音", "88", "", "个人认证", "", "已注销", ""]]
    path = write_csv(tmp_path / "crawled.csv", rows, encoding="gb18030")
    loaded = load_source(path, "crawled")
    assert loaded.info.encoding == "gb18030" and loaded.info.format == "csv"
    assert loaded.info.header_row == 1
    f = loaded.frame
    assert f["row"].tolist() == [2, 3]
    assert f["name"].tolist() == ["咸宁指尖上的城 管", "䶮测试𠀀"]
    assert f["owner"].tolist() == ["咸宁市城市管理执法委员会", None]
    assert f["verified_info"].tolist() == ["咸宁市城市管理执法委员会官方账号", None]
    assert f["status"].tolist() == [None, "已注销"]
    assert f["followers"].tolist() == ["1.2万", None]


def test_utf8_bom_csv(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [["名称", "所属平台", "责任单位"], ["通城旅游", "抖音", "通城县文旅局"]],
                     encoding="utf-8-sig")
    loaded = load_source(path, "provincial")
    assert loaded.info.encoding == "utf-8-sig"
    assert loaded.mapping == {"名称": "name", "所属平台": "platform", "责任单位": "owner"}
    assert records(loaded)[0]["row"] == 2 and records(loaded)[0]["owner"] == "通城县文旅局"


def test_utf16_tab_separated(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.txt", [["名称", "平台"], ["咸宁交警一大队", "微博"]], encoding="utf-16",
                     delimiter="\t")
    loaded = load_source(path, "provincial")
    assert loaded.info.encoding == "utf-16"
    assert records(loaded)[0]["name"] == "咸宁交警一大队"


def test_csv_title_lines_quoted_newlines_and_blank_lines(tmp_path: Path) -> None:
    text = (
        "附件2 全市政务新媒体备案表\r\n"           # line 1
        "\r\n"                                    # line 2
        '名称,"新媒体\n类型",账号ID,备注\r\n'      # lines 3-4 (header with a line break)
        "平安咸宁,微信公众号,000123,\r\n"           # line 5
        '"咸宁\n发布",微博,1,"多行\n备注"\r\n'     # lines 6-8 (two line breaks in one record)
        "\r\n"                                    # line 9 (blank)
        ",,,\r\n"                                 # line 10 (blank cells)
        "  通山公安  ;,抖音,,\r\n"                  # line 11
        ",,,只有备注\r\n"                           # line 12 (not blank: kept)
    )
    path = tmp_path / "n.csv"
    path.write_bytes(text.encode("utf-8"))
    loaded = load_source(path, "national")
    assert loaded.info.header_row == 3
    f = loaded.frame
    assert f["row"].tolist() == [5, 6, 11, 12]
    assert f["name"].tolist() == ["平安咸宁", "咸宁\n发布", "通山公安  ;", None]
    assert f["account_id"].tolist() == ["000123", "1", None, None]
    assert any("政务新媒体名称" in w and "第 12 行" in w for w in loaded.warnings)


def test_csv_header_with_a_line_break_on_the_first_line(tmp_path: Path) -> None:
    """The header is lines 1-2 (a blank first cell, then "运营\n状态"): the body starts on line 3,
    and a file with only such a header has no data rows."""
    header = ',"运营\n状态",政务新媒体名称,新媒体类型\r\n'
    path = tmp_path / "n.csv"
    path.write_bytes((header + ",正常,咸宁发布,微信公众号\r\n").encode("utf-8"))
    loaded = load_source(path, "national")
    assert loaded.frame[["row", "status", "name", "platform"]].values.tolist() == [[3, "正常", "咸宁发布", "微信公众号"]]
    path.write_bytes(header.encode("utf-8"))
    assert load_source(path, "national").frame.empty


def test_csv_ragged_rows_and_semicolons(tmp_path: Path) -> None:
    # rows longer than the header force the stdlib parser; line numbers must not change
    text = "名称;平台;账号ID\n平安咸宁;微博;1\n\n咸宁发布;微博;2;多余;多余\n通山公安;抖音\n"
    path = tmp_path / "n.csv"
    path.write_text(text, encoding="utf-8")
    loaded = load_source(path, "national")
    assert loaded.frame["row"].tolist() == [2, 4, 5]
    assert loaded.frame["account_id"].tolist() == ["1", "2", None]


def test_csv_long_row_after_the_head_uses_the_stdlib_parser(tmp_path: Path, monkeypatch) -> None:
    import reconcile.sources.text as text_module

    calls = []
    original = text_module._csv_body_stdlib
    monkeypatch.setattr(text_module, "_csv_body_stdlib", lambda *a: calls.append(1) or original(*a))
    lines = ["名称,平台,账号ID"] + [f"账号{i},微博,{i}" for i in range(400)] + ["", "多出来的,微博,9,x,y,z"]
    path = tmp_path / "n.csv"
    path.write_text("\n".join(lines) + "\n", encoding="gb18030")
    loaded = load_source(path, "national")
    assert calls == [1]
    assert loaded.frame["row"].tolist() == list(range(2, 402)) + [403]
    assert loaded.frame["account_id"].iloc[-1] == "9" and loaded.frame["name"].iloc[-1] == "多出来的"


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    xlsx = write_xlsx(tmp_path / "a.xlsx", {"S": [HEADER, ROW1]})
    odd = tmp_path / "national.export"
    odd.write_bytes(xlsx.read_bytes())
    loaded = load_source(odd, "national")
    assert loaded.info.format == "xlsx" and loaded.frame["name"].tolist() == ["平安咸宁"]
    renamed = tmp_path / "national.xls"    # an xlsx saved with the wrong extension
    renamed.write_bytes(xlsx.read_bytes())
    loaded = load_source(renamed, "national")
    assert loaded.info.format == "xlsx" and any(".xls" in w for w in loaded.warnings)


def test_header_must_be_in_first_30_rows(tmp_path: Path) -> None:
    rows = [[f"说明第{i}行"] for i in range(31)] + [HEADER, ROW1]
    with pytest.raises(InputError) as err:
        load_source(write_xlsx(tmp_path / "n.xlsx", {"S": rows}), "national")
    assert "前 30 行" in str(err.value)


def test_weibo_crawler_users_csv(tmp_path: Path) -> None:
    header = ["用户id", "昵称", "性别", "所在地", "微博数", "粉丝数", "关注数", "是否认证", "认证类型", "认证信息",
              "上次记录微博信息"]
    row = ["1669879400", "平安咸宁", "m", "湖北 咸宁", "1024", "35000", "120", "True", "1", "咸宁市公安局官方微博",
           "4845300000000001 2022-11-01"]
    path = write_csv(tmp_path / "users.csv", [header, row], encoding="utf-8-sig")
    loaded = load_source(path, "crawled")
    rec = records(loaded)[0]
    assert rec["platform"] == "微博" and rec["account_id"] == "1669879400" and rec["name"] == "平安咸宁"
    assert rec["verified_kind"] == "1" and rec["verified_info"] == "咸宁市公安局官方微博"
    assert rec["followers"] == "35000" and rec["last_post_at"] == "4845300000000001 2022-11-01"
    assert any("微博" in w and "平台" in w for w in loaded.warnings)
    assert "是否认证" in loaded.ignored and "关注数" in loaded.ignored


def test_csv_ids_stay_text(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [["名称", "平台", "账号ID"], ["a", "微博", "123456789012345678"],
                                          ["b", "微博", "0012"]])
    assert load_source(path, "crawled").frame["account_id"].tolist() == ["123456789012345678", "0012"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cells=st.lists(st.tuples(st.text(min_size=0, max_size=8), st.text(min_size=0, max_size=8)),
                   min_size=1, max_size=12),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_csv_round_trip_property(tmp_path: Path, cells: list[tuple[str, str]], encoding: str) -> None:
    """Whatever text is in the cells (quotes, delimiters, line breaks), values and line numbers
    come back exactly (modulo outer whitespace), and blank records are skipped."""
    cells = [(a.replace("\x00", ""), b.replace("\x00", "")) for a, b in cells]
    path = tmp_path / f"prop-{encoding}.csv"
    rows = [["名称", "平台"]] + [list(c) for c in cells]
    write_csv(path, rows, encoding=encoding)
    loaded = load_source(path, "national")

    expected_rows, expected_names, line = [], [], 2
    for a, b in cells:
        if a.strip() or b.strip():
            expected_rows.append(line)
            expected_names.append(a.strip() or None)
        # a record spans one line plus its embedded line breaks ("\r\n" counts once)
        line += 1 + sum(x.replace("\r\n", "\n").replace("\r", "\n").count("\n") for x in (a, b))
    assert loaded.frame["row"].tolist() == expected_rows
    assert loaded.frame["name"].tolist() == expected_names


# --- aliases, config, duplicates --------------------------------------------------------------


def test_header_variants_with_line_breaks_spaces_and_full_width(tmp_path: Path) -> None:
    header = ["*名称（必填）", "新媒体 类型", "运营\n状态", "账号ＩＤ", "市直/县市区", "主 管 单 位", "开设时间"]
    path = write_xlsx(tmp_path / "p.xlsx", {"S": [header, ["豆香麦市", "公众号", "正常", "dxms", "通城县", "通城县政府",
                                                           "2020-01-01"]]})
    loaded = load_source(path, "provincial")
    assert loaded.mapping == {"*名称（必填）": "name", "新媒体 类型": "platform", "运营\n状态": "status",
                              "账号ＩＤ": "account_id", "市直/县市区": "region", "主 管 单 位": "supervisor"}
    assert loaded.ignored == ("开设时间",)
    assert records(loaded)[0]["region"] == "通城县"


def test_duplicate_headers_keep_priority_and_warn(tmp_path: Path) -> None:
    header = ["认证信息", "名称", "平台", "主办单位", "名称"]
    path = write_xlsx(tmp_path / "n.xlsx", {"S": [header, ["认证X", "甲", "微博", "单位Y", "乙"]]})
    loaded = load_source(path, "national")
    rec = records(loaded)[0]
    assert rec["owner"] == "单位Y" and rec["name"] == "甲"
    assert loaded.ignored == ("认证信息", "名称")
    assert len(loaded.warnings) == 2
    assert any("认证信息" in w and "主办单位" in w for w in loaded.warnings)


def test_config_aliases_take_priority(tmp_path: Path) -> None:
    header = ["名称", "账号全称", "类型", "单位"]
    path = write_xlsx(tmp_path / "n.xlsx", {"S": [header, ["短名", "咸宁市公安局官方账号", "微博", "咸宁市公安局"]]})
    with pytest.raises(InputError):
        load_source(path, "national")   # 类型 is not a built-in platform alias
    cfg = Config(columns={"national": {"name": ("账号全称",), "platform": ("类型",), "owner": ("单位",)}})
    loaded = load_source(path, "national", config=cfg)
    rec = records(loaded)[0]
    assert (rec["name"], rec["platform"], rec["owner"]) == ("咸宁市公安局官方账号", "微博", "咸宁市公安局")
    assert loaded.ignored == ("名称",) and loaded.warnings


# --- errors ---------------------------------------------------------------------------------


def test_missing_required_column_message(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "n.xlsx", {"S": [["附件2"], ["名称", "账号ID", "主办单位"], ["a", "1", "b"]]})
    with pytest.raises(InputError) as err:
        load_source(path, "national")
    msg = str(err.value)
    assert "新媒体类型" in msg                      # the column, in Chinese
    assert "平台类型" in msg and "所属平台" in msg      # aliases looked for
    assert "账号ID" in msg and "主办单位" in msg       # headers seen
    assert "第 2 行" in msg and "n.xlsx" in msg and "[columns.national]" in msg
    assert err.value.row == 2


def test_no_header_message_names_best_candidate(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [["标题"], ["单位", "名称", "备注"], ["a", "b", "c"]])
    with pytest.raises(InputError) as err:
        load_source(path, "national")
    msg = str(err.value)
    assert "表头" in msg and "前 30 行" in msg and "单位、名称、备注" in msg and "x.csv" in msg


@pytest.mark.parametrize("content, fragment", [
    (None, "找不到"),
    (b"", "空"),
    (b" \r\n", "空"),
    (b"PK\x03\x04garbage-not-a-zip", "损坏"),
    ("<html><table><tr><td>名称</td></tr></table></html>".encode(), "HTML"),
    (b"%PDF-1.7 ...", "PDF"),
])
def test_bad_files_raise_input_error(tmp_path: Path, content: bytes | None, fragment: str) -> None:
    path = tmp_path / "national.xls"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as err:
        load_source(path, "national")
    assert fragment in str(err.value) and "national.xls" in str(err.value)


def test_header_only_file_warns(tmp_path: Path) -> None:
    loaded = load_source(write_csv(tmp_path / "n.csv", [["名称", "平台"]]), "national")
    assert loaded.frame.empty and list(loaded.frame.columns) == list(CANONICAL_COLUMNS)
    assert loaded.warnings == ("文件中只有表头，没有数据行",)


def test_input_file_is_not_modified(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "n.xlsx", {"S": [HEADER, ROW1]})
    before = path.read_bytes()
    load_source(path, "national")
    assert path.read_bytes() == before


# --- JSON / JSON Lines (MediaCrawler) ---------------------------------------------------------


def test_mediacrawler_jsonl_creators(tmp_path: Path) -> None:
    lines = [
        json.dumps({"user_id": "MS4wLjABAAAA_x", "nickname": "通城旅游", "fans": "1.1万", "ip_location": "湖北"},
                   ensure_ascii=False),
        "",
        json.dumps({"user_id": "MS4wLjABAAAA_y", "nickname": "平安通城", "fans": 345}, ensure_ascii=False),
    ]
    path = tmp_path / "dy_creators_2022-11-13.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded = load_source(path, "crawled")
    f = loaded.frame
    assert loaded.info.format == "jsonl" and loaded.info.header_row is None
    assert f["row"].tolist() == [1, 3]
    assert f["platform"].tolist() == ["抖音", "抖音"]
    assert f["account_id"].tolist() == ["MS4wLjABAAAA_x", "MS4wLjABAAAA_y"]
    assert f["followers"].tolist() == ["1.1万", "345"]


def test_json_array(tmp_path: Path) -> None:
    data = [{"nickname": "咸宁发布", "alias": "xnfb", "service_type": 2, "identity_name": "咸宁市人民政府办公室"}]
    path = tmp_path / "wechat.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    rec = records(load_source(path, "crawled"))[0]
    assert rec == {**rec, "row": 1, "platform": "微信公众号", "name": "咸宁发布", "account_id": "xnfb",
                   "account_type": "2", "owner": "咸宁市人民政府办公室"}


# --- discovery ------------------------------------------------------------------------------


def _touch(folder: Path, *names: str) -> None:
    for n in names:
        (folder / n).write_bytes(b"x")


def test_discover_inputs(tmp_path: Path) -> None:
    _touch(tmp_path, "National_2022Q4.xlsx", "provincial.xls", "crawled.csv", "~$National_2022Q4.xlsx",
           "crawled_report.xlsx", "核查报告.xlsx", "reconcile.toml", "truth.json", "README.md")
    found = discover_inputs(tmp_path)
    assert found == {"national": tmp_path / "National_2022Q4.xlsx", "provincial": tmp_path / "provincial.xls",
                     "crawled": tmp_path / "crawled.csv"}


def test_discover_chinese_names(tmp_path: Path) -> None:
    _touch(tmp_path, "全国系统导出.xlsx", "省平台导出.xlsx", "爬取结果.jsonl")
    found = discover_inputs(tmp_path)
    assert found["national"].name == "全国系统导出.xlsx"
    assert found["provincial"].name == "省平台导出.xlsx"
    assert found["crawled"].name == "爬取结果.jsonl"


def test_discover_missing_and_duplicates(tmp_path: Path) -> None:
    _touch(tmp_path, "national.xlsx", "notes.docx")
    with pytest.raises(InputError) as err:
        discover_inputs(tmp_path)
    msg = str(err.value)
    assert str(tmp_path) in msg and "省级平台" in msg and "平台采集" in msg
    assert "provincial" in msg and "crawled" in msg and "notes.docx" in msg and "national.xlsx" in msg

    _touch(tmp_path, "provincial.xlsx", "provincial_old.xlsx", "crawled.csv")
    with pytest.raises(InputError) as err:
        discover_inputs(tmp_path)
    msg = str(err.value)
    assert "provincial.xlsx" in msg and "provincial_old.xlsx" in msg and "--provincial" in msg


def test_discover_folder_missing(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        discover_inputs(tmp_path / "nope")
