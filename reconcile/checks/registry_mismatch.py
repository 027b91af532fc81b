"""registry_mismatch (备案数据不一致): "部分单位在全国政务新媒体报送系统、全省政务新媒体管理平台
中备案数据不一致". One finding per account and field:

- ``filed``: the account is in one registry only;
- ``platform`` / ``account_type``: the two registries file it differently;
- ``status``: one says operating, the other closed;
- ``owner``: the registries name different units (cosmetic differences — a region prefix,
  a typo, spaces — are not a disagreement).
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from importlib import resources

import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from reconcile.checks.context import CheckContext
from reconcile.regions import known_names
from reconcile.result import Finding
from reconcile.schema import GONE_STATUSES, STATUS_LABELS

CODE = "registry_mismatch"


_LEVEL_CHARS = str.maketrans("", "", "省市州县区盟旗")
UNIT_SAME = 60.0  # rapidfuzz ratio of unit cores at or above which two owners are one unit


@lru_cache(maxsize=1)
def _division_names() -> frozenset[str]:
    return frozenset(n for n in known_names() if len(n) >= 3)


_LONGEST_DIVISION = 16   # the longest division name has 15 characters


@lru_cache(maxsize=1)
def _division_heads() -> frozenset[str]:
    """The first two characters of every division name (a position no name starts at is skipped fast)."""
    return frozenset(n[:2] for n in _division_names())


@lru_cache(maxsize=200_000)
def unit_core(owner: str) -> str:
    """What names the kind of unit: the owner with every division name removed wherever it
    stands and the level characters dropped ("共青团随州市委员会" and "共青团市委员会" ->
    "共青团委员会"). Used only to compare two owners, both treated alike."""
    names, heads = _division_names(), _division_heads()
    n = len(owner)
    kept, i = [], 0
    # only where two characters open some division name (names have 3+ characters) can one start
    for start in [k for k in range(n - 2) if owner[k:k + 2] in heads]:
        if start < i:   # inside a name already dropped
            continue
        for j in range(min(n, start + _LONGEST_DIVISION), start + 2, -1):   # the longest name there
            if owner[start:j] in names:
                kept.append(owner[i:start])
                i = j
                break
    kept.append(owner[i:])
    return "".join(kept).translate(_LEVEL_CHARS) or owner


def owner_freq(ctx: CheckContext) -> Counter:
    """How many registry records (national and provincial) name each unit core; once per context."""
    def count() -> Counter:
        owners = pd.concat([ctx.view[col].dropna() for col in ("n_owner_core", "p_owner_core")])
        freq: Counter = Counter()
        for owner, n in owners.value_counts(sort=False).items():
            freq[unit_core(owner)] += int(n)
        return freq

    return ctx.memo("owner_freq", count)


@lru_cache(maxsize=1)
def known_units() -> frozenset[str]:
    """Unit names spelled right (reconcile/data/units.txt), as unit cores."""
    text = resources.files("reconcile").joinpath("data/units.txt").read_text(encoding="utf-8")
    return frozenset(unit_core(line.strip()) for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def same_unit(a: str, b: str, freq: Counter) -> bool:
    """Whether two owner names name one unit despite cosmetic differences (a region prefix,
    typos, spaces).

    Short unit names need knowledge: a one-character difference between two 3–4 character
    names is a typo when one spelling is a known unit name (reconcile/data/units.txt) and the
    other is not ("挡案馆" vs "档案馆"), two units when both are known ("财政局", "民政局");
    between unknown names, a typo when one spelling is rare and the other common in the data.
    """
    ua, ub = unit_core(a), unit_core(b)
    if ua == ub:
        return True
    if min(len(ua), len(ub)) <= 4 and Levenshtein.distance(ua, ub) == 1:
        units = known_units()
        ka, kb = ua in units, ub in units
        if ka or kb:
            return ka != kb   # one spelling known, the other not: a typo; both known: two units
        fa, fb = freq.get(ua, 0), freq.get(ub, 0)
        return min(fa, fb) * 5 <= max(fa, fb)
    return fuzz.ratio(ua, ub) >= UNIT_SAME


def _text(v: object) -> str | None:
    return v if isinstance(v, str) and v else None


def check(ctx: CheckContext) -> list[Finding]:
    v = ctx.view
    out: list[Finding] = []
    has_n, has_p = ctx.present("n_row"), ctx.present("p_row")

    for row in ctx.rows(has_n ^ has_p):
        src, other = ("national", "provincial") if not pd.isna(row.get("n_row")) else ("provincial", "national")
        detail = ("仅在全国政务新媒体信息报送系统备案，省级平台未备案" if src == "national"
                  else "仅在省级政务新媒体管理平台备案，全国系统未备案")
        out.append(ctx.finding(CODE, row, detail, ctx.refs(row, (src,)), field="filed"))

    freq = owner_freq(ctx)
    both = has_n & has_p & (v["np_link"] == "match")
    differs = pd.Series(False, index=v.index)
    for col in ("platform", "account_type", "status", "owner_core"):
        differs |= ctx.present(f"n_{col}") & ctx.present(f"p_{col}") & (v[f"n_{col}"] != v[f"p_{col}"])
    for row in ctx.rows(both & differs):
        refs = ctx.refs(row, ("national", "provincial"))
        np_, pp = _text(row.get("n_platform")), _text(row.get("p_platform"))
        if np_ and pp and np_ != pp:
            out.append(ctx.finding(CODE, row, f"全国系统备案平台为{np_}，省级平台为{pp}", refs, field="platform"))
        nt, pt = _text(row.get("n_account_type")), _text(row.get("p_account_type"))
        if nt and pt and nt != pt:
            out.append(ctx.finding(CODE, row, f"全国系统备案为{nt}，省级平台为{pt}", refs, field="account_type"))
        ns, ps = _text(row.get("n_status")), _text(row.get("p_status"))
        if ns and ps and ((ns == "active") != (ps == "active")) and (ns in GONE_STATUSES or ps in GONE_STATUSES):
            out.append(ctx.finding(
                CODE, row, f"全国系统状态为{STATUS_LABELS[ns]}，省级平台为{STATUS_LABELS[ps]}", refs, field="status"))
        no, po = _text(row.get("n_owner_core")), _text(row.get("p_owner_core"))
        if no and po and not same_unit(no, po, freq):
            out.append(ctx.finding(
                CODE, row, f"全国系统主办单位为{row.get('n_owner')}，省级平台为{row.get('p_owner')}", refs,
                field="owner"))
    return out
