-- The cross-year rules of SPEC §3 between the primary reports of consecutive years of one agency:
-- X1 carried_over_out(y-1) = carried_over_in(y), per requests column;
-- X2 in_force(y-1) + issued(y) - repealed(y) = in_force(y) for rules and normative_docs, 2021 template both years.
-- A rule is applied only where every term was read (a blank issued / repealed counts as nothing printed).
CREATE OR REPLACE VIEW cross_year AS
WITH pairs AS (
    SELECT cur.agency_id, cur.agency, cur.year, prev.year AS prev_year, cur.template, prev.template AS prev_template,
           cur.report_id, prev.report_id AS prev_report_id, cur.source, prev.source AS prev_source
    FROM stg_primary_reports cur
    JOIN stg_primary_reports prev ON prev.agency_id = cur.agency_id AND prev.year = cur.year - 1
), cells AS (
    SELECT report_id, table_name, row_key, col_key, value FROM facts
), x1 AS (
    SELECT p.*, 'X1' AS rule, 'requests/carried_over/' || o.col_key AS where_,
           o.value AS expected, i.value AS actual,
           'carried over out of ' || p.prev_year || ' ≠ carried over into ' || p.year AS message
    FROM pairs p
    JOIN cells o ON o.report_id = p.prev_report_id AND o.table_name = 'requests' AND o.row_key = 'carried_over_out'
    JOIN cells i ON i.report_id = p.report_id AND i.table_name = 'requests' AND i.row_key = 'carried_over_in'
                AND i.col_key = o.col_key
    WHERE o.value IS NOT NULL AND i.value IS NOT NULL
), x2 AS (
    SELECT p.*, 'X2' AS rule, 'active/' || f.row_key || '/in_force' AS where_,
           prev_in_force.value + coalesce(issued.value, 0) - coalesce(repealed.value, 0) AS expected,
           f.value AS actual,
           'in force ' || p.prev_year || ' + issued - repealed ≠ in force ' || p.year AS message
    FROM pairs p
    JOIN cells f ON f.report_id = p.report_id AND f.table_name = 'active' AND f.col_key = 'in_force'
                AND f.row_key IN ('rules', 'normative_docs')
    JOIN cells prev_in_force ON prev_in_force.report_id = p.prev_report_id AND prev_in_force.table_name = 'active'
                AND prev_in_force.row_key = f.row_key AND prev_in_force.col_key = 'in_force'
    JOIN cells issued ON issued.report_id = p.report_id AND issued.table_name = 'active'
                AND issued.row_key = f.row_key AND issued.col_key = 'issued'
    JOIN cells repealed ON repealed.report_id = p.report_id AND repealed.table_name = 'active'
                AND repealed.row_key = f.row_key AND repealed.col_key = 'repealed'
    WHERE p.template = '2021' AND p.prev_template = '2021' AND f.value IS NOT NULL AND prev_in_force.value IS NOT NULL
)
SELECT agency_id, agency, year, prev_year, rule, where_, expected, actual, abs(expected - actual) < 1e-6 AS ok,
       message, report_id, prev_report_id, source, prev_source
FROM (SELECT * FROM x1 UNION ALL BY NAME SELECT * FROM x2);
