"""Each lesson on a fresh kernel against a floor notebook that only imports the same libraries.

The floor imports numpy, pandas, plotly, ipywidgets and IPython, and every line the lessons'
first cells import from the course's own package (``utils``), so the difference is the
lessons' own work.

Targets: execution within 1.5x the floor; kernel RSS after the run < 200 MB;
committed notebook < 100 KB; the notebook after execution and save kept small.
Prints one table (median and min–max over RUNS rounds). Each lesson run is paired with a floor
run just before it; "x floor" is the median of the lesson's paired ratios.
"""

from __future__ import annotations

import argparse

import nbformat

from notebook_runs import LESSONS, floor_notebook, median, run_notebook, spread


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    floor_nb = floor_notebook()
    lessons = [(p.stem, nbformat.read(p, as_version=4), p.stat().st_size) for p in LESSONS]
    # every lesson run is paired with a floor run just before it, and each lesson's ratio is the
    # median of its pairs: a slow spell of the machine then slows both halves of a pair alike
    floors: list = []
    runs: dict[str, list] = {name: [] for name, _nb, _size in lessons}
    ratios: dict[str, list[float]] = {name: [] for name, _nb, _size in lessons}
    for _round in range(args.runs):
        for name, nb, _size in lessons:
            floor_run = run_notebook(floor_nb)
            run = run_notebook(nb)
            floors.append(floor_run)
            runs[name].append(run)
            ratios[name].append(run.seconds / floor_run.seconds)
    floor_s = [r.seconds for r in floors]
    rows = [("floor (imports only)", median(floor_s), spread(floor_s), 1.0, "",
             median([r.kernel_rss_mb for r in floors]), 0.0, floors[0].executed_bytes / 1024)]
    for name, _nb, committed in lessons:
        seconds = [r.seconds for r in runs[name]]
        rows.append((name, median(seconds), spread(seconds), median(ratios[name]), spread(ratios[name]),
                     median([r.kernel_rss_mb for r in runs[name]]), committed / 1024,
                     runs[name][0].executed_bytes / 1024))
    print(f"{'notebook':28} {'run s':>6} {'spread s':>10} {'x floor':>8} {'x spread':>10} {'RSS MB':>7} "
          f"{'committed KB':>13} {'executed KB':>12}")
    for name, med, spr, ratio, ratio_spr, rss, committed, executed in rows:
        print(f"{name:28} {med:6.2f} {spr:>10} {ratio:8.2f} {ratio_spr:>10} {rss:7.1f} {committed:13.1f} "
              f"{executed:12.1f}")
    done = rows[1:]
    print(f"targets: every lesson <= 1.5x floor (median of paired runs): "
          f"{'met' if all(r[3] <= 1.5 for r in done) else 'NOT met'}; "
          f"RSS < 200 MB: {'met' if all(r[5] < 200 for r in done) else 'NOT met'}; "
          f"committed < 100 KB: {'met' if all(r[6] < 100 for r in done) else 'NOT met'}")


if __name__ == "__main__":
    main()
