"""The world the generator draws from: divisions, towns, units (government bodies) and the
names their accounts carry.

Everything here is deterministic for a given ``random.Random``; nothing iterates a set (string
hashes vary between processes).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

DIVISIONS_CSV = Path(__file__).resolve().parent.parent / "reconcile" / "data" / "divisions.csv"

# Fallback when reconcile/data/divisions.csv is absent: 湖北省 and part of 河南省 (民政部 names).
_EMBEDDED = {
    "湖北省": {
        "武汉市": "江岸区 江汉区 硚口区 汉阳区 武昌区 青山区 洪山区 东西湖区 汉南区 蔡甸区 江夏区 黄陂区 新洲区",
        "黄石市": "黄石港区 西塞山区 下陆区 铁山区 阳新县 大冶市",
        "十堰市": "茅箭区 张湾区 郧阳区 郧西县 竹山县 竹溪县 房县 丹江口市",
        "宜昌市": "西陵区 伍家岗区 点军区 猇亭区 夷陵区 远安县 兴山县 秭归县 长阳土家族自治县 五峰土家族自治县 宜都市 当阳市 枝江市",
        "襄阳市": "襄城区 樊城区 襄州区 南漳县 谷城县 保康县 老河口市 枣阳市 宜城市",
        "鄂州市": "梁子湖区 华容区 鄂城区",
        "荆门市": "东宝区 掇刀区 沙洋县 钟祥市 京山市",
        "孝感市": "孝南区 孝昌县 大悟县 云梦县 应城市 安陆市 汉川市",
        "荆州市": "沙市区 荆州区 公安县 监利县 江陵县 石首市 洪湖市 松滋市",
        "黄冈市": "黄州区 团风县 红安县 罗田县 英山县 浠水县 蕲春县 黄梅县 麻城市 武穴市",
        "咸宁市": "咸安区 嘉鱼县 通城县 崇阳县 通山县 赤壁市",
        "随州市": "曾都区 随县 广水市",
        "恩施土家族苗族自治州": "恩施市 利川市 建始县 巴东县 宣恩县 咸丰县 来凤县 鹤峰县",
    },
    "河南省": {
        "郑州市": "中原区 二七区 管城回族区 金水区 上街区 惠济区 中牟县 巩义市 荥阳市 新密市 新郑市 登封市",
        "开封市": "龙亭区 顺河回族区 鼓楼区 禹王台区 祥符区 杞县 通许县 尉氏县 兰考县",
        "商丘市": "梁园区 睢阳区 民权县 睢县 宁陵县 柘城县 虞城县 夏邑县 永城市",
    },
}

# Real towns (乡镇街道) of the 咸宁 counties, for the shipped sample; elsewhere towns are synthetic.
REAL_TOWNS = {
    "咸安区": "温泉街道 永安街道 浮山街道 官埠桥镇 向阳湖镇 横沟桥镇 贺胜桥镇 双溪桥镇 马桥镇 桂花镇 高桥镇 汀泗桥镇 大幕乡",
    "嘉鱼县": "鱼岳镇 新街镇 高铁岭镇 官桥镇 簰洲湾镇 渡普镇 潘家湾镇 陆溪镇",
    "通城县": "隽水镇 麦市镇 塘湖镇 关刀镇 沙堆镇 五里镇 石南镇 北港镇 马港镇 四庄乡 大坪乡",
    "崇阳县": "天城镇 沙坪镇 石城镇 桂花泉镇 白霓镇 路口镇 金塘镇 青山镇 肖岭乡 铜钟乡 港口乡 高枧乡",
    "通山县": "通羊镇 南林桥镇 黄沙铺镇 厦铺镇 九宫山镇 闯王镇 洪港镇 大畈镇 杨芳林乡 燕厦乡 慈口乡 大路乡",
    "赤壁市": "蒲圻街道 陆水湖街道 赤马港街道 赤壁镇 新店镇 车埠镇 官塘驿镇 柳山湖镇 中伙铺镇 神山镇 赵李桥镇 茶庵岭镇 黄盖湖镇 余家桥乡",
}

_PLACE_CHARS = ("白沙桥河山湖田石马龙凤洪港塘桂花青林峰源溪坪岭口泉铺店坡湾新安丰和兴平阳东西南北"
                "中上大小高长杨李黄陈刘王张金银玉竹松柏梅兰荷芦苇枫柳桃杏枣茶稻麦禾丘岗岩滩洲渡"
                "关城堡寨庄园屯集场坊亭台宫庙寺观楼阁洞陂堰渠井")
_SUFFIXES = ("土家族苗族自治州", "土家族自治县", "自治县", "回族区", "林区", "街道", "市", "县", "区", "镇", "乡")


def short_name(name: str) -> str:
    """通山县 -> 通山, 长阳土家族自治县 -> 长阳, 麦市镇 -> 麦市; keeps names that would drop to 1 char."""
    for suf in _SUFFIXES:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            return name[: -len(suf)]
    return name


@dataclass(frozen=True)
class Division:
    name: str       # 咸宁市 / 通山县
    level: str      # "city" (its 市直 units) | "county"
    city: str       # the prefecture (itself for a city, or for a county directly under the province)
    province: str

    @cached_property
    def short(self) -> str:
        return short_name(self.name)

    @property
    def level_char(self) -> str:
        """The character an owner keeps when its region prefix is dropped (市公安局, 县公安局)."""
        if self.name.endswith("林区"):
            return "林区"
        for c in ("市", "县", "区", "州"):
            if self.name.endswith(c):
                return c
        return ""


def load_divisions() -> dict[str, dict[str, list[str]]]:
    """province -> city -> [counties]. Reads reconcile/data/divisions.csv when present."""
    if not DIVISIONS_CSV.exists():
        return {p: {c: v.split() for c, v in cities.items()} for p, cities in _EMBEDDED.items()}
    out: dict[str, dict[str, list[str]]] = {}
    with DIVISIONS_CSV.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            prov = out.setdefault(row["province"], {})
            if row["level"] == "city":
                prov.setdefault(row["name"], [])
            elif row["level"] == "county":
                if row["city"] and row["city"] != row["province"]:
                    prov.setdefault(row["city"], []).append(row["name"])
                else:  # directly under the province: a "city" of its own without counties
                    prov.setdefault(row["name"], [])
    return out


def _divisions_of(prov: str, cities: dict[str, list[str]], only_city: str | None = None) -> list[Division]:
    out: list[Division] = []
    for city, counties in cities.items():
        if only_city and city != only_city:
            continue
        out.append(Division(city, "city", city, prov))
        out.extend(Division(c, "county", city, prov) for c in counties)
    return out


def resolve_scope(scope: str) -> tuple[list[Division], list[Division]]:
    """(in-scope divisions, out-of-scope divisions for distractor accounts)."""
    table = load_divisions()
    if scope in table:
        other = "河南省" if scope != "河南省" else "湖北省"
        return _divisions_of(scope, table[scope]), _divisions_of(other, table.get(other, {}))
    for prov, cities in table.items():
        if scope in cities:
            inside = _divisions_of(prov, cities, only_city=scope)
            outside = [d for d in _divisions_of(prov, cities) if d.city != scope]
            return inside, outside
    raise ValueError(f"unknown scope {scope!r}: give a province or a prefecture-level city")


def towns_of(div: Division, rng: random.Random, taken: set[str] | None = None) -> list[str]:
    """The division's 乡镇街道: real ones for the 咸宁 counties, else synthetic ones whose short names
    are unique in ``taken`` (so "{town}{village}村" names never differ only by a region prefix)."""
    if div.name in REAL_TOWNS:
        towns = REAL_TOWNS[div.name].split()
        if taken is not None:
            taken.update(short_name(t) for t in towns)
        return towns
    taken = taken if taken is not None else set()
    n = rng.randint(8, 18)
    seen: list[str] = []
    weights = (7, 2, 1) if div.level == "county" else (1, 0, 3)   # a city's own towns are mostly 街道
    for _ in range(50 * n):
        if len(seen) >= n:
            break
        base = rng.choice(_PLACE_CHARS) + rng.choice(_PLACE_CHARS)
        suf = rng.choices(("镇", "乡", "街道"), weights=weights)[0]
        if base[0] != base[1] and base not in taken:
            taken.add(base)
            seen.append(base + suf)
    return seen or [div.short + "城关镇"]


# Department templates: (key, owner suffix, kind G=政府机构 I=事业单位, account-name patterns, levels).
# Patterns: {s} region short (咸宁), {r} region full (咸宁市), {o} the owner's full name.
# An owner suffix starting with "@" is a format string on {r} instead of a plain suffix.
G, INST = "government", "institution"
DEPARTMENTS: tuple[tuple[str, str, str, tuple[str, ...], str], ...] = (
    ("gov_office", "人民政府办公室", G, ("{s}发布", "{s}政务", "{r}人民政府"), "both"),
    ("police", "公安局", G, ("平安{s}", "{s}公安"), "both"),
    ("traffic", "@{r}公安局交通警察{unit}", G, ("{s}交警", "{s}交通安全"), "both"),
    ("fire", "@{r}消防救援{unit}", G, ("{s}消防", "{s}119"), "both"),
    ("emergency", "应急管理局", G, ("{s}应急管理", "{s}应急"), "both"),
    ("transport", "交通运输局", G, ("{s}交通", "{s}交通运输"), "both"),
    ("health", "卫生健康委员会|卫生健康局", G, ("健康{s}", "{s}卫健"), "both"),
    ("cdc", "疾病预防控制中心", INST, ("{s}疾控", "{s}疾病预防控制"), "both"),
    ("education", "教育局", G, ("{s}教育", "{o}"), "both"),
    ("civil", "民政局", G, ("{s}民政", "{o}"), "both"),
    ("finance", "财政局", G, ("{s}财政",), "both"),
    ("hrss", "人力资源和社会保障局", G, ("{s}人社", "{s}就业"), "both"),
    ("natres", "自然资源和规划局", G, ("{s}自然资源和规划", "{s}自然资源"), "both"),
    ("eco", "生态环境局", G, ("{s}生态环境", "{s}环境"), "both"),
    ("housing", "住房和城乡建设局", G, ("{s}住建", "{s}住房和城乡建设"), "both"),
    ("water", "水利和湖泊局", G, ("{s}水利", "{s}水利和湖泊"), "both"),
    ("agri", "农业农村局", G, ("{s}农业农村", "{s}农业"), "both"),
    ("commerce", "商务局", G, ("{s}商务",), "both"),
    ("culture", "文化和旅游局", G, ("{s}旅游", "{s}文旅", "游{s}"), "both"),
    ("veterans", "退役军人事务局", G, ("{s}退役军人", "{s}退役军人之家"), "both"),
    ("audit", "审计局", G, ("{s}审计",), "both"),
    ("market", "市场监督管理局", G, ("{s}市场监管", "{s}市场监督管理"), "both"),
    ("stats", "统计局", G, ("{s}统计",), "both"),
    ("medins", "医疗保障局", G, ("{s}医保", "{s}医疗保障"), "both"),
    ("forestry", "林业局", G, ("{s}林业",), "both"),
    ("urban", "城市管理执法局", G, ("{s}城管", "{s}城市管理"), "both"),
    ("data", "政务服务和大数据管理局", G, ("{s}政务服务", "{s}12345"), "both"),
    ("justice", "司法局", G, ("法治{s}", "{s}司法"), "both"),
    ("ndrc", "发展和改革委员会|发展和改革局", G, ("{s}发改", "{s}发展改革"), "both"),
    ("econ", "经济和信息化局", G, ("{s}经信", "{s}经济和信息化"), "both"),
    ("sci", "科学技术局", G, ("{s}科技",), "both"),
    ("ethnic", "民族宗教事务局", G, ("{s}民宗",), "both"),
    ("petition", "信访局", G, ("{s}信访", "阳光信访{s}"), "both"),
    ("archives", "档案馆", INST, ("{s}档案", "{o}"), "both"),
    ("media", "融媒体中心", INST, ("{s}融媒", "掌上{s}", "云上{s}"), "both"),
    ("hospital", "人民医院", INST, ("{o}", "{s}人民医院"), "both"),
    ("tcm", "中医医院", INST, ("{o}", "{s}中医院"), "both"),
    ("mch", "妇幼保健院", INST, ("{s}妇幼", "{o}"), "both"),
    ("first_aid", "急救中心", INST, ("{s}120", "{s}急救"), "both"),
    ("tax", "@国家税务总局{r}税务局", G, ("{s}税务",), "both"),
    ("weather", "气象局", G, ("{s}气象",), "both"),
    ("coop", "供销合作社联合社", G, ("{s}供销",), "both"),
    ("union", "总工会", G, ("{s}工会", "{s}职工之家"), "both"),
    ("youth", "@共青团{r}委员会", G, ("青春{s}", "{s}共青团"), "both"),
    ("women", "妇女联合会", G, ("{s}妇联", "{s}女性"), "both"),
    ("cast", "科学技术协会", G, ("{s}科协",), "both"),
    ("disabled", "残疾人联合会", G, ("{s}残联",), "both"),
    ("redcross", "红十字会", G, ("{s}红十字",), "both"),
    ("court", "人民法院", G, ("{s}法院", "{o}"), "both"),
    ("procurator", "人民检察院", G, ("{s}检察", "{o}"), "both"),
    ("discipline", "纪律检查委员会", G, ("清风{s}", "廉洁{s}"), "both"),
    ("org", "@中共{r}委组织部", G, ("{s}组工", "{s}党建"), "both"),
    ("propaganda", "@中共{r}委宣传部", G, ("{s}宣传", "{s}文明"), "both"),
    ("united_front", "@中共{r}委统战部", G, ("{s}统战",), "both"),
    ("politics", "@中共{r}委政法委员会", G, ("长安{s}", "{s}政法"), "both"),
    ("office_affairs", "机关事务服务中心", INST, ("{s}机关事务",), "both"),
    ("trading", "公共资源交易中心", INST, ("{s}公共资源交易",), "both"),
    ("fund", "住房公积金中心", INST, ("{s}公积金",), "city"),
    ("realestate", "不动产登记中心", INST, ("{s}不动产登记", "{s}不动产"), "both"),
    ("tobacco", "烟草专卖局", G, ("{s}烟草",), "both"),
    ("radio", "广播电视台", INST, ("{s}广电", "{s}电视台"), "city"),
    ("library", "图书馆", INST, ("{o}", "{s}图书馆"), "both"),
    ("museum", "博物馆", INST, ("{o}", "{s}博物馆"), "city"),
    ("sasac", "人民政府国有资产监督管理委员会", G, ("{s}国资",), "city"),
    ("grain", "粮食和物资储备局", G, ("{s}粮食",), "city"),
    ("invest", "招商服务中心", INST, ("{s}招商", "投资{s}"), "both"),
    ("rural", "乡村振兴局", G, ("{s}乡村振兴",), "both"),
    ("zone", "经济开发区管理委员会", G, ("{s}开发区", "{s}经开区"), "both"),
    ("highway", "公路事业发展中心", INST, ("{s}公路",), "both"),
    ("employment", "就业服务中心", INST, ("{s}就业服务", "{s}人才"), "both"),
    ("social_ins", "社会保险服务中心", INST, ("{s}社保",), "both"),
    ("school1", "第一中学", INST, ("{s}一中", "{o}"), "both"),
    ("school2", "实验小学", INST, ("{s}实小", "{o}"), "both"),
    ("vocational", "职业教育中心", INST, ("{s}职教", "{o}"), "both"),
    ("kinder", "机关幼儿园", INST, ("{s}机关幼儿园",), "both"),
    ("hotline", "12345政务服务便民热线中心", INST, ("{s}12345热线",), "city"),
    ("housing_sec", "房产管理局", G, ("{s}房产", "{s}房管"), "city"),
    ("science_museum", "科技馆", INST, ("{s}科技馆",), "city"),
    ("sports", "体育运动中心", INST, ("{s}体育", "运动{s}"), "both"),
)
TOWN_UNITS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("town_gov", "{t}人民政府", G, ("{ts}发布", "魅力{ts}", "印象{ts}", "{ts}之窗", "美丽{ts}")),
    ("town_police", "{r}公安局{ts}派出所", G, ("{r}{ts}派出所", "{s}{ts}派出所")),
    ("town_clinic", "{t}卫生院", INST, ("{ts}卫生院", "{s}{ts}卫生院")),
    ("town_school", "{t}中心学校", INST, ("{ts}中心学校", "{s}{ts}中心学校")),
    ("town_justice", "{r}司法局{ts}司法所", G, ("{ts}司法所", "法治{ts}")),
    ("town_service", "{t}便民服务中心", INST, ("{ts}便民服务", "{ts}政务服务")),
    ("town_culture", "{t}综合文化站", INST, ("{ts}文化站", "文化{ts}")),
)
_NUMERALS = "一二三四五六七八九十"
_TOP_DEPTS = frozenset(d[0] for d in DEPARTMENTS)


@dataclass
class Unit:
    key: str
    owner: str            # full legal name, e.g. 通山县公安局, 通城县麦市镇人民政府
    region: Division      # the county (or the city for 市直 units)
    dept: str             # department key (town units: "town_gov" …)
    kind: str             # government | institution
    names: list[str]      # candidate account names, best first
    town: str | None = None   # 麦市镇 for town units (the owner then starts with region + town)
    parent: str | None = None  # supervisor (主管单位)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def owner_short(self) -> str:
        """The owner as clerks often write it: 市公安局 / 县公安局 / 麦市镇人民政府."""
        r = self.region.name
        if self.town and self.owner.startswith(r + self.town):
            return self.owner[len(r):]
        if self.dept not in _TOP_DEPTS or r not in self.owner:
            return self.owner
        lc = self.region.level_char
        if self.owner.startswith("中共"):                 # 中共咸宁市委宣传部 -> 市委宣传部
            return self.owner[2:].replace(r, lc, 1)
        return self.owner.replace(r, lc, 1)


def _fmt(pattern: str, **kw: str) -> str:
    return pattern.format(**kw)


def _dept_owner(suffix: str, div: Division, unit: str = "") -> str:
    if "|" in suffix:   # city variant | county variant
        city_v, county_v = suffix.split("|")
        suffix = city_v if div.level == "city" else county_v
    if suffix.startswith("@"):
        return suffix[1:].format(r=div.name, unit=unit)
    return div.name + suffix


class UnitFactory:
    """Yields the units of one division, without end: departments first, then sub-units, then
    towns and their offices, then villages/communities (and numbered schools in a city)."""

    def __init__(self, div: Division, rng: random.Random, reserved: frozenset[str] = frozenset(),
                 towns_taken: set[str] | None = None):
        self.div = div
        self.towns_taken = towns_taken if towns_taken is not None else set()
        self.rng = rng
        self.reserved = reserved   # dept keys already planted for this division
        self._iter = self._generate()
        self._n = 0

    def __next__(self) -> Unit:
        return next(self._iter)

    def __iter__(self) -> Iterator[Unit]:
        return self

    def _unit(self, owner: str, dept: str, kind: str, patterns: tuple[str, ...], town: str | None = None,
              parent: str | None = None, **kw: str) -> Unit:
        self._n += 1
        d = self.div
        names = [_fmt(p, s=d.short, r=d.name, o=owner, **kw) for p in patterns]
        return Unit(f"{d.name}/{self._n}", owner, d, dept, kind, names, town=town, parent=parent)

    def _generate(self) -> Iterator[Unit]:
        d, rng = self.div, self.rng
        depts = [x for x in DEPARTMENTS if x[4] in ("both", d.level)]
        rng.shuffle(depts)
        gov = None
        for key, suffix, kind, patterns, _lvl in depts:
            if key in self.reserved or (key != "gov_office" and rng.random() < 0.08):
                continue
            unit_word = "支队" if d.level == "city" else "大队"
            owner = _dept_owner(suffix, d, unit_word)
            gov = gov or f"{d.name}人民政府"
            yield self._unit(owner, key, kind, patterns, parent=gov)
        # numbered traffic-police squads (咸宁交警一大队 / 二大队 …)
        if d.level == "city" and "traffic_n" not in self.reserved:
            for i in range(rng.randint(2, 5)):
                num = _NUMERALS[i]
                owner = f"{d.name}公安局交通警察支队{num}大队"
                yield self._unit(owner, "traffic_n", G, (f"{{s}}交警{num}大队",),
                                 parent=f"{d.name}公安局交通警察支队")
        towns = towns_of(d, rng, self.towns_taken)
        for t in towns:
            ts = short_name(t)
            for key, owner_p, kind, patterns in TOWN_UNITS:
                if key != "town_gov" and rng.random() < 0.35:
                    continue
                if key == "town_gov" and t.endswith("街道"):
                    owner_p = "{t}办事处"
                owner = owner_p.format(t=d.name + t, r=d.name, ts=ts)
                yield self._unit(owner, key, kind, patterns, town=t, parent=f"{d.name}{t}人民政府",
                                 ts=ts, t=t)
        n = 0
        while True:   # without end: villages (county) or numbered schools (city)
            n += 1
            if n % 5:
                t = towns[n % len(towns)]
                ts = short_name(t)
                v = rng.choice(_PLACE_CHARS) + rng.choice(_PLACE_CHARS)
                word = rng.choice(("村", "社区"))
                committee = "村民委员会" if word == "村" else "社区居民委员会"
                owner = f"{d.name}{t}{v}{committee}"
                yield self._unit(owner, "village", G, (f"{ts}{v}{word}",),
                                 town=t, parent=f"{d.name}{t}人民政府")
            else:
                what = rng.choice(("中学", "小学", "实验学校", "社区卫生服务中心"))
                owner = f"{d.name}第{n}{what}"
                yield self._unit(owner, "numbered", INST, (f"{d.short}第{n}{what}",),
                                 parent=f"{d.name}教育局" if "学" in what else f"{d.name}卫生健康委员会")


# Crawl-only distractors that are not government accounts.
ENTERPRISE_PATTERNS = (
    ("{s}城投", "{c}城市建设投资集团有限公司"), ("{s}交投", "{c}交通投资集团有限公司"),
    ("{s}水务", "{c}水务集团有限公司"), ("{s}公交", "{c}公共交通有限公司"),
    ("{s}文旅集团", "{c}文化旅游投资集团有限公司"), ("{s}同城", "{c}同城网络科技有限公司"),
    ("{s}生活圈", "{c}本地生活文化传媒有限公司"), ("{s}头条", "{c}新闻资讯文化传媒有限公司"),
    ("{s}房产网", "{c}房产信息咨询有限公司"), ("{s}人才网", "{c}人力资源服务有限公司"),
    ("{s}燃气", "{c}燃气有限公司"), ("{s}电力", "国网{c}供电公司"), ("{s}移动", "中国移动通信集团{c}分公司"),
    ("{s}农商银行", "{c}农村商业银行股份有限公司"), ("{s}邮政", "中国邮政集团有限公司{c}分公司"),
    ("智慧{s}停车", "{c}智慧停车管理有限公司"), ("{s}发展", "{c}城市发展集团有限公司"),
)
PERSONAL_PATTERNS = (
    "平安{s}粉丝团", "{s}那些事", "{s}吃喝玩乐", "{s}美食", "爱上{s}", "{s}摄影", "{s}同城交友",
    "{s}吃货", "{s}老乡会", "{s}生活", "{s}微生活", "{s}二手", "{s}招聘信息", "{s}事儿", "老{s}记忆",
    "{s}城管那些事", "{s}交警动态", "{s}新鲜事", "{s}百事通", "{s}身边事",
)
NICK_CHARS = "小大阿老明华伟芳娜静丽强磊军洋勇艳杰涛超秀英霞平刚桂云飞鹏辉宇浩晨雨欣佳怡子轩涵梓萱诗琪嘉俊"


# Divisions renamed or created after reconcile/data/divisions.csv (民政部 codes of about 2020) was
# cut: current name -> (the name an owner filed before the change carries, date of the change).
# 下城区 was merged into 拱墅区, 临平区 split from 余杭区 and 钱塘区 from 江干区 (2021); owners are
# written with the name current when they were filed.
RENAMED_DIVISIONS: dict[str, tuple[str, str]] = {
    "玉环市": ("玉环县", "2017-04-09"), "临安区": ("临安市", "2017-08-15"),
    "拱墅区": ("下城区", "2021-04-09"), "临平区": ("余杭区", "2021-04-09"), "钱塘区": ("江干区", "2021-04-09"),
    "京山市": ("京山县", "2018-02-22"), "监利市": ("监利县", "2020-06-12"),
}
_OLD_TO_CURRENT = {"玉环县": "玉环市", "临安市": "临安区", "京山县": "京山市", "监利县": "监利市"}
_MERGED_AWAY = frozenset({"下城区", "江干区"})
_CREATED_AFTER = {"余杭区": ("临平区", "钱塘区")}   # inserted after this division


def current_divisions(divs: list[Division]) -> list[Division]:
    """``divs`` with today's names: renamed counties under their new name, merged ones gone, the
    2021 杭州 districts added."""
    out: list[Division] = []
    for d in divs:
        if d.name in _MERGED_AWAY:
            continue
        out.append(Division(_OLD_TO_CURRENT.get(d.name, d.name), d.level, d.city, d.province))
        for new in _CREATED_AFTER.get(d.name, ()):
            out.append(Division(new, d.level, d.city, d.province))
    return out
