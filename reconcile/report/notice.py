"""The Word (.docx) draft of the quarterly 通报, built from the JSON of ``reconcile run --json``.

Layout follows the official-document conventions (GB/T 9704): A4 portrait, margins 上3.7 下3.5
左2.8 右2.6 cm, title in 方正小标宋简体 二号, body 仿宋_GB2312 三号 (16 pt) with a fixed 28 pt line
pitch, 一、二、三 headings in 黑体 and （一）（二） in 楷体_GB2312. Font names are written for both
the East-Asian and the Latin slots; where a font is not installed, Word/WPS/LibreOffice substitute
a similar one (e.g. 仿宋 or 宋体), so the draft stays readable — install the fonts before printing.

The words come from an editable TOML template (``reconcile/data/notice_template.toml``; a user
passes their own with ``--template``); the numbers come from the result only.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from reconcile.errors import ConfigError, InputError
from reconcile.report.safe import atomic_write
from reconcile.schema import FINDING_KINDS

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
BODY_PT = 16        # 三号
TITLE_PT = 22       # 二号
TABLE_PT = 10.5     # 五号
LINE_PT = 28        # fixed line pitch of the body
MAX_EXAMPLES = 3
CN_NUM = "一二三四五六七八九十"
_QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")
_PLACEHOLDER_RE = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")


# --------------------------------------------------------------------------- inputs

def load_result_json(path: Path) -> dict[str, Any]:
    """The JSON written by ``reconcile run --json`` (raises InputError if it is not one)."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError as exc:
        raise InputError("找不到核查结果 JSON 文件", path=path, detail="file not found") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError("无法读取核查结果 JSON（应为 reconcile run --json 写出的文件）", path=path,
                         detail=f"{type(exc).__name__}: {exc}") from exc
    missing = [k for k in ("run", "summary", "totals", "findings") if not isinstance(data, dict) or k not in data]
    if missing:
        raise InputError("该 JSON 不是 reconcile run --json 写出的核查结果，缺少：" + "、".join(missing),
                         path=path, detail="missing keys: " + ", ".join(missing))
    if not data.get("totals"):
        raise InputError("核查结果中没有总计行（totals），无法生成通报", path=path, detail="totals is null")
    return data


def load_template(path: Path | None = None) -> dict[str, Any]:
    """The default template, with the keys of ``path`` (a user's copy) laid over it."""
    default = tomllib.loads(resources.files("reconcile.data").joinpath("notice_template.toml")
                            .read_text(encoding="utf-8"))
    if path is None:
        return default
    try:
        user = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError("找不到通报模板文件", path=path, detail="template not found") from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError("通报模板文件格式错误", path=path, detail=f"{type(exc).__name__}: {exc}") from exc
    merged = {**default, **{k: v for k, v in user.items() if k != "kinds"}}
    merged["kinds"] = {**default.get("kinds", {}), **user.get("kinds", {})}
    _check_template(merged, Path(path))
    return merged


def _check_template(tpl: dict[str, Any], path: Path) -> None:
    texts = [v for v in tpl.values() if isinstance(v, str)]
    if not isinstance(tpl.get("requirements", []), list):
        raise ConfigError("通报模板中 requirements 应写成 [[requirements]] 表数组", path=path,
                          detail="requirements must be an array of tables")
    for block in [*tpl["kinds"].values(), tpl.get("default_kind"), *tpl.get("requirements", [])]:
        if not isinstance(block, dict) or not isinstance(block.get("heading"), str) \
                or not isinstance(block.get("text"), str):
            raise ConfigError("通报模板中 kinds / default_kind / requirements 的每一项应为含 heading 和 text "
                              "两个文字键的表", path=path, detail="expected tables with heading and text")
        texts += [v for v in block.values() if isinstance(v, str)]
    for text in texts:
        for name in _PLACEHOLDER_RE.findall(text):
            if name not in _KNOWN_FIELDS:
                raise ConfigError(f"通报模板中有未知的占位符 {{{name}}}", path=path,
                                  detail=f"unknown placeholder {{{name}}}; known: {', '.join(sorted(_KNOWN_FIELDS))}")


