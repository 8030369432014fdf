"""Derive muscle_geometry.csv and muscle_parameters.csv from the two OpenSim models.

Needs the maintainer environment (.venv-derive, with opensim). Run through
``scripts/derive_all.py``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from derive_common import fmt, input_path, write_csv

KNEE_FLEXION_DEG = list(range(0, 121, 5))
ANKLE_DORSIFLEXION_DEG = list(range(-40, 31, 5))
FD_STEP_RAD = 1e-4  # step of the length differences that give the moment arms, rad
KINK_TOLERANCE_M = 5e-4  # forward vs backward derivative gap that marks a path change, m

MODELS = {
    "rajagopal2016": {
        "input": "rajagopal2016_osim",
        "muscles": {
            "gastrocnemius_medial": "gasmed_r",
            "gastrocnemius_lateral": "gaslat_r",
            "soleus": "soleus_r",
        },
        "source_ids": "rajagopal2016;opensim_models;delp2007",
    },
    "gait2392": {
        "input": "gait2392_osim",
        "muscles": {
            "gastrocnemius_medial": "med_gas_r",
            "gastrocnemius_lateral": "lat_gas_r",
            "soleus": "soleus_r",
        },
        "source_ids": "delp1990;thelen2003;opensim_models;delp2007",
    },
}


def _load(osim, path: Path):
    model = osim.Model(str(path))
    state = model.initSystem()
    return model, state


def _pose(osim, model, state, knee_q: float, ankle_q: float) -> None:
    """Set knee/ankle (model units, rad), satisfy the coupler constraints, realize position.

    Every independent coordinate is set to its default, then knee_angle_r and
    ankle_angle_r; each CoordinateCouplerConstraint's dependent coordinate is set
    to its coupling function of the independent ones (Rajagopal: patellofemoral
    knee_angle_r_beta). Raises RuntimeError if any position constraint error is
    left above 1e-10.
    """
    coords = model.getCoordinateSet()
    for i in range(coords.getSize()):
        c = coords.get(i)
        c.setValue(state, c.getDefaultValue(), False)
    coords.get("knee_angle_r").setValue(state, knee_q, False)
    coords.get("ankle_angle_r").setValue(state, ankle_q, False)
    constraints = model.getConstraintSet()
    for i in range(constraints.getSize()):
        con = osim.CoordinateCouplerConstraint.safeDownCast(constraints.get(i))
        if con is None or not con.isEnforced(state):
            continue
        names = con.getIndependentCoordinateNames()
        args = osim.Vector(names.getSize(), 0.0)
        for j in range(names.getSize()):
            args.set(j, coords.get(names.get(j)).getValue(state))
        value = con.getFunction().calcValue(args) * osim.PropertyHelper.getValueDouble(
            con.getPropertyByName("scale_factor"))
        coords.get(con.getDependentCoordinateName()).setValue(state, value, False)
    model.realizePosition(state)
    qerr = state.getQErr()
    worst = max((abs(qerr.get(i)) for i in range(qerr.size())), default=0.0)
    if worst > 1e-10:
        raise RuntimeError(f"position constraints not satisfied (max error {worst})")


def _origin_in_ground(model, state, body: str) -> np.ndarray:
    v = model.getBodySet().get(body).getPositionInGround(state)
    return np.array([v.get(0), v.get(1), v.get(2)])


def _sign_conventions(osim, model, state) -> tuple[int, int, list[str]]:
    """Return (knee sign, ankle sign) mapping model coordinates to flexion/dorsiflexion.

    knee: +1 if increasing knee_angle_r moves the talus posteriorly (knee flexion);
    ankle: +1 if increasing ankle_angle_r lifts the toes relative to the calcaneus
    (dorsiflexion). Both measured on the model in the default pose.
    """
    notes = []
    _pose(osim, model, state, 0.0, 0.0)
    talus0 = _origin_in_ground(model, state, "talus_r")
    toes0 = _origin_in_ground(model, state, "toes_r") - _origin_in_ground(model, state, "talus_r")
    probe = math.radians(10)
    coords = model.getCoordinateSet()
    lo, hi = coords.get("knee_angle_r").getRangeMin(), coords.get("knee_angle_r").getRangeMax()
    kq = probe if hi >= probe else -probe
    _pose(osim, model, state, kq, 0.0)
    dx = _origin_in_ground(model, state, "talus_r")[0] - talus0[0]
    knee_sign = (1 if dx < 0 else -1) * (1 if kq > 0 else -1)
    _pose(osim, model, state, 0.0, probe)
    toes1 = _origin_in_ground(model, state, "toes_r") - _origin_in_ground(model, state, "talus_r")
    ankle_sign = 1 if toes1[1] > toes0[1] else -1
    notes.append(
        f"knee_angle_r range [{math.degrees(lo):.1f}, {math.degrees(hi):.1f}] deg, "
        f"flexion = {'+' if knee_sign > 0 else '-'}knee_angle_r (talus moves posteriorly)"
    )
    notes.append(f"dorsiflexion = {'+' if ankle_sign > 0 else '-'}ankle_angle_r (toes rise)")
    return knee_sign, ankle_sign, notes


def _length_derivatives(osim, model, state, muscles, coord_name, kq, aq):
    """Return (dL/dq per muscle, flags) for coordinate ``coord_name`` at pose (kq, aq).

    Central difference with step FD_STEP_RAD where the path is smooth. Where the
    forward and backward second-order one-sided differences disagree by more than
    KINK_TOLERANCE_M (the path changes there, e.g. a conditional path point switches
    or a wrap surface engages exactly at the pose), or where the step would leave a
    clamped coordinate range, the one-sided difference whose three lengths lie on a
    smooth curve (smaller second difference) is used instead; flags[j] is True then.
    """
    coord = model.getCoordinateSet().get(coord_name)
    base = kq if coord_name == "knee_angle_r" else aq
    h = FD_STEP_RAD
    lo, hi = coord.getRangeMin(), coord.getRangeMax()
    clamped = coord.getDefaultClamped()

    def lengths(q):
        if coord_name == "knee_angle_r":
            _pose(osim, model, state, q, aq)
        else:
            _pose(osim, model, state, kq, q)
        return np.array([m.getLength(state) for m in muscles])

    l0 = lengths(base)
    can_back = not (clamped and base - 2 * h < lo)
    can_fwd = not (clamped and base + 2 * h > hi)
    if can_fwd:
        l1, l2 = lengths(base + h), lengths(base + 2 * h)
        fwd = (-3 * l0 + 4 * l1 - l2) / (2 * h)
        curv_fwd = np.abs(l0 - 2 * l1 + l2)
    if can_back:
        m1, m2 = lengths(base - h), lengths(base - 2 * h)
        bwd = (3 * l0 - 4 * m1 + m2) / (2 * h)
        curv_back = np.abs(l0 - 2 * m1 + m2)
    if not can_back:
        return fwd, np.zeros(len(muscles), bool)
    if not can_fwd:
        return bwd, np.zeros(len(muscles), bool)
    central = (l1 - m1) / (2 * h)
    kink = np.abs(fwd - bwd) > KINK_TOLERANCE_M
    one_sided = np.where(curv_fwd <= curv_back, fwd, bwd)
    return np.where(kink, one_sided, central), kink


def derive(osim, sources: Path, out_dir: Path) -> list[dict]:
    """Write muscle_geometry.csv and muscle_parameters.csv; return provenance records."""
    geometry_rows: list[list[str]] = []
    parameter_rows: list[list[str]] = []
    notes: list[str] = []
    for model_id, spec in MODELS.items():
        model, state = _load(osim, input_path(sources, spec["input"]))
        knee_sign, ankle_sign, sign_notes = _sign_conventions(osim, model, state)
        notes.extend(f"{model_id}: {n}" for n in sign_notes)
        coords = model.getCoordinateSet()
        knee_c, ankle_c = coords.get("knee_angle_r"), coords.get("ankle_angle_r")
        muscle_ids = list(spec["muscles"])
        muscles = [model.getMuscles().get(spec["muscles"][mid]) for mid in muscle_ids]
        records = {}
        kinks = {}  # (muscle, joint) -> poses where the path changes
        worst = {}  # (muscle, joint) -> (|difference|, knee_deg, ankle_deg)
        for knee_deg in KNEE_FLEXION_DEG:
            for ankle_deg in ANKLE_DORSIFLEXION_DEG:
                kq = knee_sign * math.radians(knee_deg)
                aq = ankle_sign * math.radians(ankle_deg)
                d_knee, k_knee = _length_derivatives(osim, model, state, muscles, "knee_angle_r", kq, aq)
                d_ankle, k_ankle = _length_derivatives(osim, model, state, muscles, "ankle_angle_r", kq, aq)
                for j, mid in enumerate(muscle_ids):
                    for joint, flag in (("knee", k_knee[j]), ("ankle", k_ankle[j])):
                        if flag:
                            kinks.setdefault((mid, joint), []).append((knee_deg, ankle_deg))
                _pose(osim, model, state, kq, aq)
                for j, (mid, mus) in enumerate(zip(muscle_ids, muscles)):
                    # OpenSim moment arm (MomentArmSolver) is -dL/dq for a consistent path;
                    # anatomical angle = sign x model coordinate
                    knee_ma = knee_sign * mus.computeMomentArm(state, knee_c)  # knee flexor +
                    ankle_ma = -ankle_sign * mus.computeMomentArm(state, ankle_c)  # plantarflexor +
                    records[(mid, knee_deg, ankle_deg)] = (mus.getLength(state), ankle_ma, knee_ma)
                    # tendon-excursion check: -dL/d(knee flexion), -dL/d(plantarflexion)
                    for joint, value, excursion in (
                        ("knee", knee_ma, -d_knee[j] * knee_sign),
                        ("ankle", ankle_ma, d_ankle[j] * ankle_sign),
                    ):
                        diff = abs(value - excursion)
                        if diff > worst.get((mid, joint), (-1.0,))[0]:
                            worst[(mid, joint)] = (diff, knee_deg, ankle_deg)
        for (mid, joint), (diff, kd, ad) in sorted(worst.items()):
            notes.append(
                f"{model_id} {mid} {joint}: largest |computeMomentArm - tendon excursion| = "
                f"{diff * 1000:.2f} mm (at knee {kd} deg, ankle {ad} deg)"
            )
        for (mid, joint), poses in sorted(kinks.items()):
            knees = sorted({p[0] for p in poses})
            ankles = sorted({p[1] for p in poses})
            notes.append(
                f"{model_id} {mid} {joint}: path changes at {len(poses)} grid poses (knee "
                f"{knees[0]}..{knees[-1]} deg, ankle {ankles[0]}..{ankles[-1]} deg), one-sided "
                "difference on the smooth side used there"
            )
        for mid in muscle_ids:
            for knee_deg in KNEE_FLEXION_DEG:
                for ankle_deg in ANKLE_DORSIFLEXION_DEG:
                    length, ankle_ma, knee_ma = records[(mid, knee_deg, ankle_deg)]
                    geometry_rows.append([
                        model_id, mid, str(knee_deg), str(ankle_deg),
                        fmt(length, 6), fmt(ankle_ma, 6), fmt(knee_ma, 6), spec["source_ids"],
                    ])
        for mid, mus in zip(muscle_ids, muscles):
            parameter_rows.append([
                model_id, mid, spec["muscles"][mid], mus.getConcreteClassName(),
                fmt(mus.getMaxIsometricForce(), 3),
                fmt(mus.getOptimalFiberLength(), 6),
                fmt(mus.getTendonSlackLength(), 6),
                fmt(math.degrees(mus.getPennationAngleAtOptimalFiberLength()), 3),
                spec["source_ids"].replace(";delp2007", ""),
            ])
    write_csv(
        out_dir / "muscle_geometry.csv",
        ["model", "muscle_id", "knee_flexion_deg", "ankle_dorsiflexion_deg", "length_m",
         "ankle_moment_arm_m", "knee_moment_arm_m", "source_ids"],
        geometry_rows,
    )
    write_csv(
        out_dir / "muscle_parameters.csv",
        ["model", "muscle_id", "model_muscle_name", "muscle_model", "max_isometric_force_n",
         "optimal_fiber_length_m", "tendon_slack_length_m", "pennation_angle_deg", "source_ids"],
        parameter_rows,
    )
    inputs = [MODELS[m]["input"] for m in MODELS]
    geometry_steps = [
        "load each unscaled generic model with OpenSim and initialise its system",
        "set every coordinate to its default value (hip neutral, subtalar and mtp 0)",
        f"grid: knee flexion {KNEE_FLEXION_DEG[0]}..{KNEE_FLEXION_DEG[-1]} deg and ankle dorsiflexion "
        f"{ANKLE_DORSIFLEXION_DEG[0]}..{ANKLE_DORSIFLEXION_DEG[-1]} deg in 5 deg steps, right leg",
        "map to model coordinates knee_angle_r and ankle_angle_r with each model's sign, measured on "
        "the model (knee flexion moves the talus posteriorly, dorsiflexion lifts the toes)",
        "at every pose set each CoordinateCouplerConstraint's dependent coordinate from its coupling "
        "function (Rajagopal patellofemoral knee_angle_r_beta) and check all position constraint "
        "errors are below 1e-10, then realize Position",
        "length_m = Muscle.getLength (musculotendon path length including wrapping)",
        "moment arms = Muscle.computeMomentArm (OpenSim MomentArmSolver: joint moment per unit "
        "musculotendon tension), in m",
        "check by tendon excursion: -dL/d(angle) from differences of Muscle.getLength with a step of "
        f"{FD_STEP_RAD} rad (central, second-order one-sided at clamped coordinate limits)",
        f"where forward and backward differences differ by more than {KINK_TOLERANCE_M} m (the path "
        "changes exactly at the pose: conditional path point or wrap switch) the one-sided difference "
        "on the side whose lengths are smooth is used (poses listed in notes)",
        "ankle_moment_arm_m: moment arm about ankle plantarflexion, positive = plantarflexor (model value x -1 where +ankle_angle_r is dorsiflexion)",
        "knee_moment_arm_m: moment arm about knee flexion, positive = knee flexor (model value x the knee sign)",
        "largest difference between computeMomentArm and tendon excursion per muscle and joint "
        "recorded in notes (where it is large the path has wrap-surface transitions, so length "
        "changes there are not the integral of the tabulated moment arms)",
        "fixed formatting: 6 decimals for metres",
    ]
    parameter_steps = [
        "load each model with OpenSim, read max isometric force, optimal fibre length, tendon slack "
        "length and pennation angle at optimal fibre length of the right-leg muscles",
        "pennation angle converted from radians to degrees",
        "fixed formatting: 3 decimals for N and deg, 6 decimals for metres",
    ]
    source_ids = ["rajagopal2016", "delp1990", "thelen2003", "opensim_models", "delp2007"]
    return [
        {"resource": "muscle_geometry", "script": "scripts/derive_geometry.py", "inputs": inputs,
         "steps": geometry_steps, "notes": notes, "source_ids": source_ids},
        {"resource": "muscle_parameters", "script": "scripts/derive_geometry.py", "inputs": inputs,
         "steps": parameter_steps, "notes": [], "source_ids": source_ids},
    ]
