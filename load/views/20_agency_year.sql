-- One row per agency and year (its primary report): the requests' totals by outcome, rates, review and
-- litigation, and the licensing / penalty / coercion decisions and fees of table 二.
-- A group (denied = its 8 rows, unable 3, not processed 5, other 3 or one printed 其他处理 row) is summed only
-- when every row of the group was read; blanks count as nothing printed. Rates are NULL where the base is 0.
CREATE OR REPLACE VIEW agency_year AS
WITH req AS (
    SELECT report_id,
        max(value) FILTER (WHERE row_key = 'new_received')      AS received,
        max(value) FILTER (WHERE row_key = 'carried_over_in')   AS carried_in,
        max(value) FILTER (WHERE row_key = 'granted')           AS granted,
        max(value) FILTER (WHERE row_key = 'partially_granted') AS partially_granted,
        CASE WHEN count(*) FILTER (WHERE row_key LIKE 'denied%') = 8
             THEN sum(value) FILTER (WHERE row_key LIKE 'denied%') END         AS denied,
        CASE WHEN count(*) FILTER (WHERE row_key LIKE 'unable%') = 3
             THEN sum(value) FILTER (WHERE row_key LIKE 'unable%') END         AS unable,
        max(value) FILTER (WHERE row_key = 'unable_not_held')   AS unable_not_held,
        CASE WHEN count(*) FILTER (WHERE row_key LIKE 'not_processed%') = 5
             THEN sum(value) FILTER (WHERE row_key LIKE 'not_processed%') END  AS not_processed,
        coalesce(
            max(value) FILTER (WHERE row_key = 'other_total'),
            CASE WHEN count(*) FILTER (WHERE row_key IN ('other_overdue_supplement', 'other_fee_unpaid', 'other_other')) = 3
                 THEN sum(value) FILTER (WHERE row_key IN ('other_overdue_supplement', 'other_fee_unpaid', 'other_other')) END
        )                                                       AS other,
        max(value) FILTER (WHERE row_key = 'results_total')     AS total,
        max(value) FILTER (WHERE row_key = 'carried_over_out')  AS carried_out
    FROM stg_facts
    WHERE table_name = 'requests' AND col_key = 'total'
    GROUP BY report_id
), rl AS (
    SELECT report_id,
        max(value) FILTER (WHERE row_key = 'review' AND col_key = 'total')     AS review_total,
        max(value) FILTER (WHERE row_key = 'review' AND col_key = 'corrected') AS review_corrected,
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
), fee AS (  -- the 信息处理费 collected, as the text states it (section 六 of the 2021 format; prose_facts)
    SELECT report_id, max(value) AS processing_fee_cny
    FROM prose_facts
    WHERE table_name = 'prose' AND row_key = 'processing_fee'
    GROUP BY report_id
)
SELECT p.agency_id, p.agency, p.year, p.template, p.status,
       req.received, req.carried_in, req.granted, req.partially_granted, req.denied, req.unable,
       req.not_processed, req.other, req.total, req.carried_out,
       req.granted / nullif(req.total, 0)         AS grant_rate,
       req.unable_not_held / nullif(req.total, 0) AS not_held_rate,
       rl.review_total, rl.review_corrected, rl.review_corrected / nullif(rl.review_total, 0) AS review_corrected_rate,
       rl.litigation_total, rl.litigation_corrected,
       rl.litigation_corrected / nullif(rl.litigation_total, 0)                              AS litigation_corrected_rate,
       act.licensing_decisions, act.penalty_decisions, act.coercion_decisions, act.fees_10k_cny,
       fee.processing_fee_cny,
       p.report_id, p.source, p.primary_reason
FROM stg_primary_reports p
LEFT JOIN req USING (report_id)
LEFT JOIN rl USING (report_id)
LEFT JOIN act USING (report_id)
LEFT JOIN fee USING (report_id);
