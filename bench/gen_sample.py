"""The shipped sample (sample_data/): about 300 accounts of 咸宁市, checkpoint 2022-11-13, with
every hard case of DOMAIN.md and 2–5 of every finding kind planted explicitly (including the
咸宁 2022Q4 notice's own cases), documented in sample_data/README.md."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.gen_render import write_all
from bench.gen_world import Unit
from bench.gen_write import write_truth
from bench.generate import Account, Builder, Crawl

SEED = 2022
SCOPE = "咸宁市"
CHECKPOINT = dt.date(2022, 11, 13)
# Accounts per region as in the 咸宁 2022Q4 notice (附件2: 抽查数量), 212 in all.
QUOTAS = {"咸宁市": 67, "咸安区": 31, "嘉鱼县": 15, "赤壁市": 30, "通城县": 23, "崇阳县": 31, "通山县": 15}
DISTRACTORS = 70
SOURCE_ZH = {"national": "national.xlsx", "provincial": "provincial.xlsx", "crawled": "crawled.csv",
             "manual": "manual.csv"}
# 人工检查问题表: content problems a clerk found by reading posts (the sample plants two)
MANUAL_PROBLEMS = ("严重表述错误", "互动回应差：留言长期未回复")

TOML = """# reconcile 配置：示例数据（咸宁市 2022 年第四季度）
# Configuration for the shipped sample (Xianning, 2022 Q4).
checkpoint = "2022-11-13"   # 监测点
quarter = "2022Q4"
scope = ["咸宁市"]           # 核查范围

