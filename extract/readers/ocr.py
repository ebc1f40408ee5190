"""Pictures of pages → blocks: OCR with RapidOCR (PP-OCR Chinese models shipped inside the wheel, nothing
downloaded), table grids rebuilt from the picture's ruling lines (extract/readers/ruling.py).

Why this shape (issue #14): text detection over a whole page costs as much as everything else together,
and inside a ruled table it is not needed: the rules already say where each cell is, and a cell's ink
says where its lines of text are. So a table is read by cutting every line of every cell out of the
picture and passing the crops, in batches, to the recogniser alone; detection runs only on the bands of
the page outside the tables. A crop of one cell also reads surely what detection misses in page context
(lone thin digits "0", "1").

Figures are read as figures: the recogniser's per-step scores are decoded twice, over its whole alphabet
and over the characters a figure cell can hold (digits, ".", "/", "—"), and a cell that reads as a figure
(or stands short among figures in a figure column) takes the figure reading. A figure read with doubt is
read again from a crop at twice the resolution; what is still doubtful is kept and reported in
Document.warnings, and a cell with ink that reads as nothing is reported too: never silently blank. The
readings a doubtful figure had (Grid.choices) are not ranked here: the recogniser's scores say how the ink
looks, the table's arithmetic says which figure was printed (transform/choices.py).
A merged cell's text sits in its first row and column only (blank, flagged in Grid.spans, elsewhere), as
the text-layer reader's pdfplumber grids have it, so both PDF paths give the parser the same rows.
Optional: `pip install xxgk[ocr]`.
"""
from __future__ import annotations

import importlib.util
import os
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from extract.document import Grid, Line, Word
from extract.readers.footer import FOOTER
from extract.readers.headed_row import HEAD as HEAD_ROWS
from extract.readers.ruling import INK, Table, find_tables
from extract.readers.scanprep import level, skew_angle

MIN_SCORE = 0.3  # recognition below this is noise
SURE_SCORE = 0.95  # a figure read below this is read again at twice the resolution
LOW_SCORE = 0.8  # a figure finally read below this is kept but warned about
RUNNER_UP = 0.02  # a second choice at a step scored below this is no reading the recogniser considered
BATCH = 16  # crops per recogniser call (sorted by width, so a batch pads little)
MIN_RATIO = 2.0  # a crop narrower than twice its height is padded to that, not to PP-OCR's 320×48: a cell of
# one or two digits costs a fifth of a text line (the recogniser's cost goes with its input's width)
PAD = 4  # px of white around a crop (at working resolution)
FIGURE_CHARS = "0123456789./—-"
FAINT = 225  # a column of a cell this dark (paper ~250) down nearly its whole height is what is left of a rule
RULE_SHARE = 0.9  # of the cell's height: a figure crossing the column is as dark, but over its own height only
WORD_GAP = 0.6  # of a line's ink height: white this wide parts two words (characters of one word stand closer)
SOFT_GAP = 0.25  # of its ink's height: the white between two headers packed in narrow columns
HEADER_WORD = 6  # characters: a box read as words no longer than this, spaces between, is a line of headers
MIN_FIGURE_ROWS = 3  # figures standing one under another that make a column
UNREAD = "?"  # the text of a cell OCR could not read: the parser warns on the cell ("unreadable cell '?'")
_LOOKALIKES = str.maketrans("oODlI|", "000111")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_FIGURE_LIKE = re.compile(r"[0-9oODlI|.,/—-]+")


def available() -> bool:
    """OCR is used when its extra is installed, unless XXGK_OCR=off (a run that must not spend CPU on scans)."""
    if os.environ.get("XXGK_OCR", "on").lower() in ("off", "0", "false", "no"):
        return False
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


@lru_cache(maxsize=1)
def _engine():
    """One RapidOCR per process, one onnxruntime thread: the batch runs one process per core, and a second
    thread per process only spins against the other process (CPU spent, nothing gained). XXGK_OCR_THREADS
    overrides. Detection is never upscaled: bands of a page are short, and 'min' would blow them up."""
    from rapidocr_onnxruntime import RapidOCR

    threads = int(os.environ.get("XXGK_OCR_THREADS", "1"))
    return RapidOCR(text_score=MIN_SCORE, intra_op_num_threads=threads, inter_op_num_threads=1,
                    det_limit_type="max", det_limit_side_len=2000)


