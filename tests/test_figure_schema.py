"""Every figure builder's output passes plotly's own property checks.

Builders skip those checks when they draw (``utils.display.new_figure``), so this is where
a misspelt property or a bad value is caught. Each figure must also carry its template in
full: a bare template name would reach plotly.js unresolved.
"""

import json

import pytest

import utils
from utils import anatomy_figures as af
from utils import clinical
from utils import movement_figures as mf
from utils import progress
from utils import review_widgets as rw
from utils.display import checked, new_figure, scatter
from utils.muscle_models import MuscleGeometry


@pytest.fixture(scope="module")
def tables():
    return utils.load_course()


def _label_questions(tables):
    q = tables["questions"]
    return list(q.loc[(q["type"] == "label") & (q["figure"] == af.BONES_VIEW), "question_id"])


def _builders(tables):
    """Yield (name, figure) for every builder, over the choices a learner can make."""
    for scheme in af.SCHEMES:
        yield f"cross_section {scheme}", af.cross_section_figure(tables, scheme)
        for cid in af.scheme_compartments(tables, scheme):
            yield f"cross_section {scheme} {cid}", af.cross_section_figure(tables, scheme, highlight=cid)
    for layer in af.LAYER_ORDER:
        yield f"layers {layer}", af.layers_figure(tables, layer)
    yield "bones", af.bones_figure(tables)
    for muscle in af.attachment_muscles(tables):
        yield f"bones {muscle}", af.bones_figure(tables, muscle)
    for qid in _label_questions(tables):
        yield f"label {qid}", af.label_question_figure(tables, qid)
    yield "directions", af.directions_figure(tables)
    for term in af.DIRECTION_TERMS:
        yield f"directions {term}", af.directions_figure(tables, term)
    yield "plantaris", af.plantaris_figure(tables, af.simulate_class(40, 8.0, seed=2))
    for intact in (True, False):
        for squeezed in (True, False):
            yield f"thompson {intact} {squeezed}", clinical.thompson_figure(intact, squeezed, ["rajagopal2016"])
    geometry = MuscleGeometry.from_course(tables, "rajagopal2016")
    yield "explorer", mf.explorer_figure(mf.explorer_setup(geometry, tables), knee_deg=90, ankle_deg=10)
    for tight in ("gastrocnemius", "soleus"):
        yield f"silfverskiold {tight}", mf.silfverskiold_figure(geometry, mf.silfverskiold(geometry, tight, 0))
    yield "gait_emg", mf.gait_emg_figure(tables["gait_emg"], tables["gait_phases"])
    shares = mf.phase_share(tables["gait_emg"], tables["gait_phases"], "soleus")
    yield "phase_share", mf.phase_share_figure(shares, {"stance": 0.6, "swing": 0.4}, "soleus", {"soleus": "Soleus"})
    yield "gait_angles", mf.gait_angles_figure(tables["gait_angles"], tables["gait_phases"])
    yield "progress", rw.progress_figure(progress.summary(tables=tables))


def test_every_builder_passes_plotly_checks_and_carries_its_template(tables):
    seen = 0
    for name, fig in _builders(tables):
        try:
            checked(fig)
        except ValueError as err:  # pragma: no cover - the message is the point
            pytest.fail(f"{name}: {err}")
        template = json.loads(fig.to_json())["layout"].get("template")
        assert isinstance(template, dict) and template.get("layout"), f"{name}: template not written out"
        seen += 1
    assert seen > 40


def test_checked_rejects_what_the_fast_builders_let_through():
    fig = new_figure(data=[scatter(x=[0, 1], y=[0, 1], mode="wiggly")])
    fig.update_layout(height="tall")
    assert fig.layout.height == "tall"
    with pytest.raises(ValueError, match="height|mode"):
        checked(fig)
