"""LangChain messages + the model's settings + call options -> the wire request (pure).

The one place a request body is assembled: the chat model hands over its settings as a
``RequestDefaults`` and the call's keyword arguments, and gets back the body and any extra
headers. Everything the API would refuse with a 400 is refused here first (ValueError, nothing
sent); what a caller asks for that needs a beta gets its beta header.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage

from .._models import default_max_tokens, effort_turns_on_thinking, model_info
from . import structured, tools
from .request import convert_messages
from .settings import header_betas, hide_secrets, refuse_secret_names, reveal_call_secrets
from .validate import (
    check_message_contents,
    check_output_limit,
    check_prefill,
    forcing_blocked,
    validate_body,
    validate_sampling,
    validate_stop,
)

__all__ = [
    "BODY_FIELDS", "CALL_OPTIONS", "RequestDefaults", "WireRequest", "build_request",
    "call_max_tokens",
]

#: invoke() keyword arguments that are ours to interpret, not body fields to pass through.
#: ``stream`` is LangChain's per-call switch (``invoke(..., stream=True)`` streams, ``False``
#: does not): the path taken already says it, so it never reaches the body.
CALL_OPTIONS = frozenset(
    {
        "tools", "tool_choice", "parallel_tool_calls", "betas", "extra_headers", "stream_usage",
        "reuse_last_container", "stream",
    }
)  # fmt: skip

#: The anthropic SDK's request options that ChatAnthropic passes through per call: applied to
#: that request by the HTTP client (``WireRequest.request_options``), never body fields.
#: (``extra_body``, also the SDK's, is merged into the body.)
REQUEST_OPTIONS = ("timeout", "extra_query")

#: Per-call arguments that are settings of the model or of its HTTP client, never body fields:
#: the API would answer 400 ("Extra inputs are not permitted") after the request was sent.
CLIENT_ONLY = dict.fromkeys(
    ("default_request_timeout", "stream_chunk_timeout", "max_retries", "streaming", "base_url",
     "anthropic_api_url", "api_base", "default_headers", "auth", "anthropic_version",
     "prompt_cache", "http_client", "http_async_client", "model_name", "model_kwargs"),
    "it is a constructor setting of ChatCometAPI, not a call argument: set it on the model "
    "(llm.model_copy(update={...}))",
)  # fmt: skip


@dataclass(frozen=True)
class RequestDefaults:
    """The chat model's settings that shape a body; a call's keyword arguments override them."""

    model: str
    max_tokens: int
    temperature: float | None = None
    top_k: int | None = None
    top_p: float | None = None
    stop: Sequence[str] | None = None
    thinking: Mapping[str, Any] | None = None
    effort: str | None = None
    service_tier: str | None = None
    user_id: str | None = None
    betas: Sequence[str] | None = None
    model_kwargs: Mapping[str, Any] = field(default_factory=dict)
    output_config: Mapping[str, Any] | None = None
    #: Body fields sent as given when set (mcp_servers, context_management, container, ...).
    extra_fields: Mapping[str, Any] = field(default_factory=dict)
    reuse_last_container: bool = False
    #: Whether the user set ``max_tokens``; if not, a call's own ``model`` gets its default.
    max_tokens_given: bool = True
    #: Betas the instance's ``default_headers`` send (``anthropic-beta``): they raise output limits.
    header_betas: tuple[str, ...] = ()


#: The chat model's fields of the same name that ``RequestDefaults`` takes as they are.
SETTINGS = ("model", "max_tokens", "temperature", "top_k", "top_p", "stop", "thinking", "effort",
            "service_tier", "user_id", "betas", "model_kwargs", "output_config")  # fmt: skip

#: Settings sent as body fields of the same name when set (``RequestDefaults.extra_fields``).
BODY_FIELDS = ("mcp_servers", "context_management", "container", "inference_geo", "user_profile_id")

#: ``output_config.effort`` values the API accepts.
EFFORTS = ("low", "medium", "high", "xhigh", "max")


@dataclass(frozen=True)
class WireRequest:
    body: dict[str, Any]
    headers: dict[str, str] | None
    #: The call's ``REQUEST_OPTIONS`` that were given (checked by the HTTP client).
    request_options: dict[str, Any] = field(default_factory=dict)


def build_request(
    messages: Sequence[BaseMessage],
    defaults: RequestDefaults,
    stop: Sequence[str] | None,
    kwargs: dict[str, Any],
    *,
    lenient: bool = False,
) -> WireRequest:
    """The body and extra headers for one call; ``kwargs`` is consumed (a private copy)."""
    kwargs = reveal_call_secrets(kwargs)  # a copy, credentials hidden by ``bind`` opened
    refuse_secret_names(kwargs, "the call arguments")
    options = {k: kwargs.pop(k) for k in list(kwargs) if k in CALL_OPTIONS}
    sending = {k: kwargs.pop(k) for k in REQUEST_OPTIONS if k in kwargs}
    refuse_secret_names(_query_names(sending), "the extra_query parameters")
    extra_body = _request_options(kwargs)
    stop = _call_stop(stop, kwargs)
    check_message_contents(messages)
    mid_system = model_info(str(kwargs.get("model", defaults.model))).mid_system
    system, turns = convert_messages(messages, lenient=lenient, mid_system=mid_system)
    thinking_given = "thinking" in kwargs or defaults.thinking is not None
    body = _sampling_fields(defaults, kwargs)
    body["messages"] = turns
    if system:
        body["system"] = system
    stops = stop if stop is not None else defaults.stop
    if stops:
        body["stop_sequences"] = validate_stop(stops)
    if _output_fields(body, defaults, kwargs) and not thinking_given:
        _thinking_for_effort(body)
    _tool_fields(body, options)
    body.update({k: v for k, v in defaults.extra_fields.items() if v is not None})
    body.update({k: v for k, v in defaults.model_kwargs.items() if k != "output_config"})
    body.update(kwargs)
    body.update(extra_body)
    if options.get("reuse_last_container", defaults.reuse_last_container):
        _reuse_container(body, messages)
    _relax_forced_choice(body)
    validate_body(body)
    headers = _headers(body, defaults, options)
    if not lenient:  # a slice trim_messages counts may end anywhere
        check_prefill(body)
        check_output_limit(body, _betas(defaults, headers))
    if "mcp_servers" in body:  # tokens stay SecretStr until encoded: a traceback's locals show
        body["mcp_servers"] = hide_secrets("mcp_servers", body["mcp_servers"])  # the body
    return WireRequest(body, headers, sending)


def counting_body(
    messages: Sequence[BaseMessage], defaults: RequestDefaults, kwargs: dict[str, Any]
) -> dict[str, Any]:
    """The body ``get_num_tokens_from_messages`` counts: the one ``invoke`` would send, shaped
    leniently (trim_messages counts slices no request would send); a block the conversion
    refuses (e.g. an OpenAI-style ``{"type": "file", "file": {...}}``) is counted as its JSON."""
    try:
        return build_request(messages, defaults, None, kwargs, lenient=True).body
    except (ValueError, TypeError):
        turns = [{"role": m.type, "content": m.content} for m in messages]
        return {"model": defaults.model, "messages": turns, **kwargs}


def _query_names(sending: Mapping[str, Any]) -> list[str]:
    """The names of a call's ``extra_query`` (a query parameter named like a key would travel
    in the URL and be recorded by tracers, as a body field named so would)."""
    query = sending.get("extra_query")
    return [str(name) for name in query] if isinstance(query, Mapping) else []


def _request_options(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The anthropic SDK's ``extra_body`` (popped: merged over the body last, as the SDK does);
    a client-only setting given per call is a ValueError before anything is sent."""
    for name, why in CLIENT_ONLY.items():
        if name in kwargs:
            raise ValueError(f"{name} was passed to the call, but {why}; nothing was sent.")
    extra = kwargs.pop("extra_body", None)
    if extra is not None and not isinstance(extra, Mapping):
        raise ValueError(f"extra_body must be a dict of body fields, got {type(extra).__name__}.")
    refuse_secret_names(extra or {}, "the extra_body fields")
    return dict(extra or {})


