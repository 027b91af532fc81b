"""Renderers of a frozen ``reconcile.result.Result``: terminal (rich), XLSX (openpyxl), JSON.

Every file is written atomically (``safe.atomic_write``): the old report survives any error.
"""

from reconcile.report.jsonout import result_to_dict, write_json
from reconcile.report.safe import atomic_write
from reconcile.report.terminal import render
from reconcile.report.xlsx import links_csv_path, write_xlsx

__all__ = ["atomic_write", "links_csv_path", "render", "result_to_dict", "write_json", "write_xlsx"]
