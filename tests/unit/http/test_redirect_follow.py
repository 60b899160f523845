"""The redirect hop ``KeyAuth`` builds when a user's client follows redirects.

httpx follows redirects inside the auth flow and would copy ``x-api-key`` to any host; so
``KeyAuth`` builds the next request itself (``_redirected``). It must be the request a browser or
httpx would send (303, and 301/302 after a POST, become a body-less GET; 307/308 resend the POST
body) minus every credential, cookie and the old Host, with the other headers and the per-request
extensions (timeouts) kept. The end-to-end cases over sockets are in test_hostile_secrets.py.
"""

from __future__ import annotations

import httpx2
import pytest

from langchain_cometapi._http.credentials import KeyAuth, _redirected

ORIGIN = httpx2.URL("https://api.example/v1/messages")
BODY = b'{"model": "m"}'


def _post(method: str = "POST") -> httpx2.Request:
    return httpx2.Request(
        method,
        ORIGIN,
        content=BODY,
        headers={
            "content-type": "application/json",
            "x-api-key": "sk-secret",
            "authorization": "Bearer sk-secret",
            "cookie": "session=secret",
            "anthropic-version": "2023-06-01",
        },
        extensions={"timeout": {"connect": 1.0, "read": 2.0, "write": 3.0, "pool": 4.0}},
    )


def _moved(status: int, location: str = "https://elsewhere.example/next") -> httpx2.Response:
    return httpx2.Response(status, headers={"location": location})


@pytest.mark.parametrize(
    ("status", "method", "expected"),
    [
        (301, "POST", "GET"),
        (302, "POST", "GET"),
        (303, "POST", "GET"),
        (303, "PUT", "GET"),
        (301, "PUT", "PUT"),
        (302, "PUT", "PUT"),
        (307, "POST", "POST"),
        (308, "POST", "POST"),
    ],
)
def test_the_method_follows_the_status(status: int, method: str, expected: str) -> None:
    hop = _redirected(_post(method), _moved(status))
    assert hop.method == expected
    assert hop.url == httpx2.URL("https://elsewhere.example/next")
    if expected == "GET":
        assert hop.content == b""
        assert "content-length" not in hop.headers and "content-type" not in hop.headers
    else:
        assert hop.content == BODY
        assert hop.headers["content-type"] == "application/json"


@pytest.mark.parametrize("status", [302, 307])
def test_credentials_cookie_and_old_host_are_dropped_the_rest_kept(status: int) -> None:
    hop = _redirected(_post(), _moved(status))
    for name in ("x-api-key", "authorization", "cookie"):
        assert name not in hop.headers, name
    assert hop.headers["host"] == "elsewhere.example"
    assert hop.headers["anthropic-version"] == "2023-06-01"
    assert hop.extensions["timeout"] == {"connect": 1.0, "read": 2.0, "write": 3.0, "pool": 4.0}


def test_a_relative_location_stays_on_the_origin() -> None:
    hop = _redirected(_post(), _moved(308, "/v2/messages"))
    assert hop.url == httpx2.URL("https://api.example/v2/messages")
    assert hop.headers["host"] == "api.example"


def _flow(auth: KeyAuth, *responses: httpx2.Response) -> list[httpx2.Request]:
    """The requests ``auth`` sends when the server answers ``responses`` in turn."""
    flow = auth.auth_flow(httpx2.Request("POST", ORIGIN, content=BODY))
    sent = [next(flow)]
    for answer in responses:
        try:
            sent.append(flow.send(answer))
        except StopIteration:
            break
    return sent


def test_only_a_redirect_status_with_a_location_is_followed() -> None:
    auth = KeyAuth(ORIGIN, {"x-api-key": "sk-secret"}, follow=True)
    created = httpx2.Response(201, headers={"location": "https://elsewhere.example/x"})
    assert len(_flow(auth, created)) == 1  # a Location on a success is not a redirect
    assert len(_flow(auth, httpx2.Response(302))) == 1  # nowhere to go
    sent = _flow(auth, _moved(302), httpx2.Response(200))
    assert [str(r.url) for r in sent] == [str(ORIGIN), "https://elsewhere.example/next"]
    assert sent[0].headers["x-api-key"] == "sk-secret" and "x-api-key" not in sent[1].headers


def test_redirects_are_not_followed_unless_asked_and_only_so_many() -> None:
    assert len(_flow(KeyAuth(ORIGIN, {}), _moved(302))) == 1
    loop = [_moved(302, str(ORIGIN))] * 5
    assert len(_flow(KeyAuth(ORIGIN, {}, follow=True, max_redirects=2), *loop)) == 3
