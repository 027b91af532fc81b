"""Build the three inputs of a published 通报 from a small table of regions and counts.

``build_inputs`` writes national.xlsx, provincial.xlsx (the same accounts, as both registries
would list them) and crawled.csv (what the platforms show) into a folder. Each region gets
``total`` registered accounts of which ``failed`` carry a problem the checks detect, cycling
through the failing kinds: stale (last post 40 days before the checkpoint), wrong_type (filed
订阅号, platform shows 服务号), personal_account (个人认证) and deleted_still_registered (the
platform shows 已注销). ``extra`` accounts (named ones from a notice) are added as given.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from reconcile.pipeline import Inputs

REG_HEADER = ["政务新媒体名称", "新媒体类型", "账号类型", "账号ID", "主办单位", "所属地区", "运营状态"]
CRAWL_HEADER = ["账号名称", "平台", "账号类型", "账号ID", "认证主体", "认证类型", "账号状态", "最近发布时间"]
PROBLEMS = ("stale", "wrong_type", "personal", "deleted")
PLATFORMS = (("微信公众号", "订阅号"), ("微博", ""), ("抖音", ""), ("今日头条", ""), ("快手", ""))
UNITS = ("融媒体中心", "档案馆", "气象局", "地震局", "供销社", "科协", "侨联", "文联", "残联", "红十字会")


@dataclass(frozen=True)
class Account:
    name: str
    platform: str
    account_type: str
    account_id: str
    owner: str
    region: str
    problem: str | None = None   # stale | wrong_type | personal | deleted | None


@dataclass(frozen=True)
class Region:
    region: str      # what the 所属地区 column says
    prefix: str      # the place prefix of owner names ("杭州市", "浙江省")
    total: int
    failed: int


def region_accounts(spec: Region, start: int) -> list[Account]:
    """``spec.total`` accounts, the first ``spec.failed`` with a problem (kinds cycling)."""
    out = []
    for i in range(spec.total):
        n = start + i
        platform, acc_type = PLATFORMS[n % len(PLATFORMS)]
        unit = UNITS[n % len(UNITS)]
        out.append(Account(
            name=f"{spec.prefix}{unit}{n:05d}号", platform=platform, account_type=acc_type,
            account_id=f"acc{n:05d}", owner=f"{spec.prefix}{unit}第{n:05d}分部", region=spec.region,
            problem=PROBLEMS[(n + i) % len(PROBLEMS)] if i < spec.failed else None))
    return out


def accounts_for(regions: list[Region], extra: list[Account] = ()) -> list[Account]:
    out: list[Account] = list(extra)
    start = 0
    for spec in regions:
        out.extend(region_accounts(spec, start))
        start += spec.total
    return out


def _crawl_row(a: Account, checkpoint: dt.date) -> list[str]:
    recent = (checkpoint - dt.timedelta(days=2)).isoformat()
    old = (checkpoint - dt.timedelta(days=40)).isoformat()
    acc_type, cert, status, last = a.account_type, "政府机构认证", "正常", recent
    owner = a.owner
    if a.problem == "stale":
        last = old
    elif a.problem == "wrong_type":
        platform_type = {"订阅号": "服务号", "服务号": "订阅号"}
        acc_type = platform_type.get(a.account_type, "服务号")
    elif a.problem == "personal":
        cert, owner = "个人认证", "王某"
    elif a.problem == "deleted":
        status = "已注销"
    return [a.name, a.platform, acc_type, a.account_id, owner, cert, status, last]


def build_inputs(folder: Path, accounts: list[Account], checkpoint: dt.date) -> Inputs:
    folder.mkdir(parents=True, exist_ok=True)
    reg_rows = []
    for a in accounts:
        # a wrong_type account is filed as 订阅号 on 微信公众号 (the platform shows 服务号)
        acc_type = a.account_type
        platform = a.platform
        if a.problem == "wrong_type" and platform != "微信公众号":
            platform, acc_type = "微信公众号", "订阅号"
        reg_rows.append([a.name, platform, acc_type, a.account_id, a.owner, a.region, "正常"])
    for name in ("national.xlsx", "provincial.xlsx"):
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("Sheet1")
        ws.append(REG_HEADER)
        for row in reg_rows:
            ws.append(row)
        wb.save(folder / name)
    with open(folder / "crawled.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(CRAWL_HEADER)
        for a, reg in zip(accounts, reg_rows, strict=True):
            row = _crawl_row(a, checkpoint)
            row[1] = reg[1]
            if a.problem == "wrong_type":
                row[2] = "服务号" if reg[2] == "订阅号" else "订阅号"
            w.writerow(row)
    return Inputs(folder / "national.xlsx", folder / "provincial.xlsx", folder / "crawled.csv")
