"""Copies and lifecycle for ChatCometAPI: copy the settings, rebuild the runtime parts.

The HTTP client, the cache planner and the cache report hold locks (and sockets), which neither
pickle nor deepcopy can copy; ChatAnthropic pickles before first use, and process pools, Spark
UDFs and ``copy.deepcopy`` of a chain need the same. A copy starts with a fresh client, planner
and report; user-supplied httpx2 clients are shared by deepcopy (they cannot be pickled).
``model_copy(update=...)`` that changes a connection setting (key, URL, timeout, headers, ...)
gets a client built from the new settings, never the old one.

Connections are pooled per process and shared by instances with the same settings (see
``_http.pools``), so dropping an instance leaks nothing; ``close()``/``aclose()`` and the
(async) context manager close those pooled connections now, for ChatAnthropic-style code.
"""

from __future__ import annotations

import copy
from types import TracebackType
from typing import Any, ClassVar

from langchain_core.runnables import ConfigurableField, Runnable, RunnableConfig
from langchain_core.runnables.configurable import RunnableConfigurableFields
from pydantic import SecretStr

from ._wire.settings import model_defaults, refuse_dotted_credential_headers


class FollowingFields(RunnableConfigurableFields):  # type: ignore[type-arg]
    """``configurable_fields(...)`` whose configured model is built from the settings the user
    gave (and the configured ones), not from every field of the default instance: LangChain
    passes them all, so a ``max_tokens`` and ``profile`` derived from the first model were
    kept for another model (Claude 3 Haiku got Sonnet's 8192, a 400 on every call)."""

    def _prepare(self, config: RunnableConfig | None = None) -> tuple[Runnable[Any, Any], Any]:
        built, config = super()._prepare(config)
        default: Any = self.default
        if built is default:
            return built, config
        chosen = config.get("configurable", {})
        configured = {
            key
            for key, spec in self.fields.items()
            if not isinstance(spec, ConfigurableField) or spec.id in chosen
        }
        given = default.model_fields_set | configured
        return type(built)(**{name: getattr(built, name) for name in given}), config


class RuntimeCopyMixin:
    """Goes before BaseModel in the bases; the class provides ``_fresh_runtime()``."""

    # the settings the HTTP client (or the planner) is built from
    _runtime_fields: ClassVar[frozenset[str]] = frozenset(
        {"api_key", "base_url", "auth", "timeout", "stream_chunk_timeout", "max_retries",
         "anthropic_version", "default_headers", "betas", "http_client", "http_async_client",
         "prompt_cache"}
    )  # fmt: skip
    #: the settings ``max_tokens`` and ``profile`` follow when the user left them out
    _model_fields: ClassVar[frozenset[str]] = frozenset({"model", "betas"})
    _client: Any
    _report: Any

    def _follow_model(self) -> None:
        """``max_tokens`` and ``profile`` the user did not set follow ``model`` (and the 1M
        beta): at construction and whenever a copy changes them (``_wire.settings``)."""
        model: Any = self  # a pydantic model: its fields are declared by the class
        given = model.model_fields_set
        if model.profile is None:  # ``profile=None`` asks for the model's own
            given.discard("profile")
        for name, value in model_defaults(model.model, model.betas, given).items():
            object.__setattr__(self, name, value)

    def _fresh_runtime(self) -> None:
        raise NotImplementedError

    def _connect(self) -> None:
        raise NotImplementedError

    def _settings_changed(self) -> None:
        """After ``model_copy(update=...)`` of a connection setting: a client from the new ones."""
        key = getattr(self, "api_key", None)
        if isinstance(key, str):  # model_copy does not validate: coerce as the field would
            object.__setattr__(self, "api_key", SecretStr(key))
        self._connect()

    def model_copy(self, *, update: Any = None, deep: bool = False) -> Any:
        """A copy is a new instance with its own ``cache_report`` (its calls are not the
        original's; the learnt cache state stays shared, per endpoint and key, by design),
        settings that follow a changed model, and a client for changed connection settings."""
        if update and "default_headers" in update:  # model_copy does not run the validators
            refuse_dotted_credential_headers(update["default_headers"])
        clone = super().model_copy(update=update, deep=deep)  # type: ignore[misc]
        clone.__pydantic_private__["_report"] = type(self._report)()
        if update and self._model_fields.intersection(update):
            clone._follow_model()
        if update and self._runtime_fields.intersection(update):
            clone._settings_changed()
        return clone

    def configurable_fields(self, **kwargs: Any) -> Any:
        """LangChain's, building a configured model from what the user gave (see
        ``FollowingFields``)."""
        plain = super().configurable_fields(**kwargs)  # type: ignore[misc]  # checks the names
        return FollowingFields(default=plain.default, fields=plain.fields)

    def __eq__(self, other: object) -> bool:
        """Equal settings make equal models, as with ChatAnthropic: the client, planner and
        report are built per instance (a copy gets fresh ones), so pydantic's comparison of
        private attributes made a model unequal even to its own deepcopy."""
        if type(other) is not type(self):
            return NotImplemented
        return bool(self.__dict__ == other.__dict__)

    __hash__ = None  # type: ignore[assignment]  # mutable settings: unhashable, as before

    def close(self) -> None:
        """Close the pooled connections this instance uses (user-supplied clients are left)."""
        self._client.close()

    async def aclose(self) -> None:
        """Close the running event loop's pooled connections this instance uses."""
        await self._client.aclose()

    def __enter__(self) -> Any:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> Any:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __getstate__(self) -> dict[Any, Any]:
        state: dict[Any, Any] = super().__getstate__()  # type: ignore[misc,assignment]
        return {**state, "__pydantic_private__": None}

    def __setstate__(self, state: dict[Any, Any]) -> None:
        super().__setstate__(state)  # type: ignore[misc]
        self._fresh_runtime()

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Any:
        memo = {} if memo is None else memo
        for name in ("http_client", "http_async_client"):
            client = getattr(self, name, None)
            if client is not None:
                memo[id(client)] = client
        clone = type(self).__new__(type(self))
        memo[id(self)] = clone
        clone.__setstate__(copy.deepcopy(self.__getstate__(), memo))
        return clone
