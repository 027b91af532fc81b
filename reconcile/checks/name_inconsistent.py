"""name_inconsistent (名称不规范): one unit's operating accounts are named differently across
platforms ("主办单位在不同平台上开设的政务新媒体名称原则上应保持一致").

Names are compared after normalisation, without platform suffixes ("商丘市民政局官博" and
"商丘市民政局" are one name) and without region names ("咸安区人民医院" and "咸安人民医院"); names
that differ only by a typo or a space (similarity ≥ SAME_NAME) count as one name. The unit's most common name (ties: its 微信公众号 name, then
the first by platform) is taken as its name; every account named otherwise is reported.
Mini programs and apps are left out. Not judged: "a name unrelated to the owner" (needs a
person).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from reconcile.checks.context import (
    MULTI_ACCOUNT_PLATFORMS,
    CheckContext,
    shared_unit_keys,
    typo_equal,
)
from reconcile.checks.observed import operating_accounts
from reconcile.result import Finding

CODE = "name_inconsistent"
SAME_NAME = 80.0  # rapidfuzz ratio of two names (region removed) at or above which they are one name


def check(ctx: CheckContext) -> list[Finding]:
    platform = ctx.first("platform")
    core = ctx.first("name_core")
    key = core.where(core.notna(), ctx.first("name_key"))
    name = ctx.first("name")
    unit = shared_unit_keys(ctx)
    ok = (operating_accounts(ctx) & unit.notna() & platform.notna() & key.notna()
          & ~platform.isin(list(MULTI_ACCOUNT_PLATFORMS)))
    frame = pd.DataFrame({"_unit": unit[ok], "_platform": platform[ok], "_key": key[ok], "_name": name[ok],
                          "_pos": np.flatnonzero(ok.to_numpy())})
    frame = frame[frame["_unit"].duplicated(keep=False)]
    by_unit = frame.groupby("_unit")
    frame = frame[(by_unit["_platform"].transform("nunique") > 1) & (by_unit["_key"].transform("nunique") > 1)]
    out: list[Finding] = []
    groups = frame.groupby("_unit", sort=True).indices
    keys_all, platforms_all = frame["_key"].tolist(), frame["_platform"].tolist()
    names_all, positions = frame["_name"].tolist(), frame["_pos"].to_numpy()
    for unit_key in sorted(groups):
        members = groups[unit_key].tolist()     # in view order
        keys = _merge_similar([keys_all[i] for i in members])
        if len(set(keys)) < 2:
            continue
        platforms = [platforms_all[i] for i in members]
        names = [names_all[i] for i in members]
        counts = Counter(keys)
        wechat = {k for k, p in zip(keys, platforms, strict=True) if p == "微信公众号"}
        order = sorted(range(len(keys)), key=lambda i: platforms[i])   # stable: by platform
        main = max((keys[i] for i in order), key=lambda k: (counts[k], k in wechat))
        main_name = next(names[i] for i in order if keys[i] == main)
        main_platforms = "、".join(sorted({platforms[i] for i in order if keys[i] == main}))
        for i in order:
            if keys[i] == main:
                continue
            row = ctx.row_at(int(positions[members[i]]))
            detail = (f"同一主办单位在{main_platforms}的账号名称为“{main_name}”，"
                      f"在{platforms[i]}为“{names[i]}”，名称不一致")
            out.append(ctx.finding(CODE, row, detail, ctx.refs(row), correction=f"名称应统一为“{main_name}”"))
    return out


def _merge_similar(keys: list[str]) -> list[str]:
    """Map each name to the first earlier name it is similar to (typos, spaces)."""
    reps: list[str] = []
    out: list[str] = []
    for k in keys:
        k2 = k.replace(" ", "")
        hit = next((r for r in reps if r == k2 or fuzz.ratio(r, k2) >= SAME_NAME or typo_equal(r, k2, min_len=4)), None)
        if hit is None:
            reps.append(k2)
            hit = k2
        out.append(hit)
    return out
