"""Behaviour of the derived muscle tables and of utils.muscle_models (no OpenSim needed)."""

import math

import numpy as np
import pytest

from utils.data import load_course
from utils.muscle_models import MuscleGeometry

MODELS = ("rajagopal2016", "gait2392")
TRICEPS = ("gastrocnemius_medial", "gastrocnemius_lateral", "soleus")
# Expected orders of magnitude (tolerances chosen around published adult values):
ANKLE_MA_RANGE_M = (0.025, 0.060)  # plantarflexion moment arm "3-6 cm", 5 mm slack below
GASTROC_KNEE_MA_RANGE_M = (0.005, 0.035)  # knee flexion moment arm "1-3 cm", 5 mm slack


@pytest.fixture(scope="module")
def tables():
    return load_course()


@pytest.fixture(scope="module")
def geometry(tables):
    return tables["muscle_geometry"]


@pytest.fixture(scope="module")
def interpolator(tables):
    return MuscleGeometry.from_course(tables, model="rajagopal2016")


def test_geometry_covers_both_models_and_three_muscles(geometry):
    assert set(geometry["model"]) == set(MODELS)
    assert set(geometry["muscle_id"]) == set(TRICEPS)
    assert geometry["knee_flexion_deg"].min() == 0 and geometry["knee_flexion_deg"].max() >= 90
    assert geometry["ankle_dorsiflexion_deg"].min() <= -30
    assert geometry["ankle_dorsiflexion_deg"].max() >= 20


def test_ankle_moment_arms_are_plantarflexor_and_centimetre_sized(geometry):
    lo, hi = ANKLE_MA_RANGE_M
    ma = geometry["ankle_moment_arm_m"]
    assert (ma > 0).all()
    assert ma.between(lo, hi).all(), ma.describe()


def test_gastrocnemius_flexes_the_knee_with_centimetre_moment_arm(geometry):
    lo, hi = GASTROC_KNEE_MA_RANGE_M
    gas = geometry[geometry["muscle_id"] != "soleus"]["knee_moment_arm_m"]
    assert gas.between(lo, hi).all(), gas.describe()
    assert 0.010 <= gas.median() <= 0.030


def test_soleus_does_not_cross_the_knee(geometry):
    sol = geometry[geometry["muscle_id"] == "soleus"]
    assert (sol["knee_moment_arm_m"].abs() < 1e-6).all()
    spread = sol.groupby(["model", "ankle_dorsiflexion_deg"])["length_m"].agg(lambda x: x.max() - x.min())
    assert (spread < 1e-6).all()


def test_plantarflexing_shortens_all_three(geometry):
    for _, rows in geometry.groupby(["model", "muscle_id", "knee_flexion_deg"]):
        lengths = rows.sort_values("ankle_dorsiflexion_deg")["length_m"].to_numpy()
        assert np.all(np.diff(lengths) > 0)


def test_knee_flexion_shortens_gastrocnemius(geometry):
    gas = geometry[geometry["muscle_id"] != "soleus"]
    for _, rows in gas.groupby(["model", "muscle_id", "ankle_dorsiflexion_deg"]):
        lengths = rows.sort_values("knee_flexion_deg")["length_m"].to_numpy()
        assert lengths[-1] < lengths[0] - 0.02


def test_parameters_come_from_both_models(tables):
    params = tables["muscle_parameters"]
    assert len(params) == 6
    assert (params["max_isometric_force_n"] > 0).all()
    assert params["pennation_angle_deg"].between(0, 45).all()
    soleus = params[params["muscle_id"] == "soleus"].set_index("model")
    gas = params[params["muscle_id"] == "gastrocnemius_medial"].set_index("model")
    assert (soleus["optimal_fiber_length_m"] < gas["optimal_fiber_length_m"]).all()