@dataclass
class Reading:
    text: str  # over the whole alphabet
    score: float
    figure: str  # over FIGURE_CHARS
    figure_score: float
    runner_up: str = ""  # the figure reading with its least sure character the recogniser's second choice


@lru_cache(maxsize=1)
def _figure_index() -> np.ndarray:
    chars = _engine().text_rec.postprocess_op.character
    return np.array([0] + [i for i, c in enumerate(chars) if c in FIGURE_CHARS])


@lru_cache(maxsize=1)
def _lookalikes() -> list[tuple[int, list[int]]]:
    """(position in the figure alphabet, ids of the letters mistaken for that figure): o/O/D for 0, l/I/| for 1,
    and each figure's full-width form (a lone `1` read `１`, sure as text, next to nothing as a figure)."""
    chars = _engine().text_rec.postprocess_op.character
    index = list(_figure_index())
    out = []
    for figure in "0123456789./":
        letters = chr(ord(figure) + 0xFEE0) + {"0": "oOD", "1": "lI|"}.get(figure, "")
        ids = [chars.index(c) for c in letters if c in chars]
        if figure in chars and ids:
            out.append((index.index(chars.index(figure)), ids))
    return out


def _figure_probs(steps: np.ndarray, index: np.ndarray) -> np.ndarray:
    """One crop's scores over the figure alphabet (blank first), a letter a figure is mistaken for counting
    for that figure: a `0` the recogniser is sure is `o` has next to no score left for `0` itself, and
    would decode as blank."""
    probs = steps[:, index].copy()
    for pos, ids in _lookalikes():
        probs[:, pos] += steps[:, ids].sum(axis=1)
    return probs


def _decode(probs: np.ndarray, chars: list[str], index: np.ndarray | None = None) -> tuple[str, float, str]:
    """CTC decoding of one crop's (steps × alphabet) scores, `index` naming the alphabet's characters when
    `probs` covers a sub-alphabet (blank first). Over a sub-alphabet also the runner-up: the reading with
    the second likeliest character at its least sure step, the other figure a recogniser in doubt saw (`3`
    for a worn `8`), or ''."""
    best = probs.argmax(axis=1)
    ids = best if index is None else index[best]
    out, scores, steps, prev = [], [], [], -1
    for t, i in enumerate(ids):
        if i != 0 and i != prev:
            out.append(chars[i])
            scores.append(probs[t, best[t]])
            steps.append(t)
        prev = i
    text = "".join(out)
    runner_up = ""
    if scores and index is not None:
        weak = int(np.argmin(scores))
        row = probs[steps[weak]].copy()
        row[[0, best[steps[weak]]]] = -1.0
        second = int(row.argmax())
        if row[second] >= RUNNER_UP:
            alt = list(out)
            alt[weak] = chars[index[second]]
            runner_up = "".join(alt).strip()
    return text.strip(), float(np.mean(scores)) if scores else 0.0, runner_up


def recognise(crops: list[np.ndarray]) -> list[Reading]:
    """Grey crops, each one line of text → their readings, recognised in batches of similar width."""
    if not crops:
        return []
    rec = _engine().text_rec
    chars = rec.postprocess_op.character
    index = _figure_index()
    order = np.argsort([c.shape[1] / c.shape[0] for c in crops])
    out: list[Reading | None] = [None] * len(crops)
    for start in range(0, len(crops), BATCH):
        batch = [crops[i] for i in order[start:start + BATCH]]
        ratio = max(MIN_RATIO, *(c.shape[1] / c.shape[0] for c in batch))
        norm = np.concatenate([rec.resize_norm_img(np.repeat(c[..., None], 3, axis=2), ratio)[None] for c in batch])
        preds = rec.session(norm.astype(np.float32))[0]
        for k, steps in zip(order[start:start + BATCH], preds):
            text, score, _ = _decode(steps, chars)
            out[k] = Reading(text, score, *_decode(_figure_probs(steps, index), chars, index))
    return out  # type: ignore[return-value]


