"""`xxgk report`: one self-contained HTML page comparing agencies and years.

Charts are plotly figures with plotly.js inlined once (the page opens with no network); the tables under
them link every figure to the document it was read from.
"""
from __future__ import annotations

import html
import json
import os
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import duckdb
import plotly.graph_objects as go

from load.publish.labels import COLUMNS

TOP = 40  # agencies in the bar chart; the rest are in the table, the agency panel and the leaderboard
SHOWN = 2000  # rows of a long table printed; the rest are in the exports
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


def _layout(fig: go.Figure, title: str, x: str, y: str, log: bool = False) -> go.Figure:
    fig.update_layout(title=title, height=440, margin={"t": 60, "b": 60})
    fig.update_xaxes(title_text=x)
    fig.update_yaxes(title_text=y, type="log" if log else "linear")
    return fig


def outcomes_by_year(years: list[dict]) -> go.Figure:
    """Outcomes of all agencies summed per year: a handful of labels whatever the number of agencies."""
    fig = go.Figure()
    ys = sorted({r["year"] for r in years if r["year"] is not None})
    for key in OUTCOMES:
        fig.add_bar(name=COLUMNS[key], x=ys, y=[sum(r[key] or 0 for r in years if r["year"] == y) for y in ys])
    fig.update_layout(barmode="stack", legend_title="办理结果")
    return _layout(fig, "申请办理结果（全部机关合计，按年度）", "年度", "件")


def received_top(years: list[dict], n: int = TOP) -> go.Figure:
    """The agencies receiving most requests in the latest year, on a log scale so that small ones show."""
    latest = max((r["year"] for r in years if r["received"] is not None), default=None)
    rs = sorted((r for r in years if r["year"] == latest and r["received"]), key=lambda r: -r["received"])[:n]
    fig = go.Figure(go.Bar(x=[r["agency"] for r in rs], y=[r["received"] for r in rs], name=str(latest),
                           marker_color="#3a6ea5"))
    return _layout(fig, f"{latest or ''} 年本年新收申请最多的 {len(rs)} 个机关（对数坐标）", "机关", "件（对数）", log=True)


def failures_by_rule(failures: list[dict]) -> go.Figure:
    """Failed rules per year: rules × years, not one row per agency-year."""
    fig = go.Figure()
    ys = sorted({f["year"] for f in failures if f["year"] is not None})
    for rule in sorted({f["rule"] for f in failures}) or ["R1"]:
        fig.add_bar(name=rule, x=ys or [0], y=[sum(1 for f in failures if f["rule"] == rule and f["year"] == y)
                                                for y in ys] or [0])
    fig.update_layout(barmode="group", legend_title="规则")
    return _layout(fig, "校验未通过（按规则、年度；R1–R5 本报告，X1/X2 跨年度）", "年度", "项")


def _href(source: str, base: Path | None = None) -> str:
    """A URL as it is; a local file relative to the folder the page is written in (the page moves with it)."""
    if source.startswith(("http://", "https://")):
        return source
    path = Path(source).resolve()
    if base is None:
        return path.as_uri()
    return quote(os.path.relpath(path, base.resolve()))


def _cell(col: str, value, base: Path | None = None, words: dict[str, str] | None = None) -> str:
    if col == "source":
        return f'<td><a href="{html.escape(_href(value, base))}">{html.escape(Path(value).name)}</a></td>'
    if value is None or value != value:
        return "<td>—</td>"
    if isinstance(value, float):
        text = f"{value:.1%}" if col.endswith("_rate") else (f"{value:.0f}" if value.is_integer() else f"{value:g}")
        return f'<td class="n" data-v="{value}">{text}</td>'
    if isinstance(value, int) and not isinstance(value, bool):
        return f'<td class="n" data-v="{value}">{value}</td>'
    shown = (words or {}).get(str(value), value)
    return f"<td>{html.escape(str(shown))}</td>"


def table_html(rows: list[dict], cols: tuple[str, ...], base: Path | None = None, table_id: str = "",
               words: dict[str, str] | None = None) -> str:
    """A table; with `table_id` sortable (click a header), searchable and filterable by status (script below)."""
    head = "".join(f"<th>{html.escape(COLUMNS.get(c, c))}</th>" for c in cols)
    body = "".join("<tr>" + "".join(_cell(c, r[c], base, words) for c in cols) + "</tr>" for r in rows[:SHOWN])
    more = (f"<p>前 {SHOWN} 行；全部 {len(rows)} 行见 <code>xxgk export</code>。</p>" if len(rows) > SHOWN else "")
    attr = f' id="{table_id}" class="sortable"' if table_id else ""
    return f"<table{attr}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def script_json(value: object) -> str:
    """JSON to stand inside a <script>: agency names come from documents, and one holding "</script>" (or
    "<!--") would end the script and start markup of its author's making. With <, > and & (and the line
    separators JavaScript once refused) as \\u escapes the text is the same JSON, and has no tag in it."""
    text = json.dumps(value, ensure_ascii=False)
    for ch in "<>&\u2028\u2029":
        text = text.replace(ch, f"\\u{ord(ch):04x}")
    return text


