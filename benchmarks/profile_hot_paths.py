"""Profile ChatCometAPI's invoke and stream paths with pyinstrument (how the hot spots were found).

Run: .venv/bin/python benchmarks/profile_hot_paths.py [--calls 300] [--streams 10]

Same loopback server as benchmarks/speed.py; prints pyinstrument's call tree for each path so the
package's own frames can be compared with langchain-core's and httpx2's.
"""

from __future__ import annotations

import argparse

from pyinstrument import Profiler
from speed import KEY, MODEL, _messages, start_server

from langchain_cometapi import ChatCometAPI


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--streams", type=int, default=10)
    args = parser.parse_args()
    proc, base_url = start_server()
    try:
        llm = ChatCometAPI(model=MODEL, base_url=base_url, api_key=KEY, max_tokens=1024)
        msgs = _messages()
        for _ in range(20):
            llm.invoke(msgs)
        for label, run in (
            ("invoke", lambda: [llm.invoke(msgs) for _ in range(args.calls)]),
            ("stream", lambda: [list(llm.stream(msgs)) for _ in range(args.streams)]),
        ):
            profiler = Profiler(interval=0.0002)
            profiler.start()
            run()
            profiler.stop()
            print(f"===== {label} =====")
            print(profiler.output_text(unicode=True, color=False, show_all=False))
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
