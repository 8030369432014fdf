"""Binder's builder (repo2docker) accepts the repository as it is: conda, Python 3.11, environment.yml, postBuild."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def repo2docker() -> str:
    local = ROOT / ".venv-binder" / "bin" / "repo2docker"
    found = os.environ.get("REPO2DOCKER") or (str(local) if local.exists() else shutil.which("repo2docker"))
    if not found:
        if os.environ.get("CI") == "true":
            pytest.fail("repo2docker is missing in CI: `make test` installs it into .venv-binder")
        pytest.skip("repo2docker not installed: run `make binder-env` (or `make test`) to check the Binder set-up")
    return found


def test_repo2docker_plans_the_course_image():
    result = subprocess.run([repo2docker(), "--no-build", "--debug", str(ROOT)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    plan = result.stdout + result.stderr
    assert "Building conda environment for python=3.11" in plan
    assert 'env update -p ${NB_PYTHON_PREFIX} --file "environment.yml"' in plan
    assert "RUN ./postBuild" in plan
