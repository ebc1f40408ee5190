"""Sources, crawler, raw store and one reader per document format: bytes → Document."""
