"""`xxgk export`: the warehouse's tables and views as Parquet (partitioned by year), CSV, or one Excel
workbook with a sheet per view and Chinese column headers.

Text in the warehouse comes from foreign documents (agency names, raw cell text, warnings, sources),
so a spreadsheet must never take it for a formula (OWASP "CSV injection"): in XLSX every cell is
stored as a value, a string starting with "=" as a string cell with its text unchanged; in CSV, which
has no types, text starting with = + - @, a tab or a carriage return gets a leading apostrophe, which
spreadsheets show as text. Parquet is typed and keeps every text exact.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from load.issues import LEVELS, STATUSES, TRUST
from load.publish.labels import COLUMNS, REQUEST_ROWS, SHEETS, TABLES, VIEWS

WORDS = {col: {k: zh for k, (_, zh) in words.items()}
         for col, words in (("status", STATUSES), ("level", LEVELS), ("trust", TRUST))}

FORMATS = ("parquet", "csv", "xlsx")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _has_year(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return "year" in [d[0] for d in con.execute(f"SELECT * FROM {name} LIMIT 0").description]


def _frame(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """A view or table for people: list cells joined, table 三's rows named, statuses, levels and trust flags
    in Chinese (the keys stay English in SQL), Chinese headers."""
    df = con.execute(f"SELECT * FROM {name}").df()
    for col in df.columns:
        words = WORDS.get("trust" if col.endswith("_trust") else col)
        if words:
            df[col] = df[col].map(lambda v, w=words: w.get(v, v) if isinstance(v, str) else v)
    for col in df.columns:
        if df[col].dtype == object and df[col].map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any():
            df[col] = df[col].map(lambda v: "；".join(map(str, v)) if isinstance(v, (list, tuple, np.ndarray)) else v)
    if "row_key" in df.columns:
        df.insert(df.columns.get_loc("row_key") + 1, "row_label", df["row_key"].map(REQUEST_ROWS))
    return df.rename(columns=COLUMNS)


def _csv_select(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """SELECT of `name` with each text column guarded against formula injection (see the module docstring)."""
    starts = ", ".join(f"chr({ord(c)})" for c in FORMULA_START)
    cols = []
    for col, typ, *_ in con.execute(f"DESCRIBE {name}").fetchall():
        q = '"' + col.replace('"', '""') + '"'
        cols.append(f"CASE WHEN left({q}, 1) IN ({starts}) THEN chr(39) || {q} ELSE {q} END AS {q}"
                    if typ == "VARCHAR" else q)
    return f"SELECT {', '.join(cols)} FROM {name}"


def _as_text(book) -> None:
    """openpyxl stores a str starting with '=' as a formula: every cell of an export is data, so none is one."""
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def _dress(ws, df: pd.DataFrame) -> None:
    """A sheet people can work in: header frozen, filters on, columns as wide as their text, rates as percents."""
    from openpyxl.utils import get_column_letter

    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for i, col in enumerate(df.columns, start=1):
        text = [str(col)] + [str(v) for v in df[col].head(200) if not pd.isna(v)]
        width = max(len(t) + sum(1 for ch in t if ord(ch) > 0x2e80) for t in text)  # CJK takes two columns
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, width + 2))
        if str(col).endswith("率") or str(col).endswith("占比"):
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = "0.00%"


def export(db: Path, out: Path, fmt: str, bom: bool = False) -> list[Path]:
    """Write the export into folder `out`; returns the files or folders written. `bom` starts each CSV with
    a UTF-8 byte-order mark, so that Excel opens the Chinese text right."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db), read_only=True)
    written: list[Path] = []
    try:
        if fmt == "xlsx":
            path = out / "xxgk.xlsx"
            with pd.ExcelWriter(path, engine="openpyxl") as xl:
                for name in (*VIEWS, "agencies"):
                    df = _frame(con, name)
                    df.to_excel(xl, sheet_name=SHEETS[name], index=False)
                    _dress(xl.sheets[SHEETS[name]], df)
                _as_text(xl.book)
            return [path]
        for name in (*TABLES, *VIEWS):
            if fmt == "parquet" and _has_year(con, name):
                path = out / name
                con.execute(f"COPY (SELECT * FROM {name}) TO '{path}' (FORMAT parquet, PARTITION_BY (year), OVERWRITE)")
            else:
                path = out / f"{name}.{fmt}"
                if fmt == "parquet":
                    con.execute(f"COPY (SELECT * FROM {name}) TO '{path}' (FORMAT parquet)")
                else:
                    con.execute(f"COPY ({_csv_select(con, name)}) TO '{path}' (FORMAT csv, HEADER)")
                    if bom:
                        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
            written.append(path)
    finally:
        con.close()
    return written
