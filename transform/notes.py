"""Warnings as data: each names the table, row and cell it is about and a code for what happened.

A warning is a `Note`, a `str` whose text is what the report JSON has always carried
(`requests/granted/total: …`), with the cell it names and a code as fields, so the warehouse can
list the reasons per cell (`report_issues`) and an analyst can filter on them. The text and the
fields come from one place: `note()` writes the prefix, `as_note()` reads it back from any string
(readers' warnings, older code), so they never disagree.
"""
from __future__ import annotations

import re

# code → (English, Chinese): what happened to the cell, row or table the note names.
CODES: dict[str, tuple[str, str]] = {
    "not_found": ("section or row not found", "未找到该部分或该行"),
    "unreadable": ("cell text is not a value", "单元格内容无法识别为数值"),
    "count_mismatch": ("printed values do not match the row's cells; left out", "该行数值个数与栏目不符，未取值"),
    "not_printed": ("columns not printed; left out", "该列未印出，未取值"),
    "placed": ("row printed without its label; placed by table order", "该行无标签，按表格顺序定位"),
    "edges": ("more cells than columns with blanks at the edges: which blanks are margin is a guess",
              "单元格多于栏目且两端有空白，哪些空白属于表格边距无法确定"),
    "gap": ("read beside a row not found or values left over, no rule checks it: whose values is not certain",
            "相邻行未找到或有多余数值，且无勾稽关系可核，数值归属不确定"),
    "split": ("digits ran together; split chosen by the table's arithmetic", "数字粘连，按表内勾稽关系拆分"),
    "digits": ("digits ran together; split by digit count alone", "数字粘连，仅按位数拆分"),
    "prose": ("digits ran together; split chosen with the report's own text", "数字粘连，依据报告正文选取拆分"),
    "ambiguous": ("digits ran together; several readings fit; left out", "数字粘连，多种拆分均成立，未取值"),
    "pattern": ("blank cells not shown in this copy; columns taken from the table's pattern and arithmetic",
                "该副本未显示空白单元格，按表格整体格式及勾稽关系定列"),
    "crowded": ("a row of all its columns where the table's other rows print only some: may be several rows' values",
                "表格其他行只印出部分栏目而该行印满，数值可能分属多行"),
    "disagree": ("two readings of the table put other figures in the row: whose figures is not certain",
                 "表格的两种读法在该行数值不同，归属不确定"),
    "merged": ("figures a converter merged into one cell, read apart by the table's count",
               "转换工具合并到同一单元格的数值，按表格数值个数拆分"),
    "moved": ("value printed outside the table; put back", "数值印在表格之外，已归位"),
    "ocr": ("read by OCR with doubt", "光学识别（OCR）结果存疑"),
    "magnitude": ("value far larger than the rest of its table", "数值量级明显异常"),
    "extra": ("extra values ignored", "多余数值已忽略"),
    "meta": ("agency, year or template doubtful", "机关名称、年度或模板存疑"),
    "prose_disagrees": ("the report's text states another figure", "报告正文所述数字与表格不一致"),
    "other": ("other", "其他"),
}

TABLE_KEYS = ("active", "requests", "review_litigation")
_PREFIX = re.compile(r"^(?P<t>active|requests|review_litigation)(?:/(?P<r>\w+))?(?:/(?P<c>\w+))?:\s*")


class Note(str):
    """A warning's text with the table/row/col it names and its code (see CODES)."""

    table: str
    row: str
    col: str
    code: str

    def __new__(cls, text: str, table: str = "", row: str = "", col: str = "", code: str = "other") -> "Note":
        self = super().__new__(cls, text)
        self.table, self.row, self.col, self.code = table, row, col, code
        return self

    def __reduce__(self):  # pickles across the reader child's process boundary with its fields
        return (Note, (str(self), self.table, self.row, self.col, self.code))


def note(table: str, row: str = "", col: str = "", message: str = "", code: str = "other") -> Note:
    """A note about one cell (table, row, col), one row (table, row) or one table."""
    where = "/".join(p for p in (table, row, col) if p)
    return Note(f"{where}: {message}" if where else message, table, row, col, code)


def as_note(text: str) -> Note:
    """Any warning as a Note: its fields read back from the `table/row/col:` prefix it starts with."""
    if isinstance(text, Note):
        return text
    m = _PREFIX.match(text)
    if not m:
        return Note(text, code="ocr" if "OCR" in text else "other")
    return Note(text, m.group("t"), m.group("r") or "", m.group("c") or "", _guess_code(text[m.end():]))


def _guess_code(message: str) -> str:
    """The code of a message written before notes carried one (readers' texts, older copies)."""
    for words, code in (("report's text", "prose"), ("dropped", "split"), ("not found", "not_found"), ("unreadable", "unreadable"), ("fused", "ambiguous"),
                        ("outside the table", "moved"), ("without its label", "placed"),
                        ("not printed", "not_printed"), ("cells left out", "count_mismatch"), ("OCR", "ocr")):
        if words in message:
            return code
    return "other"