# The sentence holding {examples}, left out when the findings name no account.
_EXAMPLE_SENTENCE = re.compile(r"[^。；]*\{examples\}[^。；]*[。；]?")
_KNOWN_FIELDS = frozenset({
    "area", "scope", "quarter", "checkpoint", "total", "checked", "failed", "pass_rate", "previous", "delta",
    "n", "examples", "label", "recheck_total", "fixed", "open", "open_examples",
})


def _fill(text: str, values: dict[str, Any]) -> str:
    try:
        return text.format_map(values)
    except (KeyError, ValueError, IndexError) as exc:
        raise ConfigError(f"通报模板文字无法填充：{text[:40]}", detail=f"{type(exc).__name__}: {exc}") from exc


# --------------------------------------------------------------------------- words

def quarter_words(quarter: str) -> tuple[str, str]:
    """'2022Q4' -> ('2022年第四季度', '第四季度')."""
    m = _QUARTER_RE.match(quarter or "")
    if not m:
        return quarter, quarter
    q = f"第{CN_NUM[int(m.group(2)) - 1]}季度"
    return f"{m.group(1)}年{q}", q


def previous_quarter(quarter: str) -> str | None:
    m = _QUARTER_RE.match(quarter or "")
    if not m:
        return None
    year, q = int(m.group(1)), int(m.group(2))
    return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"


def scope_word(area: str) -> str:
    """全省 / 全市 / 全县 / 全区 from the area's last character (全市 when unsure)."""
    for suffix, word in (("省", "全省"), ("自治区", "全区"), ("县", "全县"), ("区", "全区"), ("旗", "全旗")):
        if area.endswith(suffix):
            return word
    return "全市"


def date_words(value: str | date) -> str:
    d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{d.year}年{d.month}月{d.day}日"


def percent(value: float | None, settings: dict[str, Any] | None = None) -> str:
    """89.81 -> '89.81%', with the run's ``decimals`` and ``drop_trailing_zeros`` settings."""
    if value is None:
        return "—"
    settings = settings or {}
    text = f"{float(value):.{int(settings.get('decimals', 2))}f}"
    if settings.get("drop_trailing_zeros") and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + "%"


def examples_text(findings: list[dict[str, Any]], limit: int = MAX_EXAMPLES) -> str:
    """微信公众号“咸宁交通”“咸宁国资”、抖音“通城旅游” — distinct accounts, failing ones first."""
    seen: list[tuple[str, str]] = []
    for f in sorted(findings, key=lambda f: not f.get("fails")):
        key = (f.get("platform") or "", f.get("name") or "")
        if key[1] and key not in seen:
            seen.append(key)
        if len(seen) == limit:
            break
    grouped: dict[str, list[str]] = {}
    for platform, name in seen:
        grouped.setdefault(platform, []).append(f"“{name}”")
    return "、".join(platform + "".join(names) for platform, names in grouped.items())


@dataclass(frozen=True)
class Change:
    previous: str         # 第三季度 (or 2021年第四季度 across a year)
    delta: float          # percentage points, current minus previous


def previous_rate(db: Path | None, quarter: str) -> Change | None:
    """The change of the 总计 合格率 against the latest earlier quarter in the history, if any."""
    if db is None or not Path(db).exists():
        return None
    from reconcile.history import pass_rates

    quarters, table = pass_rates(Path(db))
    totals = table.get("总计", {})
    earlier = [q for q in quarters if q < quarter and totals.get(q) is not None]
    if not earlier:
        return None
    prev = earlier[-1]
    return Change(previous=_short_quarter(prev, quarter), delta=float(totals[prev]))


def _short_quarter(prev: str, current: str) -> str:
    full, short = quarter_words(prev)
    return short if prev[:4] == current[:4] else full


# --------------------------------------------------------------------------- docx helpers

