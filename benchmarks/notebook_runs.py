"""Run notebooks on fresh kernels and measure them; shared by the benchmark scripts."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from scripts.notebook_runner import KERNELSPEC, running_kernel

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))
FLOOR_SOURCE = (
    "import numpy\nimport pandas\nimport plotly.graph_objects\nimport ipywidgets\n"
    "from IPython.display import display\nimport utils"
)


def lesson_imports(lessons=LESSONS) -> list[str]:
    """Return the import lines of the lessons' first code cells (the course modules they use), in order."""
    lines: dict[str, None] = {}
    for path in lessons:
        cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        for line in (cells[0].source.splitlines() if cells else ()):
            if line.startswith(("import ", "from ")):
                lines[line] = None
    return list(lines)


@dataclass
class Run:
    """One execution of one notebook on a fresh kernel."""

    seconds: float
    kernel_rss_mb: float
    executed_bytes: int


def floor_notebook() -> nbformat.NotebookNode:
    """Return a notebook that only imports the libraries the lessons use, the course's own modules included."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.cells = [nbformat.v4.new_code_cell("\n".join([FLOOR_SOURCE, *lesson_imports()]))]
    return nb


def rss_mb(pid: int) -> float:
    """Return the resident memory of process ``pid`` in MB (0 if it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_notebook(nb: nbformat.NotebookNode, progress_path: str | None = None) -> Run:
    """Execute ``nb`` on a fresh kernel from a temporary folder; return time, kernel RSS and saved size."""
    nb = nbformat.from_dict(nb)
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as cwd:
        env["COURSE_PROGRESS_PATH"] = progress_path or os.path.join(cwd, "progress.jsonl")
        start = time.perf_counter()
        with running_kernel(nb, cwd=cwd, env=env, timeout=600, allow_errors=False) as client:
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            seconds = time.perf_counter() - start
            pid = client.km.provisioner.process.pid
            memory = rss_mb(pid)
    return Run(seconds, memory, len(nbformat.writes(nb).encode("utf-8")))


def spread(values: list[float]) -> str:
    """Return 'min–max' of ``values`` for a table cell."""
    return f"{min(values):.2f}–{max(values):.2f}"


def median(values: list[float]) -> float:
    """Return the median of ``values``."""
    return statistics.median(values)
