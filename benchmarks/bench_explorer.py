"""Time the lesson 04 explorer from a new slider value to the figure's data being changed in the kernel.

Target: median under 15 ms per slider step. Cases:
- pure update: ``explorer_changes`` + ``apply_explorer_changes`` on the figure dict;
- slider step: setting ``knee.value`` on a live ``MovementExplorer`` (observer, update, description,
  re-display into the Output; the display itself is captured, not sent to a browser);
- full figure rebuild with ``explorer_figure`` (what the explorer avoids), for comparison.
Prints a table: median and spread (min–max) in milliseconds.
"""

from __future__ import annotations

import statistics
import time
from unittest import mock

import utils
from utils import movement_figures as mf
from utils import movement_widgets as mw
from utils.muscle_models import MuscleGeometry

TARGET_MS = 15.0
STEPS = 240  # one sweep of knee values back and forth


def knee_values(n: int = STEPS) -> list[float]:
    """Return slider values sweeping 0.5..119.5° and back in 1° steps (each differs from the last)."""
    up = [v + 0.5 for v in range(0, 120)]
    seq = up + up[::-1][1:-1]
    return (seq * (n // len(seq) + 1))[:n]


def time_ms(fn, values) -> list[float]:
    """Return per-call milliseconds of ``fn(value)`` for each value."""
    out = []
    for v in values:
        start = time.perf_counter()
        fn(v)
        out.append((time.perf_counter() - start) * 1000.0)
    return out


def main() -> None:
    tables = utils.load_course()
    setup = mf.explorer_setup(MuscleGeometry.from_course(tables), tables)
    fig_dict = mf.explorer_figure_dict(setup)
    values = knee_values()
    results = {
        "pure update (changes + apply)": time_ms(
            lambda k: mf.apply_explorer_changes(fig_dict, mf.explorer_changes(setup, k, 10.0)), values),
    }
    with mock.patch("IPython.display.display"), mock.patch.object(mw.widgets.Output, "clear_output"):
        explorer = mw.MovementExplorer(tables)
        explorer.knee.step = 0.5
        explorer.ankle.value = 10.0

        def step(k):
            explorer.knee.value = k

        results["slider step (widget, display captured)"] = time_ms(step, values)
    results["full rebuild with explorer_figure (avoided)"] = time_ms(
        lambda k: mf.explorer_figure(setup, k, 10.0), values[:40])
    print(f"{'case':46} {'n':>4} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
    for name, times in results.items():
        print(f"{name:46} {len(times):4d} {statistics.median(times):10.2f} {min(times):8.2f} {max(times):8.2f}")
    worst = statistics.median(results["slider step (widget, display captured)"])
    print(f"target: slider step median < {TARGET_MS:.0f} ms -> {'met' if worst < TARGET_MS else 'NOT met'} "
          f"({worst:.2f} ms)")


if __name__ == "__main__":
    main()
