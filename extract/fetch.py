"""A polite HTTP fetcher: one client per crawl, per-host pacing and concurrency, bounded everything.

Government sites are small servers shared by many users: the fetcher spaces its requests to a host
(`delay`), never has more than `per_host` requests open to it, honours robots.txt, names itself in
the User-Agent, and gives up cleanly (an error string, never an exception) on timeouts, loops,
oversized bodies and servers that keep failing. Conditional GET (ETag / Last-Modified of the
previous fetch) lets a nightly re-crawl of an unchanged site download nothing.
"""
from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timezone
from urllib import robotparser
from urllib.parse import urlsplit

import httpx

USER_AGENT = "xxgk-crawler/0.1 (annual government-information-disclosure reports; polite batch crawler)"
RETRY_STATUS = {500, 502, 503, 504, 429}


@dataclass(frozen=True)
class FetchSettings:
    """Politeness and safety limits; tests shrink the times, production keeps the defaults."""

    user_agent: str = USER_AGENT
    timeout: float = 30.0          # seconds, per connect / read / write
    delay: float = 1.0             # seconds between two request starts to one host
    per_host: int = 2              # requests open at once to one host
    max_bytes: int = 50_000_000    # a body beyond this is abandoned
    max_redirects: int = 5
    retries: int = 3               # extra attempts on 5xx, 429 and connection errors
    backoff: float = 1.0           # first retry wait in seconds, doubled each time
    robots: bool = True
    recheck_missing_days: float = 7.0  # a URL that answered 404/410 is asked again only after this

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> FetchSettings:
        """Defaults, overridden by XXGK_FETCH_<FIELD> variables (e.g. XXGK_FETCH_DELAY=2) for ops and tests."""
        env = os.environ if env is None else env
        kw = {}
        for f in fields(cls):
            raw = env.get(f"XXGK_FETCH_{f.name.upper()}")
            if raw is not None:
                kw[f.name] = raw.lower() in ("1", "true", "yes") if f.type == "bool" else type(getattr(cls, f.name))(raw)
        return cls(**kw)


@dataclass(frozen=True)
class Validators:
    """What the previous successful fetch of a URL told us, for a conditional GET."""

    sha256: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FetchResult:
    """One URL fetched (or not): the row of the `fetches` table, plus the body when one came."""

    url: str
    final_url: str | None = None
    status: int | None = None
    sha256: str | None = None
    content_type: str | None = None
    size: int = 0                  # bytes of body downloaded by this fetch (0 for 304)
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc).replace(tzinfo=None))
    error: str | None = None
    attempts: int = 0
    body: bytes | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.error is None and self.status in (200, 304)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def row(self) -> dict:
        return {k: getattr(self, k) for k in (
            "url", "final_url", "status", "sha256", "content_type", "size", "etag", "last_modified",
            "fetched_at", "error")}


class _Abandoned(Exception):
    """A body given up half-way: too large, or trickling in past the whole-request deadline."""


def host_key(url: str) -> str:
    """Scheme-less host:port, the unit of politeness and of 'same site'."""
    p = urlsplit(url)
    return f"{(p.hostname or '').lower()}:{p.port or (443 if p.scheme == 'https' else 80)}"


