"""Partial crawls, rule scope and the evidence behind doubtful links, on files written here.

The case (咸宁市, checkpoint 2022-11-13; registries identical, crawl as below):

==============  ========  ==========================================  ===============================
account         platform  crawl                                       expected
==============  ========  ==========================================  ===============================
咸宁发布        公众号    found, posted 11-10                          clean, checked
平安咸宁        微博      found, posted 11-12                          clean, checked
咸宁民政        微博      found, posted 10-01                          stale (and checked)
咸安教育        抖音      not found                                    not_crawled (partial 抖音 crawl):
                                                                      not failing, not checked
通山应急        抖音      found, NOT filed, posted 10-20               unfiled AND stale
==============  ========  ==========================================  ===============================
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest

from reconcile.config import Config
from reconcile.link import weights
from reconcile.pipeline import Inputs, run
from reconcile.report.jsonout import write_json
from reconcile.report.xlsx import write_xlsx

REG_HEADER = ["政务新媒体名称", "新媒体类型", "账号ID", "主办单位", "所属地区", "运营状态"]
CRAWL_HEADER = ["账号名称", "平台", "账号ID", "认证主体", "认证类型", "账号状态", "最近发布时间"]
REGISTRY = [
    ("咸宁发布", "微信公众号", "xnfb", "咸宁市人民政府办公室", "市直", "正常"),
    ("平安咸宁", "微博", "1234567", "咸宁市公安局", "市直", "正常"),
    ("咸宁民政", "微博", "2345678", "咸宁市民政局", "市直", "正常"),
    ("咸安教育", "抖音", "dy9001", "咸安区教育局", "咸安区", "正常"),
]
CRAWL = [
    ("咸宁发布", "微信公众号", "xnfb", "咸宁市人民政府办公室", "政府机构认证", "正常", "2022-11-10"),
    ("平安咸宁", "微博", "1234567", "咸宁市公安局", "政府机构认证", "正常", "2022-11-12"),
    ("咸宁民政", "微博", "2345678", "咸宁市民政局", "政府机构认证", "正常", "2022-10-01"),
    ("通山应急", "抖音", "dy7001", "通山县应急管理局", "政府机构认证", "正常", "2022-10-20"),
]


def _write(folder: Path) -> Inputs:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("national.xlsx", "provincial.xlsx"):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(REG_HEADER)
        for r in REGISTRY:
            ws.append(list(r))
        wb.save(folder / name)
    with open(folder / "crawled.csv", "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(CRAWL_HEADER)
        w.writerows(CRAWL)
    return Inputs(national=folder / "national.xlsx", provincial=folder / "provincial.xlsx",
                  crawled=folder / "crawled.csv")


@pytest.fixture(scope="module")
def partial(tmp_path_factory):
    folder = tmp_path_factory.mktemp("partial")
    import datetime as dt
    result = run(Config(scope=("咸宁市",), checkpoint=dt.date(2022, 11, 13)), _write(folder))
    return folder, result


def _kinds(result) -> set[tuple[str, str]]:
    return {(f.kind, f.name) for f in result.findings}


def test_unfiled_account_is_judged_by_every_rule(partial):
    _, result = partial
    got = _kinds(result)
    assert ("unfiled", "通山应急") in got and ("stale", "通山应急") in got
    assert ("stale", "咸宁民政") in got


def test_not_found_on_a_partial_crawl_fails_nobody(partial):
    _, result = partial
    by = {(f.kind, f.name): f for f in result.findings}
    assert ("deleted_still_registered", "咸安教育") not in by
    nc = by[("not_crawled", "咸安教育")]
    assert not nc.fails and "需核实" in nc.detail
    # the platform coverage the clerk is shown: 0 of 1 filed 抖音 accounts found, 2 of 2 on 微博
    assert result.run.coverage["抖音"] == {"registered": 1, "found": 0, "rate": 0.0, "crawled": True,
                                           "complete": False}
    assert result.run.coverage["微博"]["found"] == 2 and result.run.coverage["微博"]["rate"] == 1.0


def test_checked_counts_only_observed_accounts(partial):
    _, result = partial
    rows = {r.region: r for r in result.summary}
    # 市直: 3 filed, all observed; 1 failing (咸宁民政 stale)
    assert (rows["市直"].total, rows["市直"].checked, rows["市直"].failed) == (3, 3, 1)
    # 咸安区: 咸安教育 filed but not reached by the crawl: counted in 总数, not checked
    assert (rows["咸安区"].total, rows["咸安区"].checked, rows["咸安区"].failed) == (1, 0, 0)
    # 通山县: the unfiled account, observed and failing
    assert (rows["通山县"].total, rows["通山县"].checked, rows["通山县"].failed) == (1, 1, 1)
    assert (result.totals.total, result.totals.checked) == (5, 4)


def test_complete_crawl_infers_deletion(tmp_path):
    import datetime as dt
    cfg = Config(scope=("咸宁市",), checkpoint=dt.date(2022, 11, 13), complete_platforms=("抖音",))
    result = run(cfg, _write(tmp_path))
    by = {(f.kind, f.name): f for f in result.findings}
    f = by[("deleted_still_registered", "咸安教育")]
    assert f.fails and f.confidence == 0.8 and "推断" in f.detail
    assert ("not_crawled", "咸安教育") not in by
    assert {r.region: r.checked for r in result.summary}["咸安区"] == 1   # the complete crawl looked


def test_coverage_is_shown_in_json_and_report(partial, tmp_path):
    _, result = partial
    write_json(result, tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["run"]["coverage"]["抖音"]["registered"] == 1
    write_xlsx(result, tmp_path / "r.xlsx")
    about = openpyxl.load_workbook(tmp_path / "r.xlsx", read_only=True)["说明"]
    texts = [str(c) for row in about.iter_rows(values_only=True) for c in row if c]
    assert any("抖音：采集到备案在运营账号 0/1" in t and "部分采集" in t for t in texts)


def test_complete_platforms_setting_is_validated(tmp_path):
    from reconcile.config import load_config
    from reconcile.errors import ConfigError

    good = tmp_path / "good.toml"
    good.write_text('[checks]\ncomplete_platforms = ["微信", "微博"]\n', encoding="utf-8")
    assert load_config(good).complete_platforms == ("微信公众号", "微博")
    bad = tmp_path / "bad.toml"
    bad.write_text('[checks]\ncomplete_platforms = ["火星号"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="complete_platforms"):
        load_config(bad)


def test_em_learns_weights_from_the_pairs():
    """On pairs where identical names are common in true pairs and rare in false ones, EM gives
    identical names a large positive weight and different ids a large negative one, whatever the
    priors said."""
    import numpy as np

    rng = np.random.default_rng(1)
    n_true, n_false = 800, 1200
    name = np.concatenate([rng.choice([1, 2, 3], n_true, p=[0.8, 0.15, 0.05]),
                           rng.choice([3, 4, 5], n_false, p=[0.2, 0.4, 0.4])]).astype(np.int8)
    owner = np.concatenate([rng.choice([1, 2], n_true, p=[0.9, 0.1]),
                            rng.choice([1, 3, 4], n_false, p=[0.2, 0.3, 0.5])]).astype(np.int8)
    ids = np.concatenate([rng.choice([0, 1], n_true, p=[0.5, 0.5]),
                          rng.choice([0, 2], n_false, p=[0.5, 0.5])]).astype(np.int8)
    lv = {"name": name, "owner": owner, "id": ids, "platform": np.ones(n_true + n_false, np.int8),
          "place": np.ones(n_true + n_false, np.int8), "type": np.zeros(n_true + n_false, np.int8)}
    model = weights.estimate(lv)
    assert abs(model.prior - n_true / (n_true + n_false)) < 0.05
    assert model.weights("name")[1] > 3 and model.weights("id")[2] < -3 and model.weights("id")[1] > 3
    p = weights.probability(model.match_weight(lv))
    assert (p[:n_true] > 0.5).mean() > 0.97 and (p[n_true:] < 0.5).mean() > 0.97
    text = weights.explain(model, lv, 0, veto=False)
    assert "名称" in text and "(+" in text


@pytest.mark.parametrize(("raw", "key"), [
    ("咸宁民政（微信）", "咸宁民政"), ("平安睢县(公众号)", "平安睢县"), ("咸宁发布（微博）", "咸宁发布"),
    ("通山文旅（抖音号）", "通山文旅"), ("商丘市—开发区派出所", "商丘市开发区派出所"),
    ("三门县财政局(中岭财政所)", "三门县财政局(中岭财政所)"),
])
def test_platform_labels_and_dashes_do_not_change_the_name(raw, key):
    from reconcile.normalize import name_key

    assert name_key(raw) == key


def test_units_are_exact(tmp_path):
    """Two sub-units one character apart are two units with one account each (no 同一平台开设多个账号);
    a closed old account next to its replacement is no duplicate; one account filed in one registry
    under one name and in the other under another (no id) is no duplicate either."""
    from tests.test_checks import BASE, crawl_row, run_case

    zl = ("中岭财政所", "微信公众号", "订阅号", "", "通山县财政局中岭财政所", "通山县", "正常")
    zy = ("中堰财政所", "微信公众号", "订阅号", "", "通山县财政局中堰财政所", "通山县", "正常")
    old = ("崇阳环保", "微博", "", "3001", "崇阳县环境保护局", "崇阳县", "已注销")
    new = ("崇阳生态环境", "微博", "", "3002", "崇阳县环境保护局", "崇阳县", "正常")
    nat_only = ("嘉鱼文旅", "抖音", "", "", "嘉鱼县文化和旅游局", "嘉鱼县", "正常")
    prov_only = ("嘉鱼文化旅游", "抖音", "", "", "嘉鱼县文化和旅游局", "嘉鱼县", "正常")
    national = BASE + [zl, zy, old, new, nat_only]
    provincial = BASE + [zl, zy, old, new, prov_only]
    crawled = [crawl_row(r) for r in BASE + [zl, zy, new]] + [crawl_row(old, status="已注销")]
    got = run_case(tmp_path, national, provincial, crawled)
    assert not [f for f in got if f[0] == "duplicate_on_platform"], got
    # each sub-unit keeps its own crawled record: nothing is unfiled, nothing deleted
    assert not [f for f in got if f[0] in ("unfiled", "deleted_still_registered") and "财政所" in f[2]], got


def test_an_unfiled_second_account_is_a_duplicate_too(tmp_path):
    """Every rule applies to unfiled accounts: 咸宁市民政局's unfiled second 微博 is 瞒报漏报 and, with
    its filed one, 同一平台开设多个账号 (one finding naming both, with both accounts' records)."""
    from tests.test_checks import BASE, crawl_row, run_case

    filed = ("咸宁民政", "微博", "", "4001", "咸宁市民政局", "市直", "正常")
    second = ("咸宁民政服务", "微博", "", "4002", "咸宁市民政局", "市直", "正常")
    got = run_case(tmp_path, BASE + [filed], BASE + [filed], [crawl_row(r) for r in BASE + [filed, second]])
    kinds = {(k, name) for k, _, name, _ in got}
    assert ("unfiled", "咸宁民政服务") in kinds
    (dup,) = [f for f in got if f[0] == "duplicate_on_platform"]
    assert dup[2] == "咸宁民政" and sorted(s for s, _ in dup[3]) == ["crawled", "crawled", "national", "provincial"], dup
