"""ChatCometAPI: wires conversion, cache planning, transport and response assembly together."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import Any, Literal

import httpx2
from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import LangSmithParams, LanguageModelInput
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.utils import from_env, secret_from_env
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, field_serializer
from pydantic.functional_validators import field_validator, model_validator

from ._batching import WarmBatchMixin
from ._copying import RuntimeCopyMixin
from ._http.client import CLIENT_SETTINGS, CallOptions, MessagesClient
from ._http.credentials import hide_url, url_secret, without_userinfo
from ._version import __version__
from ._wire import serialized as _serialized
from ._wire import settings as _settings
from ._wire import structured as _structured
from ._wire import tools as _tools
from ._wire.body import (
    BODY_FIELDS,
    SETTINGS,
    RequestDefaults,
    build_request,
    call_max_tokens,
    counting_body,
)
from ._wire.response import chat_result, message_from_response
from ._wire.stream import StreamAssembler, generation_chunk, reply_is_text_only
from ._wire.validate import forcing_blocked, validate_sampling, validate_stop
from .cache import _resend
from .cache._planner import CachePlan, CachePlanner, CachePolicy
from .cache._report import CacheReport
from .cache._shared import planner_for
from .tokens._estimate import estimate_request_tokens, estimate_text_tokens

DEFAULT_MODEL = "claude-sonnet-4-6"
DEFAULT_BASE_URL = "https://api.cometapi.com"


class ChatCometAPI(RuntimeCopyMixin, WarmBatchMixin, BaseChatModel):
    """Claude through CometAPI's Anthropic-native Messages endpoint, with automatic prompt caching.

    Example:
        ```python
        from langchain_cometapi import ChatCometAPI

        llm = ChatCometAPI(model="claude-sonnet-4-6")  # key from COMETAPI_KEY
        llm.invoke("Hello!")
        ```
    """

    # hide_input_in_errors: a refused argument's value (a key) never shows in the error
    model_config = ConfigDict(
        populate_by_name=True, arbitrary_types_allowed=True, hide_input_in_errors=True
    )

    model: str = Field(default=DEFAULT_MODEL, alias="model_name")
    api_key: SecretStr | None = Field(
        default_factory=secret_from_env(["COMETAPI_KEY", "COMETAPI_API_KEY"], default=None),
        alias="cometapi_api_key",
    )
    base_url: str = Field(
        default_factory=from_env("COMETAPI_BASE_URL", default=DEFAULT_BASE_URL),
        alias="api_base",
    )
    max_tokens: int = Field(default=8192, ge=1)
    temperature: float | None = Field(default=None, ge=0.0, le=1.0)
    top_p: float | None = Field(default=None, ge=0.0, le=1.0)
    top_k: int | None = Field(default=None, ge=1)
    stop: list[str] | None = Field(default=None, alias="stop_sequences")
    max_retries: int = Field(default=2, ge=0)
    timeout: float | None = Field(default=60.0, alias="default_request_timeout")
    stream_chunk_timeout: float | None = Field(default=None, ge=0)
    """Longest wait between stream events (pings aside); None: ``timeout``; 0: no bound."""
    default_headers: dict[str, str] | None = Field(default=None, repr=False)
    auth: Literal["x-api-key", "bearer"] = "x-api-key"
    anthropic_version: str = "2023-06-01"
    betas: list[str] | None = None
    prompt_cache: Literal["auto", "off"] | CachePolicy = "auto"
    streaming: bool = False
    stream_usage: bool = True
    thinking: dict[str, Any] | None = None
    effort: Literal["low", "medium", "high", "xhigh", "max"] | None = None
    """``output_config.effort`` (alias ``reasoning_effort``); wins over ``output_config``'s."""
    output_config: dict[str, Any] | None = None
    """Sent as ``output_config`` (``effort``, ``task_budget``, ``format``), merged per call."""
    mcp_servers: list[dict[str, Any]] | None = Field(default=None, repr=False)
    """Remote MCP servers (beta added); their ``authorization_token`` never reaches a trace."""
    context_management: dict[str, Any] | None = None
    """Sent as ``context_management`` (context editing, compaction)."""
    container: dict[str, Any] | str | None = None
    """Code execution container: an id from a previous response, or container parameters."""
    reuse_last_container: bool | None = None
    """Send the container id of the latest AIMessage that has one (code execution)."""
    inference_geo: str | None = None
    """Sent as ``inference_geo`` (where inference runs)."""
    user_profile_id: str | None = None
    """Sent as ``user_profile_id`` (its beta header is added)."""
    service_tier: Literal["auto", "standard_only"] | None = None
    user_id: str | None = None
    """Sent as ``metadata.user_id`` (an opaque end-user id for abuse detection); per call too."""
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    http_client: httpx2.Client | None = Field(default=None, exclude=True)
    http_async_client: httpx2.AsyncClient | None = Field(default=None, exclude=True)

    _client: MessagesClient = PrivateAttr()
    _planner: CachePlanner | None = PrivateAttr(default=None)
    _report: CacheReport = PrivateAttr(default_factory=CacheReport)

    # -- construction -----------------------------------------------------------------------------
    @model_validator(mode="before")
    @classmethod
    def _collect_model_kwargs(cls, values: Any) -> Any:
        """ChatAnthropic's names mapped or refused; unknown arguments become body fields, with
        a warning (LangChain's way), unless they look like credentials (``_wire.settings``)."""
        if isinstance(values, dict):
            aliases = {f.alias: n for n, f in cls.model_fields.items() if f.alias}
            return _settings.constructor_values(values, {*cls.model_fields, *aliases}, aliases)
        return values

    @field_validator("base_url", "default_headers", "mcp_servers", mode="before")
    @classmethod
    def _open_hidden(cls, value: Any) -> Any:
        """``model_dump()`` hides credentials as ``SecretStr``: its output validates back."""
        return _settings.reveal(value)

    @field_serializer("base_url", "default_headers", "mcp_servers")
    def _hide_credentials(self, value: Any, info: Any) -> Any:
        """``model_dump()`` (tracers read it) hides credential headers, MCP tokens, passwords."""
        if isinstance(value, str):  # base_url
            return hide_url(value, json_mode=info.mode == "json")
        return _settings.hide_secrets(info.field_name, value, json_mode=info.mode == "json")

    @model_validator(mode="after")
    def _build(self) -> ChatCometAPI:
        self._follow_model()  # max_tokens and profile the user left out
        validate_sampling(self.thinking, self.max_tokens, self.temperature, self.top_k, self.top_p)
        if self.timeout is not None and self.timeout <= 0:
            raise ValueError("timeout must be positive (seconds) or None.")
        if self.stop is not None:
            validate_stop(self.stop)
        self._connect()
        self._add_version("langchain-cometapi", __version__)  # metadata["lc_versions"]
        return self

    def _connect(self) -> None:
        """The runtime parts: HTTP client and cache planner (also rebuilt by ``_copying``)."""
        key = self.api_key.get_secret_value() if self.api_key else None
        settings = {name: getattr(self, name) for name in CLIENT_SETTINGS}
        secrets = _settings.secret_values(self.default_headers, self.mcp_servers)
        self._client = MessagesClient(api_key=key, secrets=secrets, **settings)
        url = without_userinfo(self.base_url)  # the planner logs the endpoint it learns about
        client = self.http_client or self.http_async_client
        self._planner = planner_for(self.prompt_cache, url, key, client)

    def _fresh_runtime(self) -> None:
        """After unpickling / deepcopy: new client, planner and report (see ``_copying``)."""
        object.__setattr__(
            self, "__pydantic_private__", {"_planner": None, "_report": CacheReport()}
        )
        self._connect()

    @property
    def _llm_type(self) -> str:
        """Prefixed ``anthropic-chat``, as Vertex's: LangChain keys Anthropic behaviour on it
        (SummarizationMiddleware counts 3.3 characters per token only then)."""
        return "anthropic-chat-cometapi"

    @classmethod
    def is_lc_serializable(cls) -> bool:
        return True

    @classmethod
    def get_lc_namespace(cls) -> list[str]:
        return ["langchain_cometapi", "chat_models"]

    @property
    def lc_secrets(self) -> dict[str, str]:
        secrets = _serialized.secret_refs(self.default_headers, self.mcp_servers)
        return {"api_key": "COMETAPI_KEY", **secrets, **url_secret(self.base_url)}
    lc_attributes = property(_serialized.lc_attributes)  # credentials as top-level references

    def __repr_args__(self) -> Any:  # credential headers and a password in base_url masked
        for name, value in super().__repr_args__():
            yield name, (without_userinfo(value) if name == "base_url" else value)
        if headers := self.__dict__.get("default_headers"):  # absent while half-built (tracebacks)
            yield "default_headers", _settings.mask_headers(headers)

    @property
    def _identifying_params(self) -> dict[str, Any]:
        names = ("model", "max_tokens", "temperature", "top_p", "top_k", "thinking", "effort")
        return {**{n: getattr(self, n) for n in names}, "prompt_cache": str(self.prompt_cache)}

    def _get_invocation_params(
        self, stop: list[str] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """What tracers record of a call: MCP tokens (bound or per call) replaced."""
        return _settings.redact_params(super()._get_invocation_params(stop=stop, **kwargs))

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        """``ls_provider="anthropic"``, the API spoken: LangChain's middleware picks provider
        features by it (tool search; summarisation trusts reported usage only then)."""
        model = kwargs.get("model", self.model)
        params = LangSmithParams(
            ls_provider="anthropic", ls_model_name=model, ls_model_type="chat",
            ls_max_tokens=call_max_tokens(
                self.max_tokens, "max_tokens" in self.model_fields_set, model, kwargs
            ),
        )
        if (temperature := kwargs.get("temperature", self.temperature)) is not None:
            params["ls_temperature"] = temperature
        if stops := stop or kwargs.get("stop_sequences") or self.stop:
            params["ls_stop"] = stops
        return params

    # -- the pipeline: build -> plan -> send -> assemble -----------------------------------------
    def _defaults(self) -> RequestDefaults:
        return RequestDefaults(
            **{name: getattr(self, name) for name in SETTINGS},
            extra_fields={n: _settings.hide_secrets(n, getattr(self, n)) for n in BODY_FIELDS},
            reuse_last_container=bool(self.reuse_last_container),
            max_tokens_given="max_tokens" in self.model_fields_set,
            header_betas=_settings.header_betas(self.default_headers),
        )

    def _prepare(
        self, messages: Sequence[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> tuple[dict[str, Any], CallOptions, CachePlan | None]:
        request = build_request(messages, self._defaults(), stop, kwargs)
        body, options = request.body, self._client.prepare(request.headers, request.request_options)
        if self._planner is None:
            return body, options, None
        planned, plan = self._planner.plan(body)
        return planned, options, plan

    def _observe(self, plan: CachePlan | None, usage: Any, headers: Mapping[str, str]) -> None:
        if not isinstance(usage, Mapping):  # the planner reads the Date of the headers below
            return
        self._report.add(usage, plan.model if plan is not None else self.model)
        if self._planner is not None and plan is not None:
            self._planner.observe(plan, usage, headers)

    @property
    def cache_report(self) -> CacheReport:
        """What prompt caching read, wrote and saved over this instance's calls so far."""
        return self._report

    def plan_cache(self, messages: LanguageModelInput, **kwargs: Any) -> CachePlan:
        """The cache plan the next call with these messages would use; sends and learns nothing."""
        planner = self._planner or CachePlanner()
        messages_ = self._convert_input(messages).to_messages()
        return planner.preview(build_request(messages_, self._defaults(), None, kwargs).body)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        body, call, plan = self._prepare(messages, stop, kwargs)
        data, seen = _resend.create(self._client.create, call, self._planner, body, plan)
        self._observe(plan, data.get("usage"), seen)
        return chat_result(message_from_response(data))

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        body, call, plan = self._prepare(messages, stop, kwargs)
        data, seen = await _resend.acreate(self._client.acreate, call, self._planner, body, plan)
        self._observe(plan, data.get("usage"), seen)
        return chat_result(message_from_response(data))

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        stream_usage = kwargs.pop("stream_usage", self.stream_usage)
        body, headers, plan = self._prepare(messages, stop, kwargs)
        assembler = StreamAssembler(coerce_text=reply_is_text_only(body), stream_usage=stream_usage)
        seen: dict[str, str] = {}
        opened = _resend.events(self._client.stream, headers, self._planner, body, seen, plan)
        try:  # observed in ``finally``: a caller that stops early was billed for the input too
            for event in opened:
                if (chunk := assembler.feed(event)) is None:
                    continue
                generation = generation_chunk(chunk)
                if run_manager:
                    run_manager.on_llm_new_token(generation.text, chunk=generation)
                yield generation
        finally:
            self._observe(plan, assembler.billed, seen)

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        stream_usage = kwargs.pop("stream_usage", self.stream_usage)
        body, headers, plan = self._prepare(messages, stop, kwargs)
        assembler = StreamAssembler(coerce_text=reply_is_text_only(body), stream_usage=stream_usage)
        seen: dict[str, str] = {}
        opened = _resend.aevents(self._client.astream, headers, self._planner, body, seen, plan)
        try:  # as in ``_stream``
            async for event in opened:
                if (chunk := assembler.feed(event)) is None:
                    continue
                generation = generation_chunk(chunk)
                if run_manager:
                    await run_manager.on_llm_new_token(generation.text, chunk=generation)
                yield generation
        finally:
            self._observe(plan, assembler.billed, seen)

    # -- tools and structured output ----------------------------------------------------------
    def bind(self, **kwargs: Any) -> Runnable[LanguageModelInput, AIMessage]:  # type: ignore[override]
        """Bound credentials stay ``SecretStr`` (a binding's repr/dumps show kwargs) until sent."""
        return super().bind(**_settings.hide_call_secrets(kwargs))

    def bind_tools(
        self,
        tools: Sequence[Mapping[str, Any] | type | Callable[..., Any] | Any],
        *,
        tool_choice: dict[str, Any] | str | bool | None = None,
        parallel_tool_calls: bool | None = None,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools (LangChain tools, pydantic models, functions, OpenAI or Anthropic dicts)."""
        formatted = [_tools.convert_tool(t, strict=strict) for t in tools]
        _tools.convert_tool_choice(tool_choice, formatted, parallel_tool_calls)  # validates
        choice = {"tool_choice": tool_choice, "parallel_tool_calls": parallel_tool_calls}
        return self.bind(tools=formatted, **choice, **kwargs)

    def with_structured_output(
        self,
        schema: Mapping[str, Any] | type,
        *,
        method: Literal["function_calling", "json_schema", "json_mode"] = "function_calling",
        include_raw: bool = False,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, dict[str, Any] | BaseModel]:
        """Structured output by forced tool call, or by output_config.format (json_schema).

        ``json_mode`` is an alias of ``json_schema`` (Claude needs the schema). With thinking
        enabled (budget_tokens), function_calling cannot force the tool and falls back to
        tool_choice='auto'; adaptive thinking accepts the forced call.
        """
        if kwargs:
            raise ValueError(f"unexpected arguments: {sorted(kwargs)}")
        spec = _structured.structured_spec(
            schema, method=method, strict=strict, forcing_blocked=forcing_blocked(self.thinking)
        )
        bound = (
            self.bind_tools([spec.tool], tool_choice=spec.forced, **spec.bind_kwargs)
            if spec.tool is not None
            else self.bind(**spec.bind_kwargs)
        )
        return _structured.with_parser(bound, spec.parser, include_raw)

    def get_num_tokens(self, text: str) -> int:
        """Offline estimate of Claude tokens in ``text`` (the default needs transformers' GPT-2)."""
        return estimate_text_tokens(text, model=self.model)

    def get_num_tokens_from_messages(
        self,
        messages: list[BaseMessage],
        tools: Sequence[Mapping[str, Any] | type | Callable[..., Any] | Any] | None = None,
        **kwargs: Any,
    ) -> int:
        """Offline estimate of the billed prompt tokens; sends nothing, needs no key.

        Counts the exact wire body ``invoke`` would send with these call arguments
        (``tool_choice``, ``system``..., as ChatAnthropic passes them to count_tokens); method
        and accuracy: docs/token-estimation.md. Never raises on content (``counting_body``).
        """
        if tools:
            kwargs["tools"] = [_tools.convert_tool(t) for t in tools]
        return estimate_request_tokens(counting_body(messages, self._defaults(), kwargs))

