-- One row per primary report and row of table 三 (requests), the seven applicant columns side by side.
CREATE OR REPLACE VIEW requests_wide AS
SELECT agency_id, agency, year, row_key,
       max(value) FILTER (WHERE col_key = 'natural_person')        AS natural_person,
       max(value) FILTER (WHERE col_key = 'commercial_enterprise') AS commercial_enterprise,
       max(value) FILTER (WHERE col_key = 'research_institution')  AS research_institution,
       max(value) FILTER (WHERE col_key = 'public_welfare_org')    AS public_welfare_org,
       max(value) FILTER (WHERE col_key = 'legal_service_org')     AS legal_service_org,
       max(value) FILTER (WHERE col_key = 'other_org')             AS other_org,
       max(value) FILTER (WHERE col_key = 'total')                 AS total,
       report_id, source
FROM stg_facts
WHERE table_name = 'requests'
GROUP BY agency_id, agency, year, row_key, report_id, source;
