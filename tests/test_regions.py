"""Divisions table and RegionResolver: the examples of the brief, ambiguity with and without a
scope, short forms, common words that are not places, 市直 and bare 市/县 prefixes."""

from __future__ import annotations

import csv

import pytest

from reconcile.errors import ConfigError
from reconcile.regions import DATA_PATH, Place, RegionResolver, known_names, region_label

XIANNING = ("湖北省", "咸宁市", None)
TONGSHAN = ("湖北省", "咸宁市", "通山县")


@pytest.fixture(scope="module")
def plain() -> RegionResolver:
    return RegionResolver()


@pytest.fixture(scope="module")
def xianning() -> RegionResolver:
    return RegionResolver(("咸宁市",))


# ---------------------------------------------------------------------------- the table


def test_divisions_csv_shape() -> None:
    assert DATA_PATH.stat().st_size < 200_000
    with DATA_PATH.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["code", "name", "level", "province", "city", "county"]
    assert len(rows) == 3213          # 民政部 2023: 34 省级, 333 地级, 2846 县级
    assert len({r["code"] for r in rows}) == len(rows)
    assert all(len(r["code"]) == 6 and r["code"].isdigit() for r in rows)
    assert {r["level"] for r in rows} == {"province", "city", "county"}
    assert not {"市辖区", "县", "省直辖县级行政区划"} & {r["name"] for r in rows}
    by_code = {r["code"]: r for r in rows}
    assert by_code["421224"] == {"code": "421224", "name": "通山县", "level": "county",
                                 "province": "湖北省", "city": "咸宁市", "county": "通山县"}
    assert by_code["421200"]["level"] == "city" and by_code["420000"]["level"] == "province"
    assert by_code["110105"]["city"] == "北京市"               # 直辖市: counties under the province
    assert by_code["500101"]["city"] == "重庆市"
    assert by_code["429004"]["city"] == "" and by_code["429004"]["county"] == "仙桃市"
    for r in rows:
        level_name = {"province": r["province"], "city": r["city"], "county": r["county"]}[r["level"]]
        assert level_name == r["name"]


def test_known_names() -> None:
    names = known_names()
    assert {"通山县", "咸宁市", "湖北省", "睢县", "杞县", "朝阳区"} <= names
    assert "平安" not in names and "通山" not in names


# ---------------------------------------------------------------------------- resolve


@pytest.mark.parametrize(("owner", "expected"), [
    ("通山县应急管理局", TONGSHAN),
    ("咸宁市公安局", XIANNING),
    ("湖北省人民政府办公厅", ("湖北省", None, None)),
    ("湖北省咸宁市通山县公安局", TONGSHAN),
    ("中共通山县委宣传部", TONGSHAN),                  # a division inside the text, not only at the start
    ("咸寧市衛生健康委員會", XIANNING),                 # traditional characters
    ("咸宁市城市管里执法委员会", XIANNING),             # a typo does not matter
    ("公安县公安局", ("湖北省", "荆州市", "公安县")),     # "公安" alone is a common word, 公安县 is not
    ("吉林省长春市朝阳区公安分局", ("吉林省", "长春市", "朝阳区")),
    ("乾县人民政府", ("陕西省", "咸阳市", "乾县")),
])
def test_resolve_owner(plain: RegionResolver, owner: str, expected: tuple) -> None:
    assert plain.resolve(None, owner) == Place(*expected)


@pytest.mark.parametrize(("name", "expected"), [
    ("平安睢县", ("河南省", "商丘市", "睢县")),
    ("平安杞县", ("河南省", "开封市", "杞县")),
    ("通山公安", TONGSHAN),                               # short form, unique nationwide
    ("平安咸宁", XIANNING),
    ("咸宁指尖上的城 管", XIANNING),
    ("商丘交警一大队", ("河南省", "商丘市", None)),
    ("河南交通", ("河南省", None, None)),                 # a province's short form beats 河南县
    ("平安", (None, None, None)),                         # not a place
    ("中山", (None, None, None)),                         # 中山市 or 大连 中山区: ambiguous
    ("朝阳区", (None, None, None)),                       # 北京 or 长春
    ("城区派出所", (None, None, None)),
    ("自然资源和规划局", (None, None, None)),             # 资源县 is a place, 资源 a word
    ("乡村振兴", (None, None, None)),
])
def test_resolve_name(plain: RegionResolver, name: str, expected: tuple) -> None:
    assert plain.resolve(None, None, name) == Place(*expected)