def _call_stop(stop: Sequence[str] | None, kwargs: dict[str, Any]) -> Sequence[str] | None:
    """``stop_sequences`` per call is ChatAnthropic's name for ``stop`` (popped): checked as
    ``stop`` is, instead of reaching the body unchecked or silently replacing a ``stop``."""
    if kwargs.get("stop_sequences") is None:
        kwargs.pop("stop_sequences", None)
        return stop
    given = validate_stop(kwargs.pop("stop_sequences"))
    if stop is not None and given != list(stop):
        raise ValueError("stop and stop_sequences were both given with different values; pass one.")
    return given


def call_max_tokens(
    max_tokens: Any, given: bool, model: str, kwargs: Mapping[str, Any]
) -> Any:
    """The ``max_tokens`` a call sends: the call's own, else the user's setting (``given``), else
    the default of the model this call sends, which a per-call ``model=`` may change. Also what
    tracing reports (LangSmith's ``ls_max_tokens``); ``kwargs`` is only read."""
    if "max_tokens" in kwargs:
        return kwargs["max_tokens"]
    return max_tokens if given else default_max_tokens(model)


def _sampling_fields(defaults: RequestDefaults, kwargs: dict[str, Any]) -> dict[str, Any]:
    model = kwargs.pop("model", defaults.model)
    max_tokens = call_max_tokens(
        defaults.max_tokens, defaults.max_tokens_given, str(model), kwargs
    )
    kwargs.pop("max_tokens", None)
    body: dict[str, Any] = {"model": model, "max_tokens": max_tokens}
    thinking = kwargs.pop("thinking", defaults.thinking)
    temperature = kwargs.pop("temperature", defaults.temperature)
    top_k = kwargs.pop("top_k", defaults.top_k)
    top_p = kwargs.pop("top_p", defaults.top_p)
    validate_sampling(thinking, max_tokens, temperature, top_k, top_p)
    for key, value in (
        ("temperature", temperature),
        ("top_k", top_k),
        ("top_p", top_p),
        ("thinking", thinking),
        ("service_tier", kwargs.pop("service_tier", defaults.service_tier)),
    ):
        if value is not None:
            body[key] = value
    user_id = kwargs.pop("user_id", defaults.user_id)
    if user_id is not None:
        body["metadata"] = {"user_id": user_id}
    return body