def detect(grey: np.ndarray) -> list[tuple[tuple[float, float, float, float], str, float]]:
    """Text boxes (x0, y0, x1, y1), text and score of a picture with no grid: detection, then recognition."""
    result, _ = _engine()(np.repeat(grey[..., None], 3, axis=2), use_cls=False, text_score=MIN_SCORE)
    out = []
    for pts, text, score in result or []:
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        if text.strip():
            out.append(((min(xs), min(ys), max(xs), max(ys)), text.strip(), float(score)))
    return out


def as_figure(text: str) -> str | None:
    """A reading that is a figure once OCR's usual confusions are undone (o/O/D → 0, l/I/| → 1, a stray '.'
    or ',' at the end), or None. A '.' inside stays: a decimal (amounts) is printed that way."""
    t = text.replace(" ", "")
    if not t or not _FIGURE_LIKE.fullmatch(t) or not re.search(r"[0-9oOD]", t):
        return None
    t = t.translate(_LOOKALIKES).rstrip(".,").replace(",", "")
    return t if re.fullmatch(r"\d+(\.\d+)?|\d+/\d+|[—-]", t) else None


def _text_rows(boxes: list) -> list[list]:
    """Boxes on one baseline (vertical centres within half a box height) as rows, top to bottom, each left to right."""
    rows: list[list] = []
    for b in sorted(boxes, key=lambda b: (b[0][1] + b[0][3]) / 2):
        cy = (b[0][1] + b[0][3]) / 2
        if rows and abs(cy - rows[-1][0]) < (b[0][3] - b[0][1]) / 2:
            rows[-1][1].append(b)
        else:
            rows.append([cy, [b]])
    return [sorted(bs, key=lambda b: b[0][0]) for _, bs in rows]


def _ink_lines(grey: np.ndarray, box: tuple[int, int, int, int]) -> list[tuple[int, int, int, int]]:
    """The lines of text inside a cell: bands of rows with ink (a band thinner than a third of the tallest
    joins its nearer neighbour: the strokes of 二 or 三 are not lines), each cut to its ink's width."""
    x0, y0, x1, y1 = box
    inner = grey[y0 + 2:y1 - 2, x0 + 2:x1 - 2] < INK
    if inner.sum() < 12:
        return []
    rows = np.flatnonzero(inner.sum(axis=1) > 0)
    bands: list[list[int]] = []
    for r in rows:
        if bands and r - bands[-1][1] <= 2:
            bands[-1][1] = r
        else:
            bands.append([r, r])
    tall = max(b - a for a, b in bands) + 1
    merged: list[list[int]] = []
    for a, b in bands:
        if merged and (b - a + 1 < tall / 3 or merged[-1][1] - merged[-1][0] + 1 < tall / 3):
            merged[-1][1] = b
        else:
            merged.append([a, b])
    out = []
    for a, b in merged:
        cols = np.flatnonzero(inner[a:b + 1].sum(axis=0) > 0)
        if (b - a + 1) * len(cols) >= 6:
            left = _to_edge(grey, y0 + 2 + a, y0 + 3 + b, x0 + 2 + int(cols[0]), x0, -1)
            right = _to_edge(grey, y0 + 2 + a, y0 + 3 + b, x0 + 3 + int(cols[-1]), x1, 1)
            out.append((left, y0 + 2 + a, right, y0 + 3 + b))
    return out


def _to_edge(grey: np.ndarray, top: int, bottom: int, x: int, edge: int, step: int) -> int:
    """A line's side moved out over the cell's 2-px inset while its ink goes on there: a figure set flush
    against a rule (left-aligned `8`) starts inside the inset, and cut at it the recogniser sees `3`.
    `x` is the side (first column for the left, one past the last for the right); a column inked over the
    line's whole height is what is left of the rule, not the glyph, and stops it."""
    while (x > edge) if step < 0 else (x < edge):
        col = grey[top:bottom, x - 1 if step < 0 else x] < INK
        if not col.any() or col.all():
            break
        x += step
    return x