def test_priority_region_then_owner_then_name(plain: RegionResolver) -> None:
    assert plain.resolve("咸安区", "通山县公安局", "平安睢县").county == "咸安区"
    assert plain.resolve(None, "通山县公安局", "平安睢县").county == "通山县"
    assert plain.resolve(None, "某某单位", "平安睢县").county == "睢县"
    # a region cell is refined by an owner that agrees with it
    assert plain.resolve("咸宁市", "通山县公安局") == Place(*TONGSHAN)
    assert plain.resolve("咸宁市", "睢县公安局") == Place(*XIANNING)


def test_scope_disambiguates() -> None:
    beijing = RegionResolver(("北京市",))
    changchun = RegionResolver(("长春市",))
    assert beijing.resolve(None, None, "朝阳区") == Place("北京市", "北京市", "朝阳区")
    assert changchun.resolve(None, None, "朝阳区") == Place("吉林省", "长春市", "朝阳区")
    assert RegionResolver(("中山市",)).resolve(None, None, "中山发布") == Place("广东省", "中山市", None)
    assert RegionResolver(("大连市",)).resolve(None, None, "中山发布") == Place("辽宁省", "大连市", "中山区")
    # a two-character short form that is ambiguous nationwide counts inside the scope only
    assert RegionResolver().resolve(None, None, "鼓楼公安") == Place()
    assert RegionResolver(("福州市",)).resolve(None, None, "鼓楼公安") == Place("福建省", "福州市", "鼓楼区")


def test_short_forms(xianning: RegionResolver, plain: RegionResolver) -> None:
    assert xianning.resolve(None, None, "通山公安") == Place(*TONGSHAN)
    assert xianning.resolve("嘉鱼", None) == Place("湖北省", "咸宁市", "嘉鱼县")
    assert xianning.resolve(None, None, "咸宁发布") == Place(*XIANNING)
    assert xianning.resolve(None, None, "湖北发布") == Place("湖北省", None, None)   # province short
    # short forms of autonomous divisions; nested candidates (恩施州 ⊃ 恩施市) are not ambiguous
    hubei = RegionResolver(("湖北省",))
    for resolver in (plain, hubei):
        assert resolver.resolve(None, None, "恩施发布") == Place("湖北省", "恩施土家族苗族自治州", None)
        assert resolver.resolve(None, None, "长阳发布") == Place("湖北省", "宜昌市", "长阳土家族自治县")
    # with a scope, a two-character short form outside it is not trusted (大东 = 沈阳 大东区)
    assert plain.resolve(None, None, "大东发布") == Place("辽宁省", "沈阳市", "大东区")
    assert RegionResolver(("浙江省",)).resolve(None, None, "大东发布") == Place()
    # … and a town's name is not a division's short form (大东坝镇 is 松阳县's, not 大东区)
    assert plain.resolve(None, None, "大东坝镇") == Place("浙江省", "丽水市", "松阳县")
    assert xianning.resolve(None, None, "恩施发布") == Place()


def test_municipal_level_words(xianning: RegionResolver, plain: RegionResolver) -> None:
    for cell in ("市直", "市本级", "市直单位", "咸宁市直"):
        assert xianning.resolve(cell, "某某单位") == Place(*XIANNING), cell
    assert xianning.resolve("市直", "通山县公安局") == Place(*XIANNING)   # explicit level: not refined
    assert RegionResolver(("湖北省",)).resolve("省本级", None) == Place("湖北省", None, None)
    assert RegionResolver(("通山县",)).resolve("县直", None) == Place(*TONGSHAN)
    assert RegionResolver(("北京市",)).resolve("市直", None) == Place("北京市", None, None)
    assert xianning.resolve(None, "市公安局") == Place(*XIANNING)
    assert xianning.resolve(None, "市场监督管理局") == Place()             # 市场 is not 市 + 场
    assert plain.resolve("市直", "咸宁市公安局") == Place(*XIANNING)       # no scope: the owner says
    assert plain.resolve(None, "市公安局") == Place()


def test_unknown_scope_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="火星"):
        RegionResolver(("火星",))


def test_scope_short_and_traditional_names() -> None:
    assert RegionResolver(("咸宁",)).in_scope(Place(*TONGSHAN))
    assert RegionResolver(("鹹寧市",)).in_scope(Place(*TONGSHAN))


# ---------------------------------------------------------------------------- helpers


