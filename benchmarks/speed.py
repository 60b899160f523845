"""Client overhead of ChatCometAPI vs ChatAnthropic vs a raw-httpx2 floor, on one loopback server.

Run: .venv/bin/python benchmarks/speed.py [--quick] [--json]

All figures come from one run against one pre-rendered loopback server (benchmarks/_loopback.py,
a separate process, so the server neither shares the GIL nor is the bottleneck):

- invoke: seconds per sequential ``invoke`` of a short 4-message conversation; overhead = minus
  the floor (httpx2 POST + json.loads of the same body).
- stream: one 1500-event stream (1495 text deltas); per-event overhead = (stream time - floor) /
  1500, the floor being httpx2 iter_lines + json.loads per data line.
- concurrent: wall time of 200 concurrent ``ainvoke`` on one instance (floor: 200 httpx2 POSTs).
- import: ``import X`` timed inside a fresh interpreter (best of several), where X is the package.
- planner: ``CachePlanner.plan`` on a 200-message, ~150k-token conversation; cold (new planner,
  empty token cache) and warm (the next turn of the same conversation).

Ratios are ours / ChatAnthropic's, each above the floor (lower is better; target <= 0.5).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MODEL = "claude-sonnet-4-6"
KEY = "sk-bench-not-a-real-key"
N_EVENTS = 1500

warnings.filterwarnings("ignore")


# -- server -------------------------------------------------------------------------------------
def start_server() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "_loopback.py"), str(N_EVENTS)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    port = int(proc.stdout.readline())
    return proc, f"http://127.0.0.1:{port}"


# -- timing -------------------------------------------------------------------------------------
def per_call(fn: Callable[[], Any], calls: int, rounds: int) -> float:
    """Median over rounds of the mean seconds per call (after a warm-up round)."""
    for _ in range(max(3, calls // 10)):
        fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls)
    return statistics.median(samples)


def interleaved(fns: dict[str, Callable[[], Any]], calls: int, rounds: int) -> dict[str, float]:
    """Median seconds per call for each contender, rounds interleaved so drift hits all alike."""
    for fn in fns.values():
        for _ in range(max(3, calls // 10)):
            fn()
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for r in range(rounds):
        names = list(fns)
        names = names[r % len(names) :] + names[: r % len(names)]  # rotate who runs first
        for name in names:
            fn = fns[name]
            gc.collect()  # start every timed round from the same heap, whoever ran before
            start = time.perf_counter()
            for _ in range(calls):
                fn()
            samples[name].append((time.perf_counter() - start) / calls)
    return {name: statistics.median(v) for name, v in samples.items()}


def _messages() -> list[Any]:
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    return [
        SystemMessage("You are a concise assistant for a travel agency."),
        HumanMessage("What is the capital of France?"),
        AIMessage("Paris."),
        HumanMessage("And roughly how many people live there?"),
    ]


def _wire_body(stream: bool) -> dict[str, Any]:
    return {
        "model": MODEL,
        "max_tokens": 1024,
        "system": "You are a concise assistant for a travel agency.",
        "messages": [
            {"role": "user", "content": "What is the capital of France?"},
            {"role": "assistant", "content": "Paris."},
            {"role": "user", "content": "And roughly how many people live there?"},
        ],
        **({"stream": True} if stream else {}),
    }


def models(base_url: str) -> dict[str, Any]:
    from langchain_anthropic import ChatAnthropic

    from langchain_cometapi import ChatCometAPI

    return {
        "cometapi": ChatCometAPI(model=MODEL, base_url=base_url, api_key=KEY, max_tokens=1024),
        "cometapi (cache off)": ChatCometAPI(
            model=MODEL, base_url=base_url, api_key=KEY, max_tokens=1024, prompt_cache="off"
        ),
        "anthropic": ChatAnthropic(  # type: ignore[call-arg]
            model=MODEL, base_url=base_url, api_key=KEY, max_tokens=1024
        ),
    }


def _floor_headers() -> dict[str, str]:
    return {"x-api-key": KEY, "anthropic-version": "2023-06-01", "content-type": "application/json"}


def bench_invoke(base_url: str, llms: dict[str, Any], calls: int, rounds: int) -> dict[str, float]:
    import httpx2

    url = f"{base_url}/v1/messages"
    raw = httpx2.Client()
    body = _wire_body(False)
    headers = _floor_headers()

    def floor() -> None:
        json.loads(raw.post(url, content=json.dumps(body).encode(), headers=headers).content)

    msgs = _messages()
    fns: dict[str, Callable[[], Any]] = {"floor": floor}
    for name, llm in llms.items():
        fns[name] = lambda llm=llm: llm.invoke(msgs)
    out = interleaved(fns, calls, rounds)
    raw.close()
    return out


def bench_stream(base_url: str, llms: dict[str, Any], calls: int, rounds: int) -> dict[str, float]:
    import httpx2

    url = f"{base_url}/v1/messages"
    raw = httpx2.Client()
    body = _wire_body(True)
    headers = {**_floor_headers(), "accept": "text/event-stream"}

    def floor() -> None:
        count = 0
        with raw.stream("POST", url, content=json.dumps(body).encode(), headers=headers) as r:
            for line in r.iter_lines():
                if line.startswith("data:"):
                    json.loads(line[5:])
                    count += 1
        assert count == N_EVENTS, count

    msgs = _messages()

    def consume(llm: Any) -> None:
        n = 0
        for _ in llm.stream(msgs):
            n += 1
        assert n > N_EVENTS - 10, n

    fns: dict[str, Callable[[], Any]] = {"floor": floor}
    for name, llm in llms.items():
        fns[name] = lambda llm=llm: consume(llm)
    out = interleaved(fns, calls, rounds)
    raw.close()
    return out


def bench_concurrent(
    base_url: str, llms: dict[str, Any], width: int, rounds: int
) -> dict[str, float]:
    import httpx2

    url = f"{base_url}/v1/messages"
    body = json.dumps(_wire_body(False)).encode()
    headers = _floor_headers()
    msgs = _messages()

    async def run() -> dict[str, float]:
        raw = httpx2.AsyncClient(limits=httpx2.Limits(max_connections=512))

        async def floor_one() -> None:
            json.loads((await raw.post(url, content=body, headers=headers)).content)

        async def timed(make: Callable[[], Any]) -> float:
            await asyncio.gather(*(make() for _ in range(width)))  # warm-up: open the pool
            samples = []
            for _ in range(rounds):
                start = time.perf_counter()
                await asyncio.gather(*(make() for _ in range(width)))
                samples.append(time.perf_counter() - start)
            return statistics.median(samples)

        out = {"floor": await timed(floor_one)}
        for name, llm in llms.items():
            out[name] = await timed(lambda llm=llm: llm.ainvoke(msgs))
        await raw.aclose()
        return out

    return asyncio.run(run())


def bench_import(runs: int) -> dict[str, float]:
    def best(stmt: str) -> float:
        code = f"import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"
        times = []
        for _ in range(runs):
            res = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            )
            times.append(float(res.stdout.strip().splitlines()[-1]))
        return min(times)

    return {
        "langchain_core.language_models (shared base)": best(
            "import langchain_core.language_models.chat_models"
        ),
        "cometapi": best("import langchain_cometapi"),
        "cometapi ChatCometAPI()": best(
            "from langchain_cometapi import ChatCometAPI; ChatCometAPI(api_key='k')"
        ),
        "anthropic": best("import langchain_anthropic"),
        "anthropic ChatAnthropic()": best(
            "from langchain_anthropic import ChatAnthropic; "
            f"ChatAnthropic(model='{MODEL}', api_key='k')"
        ),
    }


def conversation(n_messages: int = 200, target_tokens: int = 150_000) -> dict[str, Any]:
    """A synthetic long chat: a system prompt, 200 alternating turns, ~150k tokens in total."""
    rng = random.Random(7)
    vocab = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
        for _ in range(3000)
    ]
    per_turn_words = int(target_tokens / n_messages / 1.3)

    def text(words: int) -> str:
        return " ".join(rng.choice(vocab) for _ in range(words))

    messages = [
        {"role": "user" if i % 2 == 0 else "assistant", "content": text(per_turn_words)}
        for i in range(n_messages - 1)
    ]
    messages.append({"role": "user", "content": text(per_turn_words)})
    return {
        "model": MODEL,
        "max_tokens": 1024,
        "system": "You are a meticulous research assistant. " + text(400),
        "messages": messages,
    }


def bench_planner(rounds: int) -> dict[str, float]:
    from langchain_cometapi import tokens
    from langchain_cometapi.cache._planner import CachePlanner

    body = conversation()
    n_tokens = tokens.estimate_request_tokens(body)
    start = time.perf_counter()
    planner = CachePlanner()
    planner.plan(body)
    cold = time.perf_counter() - start
    samples = []
    grown = body
    for i in range(rounds):
        # the next turn: the reply and a new question appended, as a chat app would send it
        grown = {
            **grown,
            "messages": [
                *grown["messages"],
                {"role": "assistant", "content": f"Reply {i}."},
                {"role": "user", "content": f"Question {i}?"},
            ],
        }
        start = time.perf_counter()
        planner.plan(grown)
        samples.append(time.perf_counter() - start)
    same = per_call(lambda: planner.plan(grown), 20, 5)
    return {
        "tokens": float(n_tokens),
        "cold": cold,
        "warm next turn": statistics.median(samples),
        "warm same body": same,
    }


# -- report -------------------------------------------------------------------------------------
def ratio(ours: float, theirs: float, floor: float) -> float:
    return (ours - floor) / (theirs - floor) if theirs > floor else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    scale = 0.2 if args.quick else 1.0

    results: dict[str, Any] = {"python": sys.version.split()[0], "cpus": os.cpu_count()}
    results["import"] = bench_import(3 if args.quick else 7)
    results["planner"] = bench_planner(5 if args.quick else 20)
    proc, base_url = start_server()
    try:
        llms = models(base_url)
        results["invoke"] = bench_invoke(base_url, llms, int(100 * scale) or 20, 11)
        results["stream"] = bench_stream(base_url, llms, max(2, int(4 * scale)), 11)
        results["concurrent"] = bench_concurrent(base_url, llms, 200, 3 if args.quick else 7)
    finally:
        proc.terminate()
        proc.wait()

    if args.json:
        print(json.dumps(results, indent=2))
        return
    print_report(results)


def print_report(r: dict[str, Any]) -> None:
    inv, st, conc, imp, pl = r["invoke"], r["stream"], r["concurrent"], r["import"], r["planner"]
    us = 1e6
    print(f"python {r['python']}, {r['cpus']} cpus; loopback server in its own process\n")
    print(f"{'measure':44} {'floor':>9} {'cometapi':>9} {'c.off':>9} {'anthropic':>9} {'ratio':>6}")

    def row(label: str, d: dict[str, float], scale: float, unit: str) -> None:
        fl = d["floor"]
        print(
            f"{label:44} {fl * scale:9.1f} {(d['cometapi'] - fl) * scale:9.1f} "
            f"{(d['cometapi (cache off)'] - fl) * scale:9.1f} {(d['anthropic'] - fl) * scale:9.1f} "
            f"{ratio(d['cometapi'], d['anthropic'], fl):6.2f}  {unit}"
        )

    row("invoke overhead above floor, per call", inv, us, "us")
    row("stream overhead above floor, per event", st, us / N_EVENTS, "us")
    row("200 concurrent ainvoke, wall above floor", conc, 1e3, "ms")
    base = imp["langchain_core.language_models (shared base)"]
    print(
        f"{'import (in a fresh interpreter)':44} {base * 1e3:9.0f} {imp['cometapi'] * 1e3:9.0f} "
        f"{'':9} {imp['anthropic'] * 1e3:9.0f} {imp['cometapi'] / imp['anthropic']:6.2f}  ms "
        "(floor column: langchain_core.language_models alone; ratio of totals)"
    )
    print(
        f"{'import + construct the chat model':44} {'':9} "
        f"{imp['cometapi ChatCometAPI()'] * 1e3:9.0f} {'':9} "
        f"{imp['anthropic ChatAnthropic()'] * 1e3:9.0f} "
        f"{imp['cometapi ChatCometAPI()'] / imp['anthropic ChatAnthropic()']:6.2f}  ms"
    )
    print(
        f"\nplanner on a 200-message conversation (~{pl['tokens']:.0f} estimated tokens): "
        f"cold {pl['cold'] * 1e3:.1f} ms, warm next turn {pl['warm next turn'] * 1e3:.2f} ms, "
        f"warm same body {pl['warm same body'] * 1e3:.2f} ms"
    )
    print(
        "\nabsolute: invoke "
        + ", ".join(f"{k} {v * us:.0f} us" for k, v in inv.items())
        + "\n          stream (1500 events) "
        + ", ".join(f"{k} {v * 1e3:.1f} ms" for k, v in st.items())
        + "\n          200 concurrent "
        + ", ".join(f"{k} {v * 1e3:.0f} ms" for k, v in conc.items())
    )


if __name__ == "__main__":
    main()