class Page:
    """One picture at two resolutions: `grey` (working: rules, detection, geometry) and `fine` (crops for
    the recogniser; `zoom` times as many pixels a side), both levelled and without seals."""

    def __init__(self, grey: np.ndarray, fine: np.ndarray):
        self.grey, self.fine = grey, fine
        self.zoom = fine.shape[1] / grey.shape[1]

    def crop(self, box: tuple[int, int, int, int], factor: float = 1.0) -> np.ndarray:
        """The fine picture's pixels of working-resolution `box`, on a white margin, `factor` times larger."""
        import cv2

        z = self.zoom
        x0, y0, x1, y1 = (int(round(v * z)) for v in box)
        pad = int(round(PAD * z))
        part = self.fine[max(0, y0):y1, max(0, x0):x1]
        out = np.full((part.shape[0] + 2 * pad, part.shape[1] + 2 * pad), 255, np.uint8)
        out[pad:pad + part.shape[0], pad:pad + part.shape[1]] = part
        if factor != 1.0:  # a second look: larger, and ink made black (print under a seal's ring is grey)
            out = cv2.resize(out, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
            out = np.where(out < INK, 0, 255).astype(np.uint8)
        return out


def _figure_columns(cells: dict[int, str], table: Table) -> set[int]:
    """Columns where most of the read cells are figures: a short odd reading there is a figure misread."""
    per: dict[int, list[bool]] = {}
    for k, text in cells.items():
        if text:
            per.setdefault(table.cells[k].col, []).append(as_figure(text) is not None)
    return {c for c, v in per.items() if len(v) >= 3 and sum(v) >= 0.6 * len(v)}


def _cell_text(page: Page, table: Table, lines: dict[int, list], reads: dict[int, list[Reading]],
               number: int, warnings: list[str], choices: dict[int, tuple[str, ...]]) -> dict[int, str]:
    """Each cell's text: its lines' readings joined, a figure cell read as a figure (see the module doc).
    A doubtful figure's other readings (the whole alphabet's, the figure alphabet's, each one's runner-up,
    first look and second) go into `choices`, the cell's own text first: which is right is for the
    table's arithmetic to say, not for the recogniser's scores."""
    plain = {k: "".join(r.text for r in rs if r.score >= MIN_SCORE) for k, rs in reads.items()}
    figure_cols = _figure_columns(plain, table)
    out: dict[int, str] = {}
    doubtful: list[int] = []
    for k, rs in reads.items():
        text = plain[k]
        one = len(rs) == 1 and rs[0]
        if one and (as_figure(text) is not None or (table.cells[k].col in figure_cols and len(text) <= 2)):
            if one.figure and one.figure_score >= MIN_SCORE:
                out[k] = as_figure(one.figure) or one.figure
                if one.figure_score < SURE_SCORE:
                    doubtful.append(k)
                continue
        out[k] = text
        if one and as_figure(text) is not None:  # a figure only by the confusions, not over the figure alphabet
            out[k] = as_figure(text)
            doubtful.append(k)
            continue
        if one and table.cells[k].col in figure_cols and len(text) <= 2 and as_figure(text) is None \
                and not _CJK.search(text):  # a header word (总计) is no misread figure
            doubtful.append(k)  # a stroke of a seal or a fleck on a figure: read again larger
    again = recognise([page.crop(lines[k][0], 2.0) for k in doubtful])
    for k, r in zip(doubtful, again):
        first = reads[k][0]
        c = table.cells[k]
        if r.figure and r.figure_score >= MIN_SCORE and (r.figure_score > first.figure_score or
                                                          as_figure(out[k]) is None):
            reads[k] = [r]
            out[k] = as_figure(r.figure) or r.figure
        others = [f for x in (first, r) for t in (x.figure, x.text, x.runner_up) if (f := as_figure(t))]
        if len(alts := tuple(dict.fromkeys([out[k], *others]))) > 1:
            choices[k] = alts
        best = reads[k][0]
        if as_figure(out[k]) is None:
            warnings.append(f"page {number}: OCR read {out[k]!r} where a figure stands in table row {c.row + 1}, "
                            f"column {c.col + 1}")
        elif best.figure_score < LOW_SCORE:
            warnings.append(f"page {number}: OCR unsure of table figure {best.figure!r} (score "
                            f"{best.figure_score:.2f}) in table row {c.row + 1}, column {c.col + 1}")
    for k in lines:
        if not out.get(k):
            c = table.cells[k]
            warnings.append(f"page {number}: OCR read nothing in a table cell with ink "
                            f"(row {c.row + 1}, column {c.col + 1})")
            out[k] = UNREAD
    return out


def _faint_rule(grey: np.ndarray, table: Table, cell) -> bool:
    """Whether a cell spanning columns has the trace of a rule where a column starts inside it: a rule the
    scan faded out of the mask (the figure in it belongs to one of the columns, not to all), not a cell
    merged in print (white there, but for the figure itself where it stands over the column's start)."""
    x0, y0, x1, y1 = cell.box
    for x in table.xs[cell.col + 1:cell.col + cell.colspan]:
        strip = grey[y0 + 2:y1 - 2, max(0, x - 4):x + 1].astype(np.float32)
        if strip.size and (strip < FAINT).mean(axis=0).max() >= RULE_SHARE:
            return True
    return False


def _grid(page: Page, table: Table, number: int, warnings: list[str]) -> Grid:
    lines = {k: ls for k, c in enumerate(table.cells) if (ls := _ink_lines(page.grey, c.box))}
    flat = [(k, box) for k, ls in lines.items() for box in ls]
    readings = recognise([page.crop(box) for _, box in flat])
    reads: dict[int, list[Reading]] = {}
    for (k, _), r in zip(flat, readings):
        reads.setdefault(k, []).append(r)
    choices: dict[int, tuple[str, ...]] = {}
    texts = _cell_text(page, table, lines, reads, number, warnings, choices)
    rows = [[""] * table.n_cols for _ in range(table.n_rows)]
    spans = [[False] * table.n_cols for _ in range(table.n_rows)]
    for k, c in enumerate(table.cells):
        text = texts.get(k, "")
        rows[c.row][c.col] = text
        lost_rule = as_figure(text) is not None and _faint_rule(page.grey, table, c)
        for r in range(c.row, min(c.row + c.rowspan, table.n_rows)):
            for j in range(c.col, min(c.col + c.colspan, table.n_cols)):
                if (r, j) != (c.row, c.col):
                    rows[r][j], spans[r][j] = (UNREAD, False) if lost_rule else ("", True)
    keep = [i for i, r in enumerate(rows) if any(r)]
    at = {row: i for i, row in enumerate(keep)}
    return Grid([rows[i] for i in keep], pages=[number] * len(keep), spans=[spans[i] for i in keep],
                choices={(at[c.row], c.col): alts for k, alts in choices.items() if (c := table.cells[k]).row in at})


def _lines(boxes, number: int, scale: float) -> list[tuple[float, Line]]:
    """Free text: one line per row of boxes, a space where boxes stand apart, each box a word of the line
    where it stands (in points)."""
    out: list[tuple[float, Line]] = []
    for bs in _text_rows(boxes):
        text = bs[0][1]
        for prev, b in zip(bs, bs[1:]):
            gap = b[0][0] - prev[0][2]
            text += (" " if gap > (b[0][3] - b[0][1]) else "") + b[1]
        if not FOOTER.match(text):
            words = [Word(b[0][0] / scale, b[0][2] / scale, b[1], (b[0][3] - b[0][1]) / scale) for b in bs]
            out.append((min(b[0][1] for b in bs) / scale, Line(text, number, words)))
    return out


def _gaps(grey: np.ndarray, box: tuple[float, float, float, float],
          share: float = WORD_GAP) -> list[tuple[int, int, int, int]]:
    """A detected box cut where white as wide as `share` of its ink's height parts its ink: detection runs
    the cells of a table printed without rules into one box (`1 1 0 0 2`, `结果维持纠正`), and a box cut
    apart is a word per cell, each where it stands; a box over two lines of ink, or twice as tall as its
    ink (detection's box of a lone figure, mapped back over white), is cut to its lines first. [] when
    nothing parts it."""
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    bands = _ink_lines(grey, (x0, y0, x1, y1))
    if len(bands) > 1 or (bands and 2 * (bands[0][3] - bands[0][1]) < y1 - y0):
        return [p for band in bands for p in (_gaps(grey, band, share) or [band])]
    ink = grey[max(0, y0):y1, max(0, x0):x1] < INK
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if len(cols) < 2:
        return []
    height = rows[-1] - rows[0] + 1
    runs = np.flatnonzero(np.diff(cols) > 1)  # where a run of inked columns ends
    cuts = [c for c in runs if cols[c + 1] - cols[c] - 1 >= share * height
            and _tall(ink[:, cols[runs[runs < c][-1] + 1] if (runs < c).any() else cols[0]:cols[c] + 1], height)]
    if not cuts:
        return []
    cuts = np.array(cuts)
    starts, ends = [cols[0], *cols[cuts + 1]], [*cols[cuts] + 1, cols[-1] + 1]
    return [(max(0, x0) + int(a), y0, max(0, x0) + int(b), y1) for a, b in zip(starts, ends)]


def _widest_gaps(grey: np.ndarray, box: tuple[float, float, float, float], n: int) -> list[tuple[int, int, int, int]]:
    """A box the recogniser read as `n` words, cut at the n - 1 widest runs of white between its inked
    columns: its own spaces say how many words it holds, the white says where they part. [] when the ink
    has fewer gaps than that."""
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    cols = np.flatnonzero((grey[max(0, y0):y1, max(0, x0):x1] < INK).any(axis=0))
    runs = np.flatnonzero(np.diff(cols) > 1)
    if len(runs) < n - 1:
        return []
    cuts = np.sort(runs[np.argsort(cols[runs + 1] - cols[runs], kind="stable")[::-1][:n - 1]])
    starts, ends = [cols[0], *cols[cuts + 1]], [*cols[cuts] + 1, cols[-1] + 1]
    return [(max(0, x0) + int(a), y0, max(0, x0) + int(b), y1) for a, b in zip(starts, ends)]


def _tall(ink: np.ndarray, height: int) -> bool:
    """Ink (the run of inked columns before a gap) that stands half the line's height or more: a glyph, not
    the punctuation (、，。) whose own white after it is as wide as the gap between two words."""
    rows = np.flatnonzero(ink.any(axis=1))
    return len(rows) > 0 and rows[-1] - rows[0] + 1 >= height / 2


def _piece_text(r: Reading) -> str:
    """A piece of a box as read on its own: a figure over the figure alphabet where it reads as one, else
    its text ('' for noise)."""
    if r.score >= MIN_SCORE and _CJK.search(r.text):
        return r.text
    if r.figure_score >= MIN_SCORE and (figure := as_figure(r.figure)) is not None:
        return figure
    return r.text if r.score >= MIN_SCORE else ""


def _words(page: Page, boxes: list) -> list:
    """The detected boxes as words: every box that white parts (`_gaps`) replaced by its pieces, each
    recognised on its own; then a header box standing over two or more figure columns (`_figure_xs`) cut
    again at the narrower white between words (SOFT_GAP: narrow column headers packed side by side,
    `商业企业 科研机构 社会公益组织`), which inside a label or a line of prose is no word's end. A box the
    recogniser itself read with spaces in it (a header line of narrow columns over a single row of
    figures, `总计 结果 结果 其他 尚未`) is cut where its own spaces say (`_widest_gaps`); each figure's box
    is cut to its ink (`_inked`)."""
    words = _pieces(page, boxes, lambda box: _gaps(page.grey, box))
    xs = _figure_xs(words)
    spaced = {box: len(parts) for box, text, _ in words
              if len(parts := text.split()) > 1 and max(map(len, parts)) <= HEADER_WORD}
    words = _pieces(page, words, lambda box: _widest_gaps(page.grey, box, spaced[box]) if box in spaced
                    else _gaps(page.grey, box, SOFT_GAP) if sum(box[0] <= x <= box[2] for x in xs) >= 2 else [])
    words = [(_inked(page.grey, b) if as_figure(text) is not None else b, text, score) for b, text, score in words]
    return words + _missed_figures(page, words, _figure_xs(words))


def _inked(grey: np.ndarray, box: tuple) -> tuple:
    """A figure's box cut to its ink's width: detection's box of a lone figure reaches out over white (a `7`
    boxed from the `2` beside it on), and a word laid out where its box starts would join its neighbour's
    column."""
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    cols = np.flatnonzero((grey[max(0, y0):y1, max(0, x0):x1] < INK).any(axis=0))
    return box if len(cols) == 0 else (max(0, x0) + int(cols[0]), box[1], max(0, x0) + int(cols[-1]) + 1, box[3])


def _missed_figures(page: Page, words: list, xs: list[float]) -> list:
    """Figures detection passed over: on a row of words that holds a figure, each figure column (`xs`) no
    word of the row stands in is looked at where the row's figures stand, and ink there that reads as a
    figure is a word. Detection in page context misses lone thin glyphs (a `0` or `1` alone in its column
    of a table without rules); a cell read blank would otherwise lose its figure, or take a neighbour's.
    A row of figures alone (no label: table 四's one row) has no figure columns to go by; there the short
    header words standing above it (HEAD_ROWS rows up) say where its columns are."""
    figures = [b for b, text, _ in words if as_figure(text) is not None]
    if not figures:
        return []
    half = max(b[2] - b[0] for b in figures) / 2 + PAD
    probes = []
    rows = _text_rows(words)
    for i, row in enumerate(rows):
        band = [b for b, text, _ in row if as_figure(text) is not None]
        if not band:
            continue
        y0, y1 = min(b[1] for b in band), max(b[3] for b in band)
        spans = [(x - half, x + half) for x in xs]
        if len(band) == len(row):  # a header word's cell: its figure may stand anywhere under the word
            spans += [(b[0] - PAD, b[2] + PAD) for above in rows[max(0, i - HEAD_ROWS):i] for b, text, _ in above
                      if as_figure(text) is None and len(text) <= 4]
        taken = [b for b, _, _ in row]  # the row's words, then each box already looked at
        for a, z in sorted(spans):
            box = (int(a), int(y0), int(z), int(y1))
            free = all(b[2] < box[0] or b[0] > box[2] for b in taken)
            if free and (page.grey[box[1]:box[3], max(0, box[0]):box[2]] < INK).sum() >= 12:
                probes.append(box)
                taken.append(box)
    out = []
    for box, r in zip(probes, recognise([page.crop(b) for b in probes])):
        figure = as_figure(r.figure)
        if figure is not None and r.figure_score >= MIN_SCORE and not _CJK.search(r.text):
            out.append((_inked(page.grey, box), figure, r.figure_score))
    return out


def _pieces(page: Page, boxes: list, cut_of) -> list:
    """`boxes` with each box `cut_of` cuts replaced by its pieces, recognised (a figure read with doubt
    read again larger, as in a grid's cells); a piece reading as nothing is dropped."""
    cut = {i: pieces for i, (box, text, _) in enumerate(boxes)
           if as_figure(text) is None and (pieces := cut_of(box))}
    flat = [(i, p) for i, pieces in cut.items() for p in pieces]
    reads = recognise([page.crop(p) for _, p in flat])
    doubtful = [k for k, r in enumerate(reads) if as_figure(r.figure) and r.figure_score < SURE_SCORE]
    for k, r in zip(doubtful, recognise([page.crop(flat[k][1], 2.0) for k in doubtful])):
        if r.figure_score > reads[k].figure_score:
            reads[k] = r
    texts = [_piece_text(r) for r in reads]
    for i, pieces in cut.items():
        ks = [k for k, (j, _) in enumerate(flat) if j == i]
        for k, context in zip(ks, _in_context(boxes[i][1], pieces, [texts[k] for k in ks])):
            texts[k] = context
    out = [b for i, b in enumerate(boxes) if i not in cut]
    out += [(p, text, r.figure_score) for (_, p), r, text in zip(flat, reads, texts) if text]
    return out


def _in_context(whole: str, pieces: list, texts: list[str]) -> list[str]:
    """The pieces of one line of ink with the words the box's own reading gave them: a recogniser reads a
    character better among its neighbours than in a crop cut close around it (the title's 市 read alone as
    币). Only where the box's reading has as many characters as its pieces' together, piece by piece, and
    only words (CJK) for words: a figure keeps the reading of its own crop (read again larger if doubtful)."""
    chars = whole.replace(" ", "")
    if len({(p[1], p[3]) for p in pieces}) != 1 or len(chars) != sum(len(t) for t in texts):
        return texts
    out, at = [], 0
    for t in texts:
        piece = chars[at:at + len(t)]
        at += len(t)
        out.append(piece if _CJK.search(t) and _CJK.search(piece) else t)
    return out


def _figure_xs(words: list) -> list[float]:
    """Centres of the columns figures stand in, line after line: figure words' centres within a line
    height of each other, MIN_FIGURE_ROWS of them at least."""
    centres = sorted(((b[0] + b[2]) / 2, b[3] - b[1]) for b, text, _ in words if as_figure(text) is not None)
    out: list[list[float]] = []
    for x, h in centres:
        if out and x - out[-1][-1] <= h:
            out[-1].append(x)
        else:
            out.append([x])
    return [sum(c) / len(c) for c in out if len(c) >= MIN_FIGURE_ROWS]


def _free_boxes(grey: np.ndarray, tables: list[Table]) -> list:
    """Detection and recognition on the page less its tables: the rows outside every table's height with
    ink on them, stacked into one short picture (detection costs by area), boxes mapped back to the page."""
    keep = (grey < INK).any(axis=1)
    for t in tables:
        keep[max(0, t.box[1] - 2):t.box[3] + 3] = False
    ys = np.flatnonzero(keep)
    if not len(ys):
        return []
    rows: list[int] = []  # page row of each row of the stack; -1 for a white gap between bands
    for i, y in enumerate(ys):
        if i and y - ys[i - 1] > 1:
            rows += [-1] * 8
        rows.append(int(y))
    src = np.array(rows)
    stack = np.where((src >= 0)[:, None], grey[np.maximum(src, 0)], 255).astype(np.uint8)
    stack = np.pad(stack, ((8, 8), (0, 0)), constant_values=255)
    src = np.concatenate([[-1] * 8, src, [-1] * 8])
    real = np.flatnonzero(src >= 0)

    def page_y(y: float) -> float:
        i = real[np.abs(real - y).argmin()]
        return float(src[i] + (y - i) if src[i] >= 0 else y)
    return [((x0, page_y(y0), x1, page_y(y1)), text, score) for (x0, y0, x1, y1), text, score in detect(stack)]


def picture_blocks(grey: np.ndarray, fine: np.ndarray, scale: float, number: int,
                   warnings: list[str]) -> list[tuple[float, Line | Grid]]:
    """A picture of (part of) a page, grey and without seals at `scale` pixels a point (and `fine` at a
    higher resolution for the crops) → (top in points from the picture's top, block) pairs."""
    angle = skew_angle(grey)
    page = Page(level(grey, angle), level(fine, angle))
    tables = find_tables(page.grey)
    blocks: list[tuple[float, Line | Grid]] = []
    for t in tables:
        grid = _grid(page, t, number, warnings)
        if grid.rows:
            blocks.append((t.box[1] / scale, grid))
    blocks.extend(_lines(_words(page, _free_boxes(page.grey, tables)), number, scale))
    return blocks
