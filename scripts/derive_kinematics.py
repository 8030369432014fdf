"""Derive gait_angles.csv: right knee and ankle angles over the walking trial's right gait cycle.

Scales the Rajagopal (2016) model with the pipeline's own scale factors, places the
markers on the static trial and runs inverse kinematics of the walking trial with the
pipeline's own settings. Needs the maintainer environment (.venv-derive, with opensim).
Run through ``scripts/derive_all.py``; OpenSim's intermediate files go to a temporary
folder that is removed afterwards.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from derive_common import RIGHT_FOOT_STRIKES_S, InputError, fmt, input_path, write_csv
from derive_gait import read_mot
from derive_geometry import _sign_conventions

JOINTS = {"knee": "knee_angle_r", "ankle": "ankle_angle_r"}
N_POINTS = 101  # 0..100 % of the cycle
SCALING_ORDER = "manualScale"  # the pipeline's scale factors, applied as they are
FRAME_TOLERANCE_S = 1e-6
SOURCE_IDS = "rajagopal2016;opensim_models;delp2007"


def _scale(osim, sources: Path, work: Path) -> Path:
    """Scale the generic model and place its markers; return the subject model's path.

    The pipeline's scale setup starts from an already-scaled model that is not an
    input, so the generic model is scaled here with scaleSet_applied_walk.xml (the
    factors the pipeline applied), then the setup's MarkerPlacer runs unchanged apart
    from file locations. Raises RuntimeError if the ScaleTool fails.
    """
    setup = work / "scale_setup_walk.xml"
    shutil.copyfile(input_path(sources, "scale_setup"), setup)
    tool = osim.ScaleTool(str(setup))
    maker = tool.getGenericModelMaker()
    maker.setModelFileName(str(input_path(sources, "rajagopal2016_osim")))
    maker.setMarkerSetFileName(str(input_path(sources, "markerset_prescale")))
    scaler = tool.getModelScaler()
    order = osim.ArrayStr()
    order.append(SCALING_ORDER)
    scaler.setScalingOrder(order)
    scaler.setScaleSetFile(str(input_path(sources, "scale_set")))
    placer = tool.getMarkerPlacer()
    # the MarkerPlacer prefixes the setup's folder to its file names: give them relative to it
    placer.setStaticPoseFileName(os.path.relpath(input_path(sources, "static_trc"), work))
    placer.setOutputModelFileName("subject_scaled_walk.osim")
    placer.setOutputMarkerFileName("subject_scaled_walk_markerset.xml")
    placer.setOutputMotionFileName("scale_output_walk.mot")
    if not tool.run():
        raise RuntimeError("OpenSim ScaleTool failed")
    return work / "subject_scaled_walk.osim"


def _inverse_kinematics(osim, sources: Path, work: Path, model_path: Path):
    """Run the pipeline's IK setup on the walking trial; return (tool, motion path, errors path).

    Raises RuntimeError if the InverseKinematicsTool fails.
    """
    setup = work / "ik_setup_walk.xml"
    shutil.copyfile(input_path(sources, "ik_setup"), setup)
    results = work / "results_walk"
    results.mkdir()
    tool = osim.InverseKinematicsTool(str(setup))
    tool.set_model_file(str(model_path))
    tool.setMarkerDataFileName(str(input_path(sources, "markers_walk_trc")))
    tool.setResultsDir(str(results))
    motion = results / "ik_output_walk.mot"
    tool.setOutputMotionFileName(str(motion))
    if not tool.run():
        raise RuntimeError("OpenSim InverseKinematicsTool failed")
    return tool, motion, results / f"{tool.getName()}_ik_marker_errors.sto"


def _marker_errors(osim, model, tool, trc_path: Path, motion: dict, frames: np.ndarray) -> dict:
    """Return {marker: distance model-to-measured per frame, m} for the applied IK marker tasks.

    Raises InputError if the marker file is not in mm.
    """
    table = osim.TimeSeriesTableVec3(str(trc_path))
    units = table.getTableMetaDataString("Units")
    if units != "mm":
        raise InputError(f"{trc_path}: expected Units mm, got {units!r}")
    tasks = tool.getIKTaskSet()
    names = [tasks.get(i).getName() for i in range(tasks.getSize())
             if tasks.get(i).getConcreteClassName() == "IKMarkerTask" and tasks.get(i).getApply()]
    columns = {n: table.getColumnIndex(n) for n in names}
    trc_time = np.array(table.getIndependentColumn())
    state = model.initSystem()
    coords = model.getCoordinateSet()
    errors = {n: [] for n in names}
    for i in frames:
        for j in range(coords.getSize()):
            c = coords.get(j)
            value = motion[c.getName()][i]
            if c.getMotionType() == osim.Coordinate.Rotational:  # the motion file is in degrees
                value = math.radians(value)
            c.setValue(state, value, False)
        model.realizePosition(state)
        row = table.getRowAtIndex(int(np.argmin(np.abs(trc_time - motion["time"][i]))))
        for n in names:
            at = model.getMarkerSet().get(n).getLocationInGround(state)
            measured = row[columns[n]]
            errors[n].append(math.dist([at.get(k) for k in range(3)],
                                       [measured.get(k) / 1000.0 for k in range(3)]))
    return errors


def _placed_vs_pipeline(placed: Path, reference: Path) -> tuple[float, float, float, int]:
    """Return (max fixed-marker offset, min and max moved-marker offset in m, markers compared).

    Compares each marker of ``reference`` with the same-named marker of ``placed``;
    raises InputError if one is missing or on another body.
    """
    def load(path):
        root = ET.parse(path).getroot()
        return {m.get("name"): (m.findtext("socket_parent_frame") or m.findtext("body"),
                                np.array(m.findtext("location").split(), float),
                                m.findtext("fixed").strip() == "true")
                for m in root.iter("Marker")}
    ours, theirs = load(placed), load(reference)
    fixed, moved = [], []
    for name, (body, location, is_fixed) in theirs.items():
        if name not in ours or ours[name][0].rsplit("/", 1)[-1] != body.rsplit("/", 1)[-1]:
            raise InputError(f"{reference}: marker {name!r} on {body!r} not placed on the same body")
        (fixed if is_fixed else moved).append(float(np.linalg.norm(ours[name][1] - location)))
    return max(fixed), min(moved), max(moved), len(fixed) + len(moved)


def derive(osim, sources: Path, out_dir: Path) -> list[dict]:
    """Write gait_angles.csv; return provenance records."""
    start, end = RIGHT_FOOT_STRIKES_S
    percent = np.linspace(0.0, 100.0, N_POINTS)
    cycle_time = start + percent / 100.0 * (end - start)
    with tempfile.TemporaryDirectory(prefix="derive_kinematics_") as tmp:
        work = Path(tmp)
        model_path = _scale(osim, sources, work)
        fixed_mm, moved_lo, moved_hi, n_markers = _placed_vs_pipeline(
            work / "subject_scaled_walk_markerset.xml", input_path(sources, "markerset_placed"))
        tool, motion_path, errors_path = _inverse_kinematics(osim, sources, work, model_path)
        if "inDegrees=yes" not in motion_path.read_text(encoding="ascii"):
            raise RuntimeError(f"{motion_path.name}: expected angles in degrees (inDegrees=yes)")
        motion = read_mot(motion_path)
        summary = read_mot(errors_path)
        model = osim.Model(str(model_path))
        state = model.initSystem()
        knee_sign, ankle_sign, sign_notes = _sign_conventions(osim, model, state)
        time = motion["time"]
        # frames that bracket the cycle: last frame at or before the first foot strike to the
        # first frame at or after the second
        first = int(np.flatnonzero(time <= start + FRAME_TOLERANCE_S)[-1])
        last = int(np.flatnonzero(time >= end - FRAME_TOLERANCE_S)[0])
        frames = np.arange(first, last + 1)
        per_marker = _marker_errors(osim, model, tool, input_path(sources, "markers_walk_trc"),
                                    motion, frames)
    if not np.array_equal(summary["time"], time):
        raise RuntimeError("IK marker errors and motion have different frames")
    signs = {"knee": knee_sign, "ankle": ankle_sign}
    curves = {joint: signs[joint] * np.interp(cycle_time, time, motion[coord])
              for joint, coord in JOINTS.items()}
    rows = [[str(int(round(p))), joint, fmt(value, 2), SOURCE_IDS]
            for joint in JOINTS for p, value in zip(percent, curves[joint])]
    write_csv(out_dir / "gait_angles.csv", ["percent_cycle", "joint", "angle_deg", "source_ids"],
              rows)

    rms = summary["marker_error_RMS"][frames] * 1000.0
    peak = summary["marker_error_max"][frames] * 1000.0
    worst = sorted(per_marker, key=lambda n: -max(per_marker[n]))[:3]
    knee, ankle = curves["knee"], curves["ankle"]
    notes = [
        f"cycle: right foot strikes at t = {start} s and t = {end} s (pipeline's "
        "validationPlots_emg_walk.m, quoted in the data-sources README)",
        f"IK marker error over the {len(frames)} frames t = {time[first]:.2f}..{time[last]:.2f} s: "
        f"per-frame RMS {rms.mean():.1f} mm on average ({rms.min():.1f}..{rms.max():.1f} mm), "
        f"largest single marker error {peak.max():.1f} mm",
        "largest per-marker errors over those frames: " + ", ".join(
            f"{n} {1000 * max(per_marker[n]):.1f} mm max (IK weight "
            f"{tool.getIKTaskSet().get(n).getWeight():g})" for n in worst),
        f"placed markers vs the pipeline's subject_scaled_walk_markerset.xml ({n_markers} "
        f"markers): fixed markers within {fixed_mm * 1000:.1f} mm (the scale factors reproduce "
        f"its scaled model), markers moved by marker placement {moved_lo * 1000:.1f}.."
        f"{moved_hi * 1000:.1f} mm apart (different static-pose solution)",
        f"knee flexion {knee[0]:.1f} deg at 0 % and {knee[-1]:.1f} deg at 100 %, "
        f"{knee.min():.1f}..{knee.max():.1f} deg over the cycle (peak at "
        f"{percent[np.argmax(knee)]:.0f} %)",
        f"ankle dorsiflexion {ankle.min():.1f} deg (at {percent[np.argmin(ankle)]:.0f} %).."
        f"{ankle.max():.1f} deg (at {percent[np.argmax(ankle)]:.0f} %)",
        "segment masses are not used by IK: the scale setup gives no subject mass, so they are "
        "left as scaled",
    ] + [f"subject model: {n}" for n in sign_notes]
    steps = [
        "load Rajagopal2016.osim and add the pipeline's markerset_walk_preScale.xml (ScaleTool "
        "GenericModelMaker)",
        f"scale with the pipeline's scaleSet_applied_walk.xml ('{SCALING_ORDER}' only: the "
        "pipeline's scale_setup_walk.xml starts from its already-scaled model, not an input)",
        "place markers with scale_setup_walk.xml's MarkerPlacer settings unchanged (IK task "
        "weights, static_walk_2.trc averaged over 0-0.1 s, fixed markers kept)",
        "inverse kinematics of motion_capture_walk.trc with ik_setup_walk.xml unchanged (marker "
        "tasks and weights, constraint weight Inf, accuracy 1e-5, 0-2.37 s at 100 Hz), no filtering",
        "tool settings copied to a temporary folder, only file locations changed, then removed",
        "angle_deg: knee = knee flexion (sign x knee_angle_r), ankle = dorsiflexion (sign x "
        "ankle_angle_r), signs measured on the scaled model as for muscle_geometry",
        f"resample to {N_POINTS} points at 0..100 % of the cycle by linear interpolation in time",
        "IK marker errors from the tool's marker error report (applied marker tasks only), "
        "per-marker errors recomputed from the solved poses",
        "fixed formatting: 2 decimals for degrees",
    ]
    inputs = ["rajagopal2016_osim", "scale_setup", "scale_set", "markerset_prescale",
              "markerset_placed", "static_trc", "ik_setup", "markers_walk_trc"]
    return [
        {"resource": "gait_angles", "script": "scripts/derive_kinematics.py", "inputs": inputs,
         "steps": steps, "notes": notes,
         "source_ids": ["rajagopal2016", "opensim_models", "delp2007"]},
    ]
