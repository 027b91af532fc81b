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

import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from reconcile.checks.context import CheckContext, present
from reconcile.result import Finding
from reconcile.schema import GONE_STATUSES, STATUS_LABELS

CODE = "registry_mismatch"
OWNER_SAME = 85.0  # rapidfuzz ratio of region-stripped owners at or above which they are one unit


def same_unit(a: str, b: str, freq: Counter) -> bool:
    """Whether two region-stripped owner names name one unit despite cosmetic differences.

    Long names with a typo stay similar ("城市管里执法委员会"); short ones need the data: a
    one-character difference is a typo when one spelling is rare and the other common
    ("搏物馆" once, "博物馆" in many units), and two units when both are common ("财政局",
    "民政局").
    """
    if a == b or fuzz.ratio(a, b) >= OWNER_SAME:
        return True
    if Levenshtein.distance(a, b) == 1:
        fa, fb = freq.get(a, 0), freq.get(b, 0)
        return min(fa, fb) * 5 <= max(fa, fb)
    return False


def _text(v: object) -> str | None:
    return v if isinstance(v, str) and v else None


def check(ctx: CheckContext) -> list[Finding]:
    v = ctx.view
    out: list[Finding] = []
    has_n, has_p = present(v, "n_row"), present(v, "p_row")

    for _, row in v[has_n ^ has_p].iterrows():
        src, other = ("national", "provincial") if not pd.isna(row.get("n_row")) else ("provincial", "national")
        detail = ("仅在全国政务新媒体信息报送系统备案，省级平台未备案" if src == "national"
                  else "仅在省级政务新媒体管理平台备案，全国系统未备案")
        out.append(ctx.finding(CODE, row, detail, ctx.refs(row, (src,)), field="filed"))

    freq = Counter(v["n_owner_core"].dropna().tolist() + v["p_owner_core"].dropna().tolist())
    both = v[has_n & has_p & (v["np_link"] == "match")]
    for _, row in both.iterrows():
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
