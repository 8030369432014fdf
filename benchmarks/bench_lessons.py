"""Each lesson on a fresh kernel against a floor notebook that only imports the same libraries.

The floor imports numpy, pandas, plotly, ipywidgets and IPython, and every line the lessons'
first cells import from the course's own package (``utils``), so the difference is the
lessons' own work.

Targets: execution within 1.5x the floor; kernel RSS after the run < 200 MB;
committed notebook < 100 KB; the notebook after execution and save kept small.
Prints one table (median and min–max over RUNS rounds).
"""

from __future__ import annotations

import argparse

import nbformat

from notebook_runs import LESSONS, floor_notebook, median, run_notebook, spread


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    cases = [("floor (imports only)", floor_notebook(), 0)]
    cases += [(p.stem, nbformat.read(p, as_version=4), p.stat().st_size) for p in LESSONS]
    # rounds run every notebook once, so a slow spell of the machine hits all of them alike
    runs: dict[str, list] = {name: [] for name, _nb, _size in cases}
    for _round in range(args.runs):
        for name, nb, _size in cases:
            runs[name].append(run_notebook(nb))
    rows = []
    floor = median([r.seconds for r in runs[cases[0][0]]])
    for name, _nb, committed in cases:
        seconds = [r.seconds for r in runs[name]]
        rows.append((name, median(seconds), spread(seconds), median(seconds) / floor,
                     median([r.kernel_rss_mb for r in runs[name]]), committed / 1024,
                     runs[name][0].executed_bytes / 1024))
    print(f"{'notebook':28} {'run s':>6} {'spread s':>10} {'x floor':>8} {'RSS MB':>7} "
          f"{'committed KB':>13} {'executed KB':>12}")
    for name, med, spr, ratio, rss, committed, executed in rows:
        print(f"{name:28} {med:6.2f} {spr:>10} {ratio:8.2f} {rss:7.1f} {committed:13.1f} {executed:12.1f}")
    lessons = rows[1:]
    print(f"targets: every lesson <= 1.5x floor: {'met' if all(r[3] <= 1.5 for r in lessons) else 'NOT met'}; "
          f"RSS < 200 MB: {'met' if all(r[4] < 200 for r in lessons) else 'NOT met'}; "
          f"committed < 100 KB: {'met' if all(r[5] < 100 for r in lessons) else 'NOT met'}")


if __name__ == "__main__":
    main()
