"""Agencies as a dimension: one `agency_id` for one agency however a report names it.

A name is split into its region prefix (江苏省 / 淮安市 / 洪泽区, matched against the division data of
`load.regions`) and the body that follows (人民政府, 统计局, 高良涧街道办事处). The id is a hash of the region's
path and the body, so 淮安市洪泽区人民政府 and 洪泽区人民政府 (洪泽区 is unique in China) are one agency.
Names that differ otherwise stay apart: 沐阳县 is no division, so an OCR slip 沐阳 for 沭阳 only joins
沭阳县 when `data/agency_aliases.csv` says so. Aliases are data, edited there, applied at every load.
"""
from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from load.regions import Region, index
from transform.labels import nfkc, norm

DATA = Path(__file__).resolve().parent.parent / "data"
ALIASES_CSV = DATA / "agency_aliases.csv"
REGION_ALIASES_CSV = DATA / "region_aliases.csv"

GOVERNMENT = {"", "人民政府", "政府", "管委会", "管理委员会"}
TOWNSHIP = re.compile(r"^(?P<town>.+?(?:镇|乡|街道))(?:人民政府|政府|办事处)?$")


@dataclass(frozen=True)
class Agency:
    key: str
    region: Region | None
    level: str | None
    parent: Agency | None

    @property
    def agency_id(self) -> str:
        return hashlib.sha1(self.key.encode("utf-8")).hexdigest()[:12]


def _government(region: Region) -> Agency:
    return Agency(f"{region.path}|人民政府", region, region.level, _government(region.parent) if region.parent else None)


def load_aliases(path: Path) -> dict[str, str]:
    """alias → canonical name, both compared in normalised form (`transform.labels.norm`)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as f:
        return {norm(r["alias"]): r["canonical"].strip() for r in csv.DictReader(f) if r.get("alias")}


class Resolver:
    """Resolves printed agency names to agencies; one per load, so edited alias files take effect."""

    def __init__(self, aliases: dict[str, str] | None = None, region_aliases: Path | None = REGION_ALIASES_CSV):
        self.aliases = load_aliases(ALIASES_CSV) if aliases is None else aliases
        self.regions = index(region_aliases)
        self._cache: dict[str, Agency | None] = {}

    def display(self, name: str) -> str:
        """The name to show: the alias' canonical name, else the printed name without stray marks."""
        return self.aliases.get(norm(name), nfkc(name).strip(" #*\u3000"))

    def _split(self, n: str) -> tuple[Region | None, str]:
        """Longest region names first, each a descendant of the one before; stop where ambiguous."""
        region, rest = None, n
        while rest:
            found = None
            for size in range(min(len(rest), 12), 1, -1):
                cands = [r for r in self.regions.get(rest[:size], ())
                         if region is None or region in r.chain[:-1]]
                if cands:
                    found = (cands, size)
                    break
            if not found or len(found[0]) > 1:
                break
            region, rest = found[0][0], rest[found[1]:]
        return region, rest

    def resolve(self, name: str | None) -> Agency | None:
        if not name or not norm(name):
            return None
        if name not in self._cache:
            n = norm(self.aliases.get(norm(name), name))
            region, body = self._split(n)
            if region is None:
                agency = Agency(f"?|{n}", None, None, None)
            elif body in GOVERNMENT:
                agency = _government(region)
            elif m := TOWNSHIP.match(body):
                agency = Agency(f"{region.path}|{m['town']}", region, "township", _government(region))
            else:
                agency = Agency(f"{region.path}|{body}", region, "department", _government(region))
            self._cache[name] = agency
        return self._cache[name]

    def agency_id(self, name: str | None) -> str | None:
        agency = self.resolve(name)
        return agency.agency_id if agency else None

    def dimension(self, names: Mapping[str, int]) -> list[dict]:
        """Rows of `agencies` for these printed names (each with the number of reports printing it) and every
        parent up to the province. `name` is the most frequent printed name (then the longest), `names` all of
        them as printed; a parent no report names is called after its region (淮安市 → 淮安市人民政府)."""
        shown: dict[str, Counter[str]] = {}
        printed: dict[str, set[str]] = {}
        agencies: dict[str, Agency] = {}
        for name, reports in names.items():
            if (agency := self.resolve(name)) is None:
                continue
            shown.setdefault(agency.key, Counter())[self.display(name)] += reports
            printed.setdefault(agency.key, set()).add(nfkc(name).strip())
            while agency and agency.key not in agencies:
                agencies[agency.key] = agency
                agency = agency.parent
        rows = []
        for key, a in agencies.items():
            seen = shown.get(key, Counter())
            name = min(seen, key=lambda s: (-seen[s], -len(s), s)) if seen else f"{a.region.name}人民政府"
            r = a.region
            rows.append({
                "agency_id": a.agency_id, "name": name, "region": "".join(x.name for x in r.chain) if r else None,
                "level": a.level, "region_code": r.code if r else None, "province": r.at("province") if r else None,
                "city": r.at("city") if r else None, "county": r.at("county") if r else None,
                "parent_id": a.parent.agency_id if a.parent else None, "names": sorted(printed.get(key, ())),
            })
        return rows
