"""ChatCometAPI pickles and deep-copies (process pools, Spark UDFs, ``copy.deepcopy`` of chains).

The client, planner and report hold locks; copies get fresh ones and keep every setting.
"""

from __future__ import annotations

import copy
import pickle

import pytest
from pydantic import SecretStr

from langchain_cometapi import ChatCometAPI
from langchain_cometapi.testing import EmulatorServer, MessagesEmulator, Reply
from tests.helpers.chat_model import call_text, emulated


def test_pickle_round_trip_keeps_settings_and_works() -> None:
    llm = ChatCometAPI(
        api_key="sk-pickled", model="claude-haiku-4-5", max_tokens=321, temperature=0.3
    )
    clone = pickle.loads(pickle.dumps(llm))
    assert isinstance(clone, ChatCometAPI)
    assert (clone.model, clone.max_tokens, clone.temperature) == ("claude-haiku-4-5", 321, 0.3)
    assert isinstance(clone.api_key, SecretStr)
    assert clone.api_key.get_secret_value() == "sk-pickled"
    assert clone._client is not llm._client
    assert clone._planner is not None and clone._planner is not llm._planner
    assert clone.cache_report.requests == 0


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_unpickled_model_sends_requests() -> None:
    emu = MessagesEmulator()
    emu.script(Reply.text("from the copy"))
    with EmulatorServer(emu) as server:
        llm = ChatCometAPI(api_key="sk-test", base_url=server.base_url, max_retries=0)
        clone = pickle.loads(pickle.dumps(llm))
        assert clone.invoke("hi").content == "from the copy"


def test_deepcopy_after_use_shares_user_clients_only() -> None:
    llm, emu = emulated(MessagesEmulator(), prompt_cache="auto")
    emu.script(Reply.text("one"), Reply.text("two"))
    llm.invoke("hi")
    clone = copy.deepcopy(llm)
    assert clone.http_client is llm.http_client  # a user's client is shared, not copied
    assert clone._report is not llm._report and clone.cache_report.requests == 0
    assert clone.invoke("again").content == "two"
    assert llm.cache_report.requests == 1


def test_models_with_the_same_settings_are_equal() -> None:
    """As ChatAnthropic's are: equality is about settings, not the runtime parts (client,
    planner, report) each instance builds for itself; models stay unhashable (mutable)."""
    settings = {"api_key": "sk-same-0123456789", "model": "claude-sonnet-4-6", "temperature": 0.2}
    llm = ChatCometAPI(**settings)
    assert llm == ChatCometAPI(**settings)
    assert llm == copy.deepcopy(llm) == pickle.loads(pickle.dumps(llm))
    assert llm == llm.model_copy()
    assert llm != ChatCometAPI(**{**settings, "temperature": 0.3})
    assert llm != ChatCometAPI(**{**settings, "api_key": "sk-other-0123456789"})
    assert llm != llm.model_copy(update={"timeout": 5.0})
    assert llm != "ChatCometAPI"
    with pytest.raises(TypeError):
        hash(llm)


COPY_PATHS = ("invoke", "ainvoke", "stream", "astream")




@pytest.mark.parametrize("path", COPY_PATHS)
@pytest.mark.parametrize(
    "update", [None, {"temperature": 0.5}, {"model": "claude-haiku-4-5"}, {"timeout": 9.0}]
)
async def test_a_model_copy_has_its_own_cache_report(
    path: str, update: dict[str, object] | None
) -> None:
    """A copy is a new instance: its calls count in its report, never in the original's (and
    the reverse), as for deepcopy and pickle; the learnt cache state stays shared by design."""
    llm, emu = emulated(MessagesEmulator(), prompt_cache="auto")
    emu.script(Reply.text("one"), Reply.text("two"), Reply.text("three"))
    await call_text(llm, path)
    clone = llm.model_copy(update=update)
    assert clone.cache_report.requests == 0
    await call_text(clone, path)
    await call_text(clone, path)
    assert (llm.cache_report.requests, clone.cache_report.requests) == (1, 2)
    assert clone._planner is not None and llm._planner is not None
    assert clone._planner.state is llm._planner.state  # one learnt state per endpoint and key
