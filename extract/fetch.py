"""A polite HTTP fetcher: one client per crawl, per-host pacing and concurrency, bounded everything.

Government sites are small servers shared by many users: the fetcher spaces its requests to a host
(`delay`), never has more than `per_host` requests open to it, honours robots.txt, names itself in
the User-Agent, and gives up cleanly (an error string, never an exception) on timeouts, loops,
oversized bodies and servers that keep failing. Conditional GET (ETag / Last-Modified of the
previous fetch) lets a nightly re-crawl of an unchanged site download nothing.

A site is foreign and may be hostile. Redirects are followed here, hop by hop, under the rule links
obey (`Scope`: the listing's host or hosts its sources row allows, robots.txt and pacing of each
host); every connection's peer address is checked when it is made (no keep-alive, so each request
makes one), so neither a redirect nor a DNS answer that changes between two lookups reaches a
loopback, private, link-local or reserved address, unless the listing itself is on that address.
Bodies are decompressed here, by bounded steps, so a gzip bomb stops at the size limit, and one
watchdog per fetch cuts the connection at a total deadline, so a server trickling a byte a second
(headers included) cannot hold a worker.
"""
from __future__ import annotations

import hashlib
import ipaddress
import os
import socket
import threading
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timezone
from urllib import robotparser
from urllib.parse import urljoin, urlsplit

import httpx

USER_AGENT = "xxgk-crawler/0.1 (annual government-information-disclosure reports; polite batch crawler)"
RETRY_STATUS = {500, 502, 503, 504, 429}
REDIRECT_STATUS = {301, 302, 303, 307, 308}
DECODERS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": 32 + zlib.MAX_WBITS}


@dataclass(frozen=True)
class FetchSettings:
    """Politeness and safety limits; tests shrink the times, production keeps the defaults."""

    user_agent: str = USER_AGENT
    timeout: float = 30.0          # seconds, per connect / read / write; a whole fetch gets 4× this
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


class Refused(Exception):
    """A URL or a connection the policy forbids; the message is the error recorded in `fetches`."""


def host_key(url: str) -> str:
    """Scheme-less host:port, the unit of politeness and of 'same site'."""
    p = urlsplit(url)
    return f"{(p.hostname or '').lower()}:{p.port or (443 if p.scheme == 'https' else 80)}"


def internal_address(ip: str) -> bool:
    """Loopback, private, link-local, multicast, reserved, unspecified or otherwise not globally routed
    (an IPv4 address mapped into IPv6 judged as itself): where cloud metadata and intranets live."""
    a = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(a, ipaddress.IPv6Address) and a.ipv4_mapped:
        a = a.ipv4_mapped
    return (a.is_loopback or a.is_private or a.is_link_local or a.is_multicast or a.is_reserved
            or a.is_unspecified or not a.is_global)


