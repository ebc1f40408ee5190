"""Bounded fuzzing of the readers: mutated real reports (byte flips, truncation, splices) may fail to read,
but only ever with ReadError; anything else is a bug. XXGK_FUZZ_N raises the number of mutants per document."""
from __future__ import annotations

import io
import os
import random

import pytest

from conftest import SAMPLES
from extract.document import ReadError
from extract.isolate import read_isolated
from extract.readers import read_document

N = int(os.environ.get("XXGK_FUZZ_N", "25"))
TEXT_SAMPLES = ["2021_guangzhou_tjj.txt", "2019_shanghai_szfbgt.html", "2023_suqian_shuyang_fgj.html",
                "2025_shanghai_szfbgt.md"]


def sample_docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("某某局2022年政府信息公开工作年度报告")
    t = d.add_table(rows=3, cols=4)
    for i, row in enumerate(t.rows):
        for j, cell in enumerate(row.cells):
            cell.text = "本年新收政府信息公开申请数量" if j == 0 else str(i * j)
    t.cell(0, 1).merge(t.cell(0, 2))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def mutate(data: bytes, donor: bytes, rng: random.Random) -> bytes:
    """One random damage: flipped bytes, a cut, a chunk spliced in from another document, a chunk dropped."""
    b = bytearray(data)
    kind = rng.choice(["flip", "truncate", "splice", "drop", "flip"])
    if kind == "flip":
        for _ in range(rng.randint(1, 32)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    elif kind == "truncate":
        del b[rng.randrange(1, len(b)):]
    elif kind == "splice":
        at, start = rng.randrange(len(b)), rng.randrange(len(donor))
        b[at:at] = donor[start:start + rng.randint(1, 4096)]
    else:
        at = rng.randrange(len(b))
        del b[at:at + rng.randint(1, 4096)]
    return bytes(b)


def bugs_in(name: str, data: bytes, donor: bytes, n: int, read) -> list[str]:
    rng = random.Random(f"{name}-{n}")
    found = []
    for i in range(n):
        m = mutate(data, donor, rng)
        try:
            read(m, name)
        except ReadError:
            pass
        except Exception as e:  # noqa: BLE001 - the point of the test
            found.append(f"{name} mutant {i}: {type(e).__name__}: {e}"[:300])
    return found


@pytest.mark.parametrize("name", TEXT_SAMPLES + ["generated.docx"])
def test_mutated_documents_fail_only_with_read_error(name):
    data = sample_docx() if name.endswith(".docx") else (SAMPLES / name).read_bytes()
    donor = (SAMPLES / "2023_pingtan_gwh.html").read_bytes()
    assert bugs_in(name, data, donor, N, read_document) == []


def test_mutated_pdf_fails_only_with_read_error():
    """PDF mutants run isolated under a time limit: a mutant may send pdfminer into a long loop."""
    data = (SAMPLES / "2023_huaian_hongze_qzf.pdf").read_bytes()
    read = lambda d, name: read_isolated(d, name, timeout=60)  # noqa: E731
    assert bugs_in("2023_huaian_hongze_qzf.pdf", data, sample_docx(), max(2, N // 10), read) == []
