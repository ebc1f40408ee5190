"""Decode text of unknown encoding: Chinese sites use UTF-8, GBK, GB2312 and GB18030."""
from __future__ import annotations

import re

from extract.document import ReadError

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)


def decode(data: bytes, declared: str | None = None) -> str:
    """Try the declared charset, a <meta> charset, UTF-8, then GB18030 (a superset of GBK/GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    candidates = [declared] if declared else []
    m = _META.search(data[:4096])
    if m:
        candidates.append(m.group(1).decode("ascii", "ignore"))
    candidates += ["utf-8", "gb18030"]
    for enc in candidates:
        enc = {"gb2312": "gb18030", "gbk": "gb18030"}.get(enc.lower(), enc) if enc else enc
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    if b"\x00" in data[:1024]:
        raise ReadError("binary content where text was expected")
    return data.decode("utf-8", errors="replace")
