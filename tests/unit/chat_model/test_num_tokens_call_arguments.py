"""get_num_tokens_from_messages takes call arguments as ChatAnthropic does (it passes them to
count_tokens): they shape the counted body like invoke's, and an unknown one does not raise."""

from __future__ import annotations

from langchain_core.messages import HumanMessage

from langchain_cometapi import ChatCometAPI

TOOL = {"name": "lookup", "description": "Look it up.", "input_schema": {"type": "object",
        "properties": {"q": {"type": "string"}}}}  # fmt: skip


def test_call_arguments_shape_the_count() -> None:
    llm = ChatCometAPI(api_key="sk-test")
    messages = [HumanMessage("foo")]
    free = llm.get_num_tokens_from_messages(messages, tools=[TOOL])
    forced = llm.get_num_tokens_from_messages(messages, tools=[TOOL], tool_choice="any")
    assert forced > free  # a forced choice bills a longer tool system prompt
    system = llm.get_num_tokens_from_messages(messages, system="Answer in French, always.")
    assert system > llm.get_num_tokens_from_messages(messages)


def test_unknown_call_argument_is_accepted() -> None:
    llm = ChatCometAPI(api_key="sk-test")
    assert llm.get_num_tokens_from_messages([HumanMessage("foo")], foo="bar") > 0
