"""The CLI end to end, as a clerk runs it, on the shipped sample and on broken input.

sample_data/truth.json (written by bench/generate.py --sample, listed in sample_data/README.md)
holds every planted problem and every true link; the run must report exactly those.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from reconcile.schema import FINDING_KINDS

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reconcile", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    before = {p.name: _sha(p) for p in SAMPLE.iterdir() if p.is_file()}
    proc = cli("run", str(SAMPLE), "--out", str(out / "r.xlsx"), "--json", str(out / "r.json"),
               "--db", str(out / "history.db"))
    after = {p.name: _sha(p) for p in SAMPLE.iterdir() if p.is_file()}
    return proc, out, before, after


def test_sample_exit_code_and_untouched_inputs(sample_run):
    proc, out, before, after = sample_run
    assert (out / "history.db").stat().st_size > 0   # the run is recorded where --db says
    assert proc.returncode == 1, proc.stderr   # ran and found problems
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "读取导出文件" not in proc.stderr     # stage progress only on a terminal
    assert before == after                      # inputs byte-identical, nothing added beside them


def test_sample_reports_exactly_the_planted_problems(sample_run):
    _, out, _, _ = sample_run
    result = json.loads((out / "r.json").read_text(encoding="utf-8"))
    truth = json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))

    def key(f):
        return (f["kind"], f.get("field"), frozenset((r["source"], r["row"]) for r in f["records"]))

    # the truth covers every finding kind reconcile reports: compare all of them
    assert set(truth["kinds"]) == set(FINDING_KINDS)
    got = result["findings"]
    assert sorted(map(key, got), key=str) == sorted(map(key, truth["findings"]), key=str)


def test_sample_links_equal_the_truth(sample_run):
    _, out, _, _ = sample_run
    result = json.loads((out / "r.json").read_text(encoding="utf-8"))
    truth = json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))

    def pairs(rows):
        got = set()
        for r in rows:
            n, p, c = r.get("national_row"), r.get("provincial_row"), r.get("crawled_row")
            got |= {(k, a, b) for k, a, b in (("np", n, p), ("nc", n, c), ("pc", p, c)) if a and b}
        return got

    assert pairs(x for x in result["links"] if x["status"] == "match") == pairs(truth["accounts"])


def test_sample_json_follows_the_contract(sample_run):
    _, out, _, _ = sample_run
    result = json.loads((out / "r.json").read_text(encoding="utf-8"))
    assert result["version"] == 1
    assert {"version", "run", "summary", "findings", "links"} <= set(result)
    run = result["run"]
    assert run["checkpoint"] == "2022-11-13" and run["quarter"] == "2022Q4"
    assert [i["source"] for i in run["inputs"]] == ["national", "provincial", "crawled", "manual"]
    for i in run["inputs"]:
        assert len(i["sha256"]) == 64 and i["rows"] > 0
    for s in result["summary"]:
        assert set(s) == {"region", "total", "checked", "failed", "pass_rate"}
    assert result["summary"][0]["region"] == "市直"
    for f in result["findings"]:
        assert {"kind", "label", "fails", "platform", "name", "owner", "region", "detail", "records",
                "confidence"} <= set(f)
        assert f["records"] and all(set(r) == {"source", "row"} for r in f["records"])
    for link in result["links"]:
        assert set(link) == {"national_row", "provincial_row", "crawled_row", "score", "status"}
        assert link["status"] in ("match", "review")


def test_sample_xlsx_report(sample_run):
    _, out, _, _ = sample_run
    wb = openpyxl.load_workbook(out / "r.xlsx")
    for name in ("总体情况", "问题清单", "待人工核实", "关联明细", "说明"):
        assert name in wb.sheetnames
    issues = wb["问题清单"]
    assert issues.freeze_panes is not None and issues.auto_filter.ref
    labels = {row[1] for row in issues.iter_rows(min_row=2, values_only=True)}
    assert {"瞒报漏报", "备案类型错误", "已注销未在系统注销", "备案数据不一致"} <= labels


def test_exit_zero_and_version(tmp_path):
    proc = cli("run", str(SAMPLE), "--out", str(tmp_path / "r.xlsx"), "--exit-zero", "--quiet", "--no-db")
    assert proc.returncode == 0 and proc.stdout == ""
    assert cli("--version").stdout.startswith("reconcile ")


def test_missing_column_is_a_clear_error(tmp_path):
    (tmp_path / "national.csv").write_text("序号,主办单位\n1,咸宁市公安局\n", encoding="utf-8")
    for name in ("provincial.xlsx", "crawled.csv"):
        (tmp_path / name).write_bytes((SAMPLE / name).read_bytes())
    proc = cli("run", str(tmp_path), "--out", str(tmp_path / "r.xlsx"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "national.csv" in proc.stderr and "政务新媒体名称" in proc.stderr
    assert not (tmp_path / "r.xlsx").exists()


def test_missing_input_folder_and_bad_checkpoint(tmp_path):
    proc = cli("run", str(tmp_path / "nope"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    proc = cli("run", str(SAMPLE), "--checkpoint", "2022-02-30", "--out", str(tmp_path / "r.xlsx"), "--no-db")
    assert proc.returncode == 2 and "监测点" in proc.stderr and not (tmp_path / "r.xlsx").exists()
