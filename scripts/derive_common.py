"""Shared pieces of the derivation scripts: input locations, origin, CSV writing.

Run the derivation with ``scripts/derive_all.py``; this module does no work at import.
"""

from __future__ import annotations

import csv
import hashlib
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
COURSE_DATA = REPO_ROOT / "course_data"
SOURCES_ENV = "COURSE_DATA_SOURCES"
DEFAULT_SOURCES = REPO_ROOT.parent / "shared" / "data-sources"

# Origin of every input file (see the data-sources README): copied unchanged
# from this repository and commit, same relative paths under "opensim-models/".
ORIGIN_REPOSITORY = "opensim-org/opensim-models"
ORIGIN_COMMIT = "20a888b9655e73fb84963d6e03eee3752cf6074b"
ORIGIN_COMMIT_DATE = "2024-12-09"
# Date the derivation method in these scripts was last changed. A constant, so
# that re-running gives the same bytes; change it together with the method.
METHOD_DATE = "2026-11-25"

INPUTS = {
    "rajagopal2016_osim": "Models/Rajagopal/Rajagopal2016.osim",
    "gait2392_osim": "Models/Gait2392_Simbody/gait2392_thelen2003muscle.osim",
    "emg_anc": "Pipelines/Rajagopal/ExpData/emg_walk_raw.anc",
    "grf_mot": "Pipelines/Rajagopal/ExpData/grf_walk.mot",
    "markers_walk_trc": "Pipelines/Rajagopal/ExpData/motion_capture_walk.trc",
    "static_trc": "Pipelines/Rajagopal/ExpData/static_walk_2.trc",
    "scale_setup": "Pipelines/Rajagopal/Scale/scale_setup_walk.xml",
    "scale_set": "Pipelines/Rajagopal/Scale/scaleSet_applied_walk.xml",
    "markerset_prescale": "Pipelines/Rajagopal/Scale/markerset_walk_preScale.xml",
    "markerset_placed": "Pipelines/Rajagopal/Scale/subject_scaled_walk_markerset.xml",
    "ik_setup": "Pipelines/Rajagopal/IK/ik_setup_walk.xml",
}

# Right foot strikes of the walking trial (from the pipeline's own plotting
# script Pipelines/Rajagopal/scripts/validationPlots_emg_walk.m, quoted in the
# data-sources README).
RIGHT_FOOT_STRIKES_S = (0.248, 1.3925)


class InputError(RuntimeError):
    """An input file is missing or not what the derivation expects."""


def sources_dir(arg: str | None = None) -> Path:
    """Return the data-sources folder (argument, else $COURSE_DATA_SOURCES, else default).

    Raises InputError if it does not hold an ``opensim-models`` folder.
    """
    chosen = arg or os.environ.get(SOURCES_ENV) or str(DEFAULT_SOURCES)
    path = Path(chosen).expanduser().resolve()
    if not (path / "opensim-models").is_dir():
        raise InputError(
            f"data sources not found: {path} has no 'opensim-models' folder "
            f"(pass --sources or set {SOURCES_ENV})"
        )
    return path


def input_path(sources: Path, key: str) -> Path:
    """Return the absolute path of input ``key``; raises InputError if it is missing."""
    path = sources / "opensim-models" / INPUTS[key]
    if not path.is_file():
        raise InputError(f"input file missing: {path}")
    return path


def sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fmt(value: float, decimals: int) -> str:
    """Return ``value`` with fixed decimals, never as negative zero."""
    text = f"{value:.{decimals}f}"
    if text.startswith("-") and float(text) == 0.0:
        text = text[1:]
    return text


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write rows of already-formatted strings as UTF-8 CSV with LF line ends."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
