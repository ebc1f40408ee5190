-- Publication on time (issue 18, docs/supervision.md): the primary report of each agency and year, the date it
-- was published (detail page, else its closing date line, else HTTP Last-Modified: published_on_source), the
-- deadline of data/deadlines.csv for the agency's level and the year, and the days late. NULL where the date or
-- the rule is unknown: never guessed.
CREATE OR REPLACE VIEW timeliness AS
SELECT p.agency_id, p.agency, a.level, p.year, r.published_on, r.published_on_source,
       make_date(p.year + 1, d.month, d.day) AS deadline,
       CASE WHEN r.published_on IS NOT NULL AND d.month IS NOT NULL
            THEN greatest(0, date_diff('day', make_date(p.year + 1, d.month, d.day), r.published_on)) END AS days_late,
       CASE WHEN r.published_on IS NOT NULL AND d.month IS NOT NULL
            THEN r.published_on <= make_date(p.year + 1, d.month, d.day) END AS on_time,
       d.article, p.report_id, p.source
FROM stg_primary_reports p
JOIN reports r USING (report_id)
LEFT JOIN agencies a ON a.agency_id = p.agency_id
LEFT JOIN deadline_rules d ON d.level = a.level AND p.year >= coalesce(d.first_year, p.year)
                          AND p.year <= coalesce(d.last_year, p.year);
