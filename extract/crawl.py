"""Discovery on one agency's 政府信息公开年报 column: listing pages → report pages → attachments.

Real columns are template pages full of navigation, share buttons, pseudo-links and absolute links
to the original host. The crawler therefore stays on the listing's host (or the hosts the source's
`allowed_hosts` names, e.g. a separate file server), takes only links whose title reads like an annual
report (or matches the source's `link_pattern`), follows the column's own pagination, and says which
same-site documents it left out and why. A page is read for at most MAX_LINKS_PER_PAGE links, so a
hostile listing of 100,000 links costs no more than an ordinary one.
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from posixpath import dirname
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import html as lhtml

from extract.document import ReadError
from extract.fetch import Fetcher, FetchResult, Refused, Scope, Validators
from extract.published import published_on
from extract.rawstore import RawStore
from extract.readers.encoding import decode
from extract.readers.sniff import sniff_format
from extract.sources import Source

ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et")
PAGE_SUFFIXES = (".htm", ".html", ".shtml", ".jhtml", ".jsp", ".php", ".asp", ".aspx")
MAX_LISTING_PAGES = 100
MAX_LINKS_PER_PAGE = 5000  # a real column page links a few hundred at most

_REPORT_TITLE = re.compile(r"信息公开.{0,20}?(?:年度报告|年报)|年度信息公开(?:工作)?报告")
_YEAR = re.compile(r"(?:19|20)\d{2}|[〇零一二][〇零一二三四五六七八九]{3}")
_NEXT_TEXT = {"下一页", "下页", "next", "next page", ">", "›", "»", ">>"}
_PAGED_NAME = re.compile(r"^(?:index|list|default)_\d+\.s?html?$", re.I)
_CREATE_PAGE = re.compile(
    r"""createPage(?:HTML)?\(\s*['"]?(\d+)['"]?\s*,\s*['"]?\d+['"]?\s*,\s*['"](\w+)['"]\s*,\s*['"](\w+)['"]""")
_CHARSET = re.compile(r"charset=([\w-]+)", re.I)


@dataclass(frozen=True)
class Link:
    url: str
    title: str


@dataclass(frozen=True)
class Fetched:
    """A document the crawl holds in the raw store: a report page or one of its attachments."""

    url: str
    sha256: str
    status: int          # 200 downloaded now, 304 unchanged since the last crawl
    title: str = ""
    attachments: tuple[str, ...] = ()  # of a report page: the attachments fetched from it
    published_on: date | None = None  # the date the report page states (an attachment: its page's)


@dataclass
class CrawlResult:
    source: Source
    fetches: list[FetchResult] = field(default_factory=list)
    documents: list[Fetched] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # url, title, reason
    listing_pages: int = 0
    off_site: int = 0

    @property
    def errors(self) -> list[FetchResult]:
        return [f for f in self.fetches if f.error]


def is_report_title(title: str) -> bool:
    """政府信息公开…年度报告 / 年报 with a year: the wording every annual report's title carries."""
    t = re.sub(r"\s+", "", title)
    return bool(_REPORT_TITLE.search(t) and _YEAR.search(t))


def page_links(text: str, page_url: str, limit: int | None = None) -> list[Link]:
    """Every real hyperlink of a page (or the first `limit`), absolute and without fragment; template
    pseudo-links dropped."""
    try:
        root = lhtml.fromstring(text)
    except (ValueError, lhtml.etree.ParserError):
        return []
    base = page_url
    for b in root.iter("base"):
        if b.get("href"):
            base = urljoin(page_url, b.get("href").strip())
            break
    out: list[Link] = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith("#") or href.lower().startswith(("javascript:", "mailto:", "tel:", "data:")):
            continue
        url = urldefrag(urljoin(base, href))[0]
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        title = (a.get("title") or "").strip() or re.sub(r"\s+", " ", a.text_content()).strip()
        out.append(Link(url, title))
        if limit is not None and len(out) >= limit:
            break
    return out


def same_site(url: str, listing_url: str) -> bool:
    """Same host name and explicit port; http and https of one host are one site."""
    a, b = urlsplit(url), urlsplit(listing_url)
    return (a.hostname or "").lower() == (b.hostname or "").lower() and a.port == b.port


def in_scope(url: str, scope: Scope) -> bool:
    try:
        scope.check(url)
    except Refused:
        return False
    return True


def wanted(link: Link, pattern: re.Pattern | None) -> bool:
    """A report link: the source's link_pattern matches its URL or title, or else its title reads as a report."""
    if pattern is not None:
        return bool(pattern.search(link.url) or pattern.search(link.title))
    return is_report_title(link.title)


def pagination(text: str, links: list[Link], page_url: str, listing_url: str) -> list[str]:
    """Further listing pages: 下一页-style links, index_N.html links in the column's folder, and the
    pages a TRS-style createPageHTML(count, current, "index", "html") script would link."""
    folder = dirname(urlsplit(listing_url).path) + "/"
    found: list[str] = []
    for link in links:
        path = urlsplit(link.url).path
        if not same_site(link.url, listing_url):
            continue
        if link.title.strip().lower() in _NEXT_TEXT or (
                _PAGED_NAME.match(path.rsplit("/", 1)[-1]) and path.startswith(folder)):
            found.append(link.url)
    m = _CREATE_PAGE.search(text)
    if m:
        count, stem, ext = int(m.group(1)), m.group(2), m.group(3)
        found += [urljoin(page_url, f"{stem}_{i}.{ext}") for i in range(1, min(count, MAX_LISTING_PAGES))]
    return found


def _text(body: bytes, source: Source, res: FetchResult) -> str | None:
    """An HTML page's text, decoded by the source's encoding, the HTTP charset, <meta>, UTF-8 or GB18030;
    None for anything that is not an HTML page."""
    try:
        if sniff_format(body, res.url) != "html":
            return None
        m = _CHARSET.search(res.content_type or "")
        return decode(body, source.encoding or (m.group(1) if m else None))
    except ReadError:
        return None


def _capped_links(text: str, res: FetchResult) -> list[Link]:
    """A page's links, the first MAX_LINKS_PER_PAGE of them; more is recorded as the fetch's error."""
    links = page_links(text, res.final_url or res.url, MAX_LINKS_PER_PAGE + 1)
    if len(links) > MAX_LINKS_PER_PAGE:
        res.error = f"page with more than {MAX_LINKS_PER_PAGE} links: only the first {MAX_LINKS_PER_PAGE} read"
    return links[:MAX_LINKS_PER_PAGE]


class Crawler:
    """Crawls sources with one shared Fetcher (so politeness holds across sources on one host)."""

    def __init__(self, fetcher: Fetcher, store: RawStore, prior: dict[str, Validators] | None = None,
                 missing: set[str] | None = None) -> None:
        """`prior`: validators of earlier good fetches (used only when the raw store still holds the body);
        `missing`: URLs that answered 404/410 recently, not asked again this crawl."""
        self.fetcher = fetcher
        self.store = store
        self.prior = {u: v for u, v in (prior or {}).items() if store.has(v.sha256)}
        self.missing = missing or set()

    def crawl(self, source: Source) -> CrawlResult:
        result = CrawlResult(source)
        scope = Scope.of(source.listing_url, source.allowed_hosts)
        candidates = self._not_missing(self._walk_listing(source, scope, result), result)
        pages = self._fetch_all([c.url for c in candidates], scope, result)
        attachments: dict[str, str] = {}
        dates: dict[str, date | None] = {}  # attachment → the date its (first) report page states
        page_docs: list[tuple[Fetched, list[str]]] = []
        for link, res in zip(candidates, pages):
            body = self._body(res)
            if body is None:
                continue
            own = self._attachment_links(body, res, source, scope, result)
            text = _text(body, source, res)
            day = published_on(text) if text is not None else None
            for a in own:
                attachments.setdefault(a.url, a.title)
                dates.setdefault(a.url, day)
            page_docs.append((Fetched(link.url, res.sha256, res.status, link.title, published_on=day),
                              [a.url for a in own]))
        pages_done = {d.url for d, _ in page_docs}
        todo = [a.url for a in self._not_missing([Link(u, t) for u, t in attachments.items()], result)
                if a.url not in pages_done]
        got = [Fetched(u, r.sha256, r.status, attachments[u], published_on=dates.get(u))
               for u, r in zip(todo, self._fetch_all(todo, scope, result)) if self._body(r) is not None]
        fetched = {d.url for d in got}
        result.documents = [replace(d, attachments=tuple(u for u in own if u in fetched)) for d, own in page_docs] + got
        return result

    def _attachment_links(self, body: bytes, res: FetchResult, source: Source, scope: Scope,
                          result: CrawlResult) -> list[Link]:
        """In-scope PDF/DOC/… links of a report page (none for a page that is itself a file)."""
        text = _text(body, source, res)
        if text is None:
            return []
        out = []
        for a in _capped_links(text, res):
            if urlsplit(a.url).path.lower().endswith(ATTACHMENT_SUFFIXES):
                if in_scope(a.url, scope):
                    out.append(a)
                else:
                    result.off_site += 1
        return out

    def _walk_listing(self, source: Source, scope: Scope, result: CrawlResult) -> list[Link]:
        pattern = re.compile(source.link_pattern) if source.link_pattern else None
        queue, seen, taken, skipped = [source.listing_url], {source.listing_url}, {}, set()
        while queue and result.listing_pages < MAX_LISTING_PAGES:
            url = queue.pop(0)
            res = self._fetch(url, scope, result)
            body = self._body(res)
            if body is None:
                continue
            text = _text(body, source, res)
            if text is None:
                continue
            result.listing_pages += 1
            links = _capped_links(text, res)
            for nxt in pagination(text, links, res.final_url or url, source.listing_url):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
            for link in links:
                if not in_scope(link.url, scope):
                    result.off_site += 1
                elif link.url in seen or link.url in taken:
                    continue
                elif wanted(link, pattern):
                    taken[link.url] = link
                elif link.title and urlsplit(link.url).path.lower().endswith(PAGE_SUFFIXES + ATTACHMENT_SUFFIXES):
                    reason = (f"no match for link_pattern {source.link_pattern!r}" if pattern
                              else "title is not an annual report (政府信息公开…年度报告/年报 with a year)")
                    if link.url not in skipped:
                        skipped.add(link.url)
                        result.skipped.append((link.url, link.title, reason))
        return list(taken.values())

    def _not_missing(self, links: list[Link], result: CrawlResult) -> list[Link]:
        days = self.fetcher.settings.recheck_missing_days
        for link in links:
            if link.url in self.missing:
                result.skipped.append((link.url, link.title, f"answered 404/410 within {days:g} days; asked again later"))
        return [link for link in links if link.url not in self.missing]

    def _fetch(self, url: str, scope: Scope, result: CrawlResult) -> FetchResult:
        res = self.fetcher.fetch(url, self.prior.get(url), scope)
        if res.body is not None and res.error is None:
            res.sha256 = self.store.put(res.body)
            res.body = None  # kept in the raw store, not in memory
        result.fetches.append(res)
        return res

    def _fetch_all(self, urls: list[str], scope: Scope, result: CrawlResult) -> list[FetchResult]:
        if not urls:
            return []
        with ThreadPoolExecutor(max_workers=self.fetcher.settings.per_host) as pool:
            return list(pool.map(lambda u: self._fetch(u, scope, result), urls))

    def _body(self, res: FetchResult) -> bytes | None:
        """The bytes a successful fetch stands for: fresh ones, or the stored copy behind a 304."""
        if not res.ok or not res.sha256 or not self.store.has(res.sha256):
            return None
        return self.store.get(res.sha256)
