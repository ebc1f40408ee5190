"""The canonical tables of SPEC §2, written once, as data.

Every other module reads table, row and column keys, their printed labels and
their order from here. Labels are the forms reports print; `aliases` are other
forms seen in real reports (old names, typos). Matching is done on normalised
text (see `transform.labels`), so spacing, brackets and 1. vs 1、 need no alias.
"""
from __future__ import annotations

from dataclasses import dataclass, field

TABLES = ("active", "requests", "review_litigation")
TEMPLATES = ("2021", "2019", "pre2019")


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cols: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    group: str = ""  # the group label a numbered sub-row sits under, e.g. 不予公开


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    rows: tuple[Row, ...]
    col_labels: dict[str, str] = field(default_factory=dict)
    counts: bool = False  # every cell is a whole number (件): a printed '3.0' is an enumerator and a value

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

    @property
    def row_keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.rows)


# --- table 二: 主动公开政府信息情况 -------------------------------------------

ACTIVE_COLS_2021 = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "amount_10k_cny": "本年收费金额（单位：万元）",
}
_DOCS21 = ("issued", "repealed", "in_force")

ACTIVE_2021 = Table(
    "active",
    "主动公开政府信息情况",
    (
        Row("rules", "规章", _DOCS21),
        Row("normative_docs", "行政规范性文件", _DOCS21, aliases=("规范性文件",)),
        Row("licensing", "行政许可", ("decisions",)),
        Row("penalty", "行政处罚", ("decisions",)),
        Row("coercion", "行政强制", ("decisions",)),
        Row("fees", "行政事业性收费", ("amount_10k_cny",)),
    ),
    ACTIVE_COLS_2021,
)

ACTIVE_COLS_2019 = {
    "made": "本年新制作数量",
    "published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "items_prev_year": "上一年项目数量",
    "items_change": "本年增/减",
    "decisions": "处理决定数量",
    "procurement_items": "采购项目数量",
    "procurement_amount": "采购总金额",
}
_DOCS19 = ("made", "published", "total_published")
_ITEMS19 = ("items_prev_year", "items_change", "decisions")

ACTIVE_2019 = Table(
    "active",
    "主动公开政府信息情况",
    (
        Row("rules", "规章", _DOCS19),
        Row("normative_docs", "规范性文件", _DOCS19, aliases=("行政规范性文件",)),
        Row("licensing", "行政许可", _ITEMS19),
        Row("other_services", "其他对外管理服务事项", _ITEMS19),
        Row("penalty", "行政处罚", _ITEMS19),
        Row("coercion", "行政强制", _ITEMS19),
        Row("fees", "行政事业性收费", ("items_prev_year", "items_change")),
        Row("procurement", "政府集中采购", ("procurement_items", "procurement_amount")),
    ),
    ACTIVE_COLS_2019,
)

# A stock at year end is at least what came in this year less what went out: X2 of SPEC §3 with the
# previous year's stock ≥ 0 (对外公开总数量 counts this year's 本年新公开数量 too). Reports are not held
# to it; it only chooses among readings of fused digits that all fit the table's arithmetic.
STOCK_BOUNDS = (  # (row cols: stock, inflow, outflow or "")
    ("in_force", "issued", "repealed"),
    ("total_published", "published", ""),
)

# --- table 三: 收到和处理政府信息公开申请情况 ----------------------------------

REQUEST_COLS = {
    "natural_person": "自然人",
    "commercial_enterprise": "商业企业",
    "research_institution": "科研机构",
    "public_welfare_org": "社会公益组织",
    "legal_service_org": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}
_RC = tuple(REQUEST_COLS)

