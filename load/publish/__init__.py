"""The warehouse for people and other tools: exports (Parquet, CSV, Excel) and the HTML comparison report.
Reads the published warehouse read-only; knows nothing of document formats."""
