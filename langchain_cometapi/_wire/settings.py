"""Constructor and call arguments: ChatAnthropic's names, refusals, and secrets kept out.

A migrating user changes the class name and keeps the arguments. Each ChatAnthropic argument
either means the same here (an alias: renamed before validation), or would do something
different or dangerous (refused with a ValueError that says what to use instead), e.g. an
Anthropic key that would otherwise travel to CometAPI inside the JSON body. docs/migrating.md
lists every one of them.

Unknown arguments still become body fields (LangChain's ``model_kwargs`` convention), except
those whose name looks like a credential: they would be sent in the body and shown by ``repr``
and ``dumps()`` (what tracers record), so they are refused without echoing the value.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from functools import lru_cache
from typing import Any

from pydantic import SecretStr

from .._models import default_max_tokens, default_profile
from .serialized import fold_secret_kwargs, secret_header

#: ChatAnthropic argument -> the ChatCometAPI field that means the same.
ALIASES: dict[str, str] = {
    "max_tokens_to_sample": "max_tokens",
    "anthropic_api_url": "base_url",
    "reasoning_effort": "effort",
}

_KEY_HELP = (
    "ChatCometAPI sends requests to CometAPI, which takes a CometAPI key: pass api_key=... "
    "(or set COMETAPI_KEY). An Anthropic key does not work there, and nothing was sent."
)
_PROXY_HELP = (
    "pass http_client=httpx2.Client(proxy=...) and http_async_client=httpx2.AsyncClient("
    "proxy=...), or set HTTPS_PROXY, which the default clients honour."
)

#: ChatAnthropic arguments that mean something else here: refused, with what to do instead.
REFUSED: dict[str, str] = {
    "anthropic_api_key": f"anthropic_api_key is ChatAnthropic's Anthropic key. {_KEY_HELP}",
    "anthropic_proxy": f"anthropic_proxy is not a ChatCometAPI setting; {_PROXY_HELP}",
}

_SECRET_NAME = re.compile(r"key|token|secret|password|credential", re.IGNORECASE)
#: Request fields whose names merely contain those words.
_NOT_SECRET = frozenset({"max_tokens"})


@lru_cache(maxsize=1024)
def looks_secret(name: str) -> bool:
    """Whether an argument name looks like a credential (``*key*``, ``*token*``, ``*secret*``).

    Memoised: tracers' invocation parameters are checked on every call, with the same names."""
    return name not in _NOT_SECRET and bool(_SECRET_NAME.search(name))


def refuse_secret_names(names: Iterable[str], where: str) -> None:
    """A ValueError naming (never showing) credential-like arguments that would reach the body."""
    secret = sorted(n for n in names if looks_secret(n))
    if secret:
        raise ValueError(
            f"{where} {secret} look like credentials and are not ChatCometAPI settings; they "
            "would be sent in the request body and recorded by tracers, so they were refused "
            "(nothing was sent). Pass the CometAPI key as api_key=... (or COMETAPI_KEY)."
        )


def _rename(values: dict[str, Any], old: str, new: str) -> None:
    value = values.pop(old)
    if new in values and values[new] != value:
        raise ValueError(
            f"{old} (ChatAnthropic's name for {new}) and {new} were both given, with different "
            "values; pass one."
        )
    values[new] = value


_PROXY_ENV = ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")


def _warn_anthropic_proxy_env(values: Mapping[str, Any]) -> None:
    """ChatAnthropic reads ANTHROPIC_PROXY; silently going direct would surprise its users."""
    if not os.environ.get("ANTHROPIC_PROXY") or values.get("http_client") is not None:
        return
    if any(os.environ.get(name) for name in _PROXY_ENV):
        return
    warnings.warn(
        f"ANTHROPIC_PROXY is set, but ChatCometAPI does not read it (it is ChatAnthropic's); "
        f"requests go without a proxy. To use one, {_PROXY_HELP}",
        UserWarning,
        stacklevel=6,
    )


