"""`xxgk export`: the warehouse's tables and views as Parquet (partitioned by year), CSV, or one Excel
workbook with a sheet per view and Chinese column headers."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from load.publish.labels import COLUMNS, REQUEST_ROWS, SHEETS, TABLES, VIEWS

FORMATS = ("parquet", "csv", "xlsx")


def _has_year(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return "year" in [d[0] for d in con.execute(f"SELECT * FROM {name} LIMIT 0").description]


def _frame(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """A view or table for people: list cells joined, table 三's rows named, Chinese headers."""
    df = con.execute(f"SELECT * FROM {name}").df()
    for col in df.columns:
        if df[col].map(lambda v: isinstance(v, (list, tuple)) or hasattr(v, "tolist")).any():
            df[col] = df[col].map(lambda v: "；".join(map(str, v)) if v is not None else None)
    if "row_key" in df.columns:
        df.insert(df.columns.get_loc("row_key") + 1, "row_label", df["row_key"].map(REQUEST_ROWS))
    return df.rename(columns=COLUMNS)


def export(db: Path, out: Path, fmt: str) -> list[Path]:
    """Write the export into folder `out`; returns the files or folders written."""
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
                    _frame(con, name).to_excel(xl, sheet_name=SHEETS[name], index=False)
            return [path]
        for name in (*TABLES, *VIEWS):
            if fmt == "parquet" and _has_year(con, name):
                path = out / name
                con.execute(f"COPY (SELECT * FROM {name}) TO '{path}' (FORMAT parquet, PARTITION_BY (year), OVERWRITE)")
            else:
                path = out / f"{name}.{fmt}"
                options = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER"
                con.execute(f"COPY (SELECT * FROM {name}) TO '{path}' ({options})")
            written.append(path)
    finally:
        con.close()
    return written
