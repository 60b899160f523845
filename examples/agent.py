"""A LangGraph agent with tools: ``langchain.agents.create_agent`` over ChatCometAPI.

Run: python examples/agent.py   (offline without COMETAPI_KEY, live with it)

The agent loops model -> tools -> model until the model answers without a tool call. Offline,
the emulator plays the model's part from a script (two tool calls, then an answer); the tools,
the agent loop and every request and response on the wire are real.
"""

from __future__ import annotations

from _model import OFFLINE, chat_model, say_where
from langchain.agents import create_agent
from langchain_core.messages import AIMessage, ToolMessage
from langchain_core.tools import tool

from langchain_cometapi.testing import MessagesEmulator, Reply

FORECASTS = {"paris": "18 °C, light rain", "lisbon": "24 °C, sunny", "oslo": "9 °C, cloudy"}


@tool
def get_weather(city: str) -> str:
    """Today's weather for a city."""
    return FORECASTS.get(city.strip().lower(), f"no forecast for {city}")


@tool
def convert_temperature(celsius: float) -> str:
    """Convert a temperature from Celsius to Fahrenheit."""
    return f"{celsius * 9 / 5 + 32:.1f} °F"


def offline_model_turns() -> MessagesEmulator:
    """What a model would do here; without a script the emulator calls the first tool once."""
    emulator = MessagesEmulator()
    emulator.script(
        Reply.tool_use("get_weather", {"city": "Lisbon"}, text="Let me look that up."),
        Reply.tool_use("convert_temperature", {"celsius": 24}),
        Reply.text("It's sunny in Lisbon today at 24 °C (75.2 °F)."),
    )
    return emulator


def main() -> None:
    say_where()
    agent = create_agent(
        chat_model(offline_model_turns() if OFFLINE else None, max_tokens=1024),
        tools=[get_weather, convert_temperature],
        system_prompt="You are a travel assistant. Use the tools; never guess the weather.",
    )
    result = agent.invoke({"messages": [("user", "What's the weather in Lisbon today?")]})
    for message in result["messages"]:
        if isinstance(message, AIMessage) and message.tool_calls:
            for call in message.tool_calls:
                print(f"tool call   {call['name']}({call['args']})")
        elif isinstance(message, ToolMessage):
            print(f"tool result {message.content}")
    print("answer     ", result["messages"][-1].text)


if __name__ == "__main__":
    main()
