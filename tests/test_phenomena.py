"""The generator's DOMAIN.md phenomena (bench/generate.py with ``phenomena=True``, the default):
per-run rates, partial crawls and their truth, the 附件1 summary, and the scorer's per-phenomenon
link recall and 合格率 comparison (bench/score.py)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import sys
import tomllib
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.gen_world import current_divisions, resolve_scope  # noqa: E402
from bench.generate import COVERED, PHENOMENA, RATE_RANGES, draw_rates, generate  # noqa: E402
from bench.score import format_report, main, score  # noqa: E402
from reconcile.config import load_config  # noqa: E402

SAMPLE = ROOT / "sample_data"
FAIL = {"stale", "deleted_still_registered", "wrong_type", "unfiled", "personal_account", "cert_mismatch"}


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("phen")
    return out, generate(out, 600, seed=7)


def test_rates_are_drawn_per_run_within_their_ranges(tmp_path: Path) -> None:
    a, b = draw_rates(1), draw_rates(2)
    assert a == draw_rates(1) and a != b
    for rates in (a, b):
        for code, (lo, hi) in RATE_RANGES.items():
            if code != "coverage":
                assert lo <= rates[code] <= hi, code
        cov = [rates[f"coverage:{p}"] for p in COVERED]
        assert 1 <= cov.count(1.0) <= 2
        assert all(0.5 <= c <= 0.96 for c in cov if c != 1.0)
    t1 = generate(tmp_path / "x", 120, seed=3, rates_seed=9)
    t2 = generate(tmp_path / "y", 120, seed=3)
    assert t1["rates"] == draw_rates(9) and t2["rates"] == draw_rates(3)


def test_truth_and_toml_name_the_complete_platforms(gen: tuple[Path, dict]) -> None:
    out, truth = gen
    complete = truth["complete_platforms"]
    assert complete and set(complete) <= set(COVERED)
    assert set(truth["coverage"]) == set(COVERED)
    for p, frac in truth["coverage"].items():
        assert frac == 1.0 if p in complete else 0.3 <= frac <= 1.0, p
    toml = tomllib.loads((out / "reconcile.toml").read_text(encoding="utf-8"))
    assert toml["checks"]["complete_platforms"] == complete
    assert toml["checkpoint"] == truth["checkpoint"] and toml["scope"] == truth["scope"]
    load_config(out / "reconcile.toml")   # the tool reads it without complaint


def test_not_found_is_deleted_only_on_a_complete_platform(gen: tuple[Path, dict]) -> None:
    truth = gen[1]
    by_id = {a["id"]: a for a in truth["accounts"]}
    not_found = [by_id[f["account"]] for f in truth["findings"] if f["kind"] == "deleted_still_registered"
                 and by_id[f["account"]]["crawled_row"] is None]
    assert not_found
    assert all(a["platform"] in truth["complete_platforms"] for a in not_found)
    # on the other platforms registered accounts were missed by the crawl, without a finding
    missed = [a for a in truth["accounts"] if a["role"] == "registered" and a["crawled_row"] is None
              and a["platform"] in COVERED and a["platform"] not in truth["complete_platforms"]]
    assert missed


def _days(text: str, checkpoint: dt.date) -> int:
    text = unicodedata.normalize("NFKC", text)
    nums = [int(x) for x in re.findall(r"\d+", text)[:3]]
    if len(nums) == 1 and len(str(nums[0])) == 8:
        nums = [nums[0] // 10000, nums[0] // 100 % 100, nums[0] % 100]
    day = dt.date(1899, 12, 30) + dt.timedelta(days=nums[0]) if len(nums) == 1 else dt.date(*nums)
    return (checkpoint - day).days


def test_every_rule_applies_to_unfiled_accounts(gen: tuple[Path, dict]) -> None:
    out, truth = gen
    with (out / "crawled.csv").open(encoding="gb18030", newline="") as fh:
        crawled = {i + 2: r for i, r in enumerate(csv.DictReader(fh))}
    checkpoint = dt.date.fromisoformat(truth["checkpoint"])
    kinds: dict[str, set[str]] = {}
    for f in truth["findings"]:
        kinds.setdefault(f["account"], set()).add(f["kind"])
    unfiled = [a for a in truth["accounts"] if "unfiled" in kinds.get(a["id"], ())]
    assert unfiled
    for a in unfiled:
        row = crawled[a["crawled_row"]]
        days = _days(row.get("最近发布时间") or row.get("最后更新时间") or "", checkpoint)
        assert (days >= 14) == ("stale" in kinds[a["id"]]), (a["name"], days)
        assert (days >= 90) == ("zombie" in kinds[a["id"]]), (a["name"], days)


def test_summary_counts_filed_unfiled_checked_and_failed(gen: tuple[Path, dict]) -> None:
    truth = gen[1]
    inside, _ = resolve_scope(truth["scope"][0])
    city_of = {d.name: d.city for d in current_divisions(inside)}
    kinds: dict[str, set[str]] = {}
    for f in truth["findings"]:
        kinds.setdefault(f["account"], set()).add(f["kind"])
    rows: dict[str, list[int]] = {}
    for a in truth["accounts"]:
        own = kinds.get(a["id"], set())
        filed = a["national_row"] is not None or a["provincial_row"] is not None
        if a["region"] not in city_of or not (filed or "unfiled" in own):
            continue
        row = rows.setdefault(city_of[a["region"]], [0, 0, 0])
        row[0] += 1
        if a["crawled_row"] is not None or "deleted_still_registered" in own:
            row[1] += 1
            row[2] += bool(own & FAIL)
    got = {s["region"]: s for s in truth["summary"]}
    assert set(got) == set(rows)
    for region, (total, checked, failed) in rows.items():
        s = got[region]
        assert (s["total"], s["checked"], s["failed"]) == (total, checked, failed), region
        want = Decimal(checked - failed) * 100 / Decimal(checked) if checked else Decimal(100)
        assert s["pass_rate"] == float(want.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def test_every_phenomenon_is_planted_and_tagged(gen: tuple[Path, dict]) -> None:
    truth = gen[1]
    seen: dict[str, int] = {}
    for a in truth["accounts"]:
        for code in a.get("phenomena", ()):
            assert code in PHENOMENA, code
            seen[code] = seen.get(code, 0) + 1
    # the planted ones always occur; a text change at a low drawn rate may miss a 600-account run
    rare = {"homophone_name", "dash", "fullwidth", "renamed_no_id", "renamed_same_id", "old_division_name"}
    assert set(PHENOMENA) - rare <= set(seen) and len(set(rare) - set(seen)) <= 2, set(PHENOMENA) - set(seen)
    assert truth["phenomena"] == {code: seen.get(code, 0) for code in PHENOMENA}
    by_id = {a["id"]: a for a in truth["accounts"]}
    # a closed old account beside its replacement is not a duplicate
    dup = {(r["source"], r["row"]) for f in truth["findings"] if f["kind"] == "duplicate_on_platform"
           for r in f["records"]}
    closed = [a for a in truth["accounts"] if "closed_replaced" in a.get("phenomena", ())]
    assert closed and not any(("national", a["national_row"]) in dup and "cases" not in a for a in closed)
    # filed as 视频号: wrong_type (应为微信公众号) where crawled, registry_mismatch platform
    other = [a for a in truth["accounts"] if "other_platform_filed" in a.get("phenomena", ())]
    assert other
    for f in truth["findings"]:
        if by_id[f["account"]] in other and f["kind"] == "wrong_type":
            assert f["correction"] == "应为微信公众号"


def test_without_phenomena_no_new_keys(tmp_path: Path) -> None:
    truth = generate(tmp_path, 100, seed=2, phenomena=False)
    assert not (tmp_path / "reconcile.toml").exists()
    assert not {"rates", "summary", "complete_platforms", "coverage", "phenomena"} & set(truth)
    assert not any("phenomena" in a for a in truth["accounts"])
    sample = json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))
    assert "summary" not in sample and not any("phenomena" in a for a in sample["accounts"])


def _pair() -> tuple[dict, dict]:
    truth = {
        "kinds": ["stale"],
        "accounts": [
            {"id": "A1", "national_row": 2, "provincial_row": 3, "crawled_row": 4, "phenomena": ["platform_label"]},
            {"id": "A2", "national_row": 3, "provincial_row": 4, "crawled_row": 5,
             "phenomena": ["platform_label", "spaces"]},
            {"id": "A3", "national_row": 4, "provincial_row": None, "crawled_row": None, "phenomena": ["spaces"]},
            {"id": "A4", "national_row": 5, "provincial_row": 5, "crawled_row": None},
        ],
        "findings": [],
        "summary": [{"region": "市直", "total": 4, "checked": 2, "failed": 1, "pass_rate": 50.0},
                    {"region": "通山县", "total": 2, "checked": 2, "failed": 0, "pass_rate": 100.0},
                    {"region": "崇阳县", "total": 1, "checked": 1, "failed": 0, "pass_rate": 100.0}],
    }
    result = {
        "links": [
            {"national_row": 2, "provincial_row": 3, "crawled_row": 4, "status": "match"},
            {"national_row": 3, "provincial_row": 4, "crawled_row": None, "status": "match"},
            {"national_row": None, "provincial_row": None, "crawled_row": 5, "status": "match"},
            {"national_row": 5, "provincial_row": 5, "crawled_row": None, "status": "review"},
        ],
        "findings": [],
        "summary": [{"region": "市直", "total": 4, "checked": 4, "failed": 1, "pass_rate": 75.0},
                    {"region": "通山县", "total": 2, "checked": 2, "failed": 1, "pass_rate": 50.0},
                    {"region": "省本级", "total": 1, "checked": 1, "failed": 0, "pass_rate": 100.0}],
    }
    return result, truth


def test_score_link_recall_per_phenomenon_and_summary() -> None:
    result, truth = _pair()
    s = score(result, truth)
    assert set(s) == {"links", "findings", "phenomena", "summary"}
    # A1: 3 of 3 pairs; A2: 1 of 3 (national-provincial only); A3: no pair
    assert s["phenomena"]["platform_label"] == {"accounts": 2, "pairs": 6, "found": 4, "recall": 0.6667}
    assert s["phenomena"]["spaces"] == {"accounts": 2, "pairs": 3, "found": 1, "recall": 0.3333}
    sm = s["summary"]
    assert sm["mean_abs_diff"] == 37.5 and sm["max_abs_diff"] == 50.0
    assert sm["missing_in_result"] == ["崇阳县"] and sm["missing_in_truth"] == ["省本级"]
    assert [r["region"] for r in sm["regions"]] == ["市直", "通山县"]
    del result["summary"]
    assert score(result, truth)["summary"] is None


def test_score_cli_prints_the_phenomena_and_summary_tables(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    result, truth = _pair()
    (tmp_path / "r.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "t.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    assert main([str(tmp_path / "r.json"), str(tmp_path / "t.json"), "--json", str(tmp_path / "s.json")]) == 0
    out = capsys.readouterr().out
    assert "phenomenon" in out and "platform_label" in out and "0.6667" in out
    assert "合格率" in out and "mean |diff| 37.5" in out and "崇阳县" in out and "省本级" in out
    saved = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert saved["phenomena"]["spaces"]["pairs"] == 3
    assert format_report(score(result, truth)) == out.rstrip("\n")
