"""Review decisions: the 核实键 of a doubtful link, reading a filled 待人工核实 sheet, and
turning stored decisions into link rules for the next run.

A decision is about a PAIR (or a group) of records, never about row numbers. The 核实键 names
every record of the doubtful link by its stable identity, grouped by which side of the doubt
it is on::

    全国:微信公众号|id:gh_1234 + 省级:微信公众号|id:gh_1234 ⇄ 采集:微信公众号|咸宁交警一大队|咸宁市公安局

Each record key is ``platform|id:<account id>`` when the record has an account id, else
``platform|<normalised name>|<owner without region prefix>`` (see ``record_keys``).
"同一账号" links every record of the key together; "不同账号" forbids every pair of records
on different sides of ``⇄``. When applied in a later run, each stored record is found again
by its exact key, or failing that by the most similar name of the same platform and owner
(names shift slightly between quarters), so a rejected pair never links again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from reconcile.errors import InputError
from reconcile.history import Decision

SOURCE_TAGS = {"national": "全国", "provincial": "省级", "crawled": "采集"}
_TAG_SOURCES = {v: k for k, v in SOURCE_TAGS.items()}
SIDE_SEP = " ⇄ "
RECORD_SEP = " + "
DECISION_CODES = {"同一账号": "same", "不同账号": "different"}
NAME_SIMILARITY = 80     # rapidfuzz ratio (0-100) a renamed record must reach to be found again

LinkRule = Callable[[pd.DataFrame, str, str], np.ndarray]


# --------------------------------------------------------------------------------------------
# Keys
# --------------------------------------------------------------------------------------------


def record_keys(frame: pd.DataFrame, prefix: str = "") -> pd.Series:
    """Stable identity of each record: ``platform|id:<id>``, else ``platform|<name_key>|<owner_core>``.

    ``frame`` is a prepared source frame (``prefix=""``) or the account view (``prefix="n_"`` …).
    """
    def text(col: str) -> pd.Series:
        if prefix + col not in frame.columns:
            return pd.Series("", index=frame.index, dtype=object)
        s = frame[prefix + col].astype(object)
        return s.where(s.notna(), "").astype(str).str.replace("|", "｜", regex=False)

    platform, acc = text("platform"), text("account_id").str.strip().str.lower()
    by_id = platform + "|id:" + acc
    by_name = platform + "|" + text("name_key") + "|" + text("owner_core")
    return by_id.where(acc != "", by_name)


def pair_keys(view: pd.DataFrame) -> pd.Series:
    """The 核实键 of each account row of the view: its doubtful link(s) as sides of records."""
    keys = {p: record_keys(view, f"{p}_") for p in ("n", "p", "c")}
    has = {p: view[f"{p}_row"].notna().to_numpy() for p in ("n", "p", "c")}
    np_doubt = (view["np_link"] == "review").to_numpy()
    c_doubt = (view["c_link"] == "review").to_numpy()
    tags = {"n": SOURCE_TAGS["national"], "p": SOURCE_TAGS["provincial"], "c": SOURCE_TAGS["crawled"]}
    out = []
    for i in range(len(view)):
        def rec(p: str, i: int = i) -> list[str]:
            return [f"{tags[p]}:{keys[p].iat[i]}"] if has[p][i] else []
        if np_doubt[i] and c_doubt[i]:
            sides = [rec("n"), rec("p"), rec("c")]
        elif np_doubt[i]:
            sides = [rec("n"), rec("p")]
        else:
            sides = [rec("n") + rec("p"), rec("c")]
        out.append(SIDE_SEP.join(RECORD_SEP.join(s) for s in sides if s))
    return pd.Series(out, index=view.index, dtype=object)


@dataclass(frozen=True)
class RecordKey:
    source: str
    platform: str
    account_id: str | None
    name: str
    owner: str


def parse_pair_key(key: str) -> list[list[RecordKey]]:
    """``pair_keys`` text -> sides of records (raises ValueError when it is not a 核实键)."""
    sides: list[list[RecordKey]] = []
    for side in str(key).strip().split(SIDE_SEP):
        records = []
        for part in side.split(RECORD_SEP):
            tag, sep, body = part.strip().partition(":")
            if not sep or tag not in _TAG_SOURCES or "|" not in body:
                raise ValueError(part)
            platform, rest = body.split("|", 1)
            if rest.startswith("id:"):
                records.append(RecordKey(_TAG_SOURCES[tag], platform, rest[3:], "", ""))
            else:
                name, _, owner = rest.rpartition("|")
                records.append(RecordKey(_TAG_SOURCES[tag], platform, None, name, owner))
        sides.append(records)
    if len(sides) < 2:
        raise ValueError(key)
    return sides


# --------------------------------------------------------------------------------------------
# Reading the filled 待人工核实 sheet
# --------------------------------------------------------------------------------------------


def read_review_sheet(path: Path) -> list[Decision]:
    """The decisions a person filled in; blank 核实结论 rows are skipped, anything else is an error."""
    import openpyxl

    from reconcile.report.xlsx import (
        REVIEW_CHOICES,
        REVIEW_DECISION_HEADER,
        REVIEW_HEADER_ROW,
        REVIEW_KEY_HEADER,
        SHEET_REVIEW,
    )

    path = Path(path)
    if not path.is_file():
        raise InputError("找不到报告文件", path=path, detail="report file does not exist")
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one clear input error
        raise InputError("无法读取报告文件（应为 reconcile run 生成的 .xlsx）", path=path,
                         detail=f"{type(exc).__name__}: {exc}") from exc
    try:
        if SHEET_REVIEW not in wb.sheetnames:
            raise InputError(f"报告中没有“{SHEET_REVIEW}”工作表", path=path, detail="no review sheet")
        rows = list(wb[SHEET_REVIEW].iter_rows(values_only=True))
    finally:
        wb.close()
    header = [str(v).strip() if v is not None else "" for v in
              (rows[REVIEW_HEADER_ROW - 1] if len(rows) >= REVIEW_HEADER_ROW else ())]
    for needed in ("序号", REVIEW_KEY_HEADER, REVIEW_DECISION_HEADER):
        if needed not in header:
            raise InputError(f"“{SHEET_REVIEW}”表第 {REVIEW_HEADER_ROW} 行缺少“{needed}”列，请勿修改表头",
                             path=path, row=REVIEW_HEADER_ROW)
    i_seq, i_key, i_dec = (header.index(h) for h in ("序号", REVIEW_KEY_HEADER, REVIEW_DECISION_HEADER))
    allowed = "、".join(f"“{c}”" for c in REVIEW_CHOICES)
    out: list[Decision] = []
    problems: list[str] = []
    for excel_row, values in enumerate(rows[REVIEW_HEADER_ROW:], REVIEW_HEADER_ROW + 1):
        values = tuple(values) + (None,) * (len(header) - len(values))
        if values[i_seq] is None or str(values[i_seq]).strip() == "":
            break
        raw = values[i_dec]
        text = "" if raw is None else str(raw).strip()
        if not text:
            continue
        if text not in REVIEW_CHOICES:
            problems.append(f"第 {excel_row} 行“{REVIEW_DECISION_HEADER}”应为 {allowed} 或留空，实际为“{text}”")
            continue
        key = "" if values[i_key] is None else str(values[i_key]).strip()
        try:
            parse_pair_key(key)
        except ValueError:
            problems.append(f"第 {excel_row} 行“{REVIEW_KEY_HEADER}”被改动或为空，无法识别，请从原报告复制回来")
            continue
        out.append(Decision(pair_key=key, decision=DECISION_CODES[text], report=path.name, sheet_row=excel_row))
    if problems:
        raise InputError(f"“{SHEET_REVIEW}”表有误，未保存任何核实结论：" + "；".join(problems), path=path,
                         detail=f"{len(problems)} invalid row(s)")
    return out


# --------------------------------------------------------------------------------------------
# Applying stored decisions in a run
# --------------------------------------------------------------------------------------------


def _find(frame: pd.DataFrame, keys: pd.Series, rec: RecordKey) -> int | None:
    """Position of the record a stored key names: exact key, else the closest same-platform name."""
    exact = np.flatnonzero((keys == _key_text(rec)).to_numpy())
    if len(exact):
        return int(exact[0])
    if rec.account_id:
        return None   # an id-keyed record is found by its id or not at all
    from rapidfuzz import fuzz, process

    same = (frame["platform"].astype(object) == rec.platform).to_numpy()
    if rec.owner:
        owner = frame["owner_core"].astype(object)
        same &= ((owner == rec.owner) | owner.isna() | (owner == "")).to_numpy()
    pos = np.flatnonzero(same)
    if not len(pos):
        return None
    names = frame["name_key"].astype(object).iloc[pos].fillna("").astype(str).tolist()
    best = process.extractOne(rec.name, names, scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY)
    return int(pos[best[2]]) if best else None


def _key_text(rec: RecordKey) -> str:
    if rec.account_id:
        return f"{rec.platform}|id:{rec.account_id}"
    return f"{rec.platform}|{rec.name}|{rec.owner}"


def link_rules(decisions: tuple[Decision, ...], prepared: dict[str, pd.DataFrame]
               ) -> tuple[LinkRule | None, LinkRule | None]:
    """``(forbid, confirm)`` for ``reconcile.link.link_accounts`` from stored decisions."""
    if not decisions:
        return None, None
    keys = {s: record_keys(f) for s, f in prepared.items()}
    pairs: dict[str, set[tuple[str, int, str, int]]] = {"same": set(), "different": set()}
    for d in decisions:
        try:
            sides = parse_pair_key(d.pair_key)
        except ValueError:
            continue
        found = [[(r.source, _find(prepared[r.source], keys[r.source], r)) for r in side] for side in sides]
        flat = [(i, s, p) for i, side in enumerate(found) for s, p in side if p is not None]
        for a in range(len(flat)):
            for b in range(a + 1, len(flat)):
                (ia, sa, pa), (ib, sb, pb) = flat[a], flat[b]
                if sa == sb or (d.decision == "different" and ia == ib):
                    continue
                pairs[d.decision].add((sa, pa, sb, pb))
                pairs[d.decision].add((sb, pb, sa, pa))

    def rule(kind: str) -> LinkRule | None:
        chosen = pairs[kind]
        if not chosen:
            return None

        def mask(frame: pd.DataFrame, left: str, right: str) -> np.ndarray:
            wanted = {(pl, pr) for sl, pl, sr, pr in chosen if sl == left and sr == right}
            if not wanted:
                return np.zeros(len(frame), dtype=bool)
            return np.fromiter(((int(a), int(b)) in wanted for a, b in zip(frame["left"], frame["right"],
                                                                            strict=True)),
                               dtype=bool, count=len(frame))
        return mask

    return rule("different"), rule("same")
