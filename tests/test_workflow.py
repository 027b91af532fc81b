"""The quarterly desk-audit workflow end to end, with files on disk, as a clerk runs it:

quarter 1 (2022Q4) run → the clerk fills 核实结论 in the XLSX (openpyxl, as in Excel) →
``reconcile review`` → quarter 2 (2023Q1) run → 复查 statuses, nothing decided asked again.

The two quarters (written by ``_write_quarter``; 咸宁市咸安区, every file a CSV):

=================  =====================================  ======================================
account            quarter 1                              quarter 2
=================  =====================================  ======================================
咸安发布           clean                                  clean
咸安教育           备案类型错误 (filed 订阅号, is 服务号)   registries corrected → 已整改
咸安旅游           监测点前两周未更新                      still no post → 仍未整改
咸安文旅 (微博)    监测点前两周未更新                      deleted on Weibo, still filed → 已注销(需系统关停)
咸安司法           瞒报漏报 (crawled only)                 filed in both registries → 已整改
咸安交通           clean                                  no post since 2022-12 → 新发现 (stale)
咸安应急 (抖音)    doubtful link → clerk: 同一账号          linked as a match, no longer asked
咸安卫健 (快手)    doubtful link → clerk: 不同账号          registry name shifted (咸安区卫生健康):
                   (a doubtful link accuses nobody:       still never linked, not asked again:
                   neither unfiled nor deleted yet)       瞒报漏报 + 已注销未在系统注销 → 新发现
=================  =====================================  ======================================
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from reconcile.config import load_config
from reconcile.history import TEST_MARKER, TEST_SLEEP_ENV
from reconcile.report.xlsx import REVIEW_DECISION_HEADER, REVIEW_HEADER_ROW, REVIEW_KEY_HEADER

ROOT = Path(__file__).resolve().parent.parent
REGISTRY_HEADER = "政务新媒体名称,新媒体类型,账号类型,账号ID,主办单位,所属地区,运营状态"
CRAWLED_HEADER = "账号名称,平台,账号类型,账号ID,认证主体,认证类型,账号状态,最后更新时间,粉丝数"


def _registry(q: int) -> list[str]:
    rows = [
        "咸安发布,微信公众号,订阅号,xafb,咸安区人民政府办公室,咸安区,正常运营",
        f"咸安教育,微信公众号,{'订阅号' if q == 1 else '服务号'},xajy,咸安区教育局,咸安区,正常运营",
        "咸安旅游,微信公众号,订阅号,xaly,咸安区文化和旅游局,咸安区,正常运营",
        "咸安文旅,微博,,5001,咸安区文化和旅游局,咸安区,正常运营",
        "咸安区应急管理局,抖音,,,咸安区应急管理局,咸安区,正常运营",
        f"{'咸安卫生健康' if q == 1 else '咸安区卫生健康'},快手,,,咸安区卫生健康局,咸安区,正常运营",
        "咸安交通,微信公众号,服务号,xajt,咸安区交通运输局,咸安区,正常运营",
    ]
    if q == 2:
        rows.append("咸安司法,微信公众号,订阅号,xasf,咸安区司法局,咸安区,正常运营")
    return rows


def _crawled(q: int) -> list[str]:
    fresh = "2022-11-10" if q == 1 else "2023-03-25"
    return [
        f"咸安发布,微信公众号,订阅号,xafb,咸安区人民政府办公室,政府机构认证,正常,{fresh},1000",
        f"咸安教育,微信公众号,服务号,xajy,咸安区教育局,政府机构认证,正常,{fresh},1000",
        "咸安旅游,微信公众号,订阅号,xaly,咸安区文化和旅游局,政府机构认证,正常,2022-06-01,1000",
        f"咸安文旅,微博,,5001,咸安区文化和旅游局,政府机构认证,{'正常' if q == 1 else '已注销'},2022-07-01,1000",
        f"咸安司法,微信公众号,订阅号,xasf,咸安区司法局,政府机构认证,正常,{fresh},1000",
        f"咸安应急发布,抖音,,dy01,咸安区应急管理局,政府机构认证,正常,{fresh},1000",
        f"咸安健康卫士,快手,,ks01,咸安区卫生健康局,政府机构认证,正常,{fresh},1000",
        f"咸安交通,微信公众号,服务号,xajt,咸安区交通运输局,政府机构认证,正常,{fresh if q == 1 else '2022-12-01'},1000",
    ]


def _write_quarter(folder: Path, q: int) -> Path:
    folder.mkdir(parents=True)
    registry = "\n".join([REGISTRY_HEADER, *_registry(q)]) + "\n"
    (folder / "national.csv").write_text(registry, encoding="utf-8")
    (folder / "provincial.csv").write_text(registry, encoding="utf-8")
    (folder / "crawled.csv").write_text("\n".join([CRAWLED_HEADER, *_crawled(q)]) + "\n", encoding="utf-8")
    checkpoint, quarter = ("2022-11-13", "2022Q4") if q == 1 else ("2023-03-31", "2023Q1")
    (folder / "reconcile.toml").write_text(
        f'checkpoint = "{checkpoint}"\nquarter = "{quarter}"\nscope = ["咸宁市"]\n'
        # this crawl lists every account of its platforms: not found there means gone
        '[checks]\ncomplete_platforms = ["微信公众号", "微博", "抖音", "快手"]\n', encoding="utf-8")
    return folder


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reconcile", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "COLUMNS": "200", **(env or {})})


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _review_rows(report: Path) -> list[dict]:
    ws = openpyxl.load_workbook(report, read_only=True)["待人工核实"]
    rows = list(ws.iter_rows(min_row=REVIEW_HEADER_ROW, values_only=True))
    header = list(rows[0])
    return [dict(zip(header, r, strict=False)) for r in rows[1:] if r[0] is not None and isinstance(r[0], int)]


def _fill_review(report: Path, decisions: dict[str, str]) -> None:
    """What a clerk does in Excel: pick 核实结论 in the rows whose 平台采集名称 is given, save."""
    wb = openpyxl.load_workbook(report)
    ws = wb["待人工核实"]
    header = [c.value for c in ws[REVIEW_HEADER_ROW]]
    name_col = header.index("平台采集名称") + 1
    decision_col = header.index(REVIEW_DECISION_HEADER) + 1
    for row in range(REVIEW_HEADER_ROW + 1, ws.max_row + 1):
        name = ws.cell(row, name_col).value
        if name in decisions:
            ws.cell(row, decision_col).value = decisions[name]
    wb.save(report)


@pytest.fixture(scope="module")
def two_quarters(tmp_path_factory):
    base = tmp_path_factory.mktemp("audit")
    q1, q2 = _write_quarter(base / "2022Q4", 1), _write_quarter(base / "2023Q1", 2)
    db = base / "reconcile.db"
    steps = {}
    steps["run1"] = cli("run", str(q1), "--json", str(base / "q1.json"))
    report1 = q1 / "政务新媒体核查报告_2022Q4.xlsx"
    steps["review_rows1"] = _review_rows(report1)
    with sqlite3.connect(db) as con:
        steps["runs1"] = con.execute("SELECT quarter FROM runs").fetchall()
        steps["findings1"] = con.execute("SELECT count(*) FROM findings").fetchone()[0]
    _fill_review(report1, {"咸安应急发布": "同一账号", "咸安健康卫士": "不同账号"})
    steps["review"] = cli("review", str(report1))
    steps["db_after_review"] = _sha(db)
    steps["bad"] = cli("run", "--national", str(q2 / "nope.csv"), "--provincial", str(q2 / "provincial.csv"),
                       "--crawled", str(q2 / "crawled.csv"), "--db", str(db))
    steps["db_after_bad"] = _sha(db)
    steps["run2"] = cli("run", str(q2), "--json", str(base / "q2.json"))
    steps["review_rows2"] = _review_rows(q2 / "政务新媒体核查报告_2023Q1.xlsx")
    return base, steps


def _json(base: Path, name: str) -> dict:
    return json.loads((base / name).read_text(encoding="utf-8"))


def test_quarter_one_asks_for_review_and_is_stored(two_quarters):
    base, steps = two_quarters
    assert steps["run1"].returncode == 1, steps["run1"].stderr
    assert "已记入历史库" in steps["run1"].stdout
    asked = {r["平台采集名称"] for r in steps["review_rows1"]}
    assert asked == {"咸安应急发布", "咸安健康卫士"}
    # the 核实键 names the records by platform + id or name + owner, never by row number
    keys = [r[REVIEW_KEY_HEADER] for r in steps["review_rows1"]]
    assert all("⇄" in k and "采集:" in k for k in keys)
    assert any("采集:抖音|id:dy01" in k for k in keys)
    assert steps["runs1"] == [("2022Q4",)]
    assert steps["findings1"] == len(_json(base, "q1.json")["findings"])
    # a doubtful link is for a person to decide: neither side of it is a failing finding yet
    names1 = {f["name"] for f in _json(base, "q1.json")["findings"]}
    assert not names1 & {"咸安应急发布", "咸安健康卫士", "咸安区应急管理局", "咸安卫生健康"}
    with sqlite3.connect(base / "reconcile.db") as con:
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] >= 1


def test_review_stores_the_decisions(two_quarters):
    base, steps = two_quarters
    assert steps["review"].returncode == 0, steps["review"].stderr
    assert "已保存 2 条核实结论" in steps["review"].stdout
    with sqlite3.connect(base / "reconcile.db") as con:
        stored = dict(con.execute("SELECT pair_key, decision FROM decisions").fetchall())
    assert sorted(stored.values()) == ["different", "same"]
    assert set(stored) == {r[REVIEW_KEY_HEADER] for r in steps["review_rows1"]}


def test_failed_run_leaves_the_database_untouched(two_quarters):
    _, steps = two_quarters
    assert steps["bad"].returncode == 2
    assert "Traceback" not in steps["bad"].stderr
    assert steps["db_after_bad"] == steps["db_after_review"]


def test_quarter_two_applies_decisions_and_asks_nothing_twice(two_quarters):
    base, steps = two_quarters
    assert steps["run2"].returncode == 1, steps["run2"].stderr
    assert steps["review_rows2"] == []              # no decided pair is asked again
    result = _json(base, "q2.json")
    assert all(link["status"] == "match" for link in result["links"])
    by_name = {(f["kind"], f["name"]) for f in result["findings"]}
    # 同一账号: the pair is one account now: neither unfiled nor deleted
    assert ("unfiled", "咸安应急发布") not in by_name
    assert ("deleted_still_registered", "咸安区应急管理局") not in by_name
    # 不同账号: never linked, even though the registry name shifted to 咸安区卫生健康
    assert ("unfiled", "咸安健康卫士") in by_name
    assert ("deleted_still_registered", "咸安区卫生健康") in by_name


def test_quarter_two_rechecks_last_quarter(two_quarters):
    base, steps = two_quarters
    recheck = {(r["kind"], r["name"]): r["status"] for r in _json(base, "q2.json")["recheck"]}
    assert recheck[("wrong_type", "咸安教育")] == "已整改"
    assert recheck[("unfiled", "咸安司法")] == "已整改"
    assert recheck[("stale", "咸安旅游")] == "仍未整改"
    assert recheck[("stale", "咸安文旅")] == "已注销(需系统关停)"
    assert recheck[("stale", "咸安交通")] == "新发现"
    # held by a doubtful link last quarter (no finding then), decided 不同账号: reported now, as new
    assert recheck[("unfiled", "咸安健康卫士")] == "新发现"
    assert recheck[("deleted_still_registered", "咸安区卫生健康")] == "新发现"
    # the deletion of 咸安文旅 is reported once, as 已注销(需系统关停), not also as 新发现
    assert ("deleted_still_registered", "咸安文旅") not in recheck
    assert sorted(name for (_, name), s in recheck.items() if s == "新发现") == ["咸安交通", "咸安健康卫士",
                                                                                 "咸安区卫生健康"]
    assert all(r["previous_quarter"] == "2022Q4" for r in _json(base, "q2.json")["recheck"] if r["status"] != "新发现")
    ws = openpyxl.load_workbook(base / "2023Q1" / "政务新媒体核查报告_2023Q1.xlsx", read_only=True)["复查情况"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows.index(("序号", "上季度问题", "所属地区", "新媒体类型", "名称", "复查结果"))
    body = {(r[4], r[5]) for r in rows[header + 1:] if r[0] is not None}
    assert ("咸安旅游", "仍未整改") in body and ("咸安文旅", "已注销(需系统关停)") in body
    assert "复查" in steps["run2"].stdout and "仍未整改" in steps["run2"].stdout


def test_rerunning_a_quarter_supersedes_the_old_run(two_quarters, tmp_path):
    base, _ = two_quarters
    db = tmp_path / "copy.db"
    db.write_bytes((base / "reconcile.db").read_bytes())
    proc = cli("run", str(base / "2023Q1"), "--db", str(db), "--out", str(tmp_path / "r.xlsx"))
    assert proc.returncode == 1, proc.stderr
    with sqlite3.connect(db) as con:
        runs = con.execute("SELECT id, quarter, superseded_by FROM runs ORDER BY id").fetchall()
    assert [(q, s) for _, q, s in runs] == [("2022Q4", None), ("2023Q1", runs[2][0]), ("2023Q1", None)]
    hist = cli("history", "--db", str(db), "--out", str(tmp_path / "trend.xlsx"))
    assert hist.returncode == 0, hist.stderr
    assert "2022年第四季度" in hist.stdout and "2023年第一季度" in hist.stdout and "已被第 3 次运行替代" in hist.stdout
    with zipfile.ZipFile(tmp_path / "trend.xlsx") as z:
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())
    trend = openpyxl.load_workbook(tmp_path / "trend.xlsx")["合格率趋势"]
    assert [c.value for c in trend[1]] == ["地区", "2022年第四季度", "2023年第一季度"]


def test_killed_run_leaves_the_database_intact(two_quarters, tmp_path):
    """kill -9 inside the write transaction (test hook: RECONCILE_TEST_TX_SLEEP) → no half run."""
    base, _ = two_quarters
    db = tmp_path / "kill.db"
    db.write_bytes((base / "reconcile.db").read_bytes())
    with sqlite3.connect(db) as con:
        before = [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("runs", "findings", "links")]
    proc = subprocess.Popen([sys.executable, "-m", "reconcile", "run", str(base / "2023Q1"), "--db", str(db),
                             "--out", str(tmp_path / "k.xlsx"), "-q"], cwd=ROOT, stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True, env={**os.environ, TEST_SLEEP_ENV: "60"})
    try:
        for line in proc.stderr:                    # blocks until the run is inside its transaction
            if TEST_MARKER in line:
                break
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    with sqlite3.connect(db) as con:                # opening rolls the hot journal back
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        after = [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("runs", "findings", "links")]
        assert con.execute("SELECT count(*) FROM runs WHERE superseded_by IS NOT NULL").fetchone()[0] == 0
    assert after == before


def test_review_rejects_a_bad_value_naming_the_row(two_quarters, tmp_path):
    base, _ = two_quarters
    report = tmp_path / "r.xlsx"
    report.write_bytes((base / "2022Q4" / "政务新媒体核查报告_2022Q4.xlsx").read_bytes())
    _fill_review(report, {"咸安应急发布": "同一账号", "咸安健康卫士": "是"})
    db = tmp_path / "r.db"
    proc = cli("review", str(report), "--db", str(db))
    assert proc.returncode == 2
    assert "第 4 行“核实结论”" in proc.stderr and "实际为“是”" in proc.stderr
    assert "第 3 行" not in proc.stderr             # the valid row is not blamed
    assert "Traceback" not in proc.stderr
    assert not db.exists()


def test_init_writes_a_commented_config_that_loads_as_the_defaults(tmp_path):
    from reconcile.workspace import init_quarter

    created = init_quarter(tmp_path / "2023Q2")
    assert [p.name for p in created] == ["reconcile.toml", "README.txt"]
    text = created[0].read_text(encoding="utf-8")
    # every setting documented in docs/settings.md is in the template, commented out
    documented = re.findall(r"^\| `([^`]+)` \|", (ROOT / "docs" / "settings.md").read_text(encoding="utf-8"), re.M)
    assert len(documented) >= 10
    for key in documented:
        if "<" in key:       # columns.<source>.<column>
            assert "# [columns.national]" in text
        else:
            assert f"# {key.split('.')[-1]} =" in text or f"# [{key}]" in text, key
    config = load_config(created[0])
    assert config.link.match_threshold == 0.80 and config.stale_days == 14 and config.checkpoint is None
    uncommented = "\n".join(line[2:] if line.startswith(("# [", "# ")) and ("=" in line or line.startswith("# [")) and "：" not in line
                            else line
                            for line in text.splitlines())
    (tmp_path / "on.toml").write_text(uncommented, encoding="utf-8")
    assert load_config(tmp_path / "on.toml").quarter == "2023Q1"   # every example value is valid
    assert "national" in created[1].read_text(encoding="utf-8-sig")
    with pytest.raises(Exception, match="已存在"):
        init_quarter(tmp_path / "2023Q2")


def test_pair_key_round_trip_and_decisions_upsert(tmp_path):
    import pandas as pd

    from reconcile.history import Decision, load_decisions, store_decisions
    from reconcile.review import pair_keys, parse_pair_key

    view = pd.DataFrame({
        "n_row": [2], "p_row": [3], "c_row": [9], "np_link": ["match"], "c_link": ["review"],
        "n_platform": ["微博"], "n_account_id": [None], "n_name_key": ["平安咸宁"], "n_owner_core": ["公安局"],
        "p_platform": ["微博"], "p_account_id": ["PAXN "], "p_name_key": ["平安咸宁"], "p_owner_core": ["公安局"],
        "c_platform": ["微博"], "c_account_id": [None], "c_name_key": ["平安咸宁发布"], "c_owner_core": [None],
    })
    key = pair_keys(view).iat[0]
    assert key == "全国:微博|平安咸宁|公安局 + 省级:微博|id:paxn ⇄ 采集:微博|平安咸宁发布|"
    sides = parse_pair_key(key)
    assert [[(r.source, r.account_id, r.name) for r in side] for side in sides] == [
        [("national", None, "平安咸宁"), ("provincial", "paxn", "")], [("crawled", None, "平安咸宁发布")]]
    with pytest.raises(ValueError):
        parse_pair_key("平安咸宁")

    db = tmp_path / "h.db"
    assert store_decisions(db, [Decision(key, "same")]) == (1, 0)
    assert store_decisions(db, [Decision(key, "different")]) == (0, 1)   # a later decision replaces it
    assert [d.decision for d in load_decisions(db)] == ["different"]
    with sqlite3.connect(db) as con:
        applied = con.execute("SELECT version FROM schema_migrations").fetchall()
    assert applied == [(1,)]                                            # recorded once, not re-applied


def test_a_newer_database_is_refused(tmp_path):
    from reconcile.errors import ConfigError
    from reconcile.history import Decision, load_decisions, store_decisions

    db = tmp_path / "h.db"
    store_decisions(db, [Decision("全国:微博|id:a ⇄ 采集:微博|id:b", "same")])
    with sqlite3.connect(db) as con:
        con.execute("INSERT INTO schema_migrations VALUES (999, 'future', 'x')")
    with pytest.raises(ConfigError, match="更新版本"):
        load_decisions(db)
    with pytest.raises(ConfigError, match="更新版本"):
        store_decisions(db, [Decision("全国:微博|id:a ⇄ 采集:微博|id:c", "same")])
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM decisions").fetchone() == (1,)
