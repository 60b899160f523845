"""HTTP answers -> exceptions: status and body to class, message, request id, retry verdict.

Every exception the client raises is built here, so each carries the same facts (status, error
type and code, request id, retry-after) and the one retry decision (``retry.marked``). Text from
the server is redacted, and quoted only as a short snippet sliced *before* whitespace is
normalised (a huge body must not be split whole to keep 200 characters).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import httpx2

from ..errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CometAPIError,
    ConflictError,
    InternalServerError,
    InvalidResponseError,
    NotFoundError,
    OverloadedError,
    PermissionDeniedError,
    PromptTooLongError,
    RateLimitError,
    RequestTimeoutError,
    StreamError,
    StreamInterruptedError,
    StreamTimeoutError,
)
from .retry import marked, parse_retry_after

Redact = Callable[[str], str]

_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    408: RequestTimeoutError,
    409: ConflictError,
    413: BadRequestError,
    422: BadRequestError,
    429: RateLimitError,
    529: OverloadedError,
}

# Error types that decide the class when a proxy hides the real status (e.g. 200/500); the
# OpenAI-shaped ones are what new-api gateways answer on /v1/messages.
_BY_TYPE: dict[str, type[APIStatusError]] = {
    "invalid_request_error": BadRequestError,
    "authentication_error": AuthenticationError,
    "permission_error": PermissionDeniedError,
    "not_found_error": NotFoundError,
    "rate_limit_error": RateLimitError,
    "overloaded_error": OverloadedError,
    "api_error": InternalServerError,
}

# Anthropic: "prompt is too long: 210000 tokens > 200000 maximum", "input length and `max_tokens`
# exceed context limit: ..."; proxies in OpenAI style: "maximum context length is ..."; Bedrock
# (a gateway's AWS channel relays its ValidationException): "Input is too long for requested
# model."
_OVERFLOW = re.compile(
    r"prompt is too long|exceed(s)? (the )?context (limit|window)|maximum context length"
    r"|input is too long for (the )?requested model",
    re.I,
)
_REQUEST_ID_IN_TEXT = re.compile(r"\(request id: ?([^)\s]+)\)", re.I)
_GATEWAY_ID_HEADER = "x-oneapi-request-id"
_UPSTREAM_ID_HEADERS = ("request-id", "x-request-id")
_NO_TYPE = ("", "<nil>", "null", "None")


def request_id(headers: Mapping[str, str] | None, text: str | None = None) -> str | None:
    """The id the gateway's operator can look up first: new-api's ``X-Oneapi-Request-Id``, or
    the ``(request id: ...)`` it appends to its messages (the *last* one: a gateway relaying
    another new-api's error appends its own id after the upstream's, which its operator cannot
    look up); else Anthropic's ``request-id`` or a proxy's ``x-request-id`` (new-api passes
    upstream headers through, so a ``request-id`` next to its own id is Anthropic's, which a
    gateway user cannot look up)."""
    headers = headers or {}
    if headers.get(_GATEWAY_ID_HEADER):
        return headers[_GATEWAY_ID_HEADER]
    ids = _REQUEST_ID_IN_TEXT.findall(text[:100_000]) if text else []
    if ids:
        return str(ids[-1])
    return next((headers[n] for n in _UPSTREAM_ID_HEADERS if headers.get(n)), None)


def snippet(text: str, limit: int = 200) -> str:
    return " ".join(text[: limit * 8].split())[:limit]


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def loads(text: str) -> Any:
    """json.loads that raises only ValueError (deep nesting is a ValueError too). A lone
    surrogate escape (``"\\ud800"``: valid JSON, no character) becomes U+FFFD: kept, it would
    make the reply impossible to send back in the next request's history."""
    problem = None
    try:
        data = json.loads(text)
    except RecursionError:
        problem = "JSON nested too deeply"
    except ValueError as exc:  # a JSONDecodeError keeps the whole text in .doc (it may echo a
        problem = str(exc)  # secret): a plain ValueError, raised outside this block, does not
    if problem is not None:
        raise ValueError(problem)
    if _SURROGATE_ESCAPE.search(text):
        try:
            return _replace_lone_surrogates(data)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
    return data


def _replace_lone_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        if not _LONE_SURROGATE.search(value):
            return value
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, dict):
        return {_replace_lone_surrogates(k): _replace_lone_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_lone_surrogates(v) for v in value]
    return value


