"""Small prompts skip the planner; anything that could be cached still gets the full pass."""

from __future__ import annotations

from typing import Any

from langchain_cometapi.cache._fastpath import _surely_large, _token_upper_bound
from langchain_cometapi.cache._planner import CachePlanner


def _body(text: str, **extra: object) -> dict[str, object]:
    return {
        "model": "claude-sonnet-4-6",
        "max_tokens": 10,
        "messages": [{"role": "user", "content": [{"type": "text", "text": text}]}],
        **extra,
    }


def test_bound_is_an_upper_bound_and_bails_out_on_non_text() -> None:
    assert _token_upper_bound(_body("hello"), 512) is not None
    assert _token_upper_bound(_body("x" * 600), 512) is None  # may be cacheable: full pass
    assert _token_upper_bound(_body("你好" * 100), 512) is None  # 4 bytes a char assumed
    tools = [{"name": "t", "input_schema": {"type": "object"}}]
    assert _token_upper_bound(_body("hi", tools=tools), 512) is None  # hidden tool prompt
    image = {"type": "image", "source": {"type": "url", "url": "https://x/y.png"}}
    body = _body("hi")
    body["messages"][0]["content"].append(image)  # type: ignore[index]
    assert _token_upper_bound(body, 512) is None


def test_small_prompt_plan_is_trivial_and_big_prompt_is_planned() -> None:
    planner = CachePlanner()
    out, plan = planner.plan(_body("hello there"))
    assert plan.breakpoints == [] and "far below" in plan.notes[0]
    assert out["messages"] == _body("hello there")["messages"]
    system = [{"type": "text", "text": "policy " * 2000}]
    _, big = planner.plan(_body("hello", system=system))
    assert not any("far below" in note for note in big.notes)


def test_tool_results_count_toward_a_surely_large_prompt() -> None:
    """An agent's history is mostly tool results: their text proves the prompt large without
    the full estimate (which walks every block) on every call."""
    result = {"type": "tool_result", "tool_use_id": "t", "content": "x" * 1000}
    call = {"type": "tool_use", "id": "t", "name": "search", "input": {"q": "y"}}
    messages = [{"role": "user", "content": "go"}]
    for _ in range(5):
        messages += [{"role": "assistant", "content": [call]},
                     {"role": "user", "content": [result]}]
    assert _surely_large({"messages": messages}, 4096)
    assert not _surely_large({"messages": messages[:3]}, 4096)


def test_a_continuing_conversation_is_known_large_without_walking_its_history(
    monkeypatch: Any,
) -> None:
    """The characters of the messages a request shares with its conversation's previous
    request are that request's record (``_recent.ScanCache.lineage``): only the new turn is
    walked to know the prompt is large."""
    import langchain_cometapi.cache._fastpath as fastpath

    words = "alpha beta gamma delta " * 60
    history = [{"role": "user" if i % 2 == 0 else "assistant",
                "content": [{"type": "text", "text": f"{i} {words}"}]} for i in range(30)]
    planner = CachePlanner()
    planner.plan({"model": "claude-sonnet-4-5", "max_tokens": 10, "messages": history[:29]})
    walked: list[object] = []

    def counting(content: object) -> int:
        walked.append(content)
        return real(content)

    real = fastpath.text_chars
    monkeypatch.setattr(fastpath, "text_chars", counting)
    fresh = [{"role": m["role"], "content": [dict(b) for b in m["content"]]} for m in history]
    _, plan = planner.plan({"model": "claude-sonnet-4-5", "max_tokens": 10, "messages": fresh})
    assert not any("far below" in note for note in plan.notes)
    assert len(walked) <= 1  # the new turn only
    assert _surely_large({"messages": []}, 4096, known=(0, 5000))
    assert not _surely_large({"messages": []}, 4096, known=(0, 4000))
