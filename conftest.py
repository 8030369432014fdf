"""Settings shared by the unit tests, the notebook runs (nbval) and the browser tests."""

import os
import tempfile

import pytest


def pytest_configure(config):
    # Notebooks executed by the tests record quiz answers; keep them away from the learner's own file.
    if "COURSE_PROGRESS_PATH" not in os.environ:
        folder = tempfile.mkdtemp(prefix="course-progress-")
        os.environ["COURSE_PROGRESS_PATH"] = os.path.join(folder, "progress.jsonl")
    # The loader's cache of checked tables: a fresh one per run, not the learner's.
    if "COURSE_CACHE_DIR" not in os.environ:
        os.environ["COURSE_CACHE_DIR"] = tempfile.mkdtemp(prefix="course-cache-")


@pytest.fixture(autouse=True)
def _progress_file(tmp_path, monkeypatch):
    """Give every unit test its own empty progress file."""
    monkeypatch.setenv("COURSE_PROGRESS_PATH", str(tmp_path / "progress" / "progress.jsonl"))