# where one-api-family gateways and upstreams put a bare message (new-api's GeneralErrorResponse)
_MESSAGE_KEYS = ("message", "detail", "msg", "error_msg", "err")


def parse_error_body(body: Any) -> tuple[str | None, str | None, str | None]:
    """(message, type, code) from an Anthropic-style or OpenAI-style error body, a bare message
    under one of ``_MESSAGE_KEYS``, or a list of such bodies (Google's), else Nones."""
    if isinstance(body, list) and body and isinstance(body[0], Mapping):
        body = body[0]
    if not isinstance(body, Mapping):
        return None, None, None
    err = body.get("error")
    if isinstance(err, Mapping):
        message, etype, code = err.get("message"), err.get("type"), err.get("code")
        return (
            str(message) if message is not None else None,
            str(etype) if etype not in (None, *_NO_TYPE) else None,
            str(code) if code not in (None, *_NO_TYPE) else None,
        )
    if isinstance(err, str):
        return err, None, None
    message = next((body[k] for k in _MESSAGE_KEYS if body.get(k)), None)
    return (str(message) if message else None), None, None


def _describe_body(status: int, text: str, url: str, parsed: bool) -> str:
    quoted = snippet(text)
    kind = "an HTML page" if "<html" in text[:500].lower() else "a non-JSON body"
    if parsed:
        kind = "a JSON body without an error message"
    elif not text.strip():
        kind = "an empty body"
    hint = (
        "; is base_url right? It should be the CometAPI host, e.g. https://api.cometapi.com"
        if status == 404
        else ""
    )
    return f"HTTP {status} from {url} with {kind}" + (f": {quoted!r}" if quoted else "") + hint


def error_from_response(
    status: int,
    text: str,
    *,
    url: str,
    headers: Mapping[str, str] | None = None,
    redact: Redact = str,
) -> APIStatusError:
    """The right exception for an HTTP error answer (JSON of either style, or anything else)."""
    text = redact(text)
    try:
        body: Any = loads(text) if text else None
    except ValueError:
        body = None
    message, etype, code = parse_error_body(body)
    if message is None:
        message = _describe_body(status, text, url, body is not None)
    cls: type[APIStatusError] = _BY_STATUS.get(status) or (
        InternalServerError if status >= 500 else APIStatusError
    )
    if cls is APIStatusError and etype in _BY_TYPE:
        cls = _BY_TYPE[etype]
    if cls is BadRequestError and _OVERFLOW.search(message):
        cls = PromptTooLongError
    error = cls(
        message,
        status_code=status,
        error_type=etype,
        error_code=code,
        request_id=request_id(headers, message),
        retry_after=parse_retry_after(headers or {}),
        body=body,
        server_retry=_server_retry(headers),
    )
    marked(error)
    return error


def _server_retry(headers: Mapping[str, str] | None) -> bool | None:
    value = (headers or {}).get("x-should-retry")
    return {"true": True, "false": False}.get((value or "").strip().lower())


def error_from_event(
    data: Mapping[str, Any], *, headers: Mapping[str, str] | None = None, redact: Redact = str
) -> StreamError:
    """A StreamError for an ``error`` event (or a gateway's raw JSON error) mid-stream."""
    message, etype, code = parse_error_body(data)
    message = redact(message or "the stream reported an error")
    try:
        body: Any = json.loads(redact(json.dumps(dict(data))))
    except (TypeError, ValueError, RecursionError):
        body = None
    error = StreamError(
        message,
        error_type=etype,
        error_code=code,
        request_id=request_id(headers, message),
        body=body,
    )
    marked(error)
    return error


def error_in_2xx(response: httpx2.Response, text: str, url: str, redact: Redact) -> APIStatusError:
    """Some proxies answer 2xx with an error body: classify it by its error type (an unknown
    type is an InternalServerError); the status reported is the one really sent."""
    exc = error_from_response(
        response.status_code, text, url=url, headers=response.headers, redact=redact
    )
    if type(exc) is APIStatusError:
        exc = InternalServerError(
            exc.message,
            status_code=exc.status_code,
            error_type=exc.error_type,
            error_code=exc.error_code,
            request_id=exc.request_id,
            retry_after=exc.retry_after,
            body=exc.body,
            server_retry=exc.server_retry,
        )
    marked(exc)
    return exc