SCRIPT = """
function sortBy(th){const t=th.closest('table'),i=[...th.parentNode.children].indexOf(th),b=t.tBodies[0];
 const asc=th.dataset.dir!=='asc';th.dataset.dir=asc?'asc':'desc';
 const key=r=>{const c=r.children[i];return c.dataset.v!==undefined?parseFloat(c.dataset.v):c.textContent};
 [...b.rows].sort((x,y)=>{const a=key(x),c=key(y);return (a>c?1:a<c?-1:0)*(asc?1:-1)}).forEach(r=>b.appendChild(r))}
document.querySelectorAll('table.sortable th').forEach(th=>th.addEventListener('click',()=>sortBy(th)));
function filterRows(){const q=document.getElementById('q').value.trim(),s=document.getElementById('st').value;
 document.querySelectorAll('#ranking tbody tr').forEach(r=>{const t=r.textContent;
  r.style.display=(!q||t.includes(q))&&(!s||r.children[2].textContent===s)?'':'none'})}
document.getElementById('q').addEventListener('input',filterRows);
document.getElementById('st').addEventListener('change',filterRows);
function drawAgency(){const a=document.getElementById('ag').value,rs=(TREND[a]||[]);
 const x=rs.map(r=>r[0]);Plotly.newPlot('agencychart',[
  {type:'scatter',mode:'lines+markers',name:'本年新收申请',x:x,y:rs.map(r=>r[1])},
  {type:'scatter',mode:'lines+markers',name:'予以公开',x:x,y:rs.map(r=>r[2])},
  {type:'scatter',mode:'lines+markers',name:'办理结果总计',x:x,y:rs.map(r=>r[3])}],
  {title:a+'：历年申请与办理',height:360,xaxis:{title:{text:'年度'},dtick:1},yaxis:{title:{text:'件'}}},
  {displaylogo:false,responsive:true})}
document.getElementById('ag').addEventListener('change',drawAgency);drawAgency();
"""


def render(db: Path, base: Path | None = None) -> str:
    """The page: charts that stay readable at any number of agencies, a legend, an agency panel, a sortable
    ranking, the data-quality leaderboard and the failed checks; `base` is the folder the page goes in."""
    from load.issues import RULES, STATUSES

    con = duckdb.connect(str(db), read_only=True)
    try:
        years = _rows(con, "SELECT * FROM agency_year ORDER BY agency, year")
        failures = _rows(con, "SELECT * FROM check_failures ORDER BY agency, year, rule, where_")
        quality = _rows(con, "SELECT * FROM quality ORDER BY rank, agency, year")
        missing = _rows(con, "SELECT * FROM missing_reports ORDER BY agency, year")
    finally:
        con.close()
    charts = [outcomes_by_year(years), received_top(years), failures_by_rule(failures)]
    divs = [fig.to_html(full_html=False, include_plotlyjs=(i == 0), div_id=f"chart{i}",
                        config={"displaylogo": False, "responsive": True})
            for i, fig in enumerate(charts)]
    status_zh = {k: zh for k, (_, zh) in STATUSES.items()}
    latest = {}
    for r in years:  # each agency's latest year: the ranking
        latest[r["agency"]] = r
    ranking = sorted(latest.values(), key=lambda r: -(r["received"] or 0))
    trend: dict[str, list] = {}
    for r in years:
        trend.setdefault(r["agency"], []).append([r["year"], r["received"], r["granted"], r["total"]])
    agencies = "".join(f"<option>{html.escape(a)}</option>" for a in sorted(trend, key=lambda a: -(latest[a]["received"] or 0)))
    legend = ("<h2>图例</h2><p>" + "；".join(f"<b>{k}</b> {html.escape(zh)}" for k, (_, zh) in RULES.items())
              + "</p><p>状态：" + "；".join(f"<b>{html.escape(zh)}</b>（{k}）" for k, (_, zh) in STATUSES.items())
              + "。单位：件；比率为占办理结果总计之比。</p>")
    flagged_q = [q for q in quality if (q.get("score") or 0) < 100]
    quality_cols = tuple(c for c in ("rank", "agency", "year", "score", "on_time", "complete", "arithmetic",
                                     "cross_year", "prose_agrees", "section5_new", "source") if quality and c in quality[0])
    missing_cols = tuple(c for c in ("agency", "year", "reason") if missing and c in missing[0]) or ("agency", "year")
    made = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>政府信息公开年度报告 比较</title>'
        f"<style>{CSS}</style></head><body><h1>政府信息公开工作年度报告：机关与年度比较</h1>"
        f"<p>{len(latest)} 个机关，{len(years)} 个机关年度（每个机关每年一份主报告），{len(failures)} 项校验未通过。"
        f"生成于 {made}，数据仓库 <code>{html.escape(str(db))}</code>。</p>"
        + "".join(f'<div class="chart">{d}</div>' for d in divs)
        + legend
        + f'<h2>单个机关</h2><select id="ag">{agencies}</select><div id="agencychart"></div>'
        + '<h2>机关排名（最近一年）</h2><p><input id="q" placeholder="搜索机关、年度…"> <select id="st">'
        + '<option value="">全部状态</option>' + "".join(f"<option>{html.escape(z)}</option>" for z in status_zh.values())
        + "</select> 点击表头排序。</p>"
        + table_html(ranking, TABLE_COLUMNS, base, "ranking", status_zh)
        + f"<h2>数据质量排名（得分低于 100 的 {len(flagged_q)} 个机关年度）</h2>"
        + table_html(flagged_q, quality_cols, base, "quality")
        + f"<h2>缺失年报（{len(missing)}）</h2>" + table_html(missing, missing_cols, base, "missing")
        + "<h2>校验未通过</h2>" + table_html(failures, FAILURE_COLUMNS, base, "failures")
        + f"<script>const TREND={script_json(trend)};{SCRIPT}</script>"
        + "</body></html>"
    )


def write_report(db: Path, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(db, out.parent), encoding="utf-8")
    return out
