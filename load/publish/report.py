"""`xxgk report`: one self-contained HTML page comparing agencies and years.

Charts are plotly figures with plotly.js inlined once (the page opens with no network); the tables under
them link every figure to the document it was read from.
"""
from __future__ import annotations

import html
from pathlib import Path

import duckdb
import plotly.graph_objects as go

from load.publish.labels import COLUMNS

OUTCOMES = ("granted", "partially_granted", "denied", "unable", "not_processed", "other")
TABLE_COLUMNS = ("agency", "year", "status", "received", "granted", "partially_granted", "denied", "unable",
                 "not_processed", "other", "total", "carried_out", "grant_rate", "review_total",
                 "litigation_total", "source")
FAILURE_COLUMNS = ("agency", "year", "rule", "where_", "expected", "actual", "message", "source")
CSS = """body{font-family:"Noto Sans CJK SC",sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;font-size:13px;margin-bottom:24px}td,th{border:1px solid #ccc;padding:3px 6px}
th{background:#f3f3f3}td.n{text-align:right}.chart{min-height:420px}"""


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _label(r: dict) -> str:
    return f"{r['agency']} {r['year']}"


def received_chart(years: list[dict]) -> go.Figure:
    fig = go.Figure()
    for year in sorted({r["year"] for r in years}):
        rs = [r for r in years if r["year"] == year and r["received"] is not None]
        fig.add_bar(name=str(year), x=[r["agency"] for r in rs], y=[r["received"] for r in rs])
    fig.update_layout(title="本年新收政府信息公开申请数量（按机关、年度）", barmode="group", legend_title="年度")
    return fig


def outcomes_chart(years: list[dict]) -> go.Figure:
    rs = [r for r in years if r["total"] is not None]
    fig = go.Figure()
    for key in OUTCOMES:
        fig.add_bar(name=COLUMNS[key], x=[_label(r) for r in rs], y=[r[key] for r in rs])
    fig.update_layout(title="申请办理结果（按机关、年度）", barmode="stack")
    return fig


def failures_heatmap(failures: list[dict], years: list[dict]) -> go.Figure:
    rules = sorted({f["rule"] for f in failures}) or ["R1"]
    labels = [_label(r) for r in years]
    counts = {(_label(f), f["rule"]): 0 for f in failures}
    for f in failures:
        counts[(_label(f), f["rule"])] += 1
    z = [[counts.get((label, rule), 0) for rule in rules] for label in labels]
    fig = go.Figure(go.Heatmap(z=z, x=rules, y=labels, colorscale="Reds", colorbar_title="未通过"))
    fig.update_layout(title="校验规则未通过次数（R1–R5 本报告，X1/X2 跨年度）", height=max(420, 28 * len(labels)))
    fig.update_yaxes(autorange="reversed")
    return fig


def _href(source: str) -> str:
    if source.startswith(("http://", "https://")):
        return source
    return Path(source).resolve().as_uri()


def _cell(col: str, value) -> str:
    if col == "source":
        return f'<td><a href="{html.escape(_href(value))}">{html.escape(Path(value).name)}</a></td>'
    if value is None:
        return "<td>—</td>"
    if isinstance(value, float):
        text = f"{value:.1%}" if col.endswith("_rate") else f"{value:g}"
        return f'<td class="n">{text}</td>'
    return f'<td class="n">{value}</td>' if isinstance(value, int) else f"<td>{html.escape(str(value))}</td>"


def table_html(rows: list[dict], cols: tuple[str, ...]) -> str:
    head = "".join(f"<th>{html.escape(COLUMNS[c])}</th>" for c in cols)
    body = "".join("<tr>" + "".join(_cell(c, r[c]) for c in cols) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        years = _rows(con, "SELECT * FROM agency_year ORDER BY agency, year")
        failures = _rows(con, "SELECT * FROM check_failures ORDER BY agency, year, rule, where_")
    finally:
        con.close()
    charts = [received_chart(years), outcomes_chart(years), failures_heatmap(failures, years)]
    divs = [fig.to_html(full_html=False, include_plotlyjs=(i == 0), div_id=f"chart{i}",
                        config={"displaylogo": False, "responsive": True})
            for i, fig in enumerate(charts)]
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>政府信息公开年度报告 比较</title>'
        f"<style>{CSS}</style></head><body><h1>政府信息公开工作年度报告：机关与年度比较</h1>"
        f"<p>{len(years)} 个机关年度（每个机关每年一份主报告），{len(failures)} 项校验未通过。</p>"
        + "".join(f'<div class="chart">{d}</div>' for d in divs)
        + "<h2>机关年度</h2>" + table_html(years, TABLE_COLUMNS)
        + "<h2>校验未通过</h2>" + table_html(failures, FAILURE_COLUMNS)
        + "</body></html>"
    )


def write_report(db: Path, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(db), encoding="utf-8")
    return out
