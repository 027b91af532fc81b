"""wrong_type (备案类型错误): the registered type differs from what the platform shows —
"备案类型错误：应为服务号", and a 小程序 filed as a 公众号 (a platform filed wrongly).

A 视频号 filed for its unit's 公众号 (or the reverse) is not a wrong type: the two are one WeChat
presence and registries file them loosely; where the registries disagree that is
``registry_mismatch``. Platforms of different families count (they can only link by the same id).
"""

from __future__ import annotations

import pandas as pd

from reconcile.checks.context import CheckContext
from reconcile.result import Finding
from reconcile.schema import SOURCE_LABELS

CODE = "wrong_type"


def check(ctx: CheckContext) -> list[Finding]:
    v = ctx.view
    linked = ctx.present("c_row") & (v["c_link"] == "match")
    differs = pd.Series(False, index=v.index)
    for p in ("n", "p"):
        for col in ("platform", "account_type"):
            differs |= ctx.present(f"{p}_{col}") & ctx.present(f"c_{col}") & (v[f"{p}_{col}"] != v[f"c_{col}"])
    out: list[Finding] = []
    for row in ctx.rows(linked & differs):
        c_platform, c_type = row.get("c_platform"), row.get("c_account_type")
        wrong_platform: list[str] = []
        wrong_type: list[str] = []
        for src, p in (("national", "n"), ("provincial", "p")):
            if pd.isna(row.get(f"{p}_row")):
                continue
            reg_platform = row.get(f"{p}_platform")
            if isinstance(reg_platform, str) and isinstance(c_platform, str) and reg_platform != c_platform \
                    and "其他" not in (reg_platform, c_platform) \
                    and {reg_platform, c_platform} != {"微信公众号", "微信视频号"}:
                wrong_platform.append(src)
                continue
            reg_type = row.get(f"{p}_account_type")
            if isinstance(reg_type, str) and isinstance(c_type, str) and reg_type != c_type:
                wrong_type.append(src)
        if wrong_platform:
            regs = "、".join(SOURCE_LABELS[s] for s in wrong_platform)
            p0 = "n" if wrong_platform[0] == "national" else "p"
            detail = f"{regs}备案为{row.get(f'{p0}_platform')}，平台显示为{c_platform}"
            out.append(ctx.finding(CODE, row, detail, ctx.refs(row, (*wrong_platform, "crawled")),
                                   correction=f"应为{c_platform}"))
        elif wrong_type:
            regs = "、".join(SOURCE_LABELS[s] for s in wrong_type)
            p0 = "n" if wrong_type[0] == "national" else "p"
            detail = f"{regs}备案为{row.get(f'{p0}_account_type')}，平台显示为{c_type}"
            out.append(ctx.finding(CODE, row, detail, ctx.refs(row, (*wrong_type, "crawled")),
                                   correction=f"应为{c_type}", prefer=("n", "p", "c")))
    return out
