"""A real HTTP server on 127.0.0.1 for crawler tests: the saved pingtan column plus made-up edge cases.

It serves a folder like a static government site and adds the misbehaviour real sites show: a 500
that works on retry, a redirect loop, a page slower than the crawler's timeout, ETags on /edge/,
a GBK page announced only by its Content-Type header. Every request is logged with its
conditional headers and the status answered, so tests can see what the crawler asked for.
"""
from __future__ import annotations

import os
import re
import shutil
import threading
import time
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
    return root


class Site:
    """The server running in a thread; `url(path)` builds addresses, `hits` the request log."""

    def __init__(self, root: Path) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: SiteHandler(*a, directory=str(self.root)))
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.root = build_site(root, self.port)
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


def touch_later(path: Path) -> None:
    """Bump a file's mtime so its ETag changes even within one clock tick."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
