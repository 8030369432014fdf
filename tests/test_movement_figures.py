"""Figure builders of lessons 04-05: what each figure draws, its hover text, and the fast explorer update."""

import json
import re

import numpy as np
import pandas as pd
from utils.display import Figure
import pytest

import utils
from utils import movement_figures as mf
from utils.muscle_models import MuscleGeometry, QUANTITIES


@pytest.fixture(scope="module")
def tables():
    return utils.load_course()


@pytest.fixture(scope="module")
def geometry(tables):
    return MuscleGeometry.from_course(tables, "rajagopal2016")


@pytest.fixture(scope="module")
def setup(geometry, tables):
    return mf.explorer_setup(geometry, tables)


def synthetic_geometry(knee_coef=-1e-4):
    """Lengths linear in the angles: L = base + 1e-3 * ankle + knee_coef * knee (soleus: no knee term)."""
    muscles = ("gastrocnemius_medial", "gastrocnemius_lateral", "soleus")
    knee = np.arange(0.0, 121.0, 30.0)
    ankle = np.arange(-40.0, 31.0, 10.0)
    k, a = np.meshgrid(knee, ankle, indexing="ij")
    values = np.zeros((len(QUANTITIES), 3, knee.size, ankle.size))
    for i, m in enumerate(muscles):
        values[0, i] = 0.4 + 1e-3 * a + (0.0 if m == "soleus" else knee_coef * k)
        values[1, i] = 0.04
        values[2, i] = 0.0 if m == "soleus" else 0.02
    return MuscleGeometry("synthetic", muscles, knee, ankle, values)


# ---------------------------------------------------------------- actions

def test_actions_frame_lists_each_joint_a_muscle_acts_on(tables):
    df = mf.actions_frame(tables, ["gastrocnemius", "soleus"])
    assert set(df.loc[df["muscle"] == "Soleus", "joint"]) == {"ankle"}
    assert set(df.loc[df["muscle"] == "Gastrocnemius", "joint"]) == {"ankle", "knee"}
    assert all(len(ids) > 0 for ids in df["source_ids"])


def test_actions_table_cites_and_keeps_source_ids(tables):
    df = mf.actions_table(tables, ["plantaris"])
    assert "source_ids" not in df.columns
    assert all(s.startswith("[") for s in df["sources"])
    assert "imaios_plantaris" in df.attrs["source_ids"]


def test_actions_frame_unknown_muscle_names_it(tables):
    with pytest.raises(KeyError, match="no_such_muscle"):
        mf.actions_frame(tables, ["no_such_muscle"])


# ---------------------------------------------------------------- explorer

def test_explorer_figure_has_three_line_traces_and_one_bar_per_muscle(setup):
    fig = mf.explorer_figure(setup, 30, 10)
    assert isinstance(fig, Figure)
    kinds = [t.type for t in fig.data]
    assert kinds.count("scatter") == 9 and kinds.count("bar") == 3
    names = {t.name for t in fig.data}
    assert {"Gastrocnemius, medial head", "Gastrocnemius, lateral head", "Soleus"} <= names
    for t in fig.data:
        if t.type == "scatter":
            assert "length change" in t.hovertemplate and "mm" in t.hovertemplate
        else:
            assert "moment arm" in t.hovertemplate and "mm" in t.hovertemplate


def test_explorer_bars_show_the_models_moment_arms_in_mm(setup, geometry):
    fig = mf.explorer_figure(setup, 60, -10)
    q = geometry.query(60, -10)
    bars = [t for t in fig.data if t.type == "bar"]
    for t, m in zip(bars, setup.muscles):
        assert list(t.y) == pytest.approx([q[m]["ankle_moment_arm_m"] * 1000, q[m]["knee_moment_arm_m"] * 1000],
                                          abs=0.06)
        assert all(text.endswith("mm") for text in t.text)
    soleus = bars[setup.muscles.index("soleus")]
    assert soleus.y[1] == pytest.approx(0.0, abs=1e-6)


