"""Real place names: Zhejiang's cities and counties (current names), old division names,
other provinces' places for sweep-ins, and synthetic town/village names."""

from __future__ import annotations

import random

PROVINCE = "浙江省"

# city -> current counties/districts (2021 onwards)
CITIES: dict[str, list[str]] = {
    "杭州市": ["上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区", "富阳区",
             "临安区", "桐庐县", "淳安县", "建德市"],
    "宁波市": ["海曙区", "江北区", "北仑区", "镇海区", "鄞州区", "奉化区", "象山县", "宁海县", "余姚市", "慈溪市"],
    "温州市": ["鹿城区", "龙湾区", "瓯海区", "洞头区", "永嘉县", "平阳县", "苍南县", "文成县", "泰顺县", "瑞安市",
             "乐清市", "龙港市"],
    "嘉兴市": ["南湖区", "秀洲区", "嘉善县", "海盐县", "海宁市", "平湖市", "桐乡市"],
    "湖州市": ["吴兴区", "南浔区", "德清县", "长兴县", "安吉县"],
    "绍兴市": ["越城区", "柯桥区", "上虞区", "新昌县", "诸暨市", "嵊州市"],
    "金华市": ["婺城区", "金东区", "武义县", "浦江县", "磐安县", "兰溪市", "义乌市", "东阳市", "永康市"],
    "衢州市": ["柯城区", "衢江区", "常山县", "开化县", "龙游县", "江山市"],
    "舟山市": ["定海区", "普陀区", "岱山县", "嵊泗县"],
    "台州市": ["椒江区", "黄岩区", "路桥区", "三门县", "天台县", "仙居县", "温岭市", "临海市", "玉环市"],
    "丽水市": ["莲都区", "青田县", "缙云县", "遂昌县", "松阳县", "云和县", "庆元县", "景宁畲族自治县", "龙泉市"],
}

# current county -> (old name, year it changed): owners filed before that year use the old name
OLD_NAMES: dict[str, tuple[str, int]] = {
    "临安区": ("临安市", 2017), "玉环市": ("玉环县", 2017), "奉化区": ("奉化市", 2016),
    "洞头区": ("洞头县", 2015), "上虞区": ("上虞市", 2013), "柯桥区": ("绍兴县", 2013),
    "富阳区": ("富阳市", 2014), "拱墅区": ("下城区", 2021), "上城区": ("江干区", 2021),
    "临平区": ("余杭区", 2021), "龙港市": ("苍南县", 2019),
}
# share of a county's older units that came from the old division (a merge takes in only part)
OLD_SHARE = {"拱墅区": 0.3, "上城区": 0.3, "龙港市": 0.5}
# counties split off an old one that still exists (余杭区, 苍南县): only their towns were once the old one's,
# their departments are new
SPLIT_FROM = {"临平区", "龙港市"}

# other provinces' units swept in by crawls (some share a county name with Zhejiang: 普陀区, 江北区, 西湖区)
OTHER_PLACES: list[tuple[str, str, str]] = [
    ("上海市", "上海市", "普陀区"), ("重庆市", "重庆市", "江北区"), ("江西省", "南昌市", "西湖区"),
    ("湖北省", "咸宁市", "咸安区"), ("湖北省", "咸宁市", "嘉鱼县"), ("湖北省", "咸宁市", "通城县"),
    ("湖北省", "咸宁市", "赤壁市"), ("河南省", "商丘市", "睢县"), ("河南省", "商丘市", "睢阳区"),
    ("河南省", "商丘市", "柘城县"), ("江苏省", "苏州市", "吴江区"), ("福建省", "福州市", "鼓楼区"),
    ("安徽省", "黄山市", "歙县"), ("江苏省", "南京市", "鼓楼区"), ("广东省", "广州市", "海珠区"),
]

SCOPES = ["台州市", "杭州市", "绍兴市", PROVINCE]

_FIRST = "中横新大小东西南北上下前后长青白石金沙龙凤桃柳花溪泉山岭岙港塘湾桥坑坦田洋浦"
_SECOND = "岭堰渡旁岙跳桥柳游坝枧淋河关溪鹤塘门横根国峤南北城山清屿江街安陈家甲沚云口头园湖"
_VILLAGE = "村庄塘桥湾岙头岭坑前后下上里外东西南北新"


def short(place: str) -> str:
    """三门县 -> 三门, 台州市 -> 台州, 景宁畲族自治县 -> 景宁 (the form used in account names)."""
    if place.endswith("自治县"):
        return place[:2]
    if len(place) > 2 and place[-1] in "市县区省":
        return place[:-1]
    return place


def towns(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """n synthetic (name, kind) towns of one county; kind is 镇/乡/街道. Some share a first character
    (中岭/中堰) so sub-units of siblings differ by one character."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    kinds = ["镇"] * 6 + ["街道"] * 3 + ["乡"]
    out_names = ["城关"] if rng.random() < 0.3 else []
    while len(out_names) < n:
        a = rng.choice(_FIRST) if not out_names or rng.random() < 0.7 else out_names[-1][0]
        name = a + rng.choice(_SECOND)
        if name not in seen and name[0] != name[1]:
            seen.add(name)
            out_names.append(name)
    for name in out_names[:n]:
        out.append((name, rng.choice(kinds)))
    return out


def villages(rng: random.Random, n: int) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    tries = 0
    while len(out) < n and tries < n * 20:
        tries += 1
        name = rng.choice(_FIRST) + rng.choice(_SECOND + _VILLAGE)
        if name not in seen and name[0] != name[1]:
            seen.add(name)
            out.append(name)
    return out
