"""`reconcile notice`: the Word draft of the quarterly 通报, checked as a user would.

The sample quarter is run twice through the CLI (as 2022Q3, then 2022Q4, both into one
history), the notice is written from the 2022Q4 JSON, then read back with python-docx and
converted to PDF with LibreOffice.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt
from typer.testing import CliRunner

from reconcile.cli import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
TITLE = "关于2022年第四季度全市政府系统政务新媒体检查情况的通报"
runner = CliRunner()


def _cli(*args: str) -> Any:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    return result


@pytest.fixture(scope="module")
def quarter(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("notice")
    db = base / "hist" / "reconcile.db"
    db.parent.mkdir()
    q3 = _cli("run", str(SAMPLE), "--quarter", "2022Q3", "--db", str(db), "--out", str(base / "q3.xlsx"),
              "--exit-zero", "-q")
    assert q3.exit_code == 0, q3.output
    # Make last quarter's 总计 合格率 0.46 points lower than this quarter's (same data otherwise).
    with sqlite3.connect(db) as con:
        con.execute("UPDATE summaries SET pass_rate = pass_rate - 0.46 WHERE is_total = 1")
    folder = base / "2022Q4"
    folder.mkdir()
    q4 = _cli("run", str(SAMPLE), "--db", str(db), "--json", str(folder / "result.json"),
              "--out", str(folder / "r.xlsx"), "--exit-zero", "-q")
    assert q4.exit_code == 0, q4.output
    data = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    out = folder / "notice.docx"
    made = _cli("notice", "--json", str(folder / "result.json"), "--db", str(db), "--out", str(out))
    assert made.exit_code == 0, made.output
    return {"base": base, "db": db, "folder": folder, "json": folder / "result.json", "data": data,
            "docx": out, "doc": docx.Document(str(out))}


def _texts(doc: Any) -> list[str]:
    return [p.text.replace("\n", "") for p in doc.paragraphs]   # the title has a line break


def _cells(table: Any) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_title_and_overall_numbers_are_the_results(quarter: dict[str, Any]) -> None:
    doc, totals = quarter["doc"], quarter["data"]["totals"]
    texts = _texts(doc)
    assert texts[0] == TITLE
    i = texts.index("一、总体情况")
    overall = texts[i + 1]
    rate = f"{totals['pass_rate']:.2f}%"   # sample_data: decimals = 2, trailing zeros kept
    assert f"纳入管理的{totals['total']}个政务新媒体" in overall
    assert f"抽查政务新媒体{totals['checked']}个" in overall
    assert f"存在突出问题的账号{totals['failed']}个" in overall
    assert f"总体合格率{rate}" in overall
    assert "2022年11月13日" in overall                         # the checkpoint of sample_data/reconcile.toml
    assert "相较于第三季度合格率提升了0.46个百分点" in overall   # from the history


def test_recheck_sentence_names_what_is_still_open(quarter: dict[str, Any]) -> None:
    recheck = quarter["data"]["recheck"]
    still = [r for r in recheck if r["status"] == "仍未整改"]
    assert still, "the same data two quarters running leaves problems open"
    text = next(t for t in _texts(quarter["doc"]) if t.startswith("对第三季度通报发现的"))
    earlier = [r for r in recheck if r["status"] != "新发现"]
    assert f"发现的{len(earlier)}个问题进行了复查" in text
    assert f"等{len(still)}个问题仍未按要求完成整改" in text
    assert f"“{still[0]['name']}”" in text


def test_one_paragraph_per_finding_kind_with_examples(quarter: dict[str, Any]) -> None:
    findings = quarter["data"]["findings"]
    texts = _texts(quarter["doc"])
    problems = texts[texts.index("二、存在问题") + 1:texts.index("三、下一步工作要求")]
    kinds = {f["kind"] for f in findings}
    assert len(problems) == len(kinds)
    assert [p[:3] for p in problems[:3]] == ["（一）", "（二）", "（三）"]
    for kind in kinds:
        of_kind = [f for f in findings if f["kind"] == kind]
        accounts = {(f["platform"], f["name"], f["owner"]) for f in of_kind}
        para = next(p for p in problems if f"“{of_kind[0]['name']}”" in p and f"{len(accounts)}个" in p)
        assert re.search(r"如.+“[^”]+”.*等。$", para), para
        assert len(re.findall("“", para.split("如", 1)[1])) <= 3     # at most three examples
    # failing kinds (those that make the 合格率) come first, each under the template's heading
    from reconcile.report.notice import load_template

    headings = {block["heading"]: kind for kind, block in load_template()["kinds"].items()}
    order = [headings[p.split("）", 1)[1].split("。", 1)[0]] for p in problems]
    assert set(order) == kinds
    fails = [any(f["fails"] for f in findings if f["kind"] == k) for k in order]
    assert fails == sorted(fails, reverse=True) and fails[0]


def test_requirements_come_from_the_template(quarter: dict[str, Any]) -> None:
    texts = _texts(quarter["doc"])
    reqs = texts[texts.index("三、下一步工作要求") + 1:]
    assert reqs[0].startswith("（一）加强账号清理整合力度。")


def test_attachment_tables_hold_the_result(quarter: dict[str, Any]) -> None:
    doc, data = quarter["doc"], quarter["data"]
    t1, t2 = doc.tables
    rows1 = _cells(t1)
    assert rows1[0] == ["序号", "地区", "政务新媒体总数", "抽查政务新媒体数", "存在突出问题的政务新媒体数", "账号合格率"]
    assert len(rows1) == 1 + len(data["summary"]) + 1
    assert [r[1] for r in rows1[1:-1]] == [s["region"] for s in data["summary"]]
    assert [int(r[4]) for r in rows1[1:-1]] == [s["failed"] for s in data["summary"]]
    t = data["totals"]
    assert rows1[-1][0] == "总计"
    assert [int(v) for v in rows1[-1][2:5]] == [t["total"], t["checked"], t["failed"]]
    assert [r[5] for r in rows1[1:]] == [f"{s['pass_rate']:.2f}%" for s in [*data["summary"], t]]
    rows2 = _cells(t2)
    assert rows2[0] == ["序号", "存在的突出问题", "所属地区", "新媒体类型", "政务新媒体名称", "认证信息/主办单位"]
    failing = [f for f in data["findings"] if f["fails"]]
    assert len(rows2) == 1 + len(failing)
    assert sorted(r[4] for r in rows2[1:]) == sorted(f["name"] for f in failing)
    texts = _texts(doc)
    assert "附件1" in texts and "附件2" in texts


def test_official_layout_and_fonts(quarter: dict[str, Any]) -> None:
    doc = quarter["doc"]
    sec = doc.sections[0]
    assert (round(sec.page_width.cm, 1), round(sec.page_height.cm, 1)) == (21.0, 29.7)
    assert [round(m.cm, 1) for m in (sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin)] \
        == [3.7, 3.5, 2.8, 2.6]

    def fonts(paragraph: Any) -> tuple[str | None, str | None, Any]:
        run = paragraph.runs[0]
        rf = run._element.rPr.find(qn("w:rFonts"))
        return rf.get(qn("w:eastAsia")), rf.get(qn("w:ascii")), run.font.size

    paras = {p.text.replace("\n", ""): p for p in doc.paragraphs}
    assert fonts(paras[TITLE])[:2] == ("方正小标宋简体", "方正小标宋简体")
    assert fonts(paras["一、总体情况"]) == ("黑体", "黑体", Pt(16))
    body = next(p for p in doc.paragraphs if p.text.startswith("本次检查"))
    assert fonts(body) == ("仿宋_GB2312", "仿宋_GB2312", Pt(16))
    sub = next(p for p in doc.paragraphs if p.text.startswith("（一）"))
    assert fonts(sub)[:2] == ("楷体_GB2312", "楷体_GB2312")
    assert round(doc.tables[0].columns[0].width.cm, 2) == 1.3


def test_without_history_the_comparison_is_left_out(quarter: dict[str, Any], tmp_path: Path) -> None:
    folder = tmp_path / "q"
    folder.mkdir()
    shutil.copy(quarter["json"], folder / "result.json")
    made = _cli("notice", "--json", str(folder / "result.json"), "--area", "湖北省")
    assert made.exit_code == 0, made.output
    out = folder / "关于2022年第四季度政务新媒体检查情况的通报.docx"   # default name beside the JSON
    texts = _texts(docx.Document(str(out)))
    assert texts[0] == "关于2022年第四季度全省政府系统政务新媒体检查情况的通报"
    overall = texts[texts.index("一、总体情况") + 1]
    assert "相较于" not in overall and "持平" not in overall
    assert "未写合格率比较" in made.output


def test_a_users_template_replaces_the_requirements(quarter: dict[str, Any], tmp_path: Path) -> None:
    tpl = tmp_path / "my.toml"
    tpl.write_text('[[requirements]]\nheading = "压实主体责任"\ntext = "{area}各单位要于月底前整改。"\n',
                   encoding="utf-8")
    out = tmp_path / "n.docx"
    made = _cli("notice", "--json", str(quarter["json"]), "--template", str(tpl), "--out", str(out),
                "--db", str(quarter["db"]))
    assert made.exit_code == 0, made.output
    texts = _texts(docx.Document(str(out)))
    reqs = texts[texts.index("三、下一步工作要求") + 1:]
    assert reqs[0] == "（一）压实主体责任。咸宁市各单位要于月底前整改。"
    assert not any(t.startswith("（二）") for t in reqs[:2])


@pytest.mark.parametrize("content,message", [
    ("not json", "无法读取核查结果 JSON"),
    ('{"version": 1}', "缺少：run"),
])
def test_bad_json_is_one_clear_line(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    proc = subprocess.run(["python", "-m", "reconcile", "notice", "--json", str(bad)], capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_unknown_template_placeholder_is_a_config_error(quarter: dict[str, Any], tmp_path: Path) -> None:
    from reconcile.errors import ConfigError
    from reconcile.report.notice import load_template

    tpl = tmp_path / "t.toml"
    tpl.write_text('closing = "请于{deadline}前报送。"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="deadline"):
        load_template(tpl)


def test_the_pdf_shows_title_and_attachments(quarter: dict[str, Any], tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) or pdftotext is not installed")
    profile = (tmp_path / "lo-profile").as_uri()
    proc = subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(quarter["docx"])], capture_output=True, text=True,
                          timeout=180)
    pdf = tmp_path / "notice.pdf"
    if not pdf.exists() and "could not be loaded" in proc.stderr:
        pytest.skip("this LibreOffice has no Writer (install libreoffice-writer)")
    assert pdf.exists(), proc.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert TITLE in flat
    assert "附件1" in flat and "附件2" in flat
    assert "政务新媒体检查总体情况表" in flat
    assert "检查发现存在突出问题的政务新媒体" in flat
    t = quarter["data"]["totals"]
    assert re.search(rf"总计\s+{t['total']}\s+{t['checked']}\s+{t['failed']}\s", text)   # 附件1's last row


def test_a_kind_without_named_accounts_has_no_example_sentence(quarter: dict[str, Any]) -> None:
    from reconcile.report.notice import build_notice, load_template

    data = json.loads(quarter["json"].read_text(encoding="utf-8"))
    data["findings"] = [{**f, "name": None} if f["kind"] == "zombie" else f for f in data["findings"]]
    texts = _texts(build_notice(data, load_template()))
    zombie = next(t for t in texts if "长期未更新" in t and t.startswith("（"))
    assert zombie.endswith("问题。") and "如" not in zombie.split("。", 1)[1]
    assert "“" in next(t for t in texts if t.startswith("（一）"))   # the others keep their examples


def test_a_template_block_without_text_is_a_config_error(tmp_path: Path) -> None:
    from reconcile.errors import ConfigError
    from reconcile.report.notice import load_template

    tpl = tmp_path / "t.toml"
    tpl.write_text('[kinds.stale]\nheading = "更新不及时"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="heading 和 text"):
        load_template(tpl)
