"""The 人工检查问题表 (manual content checks): read from xlsx or csv, matched to accounts, reported
in the clerk's words; a bad table is a clear error."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from reconcile.config import Config
from reconcile.errors import InputError
from reconcile.pipeline import Inputs, run
from reconcile.sources.manual import load_manual

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
INPUTS = Inputs(SAMPLE / "national.xlsx", SAMPLE / "provincial.xlsx", SAMPLE / "crawled.csv")
CONFIG = Config(scope=("咸宁市",), checkpoint=dt.date(2022, 11, 13), quarter="2022Q4")


def test_xlsx_with_a_title_row(tmp_path):
    path = tmp_path / "人工检查.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2022年第四季度人工检查发现问题"])
    ws.append(["序号", "新媒体 类型", "政务新媒体名称", "存在的问题"])
    ws.append([1, "微信订阅号", "咸宁交通", "严重表述错误"])
    ws.append([None, None, None, None])
    ws.append([2, "抖音", "", "互动回应差"])
    wb.save(path)
    issues, info, warnings = load_manual(path)
    assert [(i.row, i.platform, i.name, i.problem) for i in issues] == [(3, "微信订阅号", "咸宁交通", "严重表述错误")]
    assert info.header_row == 2 and info.source == "manual"
    assert len(warnings) == 1 and "第 5 行" in warnings[0]


def test_missing_columns_is_a_clear_error(tmp_path):
    path = tmp_path / "manual.csv"
    path.write_text("名称,备注\n咸宁交通,x\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_manual(path)
    assert "存在的问题" in str(err.value) and "manual.csv" in str(err.value)


def test_findings_on_the_right_accounts_and_unknown_names_noted(tmp_path):
    path = tmp_path / "manual.csv"
    with open(path, "w", encoding="gb18030", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["新媒体类型", "政务新媒体名称", "存在的问题"])
        w.writerow(["微博", "平安咸宁", "严重表述错误"])
        w.writerow(["微信公众号", "不存在的账号", "安全泄密"])
    result = run(CONFIG, dataclasses.replace(INPUTS, manual=path))
    found = sorted((f for f in result.findings if f.kind == "content_issue"), key=lambda f: f.records[0].row)
    assert [(f.platform, f.name, f.detail, f.fails) for f in found] == [
        ("微博", "平安咸宁", "严重表述错误", True), ("微信公众号", "不存在的账号", "安全泄密", True)]
    assert found[0].records[0].source == "manual" and found[0].records[0].row == 2
    assert {r.source for r in found[0].records} == {"manual", "national", "provincial", "crawled"}
    assert any("不存在的账号" in n for n in result.notes)
    assert result.run.inputs[-1].source == "manual"


def test_the_sample_folder_picks_up_manual_csv(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "reconcile", "run", str(SAMPLE), "--out", str(tmp_path / "r.xlsx"),
                           "--json", str(tmp_path / "r.json"), "--no-db", "--quiet"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 1, proc.stderr
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert "manual" in [i["source"] for i in result["run"]["inputs"]]
    assert sum(f["kind"] == "content_issue" for f in result["findings"]) == 2
