"""Probe set, documents in the user turn: RAG conversations over a small corpus of manuals and
an app mixing one-shot summaries with chats (``_workloads_probe.PROBE`` lists them in order).

Apart from ``_workloads_probe`` only to keep both modules short; the same rules apply: in-sample
workloads, added with the RAG first-turn rules (2026-12-07) and the work on long first turns
(fourth 2026-12-07 session), diagnosed on.
"""

from __future__ import annotations

import random

from _workload_parts import between, chat, manual_corpus, manual_turns, system_of
from _workloads_holdout import Step, Workload, _sorted, tokens_words, words
from langchain_core.messages import BaseMessage, HumanMessage


def _rag_corpus(seed: int, model: str, sys_tokens: int, fixed: bool, name: str) -> Workload:
    """Twenty RAG conversations of 1-4 turns started over 40 minutes (``manual_corpus``)."""
    rng = random.Random(seed)
    system = system_of(rng, sys_tokens, "You are the product support assistant.")
    return Workload(name, model, _sorted(manual_corpus(rng, system, 20, fixed)))

def rag_corpus_opus46(seed: int = 331) -> Workload:
    """Opus-4-6 (4096 minimum), a 1.2k-token system below it; manuals in drawn order (tunable:
    modelled on the description of holdout v5's "RAG small corpus", added with that rule)."""
    return _rag_corpus(seed, "claude-opus-4-6", 1200, False, "probe RAG corpus opus-4-6")


def rag_corpus_sonnet46(seed: int = 332) -> Workload:
    """Sonnet-4-6 (1024 minimum), a 1.8k-token system above it; manuals most popular first
    (tunable, as above)."""
    return _rag_corpus(seed, "claude-sonnet-4-6", 1800, True, "probe RAG corpus sonnet-4-6")


def rag_first_turns(seed: int = 341) -> Workload:
    """Sonnet-4-5 RAG chat app (1024 minimum) whose 0.8k-token system is under it: each user
    turn pastes 2-3 of 5 manuals and the question into one text (a prompt template's
    "Context: ... Question: ..."). Its first conversations open with that long turn and come
    back after 20 s-3 min; the very first one is a single turn, the next two start 1.5 and 6.5
    minutes later (added with the work on long first turns and diagnosed on: in-sample)."""
    rng = random.Random(seed)
    system = system_of(rng, 800, "You are the appliance support assistant.")
    manuals = [words(rng, int(rng.randint(1500, 3500) / 1.25)) for _ in range(5)]
    weights = [1.0 / (k + 1) for k in range(5)]
    steps: list[Step] = []
    starts = [0.0, 95.0, 400.0, *sorted(rng.uniform(460, 2400) for _ in range(11))]
    for k, start in enumerate(starts):
        turns = (1, 3, 2)[k] if k < 3 else rng.randint(1, 4)
        steps += manual_turns(rng, system, manuals, weights, turns, start, False, (20, 180))
    for step in steps:  # each turn's blocks pasted into one text, as a template does
        step.messages = [_pasted(m) for m in step.messages]
    return Workload("probe RAG first turns", "claude-sonnet-4-5", _sorted(steps))


def _pasted(message: BaseMessage) -> BaseMessage:
    """A human message of text blocks as one string (the manuals first, then the question)."""
    if not isinstance(message, HumanMessage) or isinstance(message.content, str):
        return message
    texts = [b["text"] for b in message.content if isinstance(b, dict)]
    return HumanMessage("Context:\n" + "\n".join(texts[:-1]) + "\n\nQuestion: " + texts[-1])


def one_shots_and_chats(seed: int = 342) -> Workload:
    """Opus-4-7 (2048 minimum) app with one system prompt serving both one-shot summaries of
    2-5k-token documents (30, every 10 s-2 min) and 8 chats that open with a pasted 2-4k-token
    document and continue 2-4 turns after 20 s-3 min (added with the work on long first turns
    and diagnosed on: in-sample)."""
    rng = random.Random(seed)
    system = system_of(rng, 1500, "You are the document assistant.")
    steps: list[Step] = []
    t = 0.0
    for _ in range(30):
        doc = HumanMessage("Summarize:\n" + words(rng, tokens_words(rng.randint(2000, 5000))))
        steps.append(Step(t, [system, doc]))
        t += rng.uniform(10, 120)
    for _ in range(8):
        first = words(rng, tokens_words(rng.randint(2000, 4000)))
        turns = chat(rng, system, rng.randint(2, 4), between(20, 180), rng.uniform(0, t))
        head = turns[0].messages[1]
        pasted = HumanMessage("Document:\n" + first + "\n\n" + str(head.content))
        for step in turns:
            step.messages[1] = pasted
        steps += turns
    return Workload("probe one-shots + chats", "claude-opus-4-7", _sorted(steps))