def test_in_scope(xianning: RegionResolver, plain: RegionResolver) -> None:
    assert xianning.in_scope(Place(*TONGSHAN))
    assert xianning.in_scope(Place(*XIANNING))
    assert not xianning.in_scope(Place("湖北省", None, None))
    assert not xianning.in_scope(Place("河南省", "商丘市", "睢县"))
    assert not xianning.in_scope(Place())
    assert plain.in_scope(Place())
    assert RegionResolver(("湖北省", "河南省")).in_scope(Place("河南省", "商丘市", "睢县"))


def test_region_label(xianning: RegionResolver) -> None:
    assert region_label(Place(*TONGSHAN)) == "通山县"
    assert region_label(Place(*XIANNING)) == "咸宁市"
    assert region_label(Place("湖北省", None, None)) == "湖北省"
    assert region_label(Place()) == "未知"
    assert xianning.region_label(Place(*TONGSHAN)) == "通山县"


@pytest.mark.parametrize(("text", "expected"), [
    ("咸宁市公安局", "公安局"),
    ("市公安局", "公安局"),
    ("湖北省咸宁市通山县公安局", "公安局"),
    ("通山县公安局", "公安局"),
    ("通山公安局", "公安局"),
    ("咸宁市 公安局", "公安局"),
    ("咸宁市市场监督管理局", "市场监督管理局"),
    ("市场监督管理局", "市场监督管理局"),
    ("中山大学", "中山大学"),            # ambiguous short form: left alone
    ("咸宁市", "咸宁市"),                # nothing would be left
    ("松阳县大东坝镇人民政府", "大东坝镇人民政府"),   # 大东区 is not in 松阳县
])
def test_strip_region(xianning: RegionResolver, text: str, expected: str) -> None:
    assert xianning.strip_region(text) == expected


def test_strip_region_makes_owners_comparable(xianning: RegionResolver) -> None:
    assert xianning.strip_region("市公安局") == xianning.strip_region("咸宁市公安局")
    assert xianning.strip_region("中共咸宁市委宣传部") == xianning.strip_region("市委宣传部") == "委宣传部"
    assert xianning.strip_region(None) == ""


def test_an_owner_naming_only_divisions_elsewhere_is_not_placed_by_its_name() -> None:
    """"新华区" exists in 河北 and 河南, not in 湖北: the name's coincidental 张湾 (十堰) must not
    place the account inside the scope, neither in resolve nor in normalize_frame."""
    from conftest import raw_frame

    from reconcile.frame import normalize_frame

    resolver = RegionResolver(("湖北省",))
    assert resolver.resolve(None, None, "张湾林业").city == "十堰市"          # the name alone says 十堰
    assert resolver.resolve(None, "新华区林业局", "张湾林业") == (None, None, None)
    assert resolver.resolve(None, "张湾区林业局", "张湾林业").city == "十堰市"  # an owner in the scope still counts
    frame = normalize_frame(raw_frame("crawled", [
        {"name": "张湾林业", "owner": "新华区林业局", "platform": "公众号", "verified_kind": "政府机构认证"},
        {"name": "张湾林业", "owner": "林业局", "platform": "公众号", "verified_kind": "政府机构认证"},
    ]), resolver, official_places_only=True)
    assert frame["city"].tolist() == [None, "十堰市"]


# ---------------------------------------------------------------------------- 2023 divisions


def test_renamed_and_towns_tables() -> None:
    from reconcile.regions import RENAMED_PATH, TOWNS_PATH

    assert TOWNS_PATH.stat().st_size < 1_500_000 and RENAMED_PATH.stat().st_size < 50_000
    with RENAMED_PATH.open(encoding="utf-8", newline="") as fh:
        renamed = {(r["old"], r["new"]) for r in csv.DictReader(fh)}
    assert {("临安市", "临安区"), ("玉环县", "玉环市"), ("下城区", "拱墅区"), ("江干区", "上城区"),
            ("江干区", "钱塘区"), ("余杭区", "临平区")} <= renamed
    import gzip

    from reconcile.normalize import normalize_text

    with gzip.open(TOWNS_PATH, "rt", encoding="utf-8") as fh:
        towns = [line.rstrip("\n").split(",") for line in fh][1:]
    assert len(towns) > 38_000 and all(len(c) == 9 and c.isdigit() for c, _ in towns)
    assert all(normalize_text(n) == n for _, n in towns)     # stored in comparison form: loaded as is
    assert ["330113102", "塘栖镇"] in towns
    names = known_names()
    assert {"临平区", "钱塘区", "玉环市", "临安区"} <= names
    assert {"临安市", "玉环县", "下城区", "江干区"} <= names          # former names are searched for too