def _font_slots(rpr: Any, name: str) -> None:
    """Name the font in every slot (Latin and East Asian), or Word shows Chinese in its default."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)


def _set_font(run: Any, name: str, size: float | None = None, bold: bool = False) -> None:
    run.font.name = name
    _font_slots(run._element.get_or_add_rPr(), name)
    if size is not None:
        run.font.size = Pt(size)
    run.font.bold = bold


def _para(doc: Any, text: str = "", font: str = FONT_BODY, size: float = BODY_PT, *, indent: bool = True,
          align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY, bold: bool = False, line: float | None = LINE_PT) -> Any:
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.space_before = fmt.space_after = Pt(0)
    if line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if text:
        _set_font(p.add_run(text), font, size, bold)
    return p


def _mixed(doc: Any, head: str, head_font: str, body: str) -> Any:
    """A body paragraph opening with a run-in heading, as （一）小标题。正文…"""
    p = _para(doc)
    _set_font(p.add_run(head), head_font, BODY_PT)
    if body:
        _set_font(p.add_run(body), FONT_BODY, BODY_PT)
    return p


def _setup(doc: Any) -> None:
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
    sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.name = FONT_BODY
    normal.font.size = Pt(BODY_PT)
    _font_slots(normal.element.get_or_add_rPr(), FONT_BODY)
    _page_number(sec)


def _page_number(section: Any) -> None:
    """— 1 — centred in the footer."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(p.add_run("— "), FONT_BODY, 14)
    run = p.add_run()
    _set_font(run, FONT_BODY, 14)
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), tag)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    _set_font(p.add_run(" —"), FONT_BODY, 14)


def _table(doc: Any, header: list[str], rows: list[list[Any]], widths: list[float]) -> Any:
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for c, width in enumerate(widths):   # LibreOffice reads tblGrid, Word the cells: set both
        table.columns[c].width = Cm(width)
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.width = Cm(widths[c])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
            _set_font(p.add_run("" if value is None else str(value)),
                      FONT_H1 if r == 0 else FONT_BODY, TABLE_PT)
    for row in table.rows:
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        row.height = Cm(0.75)
    _repeat_header(table.rows[0])
    return table


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


# --------------------------------------------------------------------------- the notice

ATTACHMENT1_HEADER = ["序号", "地区", "政务新媒体总数", "抽查政务新媒体数", "存在突出问题的政务新媒体数", "账号合格率"]
ATTACHMENT2_HEADER = ["序号", "存在的突出问题", "所属地区", "新媒体类型", "政务新媒体名称", "认证信息/主办单位"]


def attachment1_rows(data: dict[str, Any]) -> list[list[Any]]:
    cfg = data.get("run", {}).get("settings") or {}
    rows: list[list[Any]] = [[i, s["region"], s["total"], s["checked"], s["failed"], percent(s["pass_rate"], cfg)]
                             for i, s in enumerate(data["summary"], 1)]
    t = data["totals"]
    rows.append(["总计", "", t["total"], t["checked"], t["failed"], percent(t["pass_rate"], cfg)])
    return rows


def attachment2_rows(data: dict[str, Any]) -> list[list[Any]]:
    """One row per failing finding (存在突出问题), in region order, then by kind."""
    region_order = {s["region"]: i for i, s in enumerate(data["summary"])}
    kind_order = {k: i for i, k in enumerate(FINDING_KINDS)}
    failing = [f for f in data["findings"] if f.get("fails")]
    failing.sort(key=lambda f: (region_order.get(f.get("region"), len(region_order)),
                                kind_order.get(f.get("kind"), len(kind_order))))
    return [[i, f.get("label") or FINDING_KINDS.get(f.get("kind"), f.get("kind")), f.get("region") or "",
             f.get("platform") or "", f.get("name") or "", f.get("owner") or ""]
            for i, f in enumerate(failing, 1)]


def notice_title(area: str, quarter: str) -> str:
    return f"关于{quarter_words(quarter)[0]}{scope_word(area)}政府系统政务新媒体检查情况的通报"


def default_area(data: dict[str, Any]) -> str:
    scope = data.get("run", {}).get("scope") or []
    return scope[0] if len(scope) == 1 else "本地区"


