-- One row per agency and year (its primary report): the requests' totals by outcome, rates, review and
-- litigation, and the licensing / penalty / coercion decisions and fees of table 二. Counts are BIGINT, rates
-- DOUBLE rounded to 4 places. Each figure of table 三 and review_total has a `<figure>_trust` column: printed,
-- derived (总计 blank, summed from the printed applicant columns) or fails_check (a check of its table fails).
-- A group (denied = its 8 rows, unable 3, not processed 5, other 3 or one printed 其他处理 row) is summed only
-- when every row of the group was read; blanks count as nothing printed. Rates are NULL where the base is 0.
-- Table 三's 总计 column of each primary report and row: the printed total, or — where 总计 is blank and every
-- applicant cell of the row is read (numbers or blanks, at least one number) — their sum, `derived`.
CREATE OR REPLACE VIEW stg_request_totals AS
WITH cols AS (  -- applicant columns each template prints in table 三
    SELECT template, count(DISTINCT col_key) AS n FROM template_cells
    WHERE table_name = 'requests' AND col_key <> 'total' GROUP BY template
), t AS (
    SELECT f.report_id, f.template, f.row_key,
        max(f.value) FILTER (WHERE f.col_key = 'total' AND f.cell_status = 'number')               AS printed,
        bool_or(f.col_key = 'total' AND f.cell_status <> 'blank')                                  AS total_not_blank,
        count(*) FILTER (WHERE f.col_key <> 'total' AND f.cell_status IN ('number', 'blank'))       AS applicants_read,
        count(*) FILTER (WHERE f.col_key <> 'total' AND f.cell_status = 'number')                  AS applicant_numbers,
        sum(f.value) FILTER (WHERE f.col_key <> 'total' AND f.cell_status = 'number')              AS applicant_sum
    FROM stg_facts f
    WHERE f.table_name = 'requests'
    GROUP BY f.report_id, f.template, f.row_key
)
SELECT t.report_id, t.row_key,
       CASE WHEN t.printed IS NOT NULL THEN t.printed
            WHEN NOT coalesce(t.total_not_blank, false) AND t.applicants_read = cols.n AND t.applicant_numbers > 0
            THEN t.applicant_sum END AS value,
       CASE WHEN t.printed IS NOT NULL THEN 'printed'
            WHEN NOT coalesce(t.total_not_blank, false) AND t.applicants_read = cols.n AND t.applicant_numbers > 0
            THEN 'derived' END AS how
FROM t LEFT JOIN cols USING (template);

-- Cells a failed check of their report names: R3 and R4 the whole row, R1 its four rows and R2 the results
-- rows of its column, R5 the one cell. col_key '*' stands for every column.
CREATE OR REPLACE VIEW stg_failed_cells AS
SELECT DISTINCT report_id, table_name, row_key, col_key FROM (
    SELECT report_id, split_part(where_, '/', 1) AS table_name, split_part(where_, '/', 2) AS row_key,
           CASE WHEN rule = 'R5' THEN split_part(where_, '/', 3) ELSE '*' END AS col_key
    FROM checks WHERE NOT ok AND rule IN ('R3', 'R4', 'R5')
    UNION ALL
    SELECT c.report_id, 'requests', r.row_key, split_part(c.where_, '/', 3)
    FROM checks c, (VALUES ('new_received'), ('carried_over_in'), ('results_total'), ('carried_over_out')) r(row_key)
    WHERE NOT c.ok AND c.rule = 'R1'
    UNION ALL
    SELECT c.report_id, 'requests', f.row_key, split_part(c.where_, '/', 3)
    FROM checks c JOIN facts f ON f.report_id = c.report_id AND f.table_name = 'requests'
         AND f.col_key = split_part(c.where_, '/', 3)
    WHERE NOT c.ok AND c.rule = 'R2' AND f.row_key NOT IN ('new_received', 'carried_over_in', 'carried_over_out')
);

-- The trust of each figure's cells, as a rank: 1 printed, 2 derived (a 总计 summed from its printed applicant
-- columns), 3 fails_check (a failed check names the cell). A figure made of several cells takes the worst.
CREATE OR REPLACE VIEW stg_request_trust AS
SELECT t.report_id, t.row_key, t.value,
       CASE WHEN EXISTS (SELECT 1 FROM stg_failed_cells x WHERE x.report_id = t.report_id AND x.table_name = 'requests'
                         AND x.row_key = t.row_key AND x.col_key IN ('total', '*')) THEN 3
            WHEN t.how = 'derived' THEN 2 WHEN t.how = 'printed' THEN 1 END AS trust
