"""Regenerate the pictures of the report used in docs/使用指南.md.

    python bench/make_doc_images.py [--out docs/images]

Runs ``reconcile run`` on sample_data/ (no history), keeps one sheet of the report per picture,
converts it to PDF with LibreOffice headless and the first page to PNG with pdftoppm, then
crops the white margin (found on a PPM rendering, so no imaging library is needed). The 待人工核实 picture comes from a second run with a stricter
match_threshold, so that the sample has doubtful links to show. Needs ``soffice`` and
``pdftoppm`` on PATH.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"

# (picture file name, sheet name, run: "plain" or "strict", rows kept)
PICTURES = (
    ("01_总体情况.png", "总体情况", "plain", 30),
    ("02_问题清单.png", "问题清单", "plain", 14),
    ("03_不合格账号.png", "不合格账号", "plain", 16),
    ("04_待人工核实.png", "待人工核实", "strict", 10),
)
STRICT_TOML = 'checkpoint = "2022-11-13"\nquarter = "2022Q4"\nscope = ["咸宁市"]\n\n[link]\nmatch_threshold = 0.97\n'
MAX_BYTES = 150_000
DPI = 80


def content_box(ppm: Path) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the non-white pixels of a binary PPM (P6) file."""
    data = ppm.read_bytes()
    head = re.match(rb"P6\s+(\d+)\s+(\d+)\s+\d+\s", data)
    if head is None:
        raise SystemExit(f"{ppm}: not a binary PPM file")
    width, height, pixels = int(head.group(1)), int(head.group(2)), data[head.end():]
    row_len = width * 3
    white = b"\xff" * row_len
    rows = [y for y in range(height) if pixels[y * row_len:(y + 1) * row_len] != white]
    if not rows:
        return 0, 0, width, height
    left, right = width, 0
    for y in rows:
        line = pixels[y * row_len:(y + 1) * row_len]
        stripped = line.strip(b"\xff")
        if not stripped:
            continue
        start = (len(line) - len(line.lstrip(b"\xff"))) // 3
        end = (len(line.rstrip(b"\xff")) + 2) // 3
        left, right = min(left, start), max(right, end)
    return left, rows[0], right, rows[-1] + 1


def run_report(work: Path, strict: bool) -> Path:
    folder = work / ("strict" if strict else "plain")
    shutil.copytree(SAMPLE, folder)
    if strict:
        (folder / "reconcile.toml").write_text(STRICT_TOML, encoding="utf-8")
    out = folder / "report.xlsx"
    subprocess.run([sys.executable, "-m", "reconcile", "run", str(folder), "--out", str(out), "--no-db",
                    "--quiet", "--exit-zero"], check=True)
    return out


def one_sheet(report: Path, sheet: str, dest: Path, max_rows: int = 30) -> Path:
    wb = openpyxl.load_workbook(report)
    for ws in list(wb.worksheets):
        if ws.title != sheet:
            wb.remove(ws)
    ws = wb[sheet]
    if ws.max_row > max_rows:
        ws.delete_rows(max_rows + 1, ws.max_row - max_rows)
    ws._charts = []  # the chart would be cut by the page; the table is what the guide shows
    for hf in (ws.oddHeader, ws.oddFooter, ws.evenHeader, ws.evenFooter):
        for part in (hf.left, hf.center, hf.right):
            part.text = None
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.save(dest)
    return dest


def to_png(xlsx: Path, png: Path) -> None:
    outdir = xlsx.parent
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(outdir), str(xlsx)],
                   check=True, capture_output=True)
    pdf = xlsx.with_suffix(".pdf")
    stem = outdir / (xlsx.stem + "_page")
    page = ["-r", str(DPI), "-f", "1", "-l", "1", "-singlefile"]
    subprocess.run(["pdftoppm", *page, str(pdf), str(stem)], check=True)
    x0, y0, x1, y1 = content_box(stem.with_suffix(".ppm"))
    crop = ["-x", str(max(x0 - 12, 0)), "-y", str(max(y0 - 12, 0)), "-W", str(x1 - x0 + 24), "-H", str(y1 - y0 + 24)]
    subprocess.run(["pdftoppm", "-png", *page, *crop, str(pdf), str(png.with_suffix(""))], check=True)
    if png.stat().st_size > MAX_BYTES:
        raise SystemExit(f"{png} is {png.stat().st_size} bytes (> {MAX_BYTES})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        reports = {"plain": run_report(work, False), "strict": run_report(work, True)}
        for i, (name, sheet, which, rows) in enumerate(PICTURES):
            xlsx = one_sheet(reports[which], sheet, work / f"sheet{i}.xlsx", rows)
            to_png(xlsx, args.out / name)
            print(f"{args.out / name}: {(args.out / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
