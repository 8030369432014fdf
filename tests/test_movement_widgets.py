"""Widgets of lessons 04-05 (explorer, Silfverskiöld test, stance/swing shares): wiring and probes."""

from unittest import mock

import pytest

import utils
from utils import movement_figures as mf
from utils import movement_widgets as mw
from utils.display import PLOTLY_MIME, figure_bundle


@pytest.fixture(scope="module")
def tables():
    return utils.load_course()


@pytest.fixture(autouse=True)
def no_display():
    with mock.patch("IPython.display.display") as shown:
        yield shown


def _classes(widget):
    return set(widget._dom_classes)


def test_explorer_knee_slider_is_the_probe_and_the_view_its_output(tables):
    ex = mw.MovementExplorer(tables)
    assert mw.PROBE in _classes(ex.knee)
    assert mw.PROBE_OUTPUT in _classes(ex.view)
    assert mw.PROBE not in _classes(ex.ankle) and mw.PROBE not in _classes(ex.model)
    quiet = mw.MovementExplorer(tables, probe=False)
    assert mw.PROBE not in _classes(quiet.knee) and mw.PROBE_OUTPUT not in _classes(quiet.view)


def test_moving_the_knee_slider_redraws_figure_and_description(tables):
    ex = mw.MovementExplorer(tables)
    before = ex.description.value
    ex.knee.value = 90
    assert ex.description.value != before and "90°" in ex.description.value
    [shown] = ex.pane.outputs
    figure = shown["data"][PLOTLY_MIME]
    setup = ex._setup("rajagopal2016")
    expected = mf.explorer_changes(setup, 90, ex.ankle.value)["traces"]
    for index, props in expected.items():
        for key, value in props.items():
            assert figure["data"][index][key] == value
    assert shown["data"]["text/plain"].startswith("Knee flexed 90°")


def test_explorer_model_switch_uses_the_other_model(tables, no_display):
    ex = mw.MovementExplorer(tables)
    ex.model.value = "gait2392"
    assert "in the Gait2392 model" in ex.description.value


def test_explorer_sliders_span_the_model_grid(tables):
    ex = mw.MovementExplorer(tables)
    assert (ex.knee.min, ex.knee.max) == ex._setup("rajagopal2016").geometry.knee_range
    assert ex.knee.continuous_update and ex.ankle.continuous_update


def test_figure_bundle_of_a_figure_is_json_ready(tables):
    fig = mf.phase_share_figure({"stance": 0.5, "swing": 0.5}, {"stance": 0.6, "swing": 0.4}, "soleus")
    bundle = figure_bundle(fig, "words")
    assert bundle["text/plain"] == "words" and "data" in bundle[PLOTLY_MIME]


def test_silfverskiold_widget_follows_the_choice(tables):
    w = mw.SilfverskioldTest(tables)
    assert mw.PROBE not in _classes(w.tight)
    gas = w.description.value
    w.tight.value = "soleus"
    assert w.description.value != gas and "makes no difference" in w.description.value
    w.limit.value = 10
    assert w.result().limit_ankle_deg == 10


def test_phase_share_widget_updates_and_replies(tables):
    w = mw.PhaseShareExplorer(tables)
    assert mw.PROBE in _classes(w.muscle) and mw.PROBE_OUTPUT in _classes(w.view)
    soleus = w.description.value
    w.muscle.value = "tibialis_anterior"
    assert w.description.value != soleus and "Tibialis anterior" in w.description.value
    w.verdict.value = "mostly in swing"
    assert "Look again" in w.reply.value
    w.muscle.value = "soleus"
    assert w.verdict.value is None and w.reply.value == ""


def test_verdict_feedback_compares_with_the_numbers():
    shares, time = {"stance": 0.9, "swing": 0.1}, {"stance": 0.6, "swing": 0.4}
    assert mw.verdict_feedback("mostly in stance", shares, time, "Soleus").startswith("Your reading matches")
    assert mw.verdict_feedback("spread over both", shares, time, "Soleus").startswith("Look again")
    even = {"stance": 0.55, "swing": 0.45}
    assert mw.verdict_feedback("spread over both", even, time, "X").startswith("Your reading matches")
    steady = {"stance": 0.69, "swing": 0.31}
    assert mw.verdict_feedback("spread over both", steady, steady, "X").startswith("Your reading matches")
    assert mw.verdict_feedback("mostly in stance", steady, steady, "X").startswith("Look again")
    with pytest.raises(ValueError, match="expected one of"):
        mw.verdict_feedback("always", shares, time, "X")


def test_model_toggle_shows_readable_labels(tables, no_display):
    ex = mw.MovementExplorer(tables)
    labels = [label for label, _ in ex.model.options]
    assert "rajagopal2016" not in labels and "Rajagopal 2016 (full body)" in labels


def test_model_names_come_from_the_models_table(tables):
    models = tables["models"]
    expected = dict(zip(models["model_id"].astype(str), models["label"].astype(str)))
    ex = mw.MovementExplorer(tables, probe=False)
    assert {m: label for label, m in ex.model.options} == expected
    renamed = dict(tables)
    renamed["models"] = models.assign(label=models["label"] + " (renamed)")
    ex = mw.MovementExplorer(renamed, probe=False)
    caption = ex.pane.outputs[0]["data"][PLOTLY_MIME]["layout"]["title"]["subtitle"]["text"]
    assert "Computed with the Rajagopal 2016 (full body) (renamed) musculoskeletal model" in caption
    assert "Rajagopal 2016 (full body) (renamed) model" in ex.description.value
    test = mw.SilfverskioldTest(renamed, probe=False)
    assert "Gait2392 (renamed)" in [label for label, _m in test.model.options]