HANGZHOU = ("浙江省", "杭州市")


@pytest.mark.parametrize(("owner", "county"), [
    ("杭州市临平区教育和体育局", "临平区"),
    ("临平区东湖街道办事处", "临平区"),
    ("杭州市钱塘区教育局", "钱塘区"),
    ("临安市人民政府", "临安区"),                       # 2017: 临安市 -> 临安区
    ("杭州市下城区市场监督管理局", "拱墅区"),           # 2021: 下城区 merged into 拱墅区
    ("下城区教育局", "拱墅区"),
    ("杭州市江干区人民政府", "上城区"),                 # 2021: 江干区 mostly to 上城区 …
    ("杭州市江干区下沙街道办事处", "钱塘区"),           # … its 下沙街道 to 钱塘区
    ("余杭区公安分局", "余杭区"),                       # 余杭区 still exists …
    ("杭州市余杭区塘栖镇人民政府", "临平区"),           # … but 塘栖镇 is 临平区's since 2021
    ("萧山区河庄街道办事处", "钱塘区"),
    ("塘栖镇人民政府", "临平区"),                       # a town alone, unique: its county
])
def test_current_divisions_of_hangzhou(owner: str, county: str) -> None:
    for resolver in (RegionResolver(), RegionResolver(("杭州市",)), RegionResolver(("浙江省",))):
        assert resolver.resolve(None, owner) == Place(*HANGZHOU, county), (owner, resolver.scope)


def test_yuhuan_and_old_names_in_region_cells_and_scopes() -> None:
    taizhou = RegionResolver(("台州市",))
    yuhuan = Place("浙江省", "台州市", "玉环市")
    assert taizhou.resolve(None, "玉环县公安局") == yuhuan
    assert taizhou.resolve("玉环县", "县公安局") == yuhuan
    assert taizhou.resolve(None, None, "平安玉环") == yuhuan
    assert RegionResolver().resolve("玉环县", None) == yuhuan
    assert RegionResolver(("玉环县",)).in_scope(yuhuan)               # a scope written with the old name
    assert RegionResolver(("临安市",)).in_scope(Place(*HANGZHOU, "临安区"))
    assert taizhou.strip_region("玉环县公安局") == "公安局"
    assert RegionResolver(("杭州市",)).strip_region("杭州市下城区教育局") == "教育局"
    assert RegionResolver(("杭州市",)).resolve("江干区", None) == Place(*HANGZHOU, "上城区")
    # a region cell with a split name is settled by an owner in one of its successors
    assert RegionResolver(("杭州市",)).resolve("余杭区", "塘栖镇人民政府") == Place(*HANGZHOU, "临平区")
    assert RegionResolver(("杭州市",)).resolve("江干区", "下沙街道办事处") == Place(*HANGZHOU, "钱塘区")
    assert RegionResolver(("杭州市",)).resolve("余杭区", "区教育局") == Place(*HANGZHOU, "余杭区")


def test_towns_are_placed_only_when_unambiguous() -> None:
    plain, zhejiang = RegionResolver(), RegionResolver(("浙江省",))
    songyang = Place("浙江省", "丽水市", "松阳县")
    assert plain.resolve(None, "大东坝镇人民政府") == songyang
    assert zhejiang.resolve(None, "大东坝镇人民政府") == songyang
    assert plain.resolve(None, "城关镇人民政府") == Place()          # hundreds of 城关镇: not guessed
    # 城东街道 is 婺城区's and 东阳市's: alone it places nowhere, not even in 金华市 (it is no 市直 unit)
    jinhua = RegionResolver(("金华市",))
    assert jinhua.resolve(None, "城东街道办事处") == Place()
    assert jinhua.resolve(None, "东阳市城东街道办事处") == Place("浙江省", "金华市", "东阳市")
    assert jinhua.resolve(None, "义乌市城东街道办事处") == Place("浙江省", "金华市", "义乌市")
    assert plain.resolve(None, "乡村振兴局") == Place()
    # a town outside the scope says nothing; a town never contradicts the county named
    assert RegionResolver(("台州市",)).resolve(None, "塘栖镇人民政府") == Place()
    assert plain.resolve(None, "通山县塘栖镇人民政府") == Place(*TONGSHAN)


