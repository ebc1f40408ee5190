-- The data-quality leaderboard (issue 18, docs/supervision.md): one row per agency and year (its primary report),
-- each indicator TRUE / FALSE / NULL (unknown: no date, no previous year, no figure stated), and a score 0–100:
-- the weights of data/quality_weights.csv over the indicators known, so that what cannot be judged neither
-- helps nor hurts. Ranked within the year, best first.
CREATE OR REPLACE VIEW quality AS
WITH w AS (
    SELECT max(weight) FILTER (WHERE indicator = 'on_time')      AS w_on_time,
           max(weight) FILTER (WHERE indicator = 'complete')     AS w_complete,
           max(weight) FILTER (WHERE indicator = 'arithmetic')   AS w_arithmetic,
           max(weight) FILTER (WHERE indicator = 'cross_year')   AS w_cross_year,
           max(weight) FILTER (WHERE indicator = 'prose_agrees') AS w_prose_agrees,
           max(weight) FILTER (WHERE indicator = 'section5_new') AS w_section5_new
    FROM quality_weights
), rules AS (
    SELECT report_id,
           CASE WHEN count(*) FILTER (WHERE rule IN ('R1', 'R2', 'R3', 'R4')) > 0
                THEN bool_and(ok) FILTER (WHERE rule IN ('R1', 'R2', 'R3', 'R4')) END AS arithmetic,
           CASE WHEN count(*) FILTER (WHERE rule = 'X3') > 0 THEN bool_and(ok) FILTER (WHERE rule = 'X3') END AS prose_agrees
    FROM checks GROUP BY report_id
), xy AS (
    SELECT report_id, bool_and(ok) AS cross_year FROM cross_year GROUP BY report_id
), s5 AS (
    SELECT report_id, NOT bool_or(repeated) AS section5_new, max(similarity) AS section5_similarity
    FROM section_repeats WHERE repeated IS NOT NULL GROUP BY report_id
), ind AS (
    SELECT p.agency_id, p.agency, p.year, t.on_time, t.days_late, c.complete, rules.arithmetic, xy.cross_year,
           rules.prose_agrees, s5.section5_new, s5.section5_similarity, p.report_id, p.source
    FROM stg_primary_reports p
    LEFT JOIN timeliness t USING (report_id)
    LEFT JOIN completeness c USING (report_id)
    LEFT JOIN rules USING (report_id)
    LEFT JOIN xy USING (report_id)
    LEFT JOIN s5 USING (report_id)
), scored AS (
    SELECT ind.*,
           coalesce(w_on_time * ind.on_time::INT, 0) + coalesce(w_complete * ind.complete::INT, 0)
             + coalesce(w_arithmetic * ind.arithmetic::INT, 0) + coalesce(w_cross_year * ind.cross_year::INT, 0)
             + coalesce(w_prose_agrees * ind.prose_agrees::INT, 0) + coalesce(w_section5_new * ind.section5_new::INT, 0)
             AS points,
           CASE WHEN ind.on_time IS NULL THEN 0 ELSE w_on_time END + CASE WHEN ind.complete IS NULL THEN 0 ELSE w_complete END
             + CASE WHEN ind.arithmetic IS NULL THEN 0 ELSE w_arithmetic END
             + CASE WHEN ind.cross_year IS NULL THEN 0 ELSE w_cross_year END
             + CASE WHEN ind.prose_agrees IS NULL THEN 0 ELSE w_prose_agrees END
             + CASE WHEN ind.section5_new IS NULL THEN 0 ELSE w_section5_new END AS weight_known
    FROM ind CROSS JOIN w
)
SELECT agency_id, agency, year,
       rank() OVER (PARTITION BY year ORDER BY round(100 * points / nullif(weight_known, 0), 1) DESC NULLS LAST,
                    weight_known DESC) AS rank,
       round(100 * points / nullif(weight_known, 0), 1) AS score, weight_known,
       on_time, days_late, complete, arithmetic, cross_year, prose_agrees, section5_new, section5_similarity,
       report_id, source
FROM scored;
