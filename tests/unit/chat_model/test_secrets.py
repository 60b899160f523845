"""No secret ever shows: repr/str/dumps/dumpd/to_json/model_dump/pickle of the model and of its
runnables, the params and callbacks tracers receive, LangSmith runs, astream_events, DEBUG logs,
exceptions (every path). Exceptions on hostile networks: tests/unit/http/test_hostile_secrets.py;
recorded cassettes: tests/unit/project/test_cassette_secrets.py.
"""

from __future__ import annotations

import copy
import logging
import pickle
from collections.abc import Callable
from typing import Any

import httpx2
import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.load import dumpd, dumps
from langchain_core.tracers.langchain import LangChainTracer
from pydantic import BaseModel

from langchain_cometapi import ChatCometAPI, errors
from langchain_cometapi.testing import MessagesEmulator, Reply, emulated_chat_model
from tests.helpers.responses import (
    PATHS,
    Recorder,
    call,
    json_response,
    message,
    model_with,
    record_sleeps,
    sse,
    sse_response,
    text_stream,
)
from tests.helpers.secrets import (
    CALL_KEY,
    HEADERS,
    MCP_SERVERS,
    PASSWORD,
    SECRETS,
    exception_text,
    forms,
    leaks,
    planted,
    with_password,
)

KEY = "sk-test-secret-123"  # the key model_with() configures


