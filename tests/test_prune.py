"""link.prune: crawled rows that cannot link nor be findings are dropped early, changing nothing.

The shipped sample is run as it is and with a crawl padded by rows of the kinds a national
sweep is full of (enterprise, personal and unverified accounts with their own names and ids;
official accounts of a province neither registry files in); the result must be the same
apart from what the padding itself should cause.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from reconcile.config import load_config
from reconcile.pipeline import Inputs, run

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"

PADDING = [
    # name, platform, type, id, owner, verification
    ("咸宁鑫源建材", "公众号", "订阅号", "xyjc2022", "咸宁市鑫源建材有限公司", "企业认证"),
    ("小王的日常", "抖音", "", "88231451201", "", "个人认证"),
    ("通山美食探店", "快手", "", "55120933", "", "未认证"),
    ("郑州市二七区人民法院", "新浪微博", "", "5512093311", "郑州市二七区人民法院", "政府机构认证"),
    ("洛阳发布", "公众号", "订阅号", "lyfabu", "洛阳市人民政府新闻办公室", "政府机构认证"),
    ("开封交警", "抖音", "", "77120933123", "开封市公安局交通管理支队", "政府机构认证"),
    ("某某科技", "小红书", "", "xhs9921", "某某科技有限公司", "企业认证"),
]


def _padded_sample(tmp_path: Path, extra: list[tuple[str, ...]]) -> Path:
    folder = tmp_path / "padded"
    shutil.copytree(SAMPLE, folder)
    rows = list(csv.reader((SAMPLE / "crawled.csv").read_text(encoding="gb18030").splitlines()))
    header = rows[0]
    for name, platform, typ, acc_id, owner, verified in extra:
        rec = dict.fromkeys(header, "")
        rec.update({"账号名称": name, "平台": platform, "账号类型": typ, "账号ID": acc_id, "认证主体": owner,
                    "认证类型": verified, "账号状态": "正常", "最后更新时间": "2022-11-01", "粉丝数": "10"})
        rows.append([rec[h] for h in header])
    with (folder / "crawled.csv").open("w", encoding="gb18030", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return folder


def _run(folder: Path):
    inputs = Inputs(folder / "national.xlsx", folder / "provincial.xlsx", folder / "crawled.csv")
    return run(load_config(folder / "reconcile.toml"), inputs)


@pytest.fixture(scope="module")
def plain():
    return _run(SAMPLE)


def test_rows_that_cannot_matter_change_nothing(tmp_path: Path, plain) -> None:
    padded = _run(_padded_sample(tmp_path, PADDING))
    assert padded.findings == plain.findings
    assert padded.summary == plain.summary and padded.totals == plain.totals
    assert padded.links.equals(plain.links)
    # the rows still count where rows are counted: the platform nobody files on is reported
    extra = [w for w in padded.warnings if w not in plain.warnings]
    assert len(extra) == 1 and "小红书 1 行" in extra[0]
    crawled = [i for i in padded.run.inputs if i.source == "crawled"][0]
    assert crawled.rows == [i for i in plain.run.inputs if i.source == "crawled"][0].rows + len(PADDING)


def test_a_sweep_row_sharing_a_registry_id_is_kept_and_linked(tmp_path: Path, plain) -> None:
    # the id of a filed account the crawl did not find, on a row verified as a person: must link
    links = plain.links
    uncrawled = links[links["crawled_row"].isna() & links["national_row"].notna() & (links["status"] == "match")]
    national = _national_ids(SAMPLE)
    target = uncrawled[(uncrawled["platform"] == "微信公众号")
                       & uncrawled["national_row"].map(lambda r: int(r) in national)].iloc[0]
    acc_id = national[int(target["national_row"])]
    row = ("某人的号", "公众号", "订阅号", acc_id, "", "个人认证")
    padded = _run(_padded_sample(tmp_path, [row]))
    new_row = len((SAMPLE / "crawled.csv").read_text(encoding="gb18030").splitlines()) + 1
    proposed = padded.links[padded.links["crawled_row"] == new_row]
    assert len(proposed) == 1 and int(proposed["national_row"].iloc[0]) == int(target["national_row"])


def _national_ids(folder: Path) -> dict[int, str]:
    from reconcile.sources import load_source

    frame = load_source(folder / "national.xlsx", "national").frame
    return {int(r): str(i) for r, i in zip(frame["row"], frame["account_id"], strict=True) if isinstance(i, str)}


def test_the_rows_left_out_are_counted_by_reason_and_told_to_the_clerk(tmp_path: Path, plain) -> None:
    """The padding's enterprise/personal/unverified rows count as "unrelated", its official rows
    of 河南 (no registry files there, outside 咸宁市) as "elsewhere"; the 说明 sheet and the
    terminal say so, since those rows appear in no link."""
    import openpyxl
    from rich.console import Console

    from reconcile.report.terminal import render
    from reconcile.report.xlsx import write_xlsx

    padded = _run(_padded_sample(tmp_path, PADDING))
    before = plain.run.crawled_skipped
    not_official = sum(1 for row in PADDING if row[-1] != "政府机构认证")
    assert padded.run.crawled_skipped == {"unrelated": before["unrelated"] + not_official,
                                          "elsewhere": before["elsewhere"] + len(PADDING) - not_official}
    assert padded.run.to_json()["crawled_skipped"] == padded.run.crawled_skipped
    total = sum(padded.run.crawled_skipped.values())
    write_xlsx(padded, tmp_path / "r.xlsx")
    about = {r[0]: r[1] for r in openpyxl.load_workbook(tmp_path / "r.xlsx")["说明"].iter_rows(values_only=True)
             if r[0]}
    line = about["未比对的采集行"]
    assert line.startswith(f"平台采集名单中有 {total} 行未参与比对")
    assert f"{padded.run.crawled_skipped['elsewhere']} 行是政府机构账号" in line
    console = Console(record=True, width=200)
    render(padded, console)
    assert f"其中平台采集名单 {total} 行与本次核查无关" in console.export_text()