def undecodable(exc: Exception, response: httpx2.Response, url: str) -> InvalidResponseError:
    """A body whose Content-Encoding is corrupt (httpx2.DecodingError is no TransportError)."""
    encoding = response.headers.get("content-encoding", "")
    return invalid_response(
        f"the response from {url} could not be decoded (Content-Encoding {encoding!r}): {exc}",
        response,
    )


def not_a_message(
    data: Mapping[str, Any], response: httpx2.Response, url: str, redact: Redact
) -> InvalidResponseError:
    """A 2xx JSON object without a ``content`` list is no Messages reply (an OpenAI
    ``chat.completion`` from a wrong base_url, say): never read as an empty answer."""
    keys = redact(", ".join(sorted(str(k)[:40] for k in list(data)[:12])))
    kind = data.get("object") or data.get("type")
    what = f"a {redact(kind)[:40]} object" if isinstance(kind, str) else "an object"
    return invalid_response(
        f"expected a Messages response (with a 'content' list) from {url}, got {what} with "
        f"keys [{keys}]",
        response,
    )


_ALWAYS_DECODED = frozenset({"identity", "gzip", "deflate"})  # httpx2 decodes these always


def foreign_encoding(response: httpx2.Response, url: str) -> InvalidResponseError | None:
    """A Content-Encoding this client did not ask for and cannot decode (httpx2 passes such a
    body on still encoded, which would read as garbage or as an empty stream): an error naming
    it. httpx2 asks for ``br``/``zstd`` only when it can decode them."""
    sent = response.headers.get("content-encoding", "")
    codings = [c.strip().lower() for c in sent.split(",") if c.strip()]
    accepted = response.request.headers.get("accept-encoding", "").lower()
    allowed = {c.strip().partition(";")[0] for c in accepted.split(",")} | _ALWAYS_DECODED
    unknown = [c for c in codings if c not in allowed]
    if not unknown:
        return None
    return invalid_response(
        f"the response from {url} is encoded with {', '.join(unknown)!s}, which this client "
        f"did not ask for (Accept-Encoding: {accepted or 'none'}) and cannot decode",
        response,
    )


def redirect_error(response: httpx2.Response, url: str, redact: Redact) -> InvalidResponseError:
    location = redact(response.headers.get("location", "")) or "(no Location header)"
    error = InvalidResponseError(
        f"HTTP {response.status_code} redirect from {url} to {snippet(location, 300)}; the "
        "request was not sent there. Point base_url at the final address (for CometAPI, "
        "https://api.cometapi.com)",
        status_code=response.status_code,
        request_id=request_id(response.headers),
    )
    marked(error)
    return error


def invalid_response(
    message: str, response: httpx2.Response | None = None, **extra: Any
) -> InvalidResponseError:
    error = InvalidResponseError(
        message,
        status_code=response.status_code if response is not None else None,
        request_id=request_id(response.headers) if response is not None else None,
        **extra,
    )
    marked(error)
    return error


def transport_error(exc: Exception, url: str, redact: Redact) -> CometAPIError:
    msg = redact(f"{type(exc).__name__}: {exc}")
    error: CometAPIError
    if isinstance(exc, httpx2.TimeoutException):
        error = APITimeoutError(f"request to {url} timed out ({msg})")
    else:
        error = APIConnectionError(f"connection to {url} failed ({msg})")
    return marked(error)


def interrupted(exc: Exception, url: str, redact: Redact) -> StreamInterruptedError:
    msg = redact(f"{type(exc).__name__}: {exc}")
    error: StreamInterruptedError
    if isinstance(exc, httpx2.TimeoutException):
        error = StreamTimeoutError(f"the stream from {url} stalled ({msg}); reply incomplete")
    else:
        error = StreamInterruptedError(
            f"the connection to {url} failed mid-stream ({msg}); the reply is incomplete"
        )
    marked(error)
    return error


def empty_stream(url: str, response: httpx2.Response) -> StreamInterruptedError:
    """A stream closed before its first event: nothing was sent, as when a connection closes
    before any answer (new-api does this when its upstream fails early), so it is retried."""
    error = StreamInterruptedError(
        f"the stream from {url} ended before any event (the server closed it without sending "
        "one); nothing was received",
        request_id=request_id(response.headers),
    )
    marked(error)
    return error


def stream_error(message: str, response: httpx2.Response | None = None) -> StreamError:
    error = StreamError(
        message, request_id=request_id(response.headers) if response is not None else None
    )
    marked(error)
    return error