def build_notice(data: dict[str, Any], template: dict[str, Any], *, area: str | None = None,
                 change: Change | None = None, today: date | None = None) -> Any:
    """The notice as a python-docx Document."""
    run = data["run"]
    area = area or default_area(data)
    quarter = run.get("quarter", "")
    totals = data["totals"]
    values: dict[str, Any] = {
        "area": area, "scope": scope_word(area), "quarter": quarter_words(quarter)[0],
        "checkpoint": date_words(run["checkpoint"]) if run.get("checkpoint") else "",
        "total": totals["total"], "checked": totals["checked"], "failed": totals["failed"],
        "pass_rate": percent(totals["pass_rate"], run.get("settings")),
        "previous": _short_quarter(previous_quarter(quarter) or "", quarter) if previous_quarter(quarter) else "上季度",
    }
    doc = Document()
    _setup(doc)
    # Break the title before 政务新媒体 so that no word is split across the two lines.
    head, sep, tail = notice_title(area, quarter).partition("政务新媒体检查")
    title = _para(doc, head, FONT_TITLE, TITLE_PT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, line=None)
    if sep:
        title.runs[0].add_break()
        _set_font(title.add_run(sep + tail), FONT_TITLE, TITLE_PT)
    title.paragraph_format.space_after = Pt(BODY_PT)
    _para(doc, _fill(template["addressee"], values), indent=False)
    _para(doc, _fill(template["intro"], values))

    # 一、总体情况
    _para(doc, "一、总体情况", FONT_H1)
    overall = _fill(template["overall"], values)
    if change is not None:
        delta = round(float(totals["pass_rate"]) - change.delta, 2)
        key = "change_up" if delta > 0 else "change_down" if delta < 0 else "change_same"
        overall += _fill(template[key], {**values, "previous": change.previous,
                                         "delta": f"{abs(delta):.2f}".rstrip("0").rstrip(".")})
    _para(doc, overall)
    recheck = _recheck_text(data.get("recheck") or [], template, values, quarter)
    if recheck:
        _para(doc, recheck)

    # 二、存在问题
    _para(doc, "二、存在问题", FONT_H1)
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for f in data["findings"]:
        by_kind.setdefault(f.get("kind", ""), []).append(f)
    order = [k for k in FINDING_KINDS if k in by_kind] + [k for k in by_kind if k not in FINDING_KINDS]
    # failing kinds first (they make the 合格率), the others after, each in report order
    order.sort(key=lambda k: not any(f.get("fails") for f in by_kind[k]))
    if not order:
        _para(doc, "本次检查未发现突出问题。")
    for i, kind in enumerate(order):
        found = by_kind[kind]
        block = template["kinds"].get(kind) or template["default_kind"]
        accounts = {(f.get("platform"), f.get("name"), f.get("owner")) for f in found}
        kv = {**values, "n": len(accounts), "examples": examples_text(found),
              "label": found[0].get("label") or FINDING_KINDS.get(kind, kind)}
        text = block["text"] if kv["examples"] else _EXAMPLE_SENTENCE.sub("", block["text"])
        _mixed(doc, f"（{_cn(i + 1)}）{_fill(block['heading'], kv)}。", FONT_H2, _fill(text, kv))

    # 三、下一步工作要求
    _para(doc, "三、下一步工作要求", FONT_H1)
    for i, req in enumerate(template.get("requirements", [])):
        _mixed(doc, f"（{_cn(i + 1)}）{_fill(req['heading'], values)}。", FONT_H2, _fill(req["text"], values))
    if template.get("closing"):
        _para(doc, _fill(template["closing"], values))

    # 附件 list, date
    q = quarter_words(quarter)[0]
    _para(doc)
    _para(doc, f"附件：1. 政务新媒体检查总体情况表（{q}）")
    p = _para(doc, f"2. 检查发现存在突出问题的政务新媒体（{q}）")
    p.paragraph_format.first_line_indent = Pt(BODY_PT * 5)
    _para(doc)
    _para(doc, date_words(today or date.today()), indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)

    # 附件1
    doc.add_page_break()
    _para(doc, "附件1", FONT_H1, indent=False)
    _para(doc, "政务新媒体检查总体情况表", FONT_TITLE, 18, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, line=None)
    _para(doc, f"（{q}）", FONT_H2, BODY_PT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, line=None)
    table = _table(doc, ATTACHMENT1_HEADER, attachment1_rows(data), [1.3, 3.2, 2.6, 2.6, 3.2, 2.6])
    last = len(table.rows) - 1
    merged = table.cell(last, 0).merge(table.cell(last, 1))   # 总计 spans 序号 and 地区
    for extra in merged.paragraphs[1:]:
        if not extra.text:
            extra._element.getparent().remove(extra._element)

    # 附件2
    doc.add_page_break()
    _para(doc, "附件2", FONT_H1, indent=False)
    _para(doc, "检查发现存在突出问题的政务新媒体", FONT_TITLE, 18, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER,
          line=None)
    _para(doc, f"（{q}）", FONT_H2, BODY_PT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, line=None)
    rows = attachment2_rows(data)
    _table(doc, ATTACHMENT2_HEADER, rows, [1.3, 3.3, 2.0, 2.3, 3.2, 3.5])
    if not rows:
        _para(doc, "本次检查未发现存在突出问题的政务新媒体。", size=TABLE_PT, indent=False, line=None)
    if run.get("checkpoint"):
        _para(doc, f"备注：检查监测点为{date_words(run['checkpoint'])}。", size=TABLE_PT, indent=False, line=None)
    return doc


