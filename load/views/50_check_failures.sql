-- Every rule that fails on a primary report: the report's own arithmetic (R1–R5, table `checks`) and the
-- cross-year rules (X1, X2, view cross_year).
CREATE OR REPLACE VIEW check_failures AS
SELECT p.agency_id, p.agency, p.year, c.rule, c.where_, c.expected, c.actual, c.message, p.report_id, p.source
FROM stg_primary_reports p
JOIN checks c USING (report_id)
WHERE NOT c.ok
UNION ALL
SELECT agency_id, agency, year, rule, where_, expected, actual, message, report_id, source
FROM cross_year
WHERE NOT ok;