def _output_fields(body: dict[str, Any], defaults: RequestDefaults, kwargs: dict[str, Any]) -> bool:
    """``output_config`` from its sources, merged: the constructor's, ``model_kwargs``', the
    call's; then ``effort`` (the explicit field wins over an ``effort`` inside
    ``output_config``, with a warning when they disagree) and ``response_format``
    (create_agent's ProviderStrategy) as ``format``. True when an explicit ``effort`` (or
    ``reasoning_effort``) was applied."""
    config: dict[str, Any] = {}
    for source in (
        defaults.output_config,
        defaults.model_kwargs.get("output_config"),
        kwargs.pop("output_config", None),
    ):
        if isinstance(source, Mapping):
            config.update(source)
    effort = kwargs.pop("effort", kwargs.pop("reasoning_effort", defaults.effort))
    if effort is not None:
        if effort not in EFFORTS:
            raise ValueError(f"effort must be one of {list(EFFORTS)}, got {effort!r}.")
        if config.get("effort") not in (None, effort):
            warnings.warn(
                f"effort={effort!r} and output_config['effort']={config['effort']!r} disagree; "
                f"sending effort={effort!r} (the explicit setting wins).",
                UserWarning,
                stacklevel=5,
            )
        config["effort"] = effort
    for key in ("response_format", "output_format"):
        if kwargs.get(key) is not None:
            config["format"] = structured.output_format(kwargs.pop(key))
    if config:
        body["output_config"] = config
    return effort is not None


