-- staging: the primary document of each agency and year (load/primary.py), named by the agency dimension,
-- and its cells. Every mart below reads these two, so each report counts once.
CREATE OR REPLACE VIEW stg_primary_reports AS
SELECT r.agency_id, a.name AS agency, r.year, r.report_id, r.template, r.status, r.format, r.source,
       r.primary_reason
FROM reports r
JOIN agencies a USING (agency_id)
WHERE r.is_primary;

CREATE OR REPLACE VIEW stg_facts AS
SELECT p.agency_id, p.agency, p.year, p.report_id, p.template, p.source,
       f.table_name, f.row_key, f.col_key, f.value, f.cell_status, f.raw, f.page
FROM stg_primary_reports p
JOIN facts f USING (report_id);
