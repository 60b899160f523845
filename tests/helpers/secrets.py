"""Planted secrets of every kind, and the one scanner every secrecy test uses.

Each secret is distinctive and contains ``PLANT``, so a partial leak is caught too; ``leaks``
also looks for every encoded form (``repr``-escaped, JSON-escaped, bytes ``repr``, URL-encoded,
base64, a Basic token). ``tests/unit/chat_model/test_secrets.py`` shows it catching each form.
"""

from __future__ import annotations

import base64
import json
import traceback
from typing import Any
from urllib.parse import quote, quote_plus

KEY = "sk-KEYPLANT-0123456789abcdef"
PASSWORD = "PWPLANT-pass/w0rd"
MCP_TOKEN = "MCPPLANT-oauth-token-77"
CALL_KEY = "CALLPLANT-key-66"
#: credential headers given in ``default_headers`` (the values' secret parts contain PLANT)
HEADERS = {
    "Authorization": "Bearer AUTHPLANT-bearer-11",
    "x-api-key": "XKEYPLANT-22222",
    "api-key": "APIKEYPLANT-33333",
    "Proxy-Authorization": "Basic PROXYPLANT-44444",
    "Cookie": "sid=COOKIEPLANT-55555; theme=dark",
}
SECRETS = (
    KEY, PASSWORD, MCP_TOKEN, CALL_KEY, "AUTHPLANT-bearer-11", "XKEYPLANT-22222",
    "APIKEYPLANT-33333", "PROXYPLANT-44444", "COOKIEPLANT-55555",
)  # fmt: skip
MCP_SERVERS = [
    {
        "type": "url",
        "url": "https://mcp.example/sse",
        "name": "docs",
        "authorization_token": MCP_TOKEN,
    }
]


def forms(secret: str) -> set[str]:
    """Every way ``secret`` can be written into text."""
    return {
        secret,
        repr(secret)[1:-1],
        json.dumps(secret)[1:-1],
        repr(secret.encode())[2:-1],
        quote(secret, safe=""),
        quote_plus(secret),
        base64.b64encode(secret.encode()).decode(),
        base64.b64encode(f"user:{secret}".encode()).decode(),
    }


def leaks(text: str) -> list[str]:
    """The planted secrets found in ``text``, in any form (empty when clean)."""
    found = [s for s in SECRETS if any(f in text for f in forms(s))]
    return found or (["a PLANT fragment"] if "PLANT" in text else [])


def planted(**overrides: Any) -> dict[str, Any]:
    """ChatCometAPI settings carrying every kind of secret (key, URL password, headers, MCP)."""
    return {
        "api_key": KEY,
        "default_headers": dict(HEADERS),
        "mcp_servers": [dict(s) for s in MCP_SERVERS],
        **overrides,
    }


def with_password(base_url: str) -> str:
    scheme, _, rest = base_url.partition("://")
    return f"{scheme}://user:{quote(PASSWORD, safe='')}@{rest}"


def exception_text(exc: BaseException, *, locals_of: tuple[str, ...] = ()) -> str:
    """Everything an exception shows: ``str``/``repr``/``args``/``vars`` of it and of every
    exception in its ``__cause__``/``__context__`` chain, the formatted traceback, and the
    locals of frames whose file path contains one of ``locals_of`` (the library's frames: a
    test's own frames hold the secrets it planted)."""
    parts: list[str] = ["".join(traceback.format_exception(exc))]
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        item = todo.pop()
        if item is None or any(item is s for s in seen):
            continue
        seen.append(item)
        parts += [str(item), repr(item), repr(item.args), repr(getattr(item, "__dict__", ""))]
        todo += [item.__cause__, item.__context__]
    frames = traceback.TracebackException.from_exception(exc, capture_locals=True)
    chain: Any = frames
    while chain is not None:
        for frame in chain.stack:
            if any(part in frame.filename for part in locals_of):
                parts.append(repr(frame.locals))
        chain = chain.__cause__ or chain.__context__
    return "\n".join(parts)
