"""Builders for the malformed-input corpus: a small valid quarter folder, and spreadsheet files
written byte by byte (xlsx parts with zipfile, an OLE compound file) so that every oddity a
real export has can be produced exactly and fast.

Reading inputs never uses openpyxl; writing test files with it would hide what we test
(openpyxl cannot write cached formula values, entity declarations or 16k columns quickly).
"""

from __future__ import annotations

import csv
import io
import struct
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

NATIONAL_HEADER = ["政务新媒体名称", "新媒体类型", "账号类型", "账号ID", "主办单位", "所属地区", "运营状态", "开设时间"]
NATIONAL_ROWS = [
    ["咸宁发布", "微信公众号", "订阅号", "xnfb", "咸宁市人民政府办公室", "咸宁市", "正常运营", "2019-01-02"],
    ["平安咸宁", "微博", "", "pingan_xn", "咸宁市公安局", "咸宁市", "正常运营", "2018-03-04"],
    ["咸宁交通", "微信公众号", "服务号", "xnjt", "咸宁市交通运输局", "咸宁市", "正常运营", "2020-05-06"],
    ["通山公安", "抖音", "", "tsga01", "通山县公安局", "通山县", "正常运营", "2021-07-08"],
]
CRAWLED_HEADER = ["账号名称", "平台", "账号类型", "账号ID", "认证主体", "认证类型", "账号状态", "最近发布时间", "粉丝数"]
CRAWLED_ROWS = [
    ["咸宁发布", "微信公众号", "订阅号", "xnfb", "咸宁市人民政府办公室", "政府机构认证", "正常", "2022-11-10", "1.2万"],
    ["平安咸宁", "微博", "", "pingan_xn", "咸宁市公安局", "政府机构认证", "正常", "2022-11-11", "3000"],
    ["咸宁交通", "微信公众号", "服务号", "xnjt", "咸宁市交通运输局", "政府机构认证", "正常", "2022-11-01", "100"],
    ["通山公安", "抖音", "", "tsga01", "通山县公安局", "政府机构认证", "正常", "2022-11-12", "50"],
]
CONFIG = 'checkpoint = "2022-11-13"\nquarter = "2022Q4"\nscope = ["咸宁市"]\n'


def national() -> list[list[str]]:
    return [NATIONAL_HEADER[:]] + [r[:] for r in NATIONAL_ROWS]


def crawled() -> list[list[str]]:
    return [CRAWLED_HEADER[:]] + [r[:] for r in CRAWLED_ROWS]


