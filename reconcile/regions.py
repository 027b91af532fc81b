"""China's administrative divisions (民政部 2023 edition, county level and above, with 乡镇/街道)
and a resolver that turns the region column, an owner's name or an account name into
(province, city, county).

The tables are ``reconcile/data/divisions.csv``, ``renamed.csv`` and ``towns.csv.gz`` (see
``reconcile/data/README.md``; the towns are read by ``reconcile.towns``). Matching is on
``normalize_text`` forms, so traditional characters and full-width text resolve too.

Rules, in short:
- full names ("通山县", "咸宁市", "湖北省") are recognised anywhere in a text;
- short forms ("通山", "咸宁", "湖北", "恩施" from 恩施土家族苗族自治州) too, except words that
  are common in account names (平安, 公安, 资源, 振兴 …); a two-character short form counts only
  when it belongs to the scope, or, without a scope, when it is unique nationwide; a
  province's short form always counts and beats a county's ("河南" is 河南省, not 河南县);
- a name shared by several divisions (朝阳区) is narrowed by the scope and by the other names in
  the text ("吉林省长春市朝阳区"), else only what all candidates share is kept;
- "市直" / "市本级" / "省本级" and a bare leading "市" / "县" / "省" ("市公安局") mean the
  scope's own city / county / province;
- a former name (renamed.csv: 临安市, 玉环县, 下城区 …) is read as its current division; one that
  went to several (江干区 -> 上城区, 钱塘区) is narrowed by the rest of the text (a town), else means
  its main successor, the first listed; so is a current name that lost part of its area (余杭区);
- a 乡镇/街道 full name ("塘栖镇") places the text in its county when no county is named or the
  named one is a former name of several; a town name of several counties (with a scope: several
  in it; without one: several nationwide) counts only when the rest of the text narrows it to one
  (not even the city they share: a town's unit is no 市直 one).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

from reconcile.errors import ConfigError
from reconcile.normalize import normalize_text
from reconcile.towns import TOWNS_PATH, Towns, has_town_mark

DATA_PATH = Path(__file__).resolve().parent / "data" / "divisions.csv"
RENAMED_PATH = DATA_PATH.with_name("renamed.csv")
LEVELS = ("province", "city", "county")


class Place(NamedTuple):
    province: str | None = None
    city: str | None = None
    county: str | None = None


EMPTY = Place()


class Division(NamedTuple):
    code: str
    name: str
    level: str      # province | city | county
    place: Place


# The 56 ethnic groups, for short forms of autonomous divisions (长阳土家族自治县 -> 长阳).
_ETHNIC = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 "
    "黎族 傈僳族 佤族 畲族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 "
    "毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 "
    "塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族 高山族"
).split()
_ETHNIC_FORMS = tuple(sorted(set(_ETHNIC) | {e[:-1] for e in _ETHNIC if len(e) > 2}, key=len, reverse=True))
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "新区", "林区", "特区", "矿区", "地区",
             "省", "市", "县", "区", "旗", "盟")

# Division names and short forms that are ordinary words in account/owner names. They are never
# recognised inside free text (a region cell that is exactly one of them still resolves in scope).
COMMON_WORDS = frozenset("""
公安 平安 资源 振兴 惠民 爱民 富民 惠农 合作 互助 共和 同心 温泉 通道 港口 路桥 商城 中原 东方 南部 古城
老城 新城 城关 城中 城东 城西 城北 城区 郊区 矿区 东区 西区 市中 市南 市北 和平 新华 长安 永安 安定 安居
太平 前进 东风 红旗 红星 向阳 解放 友好 友谊 工农 回民 富裕 宏伟 灯塔 方正 新建 江山 天台 台前 站前 江南
南海 东海 三江 七星 九龙 凤凰 麒麟 牡丹 芙蓉 莲花 金山 西山 清水 高台 延长 大方 中方 平和 长寿 长乐 万年
博爱 民权 威信 武功 同仁 同德 康乐 永宁 新市 天桥 天涯 湖滨 东湖 大观 明光 山城 白玉 前锋 安平 平定 长子
新民 元宝 大城 高平 平原 永和 兴化 临海 兴隆 丰满 钟楼 大关 吉利 双桥 运河 新青 南关 北关 金牛 宝塔 桃源
花山 石门 江口 沿河 东城 西城 白云 上街 金水 新兴 安宁 建华 卫东 高明 南华 开化 新安 永丰 和顺 龙门
台湾 滨江
""".split())

_MUNICIPALITIES = frozenset(("北京市", "天津市", "上海市", "重庆市"))
_MUNICIPAL_RE = re.compile(r"(省|市|县|区)(?:直|本级|级|直属)(?:单位|部门|机关)?")
_LEVEL_OF_CHAR = {"省": "province", "市": "city", "县": "county", "区": "county"}
# A leading 省/市/县/区 is a level word unless it starts an ordinary word (市场, 市民, 县长 …).
_NOT_LEVEL_NEXT = frozenset("场民长级域块")


def _short_form(name: str) -> str | None:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = name[: -len(suffix)]
            if suffix.startswith("自治"):
                changed = True
                while changed:
                    changed = False
                    for ethnic in _ETHNIC_FORMS:
                        if base.endswith(ethnic) and len(base) - len(ethnic) >= 2:
                            base, changed = base[: -len(ethnic)], True
                            break
            return base if len(base) >= 2 else None
    return None


class _Ranked(tuple):
    """Candidates of a former name, its main successor first (江干区: 上城区, then 钱塘区)."""

    __slots__ = ()


class _Town(tuple):
    """Candidates of a town name: they count only when the text narrows them to one."""

    __slots__ = ()


class _Index:
    """The division table and its lookup structures (built once per process)."""

    def __init__(self, path: Path = DATA_PATH, renamed: Path = RENAMED_PATH) -> None:
        self.divisions: list[Division] = []
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                place = Place(row["province"] or None, row["city"] or None, row["county"] or None)
                self.divisions.append(Division(row["code"], row["name"], row["level"], place))
        by_code = {d.code: d for d in self.divisions}
        # former names, as Divisions named by their old name placed at their successor
        self.former: list[Division] = []
        if renamed.exists():
            with renamed.open(encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    new = by_code[row["code"]]
                    self.former.append(Division(new.code, row["old"], new.level, new.place))
        self.full_names = frozenset(d.name for d in self.divisions + self.former)
        # key (normalize_text form) -> [(division, is_full_name)]; current divisions first
        self.by_key: dict[str, list[tuple[Division, bool]]] = {}
        self.ranked: set[str] = set()     # keys of former names: candidates keep their order
        current = set(self.divisions)
        for d in self.divisions + self.former:
            full = normalize_text(d.name) or d.name
            short = _short_form(d.name)
            short = (normalize_text(short) or short) if short else None
            for key, is_full in ((full, True), (short, False)):
                if not key:
                    continue
                entries = self.by_key.setdefault(key, [])
                if (d, is_full) not in entries:
                    entries.append((d, is_full))
                if d not in current:
                    self.ranked.add(key)
        self.current = frozenset(current)
        self.common = frozenset(normalize_text(w) or w for w in COMMON_WORDS)
        # names searchable in free text, grouped by their first two characters, longest first
        by_prefix: dict[str, list[str]] = {}
        for key in self.by_key:
            if key not in self.common and len(key) >= 2:
                by_prefix.setdefault(key[:2], []).append(key)
        self.by_prefix = {p: tuple(sorted(ks, key=len, reverse=True)) for p, ks in by_prefix.items()}


@lru_cache(maxsize=1)
def _index() -> _Index:
    return _Index()


@lru_cache(maxsize=1)
def _towns() -> Towns | None:
    return Towns({d.code: d.place for d in _index().divisions}) if TOWNS_PATH.exists() else None


def known_names() -> frozenset[str]:
    """Full names of all divisions (省, 市, 县 …), as written in the 民政部 table, and their
    former names (renamed.csv: 临安市, 玉环县, 下城区 …)."""
    return _index().full_names


@lru_cache(maxsize=1)
def successors() -> dict[str, frozenset[str]]:
    """Former division names (full and short forms, normalised) -> the short forms of the
    divisions they became ("江干区"/"江干" -> {"上城", "钱塘"}; "余杭" -> {"余杭", "临平"})."""
    out: dict[str, set[str]] = {}
    for d in _index().former:
        new = d.place.county or d.place.city or d.place.province
        new_short = _short_form(new) or new if new else None
        if not new_short:
            continue
        for key in (normalize_text(d.name), _short_form(d.name)):
            if key:
                out.setdefault(normalize_text(key) or key, set()).add(normalize_text(new_short) or new_short)
    return {k: frozenset(v) for k, v in out.items()}


def lineage_related(a: str, b: str) -> bool:
    """Two division names that are one, or of which one became the other ("余杭区"/"临平区" since
    2021, "江干区"/"上城区"): a unit written with the old name may be the same unit."""
    if a == b:
        return True
    later = successors()
    sa, sb = _short_form(a) or a, _short_form(b) or b
    return sb in later.get(a, ()) or sa in later.get(b, ()) or sb in later.get(sa, ()) or sa in later.get(sb, ())


def became_part(old: str, new: str) -> bool:
    """``new`` is a division that took part of ``old``'s area, or all of it ("余杭区" -> "临平区"
    since 2021, "江干区" -> "钱塘区"); not ``old`` itself. A unit filed under ``old`` and named
    under ``new`` by a newer record has moved there."""
    if not old or not new or old == new:
        return False
    short = _short_form(new) or new
    return short != (_short_form(old) or old) and short in successors().get(old, ())


def region_label(place: Place) -> str:
    """The label of a place in per-region tables: county, else city, else province, else 未知."""
    return place.county or place.city or place.province or "未知"


def _compatible(a: Place, b: Place) -> bool:
    """No level on which both are known and differ (one contains the other, or equal)."""
    return ((a[0] is None or b[0] is None or a[0] == b[0])
            and (a[1] is None or b[1] is None or a[1] == b[1])
            and (a[2] is None or b[2] is None or a[2] == b[2]))


def _merge(a: Place, b: Place) -> Place:
    if b == EMPTY or a == b:
        return a
    if a == EMPTY:
        return b
    # tuple.__new__: Place(...) goes through a Python-level __new__, twice as slow
    return tuple.__new__(Place, (a[0] if a[0] is not None else b[0], a[1] if a[1] is not None else b[1],
                                 a[2] if a[2] is not None else b[2]))


def _common(places: Sequence[Place]) -> Place:
    out: list[str | None] = [None, None, None]
    for level in range(3):
        values = {p[level] for p in places}
        if len(values) != 1 or None in values:
            break
        out[level] = values.pop()
    return tuple.__new__(Place, out)


def _depth(place: Place) -> int:
    return 3 - place.count(None)


def _within(place: Place, container: Place) -> bool:
    """place is container or lies inside it (container's known levels all match)."""
    return place.province is not None and all(
        c is None or p == c for p, c in zip(place, container, strict=True))


class RegionResolver:
    """Resolve region/owner/name text to a Place, with an optional scope for disambiguation."""

    def __init__(self, scope: tuple[str, ...] | list[str] = ()) -> None:
        self._index = _index()
        self._scope_places: tuple[Place, ...] = ()
        self._mention_cache: dict[str, tuple[tuple[Place, ...], ...]] = {}
        self._text_cache: dict[str, Place] = {}
        self._region_cache: dict[str, tuple[Place, bool]] = {}
        self._candidate_cache: dict[str, tuple[Place, ...]] = {}   # per division name (a few thousand)
        self.scope = tuple(scope)
        places: list[Place] = []
        for name in self.scope:
            places.extend(self._scope_place(name))
        self._scope_places = tuple(dict.fromkeys(places))
        self._scope_common = _common(list(self._scope_places)) if self._scope_places else EMPTY
        self._mention_cache.clear()  # mentions found while reading the scope were scope-less
        self._candidate_cache.clear()
        self._text_cache.clear()
        self._region_cache.clear()
        self._resolve_cached = lru_cache(maxsize=1 << 18)(self._resolve)
        self._strip_cached = lru_cache(maxsize=1 << 18)(self._strip_region)

    # -- scope ---------------------------------------------------------------------------

    def _scope_place(self, name: str) -> list[Place]:
        key = normalize_text(name)
        entries = self._index.by_key.get(key or "", [])
        full = [d.place for d, is_full in entries if is_full and d in self._index.current]
        full = full or list(dict.fromkeys(d.place for d, is_full in entries if is_full))  # a former name
        if full:
            return full  # an ambiguous full name (朝阳区) keeps all its divisions
        place = self._combine(self._mentions(key or ""), EMPTY) if key else EMPTY
        if place == EMPTY:
            raise ConfigError(f"范围“{name}”不是已知的行政区划名称，请写全称，如“咸宁市”或“湖北省”",
                              detail=f"scope name {name!r} matches no division in divisions.csv")
        return [place]

    def _related(self, place: Place) -> bool:
        """place lies in the scope, or contains part of it (an ancestor of a scope division)."""
        return any(_compatible(place, s) for s in self._scope_places)

    def in_scope(self, place: Place) -> bool:
        """True when place lies within one of the scope divisions (always True without scope)."""
        if not self._scope_places:
            return True
        return any(_within(place, s) for s in self._scope_places)

    def _scope_at(self, level: str) -> Place:
        """The scope's own division at a level (市直 -> the scope's city), EMPTY if not determined."""
        depth = LEVELS.index(level) + 1
        common = self._scope_common
        if level == "city" and _depth(common) == 1 and common.province in _MUNICIPALITIES:
            return common  # 北京市's 市直 is 北京市 itself
        if _depth(common) < depth:
            return EMPTY
        return Place(*common[:depth])

    # -- mentions ------------------------------------------------------------------------

    def _candidates(self, key: str) -> tuple[Place, ...]:
        cached = self._candidate_cache.get(key)
        if cached is None:
            cached = self._candidate_cache[key] = self._candidates_uncached(key)
        return cached

    def _candidates_uncached(self, key: str) -> tuple[Place, ...]:
        entries = self._index.by_key.get(key, [])
        full = [d for d, is_full in entries if is_full]
        divisions = full or [d for d, _ in entries]
        if not full and any(d.level == "province" for d in divisions):
            divisions = [d for d in divisions if d.level == "province"]
        places = list(dict.fromkeys(d.place for d in divisions))
        related = [p for p in places if self._related(p)] if self._scope_places else []
        if related:
            places = related
        if key in self._index.ranked and len(places) > 1 and _depth(_common(places)) >= 2:
            return _Ranked(places)    # a former name of several divisions of one city: main one first
        if related:
            return tuple(related)
        if not full and len(key) == 2 and divisions[0].level != "province":
            # A two-character short form outside the scope says nothing when there is a scope,
            # or when it is ambiguous; nested candidates are not ambiguous (恩施: 恩施土家族苗族
            # 自治州 contains 恩施市).
            if self._scope_places or (len(places) > 1 and _common(places) not in places):
                return ()
        return tuple(places)

    def _mentions(self, text: str) -> tuple[tuple[Place, ...], ...]:
        """Candidate places of each division name found in a normalised text, in text order."""
        cached = self._mention_cache.get(text)
        if cached is not None:
            return cached
        names = self._names_at(text)
        if not names:
            mentions: tuple[tuple[Place, ...], ...] = ()
        elif len(names) == 1:
            c = self._candidates(names[0][2])
            mentions = (c,) if c else ()
        else:
            mentions = tuple(c for c in map(self._candidates, [k for _, _, k in names]) if c)
        if len(self._mention_cache) < 1 << 18:
            self._mention_cache[text] = mentions
        return mentions

    def _names_at(self, text: str) -> list[tuple[int, int, str]]:
        """(start, length, key) of the division names in a text, in text order, no overlaps."""
        get = self._index.by_prefix.get   # this loop is most of resolving
        found = []
        for i in range(len(text) - 1):
            keys = get(text[i:i + 2])
            if keys is not None:
                for k in keys:
                    if text.startswith(k, i):
                        found.append((i, len(k), k))
                        break
        if len(found) < 2 or all(a[0] + a[1] <= b[0] for a, b in pairwise(found)):
            return found   # the usual case: no two names overlap
        found.sort(key=lambda f: (-f[1], f[0]))  # longest first, then leftmost; no overlaps
        taken: list[tuple[int, int, str]] = []
        for start, length, key in found:
            if all(start + length <= s or s + n <= start for s, n, _ in taken):
                taken.append((start, length, key))
        taken.sort()
        return taken

    @staticmethod
    def _combine(mentions: Iterable[tuple[Place, ...]], base: Place) -> Place:
        ctx = base
        pending = []
        for cands in mentions:
            # a later name must fit what is known and one of the places an earlier, still ambiguous
            # name may be ("萧山区下城乡": 萧山区 or the part that became 钱塘区, never 下城区's 拱墅区)
            if not pending:
                if len(cands) == 1:  # the usual case: one candidate, nothing pending
                    if ctx == EMPTY:
                        ctx = cands[0]
                    elif _compatible(cands[0], ctx):
                        ctx = _merge(ctx, cands[0])
                    continue
                ok = [c for c in cands if _compatible(c, ctx)]
            else:
                ok = [c for c in cands if _compatible(c, ctx) and all(
                    any(_compatible(c, e) for e in earlier) for earlier in pending if type(earlier) is not _Town)]
            if not ok:
                continue  # contradicts what we know: ignore this mention
            if len(ok) > 1:
                pending.append(ok if type(cands) is tuple else type(cands)(ok))
                if type(cands) is _Town:
                    continue  # a town name of several counties: not even the city they share
            ctx = _merge(ctx, ok[0] if len(ok) == 1 else _common(ok))
        for cands in pending:  # a later name may have settled an earlier ambiguous one
            ok = [c for c in cands if _compatible(c, ctx)]
            if len(ok) == 1:
                ctx = _merge(ctx, ok[0])
            elif ok and type(cands) is _Ranked:  # still several successors of a former name: its main one
                ctx = _merge(ctx, ok[0])
            elif ok and type(cands) is not _Town:
                ctx = _merge(ctx, _common(ok))
        return ctx

    def _place_in_text(self, text: str | None) -> Place:
        if not text:
            return EMPTY
        cached = self._text_cache.get(text)
        if cached is None:
            cached = self._place_in_text_uncached(text)
            if len(self._text_cache) < 1 << 18:
                self._text_cache[text] = cached
        return cached

    def _place_in_text_uncached(self, text: str) -> Place:
        base = EMPTY
        if text[0] in _LEVEL_OF_CHAR and (len(text) < 2 or text[1] not in _NOT_LEVEL_NEXT):
            base = self._scope_at(_LEVEL_OF_CHAR[text[0]])  # "市公安局" -> the scope's city
        if has_town_mark(text) and (towns := _towns()) and (found := towns.found_in(text)):
            return self._combine(self._with_towns(text, found), base)
        mentions = self._mentions(text)
        if not mentions:
            return base
        return self._combine(mentions, base)

    def _with_towns(self, text: str, found: list[tuple[int, str]]) -> list[tuple[Place, ...]]:
        """The mentions of a text that names towns: division names inside a town's name drop out
        ("大东坝镇" is not 大东区), towns overlapping a longer division name too; the towns come
        after the divisions, so they refine what those say and never contradict it."""
        towns = _towns()
        assert towns is not None
        names = self._names_at(text)
        spans = [(i, i + len(k), k) for i, k in found
                 if all(i <= s and s + n <= i + len(k) or s + n <= i or i + len(k) <= s for s, n, _ in names)]
        out = [c for s, n, k in names
               if not any(a <= s and s + n <= b for a, b, _ in spans) and (c := self._candidates(k))]
        for _, _, key in spans:
            places = towns.by_name[key]
            if self._scope_places:
                places = tuple(p for p in places if self._related(p))
            elif len(places) > 1:
                continue    # without a scope a town name must be unique nationwide
            if places:
                out.append(_Town(places))
        return out

    def _place_of_region(self, text: str) -> tuple[Place, bool]:
        """(place, explicit level) for a region cell (a column of few distinct values)."""
        cached = self._region_cache.get(text)
        if cached is None:
            cached = self._place_of_region_uncached(text)
            if len(self._region_cache) < 1 << 16:
                self._region_cache[text] = cached
        return cached

    def _place_of_region_uncached(self, text: str) -> tuple[Place, bool]:
        m = _MUNICIPAL_RE.search(text)
        if m and (m.end() == len(text) or m.start() == 0):
            rest = text[: m.start()]
            place = self._combine(self._mentions(rest), EMPTY) if rest else EMPTY
            if place == EMPTY:
                place = self._scope_at(_LEVEL_OF_CHAR[m.group(1)])
            return place, place != EMPTY
        entries = self._index.by_key.get(text)
        if entries and text in self._index.common:  # a region cell that is exactly "城区" etc.
            related = [d.place for d, _ in entries if self._related(d.place)]
            if len(related) == 1:
                return related[0], False
        return self._place_in_text(text), False

    # -- public --------------------------------------------------------------------------

    def resolve(self, region_text: str | None, owner_text: str | None,
                name_text: str | None = None) -> Place:
        """Place of an account from its region cell, else its owner, else its name.

        A region place is refined by the owner when they agree ("咸宁市" + "通山县公安局" ->
        通山县), except for explicit levels (市直). ``name_text`` is consulted only when region
        and owner give nothing (normalize_frame relies on this).
        """
        return self.resolve_normalized(normalize_text(region_text), normalize_text(owner_text),
                                       normalize_text(name_text))

    def resolve_normalized(self, region: str | None, owner: str | None, name: str | None = None) -> Place:
        """resolve() for texts already in normalize_text form (skips normalising them again)."""
        return self._resolve_cached(region or None, owner or None, name or None)

    def _resolve(self, region: str | None, owner: str | None, name: str | None) -> Place:
        if region:
            place, explicit = self._place_of_region(region)
            if place != EMPTY:
                if not explicit:
                    refined = self._place_in_text(owner)
                    if _compatible(refined, place) and _depth(refined) > _depth(place):
                        place = _merge(place, refined)
                    elif refined.county and any(isinstance(m, _Ranked) and refined in m
                                                for m in self._mentions(region)):
                        place = refined   # "余杭区" + "塘栖镇人民政府": the part that became 临平区
                return place
        place = self._place_in_text(owner)
        if place != EMPTY:
            return place
        if owner and self.names_only_elsewhere(owner):
            # "新华区南张乡…": the owner names divisions, none in the scope (ambiguous ones too):
            # the account is elsewhere, whatever its name happens to contain ("南张湾芦社区" ∋ 张湾)
            return EMPTY
        return self._place_in_text(name)

    def names_only_elsewhere(self, text: str | None) -> bool:
        """With a scope: the (normalised) text names at least one division, and every candidate
        of every name lies outside the scope."""
        if not self._scope_places or not text:
            return False
        mentions = self._mentions(text)
        return bool(mentions) and not any(self._related(p) for cands in mentions for p in cands)

    def strip_region(self, text: str | None) -> str:
        """normalize_text(text) without leading division names or 省/市/县/区 level words:
        "湖北省咸宁市通山县公安局" -> "公安局", "市公安局" -> "公安局"."""
        return self.strip_normalized(normalize_text(text))

    def strip_normalized(self, text: str | None) -> str:
        """strip_region() for a text already in normalize_text form."""
        return self._strip_cached(text or "")

    def _strip_region(self, text: str) -> str:
        out, ctx = text, EMPTY
        get = self._index.by_prefix.get
        while out:
            fits: Sequence[Place] = ()
            for key in get(out[:2], ()):   # the longest name at the start
                if out.startswith(key):
                    fits = self._candidates(key)
                    if ctx != EMPTY:
                        fits = [c for c in fits if _compatible(c, ctx)]
                    break
            if fits:  # each stripped name must lie in the one before ("松阳县大东坝镇")
                out, ctx = out[len(key):], _merge(ctx, _common(fits) if len(fits) > 1 else fits[0])
            elif out[0] in _LEVEL_OF_CHAR and len(out) > 1 and out[1] not in _NOT_LEVEL_NEXT:
                out = out[1:]
            elif out.startswith("中共") and len(out) == len(text):  # "中共咸宁市委宣传部" ~ "市委宣传部"
                out = out[2:]
            else:
                break
        return out or text

    def region_label(self, place: Place) -> str:
        return region_label(place)

    def known_names(self) -> frozenset[str]:
        return known_names()
