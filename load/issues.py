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
    comment(con)
    rows = [w for rid, ws in missing for w in warning_rows(rid, list(ws))]
    if rows:
        con.register("_w", pd.DataFrame(rows))
        con.execute("INSERT INTO report_warnings SELECT report_id, table_name, row_key, col_key, code, message FROM _w")
        con.unregister("_w")


DESCRIPTIONS = {
    "agencies": "机关维表：每个机关及其上级 — the agency dimension, rebuilt at each load",
    "reports": "每份文档一行 — one row per document read: status, error, confidence, warnings",
    "facts": "每个表格单元格一行 — one row per table cell as printed: value, raw text, page, how read",
    "checks": "每条勾稽规则一行 — each rule R1–R5/X3 applied to a report",
    "report_warnings": "每条警告一行 — each warning of a report, with the cell it names and its code",
    "codes": "代码的中英文说明 — English and Chinese words of rules, warning codes, statuses, levels, trust flags",
    "labels": "单元格键的中文名称 — the Chinese label of every table/row/col key",
    "sections": "报告各部分原文 — each report's sections as printed",
    "prose_facts": "正文所述数字 — figures the report's text states",
    "fetches": "抓取记录 — one row per HTTP fetch of the crawler",
    "derivations": "派生规则版本 — the version of the rules the derived columns and tables were computed by",
    "agency_year": "机关年度：主报告的主要数字及可信度 — one row per agency and year, each figure with a trust flag",
    "requests_wide": "依申请公开表逐行 — table 三 of each primary report, one row per row, applicants side by side",
    "check_failures": "校验未通过 — every failed rule of a primary report, in-report and across years",
    "cross_year": "跨年度校验 — X1/X2 between consecutive years",
    "report_issues": "存疑原因 — why each report is flagged: failed checks, warnings and errors, cell by cell",
}


def comment(con: duckdb.DuckDBPyConnection) -> None:
    """COMMENT ON the warehouse's tables, views and columns, so that `duckdb_columns()` and any SQL client
    say what each holds (Chinese labels from load/publish/labels.py)."""
    from load.publish.labels import COLUMNS

    def q(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    objects = dict(con.execute("SELECT table_name, table_type FROM information_schema.tables "
                               "WHERE table_schema = 'main' AND table_name NOT LIKE 'stg_%'").fetchall())
    sql = [f"COMMENT ON {'VIEW' if kind == 'VIEW' else 'TABLE'} {name} IS "
           f"{q(DESCRIPTIONS.get(name, name.replace('_', ' ')))}" for name, kind in objects.items()]
    for name, col in con.execute("SELECT table_name, column_name FROM information_schema.columns "
                                 "WHERE table_schema = 'main'").fetchall():
        if name in objects:
            sql.append(f'COMMENT ON COLUMN {name}."{col}" IS {q(COLUMNS.get(col, col.replace("_", " ")))}')
    con.execute(";\n".join(sql))