def test_explorer_moment_arm_scale_is_the_same_at_every_pose(setup, geometry):
    """Bars are compared across poses, so the axis must not rescale with the sliders."""
    ranges = {tuple(mf.explorer_figure(setup, k, a).layout.yaxis2.range)
              for k in (0, 45, 90) for a in (-20, 0, 15)}
    assert len(ranges) == 1
    low, high = ranges.pop()
    assert low <= 0 < high
    for knee in geometry.knee_deg:
        for ankle in geometry.ankle_deg:
            q = geometry.query(float(knee), float(ankle))
            for m in setup.muscles:
                for key in ("ankle_moment_arm_m", "knee_moment_arm_m"):
                    assert low <= q[m][key] * 1000 < high / 1.1  # room above for the bar's label


def test_explorer_markers_sit_at_the_chosen_pose(setup, geometry):
    fig = mf.explorer_figure(setup, 90, 0)
    markers = [t for t in fig.data if t.type == "scatter" and t.mode == "markers+text"]
    q = geometry.query(90, 0)
    for t, m in zip(markers, setup.muscles):
        assert list(t.x) == [0.0]
        assert t.y[0] == pytest.approx(q[m]["length_change_m"] * 1000, abs=0.01)


def test_knee_flexion_shortens_gastrocnemius_not_soleus(setup):
    """Active insufficiency made visible: the bold gastrocnemius curves drop, soleus stays."""
    straight = mf.explorer_changes(setup, 0, 0)["traces"]
    bent = mf.explorer_changes(setup, 90, 0)["traces"]
    for i, m in enumerate(setup.muscles):
        y0, y1 = np.array(straight[3 * i + 1]["y"]), np.array(bent[3 * i + 1]["y"])
        if m == "soleus":
            assert np.allclose(y0, y1)
        else:
            assert np.all(y1 < y0 - 20)  # more than 2 cm shorter at every ankle angle


def test_explorer_changes_match_a_fresh_figure(setup):
    fig_dict = mf.explorer_figure_dict(setup, 0, 0)
    mf.apply_explorer_changes(fig_dict, mf.explorer_changes(setup, 75, 20))
    fresh = mf.explorer_figure_dict(setup, 75, 20)
    assert fig_dict["data"] == fresh["data"]
    assert fig_dict["layout"]["annotations"][0]["text"] == fresh["layout"]["annotations"][0]["text"]
    assert "75°" in fresh["layout"]["annotations"][0]["text"]


def test_explorer_dict_is_plain_json_with_an_expanded_template(setup):
    fig_dict = mf.explorer_figure_dict(setup, 10, 5)
    json.dumps(fig_dict)  # raises on numpy values
    assert isinstance(fig_dict["layout"]["template"], dict)


def test_explorer_rejects_angles_outside_the_grid(setup):
    with pytest.raises(ValueError, match="outside the model grid"):
        mf.explorer_changes(setup, 150, 0)


def test_explorer_description_says_what_the_figure_shows(setup, geometry):
    text = mf.explorer_description(setup, 90, 0)
    change = -geometry.query(90, 0)["gastrocnemius_medial"]["length_change_m"] * 1000
    assert f"{change:.0f} mm shorter" in text
    assert "Soleus: the same length" in text and "does not change its length" in text
    assert "Sources: Rajagopal et al. 2016;" in text  # short labels from sources.csv, not source ids
    assert mf.explorer_figure(setup, 90, 0).layout.meta["description"] == text
    straight = mf.explorer_description(setup, 0, 10)
    assert "does not change its length" not in straight and "all of this change comes from the ankle" in straight
    assert straight.startswith("Knee straight (0°), ankle in 10° of dorsiflexion")
    reference = mf.explorer_description(setup, 0, 0)
    assert reference.count("the same length as at the reference pose") == 3 and "change comes" not in reference
    assert "Soleus: the same length as at the reference pose. Moment arm at the ankle" in reference
    assert "no moment arm at the knee (its path does not cross the knee)" in reference
    both = mf.explorer_description(setup, 45, 10)
    medial = both.split("Gastrocnemius, lateral head")[0]
    assert "the knee angle alone makes it" in medial and "and the ankle angle makes it" in medial
    slight = mf.explorer_description(setup, 1, 0)
    assert "Gastrocnemius, medial head: " in slight and "knee changes its length by less than 1 mm" in slight
    assert "Soleus: the same length" in slight and "does not change its length" in slight
    opt_mm = setup.parameters["gastrocnemius_medial"]["optimal_fiber_length_m"] * 1000
    knee_mm = abs(mf.explorer_values(setup, 90, 0)["gastrocnemius_medial"]["knee_effect_mm"])
    assert f"(the whole muscle–tendon unit; that is about {knee_mm / opt_mm:.0%} of its optimal fibre length of {opt_mm:.0f} mm)" in text


