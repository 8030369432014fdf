"""Time `import utils` + `load_course()` in a fresh process against a bare `import pandas`.

Target: the course's loading costs under 0.3 s more than importing pandas.
Prints a table: median and spread (min–max) over several fresh processes.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

RUNS = 9
CASES = {
    "import pandas (floor)": "import pandas",
    "import utils + load_course()": "import utils; utils.load_course()",
}


def time_fresh_process(code: str) -> float:
    """Return wall-clock seconds for a new Python process that runs ``code``."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def main() -> None:
    results = {}
    for name, code in CASES.items():
        time_fresh_process(code)  # warm the file cache
        results[name] = [time_fresh_process(code) for _ in range(RUNS)]
    floor = statistics.median(results["import pandas (floor)"])
    print(f"{'case':32} {'median s':>9} {'min s':>7} {'max s':>7} {'over floor s':>13}")
    for name, times in results.items():
        med = statistics.median(times)
        print(f"{name:32} {med:9.3f} {min(times):7.3f} {max(times):7.3f} {med - floor:13.3f}")
    extra = statistics.median(results["import utils + load_course()"]) - floor
    print(f"target: < 0.300 s over the floor -> {'met' if extra < 0.3 else 'NOT met'} ({extra:.3f} s)")


if __name__ == "__main__":
    main()
