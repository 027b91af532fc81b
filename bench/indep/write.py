"""Writers: registry XLSX (openpyxl write_only), crawled CSV (utf-8-sig), reconcile.toml, truth.json."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell


def write_xlsx(path: Path, titles: list[str], header: list[str], rows: list[list], sheet: str) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    for t in titles:
        ws.append([t])
    ws.append(header)
    for row in rows:
        out = []
        for v in row:
            if isinstance(v, dt.datetime):
                c = WriteOnlyCell(ws, value=v)
                c.number_format = "yyyy-mm-dd" if v.hour == 0 else "yyyy/m/d h:mm"
                out.append(c)
            else:
                out.append(v)
        ws.append(out)
    wb.save(path)


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def write_toml(path: Path, checkpoint: str, scope: list[str], complete: list[str]) -> None:
    q = ", ".join(f'"{p}"' for p in complete)
    s = ", ".join(f'"{p}"' for p in scope)
    path.write_text(f'checkpoint = "{checkpoint}"\nscope = [{s}]\n\n[checks]\nstale_days = 14\n'
                    f"zombie_days = 90\ncomplete_platforms = [{q}]\n", encoding="utf-8")


def write_truth(path: Path, head: dict, accounts: list[dict], findings: list[dict], summary: list[dict],
                totals: dict) -> None:
    """One account or finding per line, so a million crawled rows stay quick to write and diff."""
    def dump(o):
        return json.dumps(o, ensure_ascii=False, separators=(",", ":"))
    with path.open("w", encoding="utf-8") as fh:
        fh.write("{\n")
        for k, v in head.items():
            fh.write(f"{dump(k)}:{dump(v)},\n")
        for key, items in (("accounts", accounts), ("findings", findings), ("summary", summary)):
            fh.write(f'"{key}":[\n')
            fh.write(",\n".join(dump(x) for x in items))
            fh.write("\n],\n")
        fh.write(f'"totals":{dump(totals)}\n}}\n')