def test_stretch_comparison_shows_gastrocnemius_lengthening_more_than_soleus(setup, geometry):
    lo, hi = geometry.ankle_range
    text = mf.stretch_comparison(setup, (90, lo), (0, hi))
    mm = {line.split(":")[0][2:]: float(line.split(": ")[1].split(" mm")[0])
          for line in text.splitlines() if line.startswith("- ")}
    assert mm["Gastrocnemius, medial head"] > mm["Soleus"] > 0
    assert "Sources:" in text


def test_force_comparison_uses_the_model_parameters(setup, tables):
    mp = tables["muscle_parameters"]
    sol = mp[(mp["model"] == "rajagopal2016") & (mp["muscle_id"] == "soleus")]["max_isometric_force_n"].iloc[0]
    assert f"{sol:,.0f} N" in mf.force_comparison(setup)
    assert mf.force_comparison(setup, tables).endswith("]")  # cited by short labels


def test_explorer_setup_names_missing_muscles(geometry, tables):
    with pytest.raises(ValueError, match="plantaris"):
        mf.explorer_setup(geometry, tables, muscles=("soleus", "plantaris"))


# ---------------------------------------------------------------- Silfverskiöld

def test_silfverskiold_tight_gastrocnemius_on_synthetic_lengths():
    g = synthetic_geometry(knee_coef=-1e-4)  # 90° of knee flexion shortens gastrocnemius by 9 mm
    r = mf.silfverskiold(g, "gastrocnemius", limit_ankle_deg=0)
    assert r.straight_deg == pytest.approx(0.0)
    assert r.bent_deg == pytest.approx(9.0)  # 9 mm at 1 mm per degree
    assert not r.straight_capped and not r.bent_capped
    assert r.difference_deg == pytest.approx(9.0)


def test_silfverskiold_tight_soleus_gives_no_difference():
    r = mf.silfverskiold(synthetic_geometry(), "soleus", limit_ankle_deg=5)
    assert r.straight_deg == pytest.approx(5.0) and r.bent_deg == pytest.approx(5.0)
    assert r.limiting_straight == r.limiting_bent == "soleus"


def test_silfverskiold_neither_reaches_the_end_of_the_range(geometry):
    r = mf.silfverskiold(geometry, "neither")
    assert r.straight_capped and r.bent_capped
    assert r.straight_deg == r.bent_deg == geometry.ankle_range[1]


def test_silfverskiold_on_the_model_data(geometry):
    gas = mf.silfverskiold(geometry, "gastrocnemius", 0)
    sol = mf.silfverskiold(geometry, "soleus", 0)
    assert gas.bent_deg > gas.straight_deg + 13
    assert sol.difference_deg == pytest.approx(0.0, abs=1e-6)


def test_silfverskiold_bad_choice_and_angles(geometry):
    with pytest.raises(ValueError, match="expected one of"):
        mf.silfverskiold(geometry, "tibialis")
    with pytest.raises(ValueError, match="outside the model grid"):
        mf.silfverskiold(geometry, "soleus", knee_bent_deg=160)


