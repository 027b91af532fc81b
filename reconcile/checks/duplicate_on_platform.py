"""duplicate_on_platform (同一平台开设多个账号): one unit runs several operating, registered
accounts on one platform ("一个单位在同一平台只开设一个政务新媒体账号", 国办发〔2018〕123号).

A unit is its region plus its owner name with the region prefix removed ("咸宁市公安局" and
"市公安局" are one unit; "通山县公安局" is another). Mini programs and apps are left out: a unit
may run several. Every account of such a group is listed, each naming the others.
"""

from __future__ import annotations

from reconcile.checks.context import (
    MULTI_ACCOUNT_PLATFORMS,
    CheckContext,
    active_accounts,
    first_text,
    unit_keys,
)
from reconcile.result import Finding

CODE = "duplicate_on_platform"


def check(ctx: CheckContext) -> list[Finding]:
    v = ctx.view
    platform = first_text(v, "platform")
    name = first_text(v, "name")
    unit = unit_keys(v)
    ok = active_accounts(v) & unit.notna() & platform.notna() & ~platform.isin(list(MULTI_ACCOUNT_PLATFORMS))
    out: list[Finding] = []
    frame = v[ok].assign(_unit=unit[ok], _platform=platform[ok], _name=name[ok])
    frame = frame[frame.duplicated(["_unit", "_platform"], keep=False)]
    for (_, plat), grp in frame.groupby(["_unit", "_platform"], sort=True):
        if len(grp) < 2:
            continue
        names = [str(n) for n in grp["_name"].tolist()]
        for idx, row in grp.iterrows():
            others = "、".join(f"“{n}”" for i, n in zip(grp.index, names, strict=True) if i != idx)
            detail = f"同一主办单位在{plat}开设{len(grp)}个账号，另有{others}"
            out.append(ctx.finding(CODE, row, detail, ctx.refs(row), correction="同一平台只保留一个账号"))
    return out
