"""A real HTTP server on 127.0.0.1 for crawler tests: the saved pingtan column plus made-up edge cases.

It serves a folder like a static government site and adds the misbehaviour real sites show: a 500
that works on retry, a redirect loop, a page slower than the crawler's timeout, ETags on /edge/,
a GBK page announced only by its Content-Type header. Every request is logged with its
conditional headers and the status answered, so tests can see what the crawler asked for.

/hostile/ is an attacker's column (tests/test_hostile_sites.py): redirects to another address
(127.0.0.2, standing for a cloud metadata service) and to other schemes, gzip bombs, bodies that never
end or trickle, a Content-Length that lies, a listing of 100,000 links, a page of 50 MB.
`Internal` is the forbidden target: a server on 127.0.0.2 that records whatever reaches it.
"""
from __future__ import annotations

import os
import re
import shutil
import threading
import time
import zlib
from functools import lru_cache
from dataclasses import dataclass
from email.utils import formatdate
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURE_SITE = Path(__file__).parent / "fixtures" / "site"
SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
SLOW_SECONDS = 2.0


@dataclass
class Hit:
    path: str
    status: int
    conditional: bool


class SiteHandler(SimpleHTTPRequestHandler):
    log: list[Hit] = []
    failed_once: set[str] = set()
    lock = threading.Lock()

    def log_message(self, format: str, *args) -> None:  # quiet: the log list is the record
        pass

    def send_response(self, code: int, message: str | None = None) -> None:
        conditional = "If-None-Match" in self.headers or "If-Modified-Since" in self.headers
        with self.lock:
            self.log.append(Hit(self.path, code, conditional))
        super().send_response(code, message)

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path == "/edge/flaky.htm":
            with self.lock:
                first = path not in self.failed_once
                self.failed_once.add(path)
            if first:
                self.send_error(500, "temporarily broken")
                return
        if path in ("/edge/loop.htm", "/edge/loop2.htm"):
            self.send_response(302)
            self.send_header("Location", "/edge/loop2.htm" if path == "/edge/loop.htm" else "/edge/loop.htm")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/edge/files/endless.pdf":  # no Content-Length: only counting the bytes can stop it
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.end_headers()
            try:
                self.wfile.write(b"%PDF-1.4\n")
                for _ in range(40):
                    self.wfile.write(b"0" * 64_000)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if path.startswith("/hostile/") and path in HOSTILE:
            try:
                HOSTILE[path](self)
            except (BrokenPipeError, ConnectionResetError):  # the crawler gave up, as it should
                pass
            return
        if path == "/edge/slow.htm":
            time.sleep(SLOW_SECONDS)
        if path.startswith("/edge/"):
            self._send_with_etag(path)
            return
        super().do_GET()

    def _send_with_etag(self, path: str) -> None:
        """Static file with an ETag and no Last-Modified, so If-None-Match alone must do the work."""
        file = Path(self.translate_path(path))
        if file.is_dir():
            file = file / "index.html"
        if not file.is_file():
            self.send_error(404)
            return
        st = file.stat()
        etag = f'"{st.st_mtime_ns:x}-{st.st_size:x}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        data = file.read_bytes()
        ctype = self.guess_type(str(file))
        if "gbk" in file.name:
            ctype = "text/html; charset=GBK"
        try:
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("ETag", etag)
            self.send_header("Date", formatdate(usegmt=True))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the crawler gave up (slow page)
            pass


def _head(h: SiteHandler, status: int, headers: dict[str, str]) -> None:
    h.send_response(status)
    for k, v in headers.items():
        h.send_header(k, v)
    h.end_headers()


@lru_cache(maxsize=None)
def gzip_bomb(mb: int = 200, wbits: int = 16 + zlib.MAX_WBITS) -> bytes:
    """`mb` MB of zeros, gzip-compressed (~1000:1): a few hundred KB on the wire."""
    z = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = b"\0" * (1 << 20)
    return b"".join(z.compress(block) for _ in range(mb)) + z.flush()


def _internal_redirect(h: SiteHandler) -> None:
    _head(h, 302, {"Location": f"http://127.0.0.2:{h.server.internal_port}/latest/meta-data/secret",
                   "Content-Length": "0"})


def _bomb(h: SiteHandler) -> None:
    body = gzip_bomb()
    _head(h, 200, {"Content-Type": "text/html", "Content-Encoding": "gzip", "Content-Length": str(len(body))})
    h.wfile.write(body)


def _deflate_bomb(h: SiteHandler) -> None:
    body = gzip_bomb(wbits=zlib.MAX_WBITS)
    _head(h, 200, {"Content-Type": "application/pdf", "Content-Encoding": "deflate"})
    h.wfile.write(body)


def _brotli(h: SiteHandler) -> None:  # never asked for: xxgk accepts gzip and deflate only
    _head(h, 200, {"Content-Type": "text/html", "Content-Encoding": "br", "Content-Length": "6"})
    h.wfile.write(b"\x1b\xff\xff\x0f\x00\x00")


