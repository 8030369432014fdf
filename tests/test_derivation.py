"""Re-derive the OpenSim-based tables and compare them byte for byte with the committed ones.

Runs only where the maintainer environment (.venv-derive with opensim) and the
raw data sources exist; skipped otherwise.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DERIVED = ("muscle_geometry.csv", "muscle_parameters.csv", "gait_emg.csv", "gait_phases.csv",
           "gait_angles.csv", "provenance.csv")


def _derive_python() -> str | None:
    if importlib.util.find_spec("opensim") is not None:
        return sys.executable
    candidate = REPO / ".venv-derive" / "bin" / "python"
    return str(candidate) if candidate.is_file() else None


def _sources() -> Path:
    return Path(os.environ.get("COURSE_DATA_SOURCES") or REPO.parent / "shared" / "data-sources")


def test_rederived_tables_are_identical(tmp_path):
    python = _derive_python()
    if python is None:
        pytest.skip("opensim not installed: run `make data-env` to create .venv-derive")
    sources = _sources()
    if not (sources / "opensim-models").is_dir():
        pytest.skip(f"raw data sources not found at {sources} (set COURSE_DATA_SOURCES)")
    result = subprocess.run(
        [python, str(REPO / "scripts" / "derive_all.py"), "--sources", str(sources),
         "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for name in DERIVED:
        fresh = (tmp_path / name).read_bytes()
        committed = (REPO / "course_data" / name).read_bytes()
        assert fresh == committed, f"{name} differs from a fresh derivation: run `make data`"
