"""Time MuscleGeometry.query (target: under 1 ms per query) and print a table.

Usage: .venv/bin/python benchmarks/bench_muscle_models.py [--queries N]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from utils.data import load_course
from utils.muscle_models import MuscleGeometry


def main() -> None:
    """Print median, p95 and spread of per-query time for each model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=20000)
    args = parser.parse_args()
    tables = load_course()
    rng = np.random.default_rng(0)
    print(f"{'case':<28}{'median us':>11}{'p95 us':>9}{'min us':>9}{'max us':>9}{'IQR us':>9}")
    for model in ("rajagopal2016", "gait2392"):
        start = time.perf_counter()
        geometry = MuscleGeometry.from_course(tables, model)
        build_ms = (time.perf_counter() - start) * 1000
        knees = rng.uniform(*geometry.knee_range, args.queries).tolist()
        ankles = rng.uniform(*geometry.ankle_range, args.queries).tolist()
        times = []
        for knee, ankle in zip(knees, ankles):
            t0 = time.perf_counter()
            geometry.query(knee, ankle)
            times.append((time.perf_counter() - t0) * 1e6)
        q = statistics.quantiles(times, n=100)
        print(f"{model + ' query':<28}{statistics.median(times):>11.1f}{q[94]:>9.1f}"
              f"{min(times):>9.1f}{max(times):>9.1f}{q[74] - q[24]:>9.1f}")
        print(f"{model + ' build (once)':<28}{build_ms * 1000:>11.1f}")
    print(f"target: median and p95 under 1000 us per query ({args.queries} random queries per model)")


if __name__ == "__main__":
    main()
