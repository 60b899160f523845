"""A RAG app over this package's own docs, with automatic prompt caching and a cache report.

Run: python examples/rag_cache.py   (offline without COMETAPI_KEY, live with it)

Each question retrieves a few doc sections and joins the conversation, which is re-sent in
full every turn. Nothing here mentions cache_control: ChatCometAPI's planner marks the stable
prefix (system prompt, earlier turns) and the API reads it back at a tenth of the price.
``CacheReportCallback`` totals what that saved.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from _model import OFFLINE, chat_model, say_where
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.retrievers import BaseRetriever

from langchain_cometapi import CachePolicy
from langchain_cometapi.cache_report import CacheReportCallback
from langchain_cometapi.testing import MessagesEmulator, Reply

DOCS = Path(__file__).resolve().parent.parent / "docs"
QUESTIONS = [
    "How do I install the package and make my first call?",
    "How does the cache planner decide where to put breakpoints?",
    "How can I test my app offline without an API key?",
    "What happens when the API returns a rate-limit error?",
]
WORD = re.compile(r"[a-z0-9_]{3,}")


def words(text: str) -> set[str]:
    return set(WORD.findall(text.lower()))


def score(query: set[str], text: str) -> float:
    """Shared words, damped by length so long sections do not win every query."""
    vocabulary = words(text)
    return len(query & vocabulary) / (10 + len(vocabulary)) ** 0.5


def load_sections(folder: Path) -> list[Document]:
    """One Document per ``##`` section of every Markdown page."""
    sections = []
    for page in sorted(folder.rglob("*.md")):
        if page.parent.name == "reference" or page.name == "changelog.md":
            continue  # generated API pages and includes: no prose to retrieve
        for chunk in re.split(r"\n(?=## )", page.read_text(encoding="utf-8")):
            if len(chunk.strip()) > 400:
                title = chunk.strip().splitlines()[0].lstrip("# ")
                meta = {"page": page.name, "title": title}
                sections.append(Document(chunk.strip(), metadata=meta))
    return sections


class KeywordRetriever(BaseRetriever):
    """Word-overlap ranking: a stand-in for a vector store, so the example needs no embeddings."""

    documents: list[Document]
    k: int = 3

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        q = words(query)
        ranked = sorted(self.documents, key=lambda d: -score(q, d.page_content))
        return ranked[: self.k]


def offline_answer(body: dict[str, Any]) -> Reply:
    """Offline stand-in for the model: quote the retrieved line that best fits the question."""
    text = body["messages"][-1]["content"]
    text = text if isinstance(text, str) else " ".join(b.get("text", "") for b in text)
    context, _, question = text.rpartition("Question:")
    sentences = []
    for section in context.split("\n---\n"):
        title, _, body_text = section.strip().partition("\n")
        for paragraph in body_text.split("\n\n"):
            if paragraph.lstrip().startswith(("#", "```", "|", "-", "*")):
                continue  # headings, code, tables and lists do not quote well
            for sentence in re.split(r"(?<=[.!?])\s+", " ".join(paragraph.split())):
                sentences.append((score(words(question), sentence), title, sentence))
    if not sentences:
        return Reply.text("The documentation sections I was given do not cover that.")
    _, title, sentence = max(sentences, key=lambda item: item[0])
    return Reply.text(f"From {title}: {sentence}")


def main() -> None:
    say_where()
    sections = load_sections(DOCS)
    if not sections:
        raise SystemExit(f"no Markdown sections found under {DOCS}")
    retriever = KeywordRetriever(documents=sections)
    emulator = MessagesEmulator(responder=offline_answer) if OFFLINE else None
    # The default policy is already right for chat; a policy is shown here to say it exists.
    llm = chat_model(emulator, max_tokens=300, prompt_cache=CachePolicy(ttl="5m"))
    report = CacheReportCallback(print_turns=True)

    history: list[BaseMessage] = [
        SystemMessage(
            "You answer questions about the langchain-cometapi Python package using only the "
            "documentation sections given with each question. Be brief and cite the section."
        )
    ]
    for question in QUESTIONS:
        docs = retriever.invoke(question)
        context = "\n---\n".join(f"[{d.metadata['title']}]\n{d.page_content}" for d in docs)
        history.append(HumanMessage(f"{context}\n\nQuestion: {question}"))
        answer = llm.invoke(history, config={"callbacks": [report]})
        history.append(answer)
        print(f"\nQ: {question}\nA: {answer.text}")

    print("\nCache report for the whole conversation:")
    print(report.report)


if __name__ == "__main__":
    main()
