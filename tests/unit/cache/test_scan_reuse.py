"""Copying a conversation's earlier scan gives exactly what a full scan gives."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from langchain_cometapi.cache._positions import Markable, scaled_tokens
from langchain_cometapi.cache._scan import Scan, ScanCache, _shared_messages, new_scan, scan_body
from tests.helpers.cache_bodies import words

SYSTEM = [{"type": "text", "text": "You help.\n" + words(300)}]


def _fields(scan: Scan) -> tuple[Any, ...]:
    return (scan.block_fps, scan.prefix_tokens, scan.hashes, scan.eligible, scan.message_of,
            scan.message_starts, scan.message_roles, scan.has_images, scan.user_ttl,
            scan.extra_user_markers, [scan.location(p) for p in range(len(scan))])


def _body(messages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"model": "claude-sonnet-4-5", "max_tokens": 10, "messages": messages, **extra}


def _assert_same_as_full(bodies: list[dict[str, Any]]) -> None:
    recent, memo = ScanCache(), {}
    for body in bodies:
        reused = scan_body(body, SYSTEM, memo, recent)
        assert _fields(reused) == _fields(scan_body(body, SYSTEM))


def test_a_growing_conversation_rebuilt_from_fresh_dicts() -> None:
    texts = [words(50, salt) for salt in range(12)]
    bodies = []
    for turn in range(1, 12):
        messages = [
            {"role": "user" if i % 2 == 0 else "assistant",
             "content": [{"type": "text", "text": texts[i]}] if i % 3 else texts[i]}
            for i in range(turn)
        ]
        bodies.append(_body(messages))
    _assert_same_as_full(bodies)


def test_edited_reordered_and_richer_histories() -> None:
    a, b, c, d = (words(40, salt) for salt in range(4))
    edited = words(40, 99)
    image = {"type": "image", "source": {"type": "base64", "media_type": "image/png",
                                         "data": "iVBORw0KGgo="}}
    marked = {"type": "text", "text": c, "cache_control": {"type": "ephemeral"}}
    _assert_same_as_full([
        _body([{"role": "user", "content": a}, {"role": "assistant", "content": b},
               {"role": "user", "content": c}]),
        _body([{"role": "user", "content": a}, {"role": "assistant", "content": edited},
               {"role": "user", "content": c}]),  # a middle message edited
        _body([{"role": "user", "content": a}, {"role": "user", "content": b},
               {"role": "user", "content": c}]),  # same texts, another role
        _body([{"role": "user", "content": a}, {"role": "assistant", "content": b},
               {"role": "user", "content": [image, {"type": "text", "text": d}]}]),  # an image
        _body([{"role": "user", "content": a}, {"role": "assistant", "content": b},
               {"role": "user", "content": [marked]}]),  # the user's own marker
        _body([{"role": "user", "content": a}], tool_choice={"type": "any"},
              tools=[{"name": "t", "description": "d", "input_schema": {"type": "object"}}]),
        _body([{"role": "user", "content": a}, {"role": "assistant", "content": b}]),
    ])


def test_caller_dicts_edited_in_place_between_requests() -> None:
    """The scan keeps copies of the messages it may reuse, not the caller's dicts: an edit in
    place (a marker added, a text or role replaced) makes the next request differ from them."""
    a, b, c = (words(40, salt) for salt in range(3))
    first = {"role": "user", "content": [{"type": "text", "text": a}]}
    reply = {"role": "assistant", "content": b}
    last = {"role": "user", "content": [{"type": "text", "text": c}]}
    messages = [first, reply, last, {"role": "assistant", "content": "ok"}]
    recent, memo = ScanCache(), {}
    scan_body(_body(messages), SYSTEM, memo, recent)
    for edit in (  # the first message last: the scan cache finds a conversation by it
        lambda: reply.update(content=words(40, 7)),
        lambda: last["content"][0].update(cache_control={"type": "ephemeral"}),
        lambda: reply.update(role="user"),
        lambda: first["content"].append({"type": "text", "text": words(5, 9)}),
    ):
        edit()
        reused = scan_body(_body(messages), SYSTEM, memo, recent)
        assert _fields(reused) == _fields(scan_body(_body(messages), SYSTEM))


def test_equal_texts_in_new_string_objects_are_reused() -> None:
    texts = [words(30, salt) for salt in range(4)]
    body = _body([{"role": "user" if i % 2 == 0 else "assistant",
                   "content": [{"type": "text", "text": t}]} for i, t in enumerate(texts)])
    recent, memo = ScanCache(), {}
    previous = scan_body(body, SYSTEM, memo, recent)
    rebuilt = [{"role": m["role"], "content": [{"type": "text", "text": (t + ".")[:-1]}]}
               for m, t in zip(body["messages"], texts, strict=True)]
    assert all(m["content"][0]["text"] is not t for m, t in zip(rebuilt, texts, strict=True))
    assert _shared_messages(previous.message_copies, rebuilt) == len(texts)
    rebuilt[2]["content"][0]["text"] += "!"
    assert _shared_messages(previous.message_copies, rebuilt) == 2


def test_messages_that_cannot_be_compared_are_scanned_afresh() -> None:
    class Unequal(dict):  # type: ignore[type-arg]
        def __ne__(self, other: object) -> bool:
            raise TypeError("no comparison")

    a, b = words(40, 1), words(40, 2)
    recent, memo = ScanCache(), {}
    scan_body(_body([{"role": "user", "content": a}, {"role": "assistant", "content": b}]),
              SYSTEM, memo, recent)
    odd = _body([{"role": "user", "content": a}, Unequal(role="assistant", content=b),
                 {"role": "user", "content": "more"}])
    assert _fields(scan_body(odd, SYSTEM, memo, recent)) == _fields(scan_body(odd, SYSTEM))


def _agent_turn(i: int, result: str) -> list[dict[str, Any]]:
    return [
        {"role": "assistant", "content": [
            {"type": "text", "text": words(8, i)},
            {"type": "tool_use", "id": f"call_{i}", "name": "search", "input": {"q": words(3, i)}},
        ]},
        {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": f"call_{i}", "content": result},
        ]},
    ]


def test_an_agent_loop_reuses_its_tool_calls_and_results() -> None:
    """Tool calls and results (several blocks, nested content) are copied like plain text."""
    first = {"role": "user", "content": words(60, 5)}
    history: list[dict[str, Any]] = [first]
    recent, memo = ScanCache(), {}
    for i in range(6):
        history += _agent_turn(i, words(40, i))
        body = _body(copy.deepcopy(history))  # fresh dicts, as a converter builds them
        body["messages"][0] = first  # the conversation is found by its first message
        reused = scan_body(body, SYSTEM, memo, recent)
        assert _fields(reused) == _fields(scan_body(body, SYSTEM))
    previous = scan_body(body, SYSTEM, memo, recent)
    assert _shared_messages(previous.message_copies, copy.deepcopy(history)) == len(history)


def test_an_agent_loop_with_markers_images_and_edits_in_place() -> None:
    first = {"role": "user", "content": words(60, 6)}
    image = {"type": "image", "source": {"type": "base64", "media_type": "image/png",
                                         "data": "iVBORw0KGgo="}}
    turns = _agent_turn(0, words(30, 1)) + _agent_turn(1, words(30, 2))
    recent, memo = ScanCache(), {}
    messages: list[dict[str, Any]] = [first, *turns]
    scan_body(_body(messages), SYSTEM, memo, recent)
    for edit in (
        lambda: turns[0]["content"][1]["input"].update(q="changed"),  # nested, in place
        lambda: turns[1]["content"][0].update(cache_control={"type": "ephemeral"}),
        lambda: turns[3]["content"][0].update(
            content=[{"type": "text", "text": "r", "cache_control": {"type": "ephemeral"}}]),
        lambda: turns[2]["content"].append(image),
        lambda: turns[0]["content"].pop(0),
    ):
        edit()
        reused = scan_body(_body(messages), SYSTEM, memo, recent)
        assert _fields(reused) == _fields(scan_body(_body(messages), SYSTEM))
        messages.append({"role": "assistant", "content": "ok"})  # and the conversation goes on
        reused = scan_body(_body(messages), SYSTEM, memo, recent)
        assert _fields(reused) == _fields(scan_body(_body(messages), SYSTEM))


def test_values_equal_in_python_but_not_on_the_wire_are_not_reused() -> None:
    """1, 1.0 and True compare equal but serialise (and fingerprint) differently: a tool call
    whose input changed between them is scanned afresh."""
    first = {"role": "user", "content": words(60, 8)}
    for before, after in ((1, True), (1, 1.0), (0, False), (2.0, 2)):
        call = {"type": "tool_use", "id": "c", "name": "n", "input": {"k": before, "l": [before]}}
        result = {"type": "tool_result", "tool_use_id": "c", "content": words(30, 3)}
        messages = [first, {"role": "assistant", "content": [call]},
                    {"role": "user", "content": [result]}]
        recent, memo = ScanCache(), {}
        scan_body(_body(messages), SYSTEM, memo, recent)
        call["input"] = {"k": after, "l": [after]}
        messages.append({"role": "assistant", "content": "ok"})
        reused = scan_body(_body(messages), SYSTEM, memo, recent)
        assert _fields(reused) == _fields(scan_body(_body(messages), SYSTEM)), (before, after)


def test_the_same_tools_are_fingerprinted_once() -> None:
    def tools() -> list[dict[str, Any]]:  # fresh dicts on every call, as a converter builds them
        return [{"name": f"t{i}", "description": words(20, i),
                 "input_schema": {"type": "object", "properties": {"n": {"type": "integer",
                                                                         "minimum": 1}}}}
                for i in range(3)]

    recent, memo = ScanCache(), {}
    messages = [{"role": "user", "content": words(60, 4)}]
    scan_body(_body(messages, tools=tools()), SYSTEM, memo, recent)
    assert recent.tool_fingerprints(tools()) is not None
    edited = tools()
    edited[1]["input_schema"]["properties"]["n"]["minimum"] = True  # equal to 1, not the same
    assert recent.tool_fingerprints(edited) is None
    for body_tools in (tools(), edited, edited, [*tools(), {"name": "x", "input_schema": {}}],
                       [{**tools()[0], "cache_control": {"type": "ephemeral"}}]):
        body = _body(messages, tools=body_tools)
        assert _fields(scan_body(body, SYSTEM, memo, recent)) == _fields(scan_body(body, SYSTEM))


def test_new_scan_is_the_dataclass_default_in_every_field() -> None:
    """``new_scan`` skips the dataclass __init__: a field it forgets would be unset (slots)."""
    fast, slow = new_scan(), Scan()
    for name in (f.name for f in dataclasses.fields(Scan)):
        assert getattr(fast, name) == getattr(slow, name), name
    assert fast == slow
    other = new_scan()
    assert other.block_fps is not fast.block_fps and other.user_ttl is not fast.user_ttl


_TEXTS = [words(40, salt) for salt in range(12)]  # one object per text, as a converter reuses


def _chat(turns: int, last: str) -> dict[str, Any]:
    texts = _TEXTS[:turns]
    messages = [{"role": "user" if i % 2 == 0 else "assistant",
                 "content": [{"type": "text", "text": t}]} for i, t in enumerate(texts)]
    return _body([*messages, {"role": "user", "content": last}])


def test_the_next_request_extends_its_conversations_scan_in_place() -> None:
    """Same head, same leading messages: the previous scan is cut back to them and extended
    (nothing copied, flat in conversation length), and equals a full scan."""
    recent, memo = ScanCache(), {}
    first = scan_body(_chat(9, "one more question"), SYSTEM, memo, recent)
    for last in ("another question", "yet another one, longer than the others were"):
        body = _chat(9, last)
        extended = scan_body(body, SYSTEM, memo, recent)
        assert extended is first
        assert _fields(extended) == _fields(scan_body(body, SYSTEM))
        assert extended.text_chars == scan_body(body, SYSTEM).text_chars


def test_another_head_copies_the_scan_instead_of_extending_it() -> None:
    """A request with another system prompt, model, tools or setting keeps the earlier scan as
    it was (its messages are copied from it): it is still what its own head's requests find."""
    body = _chat(7, "question")
    other_system = [{"type": "text", "text": "Another assistant.\n" + words(300, 5)}]
    tools = [{"name": "t", "description": "d", "input_schema": {"type": "object"}}]
    for system, other in (
        (other_system, body),
        (SYSTEM, {**body, "model": "claude-opus-4-1"}),
        (SYSTEM, {**body, "tools": tools}),
        (SYSTEM, {**body, "tool_choice": {"type": "auto"}}),
        (SYSTEM, {**body, "thinking": {"type": "enabled", "budget_tokens": 2048}}),
        (SYSTEM, {**body, "output_format": {"type": "json_schema", "schema": {}}}),
    ):
        recent, memo = ScanCache(), {}
        first = scan_body(body, SYSTEM, memo, recent)
        kept = _fields(first)
        scanned = scan_body(other, system, memo, recent)
        assert scanned is not first and _fields(first) == kept
        assert _fields(scanned) == _fields(scan_body(other, system))


