"""Table structure of a page image from its ruling lines: the cells of each ruled table and their grid spans.

Why from pixels: a scanned page has no vector lines for pdfplumber to follow. Long
horizontal and vertical runs of ink are the rules; the white regions they enclose
are the cells; the distinct cell edges give the grid's row and column boundaries,
so a merged cell knows which rows and columns it spans.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

INK = 160  # grey level below which a pixel is ink
RULE_INK = 200  # a rule one pixel thin, blurred by a scanner, JPEG or levelling, is grey rather than black
RULE_GAP = 2  # px: a rule broken for this long where it crosses another is still one rule
EDGE_TOL = 6  # px: cell edges closer than this are one grid boundary


@dataclass
class Cell:
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in page pixels (inside the rules)
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Table:
    box: tuple[int, int, int, int]
    cells: list[Cell]
    n_rows: int
    n_cols: int
    xs: list[int] = field(default_factory=list)  # left edge of each grid column (px, inside its rule)


def _edges(values: list[int]) -> list[int]:
    """Cluster cell start positions into grid boundaries (mean of each cluster)."""
    out: list[list[int]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= EDGE_TOL:
            out[-1].append(v)
        else:
            out.append([v])
    return [round(sum(c) / len(c)) for c in out]


def _nearest(edges: list[int], v: int) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def rule_mask(gray: np.ndarray) -> np.ndarray:
    """Pixels that belong to long horizontal or vertical rules (uint8 0/255). Where rules cross, each
    counts as ink for the other: a print that draws each cell's own border leaves a pale pixel or two at
    the crossing, and a narrow cell's stretch of rule between two such gaps is shorter than the length that
    makes a rule (the cell above it and the one below would be read as one). Only next to a rule found
    whole is a gap bridged, never between characters of text."""
    import cv2

    ink = (gray < RULE_INK).astype(np.uint8) * 255
    h, w = gray.shape
    rect = cv2.getStructuringElement
    across, down = rect(cv2.MORPH_RECT, (max(40, w // 25), 1)), rect(cv2.MORPH_RECT, (1, max(25, h // 70)))
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, across)
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, down)
    near_vert = cv2.dilate(vert, rect(cv2.MORPH_RECT, (2 * RULE_GAP + 1, 1)))
    near_horiz = cv2.dilate(horiz, rect(cv2.MORPH_RECT, (1, 2 * RULE_GAP + 1)))
    horiz = cv2.morphologyEx(ink | near_vert, cv2.MORPH_OPEN, across)
    vert = cv2.morphologyEx(ink | near_horiz, cv2.MORPH_OPEN, down)
    return cv2.dilate(horiz | vert, np.ones((3, 3), np.uint8))


def find_tables(gray: np.ndarray) -> list[Table]:
    """Every ruled table on the page (rules enclosing at least two cells), top to bottom."""
    import cv2

    mask = rule_mask(gray)
    h, w = gray.shape
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    tables: list[Table] = []
    for i in range(1, n):
        x, y, bw, bh, _ = stats[i]
        if bw < w // 4 or bh < 20:
            continue
        region = mask[y:y + bh, x:x + bw] == 0
        # close the frame: a table cut by a page break has no bottom (or top) rule on this page
        region[0, :] = region[-1, :] = region[:, 0] = region[:, -1] = False
        m, _, cstats, _ = cv2.connectedComponentsWithStats(region.astype(np.uint8), connectivity=4)
        boxes = []
        for j in range(1, m):
            cx, cy, cw, ch, _ = cstats[j]
            if cw < 8 or ch < 8:
                continue  # a speck between double rules
            boxes.append((int(x + cx), int(y + cy), int(x + cx + cw), int(y + cy + ch)))
        if len(boxes) < 2:
            continue
        xs = _edges([b[0] for b in boxes])  # every column starts where some cell starts
        ys = _edges([b[1] for b in boxes])
        cells = [
            Cell(b, _nearest(ys, b[1]), _nearest(xs, b[0]),
                 max(1, sum(1 for e in ys if b[1] - EDGE_TOL <= e < b[3] - EDGE_TOL)),
                 max(1, sum(1 for e in xs if b[0] - EDGE_TOL <= e < b[2] - EDGE_TOL)))
            for b in boxes
        ]
        tables.append(Table((int(x), int(y), int(x + bw), int(y + bh)), cells, len(ys), len(xs), xs))
    tables.sort(key=lambda t: t.box[1])
    return tables