class Fetcher:
    """Thread-safe; use as a context manager so the connection pool is closed."""

    def __init__(self, settings: FetchSettings | None = None) -> None:
        self.settings = s = settings or FetchSettings.from_env()
        self.client = httpx.Client(
            headers={"User-Agent": s.user_agent}, timeout=s.timeout, follow_redirects=True,
            max_redirects=s.max_redirects, limits=httpx.Limits(max_connections=max(4, s.per_host * 4)),
        )
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = defaultdict(lambda: threading.BoundedSemaphore(s.per_host))
        self._next_start: dict[str, float] = defaultdict(float)
        self._robots: dict[str, robotparser.RobotFileParser | None] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.client.close()

    def fetch(self, url: str, prior: Validators | None = None) -> FetchResult:
        """GET with retries and backoff; `prior` makes it conditional. Never raises for network trouble."""
        if self.settings.robots and not self.allowed(url):
            return FetchResult(url=url, error="disallowed by robots.txt")
        headers = {}
        if prior and prior.etag:
            headers["If-None-Match"] = prior.etag
        if prior and prior.last_modified:
            headers["If-Modified-Since"] = prior.last_modified
        result = self._with_retries(url, headers)
        if result.not_modified and prior:
            result = replace(result, sha256=prior.sha256, etag=result.etag or prior.etag,
                             last_modified=result.last_modified or prior.last_modified)
        return result

    def _with_retries(self, url: str, headers: dict[str, str]) -> FetchResult:
        """Attempts until one is not transient, waiting backoff, 2×backoff, 4×backoff… between them."""
        s = self.settings
        for attempt in range(s.retries + 1):
            if attempt:
                time.sleep(s.backoff * 2 ** (attempt - 1))
            result = self._attempt(url, headers)
            result.attempts = attempt + 1
            if not _transient(result):
                break
        return result

    def _attempt(self, url: str, headers: dict[str, str]) -> FetchResult:
        key = host_key(url)
        with self._slots[key]:
            self._pace(key)
            try:
                with self.client.stream("GET", url, headers=headers) as resp:
                    res = FetchResult(
                        url=url, final_url=str(resp.url), status=resp.status_code,
                        content_type=resp.headers.get("content-type"), etag=resp.headers.get("etag"),
                        last_modified=resp.headers.get("last-modified"),
                    )
                    if resp.status_code == 304:
                        return res
                    if resp.status_code != 200:
                        res.error = f"HTTP {resp.status_code}"
                        return res
                    body = self._read_capped(resp)
            except _Abandoned as e:
                return FetchResult(url=url, status=200, error=str(e))
            except httpx.TooManyRedirects:
                return FetchResult(url=url, error=f"too many redirects (more than {self.settings.max_redirects})")
            except httpx.TimeoutException as e:
                return FetchResult(url=url, error=f"timeout after {self.settings.timeout:g}s: {type(e).__name__}")
            except httpx.HTTPError as e:
                return FetchResult(url=url, error=f"connection error: {type(e).__name__}: {e}"[:300])
        res.body, res.size, res.sha256 = body, len(body), hashlib.sha256(body).hexdigest()
        return res

    def _read_capped(self, resp: httpx.Response) -> bytes:
        """The body, unless it passes max_bytes or takes longer than 4 timeouts in all (the read timeout
        alone never fires on a server that trickles a byte at a time)."""
        limit, deadline = self.settings.max_bytes, time.monotonic() + 4 * self.settings.timeout
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise _Abandoned(f"too large: Content-Length {declared} > max {limit} bytes")
        chunks, total = [], 0
        for chunk in resp.iter_bytes():
            total += len(chunk)
            if total > limit:
                raise _Abandoned(f"too large: more than max {limit} bytes")
            if time.monotonic() > deadline:
                raise _Abandoned(f"too slow: body not complete after {4 * self.settings.timeout:g}s")
            chunks.append(chunk)
        return b"".join(chunks)

    def _pace(self, key: str) -> None:
        """Reserve the next start time for this host, then sleep until it comes."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_start[key])
            self._next_start[key] = start + self.settings.delay
        if start > now:
            time.sleep(start - now)

    def allowed(self, url: str) -> bool:
        """robots.txt of the URL's host (fetched once per crawl): 4xx means no rules; 5xx or
        unreachable means keep off the host (RFC 9309 §2.3.1)."""
        p = urlsplit(url)
        key = host_key(url)
        with self._lock:
            known = key in self._robots
        if not known:
            robots_url = f"{p.scheme}://{p.netloc}/robots.txt"
            res = self._with_retries(robots_url, {})
            parser: robotparser.RobotFileParser | None = robotparser.RobotFileParser(robots_url)
            if res.status == 200 and res.body is not None:
                parser.parse(res.body.decode("utf-8", "replace").splitlines())
            elif res.status is not None and 400 <= res.status < 500:
                parser.parse([])
            else:
                parser = None
            with self._lock:
                self._robots.setdefault(key, parser)
        rules = self._robots[key]
        return rules is not None and rules.can_fetch(self.settings.user_agent, url)


def _transient(res: FetchResult) -> bool:
    """Worth another try: a server error, throttling, a connection failure or a timeout
    (a busy server often answers the next time)."""
    if res.status in RETRY_STATUS:
        return True
    return res.status is None and res.error is not None and res.error.startswith(("connection error", "timeout"))
