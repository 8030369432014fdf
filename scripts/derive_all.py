"""Derive every course_data table that comes from the OpenSim models and the walking trial.

Usage (maintainers, from the repository root):
    .venv-derive/bin/python scripts/derive_all.py [--sources DIR] [--out DIR]

DIR for --sources defaults to $COURSE_DATA_SOURCES, else ../shared/data-sources
relative to the repository root. Writes muscle_geometry.csv, muscle_parameters.csv,
gait_emg.csv, gait_phases.csv, gait_angles.csv and provenance.csv into --out (default
course_data/). The input files are read in place and never copied (OpenSim tool settings
are copied to a temporary folder, which is removed afterwards).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import sys
import time
from pathlib import Path

import derive_common as common


def _software(with_opensim: bool) -> str:
    names = ["opensim", "numpy", "scipy"] if with_opensim else ["numpy", "scipy"]
    return "; ".join(f"{n} {importlib.metadata.version(n)}" for n in names) + (
        f"; python {sys.version_info.major}.{sys.version_info.minor}"
    )


def write_provenance(records: list[dict], sources: Path, out_dir: Path) -> None:
    """Write provenance.csv: one row per derived table."""
    rows = []
    for rec in sorted(records, key=lambda r: r["resource"]):
        paths = [common.input_path(sources, key) for key in rec["inputs"]]
        rows.append([
            rec["resource"],
            rec["script"],
            ";".join("opensim-models/" + common.INPUTS[key] for key in rec["inputs"]),
            ";".join(common.sha256(p) for p in paths),
            common.ORIGIN_REPOSITORY,
            common.ORIGIN_COMMIT,
            common.ORIGIN_COMMIT_DATE,
            rec["software"],
            common.METHOD_DATE,
            ";".join(rec["steps"]),
            ";".join(rec["notes"]),
            ";".join(rec["source_ids"]),
        ])
    common.write_csv(
        out_dir / "provenance.csv",
        ["resource", "script", "inputs", "input_sha256", "origin_repository", "origin_commit",
         "origin_commit_date", "software", "method_date", "processing_steps", "notes",
         "source_ids"],
        rows,
    )


def main(argv: list[str] | None = None) -> int:
    """Run all derivations; return a process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", help=f"data-sources folder (default ${common.SOURCES_ENV} "
                        "or ../shared/data-sources)")
    parser.add_argument("--out", default=str(common.COURSE_DATA), help="output folder")
    args = parser.parse_args(argv)
    try:
        sources = common.sources_dir(args.sources)
    except common.InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out_dir = Path(args.out).resolve()
    started = time.perf_counter()

    import opensim  # the maintainer environment only (.venv-derive)

    opensim.Logger.setLevelString("Error")  # the models' missing mesh files only produce warnings
    opensim.Logger.removeFileSink()  # no opensim.log in the working folder (IK logs its model summary)
    import derive_gait
    import derive_geometry
    import derive_kinematics

    records = []
    for rec in derive_geometry.derive(opensim, sources, out_dir):
        rec["software"] = _software(True)
        records.append(rec)
    for rec in derive_gait.derive(sources, out_dir):
        rec["software"] = _software(False)
        records.append(rec)
    for rec in derive_kinematics.derive(opensim, sources, out_dir):
        rec["software"] = _software(True)
        records.append(rec)
    for rec in records:
        for text in rec["steps"] + rec["notes"]:
            if ";" in text:
                raise ValueError(f"';' is the list delimiter and may not appear in: {text}")
    write_provenance(records, sources, out_dir)
    print(f"derived {len(records)} tables into {out_dir} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