#: What an effort turns on where thinking is adaptive only (``effort_turns_on_thinking``):
#: the reasoning summarised, as ChatAnthropic asks for it (the API's default shows none).
EFFORT_THINKING = {"type": "adaptive", "display": "summarized"}


def _thinking_for_effort(body: dict[str, Any]) -> None:
    """Adaptive thinking for an ``effort`` on a model whose thinking is off unless asked for
    (Opus 4.7+, the 5 series), as ChatAnthropic sends it: without it the effort would buy no
    reasoning at all. Left out when the sampling settings exclude thinking (a temperature,
    top_k...): the request is then sent as the caller wrote it."""
    if not effort_turns_on_thinking(str(body.get("model"))):
        return
    try:
        validate_sampling(
            EFFORT_THINKING, body["max_tokens"], body.get("temperature"), body.get("top_k"),
            body.get("top_p"),
        )  # fmt: skip
    except ValueError:
        return
    body["thinking"] = dict(EFFORT_THINKING)


def _reuse_container(body: dict[str, Any], messages: Sequence[BaseMessage]) -> None:
    """``container``: the id of the latest reply that ran in one (code execution), unless the
    call names a container id itself; container parameters (skills) keep theirs."""
    current = body.get("container")
    if isinstance(current, str) or (isinstance(current, Mapping) and current.get("id")):
        return
    for message in reversed(messages):
        container = message.response_metadata.get("container")
        if not (isinstance(message, AIMessage) and isinstance(container, Mapping)):
            continue
        if cid := container.get("id"):
            body["container"] = {**current, "id": cid} if isinstance(current, Mapping) else cid
            return


def _tool_fields(body: dict[str, Any], options: Mapping[str, Any]) -> None:
    wanted = options.get("tools")
    if wanted:
        # bind_tools already converted; per-call tools= (and plan_cache's) may be any shape
        converted = body["tools"] = [tools.convert_tool(t) for t in wanted]
        choice = tools.convert_tool_choice(
            options.get("tool_choice"), converted, options.get("parallel_tool_calls")
        )
        if choice is not None:
            body["tool_choice"] = choice
    elif options.get("tool_choice") not in (None, "auto", "none"):
        raise ValueError("tool_choice was given but no tools are bound.")


def _relax_forced_choice(body: dict[str, Any]) -> None:
    """A forced tool_choice with budgeted thinking becomes ``auto``, with a warning.

    The API refuses the pair ("Thinking may not be enabled when tool_choice forces tool use");
    ChatAnthropic relaxes it the same way, so agents with a ToolStrategy keep working on a
    thinking model. Adaptive thinking accepts a forced choice and keeps it.
    """
    choice = body.get("tool_choice")
    forced = isinstance(choice, Mapping) and choice.get("type") in ("any", "tool")
    if not (forced and forcing_blocked(body.get("thinking"))):
        return
    warnings.warn(
        "tool_choice forces a tool but thinking is enabled (budget_tokens), which the API "
        "rejects; sending tool_choice='auto' instead, so the tool call is not guaranteed. "
        "Adaptive thinking or no thinking keeps the forced choice.",
        stacklevel=5,
    )
    assert isinstance(choice, Mapping)
    body["tool_choice"] = {
        "type": "auto",
        **{k: v for k, v in choice.items() if k == "disable_parallel_tool_use"},
    }


def _betas(defaults: RequestDefaults, headers: Mapping[str, str] | None) -> list[str]:
    """Every beta this request carries: the model's, its default headers' and the call's."""
    return [*(defaults.betas or ()), *defaults.header_betas, *header_betas(headers)]


def _headers(
    body: Mapping[str, Any], defaults: RequestDefaults, options: Mapping[str, Any]
) -> dict[str, str] | None:
    """Per-call headers; ``anthropic-beta`` when the call names betas or the body needs some."""
    headers = dict(options.get("extra_headers") or {})
    betas = list(options.get("betas") or defaults.betas or [])
    missing = [b for b in tools.required_betas(body) if b not in betas]
    if options.get("betas") or missing:
        headers["anthropic-beta"] = ",".join(betas + missing)
    return headers or None