[checks]
complete_platforms = ["微信公众号"]   # 采集完整的平台：未采集到的在运营账号推断为已注销
"""


@dataclass
class Planted:
    account: Account
    zh: str
    en: str


class Sample:
    def __init__(self) -> None:
        self.b = Builder(SEED, SCOPE, CHECKPOINT)
        self.b.multi_platform_name_typos = False
        self.planted: list[Planted] = []

    def unit(self, region: str, owner: str, dept: str, kind: str = "government", *, town: str | None = None,
             parent: str | None = None) -> Unit:
        d = self.b.div(region)
        u = Unit(f"planted/{len(self.b.owners)}", owner, d, dept, kind, [], town=town,
                 parent=parent or f"{d.name}人民政府")
        self.b.claim_unit(u)
        self.b.reserved.setdefault(region, set()).add(dept)
        return u

    def reg(self, u: Unit, platform: str, name: str, zh: str, en: str, *, atype: str | None = None,
            account_id: str | None = None) -> Account:
        """A registered account: both registries active, crawled 正常 (when the crawl covers it)."""
        b = self.b
        a = b.account(u, platform, name, "registered", atype=atype)
        if account_id:
            b.ids.add(account_id)
            a.account_id = account_id
        a.clean = True
        b.names.add(name)
        b.register(a)
        if a.crawl is not None:
            a.crawl.status = "正常"
        a.cases.append(en)
        self.planted.append(Planted(a, zh, en))
        return a

    def crawl_only(self, u: Unit | None, platform: str, name: str, role: str, zh: str, en: str, *,
                   status: str = "正常", owner: str | None = None, verified: str | None = None,
                   region: str | None = None) -> Account:
        b = self.b
        a = b.account(u, platform, name, role, owner=owner, verified=verified, region=region)
        a.clean = True
        b.names.add(name)
        a.crawl = Crawl(status)
        a.cases.append(en)
        self.planted.append(Planted(a, zh, en))
        return a


def plant(s: Sample) -> None:
    """Every hard case and defect, named after DOMAIN.md and the 咸宁 2022Q4 notice."""
    xn, xa, jy, cb, tc, cy, ts = "咸宁市", "咸安区", "嘉鱼县", "赤壁市", "通城县", "崇阳县", "通山县"
    # --- the notice's own cases -------------------------------------------------------------
    a = s.reg(s.unit(xn, "咸宁市城市管理执法委员会", "urban"), "微信公众号", "咸宁指尖上的城管",
              "备案类型错误：两个系统均备案为订阅号，平台为服务号（应为服务号）；全国系统名称中有空格“咸宁指尖上的城 管”，"
              "主办单位错字“咸宁市城市管里执法委员会”",
              "wrong_type in both registries (filed 订阅号, is 服务号); space inside the national name; owner typo",
              atype="服务号")
    a.nat.type = a.prov.type = "订阅号"
    a.nat.name_text, a.nat.owner_text, a.nat.platform_text = "咸宁指尖上的城 管", "咸宁市城市管里执法委员会", "微信订阅号"
    a.prov.platform_text = "微信订阅号"
    a = s.reg(s.unit(tc, "通城县麦市镇人民政府", "town_gov", town="麦市镇"), "微信公众号", "豆香麦市",
              "备案类型错误：备案为服务号，平台为订阅号（应为订阅号）；主办单位写作“麦市镇人民政府”",
              "wrong_type in both registries (filed 服务号, is 订阅号); owner without the county prefix",
              atype="订阅号")
    a.nat.type = a.prov.type = "服务号"
    a.nat.platform_text = "微信服务号"
    a.nat.owner_text = a.prov.owner_text = "麦市镇人民政府"
    a = s.reg(s.unit(tc, "通城县疾病预防控制中心", "cdc", "institution"), "微信公众号", "健康通城",
              "备案类型错误：全国系统备案为服务号，平台为订阅号；省级平台为订阅号，两系统账号类型不一致",
              "wrong_type in national only (服务号 vs 订阅号) + registry_mismatch account_type", atype="订阅号")
    a.nat.type, a.nat.platform_text = "服务号", "微信服务号"
    a = s.reg(s.unit(tc, "通城县文化和旅游局", "culture"), "抖音", "通城旅游",
              "账号已注销（平台显示已注销），两系统仍为正常运营；全国系统平台写作“抖音短视频”",
              "deleted_still_registered: crawled 已注销, both registries active; label 抖音短视频")
    a.nat.platform_text = "抖音短视频"
    a.crawl.status = "已注销"
    # --- hard cases for linking (no finding) -----------------------------------------------
    for num in ("一", "二"):
        s.reg(s.unit(xn, f"咸宁市公安局交通警察支队{num}大队", "traffic_n", parent="咸宁市公安局交通警察支队"),
              "微信公众号", f"咸宁交警{num}大队", f"同名相近、不同账号：咸宁交警{num}大队",
              f"near-identical names, different accounts: 咸宁交警{num}大队")
    police = s.unit(xn, "咸宁市公安局", "police")
    for platform in ("微信公众号", "微博"):
        a = s.reg(police, platform, "平安咸宁", f"同名不同平台：平安咸宁（{platform}）；省级平台主办单位写作“市公安局”",
                  f"same name on two platforms (平安咸宁 on {platform}); provincial owner 市公安局", atype="订阅号")
        a.prov.owner_text = "市公安局"
    tsp = s.unit(ts, "通山县公安局", "police")
    s.reg(tsp, "微信公众号", "通山公安",
          "名称不规范：通山县公安局微信公众号名为“通山公安”，微博、抖音为“平安通山”（以多数名称为准）",
          "name_inconsistent: 通山县公安局 is 通山公安 on WeChat but 平安通山 on 微博 and 抖音 (the majority name)")
    for platform in ("微博", "抖音"):
        s.reg(tsp, platform, "平安通山", f"平安通山（{platform}），与平安崇阳仅一字之差",
              f"平安通山 on {platform} (vs 平安崇阳)")
    cyp = s.unit(cy, "崇阳县公安局", "police")
    for platform in ("微信公众号", "抖音"):
        s.reg(cyp, platform, "平安崇阳", f"平安崇阳（{platform}）", f"平安崇阳 on {platform}")
    a = s.reg(s.unit(xn, "咸宁市公安局温泉派出所", "station", parent="咸宁市公安局"), "微博", "咸宁市温泉派出所",
              "省级平台名称带破折号“咸宁市—温泉派出所”", "dash variant in the provincial name")
    a.prov.name_text = "咸宁市—温泉派出所"
    a = s.reg(s.unit(xn, "咸宁市民政局", "civil"), "微博", "咸宁市民政局",
              "平台名称带后缀“咸宁市民政局官博”", "crawled name with the 官博 suffix")
    a.crawl.name_text = "咸宁市民政局官博"
    a = s.reg(s.unit(xn, "咸宁市政务服务和大数据管理局", "data"), "微信公众号", "咸宁12345",
              "全国系统名称为全角数字“咸宁１２３４５”", "full-width digits in the national name", atype="服务号")
    a.nat.name_text = "咸宁１２３４５"
    a = s.reg(s.unit(jy, "嘉鱼县人民政府办公室", "gov_office"), "微信公众号", "嘉鱼发布",
              "平台名称为繁体“嘉魚發佈”", "traditional characters in the crawled name")
    a.crawl.name_text = "嘉魚發佈"
    a = s.reg(s.unit(xn, "咸宁市交通运输局", "transport"), "微信公众号", "咸宁交通",
              "平台标签：全国系统“公众号”，省级平台“微信订阅号”", "platform labels 公众号 / 微信订阅号", atype="订阅号")
    a.nat.platform_text, a.prov.platform_text = "公众号", "微信订阅号"
    a = s.reg(s.unit(cy, "崇阳县文化和旅游局", "culture"), "微信公众号", "崇阳文旅",
              "账号改名：平台名称为“乐游崇阳”，账号ID相同（省级平台写作大写加空格“CYWLJ ”）",
              "renamed account: crawled name 乐游崇阳, same id (provincial id upper-cased with a space)",
              account_id="cywlj")
    a.crawl.name_text, a.prov.id_text = "乐游崇阳", "CYWLJ "
    s.reg(s.unit(xn, "咸宁市市场监督管理局", "market"), "微信公众号", "咸宁市场监管", "通报中的账号：咸宁市场监管",
          "account named in the notice: 咸宁市场监管")
    s.reg(s.unit(xn, "咸宁市人民政府国有资产监督管理委员会", "sasac"), "微信公众号", "咸宁国资",
          "通报中的账号：咸宁国资", "account named in the notice: 咸宁国资")
    s.reg(s.unit(jy, "嘉鱼县教育局", "education"), "微信公众号", "嘉鱼县教育局", "通报中的账号：嘉鱼县教育局",
          "account named in the notice: 嘉鱼县教育局")
    # --- no finding: closed properly, uncovered platforms ----------------------------------
    a = s.reg(s.unit(ts, "通山县商务局", "commerce"), "微信公众号", "通山商务",
              "已规范注销：两系统均为已注销，平台显示已注销（无问题）", "closed everywhere (no finding)")
    a.nat.status = a.prov.status = "closed"
    a.nat.status_text, a.prov.status_text = "已注销", "已关停"
    a.crawl.status = "已注销"
    a = s.reg(s.unit(jy, "嘉鱼县统计局", "stats"), "微信公众号", "嘉鱼统计",
              "已规范注销：两系统均为已注销，平台采集无此账号（无问题）", "closed in both registries, not crawled (no finding)")
    a.nat.status = a.prov.status = "closed"
    a.crawl = None
    gov = s.unit(xn, "咸宁市人民政府办公室", "gov_office")
    s.reg(gov, "微信公众号", "咸宁发布", "咸宁发布（微信公众号）", "咸宁发布 (WeChat)")
    s.reg(gov, "今日头条", "咸宁发布", "咸宁发布（今日头条，平台采集未覆盖，无问题）",
          "咸宁发布 on 今日头条: a platform the crawl does not cover (no finding)")
    s.reg(s.unit(xn, "咸宁市融媒体中心", "media", "institution"), "移动客户端", "云上咸宁",
          "移动客户端，平台采集未覆盖（无问题）", "mobile app: the crawl does not cover it (no finding)")
    # --- wrong_type / deleted / registry_mismatch ------------------------------------------
    a = s.reg(s.unit(xa, "咸安区教育局", "education"), "微信公众号", "咸安教育",
              "全国系统备案为订阅号，平台为服务号；省级平台为服务号", "wrong_type in national + registry_mismatch account_type",
              atype="服务号")
    a.nat.type = "订阅号"
    a = s.reg(s.unit(jy, "嘉鱼县商务局", "commerce"), "微信公众号", "嘉鱼商务",
              "两系统正常运营，完整采集中未找到该账号", "deleted_still_registered: registered active, not found by the crawl")
    a.crawl = None
    a = s.reg(s.unit(cy, "崇阳县发展和改革局", "ndrc"), "微博", "崇阳发改",
              "平台显示不存在，全国系统仍为正常运营；省级平台已注销（两系统状态不一致）",
              "deleted_still_registered (national active, crawled 不存在) + registry_mismatch status")
    a.crawl.status, a.prov.status = "不存在", "closed"
    a = s.reg(s.unit(cb, "赤壁市教育局", "education"), "抖音", "赤壁教育", "平台显示封禁，两系统仍为正常运营",
              "deleted_still_registered: crawled 封禁, both registries active")
    a.crawl.status = "封禁"
    a = s.reg(s.unit(ts, "通山县应急管理局", "emergency"), "微信公众号", "通山应急管理", "仅在全国系统备案",
              "registry_mismatch filed: national only")
    a.prov = None
    a = s.reg(s.unit(cb, "赤壁市交通运输局", "transport"), "微信公众号", "赤壁交通", "仅在省级平台备案",
              "registry_mismatch filed: provincial only")
    a.nat = None
    a = s.reg(s.unit(jy, "嘉鱼县水利和湖泊局", "water"), "微信公众号", "嘉鱼水利",
              "全国系统为已注销，省级平台为正常运营，平台正常", "registry_mismatch status (national closed, provincial active)")
    a.nat.status = "closed"
    housing = s.unit(tc, "通城县住房和城乡建设局", "housing")
    s.reg(housing, "微信公众号", "通城住建", "通城住建", "通城住建")
    a = s.reg(s.unit(tc, "通城县交通运输局", "transport"), "微信公众号", "通城交通",
              "省级平台主办单位为通城县住房和城乡建设局（另一单位）", "registry_mismatch owner (provincial lists another unit)")
    a.prov.owner_unit = housing
    media_cb = s.unit(cb, "赤壁市融媒体中心", "media", "institution")
    s.reg(media_cb, "抖音", "赤壁融媒", "赤壁融媒", "赤壁融媒")
    a = s.reg(s.unit(cb, "赤壁市人民政府办公室", "gov_office"), "微信公众号", "赤壁发布",
              "全国系统主办单位为赤壁市广播电视台（另一单位，无其他账号）；平台认证主体为赤壁市人民政府办公室，"
              "与省级平台一致：两系统备案数据不一致，不是认证信息不规范",
              "registry_mismatch owner (national lists another unit, which runs no account); no cert_mismatch "
              "(verified by 赤壁市人民政府办公室, the unit the provincial registry names)")
    a.nat.owner_unit = s.unit(cb, "赤壁市广播电视台", "radio", "institution")
    plant_platform_cases(s)
    # --- unfiled (瞒报漏报) and crawl-only non-findings --------------------------------------
    for region, owner, dept, kind, platform, name, status in (
        (xa, "咸安区司法局", "justice", "government", "微信公众号", "法治咸安", "正常"),
        (tc, "通城县公安局巡逻警察大队", "patrol", "government", "微信公众号", "通城巡特警", "正常"),
        (cb, "赤壁市消防救援大队", "fire", "government", "抖音", "赤壁消防", ""),
        (cy, "崇阳县人民医院", "hospital", "institution", "微信公众号", "崇阳县人民医院", "正常"),
    ):
        s.crawl_only(s.unit(region, owner, dept, kind), platform, name, "unfiled",
                     f"瞒报漏报：{owner}的{platform}“{name}”未在任何系统备案", f"unfiled: {name} ({platform})",
                     status=status)
    s.crawl_only(s.unit(xa, "咸宁市咸安区城市建设档案馆", "city_archives", "institution"), "微信公众号",
                 "咸安城建档案", "unfiled_gone", "政府账号未备案但平台显示已注销（不算瞒报漏报）",
                 "in-scope government account in no registry but 已注销 on the platform (no finding)", status="已注销")
    for name, owner, platform in (("咸宁交投", "咸宁市交通投资集团有限公司", "微信公众号"),
                                  ("咸宁城发", "咸宁市城市发展集团有限公司", "抖音")):
        s.crawl_only(None, platform, name, "enterprise", f"企业认证账号“{name}”（名称像政府账号，不算瞒报漏报）",
                     f"enterprise account with a government-sounding name: {name}", owner=owner,
                     verified="enterprise", region=xn)
    s.crawl_only(None, "微博", "平安咸宁粉丝团", "personal", "个人认证账号（不算瞒报漏报）",
                 "personal account (个人认证)", owner="", verified="personal")
    s.crawl_only(None, "微信公众号", "咸宁城管那些事", "personal", "未认证账号（不算瞒报漏报）",
                 "unverified account (未认证)", owner="", verified="none")
    for region, owner, platform, name in (("武汉市", "武汉市人民政府新闻办公室", "微信公众号", "武汉发布"),
                                          ("武昌区", "武汉市公安局武昌区分局", "微博", "平安武昌")):
        s.crawl_only(None, platform, name, "out_of_scope", f"范围外（武汉市）的政府账号“{name}”（不算瞒报漏报）",
                     f"government account outside the scope (武汉市): {name}", owner=owner, verified="government",
                     region=region)


def build_sample(out_dir: Path) -> dict[str, Any]:
    s = Sample()
    plant(s)
    b = s.b
    planted_by_region: dict[str, int] = {}
    for a in b.accounts:
        if a.role == "registered" and a.region:
            planted_by_region[a.region] = planted_by_region.get(a.region, 0) + 1
    b.fill_registered(0, 0.0, {r: max(0, q - planted_by_region.get(r, 0)) for r, q in QUOTAS.items()})
    b.distractors(DISTRACTORS)
    truth = write_all(b, out_dir, "xlsx")
    write_manual(out_dir, truth)
    (out_dir / "reconcile.toml").write_text(TOML, encoding="utf-8")
    (out_dir / "README.md").write_text(readme(s, truth), encoding="utf-8")
    return truth


def write_manual(out_dir: Path, truth: dict[str, Any]) -> None:
    """manual.csv (UTF-8 with BOM): two healthy accounts a clerk found content problems in; their
    content_issue findings go into the truth (records: the manual row, then the account's rows)."""
    import csv

    failing = {(r["source"], r["row"]) for f in truth["findings"] for r in f["records"]}
    healthy = [a for a in truth["accounts"] if a.get("role") == "registered"
               and all(a.get(f"{s}_row") for s in ("national", "provincial", "crawled"))
               and not any((s, a.get(f"{s}_row")) in failing for s in ("national", "provincial", "crawled"))
               and not a.get("national_dup_row") and not a.get("provincial_dup_row")]
    chosen = [healthy[3], healthy[40]]
    with open(out_dir / "manual.csv", "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["新媒体类型", "政务新媒体名称", "主办单位", "存在的问题"])
        for i, (a, problem) in enumerate(zip(chosen, MANUAL_PROBLEMS, strict=True)):
            w.writerow([a["platform"], a["name"], a["owner"], problem])
            truth["findings"].append({
                "kind": "content_issue", "field": None, "name": a["name"], "platform": a["platform"],
                "owner": a["owner"], "region": a.get("region"), "account": a["id"],
                "records": [{"source": "manual", "row": i + 2}]
                + [{"source": s, "row": a[f"{s}_row"]} for s in ("national", "provincial", "crawled")]})
    # (the sample's crawl finds every account of its partial platforms: no not_crawled finding)
    truth["kinds"] = [*truth["kinds"], "content_issue"]
    write_truth(out_dir / "truth.json", truth)


def _rows(a: Account) -> str:
    parts = []
    for src, rec in (("national", a.nat), ("provincial", a.prov), ("crawled", a.crawl)):
        if rec is not None:
            parts.append(f"{SOURCE_ZH[src]}:{rec.row}")
        if a.dup_src == src:
            parts.append(f"{SOURCE_ZH[src]}:{a.dup_row}")
    return "、".join(parts) or "—"


KIND_ZH = {"unfiled": "瞒报漏报", "wrong_type": "备案类型错误", "deleted_still_registered": "已注销未在系统注销",
           "registry_mismatch": "备案数据不一致", "stale": "监测点前两周未更新", "zombie": "长期未更新(僵尸账号)",
           "cert_mismatch": "认证信息不规范", "personal_account": "以个人名义开设",
           "duplicate_on_platform": "同一平台开设多个账号", "duplicate_filing": "重复备案",
           "name_inconsistent": "名称不规范", "content_issue": "内容问题(人工检查)"}
FIELD_ZH = {"filed": "仅一个系统备案", "account_type": "账号类型", "status": "运营状态", "owner": "主办单位"}


def _refs(records: list[dict[str, Any]]) -> str:
    return "、".join(f"{SOURCE_ZH[r['source']]}:{r['row']}" for r in records)


def readme(s: Sample, truth: dict[str, Any]) -> str:
    accounts = truth["accounts"]
    by_kind: dict[str, int] = {}
    for f in truth["findings"]:
        by_kind[f["kind"]] = by_kind.get(f["kind"], 0) + 1
    n_reg = sum(1 for a in accounts if a["role"] == "registered")
    lines = [
        "# 示例数据：咸宁市 2022 年第四季度政务新媒体核查",
        "",
        "本目录是 `reconcile` 的示例输入，由 `python bench/generate.py --sample` 生成（固定随机种子，"
        "重新生成结果逐字节相同；请勿手工修改，改生成器后重新生成）。数据为虚构，单位和地区名称取自真实行政区划，"
        "咸宁通报（2022 年第四季度）中的问题账号按原样预置。",
        "",
        "## 文件",
        "",
        "| 文件 | 内容 |",
        "| --- | --- |",
        "| `national.xlsx` | 全国政务新媒体信息报送系统导出：第 1 行为表头，开设时间为 Excel 日期 |",
        "| `provincial.xlsx` | 省级平台导出：第 1 行为合并单元格标题“附件2 2022年第四季度全市政务新媒体备案情况表”，"
        "第 2 行为表头（表头含换行、空格，措辞与全国系统不同），`市直/县市区` 列 |",
        "| `crawled.csv` | 平台采集结果，GB18030 编码：账号名称/昵称、平台、账号类型、账号ID、认证主体、认证类型、账号状态、"
        "最近发布时间、粉丝数 |",
        "| `manual.csv` | 人工检查问题表（UTF-8 带 BOM）：工作人员读帖发现的内容问题（严重表述错误、互动回应差），"
        "每行一个账号 |",
        "| `reconcile.toml` | `checkpoint = \"2022-11-13\"`、`quarter = \"2022Q4\"`、`scope = [\"咸宁市\"]`、`complete_platforms = [\"微信公众号\"]`（微信公众号为完整采集） |",
        "| `truth.json` | 标准答案：每个账号在三个文件中的行号（Excel 行号，标题行、表头行计入；CSV 行号，表头为第 1 行），"
        "以及应发现的问题（见下） |",
        "",
        f"共 {len(accounts)} 个账号：{n_reg} 个在范围内备案（各县市区数量同通报附件2），其余为采集到的未备案、"
        "企业、个人和范围外账号。应发现的问题："
        + "，".join(f"{KIND_ZH[k]} {v} 个" for k, v in by_kind.items()) + "。",
        "",
        "核对方法：`reconcile run … --json result.json` 之后运行 "
        "`python bench/score.py result.json sample_data/truth.json`，输出关联和问题的查准率、查全率。",
        "",
        "## 预置案例（文件:行）",
        "",
        "| 序号 | 名称 | 平台 | 说明 | 所在行 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for i, p in enumerate(s.planted, 1):
        a = p.account
        lines.append(f"| {i} | {a.name} | {a.platform} | {p.zh} | {_rows(a)} |")
    lines += ["", "## 应发现的问题（truth.json 中的 findings）", "",
              "| 问题类型 | 字段 | 名称 | 平台 | 主办单位 | 依据的行 |", "| --- | --- | --- | --- | --- | --- |"]
    for f in truth["findings"]:
        field = FIELD_ZH.get(f["field"] or "", "")
        extra = f"（{f['correction']}）" if f.get("correction") else ""
        lines.append(f"| {KIND_ZH[f['kind']]}{extra} | {field} | {f['name']} | {f['platform']} | {f['owner']} | "
                     f"{_refs(f['records'])} |")
    lines += [
        "",
        "规则（与 `reconcile/checks` 相同）：瞒报漏报＝平台上范围内政府/事业单位认证、状态正常或为空、两个系统都未备案；"
        "备案类型错误＝微信公众号备案的订阅号/服务号与平台不同；已注销未在系统注销＝平台显示已注销/不存在/封禁而系统仍为正常"
        "（或状态为空），或系统正常运营但完整采集的平台上找不到；备案数据不一致＝只在一个系统备案，或两系统的账号类型、"
        "运营状态（正常与注销）、主办单位（不同单位）不一致；监测点前两周未更新＝平台正常的已备案账号在监测点前 14 天内"
        "（含监测点当天，即 10月31日–11月13日）无发布；长期未更新＝90 天及以上无发布（同时也算两周未更新）；"
        "认证信息不规范＝平台未认证或企业认证，或认证主体不是备案的主办单位（全国系统优先）；以个人名义开设＝个人认证；"
        "同一平台开设多个账号＝同一单位在同一平台有两个及以上正常运营的已备案账号（每个单位每个平台一条，列出其全部账号的记录）；重复备案＝同一系统中"
        "同一账号备案多行（一条，列出这些行）；名称不规范＝同一单位在不同平台的账号名称不同（以多数名称为准，相同时以微信"
        "公众号名称为准，列出其余账号）。其他账号平台上均正常、两周内有发布、由主办单位进行政府机构或事业单位认证。未预置的其他账号带有随机的表面差异（全角、空格、错字、破折号、"
        "主办单位省略地区、微博“官博”后缀、繁体、平台标签写法、账号ID缺失或大小写不同），这些都不是问题。",
        "",
        "---",
        "",
        "# Sample data: Xianning (咸宁市), 2022 Q4",
        "",
        "Inputs for `reconcile`, written by `python bench/generate.py --sample` (fixed seed: regenerating gives "
        "byte-identical files; do not edit by hand). Fictional accounts on real division names; the accounts of the "
        "咸宁 2022Q4 notice are planted as published.",
        "",
        "- `national.xlsx`: national registry export, header on row 1, 开设时间 as Excel dates.",
        "- `provincial.xlsx`: provincial platform export, a merged title on row 1, header on row 2 (line breaks and "
        "spaces in header cells, different wording), a `市直/县市区` column.",
        "- `crawled.csv`: what the platforms show, GB18030.",
        "- `reconcile.toml`: checkpoint 2022-11-13, quarter 2022Q4, scope 咸宁市, the 微信公众号 crawl declared "
        "complete (so an account it does not find is inferred deleted).",
        "- `truth.json`: for every account its row in each file (Excel row numbers with the title/header rows "
        "counted; CSV line numbers, header = 1) and the findings an exact audit reports (table above). Score a run "
        "with `python bench/score.py result.json sample_data/truth.json`.",
        "",
        "## Planted cases (file:row)",
        "",
        "| # | name | platform | case | rows |",
        "| --- | --- | --- | --- | --- |",
    ]
    for i, p in enumerate(s.planted, 1):
        a = p.account
        lines.append(f"| {i} | {a.name} | {a.platform} | {p.en} | {_rows(a)} |")
    lines += ["", "Every other account carries random cosmetic noise only (full-width characters, spaces, typos, "
              "dashes, owners without the region prefix, 微博 suffixes, traditional characters, label variants, "
              "missing or re-cased ids, 认证主体 without the region prefix); none of it is a finding. Every other account "
              "posted within the 14 days before the checkpoint, is verified by its own unit as a government body or "
              "institution, runs one account per platform and keeps one name across platforms.", ""]
    return "\n".join(lines)


def plant_platform_cases(s: Sample) -> None:
    """stale, zombie, cert_mismatch, personal_account, duplicate_on_platform, duplicate_filing,
    name_inconsistent (通山公安 vs 平安通山 above is one too)."""
    xn, xa, jy, cb, tc, cy, ts = "咸宁市", "咸安区", "嘉鱼县", "赤壁市", "通城县", "崇阳县", "通山县"
    cp = CHECKPOINT
    # --- updates: the window is the 14 days ending on the checkpoint (10月31日–11月13日) ---------
    for region, owner, dept, kind, platform, name, days, zh, en in (
        (xn, "咸宁市审计局", "audit", "government", "微信公众号", "咸宁审计", 14,
         "监测点前两周未更新：最近发布于{d}（距监测点 14 天，刚好超出 10月31日–11月13日）",
         "stale at the boundary: last post {d}, 14 days before the checkpoint"),
        (jy, "嘉鱼县林业局", "forestry", "government", "微博", "嘉鱼林业", 35,
         "监测点前两周未更新：最近发布于{d}", "stale: last post {d}"),
        (cb, "赤壁市财政局", "finance", "government", "微信公众号", "赤壁财政", 60,
         "监测点前两周未更新：最近发布于{d}", "stale: last post {d}"),
        (tc, "通城县档案馆", "archives", "institution", "微信公众号", "通城档案", 120,
         "长期未更新(僵尸账号)：最近发布于{d}（120 天），同时也是监测点前两周未更新",
         "zombie (120 days, last post {d}); also stale"),
        (cy, "崇阳县信访局", "petition", "government", "微博", "阳光信访崇阳", 400,
         "长期未更新(僵尸账号)：最近发布于{d}（400 天），同时也是监测点前两周未更新",
         "zombie (400 days, last post {d}); also stale"),
        (xn, "咸宁市统计局", "stats", "government", "微信公众号", "咸宁统计", 13,
         "最近发布于{d}（距监测点 13 天，在两周内，无问题）",
         "last post {d}, 13 days before the checkpoint: current (no finding)"),
    ):
        d = (cp - dt.timedelta(days=days)).isoformat()
        a = s.reg(s.unit(region, owner, dept, kind), platform, name, zh.format(d=d), en.format(d=d))
        a.crawl.days = days
    # --- verification ---------------------------------------------------------------------------
    a = s.reg(s.unit(xa, "咸安区农业农村局", "agri"), "微信公众号", "咸安农业农村",
              "认证信息不规范：平台显示未认证（未进行政府机构认证）", "cert_mismatch: not verified on the platform")
    a.crawl.verified = "none"
    other = s.unit(ts, "通山县自然资源和规划局", "natres")
    a = s.reg(s.unit(ts, "通山县水利和湖泊局", "water"), "抖音", "通山水利",
              "认证信息不规范：认证主体为通山县自然资源和规划局，与备案的主办单位通山县水利和湖泊局不一致",
              "cert_mismatch owner: verified by 通山县自然资源和规划局, filed by 通山县水利和湖泊局")
    a.crawl.owner_unit = other
    for region, owner, dept, platform, name in ((jy, "嘉鱼县妇女联合会", "women", "微博", "嘉鱼妇联"),
                                                (xn, "咸宁市退役军人事务局", "veterans", "抖音", "咸宁退役军人")):
        a = s.reg(s.unit(region, owner, dept), platform, name,
                  f"以个人名义开设：{platform}平台为个人认证", f"personal_account: verified as a person on {platform}")
        a.crawl.verified = "personal"
    # --- one unit, one account per platform; one name across platforms ------------------------
    health = s.unit(cy, "崇阳县卫生健康局", "health")
    for name in ("崇阳卫健", "健康崇阳"):
        s.reg(health, "微信公众号", name, f"同一平台开设多个账号：崇阳县卫生健康局的微信公众号“{name}”（另有一个，均已备案）",
              f"duplicate_on_platform: 崇阳县卫生健康局 runs two WeChat accounts ({name})")
    culture = s.unit(xn, "咸宁市文化和旅游局", "culture")
    s.reg(culture, "微信公众号", "咸宁文旅", "咸宁市文化和旅游局的微信公众号“咸宁文旅”",
          "咸宁市文化和旅游局 on WeChat: 咸宁文旅")
    s.reg(culture, "抖音", "乐游咸宁", "名称不规范：同一单位在抖音名为“乐游咸宁”，微信公众号为“咸宁文旅”",
          "name_inconsistent: the same unit is 乐游咸宁 on 抖音 but 咸宁文旅 on WeChat")
    # --- filed twice in one registry -----------------------------------------------------------
    a = s.reg(s.unit(xn, "咸宁市医疗保障局", "medins"), "微信公众号", "咸宁医保",
              "重复备案：全国系统中同一账号备案两次（相邻两行）", "duplicate_filing: filed twice in the national registry")
    a.dup_src = "national"
    a = s.reg(s.unit(tc, "通城县林业局", "forestry"), "微博", "通城林业",
              "重复备案：省级平台中同一账号备案两次", "duplicate_filing: filed twice in the provincial registry")
    a.dup_src = "provincial"
