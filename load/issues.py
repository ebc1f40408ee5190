"""Why a report is flagged, as data: its warnings row by row (`report_warnings`, backfilled for reports
loaded before the table existed) and the English/Chinese words of every code the warehouse stores (`codes`),
which the `report_issues` view and the published XLSX/HTML read. Keys stay English in SQL."""
from __future__ import annotations

import duckdb
import pandas as pd

from load.rows import warning_rows
from transform.notes import CODES

RULES: dict[str, tuple[str, str]] = {
    "R1": ("new + carried in = results total + carried out", "本年新收＋上年结转＝办理结果总计＋结转下年度"),
    "R2": ("results total = sum of outcome rows", "办理结果总计＝各项办理结果之和"),
    "R3": ("total = sum of applicant columns", "总计＝各类申请人之和"),
    "R4": ("review / litigation total = sum of results", "行政复议、诉讼总计＝各项结果之和"),
    "R5": ("counts are non-negative integers", "件数为非负整数"),
    "X1": ("carried over out = next year's carried in", "结转下年度＝下一年度上年结转"),
    "X2": ("in force last year + issued − repealed = in force", "上年现行有效＋本年新制发－本年废止＝本年现行有效"),
    "X3": ("the text states the table's figure", "正文所述数字与表格一致"),
}
STATUSES = {"ok": ("ok", "正常"), "flagged": ("flagged: read with doubts", "存疑"), "failed": ("failed", "失败"),
            "skipped": ("skipped", "已跳过")}
LEVELS = {"province": ("province", "省级"), "city": ("city", "市级"), "county": ("county", "县级"),
          "township": ("township", "乡镇级"), "department": ("department", "部门")}
TRUST = {"printed": ("as printed", "原表数据"), "derived": ("derived from printed cells", "由原表数据推算"),
         "fails_check": ("its table fails a check", "所在表格校验未通过")}
HOW = {"grid": ("table cell", "表格单元格"), "text": ("text row", "文本行"), "split": ("split by arithmetic", "按勾稽拆分"),
       "digits": ("split by digit count", "按位数拆分"), "ocr": ("OCR", "光学识别"), "moved": ("put back", "已归位")}


def code_rows() -> list[tuple[str, str, str, str]]:
    domains = {"rule": RULES, "warning": CODES, "status": STATUSES, "level": LEVELS, "trust": TRUST, "how": HOW}
    return [(d, k, en, zh) for d, words in domains.items() for k, (en, zh) in words.items()]


def label_rows() -> list[tuple[str, str, str, str, int]]:
    """(table, row, col, 行 / 列, order) of every cell key; the 2021 template's words first."""
    from transform.schema import ACTIVE_2019, ACTIVE_2021, REQUESTS_2021, REQUESTS_OTHER_AS_ONE, REVIEW_LITIGATION

    out: dict[tuple[str, str, str], tuple[str, str, str, str, int]] = {}
    for t in (ACTIVE_2021, REQUESTS_2021, REVIEW_LITIGATION, ACTIVE_2019, REQUESTS_OTHER_AS_ONE):
        for r in t.rows:
            row = f"{r.group}·{r.label}" if r.group else r.label
            for c in r.cols:
                key = (t.key, r.key, c)
                out.setdefault(key, (*key, f"{row} / {t.col_labels.get(c, c)}", 0))
    return [(*v[:4], i) for i, v in enumerate(out.values())]


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Refill `codes` and `labels`; give reports loaded before `report_warnings` existed their warning rows."""
    con.execute("DELETE FROM codes")
    con.executemany("INSERT INTO codes VALUES (?, ?, ?, ?)", code_rows())
    con.execute("DELETE FROM labels")
    con.executemany("INSERT INTO labels VALUES (?, ?, ?, ?, ?)", label_rows())
    missing = con.execute("SELECT report_id, warnings FROM reports WHERE len(warnings) > 0 AND report_id NOT IN "
                          "(SELECT report_id FROM report_warnings)").fetchall()
    rows = [w for rid, ws in missing for w in warning_rows(rid, list(ws))]
    if rows:
        con.register("_w", pd.DataFrame(rows))
        con.execute("INSERT INTO report_warnings SELECT report_id, table_name, row_key, col_key, code, message FROM _w")
        con.unregister("_w")