def test_silfverskiold_figure_and_description(geometry):
    r = mf.silfverskiold(geometry, "gastrocnemius", 0)
    fig = mf.silfverskiold_figure(geometry, r, source_ids=("rajagopal2016",))
    names = [t.name for t in fig.data]
    assert any("knee straight" in n for n in names) and any("knee bent" in n for n in names)
    assert "length limit of the tight unit" in names
    bars = [t for t in fig.data if t.type == "bar"][0]
    assert list(bars.y) == pytest.approx([round(r.straight_deg, 1), round(r.bent_deg, 1)])
    assert bars.text[1].startswith("≥")  # bent: capped at the end of the grid
    text = fig.layout.meta["description"]
    assert "both heads of gastrocnemius" in text and "more dorsiflexion" in text
    no_diff = mf.silfverskiold_description(mf.silfverskiold(geometry, "soleus", 0))
    assert "makes no difference" in no_diff
    assert "the head that stops the ankle first" in text
    assert not re.search(r"\d\.\d°", text)  # whole degrees for the learner


# ---------------------------------------------------------------- gait

def _emg(values_by_muscle):
    rows = [{"percent_cycle": p, "muscle": m, "envelope": v, "source_ids": ("opensim_models",)}
            for m, vals in values_by_muscle.items() for p, v in enumerate(vals)]
    return pd.DataFrame(rows)


PHASES = pd.DataFrame({"phase": ["stance", "swing"], "start_percent": [0.0, 60.0], "end_percent": [60.0, 100.0],
                       "source_ids": [("opensim_models",)] * 2})


def test_phase_share_of_constant_activity_equals_the_time_share():
    shares = mf.phase_share(_emg({"soleus": [1.0] * 101}), PHASES, "soleus")
    assert shares == pytest.approx({"stance": 0.6, "swing": 0.4})
    assert mf.phase_time_share(PHASES) == pytest.approx({"stance": 0.6, "swing": 0.4})


def test_phase_share_of_activity_only_in_swing():
    vals = [0.0] * 61 + [1.0] * 40
    shares = mf.phase_share(_emg({"tibialis_anterior": vals}), PHASES, "tibialis_anterior")
    assert shares["swing"] > 0.98 and sum(shares.values()) == pytest.approx(1.0)


def test_phase_share_errors_name_the_file():
    with pytest.raises(ValueError, match="gait_emg.csv.*plantaris"):
        mf.phase_share(_emg({"soleus": [1.0] * 101}), PHASES, "plantaris")
    gap = PHASES.assign(start_percent=[0.0, 65.0])
    with pytest.raises(ValueError, match="gait_phases.csv"):
        mf.phase_intervals(gap)


def test_recorded_calf_activity_lies_mostly_in_stance(tables):
    for m in ("soleus", "gastrocnemius"):
        assert mf.phase_share(tables["gait_emg"], tables["gait_phases"], m)["stance"] > 0.8


def test_gait_emg_figure_shades_and_labels_each_phase(tables):
    fig = mf.gait_emg_figure(tables["gait_emg"], tables["gait_phases"],
                             names=mf.muscle_names(tables["muscles"]))
    assert [t.name for t in fig.data] == ["Soleus", "Gastrocnemius", "Tibialis anterior"]
    assert len(fig.layout.shapes) == 2
    labels = " ".join(a.text for a in fig.layout.annotations)
    assert "stance" in labels and "swing" in labels and "n = 1" in fig.layout.title.subtitle.text
    assert all("% of the cycle" in t.hovertemplate for t in fig.data)
    dashes = {t.line.dash for t in fig.data}
    assert len(dashes) == 3  # each muscle also differs by line style
    desc = fig.layout.meta["description"]
    assert "Soleus peaks at" in desc and "in stance" in desc


def test_phase_share_figure_bars(tables):
    shares = {"stance": 0.9, "swing": 0.1}
    fig = mf.phase_share_figure(shares, {"stance": 0.6, "swing": 0.4}, "soleus", {"soleus": "Soleus"})
    assert list(fig.data[0].y) == [90.0, 10.0] and list(fig.data[1].y) == [60.0, 40.0]
    assert list(fig.data[0].text) == ["90 %", "10 %"]
    assert "90 % of Soleus's activity" in fig.layout.meta["description"]


