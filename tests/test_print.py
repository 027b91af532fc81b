"""The XLSX report prints the way a clerk needs it: every sheet A4 landscape, fit to width, header
rows repeated on each page, the 附件1 title above the table.

The page setup is checked in the workbook itself; then the workbook is converted to PDF with
LibreOffice headless, as a user would print it, and the pages are read back with poppler's
pdftotext (skipped, with the reason, when LibreOffice or poppler is not installed: .ci/run
installs them).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from reconcile.config import Config
from reconcile.pipeline import Inputs, run
from reconcile.report.xlsx import write_xlsx

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
A4_LANDSCAPE = (842, 595)   # points, rounded


@pytest.fixture(scope="module")
def sample_result():
    inputs = Inputs(SAMPLE / "national.xlsx", SAMPLE / "provincial.xlsx", SAMPLE / "crawled.csv")
    config = Config(scope=("咸宁市",), checkpoint=dt.date(2022, 11, 13), quarter="2022Q4")
    return run(config, inputs)


@pytest.fixture(scope="module")
def report(sample_result, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("print") / "report.xlsx"
    write_xlsx(sample_result, path)
    return path


def test_every_sheet_is_set_up_for_printing(report):
    wb = openpyxl.load_workbook(report)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert str(ws.page_setup.paperSize) == "9", ws.title          # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth == 1, ws.title
        assert ws.print_title_rows, ws.title                           # header rows repeat
        assert ws.freeze_panes, ws.title
    summary = wb["总体情况"]
    assert summary["A1"].value == "政务新媒体检查总体情况表（2022年第四季度）"
    assert summary.print_title_rows == "$1:$3"
    findings = wb["问题清单"]
    assert findings["A1"].value == "检查发现存在突出问题的政务新媒体（2022年第四季度）"
    assert findings.print_title_rows == "$1:$2"


def test_summary_has_a_bar_chart_of_pass_rates(report):
    """openpyxl does not read charts back: look in the package for the chart and its data."""
    with zipfile.ZipFile(report) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = z.read(charts[0]).decode("utf-8")
    assert "<barChart>" in xml
    assert '<plotVisOnly val="0"' in xml      # plot the hidden cells (else the printed chart is empty)
    assert "'总体情况'!$H$" in xml and "'总体情况'!$I$" in xml     # regions and numeric 合格率 (hidden H:I)
    ws = openpyxl.load_workbook(report)["总体情况"]
    assert ws.column_dimensions["H"].hidden and ws.column_dimensions["I"].hidden
    regions = [r[7] for r in ws.iter_rows(min_row=4, values_only=True) if len(r) > 8 and isinstance(r[8], float | int)]
    assert regions[:2] == ["市直", "咸安区"] and len(regions) == 7


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


needs_office = pytest.mark.skipif(
    _soffice() is None or shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
    reason="LibreOffice (soffice) and poppler-utils (pdftotext, pdfinfo) are needed to print to PDF; "
           "install: apt-get install libreoffice-calc poppler-utils fonts-noto-cjk")


@pytest.fixture(scope="module")
def pdf(report: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    office = _soffice()
    assert office
    out = tmp_path_factory.mktemp("pdf")
    profile = tmp_path_factory.mktemp("lo-profile")   # a private profile: parallel runs do not clash
    proc = subprocess.run(
        [office, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), str(report)], capture_output=True, text=True, timeout=240)
    path = out / "report.pdf"
    assert path.exists(), proc.stderr + proc.stdout
    return path


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          timeout=60, check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


@needs_office
def test_pdf_pages_are_a4_landscape_with_headers_on_each_page(pdf, sample_result):
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True,
                          timeout=60, check=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    assert sizes
    assert {(round(float(w)), round(float(h))) for w, h in sizes} == {A4_LANDSCAPE}

    pages = _pages(pdf)
    assert len(pages) == len(sizes)
    first = pages[0]
    assert "政务新媒体检查总体情况表（2022年第四季度）" in first
    assert "存在突出问题的政务新媒体数" in first and "总计" in first and "各平台政务新媒体合格率" in first
    total = f"{sample_result.totals.pass_rate:.2f}%"
    assert total in first                            # the sample's 总计 合格率, as configured (2 decimals)
    city = sample_result.summary[0]
    assert city.region == "市直"
    label = f"{city.pass_rate:g}".replace(".", r"\.")
    assert re.search(label + r"(?![\d%])", first)    # the chart's data label for 市直 (no % sign)
    # 问题清单 runs over several pages, each with the title and the header row repeated
    listing = [p for p in pages if "检查发现存在突出问题的政务新媒体" in p]
    assert len(listing) >= 2
    assert all("存在的突出问题" in p and "认证信息/主办单位" in p for p in listing)
    # every page starts with its sheet's repeated title/header rows
    for p in pages:
        top = "\n".join([line for line in p.splitlines() if line.strip()][:3])
        assert any(h in top for h in ("序号", "平台", "项目", "说明：")), top
    # nothing is cut at the right edge: the last column's header is on the page
    assert all("来源" in p for p in listing)