def _endless(h: SiteHandler) -> None:
    _head(h, 200, {"Content-Type": "text/html"})
    block = b"<p>" + b"x" * 65_530 + b"</p>"
    while True:
        h.wfile.write(block)


def _trickle(h: SiteHandler) -> None:
    """A byte every TRICKLE_SECONDS, each inside the read timeout: only a total deadline ends it."""
    _head(h, 200, {"Content-Type": "text/html", "Content-Length": "100000"})
    for _ in range(100_000):
        h.wfile.write(b"x")
        h.wfile.flush()
        time.sleep(TRICKLE_SECONDS)


def _trickle_headers(h: SiteHandler) -> None:
    h.wfile.write(b"HTTP/1.1 200 OK\r\n")
    for _ in range(10_000):
        h.wfile.write(b"X")
        h.wfile.flush()
        time.sleep(TRICKLE_SECONDS)


def _lying_length(h: SiteHandler) -> None:
    _head(h, 200, {"Content-Type": "application/pdf", "Content-Length": "900000"})
    h.wfile.write(b"%PDF-1.4\n" + b"0" * 1000)
    h.close_connection = True


def _huge(h: SiteHandler) -> None:  # 50 MB, no Content-Length: only counting stops it
    _head(h, 200, {"Content-Type": "text/html"})
    block = b"<p>" + b"y" * (1 << 20) + b"</p>"
    for _ in range(50):
        h.wfile.write(block)


def _many_links(h: SiteHandler) -> None:
    rows = "".join(f'<li><a href="n{i}.htm">第{i}号通知</a></li>' for i in range(100_000))
    body = _page("政府信息公开年报", f'<ul><li><a href="good.htm">测试县2019年政府信息公开工作年度报告</a></li>{rows}</ul>')
    data = body.encode("utf-8")
    _head(h, 200, {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(data))})
    h.wfile.write(data)


TRICKLE_SECONDS = 0.2
HOSTILE = {
    "/hostile/internal.htm": _internal_redirect,
    "/hostile/ftp.htm": lambda h: _head(h, 301, {"Location": "ftp://127.0.0.1/secret.pdf", "Content-Length": "0"}),
    "/hostile/bomb.htm": _bomb,
    "/hostile/files/bomb.pdf": _deflate_bomb,
    "/hostile/br.htm": _brotli,
    "/hostile/endless.htm": _endless,
    "/hostile/trickle.htm": _trickle,
    "/hostile/trickle_headers.htm": _trickle_headers,
    "/hostile/files/lying.pdf": _lying_length,
    "/hostile/huge.htm": _huge,
    "/hostile/links/": _many_links,
}
HOSTILE_REPORTS = {  # the column's report links: each is a trap but the last
    "internal.htm": "2011", "ftp.htm": "2012", "bomb.htm": "2013", "br.htm": "2014", "endless.htm": "2015",
    "trickle.htm": "2016", "trickle_headers.htm": "2017", "huge.htm": "2018", "att.htm": "2019", "good.htm": "2020",
}


def _gbk(html: str) -> bytes:
    return html.encode("gbk")


def _page(title: str, body: str, charset: str = "utf-8") -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    return f"<!DOCTYPE html><html><head>{meta}<title>{title}</title></head><body>{body}</body></html>"


def _text_report(sample: str) -> tuple[str, str]:
    """A sample text report as an HTML page, one paragraph per line."""
    lines = (SAMPLES / sample).read_text(encoding="utf-8").splitlines()
    title = lines[0].split(":", 1)[-1].strip()
    return title, "".join(f"<p>{line}</p>" for line in lines)


