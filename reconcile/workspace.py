"""``reconcile init FOLDER``: a new quarter folder with a commented reconcile.toml and a README.txt.

The reconcile.toml written here has every setting of docs/settings.md, commented out at its
default, with a Chinese comment saying what it means: the defaults apply until the clerk
removes a leading ``#``. It always parses (a test loads it).
"""

from __future__ import annotations

from pathlib import Path

from reconcile.config import CONFIG_FILENAME
from reconcile.errors import ConfigError
from reconcile.schema import DEFAULT_FAIL_KINDS, FINDING_KINDS

README_FILENAME = "README.txt"

_KINDS = "\n".join(f"#   {code:<26} {label}" for code, label in FINDING_KINDS.items())

CONFIG_TEMPLATE = f"""\
# reconcile.toml —— 本季度核查的设置（政务新媒体备案核查工具 reconcile）
#
# 每一项都已按默认值写好并用 # 注释掉：不改就按默认值执行。
# 要修改某项，删掉该行开头的 # 再改值。日期写成 "2023-03-31"，文字加英文双引号。
# 命令行参数（如 --checkpoint、--scope）优先于本文件。

# 监测点日期：检查以这一天为准（“监测点前两周未更新”等都从这天往前算）。
# 默认：运行当天。
# checkpoint = "2023-03-31"

# 季度，如 "2023Q1" 或 "2023年第一季度"。用于报告标题和历史库中的季度比对（复查）。
# 默认：由监测点日期推出。
# quarter = "2023Q1"

# 核查范围：省、市或县（市、区）名，可写多个。范围外的账号不计入合格率。
# 默认：两个备案系统覆盖的地区。
# scope = ["咸宁市"]

# 额外的表头别名：导出文件的列名与内置别名都对不上时使用。
# 来源为 national（全国系统）、provincial（省级平台）、crawled（平台采集）；
# 标准列：platform 平台、account_type 账号类型、name 名称、account_id 账号ID、owner 主办单位、
# supervisor 主管单位、region 所属地区、status 运营状态、verified_kind 认证类型、
# verified_info 认证信息、last_post_at 最近发布时间、followers 粉丝数。
# 默认：只用内置别名。
# [columns.national]
# name = ["公众号名称"]

[link]
# 相似度不低于此值（0 到 1）：认定为同一账号。默认 0.80。
# match_threshold = 0.80
# 相似度介于 review_threshold 与 match_threshold 之间：列入“待人工核实”。默认 0.55。
# review_threshold = 0.55

[report]
# 哪些问题使账号计为“不合格”（计入合格率）。默认：{", ".join(DEFAULT_FAIL_KINDS)}。
# 可选的问题类型代码：
{_KINDS}
# fail_kinds = [{", ".join(f'"{k}"' for k in DEFAULT_FAIL_KINDS)}]
# 合格率保留的小数位数（0 到 4，四舍五入，99.505 → 99.51）。默认 2。
# decimals = 2
# 去掉合格率末尾的 0（80.50% 印为 80.5%）。默认 false。
# drop_trailing_zeros = false
# 附件1 的地区层级：auto 按核查范围（市级范围列市直和各县市区，省级范围列省本级和各市）；
# county 固定为各县市区 + 市直；city 固定为各市 + 省本级。默认 "auto"。
# region_level = "auto"
# 附件1 的地区顺序（按印出的名称）；未列出的地区排在后面（市直/省本级在前，其余按行政区划代码）。默认：不指定。
# region_order = ["市直", "咸安区"]

[checks]
# 监测点前多少天内无更新，算“监测点前两周未更新”（有的省用 7 或 10 天）。默认 14。
# stale_days = 14
# 多少天无更新，算“长期未更新(僵尸账号)”（3 个月约 90 天，半年 180 天，一年 365 天）。默认 90。
# zombie_days = 90
# 采集完整的平台（如 ["微博"]）：只有这些平台上“采集中没有找到”才推断为“已注销未在系统注销”；
# 其他平台的采集通常只覆盖部分账号，没找到的列为“未采集到(需核实)”，不计入不合格。默认：无。
# complete_platforms = []

# 地区改名或单列：“原名称”（地区名或导出文件“所属地区”列的原文）= “附件1 中显示的名称”。
# 例如把“市直”印为“市政府部门”，或让开发区、示范区单列一行。默认：不改名。
# [report.region_names]
# "市直" = "市政府部门"
"""

README_TEMPLATE = """\
本季度政务新媒体核查文件夹
==========================

1. 把三份导出文件放进本文件夹，文件名以下列词开头（扩展名可为 .xlsx、.xls 或 .csv）：
   national.xlsx    全国政务新媒体信息报送系统导出的账号清单
   provincial.xlsx  省级政务新媒体管理平台导出的账号清单
   crawled.csv      平台采集名单（监测点当天采集的各平台账号）
   导出文件不要手工修改；标题行、合并单元格、GB18030 编码的 CSV 都可以直接读取。

2. 打开 reconcile.toml，填写监测点日期（checkpoint）、季度（quarter）和核查范围（scope）。

3. 在本文件夹的上一级文件夹运行（历史库 reconcile.db 也在上一级，各季度共用）：
     reconcile run {name}
   生成的报告“政务新媒体核查报告_季度.xlsx”在本文件夹中。

4. 在报告的“待人工核实”表中逐行选择“核实结论”（同一账号 / 不同账号），保存后运行：
     reconcile review {name}/政务新媒体核查报告_季度.xlsx
   再运行一次第 3 步，核实过的账号不会再列入待人工核实。

5. 报告的“复查情况”表列出上季度问题的整改情况（已整改 / 仍未整改 / 已注销(需系统关停) / 新发现）。
   各季度合格率对比：reconcile history --db reconcile.db --out 合格率趋势.xlsx
"""


def init_quarter(folder: Path) -> list[Path]:
    """Create ``folder`` with reconcile.toml and README.txt; never overwrites an existing file."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ConfigError("该路径已存在且不是文件夹", path=folder, detail="not a folder")
    config, readme = folder / CONFIG_FILENAME, folder / README_FILENAME
    existing = [p for p in (config, readme) if p.exists()]
    if existing:
        raise ConfigError("文件已存在，未覆盖：" + "、".join(str(p) for p in existing),
                          detail="refusing to overwrite")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        config.write_text(CONFIG_TEMPLATE, encoding="utf-8")
        readme.write_text(README_TEMPLATE.format(name=folder.name), encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError("无法创建季度文件夹", path=folder, detail=str(exc)) from exc
    return [config, readme]
