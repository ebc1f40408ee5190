"""Property tests (hypothesis) of number reading and label matching: the printed forms a report may use
must read the same, and nothing that is not a number may read as one."""
from __future__ import annotations

import unicodedata

from hypothesis import given, settings, strategies as st

from transform.labels import norm, similarity, strip_enum
from transform.numbers import NA_MARKS, parse_value
from transform.parse import _match
from transform.schema import REQUESTS_2021, tables_for
from transform.tokens import Segment

FAST = settings(max_examples=150, deadline=None)
FULLWIDTH = str.maketrans("0123456789.,+-()", "０１２３４５６７８９．，＋－（）")
UNITS = ("", "件", "个", "项", "次", "条", "人次", "万元", "元")
SPACES = st.sampled_from(["", " ", "\u3000", "\u00a0", "\t", " \n "])
HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
# Kangxi radicals (U+2F00..) that NFKC folds to the ordinary character, as PDF text layers print them
KANGXI = {unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0x2F00, 0x2FD6)}


def thousands(n: int) -> str:
    return f"{n:,}"


@FAST
@given(st.text())
def test_any_text_reads_as_a_value_or_a_label(text):
    v = parse_value(text)
    assert v is None or v.status in ("number", "blank", "na")
    if v is not None and v.status == "number":
        assert isinstance(v.value, (int, float)) and v.value == v.value  # no NaN


@FAST
@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["ascii", "fullwidth", "thousands"]),
       st.sampled_from(UNITS), SPACES, SPACES)
def test_integers_read_as_printed(n, form, unit, before, after):
    text = {"ascii": str(n), "fullwidth": str(n).translate(FULLWIDTH), "thousands": thousands(n)}[form]
    v = parse_value(f"{before}{text}{unit}{after}")
    assert v is not None and v.status == "number" and v.value == n and isinstance(v.value, int)


@FAST
@given(st.integers(min_value=0, max_value=10**7), st.integers(min_value=1, max_value=99))
def test_decimals_read_as_printed(whole, cents):
    v = parse_value(f"{whole}.{cents:02d}")
    assert v is not None and v.status == "number" and v.value == float(f"{whole}.{cents:02d}")


@FAST
@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=99))
def test_a_comma_that_is_no_thousands_separator_is_not_read_as_one(a, b):
    """'12,34' is two cells run together or a typo, never 1234: it must not read as a number."""
    v = parse_value(f"{a},{b}")
    assert v is None or v.status != "number"


@FAST
@given(st.sampled_from(sorted(NA_MARKS)), SPACES, SPACES)
def test_not_applicable_marks(mark, before, after):
    assert parse_value(f"{before}{mark}{after}").status == "na"


@FAST
@given(st.lists(SPACES, max_size=4))
def test_blank_is_blank_never_zero(spaces):
    v = parse_value("".join(spaces))
    assert v is not None and v.status == "blank" and v.value is None


@FAST
@given(st.text(alphabet=HAN, min_size=1, max_size=12))
def test_chinese_words_are_labels_not_numbers(word):
    v = parse_value(word)
    assert v is None or (v.status == "na" and word in NA_MARKS)


@FAST
@given(st.integers(min_value=0, max_value=999), st.text(alphabet=HAN, min_size=1, max_size=6))
def test_a_number_inside_a_label_is_not_a_value(n, word):
    assert parse_value(f"{word}{n}{word}") is None


@FAST
@given(st.text())
def test_norm_and_strip_enum_are_idempotent(text):
    assert norm(norm(text)) == norm(text)
    assert strip_enum(strip_enum(text)) == strip_enum(text)


@FAST
@given(st.text(), st.text())
def test_similarity_is_a_score(a, b):
    assert 0.0 <= similarity(norm(a), norm(b)) <= 100.0


ALL_ROWS = [(t.key, i, r) for tpl in ("2021", "2019") for t in tables_for(tpl).values() for i, r in enumerate(t.rows)]


@st.composite
def printed(draw, label: str) -> str:
    """A label as a report may print it: spaces and line breaks anywhere, Kangxi radicals, full-width forms."""
    out = []
    for ch in label:
        if ch in KANGXI and draw(st.booleans()):
            ch = KANGXI[ch]
        out.append(ch.translate(FULLWIDTH) if draw(st.booleans()) else ch)
        out.append(draw(SPACES))
    return "".join(out)


@FAST
@given(st.data())
def test_printed_variants_of_a_canonical_label_normalise_alike(data):
    _, _, row = data.draw(st.sampled_from(ALL_ROWS))
    text = data.draw(printed(row.label))
    assert norm(text) == norm(row.label)
    assert similarity(norm(row.label), norm(text)) == 100.0


@FAST
@given(st.data())
def test_a_printed_requests_row_maps_to_its_key(data):
    i = data.draw(st.integers(min_value=0, max_value=len(REQUESTS_2021.rows) - 1))
    row = REQUESTS_2021.rows[i]
    enum = data.draw(st.sampled_from(["", "1.", "（三）", "2、", "三、"]))
    seg = Segment(enum + data.draw(printed(row.label)), ["0"] * len(row.cols))
    assert _match(REQUESTS_2021, seg, i, row.group) == i