def _write_case(folder, rows: list[tuple[str, str, str, str, str]]) -> None:
    """national.csv, provincial.csv and crawled.csv of the same accounts:
    (name, platform, account id, owner, region cell)."""
    folder.mkdir()
    head = "序号,账号名称,平台类型,账号类型,账号ID,主办单位,所属地区,运营状态,开设时间\n"
    body = "".join(f"{i},{n},{p},订阅号,{a},{o},{r},正常,2021-03-01\n" for i, (n, p, a, o, r) in enumerate(rows, 1))
    (folder / "national.csv").write_text(head + body, encoding="utf-8-sig")
    (folder / "provincial.csv").write_text(head + body, encoding="utf-8-sig")
    crawled = "账号名称,平台,账号类型,账号ID,认证主体,认证类型,账号状态,最后更新时间,粉丝数\n" + "".join(
        f"{n},{p},订阅号,{a},{o},政府机构认证,正常,2022-11-10,100\n" for n, p, a, o, _ in rows)
    (folder / "crawled.csv").write_text(crawled, encoding="utf-8-sig")


@pytest.mark.parametrize(("rows", "expected", "absent"), [
    ([("临平教育", "公众号", "gh_a0000000001", "杭州市临平区教育和体育局", "临平区"),
      ("塘栖发布", "公众号", "gh_a0000000002", "塘栖镇人民政府", "余杭区"),
      ("钱塘教育", "公众号", "gh_a0000000003", "杭州市钱塘区教育局", "钱塘区"),
      ("下沙街道", "公众号", "gh_a0000000004", "杭州市江干区下沙街道办事处", ""),
      ("拱墅市场监管", "公众号", "gh_a0000000005", "杭州市下城区市场监督管理局", "下城区"),
      ("临安公安", "公众号", "gh_a0000000006", "临安市公安局", "临安市"),
      ("杭州公安", "公众号", "gh_a0000000007", "杭州市公安局", "市直")],
     {"市直": 1, "拱墅区": 1, "钱塘区": 2, "临安区": 1, "临平区": 2},
     {"下城区", "江干区", "临安市", "余杭区", "未知"}),
    ([("玉环公安", "公众号", "gh_b0000000001", "玉环县公安局", "玉环县"),
      ("玉环发布", "公众号", "gh_b0000000002", "玉环市人民政府办公室", "玉环市"),
      ("临海发布", "公众号", "gh_b0000000003", "临海市人民政府办公室", "临海市"),
      ("台州教育", "公众号", "gh_b0000000004", "台州市教育局", "市直")],
     {"市直": 1, "临海市": 1, "玉环市": 2},
     {"玉环县", "未知"}),
], ids=["杭州市", "台州市"])
def test_attachment1_lists_the_current_divisions(tmp_path, rows, expected, absent) -> None:
    """附件1 of a 杭州 and a 台州 case (scope inferred from the registries): 临平区, 钱塘区 and 玉环市
    in rows of their own, owners written with the old names counted there, in the JSON summary and
    in the XLSX 总体情况 sheet."""
    import json
    import subprocess
    import sys

    import openpyxl

    folder = tmp_path / "case"
    _write_case(folder, rows)
    proc = subprocess.run([sys.executable, "-m", "reconcile", "run", str(folder), "--checkpoint", "2022-11-13",
                           "--out", str(tmp_path / "r.xlsx"), "--json", str(tmp_path / "r.json"), "--no-db",
                           "--exit-zero", "--quiet"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["summary"]
    assert {s["region"]: s["total"] for s in summary} == expected
    sheet = list(openpyxl.load_workbook(tmp_path / "r.xlsx")["总体情况"].iter_rows(values_only=True))
    head = next(i for i, row in enumerate(sheet) if row[1] == "地区")
    end = next(i for i, row in enumerate(sheet) if row[1] == "总计")
    assert {row[1]: row[2] for row in sheet[head + 1:end]} == expected     # 地区, 政务新媒体总数
    cells = {str(c).strip() for row in sheet for c in row if c is not None}
    assert not absent & cells


def test_town_mark_test_follows_the_marks() -> None:
    from reconcile.towns import TOWN_MARKS, has_town_mark
    assert all(has_town_mark(f"某{mark}某") for mark in TOWN_MARKS)
    assert not has_town_mark("咸宁市通山县公安局")