_REQ_HEAD = (
    Row("new_received", "本年新收政府信息公开申请数量", _RC),
    Row("carried_over_in", "上年结转政府信息公开申请数量", _RC),
    Row("granted", "予以公开", _RC),
    Row("partially_granted", "部分公开", _RC),
    Row("denied_state_secret", "属于国家秘密", _RC, group="不予公开"),
    Row("denied_other_law", "其他法律行政法规禁止公开", _RC, aliases=("其他法律行政止公开",), group="不予公开"),
    Row("denied_security_stability", "危及三安全一稳定", _RC, group="不予公开"),
    Row("denied_third_party", "保护第三方合法权益", _RC, group="不予公开"),
    Row("denied_internal_affairs", "属于三类内部事务信息", _RC, group="不予公开"),
    Row("denied_process_info", "属于四类过程性信息", _RC, group="不予公开"),
    Row("denied_enforcement_file", "属于行政执法案卷", _RC, group="不予公开"),
    Row("denied_admin_query", "属于行政查询事项", _RC, group="不予公开"),
    Row("unable_not_held", "本机关不掌握相关政府信息", _RC, group="无法提供"),
    Row("unable_needs_creation", "没有现成信息需要另行制作", _RC, group="无法提供"),
    Row("unable_unclear", "补正后申请内容仍不明确", _RC, group="无法提供"),
    Row("not_processed_petition", "信访举报投诉类申请", _RC, group="不予处理"),
    Row("not_processed_repeat", "重复申请", _RC, group="不予处理"),
    Row("not_processed_publication", "要求提供公开出版物", _RC, group="不予处理"),
    Row("not_processed_mass_repeat", "无正当理由大量反复申请", _RC, group="不予处理"),
    Row("not_processed_confirm", "要求行政机关确认或重新出具已获取信息", _RC, group="不予处理"),
)
_REQ_OTHER_SPLIT = (
    Row("other_overdue_supplement", "申请人无正当理由逾期不补正行政机关不再处理其政府信息公开申请", _RC, group="其他处理"),
    Row("other_fee_unpaid", "申请人逾期未按收费通知要求缴纳费用行政机关不再处理其政府信息公开申请", _RC, group="其他处理"),
    Row("other_other", "其他", _RC, group="其他处理"),
)
_REQ_OTHER_TOTAL = (Row("other_total", "其他处理", _RC),)
_REQ_TAIL = (
    Row("results_total", "总计", _RC),
    Row("carried_over_out", "结转下年度继续办理", _RC),
)

REQUESTS_2021 = Table("requests", "收到和处理政府信息公开申请情况", _REQ_HEAD + _REQ_OTHER_SPLIT + _REQ_TAIL, REQUEST_COLS,
                      counts=True)
# Where a report prints （六）其他处理 as one row (the 2019 template, some 2021 reports).
REQUESTS_OTHER_AS_ONE = Table("requests", "收到和处理政府信息公开申请情况", _REQ_HEAD + _REQ_OTHER_TOTAL + _REQ_TAIL,
                              REQUEST_COLS, counts=True)

OUTCOME_ROWS = tuple(r.key for r in _REQ_HEAD[2:] + _REQ_OTHER_SPLIT)  # rows R2 sums (other_total replaces the split)
APPLICANT_COLS = _RC[:-1]

# --- table 四: 政府信息公开行政复议、行政诉讼情况 ------------------------------

REVIEW_COLS = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计"}
_VC = tuple(REVIEW_COLS)
REVIEW_LITIGATION = Table(
    "review_litigation",
    "政府信息公开行政复议、行政诉讼情况",
    (
        Row("review", "行政复议", _VC),
        Row("litigation_direct", "未经复议直接起诉", _VC),
        Row("litigation_after_review", "复议后起诉", _VC),
    ),
    REVIEW_COLS,
    counts=True,
)

# --- sections -------------------------------------------------------------------

SECTION_TITLES = {
    "overview": "总体情况",
    "active": "主动公开政府信息情况",
    "requests": "收到和处理政府信息公开申请情况",
    "review_litigation": "政府信息公开行政复议、行政诉讼情况",
    "problems": "存在的主要问题及改进情况",
    "other": "其他需要报告的事项",
}


def tables_for(template: str) -> dict[str, Table]:
    """The canonical tables a template has (none for pre2019)."""
    if template == "2021":
        return {"active": ACTIVE_2021, "requests": REQUESTS_2021, "review_litigation": REVIEW_LITIGATION}
    if template == "2019":
        return {"active": ACTIVE_2019, "requests": REQUESTS_OTHER_AS_ONE, "review_litigation": REVIEW_LITIGATION}
    return {}


def all_keys() -> dict[str, dict[str, tuple[str, ...]]]:
    """Every (table → row → cols) key of every template: the vocabulary of the warehouse."""
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for t in (ACTIVE_2021, ACTIVE_2019, REQUESTS_2021, REQUESTS_OTHER_AS_ONE, REVIEW_LITIGATION):
        rows = out.setdefault(t.key, {})
        for r in t.rows:
            rows[r.key] = tuple(dict.fromkeys(rows.get(r.key, ()) + r.cols))
    return out