def test_a_request_that_fails_while_extending_leaves_no_half_built_scan(
    monkeypatch: Any,
) -> None:
    recent, memo = ScanCache(), {}
    scan_body(_chat(9, "question"), SYSTEM, memo, recent)
    failing = _chat(9, "a text the estimator chokes on")

    def choke(text: str, *, model: str | None = None) -> int:
        raise RuntimeError("estimator failed")

    import langchain_cometapi.cache._scan as scan_module

    with monkeypatch.context() as patched:
        patched.setattr(scan_module._tokens, "estimate_text_block_once", choke)
        try:
            scan_body(failing, SYSTEM, memo, recent)
        except RuntimeError:
            pass
        else:
            raise AssertionError("the estimator was not reached")
    for body in (failing, _chat(9, "the next question")):  # the same request retried, the next
        assert _fields(scan_body(body, SYSTEM, memo, recent)) == _fields(scan_body(body, SYSTEM))


def test_markable_positions_are_eligible_ints_in_range_without_a_users_marker() -> None:
    scan = new_scan()
    scan.eligible.extend([True, False, True, True])
    scan.user_ttl[3] = "5m"
    markable = Markable(scan)
    assert [p for p in range(-2, 6) if p in markable] == [0, 2]
    assert True not in markable and False in markable  # a bool is the int it stands for
    for odd in (2.0, "2", None, (2,)):
        assert odd not in markable


def test_scaled_tokens_of_an_extended_scan_equal_a_fresh_scaling() -> None:
    """The scaled prefix tokens are kept on the scan; extended in place, only its new positions
    are scaled, and a new ratio rescales them all."""
    recent, memo = ScanCache(), {}
    scan = scan_body(_chat(9, "question"), SYSTEM, memo, recent)
    first = scaled_tokens(scan, 0.9)
    assert first == [t * 0.9 for t in scan.prefix_tokens]
    for last, ratio in (("another question, longer", 0.9), ("a third one", 1.1)):
        scan = scan_body(_chat(9, last), SYSTEM, memo, recent)
        assert scaled_tokens(scan, ratio) == [t * ratio for t in scan.prefix_tokens]
