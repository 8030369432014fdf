"""Classroom simulation: N learners' kernels each run every lesson, all at once, on this machine.

Reports total time, failures, peak total memory of all kernels and learner
processes, and memory per learner: the number that sizes a JupyterHub.
Default N = 30 (`--learners` to change). Prints one table.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from notebook_runs import LESSONS, ROOT

LEARNER = """
import sys
import nbformat
from notebook_runs import run_notebook
for path in sys.argv[1:]:
    run_notebook(nbformat.read(path, as_version=4), progress_path=None)
"""


def tree_rss_mb(root: int) -> float:
    """Return the summed RSS in MB of ``root``'s descendants (learner processes and their kernels)."""
    parents, rss = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        children = [p for p, parent in parents.items() if parent == pid]
        total += sum(rss.get(c, 0.0) for c in children)
        stack += children
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=30)
    args = parser.parse_args()
    lessons = [str(p) for p in LESSONS]
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_mb(os.getpid()))
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    start = time.perf_counter()
    sampler.start()
    with tempfile.TemporaryDirectory() as folder:
        procs = []
        for i in range(args.learners):
            env = dict(os.environ, COURSE_PROGRESS_PATH=os.path.join(folder, f"learner{i}.jsonl"),
                       PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
            procs.append(subprocess.Popen([sys.executable, "-c", LEARNER, *lessons], env=env,
                                          cwd=Path(__file__).parent, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE, text=True))
        failures = []
        for i, proc in enumerate(procs):
            _, err = proc.communicate()
            if proc.returncode != 0:
                failures.append((i, err.strip().splitlines()[-1:] or ["?"]))
    total = time.perf_counter() - start
    done.set()
    sampler.join()
    print(f"{'learners':>8} {'lessons each':>12} {'total s':>8} {'failed':>6} {'peak MB':>8} {'MB per learner':>15}")
    print(f"{args.learners:8d} {len(lessons):12d} {total:8.1f} {len(failures):6d} {peak:8.0f} "
          f"{peak / args.learners:15.0f}")
    for i, last in failures:
        print(f"learner {i} failed: {last[0]}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
