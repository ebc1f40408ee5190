-- The warehouse tables of SPEC §5. Views live in views/*.sql.
-- agencies is a dimension rebuilt at every load from the agency names of `reports` (load/agencies.py).
CREATE TABLE IF NOT EXISTS agencies (
    agency_id   VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    region      VARCHAR,
    level       VARCHAR CHECK (level IN ('province', 'city', 'county', 'township', 'department')),
    region_code VARCHAR,
    province    VARCHAR,
    city        VARCHAR,
    county      VARCHAR,
    parent_id   VARCHAR,
    names       VARCHAR[]
);

CREATE TABLE IF NOT EXISTS reports (
    report_id      VARCHAR PRIMARY KEY,
    agency_id      VARCHAR,
    agency         VARCHAR,
    year           INTEGER,
    template       VARCHAR,
    source         VARCHAR NOT NULL,
    sha256         VARCHAR,
    format         VARCHAR,
    status         VARCHAR NOT NULL CHECK (status IN ('ok', 'flagged', 'failed', 'skipped')),
    error          VARCHAR,
    parser_version VARCHAR,
    loaded_at      TIMESTAMP,
    confidence     DOUBLE,
    warnings       VARCHAR[],
    is_primary     BOOLEAN,
    primary_reason VARCHAR
);

CREATE TABLE IF NOT EXISTS facts (
    report_id   VARCHAR NOT NULL,
    agency_id   VARCHAR,
    year        INTEGER,
    table_name  VARCHAR NOT NULL,
    row_key     VARCHAR NOT NULL,
    col_key     VARCHAR NOT NULL,
    value       DOUBLE,
    cell_status VARCHAR NOT NULL CHECK (cell_status IN ('number', 'blank', 'na')),
    raw         VARCHAR,
    page        INTEGER,
    how         VARCHAR  -- how the cell was read: grid, text, split, digits, ocr, moved (transform/report.py HOW)
);

CREATE TABLE IF NOT EXISTS checks (
    report_id VARCHAR NOT NULL,
    rule      VARCHAR NOT NULL,
    ok        BOOLEAN NOT NULL,
    where_    VARCHAR,
    expected  DOUBLE,
    actual    DOUBLE,
    message   VARCHAR
);

-- Warehouses written before the agency dimension and primary reports existed.
ALTER TABLE agencies ADD COLUMN IF NOT EXISTS region_code VARCHAR;
ALTER TABLE agencies ADD COLUMN IF NOT EXISTS province VARCHAR;
ALTER TABLE agencies ADD COLUMN IF NOT EXISTS city VARCHAR;
ALTER TABLE agencies ADD COLUMN IF NOT EXISTS county VARCHAR;
ALTER TABLE agencies ADD COLUMN IF NOT EXISTS parent_id VARCHAR;
ALTER TABLE agencies ADD COLUMN IF NOT EXISTS names VARCHAR[];
ALTER TABLE reports ADD COLUMN IF NOT EXISTS is_primary BOOLEAN;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS primary_reason VARCHAR;
ALTER TABLE facts ADD COLUMN IF NOT EXISTS how VARCHAR;

-- One row per HTTP fetch by the crawler (append-only history). size = body bytes downloaded by
-- that fetch (0 for a 304); sha256 = the content the URL stands for (kept in the raw store).
CREATE TABLE IF NOT EXISTS fetches (
    crawl_id      VARCHAR,
    url           VARCHAR NOT NULL,
    final_url     VARCHAR,
    status        INTEGER,
    sha256        VARCHAR,
    content_type  VARCHAR,
    size          BIGINT,
    etag          VARCHAR,
    last_modified VARCHAR,
    fetched_at    TIMESTAMP,
    error         VARCHAR
);

-- What supervisors measure (issue 18, docs/supervision.md): each report's sections as printed, the figures
-- its prose states, its publication date; and the rule data the views read (loaded from data/ at each load).
ALTER TABLE reports ADD COLUMN IF NOT EXISTS published_on DATE;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS published_on_source VARCHAR;  -- page | document | last_modified

CREATE TABLE IF NOT EXISTS sections (
    report_id VARCHAR NOT NULL,
    section   VARCHAR NOT NULL,  -- the numeral as printed: 一 … 六 (七 in the 2008 format)
    kind      VARCHAR NOT NULL,  -- overview, active, requests, fees, review, problems, other (transform/sections.py)
    title     VARCHAR,           -- as printed
    text      VARCHAR,
    page      INTEGER
);

CREATE TABLE IF NOT EXISTS prose_facts (
    report_id  VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,  -- a canonical table, or 'prose' for figures no table holds
    row_key    VARCHAR NOT NULL,
    col_key    VARCHAR NOT NULL,
    value      DOUBLE,
    unit       VARCHAR,
    raw        VARCHAR,           -- the sentence that states it
    page       INTEGER
);

-- Section 五 of a report against the same agency's previous year (load/copypaste.py), primary reports only.
CREATE TABLE IF NOT EXISTS section_repeats (
    report_id      VARCHAR NOT NULL,
    prev_report_id VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,
    similarity     DOUBLE,        -- 0..100, rapidfuzz ratio of the normalised texts
    repeated       BOOLEAN        -- similarity >= the threshold of load/copypaste.py
);

CREATE TABLE IF NOT EXISTS deadline_rules (   -- data/deadlines.csv
    level      VARCHAR,
    first_year INTEGER,
    last_year  INTEGER,
    month      INTEGER,
    day        INTEGER,
    article    VARCHAR
);

CREATE TABLE IF NOT EXISTS quality_weights (  -- data/quality_weights.csv
    indicator VARCHAR PRIMARY KEY,
    weight    DOUBLE,
    meaning   VARCHAR
);

CREATE TABLE IF NOT EXISTS template_cells (   -- the cells of each template's tables (transform/schema.py)
    template   VARCHAR,
    table_name VARCHAR,
    layout     VARCHAR,  -- a table printed in more than one way (其他处理 split or as one row): each layout
    row_key    VARCHAR,
    col_key    VARCHAR
);

-- Each report's warnings as data (transform/notes.py Note): the cell they name and a code (issue 15).
CREATE TABLE IF NOT EXISTS report_warnings (
    report_id  VARCHAR NOT NULL,
    table_name VARCHAR,   -- active | requests | review_litigation, or NULL for the whole report
    row_key    VARCHAR,
    col_key    VARCHAR,
    code       VARCHAR,   -- a key of transform/notes.py CODES
    message    VARCHAR    -- the warning as the report carries it
);

-- English and Chinese words for the codes the warehouse stores (rules, warning codes, statuses, levels, trust),
-- refilled at each load from transform/notes.py and load/publish/labels.py; keys stay English in SQL.
CREATE TABLE IF NOT EXISTS codes (
    domain VARCHAR,  -- rule | warning | status | level | trust | how
    key    VARCHAR,
    en     VARCHAR,
    zh     VARCHAR
);

-- The Chinese label of every cell key (table/row/col) of every template, in printed order (transform/schema.py).
CREATE TABLE IF NOT EXISTS labels (
    table_name VARCHAR,
    row_key    VARCHAR,
    col_key    VARCHAR,
    label      VARCHAR,  -- 行 / 列 as the 2021 (else 2019) template prints them
    position   INTEGER   -- printed order within the table
);

-- The rules (load/warehouse.py DERIVATIONS) the derived columns and tables were computed by: a load derives
-- only what it touched when they are today's, everything once when not.
CREATE TABLE IF NOT EXISTS derivations (
    version INTEGER
);