FROM stg_request_totals t;

CREATE OR REPLACE VIEW agency_year AS
WITH req AS (
    SELECT report_id,
        max(value) FILTER (WHERE row_key = 'new_received')      AS received,
        max(trust) FILTER (WHERE row_key = 'new_received')      AS received_t,
        max(value) FILTER (WHERE row_key = 'carried_over_in')   AS carried_in,
        max(trust) FILTER (WHERE row_key = 'carried_over_in')   AS carried_in_t,
        max(value) FILTER (WHERE row_key = 'granted')           AS granted,
        max(trust) FILTER (WHERE row_key = 'granted')           AS granted_t,
        max(value) FILTER (WHERE row_key = 'partially_granted') AS partially_granted,
        max(trust) FILTER (WHERE row_key = 'partially_granted') AS partially_granted_t,
        CASE WHEN count(*) FILTER (WHERE row_key LIKE 'denied%') = 8
             THEN sum(value) FILTER (WHERE row_key LIKE 'denied%') END         AS denied,
        max(trust) FILTER (WHERE row_key LIKE 'denied%')                       AS denied_t,
        CASE WHEN count(*) FILTER (WHERE row_key LIKE 'unable%') = 3
             THEN sum(value) FILTER (WHERE row_key LIKE 'unable%') END         AS unable,
        max(trust) FILTER (WHERE row_key LIKE 'unable%')                       AS unable_t,
        max(value) FILTER (WHERE row_key = 'unable_not_held')   AS unable_not_held,
        max(trust) FILTER (WHERE row_key = 'unable_not_held')   AS unable_not_held_t,
        CASE WHEN count(*) FILTER (WHERE row_key LIKE 'not_processed%') = 5
             THEN sum(value) FILTER (WHERE row_key LIKE 'not_processed%') END  AS not_processed,
        max(trust) FILTER (WHERE row_key LIKE 'not_processed%')                AS not_processed_t,
        coalesce(
            max(value) FILTER (WHERE row_key = 'other_total'),
            CASE WHEN count(*) FILTER (WHERE row_key IN ('other_overdue_supplement', 'other_fee_unpaid', 'other_other')) = 3
                 THEN sum(value) FILTER (WHERE row_key IN ('other_overdue_supplement', 'other_fee_unpaid', 'other_other')) END
        )                                                       AS other,
        max(trust) FILTER (WHERE row_key LIKE 'other%')         AS other_t,
        max(value) FILTER (WHERE row_key = 'results_total')     AS total,
        max(trust) FILTER (WHERE row_key = 'results_total')     AS total_t,
        max(value) FILTER (WHERE row_key = 'carried_over_out')  AS carried_out,
        max(trust) FILTER (WHERE row_key = 'carried_over_out')  AS carried_out_t
    FROM stg_request_trust
    GROUP BY report_id
), rl AS (
    SELECT report_id,
        max(value) FILTER (WHERE row_key = 'review' AND col_key = 'total')     AS review_total,
        max(value) FILTER (WHERE row_key = 'review' AND col_key = 'corrected') AS review_corrected,
        CASE WHEN EXISTS (SELECT 1 FROM stg_failed_cells x WHERE x.report_id = stg_facts.report_id
                          AND x.table_name = 'review_litigation' AND x.row_key = 'review') THEN 3
             WHEN count(*) FILTER (WHERE row_key = 'review' AND col_key = 'total' AND cell_status = 'number') > 0
             THEN 1 END AS review_t,
        CASE WHEN count(*) FILTER (WHERE row_key LIKE 'litigation%' AND col_key = 'total') = 2
             THEN sum(value) FILTER (WHERE row_key LIKE 'litigation%' AND col_key = 'total') END     AS litigation_total,
        CASE WHEN count(*) FILTER (WHERE row_key LIKE 'litigation%' AND col_key = 'corrected') = 2
             THEN sum(value) FILTER (WHERE row_key LIKE 'litigation%' AND col_key = 'corrected') END AS litigation_corrected
    FROM stg_facts
    WHERE table_name = 'review_litigation'
    GROUP BY report_id
), act AS (
    SELECT report_id,
        max(value) FILTER (WHERE row_key = 'licensing' AND col_key = 'decisions')   AS licensing_decisions,
        max(value) FILTER (WHERE row_key = 'penalty' AND col_key = 'decisions')     AS penalty_decisions,
        max(value) FILTER (WHERE row_key = 'coercion' AND col_key = 'decisions')    AS coercion_decisions,
        max(value) FILTER (WHERE row_key = 'fees' AND col_key = 'amount_10k_cny')   AS fees_10k_cny
    FROM stg_facts
    WHERE table_name = 'active'
    GROUP BY report_id
), fee AS (  -- the 信息处理费 collected, as the text states it (section 六 of the 2021 format; prose_facts);
             -- NULL where the text states two different amounts (a total and a part, this year and last: not guessed)
    SELECT report_id, CASE WHEN min(value) = max(value) THEN max(value) END AS processing_fee_cny
    FROM prose_facts
    WHERE table_name = 'prose' AND row_key = 'processing_fee'
    GROUP BY report_id
)
SELECT p.agency_id, p.agency, p.year, p.template, p.status,
       req.received::BIGINT AS received, req.carried_in::BIGINT AS carried_in, req.granted::BIGINT AS granted,
       req.partially_granted::BIGINT AS partially_granted, req.denied::BIGINT AS denied, req.unable::BIGINT AS unable,
       req.not_processed::BIGINT AS not_processed, req.other::BIGINT AS other, req.total::BIGINT AS total,
       req.carried_out::BIGINT AS carried_out,
       round(req.granted / nullif(req.total, 0), 4)         AS grant_rate,
       round(req.unable_not_held / nullif(req.total, 0), 4) AS not_held_rate,
       rl.review_total::BIGINT AS review_total, rl.review_corrected::BIGINT AS review_corrected,
       round(rl.review_corrected / nullif(rl.review_total, 0), 4) AS review_corrected_rate,
       rl.litigation_total::BIGINT AS litigation_total, rl.litigation_corrected::BIGINT AS litigation_corrected,
       round(rl.litigation_corrected / nullif(rl.litigation_total, 0), 4)                   AS litigation_corrected_rate,
       act.licensing_decisions::BIGINT AS licensing_decisions, act.penalty_decisions::BIGINT AS penalty_decisions,
       act.coercion_decisions::BIGINT AS coercion_decisions, act.fees_10k_cny,
       fee.processing_fee_cny,
       p.report_id, p.source, p.primary_reason,
       [NULL, 'printed', 'derived', 'fails_check'][req.received_t + 1] AS received_trust,
       [NULL, 'printed', 'derived', 'fails_check'][req.carried_in_t + 1] AS carried_in_trust,
       [NULL, 'printed', 'derived', 'fails_check'][req.granted_t + 1] AS granted_trust,
       [NULL, 'printed', 'derived', 'fails_check'][req.partially_granted_t + 1] AS partially_granted_trust,
       [NULL, 'printed', 'derived', 'fails_check'][req.denied_t + 1] AS denied_trust,
       [NULL, 'printed', 'derived', 'fails_check'][req.unable_t + 1] AS unable_trust,
       [NULL, 'printed', 'derived', 'fails_check'][req.not_processed_t + 1] AS not_processed_trust,
       [NULL, 'printed', 'derived', 'fails_check'][req.other_t + 1] AS other_trust,
       [NULL, 'printed', 'derived', 'fails_check'][req.total_t + 1] AS total_trust,
       [NULL, 'printed', 'derived', 'fails_check'][req.carried_out_t + 1] AS carried_out_trust,
       [NULL, 'printed', 'derived', 'fails_check'][greatest(req.granted_t, req.total_t) + 1] AS grant_rate_trust,
       [NULL, 'printed', 'derived', 'fails_check'][rl.review_t + 1] AS review_total_trust
FROM stg_primary_reports p
LEFT JOIN req USING (report_id)
LEFT JOIN rl USING (report_id)
LEFT JOIN act USING (report_id)
LEFT JOIN fee USING (report_id);