def test_gait_angles_figure(tables):
    fig = mf.gait_angles_figure(tables["gait_angles"], tables["gait_phases"])
    assert len(fig.data) == 2 and len(fig.layout.shapes) == 2
    assert any("dorsiflexion" in t.name for t in fig.data)
    assert "Knee flexion" in fig.layout.meta["description"]


# ---------------------------------------------------------------- the question bank agrees with the data

def _numeric_question(tables, qid):
    q = tables["questions"].set_index("question_id").loc[qid]
    return float(q["answer_low"]), float(q["answer_high"])


def test_explorer_question_range_contains_the_model_value(tables, geometry):
    low, high = _numeric_question(tables, "q04_explorer_shortening")
    value = -geometry.query(90, 0)["gastrocnemius_medial"]["length_change_m"] * 1000
    assert low <= value <= high


def test_stance_share_question_range_contains_the_data_value(tables):
    low, high = _numeric_question(tables, "q05_soleus_stance_share")
    value = 100 * mf.phase_share(tables["gait_emg"], tables["gait_phases"], "soleus")["stance"]
    assert low <= value <= high


def test_captions_name_sources_by_their_labels_when_given(tables):
    labels = {"rajagopal2016": "Rajagopal et al. 2016"}
    fig = mf.gait_emg_figure(tables["gait_emg"], tables["gait_phases"], labels=labels)
    assert "Sources: Rajagopal et al. 2016" in fig.layout.title.subtitle.text
    assert "Rajagopal et al. 2016" in fig.layout.meta["description"]
    bare = mf.gait_angles_figure(tables["gait_angles"], tables["gait_phases"])
    assert "rajagopal2016" in bare.layout.meta["description"]  # no labels given: the ids


def test_explorer_text_names_the_model_by_its_label_not_its_id(setup, tables):
    fig = mf.explorer_figure(setup, 45, 0)
    shown = [fig.layout.title.subtitle.text, fig.layout.meta["description"],
             mf.stretch_comparison(setup, (0, 0), (90, 10)), mf.force_comparison(setup, tables)]
    for text in shown:
        assert "Rajagopal 2016 (full body) " in text and "rajagopal2016 model" not in text, text


def test_explorer_marker_labels_sit_on_different_sides(setup):
    fig = mf.explorer_figure(setup, 0, 0)
    positions = [t.textposition for t in fig.data if t.type == "scatter" and t.mode == "markers+text"]
    assert len(positions) == len(setup.muscles) and len(set(positions)) == len(positions)


def test_explorer_bars_and_description_round_moment_arms_alike(tables):
    for model in ("rajagopal2016", "gait2392"):
        setup = mf.explorer_setup(MuscleGeometry.from_course(tables, model), tables)
        for knee, ankle in ((0, 0), (45, 10), (90, -20)):
            text = mf.explorer_description(setup, knee, ankle)
            bars = mf.explorer_changes(setup, knee, ankle)["traces"]
            n = len(setup.muscles)
            for i, m in enumerate(setup.muscles):
                ankle_label = bars[3 * n + i]["text"][0]
                assert f"Moment arm at the ankle {ankle_label}" in text, (model, knee, ankle, m)


def test_silfverskiold_description_reads_right_for_a_plantarflexed_limit_and_the_range_end(geometry):
    low = mf.silfverskiold_description(mf.silfverskiold(geometry, "gastrocnemius", -40))
    assert "with the knee straight the ankle stops short of 0°, in 40° of plantarflexion" in low
    assert "dorsiflexes only" not in low
    capped = mf.silfverskiold_description(mf.silfverskiold(geometry, "neither", 0))
    assert capped.count("at least") == 3  # two results and one explanation of the range end
    assert "data end at 30° of dorsiflexion" in capped


def test_models_are_introduced_from_the_models_table(tables):
    text = mf.models_md(tables)
    for m in tables["models"].to_dict("records"):
        assert f"- **{m['label']}:** {m['description']}" in text
    assert set(mf.model_sources(tables)) == {s for ids in tables["models"]["source_ids"] for s in ids}