def test_emg_envelopes_are_normalised(tables):
    emg = tables["gait_emg"]
    assert emg["envelope"].between(0, 1).all()
    for muscle, rows in emg.groupby("muscle"):
        assert rows["envelope"].max() == pytest.approx(1.0), muscle
        assert sorted(rows["percent_cycle"]) == list(range(101))


def test_plantarflexors_peak_in_stance_and_tibialis_anterior_does_not(tables):
    emg, phases = tables["gait_emg"], tables["gait_phases"].set_index("phase")
    stance_end = phases.loc["stance", "end_percent"]
    assert phases.loc["stance", "start_percent"] == 0
    assert phases.loc["swing", "start_percent"] == stance_end
    assert phases.loc["swing", "end_percent"] == 100
    assert 55 <= stance_end <= 70
    peaks = emg.loc[emg.groupby("muscle")["envelope"].idxmax()].set_index("muscle")["percent_cycle"]
    assert 10 < peaks["soleus"] < stance_end
    assert 10 < peaks["gastrocnemius"] < stance_end
    mid_stance = emg[(emg["muscle"] == "tibialis_anterior") & emg["percent_cycle"].between(25, 45)]
    assert mid_stance["envelope"].max() < 0.3


def test_gait_angles_follow_the_usual_walking_pattern(tables):
    angles, phases = tables["gait_angles"], tables["gait_phases"].set_index("phase")
    stance_end = phases.loc["stance", "end_percent"]
    curves = {joint: rows.set_index("percent_cycle")["angle_deg"]
              for joint, rows in angles.groupby("joint")}
    assert set(curves) == {"knee", "ankle"}
    for joint, curve in curves.items():
        assert sorted(curve.index) == list(range(101)), joint
    knee, ankle = curves["knee"], curves["ankle"]
    # knee nearly straight at both foot strikes, flexed most in swing
    assert -5 <= knee[0] <= 10 and -5 <= knee[100] <= 10
    assert knee.idxmax() > stance_end
    assert 40 <= knee.max() <= 80
    # loading response: the knee flexes early in stance, then straightens again in mid stance
    loading = knee[knee.index <= 30].max()
    assert 10 <= loading <= 30
    assert knee[(knee.index >= 30) & (knee.index <= 50)].min() < loading - 10
    # ankle within about +-20 deg: dorsiflexes in stance, plantarflexes most around toe-off
    assert ankle.abs().max() <= 25
    assert 0 < ankle.idxmax() < stance_end and ankle.max() > 5
    assert abs(ankle.idxmin() - stance_end) <= 10 and ankle.min() < -5


def test_interpolator_matches_grid_points_exactly(geometry, interpolator):
    rows = geometry[geometry["model"] == "rajagopal2016"]
    for row in rows.iloc[::37].itertuples():
        got = interpolator.query(row.knee_flexion_deg, row.ankle_dorsiflexion_deg)[row.muscle_id]
        assert got["length_m"] == row.length_m
        assert got["ankle_moment_arm_m"] == row.ankle_moment_arm_m
        assert got["knee_moment_arm_m"] == row.knee_moment_arm_m


def test_interpolator_is_monotone_between_grid_points(interpolator):
    ankles = np.linspace(-5.0, 0.0, 11)
    for knee in (0.0, 42.5, 120.0):
        lengths = [interpolator.query(knee, a)["soleus"]["length_m"] for a in ankles]
        assert np.all(np.diff(lengths) > 0)
    knees = np.linspace(60.0, 65.0, 11)
    lengths = [interpolator.query(k, 7.5)["gastrocnemius_medial"]["length_m"] for k in knees]
    assert np.all(np.diff(lengths) < 0)


def test_length_change_is_zero_at_reference_and_negative_when_plantarflexed(interpolator):
    at_rest = interpolator.query(0, 0)
    assert all(v["length_change_m"] == 0 for v in at_rest.values())
    pointed = interpolator.query(0, -30)
    assert all(v["length_change_m"] < -0.01 for v in pointed.values())


