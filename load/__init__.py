"""DuckDB: schema, loading, views. Knows reports and rows, never document formats."""
