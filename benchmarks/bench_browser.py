"""Time every lesson in a real JupyterLab in Chromium and print one table.

Per lesson, over a few runs (fresh page and kernel each run):
- run-all → rendered: from the click on Run → Run All Cells until every cell has run and every
  figure and widget is drawn (target < 3 s);
- slider → figure: from a key press on the `course-probe` slider until plotly.js has drawn the
  new figure in `course-probe-output` (its `plotly_afterplot` event), for lessons whose probe is
  a slider: 95th percentile of every press (target < 150 ms), and apart the first press of each
  run. The slider is focused first, as a learner's click would, and the page left to settle;
- websocket: bytes the server sent to the page while opening and running the lesson (target < 2 MB).

Run from the repository root: `make bench`, `python -m benchmarks.bench_browser`, or
`PYTHONPATH=. python benchmarks/bench_browser.py` (options: --runs, --slider-steps, lesson names).
"""

import argparse
import statistics
import sys

from playwright.sync_api import sync_playwright

try:
    from tests.browser.harness import (
        CHROMIUM_MISSING,
        LabServer,
        LessonPage,
        chromium_path,
        lesson_notebooks,
        notebooks_dir,
        open_browser,
    )
except ModuleNotFoundError as error:
    if not (error.name or "").startswith("tests"):
        raise
    sys.exit(
        "bench_browser needs the repository root on the import path: from the root run"
        " `python -m benchmarks.bench_browser` or `PYTHONPATH=. python benchmarks/bench_browser.py`"
    )

TARGET_RUN_ALL_S = 3.0
TARGET_SLIDER_P95_MS = 150.0
TARGET_WS_MB = 2.0


def measure_run(context, server, notebook, slider_steps):
    """Open, run and probe `notebook` once; return (run_all_s, ws_bytes, slider_latencies_ms)."""
    lesson = LessonPage(context, server, notebook)
    try:
        lesson.open()
        started = lesson.run_all()
        run_all_s = (lesson.wait_settled(polling="raf") - started) / 1000
        ws_bytes = lesson.ws_bytes
        latencies = []
        if slider_steps and lesson.probe_kind() == "slider" and lesson.watch_probe_draws():
            lesson.mark_keydown()
            lesson.focus_slider()
            for step in range(slider_steps):
                lesson.wait_probe_stable(quiet_ms=200)
                lesson.act_on_probe("slider", step)
                drawn = lesson.wait_probe_drawn()
                latencies.append(drawn - lesson.last_keydown())
        return run_all_s, ws_bytes, latencies
    finally:
        lesson.close()


def p95(values):
    """Return the 95th percentile of `values` (inclusive method), or None if empty."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def spread(values, fmt):
    """Return 'median (min–max)' of `values` formatted with `fmt`."""
    return f"{fmt(statistics.median(values))} ({fmt(min(values))}–{fmt(max(values))})"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per lesson (default 3)")
    parser.add_argument("--slider-steps", type=int, default=10, help="slider presses per run (default 10)")
    parser.add_argument("lessons", nargs="*", help="notebook names to measure (default: all)")
    args = parser.parse_args(argv)

    executable = chromium_path()
    if executable is None:
        print(f"bench_browser skipped: {CHROMIUM_MISSING}")
        return 0
    notebooks = [p.name for p in lesson_notebooks() if not args.lessons or p.name in args.lessons]
    if not notebooks:
        print(f"bench_browser: no lesson notebooks to measure in {notebooks_dir()}")
        return 1

    rows = []
    with LabServer(notebooks_dir()) as server, sync_playwright() as playwright:
        browser = open_browser(playwright, executable)
        context = browser.new_context()
        for notebook in notebooks:
            runs = [measure_run(context, server, notebook, args.slider_steps) for _ in range(args.runs)]
            rows.append((notebook, runs))
            print(f"measured {notebook}", file=sys.stderr)
        context.close()
        browser.close()

    header = (
        f"{'lesson':<34} {'run-all → rendered s':>22} {'slider → figure p95 ms':>23}"
        f" {'first press ms':>15} {'websocket MB':>20}"
    )
    print(f"Browser benchmark: {args.runs} run(s) per lesson, median (min–max);"
          f" targets: run-all < {TARGET_RUN_ALL_S:g} s, slider p95 (every press) < {TARGET_SLIDER_P95_MS:g} ms,"
          f" websocket < {TARGET_WS_MB:g} MB")  # fmt: skip
    print(header)
    print("-" * len(header))
    for notebook, runs in rows:
        run_all = [r[0] for r in runs]
        ws_mb = [r[1] / 1e6 for r in runs]
        presses = [ms for r in runs for ms in r[2]]
        first = [r[2][0] for r in runs if r[2]]
        slider = f"{p95(presses):.0f} (n={len(presses)})" if presses else "no slider probe"
        first_press = spread(first, lambda v: f"{v:.0f}") if first else "-"
        print(
            f"{notebook:<34} {spread(run_all, lambda v: f'{v:.2f}'):>22} {slider:>23}"
            f" {first_press:>15} {spread(ws_mb, lambda v: f'{v:.2f}'):>20}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
