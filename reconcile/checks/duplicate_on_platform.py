"""duplicate_on_platform (同一平台开设多个账号): one unit runs several operating, registered
accounts on one platform ("一个单位在同一平台只开设一个政务新媒体账号", 国办发〔2018〕123号).

A unit is its region plus its owner name with the region prefix removed ("咸宁市公安局" and
"市公安局" are one unit; "通山县公安局" is another), spelt exactly: a one-character difference
may be a typo, or two sub-units (三门县财政局中岭财政所, 中堰财政所), and a false 同一平台开设多个
账号 is worse than a missed one. The rule holds on every platform, mini programs too; apps (移动客户端)
and "其他" are no one platform.
Not a duplicate: an account filed in only one registry next to one filed only in the other
(the same account the linking could not join: that pair is a registry matter), and an account
the platform shows closed next to its replacement, and two records of one unit with names one
slip apart ("江山医保" beside "江山医保(抖音)", "桃清沙成社区" beside "桃清沙城社区") and no
different ids: one account the linking left in two pieces, not two accounts (the one with more
records stands for it). Every account of such a group is listed, each naming the others.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reconcile.checks.context import (
    NOT_ONE_PLATFORM,
    CheckContext,
    shared_unit_keys,
)
from reconcile.checks.observed import operating_accounts
from reconcile.checks.typos import one_typo_apart
from reconcile.result import Finding

CODE = "duplicate_on_platform"


def check(ctx: CheckContext) -> list[Finding]:
    platform = ctx.first("platform")
    name = ctx.first("name")
    unit = shared_unit_keys(ctx, fold_typos=False)
    ok = operating_accounts(ctx) & unit.notna() & platform.notna() & ~platform.isin(list(NOT_ONE_PLATFORM))
    out: list[Finding] = []
    frame = pd.DataFrame({"_unit": unit[ok], "_platform": platform[ok], "_name": name[ok],
                          "_pos": np.flatnonzero(ok.to_numpy())})
    frame = frame[frame.duplicated(["_unit", "_platform"], keep=False)]
    groups = frame.groupby(["_unit", "_platform"], sort=True).indices
    names_all = [str(n) for n in frame["_name"].tolist()]
    positions = frame["_pos"].to_numpy()
    keys = ctx.first("name_key").to_numpy(dtype=object)
    ids = ctx.first("account_id").to_numpy(dtype=object)
    sources = sum(ctx.present(c).to_numpy(dtype=int) for c in ("n_row", "p_row", "c_row"))   # records per account
    for key in sorted(groups):
        members = groups[key].tolist()     # in view order
        if len(members) < 2 or _one_account_in_two_registries(ctx, positions[members]):
            continue
        members = _distinct_accounts(members, positions, keys, ids, sources)
        if len(members) < 2:
            continue
        plat = key[1]
        names = [names_all[i] for i in members]
        rows = list(ctx.rows_at(positions[members]))
        lead = max(range(len(rows)), key=lambda k: (int(sources[positions[members[k]]]), -k))
        listed = "、".join(f"“{n}”" for n in names)
        detail = f"同一主办单位在{plat}开设{len(members)}个账号：{listed}"
        refs = tuple(dict.fromkeys(r for row in rows for r in ctx.refs(row)))
        out.append(ctx.finding(CODE, rows[lead], detail, refs, correction="同一平台只保留一个账号"))
    return out


def _one_account_in_two_registries(ctx: CheckContext, positions: np.ndarray) -> bool:
    """Two records, one only in the national registry and one only in the provincial one: most
    likely one account the linking could not join, not two."""
    if len(positions) != 2:
        return False
    n, p = ctx.present("n_row").to_numpy()[positions], ctx.present("p_row").to_numpy()[positions]
    return bool((n ^ p).all() and n.sum() == 1)


def _distinct_accounts(members: list[int], positions: np.ndarray, keys: np.ndarray, ids: np.ndarray,
                       sources: np.ndarray) -> list[int]:
    """The members that are distinct accounts: of records with names one slip apart and no
    different ids, the one with the most records (the first in view order on a tie)."""
    order = sorted(members, key=lambda m: -int(sources[positions[m]]))
    kept: list[int] = []
    for m in order:
        pos = positions[m]
        name, aid = keys[pos], ids[pos]
        if not any(isinstance(name, str) and isinstance(keys[positions[k]], str)
                   and one_typo_apart(name, keys[positions[k]])
                   and not (isinstance(aid, str) and isinstance(ids[positions[k]], str) and aid != ids[positions[k]])
                   for k in kept):
            kept.append(m)
    return sorted(kept)
