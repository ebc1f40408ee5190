"""A hostile site on 127.0.0.1: the crawler stays where it was sent and every trap ends as an error row.

The /hostile/ column of tests/sitesrv.py links ten "annual reports", nine of them traps: a redirect
to 127.0.0.2 (standing for a cloud metadata service), one to ftp:, gzip and deflate bombs, a br body,
bodies that never end or trickle (headers too), a Content-Length that lies, a 50 MB page. One crawl
(the real Prefect flow, into a real warehouse) must record each as an error in `fetches`, download
the one real report, and never reach 127.0.0.2.
"""
from __future__ import annotations

import csv
import socket
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import query
from extract.crawl import MAX_LINKS_PER_PAGE, Crawler
from extract.fetch import Fetcher, FetchSettings, Scope, internal_address
from extract.rawstore import RawStore
from extract.sources import Source, read_sources
from sitesrv import Site

SETTINGS = FetchSettings(delay=0, timeout=0.5, retries=1, backoff=0.05, max_bytes=1_000_000, per_host=4)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    s = Site(tmp_path_factory.mktemp("hostile") / "www")
    yield s
    s.close()


def write_sources(path: Path, site: Site, listing: str, allowed: str = "") -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["agency", "region", "level", "listing_url", "allowed_hosts"])
        w.writerow(["测试县人民政府", "测试", "county", site.url(listing), allowed])
    return path


@pytest.fixture(scope="module")
def crawled(prefect_harness, site, tmp_path_factory):
    from flows.crawl import crawl_flow

    tmp = tmp_path_factory.mktemp("hostile-crawl")
    db = tmp / "wh.duckdb"
    summary = crawl_flow(str(write_sources(tmp / "sources.csv", site, "/hostile/")), db=str(db),
                         raw_root=str(tmp / "raw"), settings=SETTINGS)
    errors = {u.removeprefix(site.url("")): e
              for u, e in query(db, "select url, error from fetches where error is not null")}
    return summary, errors, db, tmp / "raw"


def test_redirect_to_an_internal_address_is_refused_and_recorded(crawled, site):
    summary, errors, db, _ = crawled
    assert errors["/hostile/internal.htm"].startswith(f"refused: http://127.0.0.2:{site.internal.port}/")
    assert "off the source's hosts" in errors["/hostile/internal.htm"]
    assert site.internal.hits == []  # not one request reached the "metadata service"
    final = query(db, "select final_url from fetches where url like '%/hostile/internal.htm'")
    assert final == [(f"http://127.0.0.2:{site.internal.port}/latest/meta-data/secret",)]
    assert errors["/hostile/ftp.htm"].startswith("refused: scheme 'ftp'")


def test_bombs_and_trickles_end_as_errors_and_the_crawl_goes_on(crawled):
    summary, errors, _, raw = crawled
    assert "too large: more than max 1000000 bytes after gzip decoding" in errors["/hostile/bomb.htm"]
    assert "after deflate decoding" in errors["/hostile/files/bomb.pdf"]  # an attachment of att.htm
    assert "unsupported Content-Encoding 'br'" in errors["/hostile/br.htm"]
    assert errors["/hostile/endless.htm"] == "too large: more than max 1000000 bytes"
    assert errors["/hostile/huge.htm"] == "too large: more than max 1000000 bytes"
    assert errors["/hostile/trickle.htm"] == "too slow: fetch not complete after 2s"
    assert errors["/hostile/trickle_headers.htm"] == "too slow: fetch not complete after 2s"
    assert "RemoteProtocolError" in errors["/hostile/files/lying.pdf"]  # 900,000 bytes announced, 1,009 sent
    assert [d.url.rsplit("/", 1)[-1] for d in summary.documents] == ["att.htm", "good.htm"]
    assert summary.counts()["errors"] == 10
    stored = [p.stat().st_size for p in raw.rglob("*") if p.is_file()]
    assert len(stored) == 3 and max(stored) < 100_000  # the listing, good.htm, att.htm: no bomb kept


def test_a_listing_of_100000_links_is_read_to_the_cap(site, tmp_path):
    with Fetcher(replace(SETTINGS, max_bytes=10_000_000)) as fetcher:  # the page is 5 MB
        result = Crawler(fetcher, RawStore(tmp_path)).crawl(Source("测试", "测试", "county", site.url("/hostile/links/")))
    assert [d.url for d in result.documents] == [site.url("/hostile/links/good.htm")]
    listing = result.fetches[0]
    assert listing.error == f"page with more than {MAX_LINKS_PER_PAGE} links: only the first {MAX_LINKS_PER_PAGE} read"
    assert len(result.skipped) == MAX_LINKS_PER_PAGE - 1  # 第N号通知: not reports, said once each
    assert len(result.fetches) == 2