def build_site(root: Path, port: int) -> Path:
    """The saved column (copied as is) plus the /edge/ column the tests need; returns the root."""
    shutil.copytree(FIXTURE_SITE, root, dirs_exist_ok=True)
    edge = root / "edge"
    (edge / "files").mkdir(parents=True)
    (root / "private").mkdir()
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="ascii")
    li = lambda href, title: f'<li><a href="{href}" target="_blank">{title}</a></li>'  # noqa: E731
    items = [
        li("../zwgk/zfxxgk/zfxxgknb/201204/t20120420_80678.htm", "平潭综合实验区2011年政府信息公开工作年度报告"),
        li(f"http://127.0.0.1:{port}/zwgk/zfxxgk/zfxxgknb/201402/t20140225_80774.htm",
           "平潭综合实验区地方税务局2013年信息公开年度报告"),
        li("../zwgk/zfxxgk/zfxxgknb/201412/t20141210_80787.htm", "关于2014年政府信息公开工作要点落实情况的函"),
        li("./gbk_report.htm", "沭阳县发展和改革局2023年度政府信息公开工作年度报告"),
        li("flaky.htm", "平潭综合实验区经济发展局2019年政府信息公开工作年度报告"),
        li("./notice.htm", "平潭综合实验区2020年政府信息公开年报"),
        li("./missing.htm", "平潭综合实验区2019年政府信息公开工作年度报告"),
        li("./loop.htm", "平潭综合实验区2018年政府信息公开工作年度报告"),
        li("./slow.htm", "平潭综合实验区2017年政府信息公开工作年度报告"),
        li("/private/r.htm", "平潭综合实验区2016年政府信息公开工作年度报告"),
        li("https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202403/t20240308_87885.htm",
           "平潭综合实验区2023年度政府信息公开工作年度报告"),
        '<li><a href="javascript:void(0)">分享</a></li>',
    ]
    nav = '<a href="index_1.html">下一页</a><script>createPageHTML(3, 0, "index", "html");</script>'
    (edge / "index.html").write_bytes(_gbk(_page("政府信息公开年报", f"<ul>{''.join(items)}</ul>{nav}", "gb2312")))
    (edge / "index_1.html").write_bytes(_gbk(_page("政府信息公开年报", "<ul>" + li(
        "att.htm", "平潭综合实验区某区2023年政府信息公开工作年度报告") + '</ul><a href="index_2.html">下一页</a>', "gbk")))
    (edge / "index_2.html").write_bytes(_gbk(_page("政府信息公开年报", "<ul>" + li(
        "szfbgt.html", "上海市人民政府办公厅2019年政府信息公开工作年度报告") + "</ul>", "gbk")))
    suqian = (SAMPLES / "2023_suqian_shuyang_fgj.html").read_text(encoding="utf-8")
    (edge / "gbk_report.htm").write_bytes(_gbk(re.sub(r"<meta charset=[^>]*>", "", suqian)))
    title, body = _text_report("2019_pingtan_jjf.txt")
    (edge / "flaky.htm").write_text(_page(title, body), encoding="utf-8")
    (edge / "notice.htm").write_text(_page("关于召开春季运动会的通知", "<p>各单位：定于4月召开春季运动会，请做好准备。</p>"),
                                     encoding="utf-8")
    (edge / "slow.htm").write_text(_page("慢", "<p>too late</p>"), encoding="utf-8")
    (root / "private" / "r.htm").write_text(_page("私有", "<p>robots.txt keeps crawlers out</p>"), encoding="utf-8")
    (edge / "att.htm").write_text(_page("平潭综合实验区某区2023年政府信息公开工作年度报告", (
        '<p>附件：</p><a href="files/hongze.pdf">洪泽区2023年报.pdf</a> <a href="./files/big.pdf">大附件.pdf</a> <a href="files/endless.pdf">无长度.pdf</a>'
        ' <a href="https://elsewhere.example.org/x.pdf">外站.pdf</a>')), encoding="utf-8")
    shutil.copy(SAMPLES / "2023_huaian_hongze_qzf.pdf", edge / "files" / "hongze.pdf")
    (edge / "files" / "big.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * 1_200_000)
    shutil.copy(SAMPLES / "2019_shanghai_szfbgt.html", edge / "szfbgt.html")
    _build_hostile(root / "hostile")
    return root


def _build_hostile(hostile: Path) -> None:
    (hostile / "links").mkdir(parents=True)
    items = "".join(f'<li><a href="{href}">测试县{year}年政府信息公开工作年度报告</a></li>'
                    for href, year in HOSTILE_REPORTS.items())
    (hostile / "index.html").write_text(_page("政府信息公开年报", f"<ul>{items}</ul>"), encoding="utf-8")
    (hostile / "ftp.htm").write_text("", encoding="utf-8")  # answered by a redirect below, see SiteHandler
    title, body = _text_report("2019_pingtan_jjf.txt")
    for folder in (hostile, hostile / "links"):
        (folder / "good.htm").write_text(_page(title, body), encoding="utf-8")
    (hostile / "att.htm").write_text(_page("测试县2019年政府信息公开工作年度报告", (
        '<a href="files/bomb.pdf">附件1.pdf</a> <a href="files/lying.pdf">附件2.pdf</a>')), encoding="utf-8")


class Internal:
    """A server on 127.0.0.2 (loopback, but not the listing's address): what reaches it was let through."""

    def __init__(self) -> None:
        hits = self.hits = []

        class Handler(SimpleHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"instance secret: AKIA-INTERNAL-ONLY")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.2", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Site:
    """The server running in a thread; `url(path)` builds addresses, `hits` the request log;
    `internal` the forbidden server on 127.0.0.2 its /hostile/ redirects point to."""

    def __init__(self, root: Path) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: SiteHandler(*a, directory=str(self.root)))
        self.server.daemon_threads = True
        self.internal = Internal()
        self.server.internal_port = self.internal.port
        self.port = self.server.server_address[1]
        self.root = build_site(root, self.port)
        gzip_bomb(), gzip_bomb(wbits=zlib.MAX_WBITS)  # made before the first request, not inside its read timeout
        SiteHandler.log = []
        SiteHandler.failed_once = set()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def hits(self) -> list[Hit]:
        return list(SiteHandler.log)

    def clear(self) -> None:
        SiteHandler.log.clear()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.internal.close()


def touch_later(path: Path) -> None:
    """Bump a file's mtime so its ETag changes even within one clock tick."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
