"""Score a ``reconcile run --json`` result against a generator's truth.json.

    python bench/score.py RESULT.json TRUTH.json [--json SCORES.json]

Links: every accepted link row ("status": "match") yields the pairs national–provincial,
national–crawled and provincial–crawled among its non-null rows; they are compared with the
pairs of the truth's accounts. "review" rows are counted separately (and how many of their
pairs are true). Findings: a predicted finding matches a truth finding of the same kind (and the
same field when both name one) when their record sets share at least one (source, row); the
matching is one-to-one, largest overlap first.

Phenomena (truth accounts tagged "phenomena" by the generator): per code, over the accounts
carrying it, the share of their true pairs predicted as match links. Summary (附件1), when both
sides have "summary": per region the two pass rates, their mean and largest absolute difference,
and the regions only one side lists.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

PAIR_TYPES = (("national", "provincial"), ("national", "crawled"), ("provincial", "crawled"))
SOURCES = ("national", "provincial", "crawled")
MAX_LISTED = 20

Pair = tuple[int, int]
Rec = tuple[str, int]


def _row(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _pairs_of(rows: dict[str, int | None]) -> dict[str, Pair]:
    out = {}
    for a, b in PAIR_TYPES:
        ra, rb = rows.get(a), rows.get(b)
        if ra is not None and rb is not None:
            out[f"{a}-{b}"] = (ra, rb)
    return out


def _metrics(tp: int, fp: int, fn: int) -> dict[str, Any]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(f1, 4)}


def score_links(result: dict[str, Any], truth: dict[str, Any]) -> dict[str, Any]:
    keys = [f"{a}-{b}" for a, b in PAIR_TYPES]
    true: dict[str, set[Pair]] = {k: set() for k in keys}
    for acc in truth.get("accounts", []):
        rows = {s: _row(acc.get(f"{s}_row")) for s in SOURCES}
        for k, pair in _pairs_of(rows).items():
            true[k].add(pair)
    pred: dict[str, set[Pair]] = {k: set() for k in keys}
    review_rows = review_pairs = review_true = 0
    for link in result.get("links", []):
        rows = {s: _row(link.get(f"{s}_row")) for s in SOURCES}
        pairs = _pairs_of(rows)
        if link.get("status") == "match":
            for k, pair in pairs.items():
                pred[k].add(pair)
        elif link.get("status") == "review":
            review_rows += 1
            review_pairs += len(pairs)
            review_true += sum(1 for k, pair in pairs.items() if pair in true[k])
    out: dict[str, Any] = {}
    totals = [0, 0, 0]
    for k in keys:
        tp, fp, fn = len(pred[k] & true[k]), len(pred[k] - true[k]), len(true[k] - pred[k])
        out[k] = _metrics(tp, fp, fn)
        totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
    out["overall"] = _metrics(*totals)
    out["review"] = {"rows": review_rows, "pairs": review_pairs, "true_pairs": review_true}
    return out


def _records(f: dict[str, Any]) -> set[Rec]:
    out = set()
    for r in f.get("records") or []:
        row = _row(r.get("row"))
        if row is not None and r.get("source"):
            out.add((str(r["source"]), row))
    return out


def _describe(f: dict[str, Any], names: dict[Rec, str]) -> dict[str, Any]:
    recs = sorted(_records(f))
    out = {"name": f.get("name"), "platform": f.get("platform"), "field": f.get("field"),
           "records": [f"{s}:{r}" for s, r in recs]}
    truth_names = sorted({names[r] for r in recs if r in names})
    if truth_names and truth_names != [f.get("name")]:
        out["truth_names"] = truth_names
    return out


def score_findings(result: dict[str, Any], truth: dict[str, Any]) -> dict[str, Any]:
    truth_findings = truth.get("findings", [])
    kinds = list(truth.get("kinds") or dict.fromkeys(f["kind"] for f in truth_findings))
    names: dict[Rec, str] = {}
    for acc in truth.get("accounts", []):
        for s in SOURCES:
            row = _row(acc.get(f"{s}_row"))
            if row is not None:
                names[(s, row)] = acc.get("name", "")
    out: dict[str, Any] = {}
    totals = [0, 0, 0]
    predicted = result.get("findings", [])
    for kind in kinds:
        t_list = [f for f in truth_findings if f.get("kind") == kind]
        p_list = [f for f in predicted if f.get("kind") == kind]
        t_recs = [_records(f) for f in t_list]
        p_recs = [_records(f) for f in p_list]
        cands = []
        for i, pf in enumerate(p_list):
            for j, tf in enumerate(t_list):
                if pf.get("field") and tf.get("field") and pf["field"] != tf["field"]:
                    continue
                overlap = len(p_recs[i] & t_recs[j])
                if overlap:
                    cands.append((-overlap, i, j))
        cands.sort()
        used_p: set[int] = set()
        used_t: set[int] = set()
        for _, i, j in cands:
            if i not in used_p and j not in used_t:
                used_p.add(i)
                used_t.add(j)
        tp = len(used_p)
        fps = [p_list[i] for i in range(len(p_list)) if i not in used_p]
        fns = [t_list[j] for j in range(len(t_list)) if j not in used_t]
        entry = _metrics(tp, len(fps), len(fns))
        entry["false_positives"] = [_describe(f, names) for f in fps[:MAX_LISTED]]
        entry["false_negatives"] = [_describe(f, names) for f in fns[:MAX_LISTED]]
        out[kind] = entry
        totals = [totals[0] + tp, totals[1] + len(fps), totals[2] + len(fns)]
    out["overall"] = _metrics(*totals)
    unscored: dict[str, int] = {}
    for f in predicted:
        if f.get("kind") not in kinds:
            unscored[f.get("kind", "?")] = unscored.get(f.get("kind", "?"), 0) + 1
    out["unscored_kinds"] = unscored
    return out


def _predicted_pairs(result: dict[str, Any]) -> set[tuple[str, Pair]]:
    out: set[tuple[str, Pair]] = set()
    for link in result.get("links", []):
        if link.get("status") == "match":
            rows = {s: _row(link.get(f"{s}_row")) for s in SOURCES}
            out.update(_pairs_of(rows).items())
    return out


def score_phenomena(result: dict[str, Any], truth: dict[str, Any]) -> dict[str, Any]:
    """Per phenomenon code: accounts carrying it, their true pairs, how many are predicted match
    links, and the recall."""
    pred = _predicted_pairs(result)
    out: dict[str, dict[str, Any]] = {}
    for acc in truth.get("accounts", []):
        codes = acc.get("phenomena") or ()
        if not codes:
            continue
        pairs = _pairs_of({s: _row(acc.get(f"{s}_row")) for s in SOURCES}).items()
        found = sum(1 for pair in pairs if pair in pred)
        for code in codes:
            entry = out.setdefault(code, {"accounts": 0, "pairs": 0, "found": 0})
            entry["accounts"] += 1
            entry["pairs"] += len(pairs)
            entry["found"] += found
    for entry in out.values():
        entry["recall"] = round(entry["found"] / entry["pairs"], 4) if entry["pairs"] else None
    return dict(sorted(out.items()))


def score_summary(result: dict[str, Any], truth: dict[str, Any]) -> dict[str, Any] | None:
    """附件1 合格率 per region, result against truth; None unless both have a "summary"."""
    t_rows, r_rows = truth.get("summary"), result.get("summary")
    if not isinstance(t_rows, list) or not isinstance(r_rows, list):
        return None
    t = {str(x.get("region")): x for x in t_rows}
    r = {str(x.get("region")): x for x in r_rows}
    regions = []
    diffs = []
    for name, tx in t.items():
        rx = r.get(name)
        if rx is None:
            continue
        tp, rp = tx.get("pass_rate"), rx.get("pass_rate")
        diff = round(abs(float(rp) - float(tp)), 4) if isinstance(tp, int | float) and isinstance(rp, int | float) \
            else None
        if diff is not None:
            diffs.append(diff)
        regions.append({"region": name, "truth": tp, "result": rp, "diff": diff,
                        "truth_checked": tx.get("checked"), "result_checked": rx.get("checked"),
                        "truth_failed": tx.get("failed"), "result_failed": rx.get("failed")})
    return {
        "regions": regions,
        "mean_abs_diff": round(sum(diffs) / len(diffs), 4) if diffs else None,
        "max_abs_diff": max(diffs) if diffs else None,
        "missing_in_result": [n for n in t if n not in r],
        "missing_in_truth": [n for n in r if n not in t],
    }


def score(result_json: dict, truth: dict) -> dict:
    """Precision/recall of links and findings, link recall per phenomenon, 附件1 comparison; see
    the module docstring for the rules."""
    return {"links": score_links(result_json, truth), "findings": score_findings(result_json, truth),
            "phenomena": score_phenomena(result_json, truth), "summary": score_summary(result_json, truth)}


def format_report(scores: dict[str, Any]) -> str:
    lines = ["关联 links (status = match)", f"  {'pair':<22}{'TP':>8}{'FP':>8}{'FN':>8}{'P':>9}{'R':>9}{'F1':>9}"]
    for k, m in scores["links"].items():
        if k == "review":
            continue
        lines.append(f"  {k:<22}{m['tp']:>8}{m['fp']:>8}{m['fn']:>8}{m['precision']:>9.4f}{m['recall']:>9.4f}"
                     f"{m['f1']:>9.4f}")
    rv = scores["links"]["review"]
    lines.append(f"  待人工核实 review: {rv['rows']} rows, {rv['pairs']} pairs, {rv['true_pairs']} of them true")
    lines += ["", "问题 findings", f"  {'kind':<26}{'TP':>6}{'FP':>6}{'FN':>6}{'P':>9}{'R':>9}{'F1':>9}"]
    fnd = scores["findings"]
    for k, m in fnd.items():
        if k == "unscored_kinds":
            continue
        lines.append(f"  {k:<26}{m['tp']:>6}{m['fp']:>6}{m['fn']:>6}{m['precision']:>9.4f}{m['recall']:>9.4f}"
                     f"{m['f1']:>9.4f}")
    if fnd.get("unscored_kinds"):
        lines.append("  not scored (no truth for these kinds): "
                     + ", ".join(f"{k} {v}" for k, v in fnd["unscored_kinds"].items()))
    for k, m in fnd.items():
        if k in ("overall", "unscored_kinds"):
            continue
        for label, items in (("FP 误报", m["false_positives"]), ("FN 漏报", m["false_negatives"])):
            if items:
                lines.append(f"\n  {k} {label} (first {MAX_LISTED}):")
                for f in items:
                    extra = f" truth: {'/'.join(f['truth_names'])}" if f.get("truth_names") else ""
                    field = f" [{f['field']}]" if f.get("field") else ""
                    lines.append(f"    {f['name']} ({f['platform']}){field} {' '.join(f['records'])}{extra}")
    lines += _phenomena_lines(scores.get("phenomena") or {}) + _summary_lines(scores.get("summary"))
    return "\n".join(lines)


def _phenomena_lines(ph: dict[str, Any]) -> list[str]:
    if not ph:
        return []
    lines = ["", "现象 phenomena (link recall over the accounts carrying each)",
             f"  {'phenomenon':<26}{'accounts':>10}{'pairs':>8}{'recall':>9}"]
    for code, m in ph.items():
        recall = f"{m['recall']:>9.4f}" if m["recall"] is not None else f"{'-':>9}"
        lines.append(f"  {code:<26}{m['accounts']:>10}{m['pairs']:>8}{recall}")
    return lines


def _summary_lines(sm: dict[str, Any] | None) -> list[str]:
    if not sm:
        return []
    lines = ["", "附件1 合格率 (pass rate per region: truth vs result)",
             f"  {'region':<16}{'truth':>9}{'result':>9}{'diff':>8}{'checked t/r':>14}{'failed t/r':>13}"]
    for x in sm["regions"]:
        diff = f"{x['diff']:>8.2f}" if x["diff"] is not None else f"{'-':>8}"
        lines.append(f"  {x['region']:<16}{x['truth']!s:>9}{x['result']!s:>9}{diff}"
                     f"{str(x['truth_checked']) + '/' + str(x['result_checked']):>14}"
                     f"{str(x['truth_failed']) + '/' + str(x['result_failed']):>13}")
    lines.append(f"  mean |diff| {sm['mean_abs_diff']}, max |diff| {sm['max_abs_diff']}")
    if sm["missing_in_result"]:
        lines.append("  regions missing in the result: " + ", ".join(sm["missing_in_result"]))
    if sm["missing_in_truth"]:
        lines.append("  regions missing in the truth: " + ", ".join(sm["missing_in_truth"]))
    return lines


def _load(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SystemExit(f"无法读取 {path}：{exc}") from exc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Score a reconcile JSON result against truth.json.")
    ap.add_argument("result", type=Path)
    ap.add_argument("truth", type=Path)
    ap.add_argument("--json", type=Path, default=None, help="also write the scores as JSON")
    args = ap.parse_args(argv)
    scores = score(_load(args.result), _load(args.truth))
    print(format_report(scores))
    if args.json:
        args.json.write_text(json.dumps(scores, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