def test_allowed_hosts_widen_the_hosts_never_the_addresses(site, tmp_path):
    """A sources row may allow a second host; an internal address stays refused even then."""
    sources = read_sources(write_sources(tmp_path / "s.csv", site, "/hostile/",
                                         allowed=f"127.0.0.2:{site.internal.port}"))
    scope = Scope.of(sources[0].listing_url, sources[0].allowed_hosts)
    assert scope.exempt == {"127.0.0.1"}
    with Fetcher(SETTINGS) as fetcher:
        res = fetcher.fetch(site.url("/hostile/internal.htm"), scope=scope)
        direct = fetcher.fetch(f"http://127.0.0.2:{site.internal.port}/x", scope=scope)
    assert "is at internal address 127.0.0.2" in res.error
    assert "is at internal address 127.0.0.2" in direct.error
    assert site.internal.hits == []


def test_dns_rebinding_is_caught_at_the_connection(site, monkeypatch):
    """A name that passes the host rule and first resolves to the listing's address, then, when the
    connection is made, to an internal one: the connected peer is what is checked."""
    real, answers = socket.getaddrinfo, []

    def rebinding(host, *args, **kw):
        if host == "rebind.test":
            answers.append("127.0.0.1" if not answers else "127.0.0.2")
            host = answers[-1]
        return real(host, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    scope = Scope(frozenset({f"rebind.test:{site.internal.port}"}), exempt=frozenset({"127.0.0.1"}))
    with Fetcher(replace(SETTINGS, robots=False)) as fetcher:
        res = fetcher.fetch(f"http://rebind.test:{site.internal.port}/latest/meta-data/", scope=scope)
    assert "rebind.test" in res.error and "internal address 127.0.0.2" in res.error
    assert answers == ["127.0.0.1", "127.0.0.2"]  # the check before asking passed; the connection's did not
    assert site.internal.hits == []


def serve(routes: dict[str, tuple[int, dict[str, str], bytes]], hits: list[str]) -> ThreadingHTTPServer:
    """A server on 127.0.0.1 answering each path of `routes` with (status, headers, body), 404 otherwise."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            status, headers, body = routes.get(self.path, (404, {}, b""))
            self.send_response(status)
            for k, v in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_a_redirect_to_an_allowed_host_obeys_that_hosts_robots():
    """A sources row allowing a file server: a redirect there is followed only where its own robots.txt allows."""
    file_hits: list[str] = []
    files = serve({"/robots.txt": (200, {}, b"User-agent: *\nDisallow: /private/\n"),
                   "/public/r.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 report")}, file_hits)
    other = f"127.0.0.1:{files.server_port}"
    listing = serve({"/report.htm": (302, {"Location": f"http://{other}/private/r.pdf"}, b""),
                     "/open.htm": (302, {"Location": f"http://{other}/public/r.pdf"}, b"")}, [])
    base = f"http://127.0.0.1:{listing.server_port}"
    try:
        with Fetcher(SETTINGS) as fetcher:
            scope = Scope.of(base + "/", (other,))
            refused = fetcher.fetch(base + "/report.htm", scope=scope)
            followed = fetcher.fetch(base + "/open.htm", scope=scope)
            off = fetcher.fetch(base + "/open.htm", scope=Scope.of(base + "/"))  # the row allows no second host
    finally:
        files.shutdown()
        listing.shutdown()
    assert refused.error == f"disallowed by robots.txt (redirected to http://{other}/private/r.pdf)"
    assert followed.ok and followed.body == b"%PDF-1.4 report" and followed.final_url == f"http://{other}/public/r.pdf"
    assert off.error.startswith(f"refused: http://{other}/public/r.pdf is off the source's hosts")
    assert file_hits == ["/robots.txt", "/public/r.pdf"]  # robots asked once; /private/ never


def test_redirect_within_the_site_is_followed(site):
    with Fetcher(SETTINGS) as fetcher:
        res = fetcher.fetch(site.url("/edge/loop.htm"))
        scope = Scope.of(site.url("/hostile/"))
        ok = fetcher.fetch(site.url("/hostile/good.htm"), scope=scope)
    assert res.error == "too many redirects (more than 5)"
    assert ok.ok and ok.size > 1000


@pytest.mark.parametrize("ip,internal", [
    ("127.0.0.2", True), ("10.1.2.3", True), ("172.16.0.1", True), ("192.168.1.1", True), ("169.254.169.254", True),
    ("100.64.0.1", True), ("224.0.0.1", True), ("0.0.0.0", True), ("240.0.0.1", True), ("::1", True),
    ("fe80::1", True), ("fd00::1", True), ("::ffff:169.254.169.254", True), ("ff02::1", True),
    ("202.96.128.86", False), ("2400:3200::1", False),
])
def test_internal_addresses(ip, internal):
    assert internal_address(ip) is internal
