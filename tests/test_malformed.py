"""Bad input never crashes the run, never loses data, never injects (issue 6).

Every case below starts from a clean quarter folder (tests/malformed/build.py: three exports
that agree on every account), breaks one thing the way real exports break, and runs the real
command line (``reconcile.cli.main`` with its own sys.argv, in this process: the corpus stays
fast). Each case says what must happen:

- ``Fails(...)``: exit 2 and one line on stderr, starting with 错误：, naming the file and
  containing the given phrases; the previous report and JSON are untouched and nothing is
  added beside the inputs;
- ``Runs(...)``: exit 0/1 as given, the given phrases in the JSON ``warnings`` (数据问题),
  the given finding kinds present.

For every case: no "Traceback", inputs byte-identical, no temporary file left behind, and in a
written workbook no formula, hyperlink or non-string cell carrying input text.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from malformed.build import (
    CRAWLED_HEADER,
    Sheet,
    crawled,
    csv_text,
    encrypted_workbook,
    entity_bomb_doctype,
    national,
    write_quarter,
    xlsx_bytes,
)

OLD_REPORT = b"previous quarter's report, must survive a failed run"
OLD_JSON = b'{"previous": true}'


@dataclass(frozen=True)
class Fails:
    file: str                      # the file the message must name
    phrases: tuple[str, ...]
    max_seconds: float = 20.0


@dataclass(frozen=True)
class Runs:
    exit: int
    warnings: tuple[str, ...] = ()            # phrases each found in some JSON warning
    kinds: tuple[str, ...] = ()               # finding kinds that must be present
    no_kinds: tuple[str, ...] = ()            # finding kinds that must be absent
    texts: tuple[str, ...] = ()               # input texts that must appear verbatim as string cells


@dataclass(frozen=True)
class Case:
    id: str
    make: Callable[[Path], None]
    expect: Fails | Runs
    args: tuple[str, ...] = ()
    out_name: str = "r.xlsx"
    extra: dict = field(default_factory=dict)


# --- helpers that break one file -------------------------------------------------------------

def put(folder: Path, name: str, data: bytes | str, *, replaces: str | None = None) -> None:
    """Write ``name`` (bytes, or text as UTF-8); ``replaces`` removes that file first."""
    if replaces:
        (folder / replaces).unlink()
    path = folder / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)


def nat_csv(rows: list[list[object]], encoding: str = "utf-8") -> Callable[[Path], None]:
    return lambda d: put(d, "national.csv", csv_text(rows).encode(encoding))


def crawl_csv(rows: list[list[object]]) -> Callable[[Path], None]:
    return lambda d: put(d, "crawled.csv", csv_text(rows))


def nat_xlsx(*sheets: Sheet) -> Callable[[Path], None]:
    return lambda d: put(d, "national.xlsx", xlsx_bytes(list(sheets)), replaces="national.csv")


def edit(rows: list[list[object]], r: int, c: int, value: object) -> list[list[object]]:
    rows[r][c] = value
    return rows


def _drop_col(rows: list[list[object]], c: int) -> list[list[object]]:
    return [row[:c] + row[c + 1:] for row in rows]


def _xls(d: Path) -> None:
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("备案")
    for i, row in enumerate(national()):
        for j, v in enumerate(row):
            ws.write(i, j, v)
    (d / "national.csv").unlink()
    wb.save(str(d / "national.xls"))


def _big5(d: Path) -> None:
    import opencc

    text = opencc.OpenCC("s2t").convert(csv_text(national()))
    put(d, "national.csv", text.encode("big5", errors="replace"))


def _patched_zip(source: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    zin = zipfile.ZipFile(io.BytesIO(source))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in zin.namelist():
            data = zin.read(name)
            z.writestr(name, change(data) if name == part else data)
    return buf.getvalue()


def _bomb(d: Path) -> None:
    book = xlsx_bytes([Sheet("备案", national())])
    bomb = entity_bomb_doctype(levels=10, fan=10).encode()

    def arm(xml: bytes) -> bytes:
        xml = xml.replace(b"<worksheet", bomb + b"<worksheet", 1)
        return xml.replace("咸宁发布".encode(), b"&lol9;", 1)

    put(d, "national.xlsx", _patched_zip(book, "xl/worksheets/sheet1.xml", arm), replaces="national.csv")


def _external_entity(d: Path) -> None:
    book = xlsx_bytes([Sheet("备案", national())])
    xxe = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'

    def arm(xml: bytes) -> bytes:
        xml = xml.replace(b"<worksheet", xxe + b"<worksheet", 1)
        return xml.replace("咸宁发布".encode(), b"&xxe;", 1)

    put(d, "national.xlsx", _patched_zip(book, "xl/worksheets/sheet1.xml", arm), replaces="national.csv")


def _truncated_zip(d: Path) -> None:
    data = xlsx_bytes([Sheet("备案", national())])
    put(d, "national.xlsx", data[: len(data) // 2], replaces="national.csv")


def _zip_without_workbook(d: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    put(d, "national.xlsx", buf.getvalue(), replaces="national.csv")


def _million_blank_rows(d: Path) -> None:
    """A "CSV export" of a whole 1M-row range: the accounts, then a million empty records."""
    put(d, "crawled.csv", csv_text(crawled()) + ",,,,,,,,\r\n" * 1_000_000)


def _stray_cell_far_down(d: Path) -> None:
    """Something typed in Excel's last row (1,048,576): the sheet's range is a million rows."""
    rows: list[list[object]] = national() + [[]] * (1_048_576 - 6) + [["（完）"]]
    put(d, "national.xlsx", xlsx_bytes([Sheet("备案", rows)]), replaces="national.csv")


def _wide_sheet(d: Path) -> None:
    header = national()[0] + [f"备用{j}" for j in range(16_384 - 8)]
    put(d, "national.xlsx", xlsx_bytes([Sheet("备案", [header] + national()[1:])]), replaces="national.csv")


def _two_nationals(d: Path) -> None:
    put(d, "national_v2.csv", csv_text(national()))


def _bad_json(d: Path) -> None:
    put(d, "crawled.json", '[{"账号名称": "咸宁发布", "平台": "微博"},', replaces="crawled.csv")


def _json_scalar(d: Path) -> None:
    put(d, "crawled.json", "42", replaces="crawled.csv")


def _jsonl_bad_line(d: Path) -> None:
    put(d, "crawled.jsonl", '{"账号名称": "咸宁发布", "平台": "微博"}\n{oops\n', replaces="crawled.csv")


def _utf8_with_bad_bytes(d: Path) -> None:
    data = csv_text(national()).encode("utf-8").replace("平安咸宁".encode(), "平安".encode() + b"\xff\xfe" + "咸宁".encode())
    put(d, "national.csv", data)


def _dup_filing_by_id(d: Path) -> None:
    rows = national()
    rows.append(["咸宁发布（重复）", "公众号", "订阅号", "XNFB", "咸宁市政府办", "咸宁市", "正常", ""])
    put(d, "national.csv", csv_text(rows))


def _dup_filing_by_name(d: Path) -> None:
    rows = [r[:3] + [""] + r[4:] for r in national()]
    rows.append(rows[2][:])
    put(d, "national.csv", csv_text(rows))
    put(d, "provincial.csv", csv_text([r[:3] + [""] + r[4:] for r in national()]))


def _same_name_other_ids(d: Path) -> None:
    rows = national()
    rows.append(["咸宁发布", "微信公众号", "订阅号", "xnfb2", "咸宁市人民政府办公室", "咸宁市", "正常运营", ""])
    put(d, "national.csv", csv_text(rows))


def _out_of_scope_platforms(d: Path) -> None:
    rows = crawled() + [
        ["咸宁文旅", "小红书", "", "xhs001", "咸宁市文化和旅游局", "政府机构认证", "正常", "2022-11-10", "10"],
        ["Xianning", "Twitter", "", "xn_tw", "", "", "正常", "2022-11-10", "5"],
    ]
    put(d, "crawled.csv", csv_text(rows))


def _json_with_surrogates(d: Path) -> None:
    """JSON may escape lone surrogates ("\\ud800"), which no output file can hold."""
    records = [dict(zip(CRAWLED_HEADER, row, strict=True)) for row in crawled()[1:]]
    records.append({"账号名称": "\ud800咸宁网信", "平台": "微博", "账号ID": "xnwx", "认证主体": "咸宁市委网信办",
                    "认证类型": "政府机构认证", "账号状态": "正常", "最近发布时间": "2022-11-10", "\udfff粉丝数": "9"})
    put(d, "crawled.json", json.dumps(records, ensure_ascii=True), replaces="crawled.csv")


INJECTIONS = ["=HYPERLINK(\"http://evil.example/\",\"点我\")", "=cmd|' /C calc'!A0", "+1+2", "-3+4", "@SUM(1,2)",
              "\tTAB开头", "\rCR开头", "#DIV/0!"]


def _injections(d: Path) -> None:
    rows = crawled()
    for i, text in enumerate(INJECTIONS):
        rows.append([text, "微博", "", f"evil{i}", "咸宁市公安局", "政府机构认证", "正常", "2022-11-10", "1"])
    put(d, "crawled.csv", csv_text(rows))
    filed = national()
    filed.append(["=1+1", "抖音", "", "evil_filed", "@咸宁市公安局", "咸宁市", "正常运营", "2021-01-01"])
    put(d, "national.csv", csv_text(filed))


def _control_chars(d: Path) -> None:
    rows = crawled()
    rows[1][0] = "咸宁\x00发布\x07"
    rows[2][4] = "咸宁市公安局\x1b[31m"
    put(d, "crawled.csv", csv_text(rows))


def _ten_mb_cell(d: Path) -> None:
    rows = crawled()
    rows[3][4] = "咸宁市交通运输局" + "备注" * (5 * 1024 * 1024 // 2)
    put(d, "crawled.csv", csv_text(rows))


def _merged_two_row_header(d: Path) -> None:
    top = ["附件2 2022年第四季度政务新媒体备案情况表"] + [None] * 7
    h1 = ["政务新媒体名称", "新媒体类型", "账号类型", "账号ID", "单位信息", None, "运营状态", "开设时间"]
    h2 = [None, None, None, None, "主办单位", "所属地区", None, None]
    merged = ["A1:H1", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:F2", "G2:G3", "H2:H3"]
    nat_xlsx(Sheet("备案", [top, h1, h2] + national()[1:], merged=merged))(d)


def _merged_data_cells(d: Path) -> None:
    rows = national()
    rows[2][5] = None   # 所属地区 merged down from the row above (A3 region = A2's)
    nat_xlsx(Sheet("备案", rows, merged=["F2:F3"]))(d)


def _formulas(d: Path) -> None:
    rows = national()
    formulas = {"A2": ('"咸宁"&"发布"', "咸宁发布"), "D3": ('LOWER("PINGAN_XN")', "pingan_xn"),
                "H4": ("DATE(2020,5,6)", 43957), "A5": ("1/0", "#DIV/0!")}
    nat_xlsx(Sheet("备案", rows, formulas=formulas))(d)


CASES: list[Case] = [
    # --- the run stops: exit 2, one clear line -----------------------------------------------
    Case("empty_file", lambda d: put(d, "national.csv", b""), Fails("national.csv", ("空的",))),
    Case("blank_lines_only", lambda d: put(d, "national.csv", b" \r\n\r\n\t\r\n"), Fails("national.csv", ("空的",))),
    Case("title_rows_only", lambda d: put(d, "national.csv", "附件2 政务新媒体备案情况表\r\n\r\n填报单位：咸宁市\r\n"),
         Fails("national.csv", ("没有找到可识别的表头", "附件2"))),
    Case("header_below_row_30", nat_csv([["说明"]] * 40 + national()),
         Fails("national.csv", ("没有找到可识别的表头",))),
    Case("missing_platform_column", nat_csv(_drop_col(national(), 1)),
         Fails("national.csv", ("缺少必需的列", "新媒体类型", "第 1 行"))),
    Case("missing_name_column_crawled", crawl_csv(_drop_col(crawled(), 0)),
         Fails("crawled.csv", ("缺少必需的列", "政务新媒体名称"))),
    Case("delimiters_only", lambda d: put(d, "provincial.csv", ",,,,\r\n,,,,\r\n"),
         Fails("provincial.csv", ("没有找到可识别的表头",))),
    Case("xlsx_really_html", lambda d: put(d, "national.xlsx", "<html><body><table><tr><td>政务新媒体名称</td>"
                                           "<td>新媒体类型</td></tr></table></body></html>", replaces="national.csv"),
         Fails("national.xlsx", ("网页",))),
    Case("xls_really_html", lambda d: put(d, "national.xls", '<html xmlns:x="urn:schemas-microsoft-com:office:excel">'
                                          "<table><tr><td>名称</td></tr></table></html>", replaces="national.csv"),
         Fails("national.xls", ("网页",))),
    Case("xlsx_really_pdf", lambda d: put(d, "national.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
                                          replaces="national.csv"), Fails("national.xlsx", ("PDF",))),
    Case("truncated_zip", _truncated_zip, Fails("national.xlsx", ("损坏",))),
    Case("zip_magic_then_zeros", lambda d: put(d, "national.xlsx", b"PK\x03\x04" + bytes(200), replaces="national.csv"),
         Fails("national.xlsx", ("损坏",))),
    Case("zip_without_workbook", _zip_without_workbook, Fails("national.xlsx", ("损坏",))),
    Case("password_protected_xlsx", lambda d: put(d, "national.xlsx", encrypted_workbook(), replaces="national.csv"),
         Fails("national.xlsx", ("文件已加密",))),
    Case("entity_bomb", _bomb, Fails("national.xlsx", ("XML 实体",), max_seconds=5.0)),
    Case("external_entity", _external_entity, Fails("national.xlsx", ("XML 实体",), max_seconds=5.0)),
    Case("random_bytes", lambda d: put(d, "national.csv", bytes(range(256)) * 40),
         Fails("national.csv", ("编码",))),
    Case("nul_bytes", lambda d: put(d, "national.csv", b"\x00" * 4096), Fails("national.csv", ("二进制",))),
    Case("empty_workbook", nat_xlsx(Sheet("Sheet1", [])), Fails("national.xlsx", ("没有任何数据",))),
    Case("sheet_option_unknown", nat_xlsx(Sheet("旧", national()[:2]), Sheet("新", national())),
         Fails("national.xlsx", ("找不到工作表“不存在”", "旧、新")), args=("--sheet", "不存在")),
    Case("crawled_missing_from_folder", lambda d: (d / "crawled.csv").unlink(), Fails("", ("找不到平台采集文件",))),
    Case("two_national_files", _two_nationals, Fails("", ("有多个全国系统文件", "--national"))),
    Case("json_truncated", _bad_json, Fails("crawled.json", ("JSON",))),
    Case("json_not_a_list", _json_scalar, Fails("crawled.json", ("JSON",))),
    Case("jsonl_bad_line", _jsonl_bad_line, Fails("crawled.jsonl", ("第 2 行", "JSON"))),
    Case("config_not_toml", lambda d: put(d, "reconcile.toml", "checkpoint = [[[\n"),
         Fails("reconcile.toml", ("配置文件格式错误",))),
    Case("config_impossible_date", lambda d: put(d, "reconcile.toml", 'checkpoint = "2022-02-30"\n'),
         Fails("reconcile.toml", ("不存在",))),
    Case("option_impossible_date", lambda d: None, Fails("", ("2022-02-30", "不存在")),
         args=("--checkpoint", "2022-02-30")),
    Case("report_path_is_a_folder", lambda d: None, Fails("", ("文件夹",)), out_name="existing_folder"),
    Case("report_folder_missing", lambda d: None, Fails("", ("文件夹不存在",)), out_name="no/such/dir/r.xlsx"),

    # --- the run goes on; the problem is counted in 数据问题 -----------------------------------
    Case("clean_quarter", lambda d: None, Runs(0)),
    Case("header_only", nat_csv(national()[:1]), Runs(1, ("只有表头",), kinds=("registry_mismatch",))),
    Case("duplicate_headers", nat_csv([r + [r[0]] for r in national()]), Runs(0, ("都对应",))),
    Case("required_column_empty_in_rows", nat_csv(edit(national(), 2, 0, "")), Runs(0, ("“政务新媒体名称”为空", "第 3 行"))),
    Case("unknown_platform_label", nat_csv(edit(national(), 2, 1, "推特")),
         Runs(1, ("“新媒体类型”无法识别", "推特", "其他"))),
    Case("unknown_type_label", nat_csv(edit(national(), 3, 2, "企业号")), Runs(0, ("“账号类型”无法识别", "企业号"))),
    Case("unknown_status_label", nat_csv(edit(national(), 1, 6, "半死不活")),
         Runs(0, ("“运营状态”无法识别", "半死不活", "未知"))),
    Case("unknown_verified_label", crawl_csv(edit(crawled(), 1, 5, "紫V")), Runs(0, ("“认证类型”无法识别", "紫V"))),
    Case("impossible_date", crawl_csv(edit(crawled(), 1, 7, "2022-02-30")), Runs(0, ("不是可识别的日期", "2022-02-30"))),
    Case("ambiguous_date", crawl_csv(edit(crawled(), 2, 7, "11/12/2022")), Runs(0, ("不是可识别的日期", "11/12/2022"))),
    Case("text_in_numeric_column", crawl_csv(edit(edit(crawled(), 1, 8, "很多"), 2, 8, "-5")),
         Runs(0, ("“粉丝数”不是数字", "很多", "-5"))),
    Case("gbk_without_bom", nat_csv(national(), "gbk"), Runs(0)),
    Case("gb18030_rare_chars", nat_csv(edit(national(), 1, 4, "咸宁市人民政府办公室𠀀"), "gb18030"), Runs(0)),
    Case("utf8_with_bom", nat_csv(national(), "utf-8-sig"), Runs(0)),
    Case("utf16_with_bom", nat_csv(national(), "utf-16"), Runs(0)),
    Case("utf16le_without_bom", nat_csv(national(), "utf-16-le"), Runs(0)),
    Case("big5", _big5, Runs(0)),
    Case("utf8_with_invalid_bytes", _utf8_with_bad_bytes, Runs(0, ("不是有效的 UTF-8",))),
    Case("semicolon_delimited", lambda d: put(d, "national.csv", csv_text(national()).replace(",", ";")), Runs(0)),
    Case("tab_delimited_txt", lambda d: put(d, "national.txt", csv_text(national()).replace(",", "\t"),
                                            replaces="national.csv"), Runs(0)),
    Case("cr_only_line_ends", lambda d: put(d, "national.csv", csv_text(national()).replace("\r\n", "\r")), Runs(0)),
    Case("xlsx_really_csv", lambda d: put(d, "national.xlsx", csv_text(national()), replaces="national.csv"),
         Runs(0, ("内容是 CSV",))),
    Case("real_xls", _xls, Runs(0)),
    Case("several_sheets_first_with_header", nat_xlsx(Sheet("填表说明", [["请按要求填写"]]), Sheet("备案", national()),
                                                      Sheet("上季度", national()[:2])),
         Runs(0, ("3 个工作表", "“备案”", "--sheet"))),
    Case("sheet_option_chooses", nat_xlsx(Sheet("上季度", national()[:2]), Sheet("本季度", national())),
         Runs(0, ("CSV 文件没有工作表，已忽略指定的工作表“本季度”",)),
         args=("--sheet", "本季度")),
    Case("data_on_hidden_sheet", nat_xlsx(Sheet("备案", national(), state="hidden"), Sheet("封面", [["封面"]])),
         Runs(0, ("隐藏工作表",))),
    Case("empty_default_sheets", nat_xlsx(Sheet("Sheet1", national()), Sheet("Sheet2", []), Sheet("Sheet3", [])),
         Runs(0)),
    Case("merged_two_row_header", _merged_two_row_header, Runs(0, ("表头占两行",))),
    Case("merged_cells_in_data", _merged_data_cells, Runs(0)),
    Case("hidden_rows_and_columns", nat_xlsx(Sheet("备案", national(), hidden_rows=[3], hidden_cols=[6])), Runs(0)),
    Case("formulas_with_cached_values", _formulas, Runs(0, ("“政务新媒体名称”为空", "第 5 行"))),
    Case("sheet_16k_columns", _wide_sheet, Runs(0)),
    Case("million_row_csv_mostly_blank", _million_blank_rows, Runs(0)),
    Case("stray_cell_in_last_excel_row", _stray_cell_far_down, Runs(1, ("“新媒体类型”为空", "第 1048576 行"))),
    Case("ten_mb_cell", _ten_mb_cell, Runs(1, ("超过 32767 个字符", "已截断"))),
    Case("nul_and_control_characters", _control_chars, Runs(0, ("控制字符",))),
    Case("json_with_lone_surrogates", _json_with_surrogates, Runs(1, kinds=("unfiled",), texts=("\ufffd咸宁网信",))),
    Case("formula_and_dde_names", _injections, Runs(1, kinds=("unfiled", "registry_mismatch"),
                                                      texts=(*INJECTIONS[:5], "=1+1", "@咸宁市公安局"))),
    Case("duplicate_filing_same_id", _dup_filing_by_id,
         Runs(1, ("重复备案",), kinds=("duplicate_filing",), no_kinds=("registry_mismatch",))),
    Case("duplicate_filing_same_name_owner", _dup_filing_by_name,
         Runs(1, ("重复备案",), kinds=("duplicate_filing",), no_kinds=("registry_mismatch",))),
    Case("same_name_different_ids", _same_name_other_ids, Runs(1, no_kinds=("duplicate_filing",))),
    Case("crawled_platforms_out_of_scope", _out_of_scope_platforms, Runs(1, ("两个系统均无备案账号的平台", "小红书 1 行"))),
]


# --- running the command line ----------------------------------------------------------------

def run_cli(args: list[str]) -> tuple[int, str, str]:
    """``reconcile <args>`` through reconcile.cli.main in this process: (exit code, stdout, stderr)."""
    from reconcile.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv
    sys.argv = ["reconcile", *args]
    code: int | str | None = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
            except SystemExit as exc:
                code = exc.code
    finally:
        sys.argv = saved
    return int(code or 0), out.getvalue(), err.getvalue()


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(autouse=True)
def no_openpyxl_reading(monkeypatch):
    """Inputs are read with python-calamine only: reading one with openpyxl fails the test."""
    import openpyxl
    import openpyxl.reader.excel

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl must not read inputs")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    monkeypatch.setattr(openpyxl.reader.excel, "load_workbook", refuse)


def assert_plain_workbook(path: Path, texts: tuple[str, ...] = ()) -> None:
    """No formula, hyperlink, DDE/external link anywhere; every text cell a plain string."""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert not [n for n in names if "externalLink" in n or "connections" in n]
        for name in names:
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml, name
                assert "<hyperlink" not in xml, name
    from openpyxl.reader.excel import ExcelReader

    reader = ExcelReader(str(path), read_only=False, data_only=False)   # our own output, not an input
    reader.read()
    found = set()
    for ws in reader.wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                assert cell.hyperlink is None, (ws.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.data_type)
                    found.add(cell.value)
                    assert len(cell.value) <= 32767
    missing = [t for t in texts if t not in found]
    assert not missing, f"input texts not stored verbatim as strings: {missing}"


def test_corpus_is_large_enough():
    assert len(CASES) >= 50
    assert len({c.id for c in CASES}) == len(CASES)
    assert sum(isinstance(c.expect, Fails) for c in CASES) >= 20
    assert sum(isinstance(c.expect, Runs) for c in CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_malformed_input(case: Case, tmp_path: Path):
    folder = tmp_path / "quarter"
    write_quarter(folder)
    case.make(folder)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "existing_folder").mkdir()
    report, json_path = out_dir / case.out_name, out_dir / "r.json"
    if case.out_name == "r.xlsx":
        report.write_bytes(OLD_REPORT)
    json_path.write_bytes(OLD_JSON)
    inputs_before = snapshot(folder)
    outputs_before = snapshot(out_dir)

    t0 = time.perf_counter()
    code, stdout, stderr = run_cli(["run", str(folder), "--out", str(report), "--json", str(json_path),
                                    *case.args])
    elapsed = time.perf_counter() - t0

    assert "Traceback" not in stdout + stderr
    assert "\x1b" not in stdout + stderr and "\x00" not in stdout + stderr     # no escape codes from inputs
    inputs_after = snapshot(folder)
    assert {k: inputs_after[k] for k in inputs_before} == inputs_before       # inputs byte-identical
    leftovers = [p.name for p in out_dir.iterdir() if ".tmp" in p.name]
    assert not leftovers                                                        # no temporary file left

    expect = case.expect
    if isinstance(expect, Fails):
        assert code == 2, (stdout, stderr)
        line = stderr.strip()
        assert line.startswith("错误：") and "\n" not in line, stderr
        assert expect.file in line
        for phrase in expect.phrases:
            assert phrase in line, (phrase, line)
        assert elapsed < expect.max_seconds
        assert snapshot(out_dir) == outputs_before                             # old report and JSON untouched
        assert inputs_after == inputs_before                                   # nothing added beside the inputs
        assert not (tmp_path / "reconcile.db").exists()                        # no history written
        return

    assert code == expect.exit, (stdout, stderr)
    result = json.loads(json_path.read_text(encoding="utf-8"))
    warnings = result["warnings"]
    for phrase in expect.warnings:
        assert any(phrase in w for w in warnings), (phrase, warnings)
    if not expect.warnings:
        assert warnings == []
    kinds = {f["kind"] for f in result["findings"]}
    assert set(expect.kinds) <= kinds, kinds
    assert not set(expect.no_kinds) & kinds, kinds
    assert report.read_bytes() != OLD_REPORT
    assert_plain_workbook(report, expect.texts)


# --- interrupted and crashing runs -----------------------------------------------------------

@pytest.fixture
def quarter(tmp_path: Path) -> tuple[Path, Path, Path]:
    folder = tmp_path / "quarter"
    write_quarter(folder)
    out = tmp_path / "out"
    out.mkdir()
    (out / "r.xlsx").write_bytes(OLD_REPORT)
    (out / "r.json").write_bytes(OLD_JSON)
    return folder, out / "r.xlsx", out / "r.json"


def _args(folder: Path, report: Path, json_path: Path) -> list[str]:
    return ["run", str(folder), "--out", str(report), "--json", str(json_path), "--no-db"]


def test_ctrl_c_during_the_run_exits_130_and_writes_nothing(quarter, monkeypatch):
    folder, report, json_path = quarter
    import reconcile.pipeline

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(reconcile.pipeline, "run", interrupted)
    code, stdout, stderr = run_cli(_args(folder, report, json_path))
    assert code == 130 and "Traceback" not in stdout + stderr
    assert "已中断" in stderr
    assert report.read_bytes() == OLD_REPORT and json_path.read_bytes() == OLD_JSON
    assert sorted(p.name for p in report.parent.iterdir()) == ["r.json", "r.xlsx"]


@pytest.mark.parametrize("failure", [RuntimeError("disk on fire"), KeyboardInterrupt()], ids=["crash", "ctrl_c"])
def test_failure_while_saving_leaves_the_previous_report(quarter, monkeypatch, failure):
    """The workbook is saved to a temporary file that dies half-written: the old report stays."""
    folder, report, json_path = quarter
    import reconcile.report.xlsx as xlsx

    real_build = xlsx.build_workbook

    class HalfWritten:
        def __init__(self, wb):
            self.wb = wb

        def save(self, path):
            self.wb.save(path)
            data = Path(path).read_bytes()
            Path(path).write_bytes(data[: len(data) // 2])
            raise failure

    monkeypatch.setattr(xlsx, "build_workbook", lambda *a, **k: HalfWritten(real_build(*a, **k)))
    code, stdout, stderr = run_cli(_args(folder, report, json_path))
    assert "Traceback" not in stdout + stderr
    assert code == (130 if isinstance(failure, KeyboardInterrupt) else 2)
    assert report.read_bytes() == OLD_REPORT
    assert json_path.read_bytes() == OLD_JSON
    assert sorted(p.name for p in report.parent.iterdir()) == ["r.json", "r.xlsx"]   # no temporary left
    if code == 2:
        assert stderr.strip().startswith("错误：") and "r.xlsx" in stderr and "\n" not in stderr.strip()


def test_an_unexpected_bug_is_one_line_without_debug_and_a_traceback_with_it(quarter, monkeypatch):
    folder, report, json_path = quarter
    import reconcile.pipeline

    def bug(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(reconcile.pipeline, "run", bug)
    code, stdout, stderr = run_cli(_args(folder, report, json_path))
    assert code == 2 and "Traceback" not in stdout + stderr
    assert stderr.strip().startswith("错误：程序内部错误") and "--debug" in stderr
    with pytest.raises(ZeroDivisionError):
        run_cli([*_args(folder, report, json_path), "--debug"])


@pytest.mark.parametrize("make", [_bomb, lambda d: put(d, "national.csv", bytes(range(256)) * 40)],
                         ids=["entity_bomb", "random_bytes"])
def test_real_process_prints_one_line(make, tmp_path: Path):
    """The same through ``python -m reconcile`` in a fresh process (the installed entry point)."""
    import subprocess

    folder = tmp_path / "quarter"
    write_quarter(folder)
    make(folder)
    before = snapshot(folder)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "reconcile", "run", str(folder), "--out", str(tmp_path / "r.xlsx")],
                          capture_output=True, text=True, timeout=120)
    assert time.perf_counter() - t0 < 60
    assert proc.returncode == 2 and "Traceback" not in proc.stdout + proc.stderr
    assert proc.stderr.strip().startswith("错误：") and "\n" not in proc.stderr.strip()
    assert snapshot(folder) == before
    assert not (tmp_path / "r.xlsx").exists()


def test_duplicate_filing_names_both_rows_and_links_the_first(tmp_path: Path):
    """national.csv rows 2 and 6 are one account (same platform, id differing only in case and
    label); the finding names both rows, and the account is still linked across the three."""
    folder = tmp_path / "quarter"
    write_quarter(folder)
    _dup_filing_by_id(folder)
    code, _, stderr = run_cli(["run", str(folder), "--out", str(tmp_path / "r.xlsx"), "--json",
                               str(tmp_path / "r.json"), "--no-db"])
    assert code == 1, stderr
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    dups = [f for f in result["findings"] if f["kind"] == "duplicate_filing"]
    assert len(dups) == 1
    assert dups[0]["records"] == [{"source": "national", "row": 2}, {"source": "national", "row": 6}]
    assert dups[0]["label"] == "重复备案" and dups[0]["fails"] is False and dups[0]["name"] == "咸宁发布"
    link = [x for x in result["links"] if x["national_row"] == 2]
    assert link and link[0]["provincial_row"] == 2 and link[0]["crawled_row"] == 2
    assert not any(x["national_row"] == 6 for x in result["links"])
