"""A chain: prompt template | ChatCometAPI | output parser, invoked once and batched.

Run: python examples/chain.py   (offline without COMETAPI_KEY, live with it)
"""

from __future__ import annotations

from _model import chat_model, say_where
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate


def main() -> None:
    say_where()
    llm = chat_model(max_tokens=200, temperature=0)
    prompt = ChatPromptTemplate.from_messages(
        [
            ("system", "You are a concise assistant. Answer in one sentence."),
            ("human", "Explain {topic} to a new developer."),
        ]
    )
    chain = prompt | llm | StrOutputParser()

    print(chain.invoke({"topic": "prompt caching"}))

    # batch() runs the calls concurrently (a thread pool over the pooled HTTP client).
    for answer in chain.batch([{"topic": "streaming"}, {"topic": "tool calling"}]):
        print("-", answer)


if __name__ == "__main__":
    main()