def test_not_in_repr_str_or_dumps() -> None:
    llm = ChatCometAPI(api_key=KEY)
    for text in (repr(llm), str(llm), dumps(llm), llm.model_dump_json(), repr(llm._client)):
        assert KEY not in text


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_not_in_debug_logs(mode: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("langchain_cometapi", "httpx2", "httpcore2"):
        caplog.set_level(logging.DEBUG, logger=name)
    echo = {"type": "error", "error": {"type": "api_error", "message": f"bad key {KEY}"}}
    rec = Recorder(
        json_response(echo, 529), json_response(message()), sse_response(text_stream("x"))
    )
    llm = model_with(rec, max_retries=1)
    record_sleeps(llm)
    for path in ("invoke", "stream") if mode == "sync" else ("ainvoke", "astream"):
        await call(llm, path)
    assert caplog.records, "nothing was logged: the test would prove nothing"
    assert KEY not in caplog.text
    assert all(KEY not in str(r.args) for r in caplog.records)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("auth", ["x-api-key", "bearer"])
async def test_not_in_exceptions_even_when_echoed(path: str, auth: str) -> None:
    bodies = [
        json_response(
            {
                "type": "error",
                "error": {"type": "authentication_error", "message": f"key {KEY} rejected"},
            },
            401,
        ),
        httpx2.Response(502, text=f"<html>upstream said {KEY}</html>"),
        httpx2.Response(200, text=f"not json {KEY}"),
    ]
    for response in bodies:
        llm = model_with(Recorder(response), auth=auth)
        with pytest.raises(errors.CometAPIError) as info:
            await call(llm, path)
        assert KEY not in str(info.value) and KEY not in repr(info.value)
        assert KEY not in repr(getattr(info.value, "body", ""))


@pytest.mark.parametrize("path", PATHS)
async def test_transport_errors_redacted(path: str) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError(f"refused for {KEY}", request=request)

    with pytest.raises(errors.APIConnectionError) as info:
        await call(model_with(Recorder(handler)), path)
    assert "refused" in str(info.value)
    assert KEY not in str(info.value) and KEY not in repr(info.value)


# -- every path (invoke, stream, ainvoke, astream) ----------------------------------------------
_ECHO = {"type": "error", "error": {"type": "overloaded_error", "message": f"bad key {KEY}"}}


@pytest.mark.parametrize("path", PATHS)
async def test_not_logged_when_a_retried_error_echoes_it(
    path: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    ok = sse_response(text_stream("x")) if "stream" in path else json_response(message())
    llm = model_with(Recorder(json_response(_ECHO, 529), ok), max_retries=1)
    record_sleeps(llm)
    await call(llm, path)
    retried = [r for r in caplog.records if "retrying" in r.getMessage()]
    assert retried, "no retry was logged: the test would prove nothing"
    assert "bad key" in caplog.text  # the echoed error itself is logged, redacted
    assert KEY not in caplog.text
    assert all(KEY not in str(r.args) for r in caplog.records)


@pytest.mark.parametrize("path", PATHS)
async def test_not_in_exceptions_on_any_path(path: str) -> None:
    llm = model_with(Recorder(json_response({**_ECHO, "error": {
        "type": "authentication_error", "message": f"key {KEY} rejected"}}, 401)))
    with pytest.raises(errors.AuthenticationError) as info:
        await call(llm, path)
    assert "rejected" in str(info.value)
    assert KEY not in str(info.value) and KEY not in repr(info.value)
    assert KEY not in repr(getattr(info.value, "body", ""))


@pytest.mark.parametrize("path", ["stream", "astream"])
async def test_not_in_a_mid_stream_error_event(path: str) -> None:
    events = [*text_stream("partial", stop=False)[:4], _ECHO]
    llm = model_with(Recorder(sse_response(events)))
    with pytest.raises(errors.StreamError) as info:
        await call(llm, path)
    assert "bad key" in str(info.value)
    assert KEY not in str(info.value) and KEY not in repr(info.value)
    assert KEY not in repr(getattr(info.value, "body", ""))


@pytest.mark.parametrize("path", ["stream", "astream"])
async def test_not_in_a_malformed_event(path: str) -> None:
    body = sse(text_stream("partial", stop=False)[:3]) + f"data: {{oops {KEY}\n\n".encode()
    response = httpx2.Response(200, content=body, headers={"content-type": "text/event-stream"})
    with pytest.raises(errors.StreamError, match="malformed") as info:
        await call(model_with(Recorder(response)), path)
    assert KEY not in str(info.value) and KEY not in repr(info.value)


# -- every object surface: the model, its runnables, what tracers receive ----------------------
# Every kind of secret is planted (tests/helpers/secrets.py): the key, a password in base_url,
# credential headers in default_headers, an MCP authorization_token, a per-call key.
class Answer(BaseModel):
    """An answer."""

    text: str


def _planted_model() -> ChatCometAPI:
    return ChatCometAPI(**planted(base_url=with_password("https://gateway.example.com")))


RUNNABLES: dict[str, Callable[[ChatCometAPI], Any]] = {
    "model": lambda llm: llm,
    "bind_tools": lambda llm: llm.bind_tools([Answer], tool_choice="Answer"),
    "with_structured_output": lambda llm: llm.with_structured_output(Answer),
    "json_schema_output": lambda llm: llm.with_structured_output(Answer, method="json_schema"),
    "with_config": lambda llm: llm.with_config(tags=["t"], run_name="r"),
    "model_copy": lambda llm: llm.model_copy(update={"max_tokens": 5}),
    "bound_call_headers": lambda llm: llm.bind(extra_headers={"x-api-key": CALL_KEY}),
    "bound_mcp_servers": lambda llm: llm.bind(mcp_servers=MCP_SERVERS),
    "bound_extra_body": lambda llm: llm.bind(extra_body={"mcp_servers": MCP_SERVERS}),
    "bound_tools_and_headers": lambda llm: llm.bind_tools(
        [Answer], extra_headers={"Authorization": f"Bearer {CALL_KEY}"}
    ),
}
def _picklable(runnable: Any) -> Any:
    """A structured-output chain holds a local function (not picklable): its model binding is."""
    return getattr(runnable, "first", runnable)


VIEWS: dict[str, Callable[[Any], str]] = {
    "repr": repr,
    "str": str,
    "dumps": dumps,
    "dumpd": lambda o: repr(dumpd(o)),
    "to_json": lambda o: repr(o.to_json()),
    "pickle_then_repr": lambda o: repr(pickle.loads(pickle.dumps(_picklable(o)))),
    "deepcopy_then_repr": lambda o: repr(copy.deepcopy(o)),
    "model_dump": lambda o: repr(o.model_dump()) if isinstance(o, BaseModel) else "",
    "model_dump_json": lambda o: o.model_dump_json() if isinstance(o, ChatCometAPI) else "",
}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("runnable", RUNNABLES)
def test_no_view_of_the_model_or_its_runnables_shows_a_secret(runnable: str, view: str) -> None:
    shown = VIEWS[view](RUNNABLES[runnable](_planted_model()))
    assert leaks(shown) == []


def test_model_dump_json_of_bindings_shows_no_secret() -> None:
    llm = _planted_model()
    for name in ("bound_call_headers", "bound_mcp_servers", "model_copy", "with_config"):
        assert leaks(RUNNABLES[name](llm).model_dump_json()) == [], name


def test_model_params_show_no_secret() -> None:
    llm = _planted_model()
    call = {"extra_headers": {"x-api-key": CALL_KEY}, "mcp_servers": MCP_SERVERS,
            "extra_body": {"mcp_servers": MCP_SERVERS}}  # fmt: skip
    for shown in (
        llm._identifying_params,
        llm._get_ls_params(**call),
        llm._get_invocation_params(**call),
        llm.profile,
        llm.lc_secrets,
    ):
        assert leaks(repr(shown)) == []


def test_hidden_settings_still_work() -> None:
    """What model_dump() hides validates back to the real values (python mode)."""
    llm = _planted_model()
    again = ChatCometAPI(**llm.model_dump())
    assert again.default_headers == HEADERS
    assert again.mcp_servers == MCP_SERVERS
    assert again.base_url == llm.base_url and PASSWORD.split("/")[0] in llm.base_url


@pytest.mark.parametrize("path", PATHS)
async def test_bound_credentials_are_still_sent(path: str) -> None:
    ok = sse_response(text_stream("x")) if "stream" in path else json_response(message())
    rec = Recorder(ok)
    bound = model_with(rec, mcp_servers=MCP_SERVERS).bind(
        extra_headers={"x-api-key": CALL_KEY}, mcp_servers=MCP_SERVERS
    )
    await call(bound, path)
    assert rec.requests[0].headers["x-api-key"] == CALL_KEY
    assert rec.bodies()[0]["mcp_servers"] == MCP_SERVERS


class _EveryCallback(BaseCallbackHandler):
    """Records every callback LangChain fires, with all its arguments."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __getattribute__(self, name: str) -> Any:
        if name.startswith("on_"):
            seen = object.__getattribute__(self, "seen")
            return lambda *args, **kwargs: seen.append(f"{name}{args!r}{kwargs!r}")
        return object.__getattribute__(self, name)


class _FakeLangSmith:
    """A LangSmith client that keeps what a tracer would upload (no network)."""

    def __init__(self) -> None:
        self.uploads: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: self.uploads.append(f"{name}{args!r}{kwargs!r}")


def _emulated_planted() -> tuple[ChatCometAPI, MessagesEmulator]:
    emu = MessagesEmulator()
    emu.script(*[Reply.text("ok")] * 12)
    settings = planted(base_url=with_password("http://emulator"))
    return emulated_chat_model(emu, **settings), emu


@pytest.mark.parametrize("path", PATHS)
async def test_callbacks_and_langsmith_runs_show_no_secret(path: str) -> None:
    llm, emu = _emulated_planted()
    handler, client = _EveryCallback(), _FakeLangSmith()
    tracer = LangChainTracer(client=client, project_name="secrets")  # type: ignore[arg-type]
    bound = llm.bind_tools([Answer]).bind(extra_headers={"x-api-key": CALL_KEY})
    config: Any = {"callbacks": [handler, tracer]}
    await call(bound.with_config(config), path)
    await call(llm.with_config(config), path)
    tracer.wait_for_futures()
    assert len(emu.requests) == 2 and len(handler.seen) >= 4 and len(client.uploads) >= 4
    for text in handler.seen + client.uploads:
        assert leaks(text) == []
    assert emu.requests[0]["body"]["mcp_servers"] == MCP_SERVERS  # sent, for real


async def test_astream_events_show_no_secret() -> None:
    llm, _ = _emulated_planted()
    bound = llm.bind(extra_headers={"x-api-key": CALL_KEY}, mcp_servers=MCP_SERVERS)
    events = [repr(e) async for e in bound.astream_events("hi", version="v2")]
    events += [repr(e) async for e in llm.bind_tools([Answer]).astream_events("hi")]
    assert len(events) > 4
    assert all(leaks(e) == [] for e in events)


def test_cache_report_and_plan_show_no_secret() -> None:
    llm, _ = _emulated_planted()
    llm.invoke("hi")
    plan = llm.plan_cache("hi", extra_headers={"x-api-key": CALL_KEY})
    for text in (repr(llm.cache_report), str(llm.cache_report), repr(plan), plan.explain()):
        assert leaks(text) == []


@pytest.mark.parametrize("secret", SECRETS)
def test_the_scanner_catches_every_form(secret: str) -> None:
    """The scan above can fail: each form of each planted secret is found."""
    for form in forms(secret):
        assert leaks(f"... {form} ...") != [], form
    planted_view = repr(ChatCometAPI(api_key="k", model_kwargs={"note": {"x": secret}}))
    assert leaks(planted_view) != []


# -- refused settings and calls: the error, its chain and the library's locals are clean -------
REFUSED_SETTINGS: dict[str, dict[str, Any]] = {
    "crlf_in_header": {"default_headers": {"x-api-key": "XKEYPLANT-22222\r\nEvil: 1"}},
    "non_ascii_header": {"default_headers": {"Authorization": "Bearer AUTHPLANT-bearer-11é"}},
    "newline_inside_key": {"api_key": "sk-KEYPLANT\n-0123456789abcdef"},
    "nul_inside_key": {"api_key": "sk-KEYPLANT\x00-0123456789abcdef"},
    "url_without_http": {"base_url": with_password("ftp://host")},
    "bad_timeout": {"timeout": -1},
    "anthropic_api_key": {"anthropic_api_key": "sk-KEYPLANT-0123456789abcdef"},
    "secret_like_argument": {"client_secret": "sk-KEYPLANT-0123456789abcdef"},
}


@pytest.mark.parametrize("case", REFUSED_SETTINGS)
def test_a_refused_setting_shows_no_secret(case: str) -> None:
    """Also: a traceback capturing locals can print the half-built model (its repr raised)."""
    with pytest.raises(ValueError) as info:
        ChatCometAPI(**planted(**REFUSED_SETTINGS[case]))
    assert leaks(exception_text(info.value, locals_of=("langchain_cometapi/",))) == []


@pytest.mark.parametrize("path", PATHS)
async def test_a_call_refused_before_sending_shows_no_mcp_token(path: str) -> None:
    llm = model_with(Recorder(json_response(message())), mcp_servers=MCP_SERVERS)
    with pytest.raises(ValueError, match="finite") as info:
        await call(llm.bind(temperature=float("nan")), path)
    assert leaks(exception_text(info.value, locals_of=("langchain_cometapi/",))) == []


def _echo_body(request: httpx2.Request) -> httpx2.Response:
    """A gateway that quotes the request it refused (the body holds the MCP token)."""
    error = {"type": "invalid_request_error", "message": f"bad: {request.content.decode()}"}
    return httpx2.Response(400, json={"type": "error", "error": error})


#: Every way an MCP token reaches a request besides the constructor.
MCP_ROUTES: dict[str, Callable[[ChatCometAPI], Any]] = {
    "model_copy": lambda llm: llm.model_copy(update={"mcp_servers": MCP_SERVERS}),
    "bind": lambda llm: llm.bind(mcp_servers=MCP_SERVERS),
    "extra_body": lambda llm: llm.bind(extra_body={"mcp_servers": MCP_SERVERS}),
    "constructor": lambda llm: model_with(Recorder(_echo_body), mcp_servers=MCP_SERVERS),
}


@pytest.mark.parametrize("route", MCP_ROUTES)
@pytest.mark.parametrize("path", PATHS)
async def test_an_echoed_mcp_token_is_redacted_however_it_was_given(path: str, route: str) -> None:
    runnable = MCP_ROUTES[route](model_with(Recorder(_echo_body)))
    with pytest.raises(errors.BadRequestError) as info:
        await call(runnable, path)
    assert "bad: {" in str(info.value)  # the echo is there: the test would prove nothing else
    assert leaks(exception_text(info.value)) == []
