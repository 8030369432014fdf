"""Every lesson notebook is committed clean and runs on a fresh kernel without errors, warnings or stderr."""

import json
import os
from pathlib import Path

import nbformat
import pytest

from scripts.notebook_runner import KERNELSPEC, execute

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
MAX_COMMITTED_BYTES = 100_000


def test_there_are_lessons():
    assert len(NOTEBOOKS) >= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_clean(path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    nbformat.validate(nb)
    spec = raw["metadata"].get("kernelspec", {})
    assert spec == KERNELSPEC, "kernelspec missing: JupyterLab would ask the learner to pick a kernel"
    assert "widgets" not in raw["metadata"], "saved widget state in the notebook metadata"
    for i, cell in enumerate(raw["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"cell {i} has saved outputs"
            assert cell.get("execution_count") is None, f"cell {i} has an execution count"
    assert path.stat().st_size < MAX_COMMITTED_BYTES


def _problems(nb) -> list[str]:
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.output_type == "stream" and out.name == "stderr":
                found.append(f"cell {i} wrote to stderr: {out.text[:300]!r}")
            elif out.output_type == "error":
                found.append(f"cell {i} raised {out.ename}: {out.evalue}")
            else:
                text = out.get("text", "") or out.get("data", {}).get("text/plain", "")
                if "Warning" in text:
                    found.append(f"cell {i} shows a warning: {text[:300]!r}")
    return found


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_runs_clean_from_another_folder(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    env = dict(os.environ, PYTHONWARNINGS="default")
    execute(nb, cwd=str(cwd), env=env, timeout=300)
    assert _problems(nb) == []
