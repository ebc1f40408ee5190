"""Chinese labels of the warehouse's columns and of table 三's rows, for headers people read."""
from __future__ import annotations

from transform.schema import REQUEST_COLS, REQUESTS_2021, REQUESTS_OTHER_AS_ONE

VIEWS = ("agency_year", "requests_wide", "check_failures", "cross_year",
         "timeliness", "completeness", "missing_reports", "quality", "report_issues")
TABLES = ("agencies", "reports", "facts", "checks", "sections", "prose_facts", "labels")
SHEETS = {"agency_year": "机关年度", "requests_wide": "依申请公开明细", "check_failures": "校验未通过",
          "cross_year": "跨年度校验", "agencies": "机关",
          "timeliness": "公开时限", "completeness": "报告完整性", "missing_reports": "缺失年报", "quality": "数据质量排名",
          "report_issues": "存疑原因"}

COLUMNS = {
    "agency_id": "机关编号", "agency": "机关", "year": "年度", "template": "模板", "status": "状态",
    "received": "本年新收申请", "carried_in": "上年结转申请", "granted": "予以公开", "partially_granted": "部分公开",
    "denied": "不予公开", "unable": "无法提供", "not_processed": "不予处理", "other": "其他处理",
    "total": "总计", "carried_out": "结转下年度继续办理", "grant_rate": "予以公开率",
    "not_held_rate": "本机关不掌握相关政府信息占比", "review_total": "行政复议总计", "review_corrected": "行政复议结果纠正",
    "review_corrected_rate": "行政复议纠错率", "litigation_total": "行政诉讼总计",
    "litigation_corrected": "行政诉讼结果纠正", "litigation_corrected_rate": "行政诉讼纠错率",
    "licensing_decisions": "行政许可决定数", "penalty_decisions": "行政处罚决定数", "coercion_decisions": "行政强制决定数",
    "fees_10k_cny": "行政事业性收费（万元）", "report_id": "报告编号", "source": "来源", "primary_reason": "选为主报告的理由",
    "row_key": "行", "row_label": "项目", "rule": "规则", "where_": "位置", "expected": "应为", "actual": "实为",
    "message": "说明", "prev_year": "上一年度", "ok": "是否相符", "prev_report_id": "上一年度报告编号",
    "prev_source": "上一年度来源", "name": "名称", "region": "地区", "level": "层级", "region_code": "行政区划代码",
    "province": "省", "city": "市", "county": "县（区）", "parent_id": "上级机关编号", "names": "报告中的名称",
    "processing_fee_cny": "信息处理费（元）", "published_on": "发布日期", "published_on_source": "发布日期来源",
    "deadline": "公开期限", "days_late": "逾期天数", "on_time": "是否按时", "article": "依据",
    "template_expected": "应用模板", "template_ok": "模板是否正确", "missing_sections": "缺少的部分",
    "tables_present": "表格数", "tables_not_whole": "不完整的表格", "complete": "是否完整", "reason": "原因",
    "rank": "排名", "score": "得分", "weight_known": "可评权重", "arithmetic": "表内勾稽相符",
    "cross_year": "跨年度相符", "prose_agrees": "正文与表格相符", "section5_new": "问题部分为新写",
    "section5_similarity": "与上年问题部分相似度",
    "kind": "类别", "code": "代码", "table_name": "表", "col_key": "列", "message_en": "说明（英文）",
    "message_zh": "说明", "label": "中文名称", "position": "顺序",
    **{f"{f}_trust": f"{label}可信度" for f, label in (
        ("received", "本年新收申请"), ("carried_in", "上年结转申请"), ("granted", "予以公开"),
        ("partially_granted", "部分公开"), ("denied", "不予公开"), ("unable", "无法提供"),
        ("not_processed", "不予处理"), ("other", "其他处理"), ("total", "总计"), ("carried_out", "结转下年度"),
        ("grant_rate", "予以公开率"), ("review_total", "行政复议总计"))},
    **REQUEST_COLS,
}

REQUEST_ROWS = {r.key: f"{r.group}·{r.label}" if r.group else r.label
                for r in REQUESTS_2021.rows + REQUESTS_OTHER_AS_ONE.rows}
