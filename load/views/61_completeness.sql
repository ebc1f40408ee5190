-- Complete reports (issue 18, docs/supervision.md), one row per primary report: the six sections of the 2019 and
-- 2021 formats present, the three tables present and whole (every cell of one printed layout read), the template
-- of its year (2021 on: the 2021 format; 2019–2020: the 2019 trial format or later; before: any).
CREATE OR REPLACE VIEW completeness AS
WITH six AS (
    SELECT unnest(['overview', 'active', 'requests', 'review', 'problems', 'other']) AS kind
), secs AS (
    SELECT p.report_id,
           list(six.kind ORDER BY six.kind) FILTER (WHERE s.kind IS NULL) AS missing_sections
    FROM stg_primary_reports p
    CROSS JOIN six
    LEFT JOIN (SELECT DISTINCT report_id, kind FROM sections) s ON s.report_id = p.report_id AND s.kind = six.kind
    GROUP BY p.report_id
), cover AS (
    SELECT p.report_id, t.table_name, t.layout, count(*) AS expected, count(f.row_key) AS read
    FROM stg_primary_reports p
    JOIN template_cells t ON t.template = p.template
    LEFT JOIN facts f ON f.report_id = p.report_id AND f.table_name = t.table_name
                     AND f.row_key = t.row_key AND f.col_key = t.col_key
    GROUP BY ALL
), tabs AS (
    SELECT report_id, table_name, max(read) > 0 AS present, bool_or(read = expected) AS whole
    FROM cover GROUP BY ALL
), per_report AS (
    SELECT report_id,
           count(*) FILTER (WHERE present) AS tables_present,
           list(table_name ORDER BY table_name) FILTER (WHERE NOT whole) AS tables_not_whole
    FROM tabs GROUP BY report_id
)
SELECT p.agency_id, p.agency, p.year, p.template,
       CASE WHEN p.year >= 2021 THEN '2021' WHEN p.year >= 2019 THEN '2019' END AS template_expected,
       CASE WHEN p.year >= 2021 THEN p.template = '2021'
            WHEN p.year >= 2019 THEN p.template IN ('2019', '2021')
            ELSE TRUE END AS template_ok,
       CASE WHEN p.template IN ('2019', '2021') THEN coalesce(secs.missing_sections, []) END AS missing_sections,
       coalesce(t.tables_present, 0) AS tables_present,
       CASE WHEN p.template IN ('2019', '2021') THEN coalesce(t.tables_not_whole, []) END AS tables_not_whole,
       CASE WHEN p.template IN ('2019', '2021')
            THEN len(coalesce(secs.missing_sections, [])) = 0 AND coalesce(t.tables_present, 0) = 3
                 AND len(coalesce(t.tables_not_whole, [])) = 0
                 AND (p.year < 2021 OR p.template = '2021')
            WHEN p.year >= 2019 THEN FALSE END AS complete,  -- a 2008-format report of before 2019: not judged
       p.report_id, p.source
FROM stg_primary_reports p
LEFT JOIN secs USING (report_id)
LEFT JOIN per_report t USING (report_id);

-- Reports that should be there and are not, per agency: a year missing between years present ('gap'); and, for
-- an agency whose listing column is crawled (a report of it has an http source), last year's report once its
-- deadline season is over, after 31 March ('overdue').
CREATE OR REPLACE VIEW missing_reports AS
WITH present AS (
    SELECT agency_id, agency, min(year) AS first_year, max(year) AS last_year,
           bool_or(source LIKE 'http%') AS crawled
    FROM stg_primary_reports GROUP BY ALL
), due AS (
    SELECT year(current_date) - CASE WHEN current_date > make_date(year(current_date), 3, 31) THEN 1 ELSE 2 END AS y
), expected AS (
    SELECT agency_id, agency, unnest(range(first_year, last_year)) AS year, 'gap' AS reason FROM present
    UNION ALL
    SELECT agency_id, agency, (SELECT y FROM due), 'overdue' FROM present WHERE crawled AND last_year < (SELECT y FROM due)
)
SELECT e.agency_id, e.agency, e.year, e.reason
FROM expected e
WHERE NOT EXISTS (SELECT 1 FROM stg_primary_reports p WHERE p.agency_id = e.agency_id AND p.year = e.year);