def _cn(n: int) -> str:
    if n <= 10:
        return CN_NUM[n - 1]
    return ("" if n < 20 else CN_NUM[n // 10 - 1]) + "十" + ("" if n % 10 == 0 else CN_NUM[n % 10 - 1])


def _recheck_text(items: list[dict[str, Any]], template: dict[str, Any], values: dict[str, Any],
                  quarter: str) -> str:
    """复查: how many of last quarter's problems were fixed; which are still open (咸宁 wording)."""
    earlier = [r for r in items if r.get("status") != "新发现"]
    if not earlier:
        return ""
    prev = earlier[0].get("previous_quarter")
    kv = {**values}
    if prev:
        kv["previous"] = _short_quarter(prev, quarter)
    still = [r for r in earlier if r.get("status") == "仍未整改"]
    fixed = sum(r.get("status") == "已整改" for r in earlier)
    kv.update(recheck_total=len(earlier), fixed=fixed, open=len(still),
              open_examples=examples_text([{**r, "fails": True} for r in still]))
    text = _fill(template["recheck"], kv) + (_fill(template["recheck_fixed"], kv) if fixed else "")
    return text + _fill(template["recheck_open" if still else "recheck_none_open"], kv)


def default_notice_name(quarter: str) -> str:
    return f"关于{quarter_words(quarter)[0]}政务新媒体检查情况的通报.docx"


def write_notice(doc: Any, path: Path) -> None:
    """Save atomically (raises OutputError naming the path)."""
    atomic_write(path, lambda tmp: doc.save(str(tmp)))


def make_notice(json_path: Path, out: Path | None = None, *, area: str | None = None, db: Path | None = None,
                template: Path | None = None) -> tuple[Path, Change | None]:
    """Read the run's JSON, build the notice and write it; returns (path written, change used).

    Without ``db`` the history beside the quarter folder (``reconcile.db`` one level up) is used
    when it exists; without any history the 合格率 comparison sentence is left out.
    """
    data = load_result_json(json_path)
    tpl = load_template(template)
    quarter = data["run"].get("quarter", "")
    if db is None:
        from reconcile.history import default_db_path

        db = default_db_path(json_path.parent)
    elif not db.exists():
        raise ConfigError("找不到历史库", path=db, detail="history database not found")
    change = previous_rate(db, quarter)
    path = out or json_path.parent / default_notice_name(quarter)
    write_notice(build_notice(data, tpl, area=area, change=change), path)
    return path, change
