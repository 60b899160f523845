"""Credentials and everything that must never leak: the key, URL userinfo, header injection.

Why a module of its own: a key read from a mounted secret file ends in ``\\n``; h11 then refuses
the header and quotes it *escaped* (``b'sk-...\\n'``), which a plain ``replace(key)`` misses. So
the key is stripped at construction, a key with inner control or non-ASCII characters is refused
before anything is sent, and the redactor removes every form the key can take in text.

Credentials are attached per request by ``KeyAuth`` (an ``httpx2.Auth``), only for the configured
origin: httpx follows redirects *inside* its auth flow and copies every header except
``Authorization``, so a user client that follows redirects would forward ``x-api-key`` to any
host a 30x names. Requests are sent with ``follow_redirects=False`` and ``KeyAuth`` follows them
itself when the user's client asked for it, signing only requests to the configured origin.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import re
import threading
import weakref
from collections.abc import Generator, Iterable, Mapping
from typing import Literal
from urllib.parse import quote, quote_plus

import httpx2
from pydantic import SecretStr

__all__ = ["KeyAuth", "Redactor", "check_headers", "clean_key", "split_base_url"]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def clean_key(raw: str | None) -> str | None:
    """The key without surrounding whitespace; ValueError (quoting none of it) if unusable."""
    if raw is None:
        return None
    key = raw.strip().strip("\x00").strip()  # a secret file may end in a newline or NULs
    if not key:
        return None
    for position, char in enumerate(key):
        if not (0x21 <= ord(char) <= 0x7E):
            kind = "a non-ASCII" if ord(char) > 0x7E else "a control or space"
            raise ValueError(
                f"the API key contains {kind} character at position {position}; a key is "
                "printable ASCII. Check how it was read (a secret file, an env var); nothing "
                "was sent."
            )
    return key


def _parts(secret: str) -> set[str]:
    """The secret and the pieces a server may echo alone: the token after an auth scheme
    (``Bearer x`` -> ``x``, a Basic token's decoded ``user:password``), a cookie's values."""
    parts = {secret, secret.strip()}
    scheme, _, token = secret.strip().partition(" ")
    if token and scheme.isalpha():
        parts.add(token.strip())
        if scheme.lower() == "basic":
            with contextlib.suppress(ValueError):  # UnicodeDecodeError is a ValueError
                parts.add(base64.b64decode(token.strip(), validate=True).decode("utf-8"))
    for crumb in secret.split(";"):
        parts.add(crumb.strip().partition("=")[2])
    return parts


def _forms(secret: str) -> set[str]:
    """Every way a secret can be written in text: raw, ``repr``-escaped, JSON-escaped, bytes
    ``repr``, URL-encoded, base64 (as in a Basic header)."""
    forms: set[str] = set()
    for part in _parts(secret):
        whole = part in (secret, secret.strip())
        if len(part) < (4 if whole else 6):  # a short fragment would garble ordinary text
            continue
        forms |= {part, repr(part)[1:-1], json.dumps(part)[1:-1]}
        forms.add(repr(part.encode("utf-8", "replace"))[2:-1])
        forms |= {quote(part, safe=""), quote_plus(part)}
        forms.add(base64.b64encode(part.encode("utf-8", "replace")).decode("ascii"))
    return {f for f in forms if len(f) >= 4}


class Redactor:
    """Removes every form of the secrets (``_forms``) from text; while it lives, also from the
    DEBUG lines of httpx2 and httpcore2 (``_LogRedaction``)."""

    def __init__(self, *secrets: str | None) -> None:
        forms: set[str] = set()
        for secret in secrets:
            if secret:
                forms |= _forms(secret)
        self._base = forms
        self._forms = sorted(forms, key=len, reverse=True)  # longest first: no partial leftovers
        self._recent: dict[str, None] = {}  # per-call credentials, oldest first
        #: Calls of one model remember their credentials from several threads at once: without
        #: it one call's ``_forms`` would replace another's, leaving that key unredacted.
        self._lock = threading.Lock()
        with _LIVE_LOCK:
            _LIVE.add(self)
            _install_log_redaction()

    def remember(self, headers: Mapping[str, str] | None) -> None:
        """Also redact the credential headers of one call (``extra_headers``) from now on; the
        last ``_RECENT`` such values are kept (a per-tenant key per call must not grow this)."""
        self.remember_values([v for k, v in (headers or {}).items() if credential_header(k)])

    def remember_values(self, values: Iterable[str]) -> None:
        """Also redact these credentials of one call (an MCP ``authorization_token`` in the
        body, given per call, bound or by ``model_copy``), kept as ``remember`` keeps them."""
        new = [v for v in values if v]
        if not new:
            return
        with self._lock:
            if all(v in self._recent for v in new):
                return
            for value in new:
                self._recent[value] = None
            while len(self._recent) > _RECENT:
                del self._recent[next(iter(self._recent))]
            forms = self._base.union(*(_forms(v) for v in self._recent))
            self._forms = sorted(forms, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for form in self._forms:
            if form in text:
                text = text.replace(form, "***")
        return text


_RECENT = 64
#: Header names that carry credentials (the same rule as ``_wire.settings.secret_header``).
_CREDENTIAL_HEADER = re.compile(r"auth|cookie|key|token|secret|password|credential", re.I)


def credential_header(name: str) -> bool:
    return bool(_CREDENTIAL_HEADER.search(name))


#: The redactors of live clients: third-party DEBUG lines are cleaned with all of them. Added to
#: and read under ``_LIVE_LOCK``: a set that grows while another thread iterates it raises, and
#: the log filter runs inside httpx2's calls while other threads build models. Reentrant: the
#: garbage collector may close a client (which logs) while the filter holds it.
_LIVE: weakref.WeakSet[Redactor] = weakref.WeakSet()
_LIVE_LOCK = threading.RLock()


def _fresh_locks_in_child() -> None:
    """After fork() a lock held by a parent thread would stay held forever in the child."""
    global _LIVE_LOCK
    _LIVE_LOCK = threading.RLock()
    for redactor in list(_LIVE):
        redactor._lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_fresh_locks_in_child)
#: Loggers of the HTTP stack that print response headers and connection details at DEBUG (a
#: server or proxy that echoes a credential into a header would put it in the log).
_HTTP_LOGGERS = (
    "httpx2", "httpcore2", "httpcore2.connection", "httpcore2.http11", "httpcore2.http2",
    "httpcore2.proxy", "httpcore2.socks",
)  # fmt: skip


class _LogRedaction(logging.Filter):
    """Rewrites a record that holds a secret; runs only for records that pass the level check,
    so it costs nothing unless DEBUG logging of the HTTP stack is on."""

    def filter(self, record: logging.LogRecord) -> bool:
        with _LIVE_LOCK:
            redactors = list(_LIVE)
        if not redactors:
            return True
        try:
            text = cleaned = record.getMessage()
        except Exception:  # a malformed record is the handler's to report, not ours
            return True
        for redact in redactors:
            cleaned = redact(cleaned)
        if cleaned != text:
            record.msg, record.args = cleaned, None
        return True


_FILTER = _LogRedaction()


def _install_log_redaction() -> None:
    for name in _HTTP_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


def _bad_header_text(text: str) -> bool:
    return any(not (0x20 <= ord(c) <= 0x7E) and c != "\t" for c in text)


def check_headers(headers: Mapping[str, str] | None, where: str) -> None:
    """ValueError for a header httpx would reject only at send time (or h11 mid-request)."""
    for name, value in (headers or {}).items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise ValueError(f"{where}: header names and values must be strings ({name!r})")
        if not name or any(c in name for c in " :\t") or _bad_header_text(name):
            raise ValueError(f"{where}: invalid header name {name!r}; nothing was sent")
        if _bad_header_text(value):
            raise ValueError(
                f"{where}: the value of header {name!r} contains CR/LF, another control "
                "character or a non-ASCII character; nothing was sent"
            )


def split_base_url(base_url: str) -> tuple[str, str | None]:
    """(base URL without userinfo, ``Basic`` credentials from the userinfo or None).

    ValueError for a base URL without an http(s) scheme or host, or with CR/LF."""
    text = base_url.strip()
    if _bad_header_text(text):
        raise ValueError("base_url contains control or non-ASCII characters")
    try:
        url = httpx2.URL(text)
    except (httpx2.InvalidURL, TypeError, ValueError) as exc:
        raise ValueError(f"base_url is not a valid URL ({type(exc).__name__})") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(
            "base_url needs an http:// or https:// scheme and a host, e.g. https://api.cometapi.com"
        )
    basic = None
    if url.username or url.password:
        token = f"{url.username}:{url.password}".encode()
        basic = "Basic " + base64.b64encode(token).decode("ascii")
        url = url.copy_with(username=None, password=None)
    return str(url), basic


def messages_url(base_url: str) -> str:
    """``{base}/v1/messages``, tolerating a base that already ends in /v1 or /v1/messages."""
    base = base_url.strip().rstrip("/")
    if base.endswith("/v1/messages"):
        return base
    if base.endswith("/v1"):
        base = base[: -len("/v1")]
    return f"{base}/v1/messages"


def has_userinfo(url: str) -> bool:
    try:
        parsed = httpx2.URL(url.strip())
    except (httpx2.InvalidURL, TypeError, ValueError):
        return "@" in url
    return bool(parsed.username or parsed.password)


def url_secret(url: str) -> dict[str, str]:
    """A password in the URL is a secret too: serialisation puts this env var in its place."""
    return {"base_url": "COMETAPI_BASE_URL"} if has_userinfo(url) else {}


def without_userinfo(url: str) -> str:
    """The URL for display: userinfo replaced by ``***``."""
    if not has_userinfo(url):
        return url
    try:
        return str(httpx2.URL(url.strip()).copy_with(username="***", password=None))
    except (httpx2.InvalidURL, TypeError, ValueError):
        return "***"


def hide_url(url: str, *, json_mode: bool) -> str | SecretStr:
    """The URL as ``model_dump`` shows it: with userinfo, a ``SecretStr`` (or, for JSON, the
    display form); without, unchanged."""
    if not has_userinfo(url):
        return url
    return without_userinfo(url) if json_mode else SecretStr(url)


class KeyAuth(httpx2.Auth):
    """Signs requests to ``origin`` only; follows redirects itself when ``follow`` is set."""

    def __init__(
        self,
        origin: httpx2.URL,
        headers: Mapping[str, str],
        *,
        follow: bool = False,
        max_redirects: int = 20,
    ) -> None:
        self._origin = origin
        self._headers = headers
        self._follow = follow
        self._max_redirects = max_redirects

    def _sign(self, request: httpx2.Request) -> httpx2.Request:
        if _same_origin(request.url, self._origin):
            for name, value in self._headers.items():
                request.headers.setdefault(name, value)  # a per-call auth header wins
        return request

    def auth_flow(
        self, request: httpx2.Request
    ) -> Generator[httpx2.Request, httpx2.Response, None]:
        response = yield self._sign(request)
        hops = 0
        while self._follow and _is_redirect(response):
            hops += 1
            if hops > self._max_redirects:
                return
            response = yield self._sign(_redirected(request, response))


def _is_redirect(response: httpx2.Response) -> bool:
    return response.status_code in _REDIRECTS and "location" in response.headers


def _same_origin(url: httpx2.URL, origin: httpx2.URL) -> bool:
    return (url.scheme, url.host, url.port) == (origin.scheme, origin.host, origin.port)


def _redirected(request: httpx2.Request, response: httpx2.Response) -> httpx2.Request:
    """The follow-up request httpx would build, minus every credential header."""
    url = request.url.join(response.headers["location"])
    method: Literal["GET"] | str = request.method
    if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
        method = "GET"
    headers = httpx2.Headers(request.headers)
    for name in ("x-api-key", "authorization", "cookie", "host"):
        headers.pop(name, None)
    if method == "GET":
        headers.pop("content-length", None)
        headers.pop("content-type", None)
        return httpx2.Request(method, url, headers=headers, extensions=request.extensions)
    return httpx2.Request(
        method, url, headers=headers, content=request.content, extensions=request.extensions
    )
