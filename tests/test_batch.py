"""reconcile.batch.Background and the run's three writes (XLSX, JSON, history): all or none,
with the report written by a forked process or, with RECONCILE_SERIAL (no fork, as on Windows),
in the same process — and the same files either way."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from functools import partial
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from reconcile.batch import SERIAL_ENV, Background, together
from reconcile.errors import OutputError
from reconcile.report.safe import atomic_write

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
needs_fork = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reconcile forks on Linux only")


def _run(out: Path, *extra: str, serial: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, SERIAL_ENV: "1"} if serial else {k: v for k, v in os.environ.items() if k != SERIAL_ENV}
    return subprocess.run([sys.executable, "-m", "reconcile", "run", str(SAMPLE), "--out", str(out / "r.xlsx"),
                           "--json", str(out / "r.json"), "--db", str(out / "h.db"), *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)


def _cells(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    out = {name: [row for row in wb[name].iter_rows(values_only=True)] for name in wb.sheetnames}
    out.pop("说明")   # run start/finish times
    return out


def _json(path: Path) -> dict:
    doc = json.loads(path.read_text(encoding="utf-8"))
    for key in ("started", "finished"):
        doc["run"].pop(key)
    return doc


def test_forked_and_serial_runs_write_the_same_report_json_and_history(tmp_path):
    forked, serial = tmp_path / "fork", tmp_path / "serial"
    forked.mkdir()
    serial.mkdir()
    a, b = _run(forked), _run(serial, serial=True)
    assert a.returncode == b.returncode == 1, a.stderr + b.stderr
    assert _cells(forked / "r.xlsx") == _cells(serial / "r.xlsx")
    assert _json(forked / "r.json") == _json(serial / "r.json")
    counts = []
    for folder in (forked, serial):
        with sqlite3.connect(folder / "h.db") as con:
            counts.append([con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                           for t in ("runs", "findings", "links", "summaries")])
    assert counts[0] == counts[1] and counts[0][0] == 1 and counts[0][1] > 0
    assert sorted(p.name for p in forked.iterdir()) == sorted(p.name for p in serial.iterdir())


@pytest.mark.parametrize("serial", [False, True], ids=["fork", "serial"])
def test_a_report_that_cannot_be_written_leaves_no_json_and_no_history(tmp_path, serial):
    (tmp_path / "r.xlsx").mkdir()   # the report path is taken by a folder
    old_json = '{"old": true}'
    (tmp_path / "r.json").write_text(old_json, encoding="utf-8")
    proc = _run(tmp_path, serial=serial)
    assert proc.returncode == 2
    assert "r.xlsx" in proc.stderr and "Traceback" not in proc.stderr
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == old_json   # the old JSON survives
    assert not (tmp_path / "h.db").exists()                                 # nothing recorded
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "r.xlsx"]   # no temporary files


@pytest.mark.parametrize("serial", [False, True], ids=["fork", "serial"])
def test_a_history_that_cannot_be_written_leaves_no_report(tmp_path, serial):
    db = tmp_path / "h.db"
    db.write_bytes(b"this is not a database" * 100)
    proc = _run(tmp_path, serial=serial)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "h.db" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.db"]


def _slow_report(path: Path) -> None:
    def write(tmp: Path) -> None:
        tmp.write_text("partial", encoding="utf-8")
        time.sleep(30)
    atomic_write(path, write)


@needs_fork
def test_leaving_the_block_early_stops_the_child_which_removes_its_temporary_file(tmp_path, monkeypatch):
    monkeypatch.delenv(SERIAL_ENV, raising=False)
    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt), Background(_slow_report, tmp_path / "r.xlsx"):
        while not list(tmp_path.iterdir()) and time.monotonic() - t0 < 20:   # the child is writing
            time.sleep(0.01)
        assert list(tmp_path.iterdir())
        raise KeyboardInterrupt   # Ctrl-C in the parent
    assert time.monotonic() - t0 < 10   # stopped, not waited for
    assert list(tmp_path.iterdir()) == []


def _fails(path: Path) -> None:
    raise OutputError("无法写入报告", path=path, detail="disk full")


def _killed(path: Path) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@needs_fork
def test_the_childs_error_is_raised_by_wait_with_its_message(tmp_path, monkeypatch):
    monkeypatch.delenv(SERIAL_ENV, raising=False)
    with Background(_fails, tmp_path / "r.xlsx") as job, pytest.raises(OutputError) as err:
        job.wait()
    assert err.value.path == str(tmp_path / "r.xlsx") and err.value.detail == "disk full"
    with Background(_killed, tmp_path / "r.xlsx") as job, pytest.raises(OutputError, match="子进程意外退出"):
        job.wait()


def test_without_fork_the_work_runs_at_once_and_its_error_comes_first(tmp_path, monkeypatch):
    monkeypatch.setenv(SERIAL_ENV, "1")
    with pytest.raises(OutputError, match="无法写入报告"):
        Background(_fails, tmp_path / "r.xlsx")
    marker = tmp_path / "done"
    with Background(marker.write_text, "x") as job:
        assert marker.read_text() == "x"   # already done when the block starts
        job.wait()


@needs_fork
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux only")
def test_the_child_does_not_outlive_a_killed_parent(tmp_path):
    script = textwrap.dedent(f"""
        import os, sys, time
        from pathlib import Path
        sys.path.insert(0, {str(ROOT)!r})
        from tests.test_batch import _slow_report
        from reconcile.batch import Background
        with Background(_slow_report, Path({str(tmp_path / "r.xlsx")!r})) as job:
            print(job._child.pid, flush=True)
            time.sleep(60)
    """)
    env = {k: v for k, v in os.environ.items() if k != SERIAL_ENV}
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    child = int(proc.stdout.readline())
    t0 = time.monotonic()
    while not list(tmp_path.iterdir()) and time.monotonic() - t0 < 20:
        time.sleep(0.01)
    proc.kill()   # kill -9: no chance to stop the child itself
    proc.wait(timeout=10)
    while time.monotonic() - t0 < 10:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        with open(f"/proc/{child}/stat") as fh:
            if fh.read().split(") ")[1].startswith("Z"):   # gone, only a zombie left for init to reap
                break
        time.sleep(0.05)
    else:
        pytest.fail("the report process outlived its parent")
    assert not (tmp_path / "r.xlsx").exists()
    time.sleep(0.2)
    assert list(tmp_path.iterdir()) == []   # it removed its temporary file on the way out


def _fails_with_a_place(path: str) -> None:
    raise OutputError("省级平台导出无法读取", path=path, row=7, column="账号名称")


def _here_fails() -> None:
    raise OutputError("全国系统导出无法读取", path="n.xlsx")


@pytest.mark.parametrize("serial", [False, True], ids=["fork", "serial"])
def test_together_gives_results_and_errors_in_order_in_both_modes(serial, monkeypatch):
    if serial:
        monkeypatch.setenv(SERIAL_ENV, "1")
    else:
        if not sys.platform.startswith("linux"):
            pytest.skip("no fork on this system")
        monkeypatch.delenv(SERIAL_ENV, raising=False)
    here, there, label = together(_pid, _pid, partial(str.upper, "scope"), crashed="崩溃")
    assert here == os.getpid() and label == "SCOPE"
    assert (there == os.getpid()) == serial   # another process unless serial
    with pytest.raises(OutputError) as err:
        together(_pid, partial(_fails_with_a_place, "p.xlsx"), crashed="崩溃")
    assert (err.value.path, err.value.row, err.value.column) == ("p.xlsx", 7, "账号名称")
    with pytest.raises(OutputError) as err:   # both fail: this process's error comes first
        together(_here_fails, partial(_fails_with_a_place, "p.xlsx"), crashed="崩溃")
    assert err.value.path == "n.xlsx"


def _dies() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@needs_fork
def test_a_piece_that_dies_is_reported_in_chinese(monkeypatch):
    monkeypatch.delenv(SERIAL_ENV, raising=False)
    with pytest.raises(OutputError, match="读取省级平台导出的进程意外退出"):
        together(_pid, _dies, crashed="读取省级平台导出的进程意外退出")


@pytest.mark.parametrize("serial", [False, True], ids=["fork", "serial"])
def test_a_broken_provincial_export_is_reported_after_a_broken_national_one(tmp_path, serial):
    """The provincial registry is read in another process (or thread): its errors still come
    second, and alone they name the provincial file, the row and the column."""
    import shutil

    for name in ("national.xlsx", "provincial.xlsx", "crawled.csv"):
        shutil.copy(SAMPLE / name, tmp_path / name)
    (tmp_path / "provincial.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    env = {**os.environ, SERIAL_ENV: "1"} if serial else {k: v for k, v in os.environ.items() if k != SERIAL_ENV}

    def run() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "reconcile", "run", str(tmp_path), "--no-db",
                               "--out", str(tmp_path / "r.xlsx")], cwd=ROOT, capture_output=True, text=True,
                              timeout=120, env=env)

    proc = run()
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "provincial.xlsx" in proc.stderr and "national.xlsx" not in proc.stderr
    (tmp_path / "national.xlsx").write_bytes(b"")
    proc = run()
    assert proc.returncode == 2 and "national.xlsx" in proc.stderr and "provincial.xlsx" not in proc.stderr
    assert not (tmp_path / "r.xlsx").exists()


@pytest.fixture(scope="module")
def sample_result():
    from reconcile.config import load_config
    from reconcile.pipeline import Inputs, run
    from reconcile.sources import discover_inputs

    found = discover_inputs(SAMPLE)
    return run(load_config(SAMPLE / "reconcile.toml"), Inputs(found["national"], found["provincial"], found["crawled"]))


@pytest.mark.parametrize("serial", [False, True], ids=["fork", "serial"])
def test_at_scale_the_links_csv_is_written_here_and_committed_with_the_report(tmp_path, monkeypatch, sample_result,
                                                                              serial):
    """More links than MAX_LINK_ROWS: the CSV beside the report is written by this process while
    the workbook is written by the other, and it appears only if the workbook does."""
    import csv

    import reconcile.report.xlsx as xlsx
    from reconcile.cli import _write_outputs

    if serial:
        monkeypatch.setenv(SERIAL_ENV, "1")
    else:
        monkeypatch.delenv(SERIAL_ENV, raising=False)
    monkeypatch.setattr(xlsx, "MAX_LINK_ROWS", 10)
    n_links = len(sample_result.links)
    assert n_links > 10
    out = tmp_path / "r.xlsx"
    run_id = _write_outputs(sample_result, out, tmp_path / "r.json", tmp_path / "h.db", ())
    assert run_id == 1
    with open(xlsx.links_csv_path(out), encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == n_links + 1 and rows[0][0] == "平台"
    note = openpyxl.load_workbook(out, read_only=True)["关联明细"]
    assert any(f"关联明细共 {n_links} 条" in str(c) for row in note.iter_rows(values_only=True) for c in row)

    failed = tmp_path / "failed"
    failed.mkdir()
    (failed / "r.xlsx").mkdir()   # the workbook cannot be written
    with pytest.raises(OutputError):
        _write_outputs(sample_result, failed / "r.xlsx", failed / "r.json", failed / "h.db", ())
    assert sorted(p.name for p in failed.iterdir()) == ["r.xlsx"]   # no CSV, no JSON, no history, no temporary file


def _pid(_: object = None) -> int:
    return os.getpid()


@needs_fork
def test_when_fork_fails_the_work_runs_here(monkeypatch):
    """No memory or process slots for a child: the run goes on in one process, as on Windows."""
    monkeypatch.delenv(SERIAL_ENV, raising=False)
    with Background(_pid) as job:
        assert job.wait() != os.getpid()

    def no_fork() -> int:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    with Background(_pid) as job:
        assert job.wait() == os.getpid()
    assert together(_pid, _pid, crashed="崩溃") == [os.getpid(), os.getpid()]


def _bug(path: Path) -> None:
    {}["no such key"]


@needs_fork
def test_a_program_error_in_the_child_keeps_its_traceback_for_debug(tmp_path, monkeypatch):
    monkeypatch.delenv(SERIAL_ENV, raising=False)
    with Background(_bug, tmp_path) as job, pytest.raises(KeyError) as err:
        job.wait()
    notes = "\n".join(getattr(err.value, "__notes__", []))
    assert "in the forked helper process" in notes and "_bug" in notes


def test_checks_run_beside_each_other_give_findings_and_notes_in_check_order(monkeypatch):
    """run_checks hands some checks to a second process: the findings, and the notes the checks
    add, come out as if every check had run here in turn (and a note said twice is said once)."""
    from reconcile import checks
    from reconcile.config import load_config
    from reconcile.pipeline import Inputs, run
    from reconcile.sources import discover_inputs

    beside = sorted(checks._BESIDE)[0]
    here = next(c for c in checks.CHECKS if c not in checks._BESIDE)
    real_beside, real_here = checks.CHECKS[beside], checks.CHECKS[here]

    def noted(real, texts):
        def check(ctx):
            for text in texts:
                ctx.note(text)
            return real(ctx)
        return check

    monkeypatch.setitem(checks.CHECKS, beside, noted(real_beside, ["旁路检查的说明", "两处都说的说明"]))
    monkeypatch.setitem(checks.CHECKS, here, noted(real_here, ["本进程检查的说明", "两处都说的说明"]))
    found = discover_inputs(SAMPLE)
    results = {}
    for mode in ("fork", "serial"):
        if mode == "serial":
            monkeypatch.setenv(SERIAL_ENV, "1")
        else:
            monkeypatch.delenv(SERIAL_ENV, raising=False)
        results[mode] = run(load_config(SAMPLE / "reconcile.toml"),
                            Inputs(found["national"], found["provincial"], found["crawled"]))
    fork, serial = results["fork"], results["serial"]
    assert fork.findings == serial.findings and len(fork.findings) > 10
    assert any(f.kind == beside for f in fork.findings)   # the other process's findings came back
    assert fork.notes == serial.notes
    order = list(checks.CHECKS)
    first, second = (("本进程检查的说明", "旁路检查的说明") if order.index(here) < order.index(beside)
                     else ("旁路检查的说明", "本进程检查的说明"))
    assert fork.notes.count("两处都说的说明") == 1
    assert fork.notes.index(first) < fork.notes.index(second)


@needs_fork
def test_the_crawl_normalised_in_two_halves_is_the_crawl_normalised_at_once(monkeypatch):
    """batch.in_halves on the crawl (pipeline._crawl_part: normalised, records of other provinces
    dropped, prepared, unreadable raw values marked): half the rows in a forked child, half here,
    joined in order, equal to one call (frame values, dtypes, index), and so are what the crawl
    filter counts and the 数据问题 lines."""
    from reconcile.batch import in_halves
    from reconcile.frame import normalize_frame
    from reconcile.link.prune import CrawlFilter
    from reconcile.pipeline import _crawl_part, _joined_parts, _place_finder
    from reconcile.regions import RegionResolver
    from reconcile.sources import discover_inputs
    from reconcile.sources.loader import load_source
    from reconcile.sources.quality import column_warnings, warning_lines

    monkeypatch.delenv(SERIAL_ENV, raising=False)
    found = discover_inputs(SAMPLE)
    raw = load_source(found["crawled"], "crawled").frame
    # the sample crawl beside rows of a province neither registry covers (dropped as elsewhere)
    elsewhere = raw.assign(name="石家庄" + raw["name"].astype(str), account_id="hb" + raw["account_id"].astype(str),
                           owner="河北省石家庄市长安区教育局")
    raw = pd.concat([raw, elsewhere], ignore_index=True)
    registries = [normalize_frame(load_source(found[s], s).frame) for s in ("national", "provincial")]
    resolver = RegionResolver(("咸宁市",))
    raw.loc[[1, len(raw) - 2], "followers"] = ["很多", "十万+"]   # one bad value in each half
    frames, filters, lines = [], [], []
    for at_least in (len(raw) + 1, 2):   # one call; then two halves
        crawl_filter = CrawlFilter([r[["account_id", "name_key", "province", "platform"]] for r in registries],
                                   resolver.in_scope)
        fn = partial(_crawl_part, resolver=resolver, crawl_filter=crawl_filter, strip=resolver.strip_normalized,
                     find_places=_place_finder(resolver))
        crawled, elsewhere, bad = in_halves(fn, raw, crashed="x", join=_joined_parts, at_least=at_least)
        frames.append(crawl_filter.kept(raw, crawled, elsewhere))
        filters.append(crawl_filter)
        lines.append(warning_lines(raw, bad))
    pd.testing.assert_frame_equal(frames[0], frames[1])
    assert len(frames[0]) > 10
    assert filters[0].platforms == filters[1].platforms and filters[0].skipped == filters[1].skipped
    assert filters[0].skipped["elsewhere"] > 0
    assert lines[0] == lines[1] == column_warnings(raw)
    assert "有 2 行“粉丝数”不是数字" in lines[0][0] and "很多" in lines[0][0] and "十万+" in lines[0][0]
