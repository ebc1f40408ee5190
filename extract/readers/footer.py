"""Page footers of PDF pages ("- 3 -", "第 3 页"): dropped by both PDF paths, the text layer's and OCR's.

Its own module so that the OCR reader and the text-layer reader share it without importing each other.
"""
from __future__ import annotations

import re

FOOTER = re.compile(r"^[-—–\s]*\d+[-—–\s]*$|^第\s*\d+\s*页")
