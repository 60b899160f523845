"""`make bench`: every benchmark under benchmarks/, one after the other (speed first)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    "speed.py", "cache_plan_speed.py", "cache_workloads.py", "random_workloads.py",
    "batch_warmup.py", "token_calibration.py",
]


def main() -> int:
    status = 0
    for name in SCRIPTS:
        path = HERE / name
        if not path.exists():
            continue
        print(f"\n=== {name} ===", flush=True)
        status |= subprocess.call([sys.executable, str(path)])
    return status


if __name__ == "__main__":
    sys.exit(main())