@dataclass(frozen=True)
class Scope:
    """Where one source's fetches may go: `hosts` (host or host:port, lower case), and `exempt`, the
    internal addresses the listing itself is on (so a site on an intranet, or a test on 127.0.0.1,
    can be crawled without opening every other internal address)."""

    hosts: frozenset[str]
    exempt: frozenset[str] = frozenset()

    @classmethod
    def of(cls, listing_url: str, allowed_hosts: tuple[str, ...] = ()) -> Scope:
        p = urlsplit(listing_url)
        host = (p.hostname or "").lower()
        hosts = {f"{host}:{p.port}" if p.port else host, *(h.lower() for h in allowed_hosts)}
        try:
            infos = socket.getaddrinfo(host, p.port or (443 if p.scheme == "https" else 80), type=socket.SOCK_STREAM)
            exempt = {i[4][0] for i in infos if internal_address(i[4][0])}
        except (OSError, ValueError):
            exempt = set()
        return cls(frozenset(hosts), frozenset(exempt))

    def check(self, url: str) -> None:
        """Raise Refused for a URL off the scope: another scheme, or a host:port not listed. A host listed
        without port allows the scheme's default port only, as same-site links do."""
        p = urlsplit(url)
        if p.scheme not in ("http", "https"):
            raise Refused(f"refused: scheme {p.scheme or '(none)'!r} of {url[:200]} (only http and https)")
        host = (p.hostname or "").lower()
        if (f"{host}:{p.port}" if p.port else host) not in self.hosts:
            raise Refused(f"refused: {url[:200]} is off the source's hosts ({', '.join(sorted(self.hosts))})")

    def check_resolved(self, url: str) -> None:
        """Refuse a host whose every address is internal (and not the listing's) before asking anything of
        it, robots.txt included; the connection's own peer check still decides (DNS answers change)."""
        p = urlsplit(url)
        try:
            infos = socket.getaddrinfo(p.hostname, p.port or (443 if p.scheme == "https" else 80), type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return  # the request itself reports the failed lookup
        ips = {i[4][0] for i in infos}
        if ips and all(internal_address(ip) and ip not in self.exempt for ip in ips):
            self.check_peer(sorted(ips)[0], url)

    def check_peer(self, ip: str, url: str) -> None:
        if internal_address(ip) and ip not in self.exempt:
            raise Refused(f"refused: {urlsplit(url).netloc} is at internal address {ip} "
                          "(loopback, private, link-local, multicast or reserved)")


class _Watchdog:
    """Cuts the connection of a fetch when its total deadline passes: per-read timeouts alone never fire
    on a server that sends one byte a second. `arm` gets each new connection's socket."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.deadline, self.fired = seconds, float("inf"), False
        self._sock: socket.socket | None = None
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def start(self) -> None:
        """The clock starts with the first request, after the wait for a slot and the host's pacing."""
        if not self._timer.is_alive() and self.deadline == float("inf"):
            self.deadline = time.monotonic() + self.seconds
            self._timer.start()

    def arm(self, sock: socket.socket) -> None:
        self._sock = sock
        if self.fired:
            self._fire()

    def _fire(self) -> None:
        self.fired = True
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def check(self) -> None:
        if self.fired or time.monotonic() > self.deadline:
            raise _Abandoned(f"too slow: fetch not complete after {self.seconds:g}s")

    def cancel(self) -> None:
        if self._timer.is_alive():
            self._timer.cancel()


class Fetcher:
    """Thread-safe; use as a context manager so the connection pool is closed."""

    def __init__(self, settings: FetchSettings | None = None) -> None:
        self.settings = s = settings or FetchSettings.from_env()
        self.client = httpx.Client(  # redirects, decoding and connection reuse are done (and checked) here
            headers={"User-Agent": s.user_agent, "Accept-Encoding": ", ".join(DECODERS)}, timeout=s.timeout,
            follow_redirects=False,
            limits=httpx.Limits(max_connections=max(4, s.per_host * 4), max_keepalive_connections=0),
        )
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = defaultdict(lambda: threading.BoundedSemaphore(s.per_host))
        self._next_start: dict[str, float] = defaultdict(float)
        self._robots: dict[str, robotparser.RobotFileParser | None] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.client.close()

    def fetch(self, url: str, prior: Validators | None = None, scope: Scope | None = None) -> FetchResult:
        """GET with retries and backoff; `prior` makes it conditional; `scope` (default: the URL's own host)
        bounds where it and its redirects may go. Never raises for network trouble or a hostile server."""
        scope = scope or Scope.of(url)
        headers = {}
        if prior and prior.etag:
            headers["If-None-Match"] = prior.etag
        if prior and prior.last_modified:
            headers["If-Modified-Since"] = prior.last_modified
        result = self._with_retries(url, headers, scope)
        if result.not_modified and prior:
            result = replace(result, sha256=prior.sha256, etag=result.etag or prior.etag,
                             last_modified=result.last_modified or prior.last_modified)
        return result

    def _with_retries(self, url: str, headers: dict[str, str], scope: Scope, robots: bool = True) -> FetchResult:
        """Attempts until one is not transient, waiting backoff, 2×backoff, 4×backoff… between them."""
        s = self.settings
        for attempt in range(s.retries + 1):
            if attempt:
                time.sleep(s.backoff * 2 ** (attempt - 1))
            result = self._attempt(url, headers, scope, robots)
            result.attempts = attempt + 1
            if not _transient(result):
                break
        return result

    def _attempt(self, url: str, headers: dict[str, str], scope: Scope, robots: bool) -> FetchResult:
        """One GET and its redirects, each hop checked against the scope and the hop host's robots.txt."""
        watchdog = _Watchdog(4 * self.settings.timeout)
        hop = url
        try:
            for _ in range(self.settings.max_redirects + 1):
                scope.check(hop)
                scope.check_resolved(hop)
                if robots and self.settings.robots and not self.allowed(hop, scope):
                    return FetchResult(url=url, final_url=hop, error="disallowed by robots.txt"
                                       + ("" if hop == url else f" (redirected to {hop[:200]})"))
                res, location = self._hop(url, hop, headers, scope, watchdog)
                if location is None:
                    return res
                hop = urljoin(hop, location)
            return FetchResult(url=url, final_url=hop,
                               error=f"too many redirects (more than {self.settings.max_redirects})")
        except Refused as e:
            return FetchResult(url=url, final_url=hop, error=str(e))
        except _Abandoned as e:
            return FetchResult(url=url, final_url=hop, status=200, error=str(e))
        except httpx.HTTPError as e:
            if watchdog.fired:
                return FetchResult(url=url, final_url=hop, error=f"too slow: fetch not complete after {watchdog.seconds:g}s")
            if isinstance(e, httpx.TimeoutException):
                return FetchResult(url=url, final_url=hop, error=f"timeout after {self.settings.timeout:g}s: {type(e).__name__}")
            return FetchResult(url=url, final_url=hop, error=f"connection error: {type(e).__name__}: {e}"[:300])
        finally:
            watchdog.cancel()

    def _hop(self, url: str, hop: str, headers: dict[str, str], scope: Scope,
             watchdog: _Watchdog) -> tuple[FetchResult, str | None]:
        """One request; (result, None), or (_, Location) for a redirect to follow."""
        def trace(event: str, info: dict) -> None:
            if event == "connection.connect_tcp.complete":  # before one byte of the request is sent
                stream = info["return_value"]
                try:
                    scope.check_peer(stream.get_extra_info("server_addr")[0], hop)
                except Refused:
                    stream.close()
                    raise
                watchdog.arm(stream.get_extra_info("socket"))

        key = host_key(hop)
        with self._slots[key]:
            self._pace(key)
            watchdog.start()
            watchdog.check()
            with self.client.stream("GET", hop, headers=headers, extensions={"trace": trace}) as resp:
                res = FetchResult(
                    url=url, final_url=hop, status=resp.status_code,
                    content_type=resp.headers.get("content-type"), etag=resp.headers.get("etag"),
                    last_modified=resp.headers.get("last-modified"),
                )
                if resp.status_code in REDIRECT_STATUS and resp.headers.get("location"):
                    return res, resp.headers["location"].strip()
                if resp.status_code == 304:
                    return res, None
                if resp.status_code != 200:
                    res.error = f"HTTP {resp.status_code}"
                    return res, None
                body = self._read_capped(resp, watchdog)
        res.body, res.size, res.sha256 = body, len(body), hashlib.sha256(body).hexdigest()
        return res, None

    def _read_capped(self, resp: httpx.Response, watchdog: _Watchdog) -> bytes:
        """The body, decoded, unless it passes max_bytes (counted after decompression: a gzip bomb stops at
        the limit, never inflated whole) or the fetch's total deadline passes."""
        limit = self.settings.max_bytes
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise _Abandoned(f"too large: Content-Length {declared} > max {limit} bytes")
        encodings = [e.strip().lower() for e in resp.headers.get("content-encoding", "").split(",")
                     if e.strip() and e.strip().lower() != "identity"]
        if len(encodings) > 1 or (encodings and encodings[0] not in DECODERS):
            raise _Abandoned(f"unsupported Content-Encoding {resp.headers['content-encoding'][:50]!r} "
                             f"(asked for {', '.join(DECODERS)})")
        inflate = zlib.decompressobj(DECODERS[encodings[0]]) if encodings else None
        chunks, total = [], 0
        for raw in resp.iter_raw():
            watchdog.check()
            pending = raw
            while pending:
                if inflate is None:
                    chunk, pending = pending, b""
                else:
                    try:
                        chunk = inflate.decompress(pending, limit + 1 - total)
                    except zlib.error as e:
                        raise _Abandoned(f"corrupt {encodings[0]} body: {e}") from None
                    pending = inflate.unconsumed_tail
                    if inflate.eof:  # the end of the stream: bytes after it are not part of the body
                        pending = b""
                total += len(chunk)
                if total > limit:
                    raise _Abandoned(f"too large: more than max {limit} bytes"
                                     + (f" after {encodings[0]} decoding" if inflate else ""))
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

    def allowed(self, url: str, scope: Scope | None = None) -> bool:
        """robots.txt of the URL's host (fetched once per crawl, its redirects held to `scope`): 4xx means
        no rules; 5xx or unreachable means keep off the host (RFC 9309 §2.3.1)."""
        p = urlsplit(url)
        key = host_key(url)
        with self._lock:
            known = key in self._robots
        if not known:
            robots_url = f"{p.scheme}://{p.netloc}/robots.txt"
            res = self._with_retries(robots_url, {}, scope or Scope.of(url), robots=False)
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
