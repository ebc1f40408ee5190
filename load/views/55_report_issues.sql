-- Why a report is flagged, one query away (issue 15): every failed check (kind 'check') and every warning
-- (kind 'warning', table report_warnings) of every report, with the cell it names and its words in English
-- and Chinese (table codes). `code` is the rule (R1…R5, X3) or the warning code (transform/notes.py).
CREATE OR REPLACE VIEW report_issues AS
SELECT r.report_id, r.agency, r.year, r.status, r.source, 'check' AS kind, c.rule AS code,
       split_part(c.where_, '/', 1) AS table_name, nullif(split_part(c.where_, '/', 2), '*') AS row_key,
       nullif(split_part(c.where_, '/', 3), '') AS col_key, c.expected, c.actual,
       coalesce(nullif(c.message, ''), k.en) AS message_en, k.zh AS message_zh
FROM reports r
JOIN checks c USING (report_id)
LEFT JOIN codes k ON k.domain = 'rule' AND k.key = c.rule
WHERE NOT c.ok
UNION ALL
SELECT r.report_id, r.agency, r.year, r.status, r.source, 'warning', w.code, w.table_name, w.row_key, w.col_key,
       NULL, NULL, w.message, k.zh
FROM reports r
JOIN report_warnings w USING (report_id)
LEFT JOIN codes k ON k.domain = 'warning' AND k.key = w.code
UNION ALL
SELECT r.report_id, r.agency, r.year, r.status, r.source, 'error', 'error', NULL, NULL, NULL, NULL, NULL,
       r.error, NULL
FROM reports r
WHERE r.error IS NOT NULL;