def refuse_dotted_credential_headers(headers: Any) -> None:
    """``dumps()`` replaces a credential header by a secret reference through a dotted path
    (``default_headers.<name>``): a name with a dot would be written in clear. Refused."""
    for name in headers if isinstance(headers, Mapping) else ():
        if isinstance(name, str) and "." in name and secret_header(name):
            raise ValueError(
                f"default_headers: the credential header {name!r} contains a '.', which would "
                "keep it from being hidden when the model is serialised; nothing was sent"
            )


def constructor_values(
    values: dict[str, Any], fields: set[str], field_aliases: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Constructor arguments -> field values + ``model_kwargs`` (mutates and returns ``values``).

    ``fields``: the model's field names and aliases (``field_aliases``: alias -> name; a
    field given under both with different values is refused, not decided silently by
    pydantic for the alias). ChatAnthropic aliases are renamed,
    refused names raise, field names inside ``model_kwargs`` move out to their field (with a
    warning, as in ChatAnthropic), and other unknown names go to ``model_kwargs`` with a
    warning, unless they look like credentials.
    """
    for name in [n for n in values if n in REFUSED]:
        raise ValueError(REFUSED[name])
    fold_secret_kwargs(values)
    refuse_dotted_credential_headers(values.get("default_headers"))
    _warn_anthropic_proxy_env(values)
    for old, new in ALIASES.items():
        if old in values:
            _rename(values, old, new)
    for alias, name in (field_aliases or {}).items():
        if alias in values and name in values and reveal(values[alias]) != reveal(values[name]):
            raise ValueError(
                f"{name} and {alias} (its other name) were both given, with different values; "
                "pass one."
            )
    extra = dict(values.get("model_kwargs") or {})
    for name in [n for n in extra if n in fields or n in ALIASES]:
        warnings.warn(  # LangChain's wording, which ChatAnthropic users match on
            f"Parameters {{'{name}'}} should be specified explicitly. Instead they were passed "
            "in as part of `model_kwargs` parameter.",
            UserWarning,
            stacklevel=6,
        )
        target = ALIASES.get(name, name)
        if target in values and values[target] != extra[name]:
            raise ValueError(f"{name} was given both directly and in model_kwargs.")
        values[target] = extra.pop(name)
    unknown = [n for n in values if n not in fields and n != "model_kwargs"]
    refuse_secret_names(list(unknown) + list(extra), "the arguments")
    for name in unknown:
        if name in extra:
            raise ValueError(f"{name} was given both directly and in model_kwargs.")
        warnings.warn(  # LangChain's wording (build_extra_kwargs), plus what it means here
            f"WARNING! {name} is not default parameter. {name} was transferred to "
            "model_kwargs and is sent as a request body field. Please confirm that "
            f"{name} is what you intended.",
            UserWarning,
            stacklevel=6,
        )
        extra[name] = values.pop(name)
    values["model_kwargs"] = extra
    return values


def model_defaults(
    model: str, betas: Sequence[str] | None, given: AbstractSet[str]
) -> dict[str, Any]:
    """The settings the user left out (not in ``given``) that follow ``model``: ``max_tokens``
    (``default_max_tokens``) and ``profile`` (the registry's, with the 1M window under its
    beta). Recomputed whenever the model changes (``_copying``), so that a copy for Claude 3
    Haiku does not keep Sonnet's 8192, which the API refuses."""
    found: dict[str, Any] = {}
    if "max_tokens" not in given:
        found["max_tokens"] = default_max_tokens(model)
    if "profile" not in given:
        found["profile"] = default_profile(model, betas)
    return found


_REDACTED = "<redacted>"
#: Keys of an ``mcp_servers`` entry that hold credentials.
_MCP_SECRET_KEYS = frozenset({"authorization_token"})


def redact_mcp_servers(servers: Any) -> Any:
    """``mcp_servers`` with every ``authorization_token`` replaced (for traces and repr)."""
    if not isinstance(servers, list):
        return servers
    return [
        {k: (_REDACTED if k in _MCP_SECRET_KEYS else v) for k, v in s.items()}
        if isinstance(s, Mapping)
        else s
        for s in servers
    ]


