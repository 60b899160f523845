"""What ``dumps()`` writes of the model's credentials, and how ``load()`` gets them back.

LangChain's ``load`` fills in only *top-level* secret references (``lc_secrets`` keys naming
a constructor kwarg): a reference nested in a dict is escaped as user data and comes back as
a dict in place of the value, and a whole field written as one reference is dropped (None)
when the caller does not supply it. So each credential nested in a setting is written as a
top-level kwarg of its own, replaced by a secret reference, and the setting itself is written
without it:

- a credential header: kwarg ``default_headers[<name>]``, reference ``COMETAPI_HEADER_<NAME>``;
- an MCP server's token: kwarg ``mcp_servers[<i>][authorization_token]``, reference
  ``COMETAPI_MCP_TOKEN_<SERVER NAME>``; its ``url`` too when it embeds a credential (userinfo
  or a query string): ``mcp_servers[<i>][url]``, ``COMETAPI_MCP_URL_<SERVER NAME>``.

The constructor folds those kwargs back (``fold_secret_kwargs``); one ``load`` left unresolved
is a ValueError that names the reference to pass, never a silently missing credential.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

__all__ = ["fold_secret_kwargs", "lc_attributes", "secret_header", "secret_refs"]

_HEADER = "default_headers[{}]"
_MCP = "mcp_servers[{}][{}]"
_HEADER_KEY = re.compile(r"^default_headers\[(.+)\]$", re.DOTALL)
_MCP_KEY = re.compile(r"^mcp_servers\[(\d+)\]\[(authorization_token|url)\]$")
#: The reference names of an MCP server's credential fields.
_MCP_ENV = {"authorization_token": "COMETAPI_MCP_TOKEN_", "url": "COMETAPI_MCP_URL_"}
#: Header names that carry credentials (``Authorization``, ``x-api-key``, ``Cookie``...).
_SECRET_HEADER = re.compile(r"auth|cookie|key|token|secret|password|credential", re.IGNORECASE)


def secret_header(name: str) -> bool:
    return bool(_SECRET_HEADER.search(name))


def _env(prefix: str, name: str) -> str:
    return prefix + re.sub(r"\W", "_", name).upper()


def _secret_headers(headers: Any) -> list[str]:
    """Credential header names (a dotted one is refused at construction: ``_replace_secrets``
    would split the kwarg on its dot)."""
    names = headers if isinstance(headers, Mapping) else {}
    return [n for n in names if isinstance(n, str) and secret_header(n) and "." not in n]


def _mcp_secrets(servers: Any) -> list[tuple[int, str, Mapping[str, Any]]]:
    """(index, field, server) of each credential in ``mcp_servers``: every token, and a url
    that embeds one (userinfo, or a query string such as ``?key=...``)."""
    found = []
    for i, server in enumerate(servers if isinstance(servers, list) else []):
        if not isinstance(server, Mapping):
            continue
        if server.get("authorization_token") is not None:
            found.append((i, "authorization_token", server))
        if isinstance(url := server.get("url"), str) and _credentialed(url):
            found.append((i, "url", server))
    return found


def _credentialed(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return True  # unreadable: hidden rather than risked
    return bool(parts.username or parts.password or parts.query)


def _mcp_env(index: int, field: str, server: Mapping[str, Any]) -> str:
    name = server.get("name")
    return _env(_MCP_ENV[field], name if isinstance(name, str) and name else str(index))


def _mcp_ref(index: int, field: str, servers: Sequence[Any]) -> str:
    """The reference of one server's credential. Servers whose names give one reference (the
    same name, or "a-b" and "a_b") each get their index after it: one reference for both would
    load one server's token into both."""
    own = _mcp_env(index, field, servers[index])
    for i, server in enumerate(servers):
        if i != index and isinstance(server, Mapping) and _mcp_env(i, field, server) == own:
            return f"{own}_{index}"
    return own


def secret_refs(headers: Any, servers: Any) -> dict[str, str]:
    """``lc_secrets`` entries: each credential's top-level kwarg -> its reference's name."""
    refs = {_HEADER.format(n): _env("COMETAPI_HEADER_", n) for n in _secret_headers(headers)}
    refs.update({_MCP.format(i, f): _mcp_ref(i, f, servers) for i, f, _ in _mcp_secrets(servers)})
    return refs


def lc_attributes(model: Any) -> dict[str, Any]:
    """``lc_attributes`` for ``dumps()``: the settings without their credentials, and each
    credential as its top-level kwarg (``secret_refs`` has ``dumps()`` write a reference)."""
    headers, servers = model.default_headers, model.mcp_servers
    out: dict[str, Any] = {}
    if hidden := _secret_headers(headers):
        out["default_headers"] = {k: v for k, v in headers.items() if k not in hidden} or None
        out.update({_HEADER.format(n): headers[n] for n in hidden})
    if found := _mcp_secrets(servers):
        secret = {(i, f) for i, f, _ in found}
        out["mcp_servers"] = [
            {k: v for k, v in s.items() if (i, k) not in secret} if isinstance(s, Mapping) else s
            for i, s in enumerate(servers)
        ]
        out.update({_MCP.format(i, f): s[f] for i, f, s in found})
    return out


def fold_secret_kwargs(values: dict[str, Any]) -> None:
    """The kwargs ``lc_attributes`` wrote (a loaded ``dumps()``) back into their settings.
    A ``base_url`` that held a password is written whole as ``COMETAPI_BASE_URL``."""
    if "base_url" in values and values["base_url"] is None:
        _require(None, "base_url (it held a password)", "COMETAPI_BASE_URL")
    for key in [k for k in values if isinstance(k, str)]:
        if header := _HEADER_KEY.match(key):
            _fold_header(values, header.group(1), values.pop(key))
        elif field := _MCP_KEY.match(key):
            _fold_mcp(values, int(field.group(1)), field.group(2), values.pop(key))


def _fold_header(values: dict[str, Any], name: str, value: Any) -> None:
    _require(value, f"the credential header {name!r}", _env("COMETAPI_HEADER_", name))
    values["default_headers"] = {**(values.get("default_headers") or {}), name: value}


def _fold_mcp(values: dict[str, Any], index: int, field: str, value: Any) -> None:
    servers = list(values.get("mcp_servers") or [])
    if index >= len(servers) or not isinstance(servers[index], Mapping):
        raise ValueError(f"a {field} for mcp_servers[{index}], which is not there")
    _require(value, f"mcp_servers[{index}]'s {field}", _mcp_ref(index, field, servers))
    servers[index] = {**servers[index], field: value}
    values["mcp_servers"] = servers


def _require(value: Any, what: str, env: str) -> None:
    if value is None:
        raise ValueError(
            f"{what} was serialised as the secret reference {env}, which load() left empty: "
            f"pass secrets_map={{{env!r}: ...}} (or set {env} and pass secrets_from_env=True)"
        )
