"""What one load touched, so that publishing derives again only what those documents can change.

The derivations (the primary report of an agency and year, section 五 against the year before) depend
only on the reports of one agency and year, or of two consecutive years; the agency dimension depends on
the printed names, which are few. A load that adds 1% of the documents then derives 1% of the groups,
instead of reading every report and cell of a warehouse that holds every past year.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import duckdb
import pandas as pd

Group = tuple[str, int]  # (agency_id, year)


@dataclass
class Scope:
    """The reports a load added or re-keyed (`report_ids`), those it deleted (`gone`), and every agency and
    year any of them belonged to before or after (`groups`)."""

    report_ids: set[str] = field(default_factory=set)
    gone: set[str] = field(default_factory=set)
    groups: set[Group] = field(default_factory=set)

    def add_groups(self, pairs: Iterable[tuple[str | None, int | None]]) -> None:
        """Groups of reports; a report without agency or year is in none (it is primary of nothing)."""
        self.groups.update((a, int(y)) for a, y in pairs if a is not None and y is not None)

    @contextmanager
    def registered(self, con: duckdb.DuckDBPyConnection) -> Iterator[None]:
        """The scope as the relations `_scope_ids` (report_id: added, re-keyed or deleted) and `_scope_groups`
        (agency_id, year) for the derivations' SQL, for as long as they run."""
        con.register("_scope_ids", pd.DataFrame({"report_id": sorted(self.report_ids | self.gone)}, dtype="string"))
        con.register("_scope_groups", pd.DataFrame(
            {"agency_id": pd.Series([a for a, _ in self.groups], dtype="string"),
             "year": pd.Series([y for _, y in self.groups], dtype="Int64")}))
        try:
            yield
        finally:
            con.unregister("_scope_ids")
            con.unregister("_scope_groups")


# The reports a scoped derivation reads again: the scope's own and every other report of its groups.
IN_SCOPE = """
SELECT report_id FROM _scope_ids
UNION
SELECT r.report_id FROM reports r JOIN _scope_groups g ON g.agency_id = r.agency_id AND g.year = r.year
"""
