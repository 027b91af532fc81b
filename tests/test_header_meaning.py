"""Headers recognised by meaning (issue 13): wordings no alias list holds, stray escapes,
ambiguous headers. Every test writes its own files."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from reconcile.config import Config
from reconcile.errors import InputError
from reconcile.sources import load_source
from reconcile.sources.aliases import normalize_header
from reconcile.sources.header import display
from reconcile.sources.meaning import assign
from tests.test_cli import cli
from tests.test_sources import write_csv, write_xlsx


@pytest.mark.parametrize("raw, expected", [
    ("\x1b[31m账号名称\x1b[0m", "账号名称"),
    ("平\x00台", "平台"),
    ("\x1b]0;title\x07粉丝数", "粉丝数"),
    ("账号\n名称", "账号名称"),
])
def test_control_characters_and_terminal_escapes_are_ignored(raw: str, expected: str) -> None:
    assert normalize_header(raw) == expected
    assert "\x1b" not in display(raw) and "[31m" not in display(raw)


def test_crawl_header_with_a_terminal_escape_loads(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "crawled.csv", [["\x1b[32m账号名称\x1b[0m", "平台", "账号ID"],
                                                ["平安咸宁", "微博", "123"]])
    rec = load_source(path, "crawled").frame.to_dict("records")[0]
    assert (rec["name"], rec["platform"], rec["account_id"]) == ("平安咸宁", "微博", "123")


# --- an independent national export with unseen header wordings --------------------------------

UNSEEN = ["序号", "新媒体账号名称", "新媒体类型", "账号标识", "主办单位名称", "运行状态", "所属地市", "所属区县",
          "开设时间", "最后一次更新"]
UNSEEN_ROWS = [
    [1, "平安咸宁", "微信公众号", "gh_0123456789ab", "咸宁市公安局", "正常", "咸宁市", None,
     dt.datetime(2018, 1, 2), "2022-11-01"],
    [2, "通山发布", "微博", "1234567890", "通山县人民政府办公室", "已注销", "咸宁市", "通山县",
     dt.datetime(2019, 3, 2), "2022年10月3日"],
    [3, "崇阳教育", "抖音", "cyjy2020", "崇阳县教育局", "运营中", "咸宁市", "崇阳县", dt.datetime(2020, 5, 6), None],
]


def test_unseen_header_wordings_map_by_meaning(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "national.xlsx", {"导出": [["全国政务新媒体信息报送系统导出"], UNSEEN, *UNSEEN_ROWS]})
    loaded = load_source(path, "national")
    assert loaded.mapping == {"新媒体账号名称": "name", "新媒体类型": "platform", "账号标识": "account_id",
                              "主办单位名称": "owner", "运行状态": "status", "所属地市": "region",
                              "所属区县": "region", "最后一次更新": "last_post_at"}
    assert loaded.ignored == ("序号", "开设时间")     # a filing date is not a last post
    f = loaded.frame
    assert f["name"].tolist() == ["平安咸宁", "通山发布", "崇阳教育"]
    assert f["account_id"].tolist() == ["gh_0123456789ab", "1234567890", "cyjy2020"]
    assert f["owner"].tolist() == ["咸宁市公安局", "通山县人民政府办公室", "崇阳县教育局"]
    assert f["region"].tolist() == ["咸宁市", "咸宁市 通山县", "咸宁市 崇阳县"]   # the split region, joined
    assert loaded.info.header_row == 2
    how = {c.header: c.how for c in loaded.info.columns}
    assert how["新媒体账号名称"] == how["账号标识"] == how["主办单位名称"] == "meaning"
    assert how["新媒体类型"] == how["所属区县"] == "alias"
    reason = next(c.reason for c in loaded.info.columns if c.header == "账号标识")
    assert "标识" in reason


def test_unseen_wordings_in_csv_and_header_only_file(tmp_path: Path) -> None:
    header = ["政务号名称", "所属平台", "微信号/账号", "开办单位名称", "账号运行状态", "县区"]
    path = write_csv(tmp_path / "p.csv", [header, ["健康咸宁", "微信服务号", "ahqe647", "咸宁市卫生健康委员会", "正常",
                                                   "咸安区"]], encoding="gb18030")
    loaded = load_source(path, "provincial")
    assert loaded.mapping == {"政务号名称": "name", "所属平台": "platform", "微信号/账号": "account_id",
                              "开办单位名称": "owner", "账号运行状态": "status", "县区": "region"}
    only = load_source(write_csv(tmp_path / "h.csv", [header]), "provincial")   # no values: text decides
    assert only.mapping == loaded.mapping and only.frame.empty


def test_header_cell_with_escape_and_line_break_maps_by_meaning(tmp_path: Path) -> None:
    header = ["\x1b[31m新媒体\n账号名称\x1b[0m", "平台", "账号\x1b[0m标识", "粉丝"]
    path = write_csv(tmp_path / "crawled.csv", [header, ["平安咸宁", "微信公众号", "gh_0123456789ab", "1.2万"]])
    loaded = load_source(path, "crawled")
    rec = loaded.frame.to_dict("records")[0]
    assert (rec["name"], rec["account_id"], rec["followers"]) == ("平安咸宁", "gh_0123456789ab", "1.2万")
    assert [c.header for c in loaded.info.columns][0] == "新媒体 账号名称"   # shown without the escape


def test_a_header_named_by_values_not_by_words_stays_unread(tmp_path: Path) -> None:
    """Values alone never name a column: a date column without key words is not 最近发布时间."""
    header = ["账号名称", "平台", "日期"]
    loaded = load_source(write_csv(tmp_path / "c.csv", [header, ["a", "微博", "2022-11-01"]]), "crawled")
    assert loaded.ignored == ("日期",) and loaded.frame["last_post_at"].isna().all()


# --- ambiguity, missing columns, reconcile.toml ---------------------------------------------------

AMBIGUOUS = [["政务账号名称", "新媒体账号名称", "新媒体类型"], ["平安咸宁", "咸宁公安", "微博"], ["通山发布", "通山政务", "抖音"]]


def test_ambiguous_required_column_refuses_naming_the_candidates(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "national.csv", AMBIGUOUS)
    with pytest.raises(InputError) as err:
        load_source(path, "national")
    msg = str(err.value)
    assert "无法确定哪一列是“政务新媒体名称”：候选“政务账号名称”“新媒体账号名称”" in msg
    assert "[columns.national]" in msg and "national.csv" in msg and "第 1 行" in msg


def test_ambiguous_header_exits_2_through_the_cli(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "national.csv", AMBIGUOUS)
    proc = cli("inspect", str(path), "--source", "national")
    assert proc.returncode == 2
    assert "无法确定哪一列是“政务新媒体名称”" in proc.stderr and "候选“政务账号名称”“新媒体账号名称”" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_reconcile_toml_settles_an_ambiguous_header(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "national.csv", AMBIGUOUS)
    loaded = load_source(path, "national", Config(columns={"national": {"name": ("新媒体账号名称",)}}))
    assert loaded.frame["name"].tolist() == ["咸宁公安", "通山政务"]
    assert {c.header: c.how for c in loaded.info.columns}["新媒体账号名称"] == "config"


def test_reconcile_toml_wins_over_meaning(tmp_path: Path) -> None:
    header = ["新媒体账号名称", "新媒体类型", "账号标识", "单位账号"]
    rows = [header, ["平安咸宁", "微博", "123456", "pingan_xn"]]
    path = write_csv(tmp_path / "n.csv", rows)
    assert load_source(path, "national").mapping["账号标识"] == "account_id"
    cfg = Config(columns={"national": {"account_id": ("单位账号",)}})
    loaded = load_source(path, "national", cfg)
    assert loaded.frame["account_id"].tolist() == ["pingan_xn"]
    assert "账号标识" in loaded.ignored


def test_missing_required_column_names_near_candidates(tmp_path: Path) -> None:
    header = ["名称", "渠道", "主办单位"]   # 渠道 could be 新媒体类型, but its values are no platforms
    path = write_csv(tmp_path / "n.csv", [header, ["平安咸宁", "甲类", "咸宁市公安局"]])
    with pytest.raises(InputError) as err:
        load_source(path, "national")
    msg = str(err.value)
    assert "缺少必需的列“新媒体类型”" in msg and "最接近的列“渠道”把握不足" in msg


def test_shipped_sample_reads_as_before() -> None:
    root = Path(__file__).resolve().parents[1] / "sample_data"
    for name, source in (("national.xlsx", "national"), ("provincial.xlsx", "provincial"), ("crawled.csv", "crawled")):
        loaded = load_source(root / name, source)
        assert {c.how for c in loaded.info.columns} == {"alias"}, name


# --- end to end: an independent national export, no reconcile.toml --------------------------------

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
REWORDED = {"账号名称": "新媒体账号名称", "平台类型": "新媒体类型", "账号ID": "账号标识", "主办单位": "主办单位名称",
            "主管单位": "主管部门名称", "所属地区": "所属区县", "运营状态": "运行状态"}


def _run(folder: Path, out: Path) -> tuple[object, dict]:
    proc = cli("run", str(folder), "--checkpoint", "2022-11-13", "--scope", "咸宁市", "--out", str(out / "r.xlsx"),
               "--json", str(out / "r.json"), "--db", str(out / "h.db"))
    assert proc.returncode in (0, 1), proc.stderr
    return proc, json.loads((out / "r.json").read_text(encoding="utf-8"))


def test_independent_national_export_with_unseen_wordings_runs_without_a_toml(tmp_path: Path) -> None:
    plain, reworded = tmp_path / "plain", tmp_path / "reworded"
    for folder in (plain, reworded):
        folder.mkdir()
        for name in ("national.xlsx", "provincial.xlsx", "crawled.csv"):
            shutil.copy(SAMPLE / name, folder / name)
    wb = openpyxl.load_workbook(reworded / "national.xlsx")
    ws = wb.active
    for cell in ws[1]:
        cell.value = REWORDED.get(cell.value, cell.value)
    wb.save(reworded / "national.xlsx")

    (plain / "out").mkdir()
    (reworded / "out").mkdir()
    _, expected = _run(plain, plain / "out")
    proc, got = _run(reworded, reworded / "out")
    assert got["findings"] == expected["findings"] and got["summary"] == expected["summary"]
    # shown: one line on the terminal, and the 说明 sheet lists how each column was read
    assert "按含义识别的列：新媒体账号名称→政务新媒体名称" in proc.stdout and "账号标识→账号ID" in proc.stdout
    about = [[c.value for c in row] for row in openpyxl.load_workbook(reworded / "out" / "r.xlsx")["说明"].iter_rows()]
    assert ["全国系统", "national.xlsx", "账号标识", "账号ID"] in [r[:4] for r in about]
    row = next(r for r in about if r[2] == "账号标识")
    assert str(row[4]).startswith("按含义识别")
    assert "按含义识别的列" not in cli("--quiet", "run", str(reworded), "--checkpoint", "2022-11-13", "--scope", "咸宁市",
                                       "--out", str(reworded / "out" / "q.xlsx"),
                                       "--db", str(reworded / "out" / "h.db")).stdout


# --- the scorer on its own ---------------------------------------------------------------------


@pytest.mark.parametrize("header, values, column", [
    ("新媒体账号名称", ["平安咸宁", "咸宁发布"], "name"),
    ("主办单位名称", ["咸宁市公安局", "咸宁市人民政府办公室"], "owner"),
    ("公众号类别", ["订阅号", "服务号"], "account_type"),
    ("类型", ["订阅号", "服务号"], "account_type"),
    ("类型", ["微博", "抖音"], "platform"),
    ("开设渠道", ["微信", "微博"], "platform"),
    ("账号标识", ["gh_0123456789ab", "123456789"], "account_id"),
    ("原始ID（gh_开头）", ["gh_0123456789ab"], "account_id"),
    ("所属县区", ["咸安区", "市直"], "region"),
    ("账号运行情况", ["正常", "已注销"], "status"),
    ("最近一次发文时间", ["2022-11-01", "2022年10月3日"], "last_post_at"),
    ("粉丝总量", ["1.2万", "345"], "followers"),
    ("开设时间", ["2018-01-02"], None),
    ("备案时间", ["2018-01-02"], None),
    ("序号", ["1", "2"], None),
    ("联系电话", ["0715-1234567"], None),
    ("填报单位", ["咸宁市政务服务和大数据管理局"], None),
])
def test_one_header_alone(header: str, values: list[str], column: str | None) -> None:
    columns = ("name", "platform", "account_type", "account_id", "owner", "supervisor", "region", "status",
               "verified_kind", "last_post_at", "followers")
    result = assign([header], [values], [0], columns, ())
    assert [g.column for g in result.chosen] == ([column] if column else [])


def test_assignment_is_one_to_one_and_deterministic() -> None:
    texts = ["账号昵称全称", "平台", "账号标识", "微信号码"]
    samples = [["平安咸宁"], ["微博"], ["gh_0123456789ab"], ["pingan_xn"]]
    first = assign(texts, samples, [0, 1, 2, 3], ("name", "platform", "account_id"), ("name", "platform"))
    assert first == assign(texts, samples, [0, 1, 2, 3], ("name", "platform", "account_id"), ("name", "platform"))
    assert [g.column for g in first.chosen].count("account_id") == 1 and not first.ambiguous


def test_two_row_header_with_unseen_wordings(tmp_path: Path) -> None:
    rows = [["附件1 政务新媒体备案表"], ["新媒体账号名称", "新媒体类型", "单位信息", None],
            [None, None, "主办单位名称", "所在县区"],
            ["平安咸宁", "微博", "咸宁市公安局", "咸安区"]]
    path = write_xlsx(tmp_path / "n.xlsx", {"S": rows}, merges={"S": ["A2:A3", "B2:B3", "C2:D2"]})
    loaded = load_source(path, "national")
    assert loaded.frame["row"].tolist() == [4]
    assert loaded.mapping == {"新媒体账号名称": "name", "新媒体类型": "platform", "主办单位名称": "owner",
                              "所在县区": "region"}
    assert any("表头占两行" in w for w in loaded.warnings)


def test_split_region_named_once_by_alias_and_once_by_meaning(tmp_path: Path) -> None:
    header = ["政务新媒体名称", "新媒体类型", "所属地市", "所在县区"]
    path = write_csv(tmp_path / "n.csv", [header, ["平安通山", "微博", "咸宁市", "通山县"], ["咸宁发布", "微博", "咸宁市", ""]])
    loaded = load_source(path, "national")
    assert loaded.frame["region"].tolist() == ["咸宁市 通山县", "咸宁市"]
    assert {c.header: c.how for c in loaded.info.columns if c.column == "region"} == {"所属地市": "alias",
                                                                                   "所在县区": "meaning"}
