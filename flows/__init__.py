"""Prefect flows and the `xxgk` command line: wiring of extract → transform → load."""