_HEADER_PARAMS = ("default_headers", "extra_headers")


def mask_headers(headers: Any) -> Any:
    """Headers with credential values masked (for repr and traces); other values kept."""
    if not isinstance(headers, Mapping):
        return headers
    return {k: ("**********" if secret_header(str(k)) else v) for k, v in headers.items()}


def redact_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Invocation parameters as tracers record them (before the call is refused): MCP tokens,
    credential-like call arguments and credential headers replaced."""
    out = {k: (_REDACTED if looks_secret(k) else v) for k, v in params.items()}
    if "mcp_servers" in out:
        out["mcp_servers"] = redact_mcp_servers(out["mcp_servers"])
    if isinstance(extra := out.get("extra_body"), Mapping):  # body fields, like call options
        out["extra_body"] = redact_params(extra)
    for name in _HEADER_PARAMS:
        if name in out:
            out[name] = mask_headers(out[name])
    return out


_MASK = "**********"
#: Call options (and settings) whose values hold credentials in nested places.
_NESTED_SECRETS = ("extra_headers", "default_headers", "mcp_servers", "extra_body")


def _hide(value: Any, json_mode: bool) -> Any:
    if not isinstance(value, (str, SecretStr)):
        return value
    return _MASK if json_mode else (value if isinstance(value, SecretStr) else SecretStr(value))


def hide_secrets(name: str, value: Any, *, json_mode: bool = False) -> Any:
    """``value`` of the setting or call option ``name`` with every credential in it hidden:
    a ``SecretStr`` (its repr is masked, ``dumps()`` writes no value, ``reveal`` gets it back)
    or, for JSON, the mask itself. Header values by header name, MCP ``authorization_token``s,
    and whole values of credential-like names."""
    if name in ("default_headers", "extra_headers") and isinstance(value, Mapping):
        return {k: _hide(v, json_mode) if secret_header(str(k)) else v for k, v in value.items()}
    if name == "extra_body" and isinstance(value, Mapping):  # body fields, each by its name
        return {k: hide_secrets(str(k), v, json_mode=json_mode) for k, v in value.items()}
    if name == "mcp_servers" and isinstance(value, list):
        return [
            {k: _hide(v, json_mode) if k in _MCP_SECRET_KEYS else v for k, v in s.items()}
            if isinstance(s, Mapping)
            else s
            for s in value
        ]
    return _hide(value, json_mode) if looks_secret(name) else value


def hide_call_secrets(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Bound call options with their credentials hidden (``llm.bind(extra_headers=...)``): a
    ``RunnableBinding`` shows its kwargs in ``repr`` and writes them in ``dumps()``."""
    return {k: hide_secrets(k, v) for k, v in kwargs.items()}


def reveal(value: Any) -> Any:
    """``value`` with the ``SecretStr``s ``hide_secrets`` put in (one level of nesting) opened."""
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, Mapping):
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v) for v in value]
    return value


def reveal_call_secrets(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Call options as they are sent: hidden credentials opened (a copy)."""
    return {
        k: reveal(v) if (k in _NESTED_SECRETS or isinstance(v, SecretStr)) else v
        for k, v in kwargs.items()
    }


def secret_values(
    headers: Mapping[str, Any] | None, servers: Any, extra: Iterable[Any] = ()
) -> list[str]:
    """Every credential value in these settings, for the client's redactor (a server or proxy
    that echoes a request header or an MCP token into an error must not reach the message)."""
    found = [v for k, v in (headers or {}).items() if secret_header(str(k))]
    for server in servers if isinstance(servers, list) else ():
        if isinstance(server, Mapping):
            found += [v for k, v in server.items() if k in _MCP_SECRET_KEYS]
    found += list(extra)
    return [str(reveal(v)) for v in found if isinstance(v, (str, SecretStr)) and str(reveal(v))]


def header_betas(headers: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The betas an ``anthropic-beta`` header among these headers names."""
    sent = [v for k, v in (headers or {}).items() if str(k).lower() == "anthropic-beta"]
    return tuple(b.strip() for v in sent for b in str(v).split(",") if b.strip())