def csv_text(rows: Sequence[Sequence[object]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def write_quarter(folder: Path) -> dict[str, Path]:
    """A clean quarter folder (national.csv, provincial.csv, crawled.csv, reconcile.toml): the
    three agree on every account, so a run on it finds nothing and warns about nothing."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {s: folder / f"{s}.csv" for s in ("national", "provincial", "crawled")}
    paths["national"].write_text(csv_text(national()), encoding="utf-8")
    paths["provincial"].write_text(csv_text(national()), encoding="utf-8")
    paths["crawled"].write_text(csv_text(crawled()), encoding="utf-8")
    (folder / "reconcile.toml").write_text(CONFIG, encoding="utf-8")
    return paths


# --- xlsx written by hand ---------------------------------------------------------------------

@dataclass
class Sheet:
    name: str
    rows: Sequence[Sequence[object]]           # values: str (inline string), int/float, None
    merged: Sequence[str] = ()                  # "A1:C1"
    hidden_rows: Sequence[int] = ()             # 1-based
    hidden_cols: Sequence[int] = ()             # 1-based
    formulas: dict[str, tuple[str, object]] = field(default_factory=dict)  # "B2" -> (formula, cached)
    state: str = "visible"                      # visible | hidden
    doctype: str = ""                           # inserted before <worksheet> (entity declarations)


def col_letter(n: int) -> str:
    """1 -> A, 27 -> AA, 16384 -> XFD."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _cell(ref: str, value: object, formula: tuple[str, object] | None) -> str:
    if formula is not None:
        f, cached = formula
        if isinstance(cached, str):
            return f'<c r="{ref}" t="str"><f>{escape(f)}</f><v>{escape(cached)}</v></c>'
        return f'<c r="{ref}"><f>{escape(f)}</f><v>{cached}</v></c>'
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def sheet_xml(sheet: Sheet) -> str:
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', sheet.doctype,
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">']
    if sheet.hidden_cols:
        parts.append("<cols>" + "".join(f'<col min="{c}" max="{c}" hidden="1" width="0"/>' for c in sheet.hidden_cols)
                     + "</cols>")
    parts.append("<sheetData>")
    hidden = set(sheet.hidden_rows)
    for i, row in enumerate(sheet.rows, start=1):
        cells = "".join(_cell(f"{col_letter(j)}{i}", v, sheet.formulas.get(f"{col_letter(j)}{i}"))
                        for j, v in enumerate(row, start=1))
        if not cells and i not in hidden:
            continue   # Excel writes no element for an empty row
        attr = ' hidden="1"' if i in hidden else ""
        parts.append(f'<row r="{i}"{attr}>{cells}</row>')
    parts.append("</sheetData>")
    if sheet.merged:
        parts.append(f'<mergeCells count="{len(sheet.merged)}">'
                     + "".join(f'<mergeCell ref="{m}"/>' for m in sheet.merged) + "</mergeCells>")
    parts.append("</worksheet>")
    return "".join(parts)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ws_type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for i in range(1, len(sheets) + 1))
            + "</Types>"))
        z.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{ns}" xmlns:r="{rel_ns}">'
            "<sheets>" + "".join(
                f'<sheet name="{escape(s.name)}" sheetId="{i}" r:id="rId{i}"'
                + (f' state="{s.state}"' if s.state != "visible" else "") + "/>"
                for i, s in enumerate(sheets, start=1)) + "</sheets></workbook>"))
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="{ws_type}" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, len(sheets) + 1))
            + "</Relationships>"))
        for i, s in enumerate(sheets, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", sheet_xml(s).encode("utf-8", "surrogatepass"))
    return buf.getvalue()


def entity_bomb_doctype(levels: int = 10, fan: int = 10) -> str:
    """The "billion laughs": &lol9; expands to fan**levels copies of "lol"."""
    ents = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * fan}">' for i in range(1, levels)]
    return "<!DOCTYPE worksheet [" + "".join(ents) + "]>"


# --- an encrypted workbook: OLE compound file with an EncryptedPackage stream ----------------

def encrypted_workbook() -> bytes:
    """A minimal compound file (MS-CFB v3, 512-byte sectors) with the two streams Office writes
    for a password-protected .xlsx: EncryptionInfo and EncryptedPackage (contents random)."""
    sector = 512
    free, end_chain, fat_sect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    info = b"\x04\x00\x04\x00\x40\x00\x00\x00" + b"<encryption/>".ljust(4096 - 8, b" ")  # 8 sectors
    package = struct.pack("<Q", 12345) + bytes(range(256)) * 16                       # 9 sectors (4104)

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00" if name else b""
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", left, right, child) + b"\x00" * 16 + b"\x00" * 4
                + b"\x00" * 16 + struct.pack("<IQ", start, size) if name else b"\x00" * 128)

    n_info = -(-len(info) // sector)
    n_pkg = -(-len(package) // sector)
    # sector 0: FAT, 1: directory, then the streams (>= 4096 bytes: regular sectors, no mini FAT)
    info_start, pkg_start = 2, 2 + n_info
    fat = [fat_sect, end_chain]
    fat += [info_start + i + 1 for i in range(n_info - 1)] + [end_chain]
    fat += [pkg_start + i + 1 for i in range(n_pkg - 1)] + [end_chain]
    fat += [free] * (sector // 4 - len(fat))
    nostream = 0xFFFFFFFF
    directory = (entry("Root Entry", 5, nostream, nostream, 1, end_chain, 0)
                 + entry("EncryptionInfo", 2, nostream, 2, nostream, info_start, len(info))
                 + entry("EncryptedPackage", 2, nostream, nostream, nostream, pkg_start, len(package))
                 + entry("", 0, 0, 0, 0, 0, 0))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIII", 0, 1, 1, 0, 4096, end_chain, 0, end_chain) + struct.pack("<I", 0)
              + struct.pack("<109I", *([0] + [free] * 108)))
    body = struct.pack(f"<{sector // 4}I", *fat) + directory
    body += info.ljust(n_info * sector, b"\x00") + package.ljust(n_pkg * sector, b"\x00")
    return header.ljust(sector, b"\x00") + body