@pytest.mark.parametrize("knee, ankle", [(-1, 0), (121, 0), (30, -41), (30, 31), (math.nan, 0)])
def test_interpolator_rejects_angles_outside_the_grid(interpolator, knee, ankle):
    with pytest.raises(ValueError, match="outside the model grid"):
        interpolator.query(knee, ankle)


def test_unknown_model_is_a_clear_error(tables):
    with pytest.raises(ValueError, match="not in muscle_geometry"):
        MuscleGeometry.from_course(tables, model="arnold2010")


def test_models_differ_but_agree_in_order_of_magnitude(tables):
    raj = MuscleGeometry.from_course(tables, "rajagopal2016").query(45, 0)
    g23 = MuscleGeometry.from_course(tables, "gait2392").query(45, 0)
    for muscle in TRICEPS:
        ratio = raj[muscle]["ankle_moment_arm_m"] / g23[muscle]["ankle_moment_arm_m"]
        assert 0.7 < ratio < 1.4


def _excursion_and_arm(tables, model, muscle, ankle=0):
    """Return knee angles, -dL/dθ (mm/rad) between grid steps and the moment arm (mm) at each step's start."""
    g = tables["muscle_geometry"]
    r = g[(g["model"] == model) & (g["muscle_id"] == muscle) & (g["ankle_dorsiflexion_deg"] == ankle)]
    r = r.sort_values("knee_flexion_deg")
    knee = r["knee_flexion_deg"].to_numpy(float)
    excursion = -np.diff(r["length_m"].to_numpy(float) * 1000) / np.radians(np.diff(knee))
    return knee[:-1], excursion, r["knee_moment_arm_m"].to_numpy(float)[:-1] * 1000


def test_key_point_k04_7_holds_for_the_derived_geometry(tables):
    """k04_7: in Rajagopal, gastrocnemius length changes far less than its knee moment arm at small
    knee angles; from 30° (and over nearly the whole range in Gait2392) the two agree."""
    for muscle in ("gastrocnemius_medial", "gastrocnemius_lateral"):
        knee, excursion, arm = _excursion_and_arm(tables, "rajagopal2016", muscle)
        assert (excursion[knee < 10] < 0.7 * arm[knee < 10]).all(), muscle
        late = (knee >= 30) & (knee < 90)
        assert np.allclose(excursion[late], arm[late], rtol=0.15), muscle
        knee, excursion, arm = _excursion_and_arm(tables, "gait2392", muscle)
        agree = np.isclose(excursion, arm, rtol=0.15)
        assert agree.mean() > 0.9, muscle  # one grid step where its path changes (knee 45°) may not


def test_a_table_is_turned_into_a_geometry_once(tables):
    table = tables["muscle_geometry"]
    assert MuscleGeometry.from_table(table, "gait2392") is MuscleGeometry.from_table(table, "gait2392")
    assert MuscleGeometry.from_table(table, "gait2392") is not MuscleGeometry.from_table(table, "rajagopal2016")
    assert MuscleGeometry.from_table(table.copy(), "gait2392") is not MuscleGeometry.from_table(table, "gait2392")


def test_grid_extent_is_the_range_of_every_interpolated_value(tables):
    g = MuscleGeometry.from_course(tables, "rajagopal2016")
    muscles = ("gastrocnemius_medial", "soleus")
    lo, hi = g.grid_extent("knee_moment_arm_m", muscles)
    # every grid point and the points halfway between them
    knees = np.union1d(g.knee_deg, (g.knee_deg[1:] + g.knee_deg[:-1]) / 2)
    ankles = np.union1d(g.ankle_deg, (g.ankle_deg[1:] + g.ankle_deg[:-1]) / 2)
    seen = [g.query(float(k), float(a))[m]["knee_moment_arm_m"] for k in knees for a in ankles for m in muscles]
    assert lo == pytest.approx(min(seen)) and hi == pytest.approx(max(seen))
    with pytest.raises(ValueError):
        g.grid_extent("speed", muscles)
