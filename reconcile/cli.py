"""The command line: parses options, calls the pipeline, renders, maps errors to exit codes.

Exit codes (as linters do): 0 ran with no findings; 1 ran and found problems (``--exit-zero``
turns that into 0); 2 bad input or usage; 130 interrupted. This is the only module that
imports typer or decides an exit code; nothing imports it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from reconcile import __version__
from reconcile.batch import few_collections
from reconcile.config import (
    CONFIG_FILENAME,
    Config,
    load_config,
    parse_date_option,
    parse_quarter,
    split_scope,
)
from reconcile.errors import ConfigError, ReconcileError

if TYPE_CHECKING:   # the pipeline's modules load only when a command needs them
    from reconcile.result import Result

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130

app = typer.Typer(
    name="reconcile",
    help="政务新媒体备案核查：比对全国系统、省级平台与平台采集名单，生成季度通报所需的问题清单和合格率表。"
         "(Reconcile government new-media registries with what exists on the platforms.)",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

_state = {"debug": False, "quiet": False}


def _version(value: bool) -> None:
    if value:
        print(f"reconcile {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="显示版本号后退出 (show the version)")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="各命令只输出错误 (print errors only)")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="出错时显示技术细节 (show tracebacks)")] = False,
) -> None:
    """政务新媒体备案核查工具 reconcile。颜色：输出不是终端或设置了 NO_COLOR 时不用颜色。"""
    _state["quiet"], _state["debug"] = quiet, debug


def _console(quiet: bool = False, stderr: bool = False) -> Console:
    """Rich console; ``reconcile --quiet CMD`` silences stdout (never errors on stderr); NO_COLOR honoured."""
    quiet = quiet or (_state["quiet"] and not stderr)
    no_color = bool(os.environ.get("NO_COLOR"))
    console = Console(stderr=stderr, quiet=quiet, no_color=no_color, highlight=False,
                      soft_wrap=False, emoji=False)
    if not console.is_terminal:  # piped or redirected: never break a path or sentence across lines
        console.soft_wrap = True
    return console


def _find_manual(folder: Path) -> Path | None:
    """The 人工检查问题表 of a quarter folder: manual.* or 人工检查*.(xlsx|xls|csv), if any."""
    found = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("~$")
                   and p.suffix.lower() in (".xlsx", ".xls", ".csv")
                   and (p.stem.lower().startswith("manual") or p.stem.startswith("人工检查")))
    if len(found) > 1:
        raise ConfigError("找到多个人工检查问题表：" + "、".join(p.name for p in found) + "；请用 --manual 指定一个",
                          path=folder)
    return found[0] if found else None


def _resolve_inputs(folder: Path | None, national: Path | None, provincial: Path | None,
                    crawled: list[Path] | Path | None, sheet: str | None, crawled_format: str | None = None,
                    manual: Path | None = None):
    from reconcile.pipeline import Inputs
    from reconcile.sources import discover_inputs

    found: dict[str, Path] = {}
    if folder is not None:
        if not folder.exists():
            raise ConfigError("找不到输入文件夹", path=folder, detail="folder does not exist")
        if folder.is_dir():
            given = {"national": national, "provincial": provincial, "crawled": crawled}
            if not all(given.values()):
                found = discover_inputs(folder)
        else:
            raise ConfigError("应给出包含 national.*、provincial.*、crawled.* 的文件夹", path=folder,
                              detail="expected a folder")
    chosen = {
        "national": national or found.get("national"),
        "provincial": provincial or found.get("provincial"),
        "crawled": (tuple(crawled) if len(crawled) > 1 else crawled[0]) if isinstance(crawled, list) and crawled
        else crawled or found.get("crawled"),
    }
    missing = [k for k, v in chosen.items() if v is None]
    if missing:
        raise ConfigError(
            "缺少输入文件：" + "、".join(f"--{m}" for m in missing)
            + "（给出文件夹，或用 --national/--provincial/--crawled 指定）",
            detail="missing inputs: " + ", ".join(missing))
    if manual is None and folder is not None and folder.is_dir():
        manual = _find_manual(folder)
    if manual is not None and not manual.is_file():
        raise ConfigError("找不到人工检查问题表", path=manual, detail="file does not exist")
    return Inputs(national=chosen["national"], provincial=chosen["provincial"], crawled=chosen["crawled"],
                  sheet=sheet, crawled_format=crawled_format, manual=manual)


def _load_settings(config_path: Path | None, folder: Path | None, inputs) -> Config:
    if config_path is not None:
        if not config_path.exists():
            raise ConfigError("找不到配置文件", path=config_path, detail="config file does not exist")
        return load_config(config_path)
    for cand in ([folder] if folder and folder.is_dir() else []) + [inputs.national.parent]:
        path = cand / CONFIG_FILENAME
        if path.exists():
            return load_config(path)
    return Config()


def _default_out(inputs, quarter: str) -> Path:
    return inputs.national.parent / f"政务新媒体核查报告_{quarter}.xlsx"


_STAGE_LABELS = {"read": "读取导出文件", "normalise": "规范化名称、平台与地区", "link": "关联同一账号",
                 "checks": "逐项核查", "write": "写入报告"}


class _StageProgress:
    """One progress line per pipeline stage on stderr (spinner, stage, a bar over the stage's
    steps — files, sources, pairings, checks — and elapsed time); silent when stderr is not a
    terminal or with --quiet."""

    def __init__(self, enabled: bool) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        err = _console(stderr=True)
        self.progress = (Progress(SpinnerColumn(), TextColumn("{task.description:<14}"), BarColumn(bar_width=24),
                                  MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=False)
                         if enabled and err.is_terminal else None)
        self.task = None

    def __enter__(self) -> _StageProgress:
        if self.progress is not None:
            self.progress.start()
        return self

    def stage(self, name: str) -> None:
        if self.progress is None:
            return
        self._finish()
        self.task = self.progress.add_task(_STAGE_LABELS.get(name, name), total=1)

    def step(self, done: int, total: int) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, completed=done, total=total)

    def _finish(self) -> None:
        if self.task is not None:
            task = next(t for t in self.progress.tasks if t.id == self.task)
            self.progress.update(self.task, completed=task.total)

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self._finish()
            self.progress.stop()


@app.command("run")
def run_command(
    folder: Annotated[Path | None, typer.Argument(
        help="季度文件夹，含 national.*、provincial.*、crawled.* 三个导出文件 (quarter folder)")] = None,
    national: Annotated[Path | None, typer.Option(help="全国政务新媒体信息报送系统导出 (national registry export)")] = None,
    provincial: Annotated[Path | None, typer.Option(help="省级政务新媒体管理平台导出 (provincial platform export)")] = None,
    crawled: Annotated[list[Path] | None, typer.Option(
        help="平台采集名单，可重复给出多个文件（如每个平台一个）(crawled account list, repeatable)")] = None,
    crawled_format: Annotated[str | None, typer.Option(
        "--crawled-format", help="指定采集文件格式：weibo-crawler、searchbiz、wechat-article-exporter、we-mp-rss、"
        "mediacrawler、generic；默认按表头自动识别 (force the crawler format)")] = None,
    manual: Annotated[Path | None, typer.Option(
        "--manual", help="人工检查问题表（严重表述错误等读帖发现的问题），默认为文件夹中的 manual.* "
        "(manual content-check findings)")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="XLSX 报告路径，默认放在输入文件旁 (report path)")] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="另存 JSON 结果 (machine-readable result)")] = None,
    scope: Annotated[list[str] | None, typer.Option(
        help="核查范围：省、市或县名，可重复或用逗号分隔，如 --scope 咸宁市 (area audited)")] = None,
    checkpoint: Annotated[str | None, typer.Option(
        help="监测点日期，如 2022-11-13；默认取配置文件，否则为今天 (checkpoint date)")] = None,
    quarter: Annotated[str | None, typer.Option(help="季度，如 2022Q4；默认由监测点推出 (quarter)")] = None,
    config: Annotated[Path | None, typer.Option(
        "--config", help="配置文件，默认为文件夹中的 reconcile.toml (settings file)")] = None,
    sheet: Annotated[str | None, typer.Option(help="指定工作表名 (sheet name to read)")] = None,
    exit_zero: Annotated[bool, typer.Option(
        "--exit-zero", help="发现问题时也以 0 退出，便于脚本调用 (exit 0 even when problems are found)")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="只输出错误 (print errors only)")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="出错时显示技术细节 (show tracebacks)")] = False,
    db: Annotated[Path | None, typer.Option(
        "--db", help="历史库，默认为季度文件夹上一级的 reconcile.db (history database)")] = None,
    no_db: Annotated[bool, typer.Option("--no-db", help="不读写历史库 (do not use the history)")] = False,
) -> None:
    """核对三份导出，输出问题清单、合格率和 XLSX 报告。(Reconcile the three exports.)"""
    _state["debug"] = debug or _state["debug"]
    quiet = quiet or _state["quiet"]
    from reconcile.pipeline import run
    from reconcile.report.terminal import render

    inputs = _resolve_inputs(folder, national, provincial, crawled, sheet, crawled_format, manual)
    settings = _load_settings(config, folder, inputs).with_overrides(
        checkpoint=parse_date_option(checkpoint) if checkpoint else None,
        quarter=parse_quarter(quarter) if quarter else None,
        scope=split_scope(scope) or None,
    )
    from reconcile.history import default_db_path
    from reconcile.recheck import QuarterContext

    db_path = None if no_db else (db or default_db_path(folder if folder and folder.is_dir() else inputs.national.parent))
    context = QuarterContext.load(db_path, settings.quarter_label)
    with _StageProgress(enabled=not quiet) as progress:
        result = run(settings, inputs, on_stage=progress.stage, context=context, on_step=progress.step)
        out_path = out or _default_out(inputs, result.run.quarter)
        progress.stage("write")
        run_id = _write_outputs(result, out_path, json_path, db_path, context.finding_keys)

    console = _console(quiet=quiet)
    if not console.quiet:   # building the tables costs ~0.2 s at national scale for nothing
        render(result, console)
    console.print(f"报告已写入：{out_path}" + (f"；JSON：{json_path}" if json_path else ""))
    if run_id is not None:
        console.print(f"已记入历史库：{db_path}（第 {run_id} 次运行）")
    code = EXIT_FINDINGS if result.findings and not exit_zero else EXIT_OK
    raise typer.Exit(code)


def _write_outputs(result: Result, out_path: Path, json_path: Path | None, db_path: Path | None,
                   finding_keys: Sequence[str | None]) -> int | None:
    """The XLSX report (with, at scale, its 关联明细 CSV), the JSON and the history entry, all or
    none: the workbook is written by a second process where the system can fork
    (reconcile.batch.Background) while this one writes the rest; those are committed only once
    the workbook is in place. Returns the run id."""
    from functools import partial

    from reconcile.batch import Background
    from reconcile.history import record_run
    from reconcile.report.jsonout import write_json_file
    from reconcile.report.safe import Staged
    from reconcile.report.xlsx import links_csv_path, links_in_csv, write_links_csv, write_xlsx

    with contextlib.ExitStack() as stack:
        report = stack.enter_context(Background(partial(write_xlsx, links_csv=False), result, out_path))
        staged = []
        if links_in_csv(result):
            staged.append(stack.enter_context(Staged(links_csv_path(out_path))))
            write_links_csv(result, staged[-1].path)
        if json_path is not None:
            staged.append(stack.enter_context(Staged(json_path)))
            write_json_file(result, staged[-1].path)

        def finish() -> None:
            report.wait()
            for done in staged:
                done.commit()

        if db_path is None:
            finish()
            return None
        return record_run(db_path, result, finding_keys, out_path, before_commit=finish)


@app.command("review")
def review_command(
    report: Annotated[Path, typer.Argument(help="填好“核实结论”的报告 XLSX (the filled-in report)")],
    db: Annotated[Path | None, typer.Option(
        "--db", help="历史库，默认为报告所在文件夹上一级的 reconcile.db (history database)")] = None,
) -> None:
    """导入“待人工核实”表中的核实结论，下次运行按结论关联。(Store review decisions.)"""
    from reconcile.history import default_db_path, store_decisions
    from reconcile.review import read_review_sheet

    db_path = db or default_db_path(report.parent)
    if db is None and not db_path.exists():
        raise ConfigError(f"找不到历史库 {db_path}，请用 --db 指定 reconcile run 使用的历史库",
                          detail="history database not found")
    decisions = read_review_sheet(report)
    new, changed = store_decisions(db_path, decisions) if decisions else (0, 0)
    same = sum(d.decision == "same" for d in decisions)
    _console().print(f"已保存 {len(decisions)} 条核实结论（同一账号 {same} 条，不同账号 {len(decisions) - same} 条；"
                     f"新增 {new} 条，改变 {changed} 条）到 {db_path}")


@app.command("history")
def history_command(
    db: Annotated[Path, typer.Option("--db", help="历史库 (history database)")] = Path("reconcile.db"),
    out: Annotated[Path | None, typer.Option("--out", "-o", help="另存 XLSX 趋势表和图 (trend workbook)")] = None,
) -> None:
    """列出历次运行和各地区每季度的合格率。(Runs stored and pass rates per quarter.)"""
    from reconcile.report.trend import render_history, write_trend_xlsx

    if not db.exists():
        raise ConfigError(f"找不到历史库 {db}，请用 --db 指定", detail="history database not found")
    console = _console()
    render_history(db, console)
    if out is not None:
        write_trend_xlsx(db, out)
        console.print(f"趋势表已写入：{out}")


@app.command("init")
def init_command(
    folder: Annotated[Path, typer.Argument(help="要创建的季度文件夹，如 2023Q1 (new quarter folder)")],
) -> None:
    """创建季度文件夹：带中文注释的 reconcile.toml 和 README.txt。(Create a quarter folder.)"""
    from reconcile.workspace import init_quarter

    for path in init_quarter(folder):
        _console().print(f"已创建：{path}")


@app.command("inspect")
def inspect_command(
    file: Annotated[Path, typer.Argument(help="要检查的导出文件 (input file to inspect)")],
    source: Annotated[str | None, typer.Option(
        help="数据来源：national、provincial 或 crawled；默认按文件名判断 (which input this is)")] = None,
    sheet: Annotated[str | None, typer.Option(help="指定工作表名 (sheet name to read)")] = None,
    crawled_format: Annotated[str | None, typer.Option(
        "--crawled-format", help="指定采集文件格式，默认按表头自动识别 (force the crawler format)")] = None,
    config: Annotated[Path | None, typer.Option(
        "--config", help="配置文件，默认为文件旁的 reconcile.toml (settings file)")] = None,
) -> None:
    """查看一个导出文件如何被读取：工作表、表头行、列的识别、格式与编码、按平台/状态的行数和前 5 行。
    (Show how one input file is read, before a run.)"""
    from reconcile.inspect import inspect_file, render_inspection

    settings = load_config(config) if config is not None else (
        load_config(file.parent / CONFIG_FILENAME) if (file.parent / CONFIG_FILENAME).exists() else Config())
    render_inspection(inspect_file(file, source, sheet, settings, crawled_format), _console())


@app.command("notice")
def notice_command(
    json_path: Annotated[Path, typer.Option(
        "--json", help="reconcile run --json 写出的核查结果 (the run's JSON result)")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Word 通报路径，默认放在 JSON 旁 (output .docx)")] = None,
    area: Annotated[str | None, typer.Option(
        help="发文地区，如 咸宁市，决定标题中的“全市/全省”；默认取核查范围 (area named in the title)")] = None,
    db: Annotated[Path | None, typer.Option(
        "--db", help="历史库，读取上季度合格率；默认为 JSON 所在文件夹上一级的 reconcile.db (history database)")] = None,
    template: Annotated[Path | None, typer.Option(
        help="自定义通报文字模板 TOML，默认使用内置模板 (editable wording template)")] = None,
) -> None:
    """生成季度通报的 Word 稿（.docx）：总体情况、存在问题、下一步工作要求和附件1、附件2。(Draft the notice.)"""
    from reconcile.report.notice import make_notice

    path, change = make_notice(json_path, out, area=area, db=db, template=template)
    console = _console()
    console.print(f"通报已写入：{path}" + ("" if change else "（历史库中没有上季度数据，未写合格率比较）"), soft_wrap=True)
    console.print("字体：标题方正小标宋简体、正文仿宋_GB2312、标题黑体/楷体_GB2312；本机未安装时 Word/WPS 会用相近字体代替，"
                  "打印前请安装这些字体并核对。", soft_wrap=True)


def _plain(text: str) -> str:
    """An error line for a terminal: no control or escape characters from the inputs."""
    return re.sub("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]", "", text)


def main() -> None:
    """Entry point: run the app, print one clear line for any error, exit with its code."""
    debug = "--debug" in sys.argv
    try:
        with few_collections():   # one batch job per process (see reconcile.batch)
            rc = app(standalone_mode=False)
        if rc == EXIT_INTERRUPTED:  # typer turns Ctrl-C into Exit(130) and returns its code
            _console(stderr=True).print("已中断 (interrupted)；未写入任何不完整的文件。", markup=False)
        sys.exit(rc if isinstance(rc, int) else EXIT_OK)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except ReconcileError as exc:
        if debug:
            raise
        _console(stderr=True).print(f"错误：{_plain(str(exc))}", markup=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _console(stderr=True).print("已中断 (interrupted)；未写入任何不完整的文件。", markup=False)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a clerk never sees a traceback
        # typer >= 0.22 vendors click (typer._click): match its exceptions by class name.
        kinds = {cls.__name__ for cls in type(exc).__mro__}
        if "Abort" in kinds:  # click turns Ctrl-C into Abort
            _console(stderr=True).print("已中断 (interrupted)；未写入任何不完整的文件。", markup=False)
            sys.exit(EXIT_INTERRUPTED)
        if "ClickException" in kinds and hasattr(exc, "show"):  # usage errors: bad option, no such command
            exc.show()
            sys.exit(EXIT_ERROR)
        if debug:
            raise
        _console(stderr=True).print(
            f"错误：程序内部错误 ({type(exc).__name__}: {_plain(str(exc))[:300]})。"
            "请加 --debug 重新运行并把输出发给维护者。",
            markup=False, soft_wrap=True)
        sys.exit(EXIT_ERROR)


def entry() -> None:
    """The program's entry point (``reconcile`` and ``python -m reconcile``): ``main``, then leave
    without tearing the heap down. Freeing the run's millions of objects one by one at exit costs
    ~0.3 s at 50k accounts and seconds at national scale for nothing; every file is closed and
    every transaction committed or rolled back by then, and the exit handlers still run."""
    try:
        main()
        code: object = EXIT_OK
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)
