"""Lesson 06: clinical rows as text, the Thompson test schematic, and compartment walls."""

from unittest import mock

import pytest

import utils
from utils import clinical


@pytest.fixture(scope="module")
def tables():
    return utils.load_course()


@pytest.fixture(autouse=True)
def no_display():
    with mock.patch("IPython.display.display"):
        yield


def test_condition_md_renders_every_part_with_citations(tables):
    text = clinical.condition_md(tables, "achilles_rupture")
    row = tables["clinical"].set_index("condition_id").loc["achilles_rupture"]
    assert text.startswith(f"### {row['name']}")
    for col in ("what_happens", "mechanism", "examination", "anatomy_link"):
        assert row[col] in text
    assert "*Sources: [" in text


def test_condition_md_unknown_id(tables):
    with pytest.raises(KeyError, match="clinical"):
        clinical.condition_md(tables, "no_such_condition")


def test_deep_posterior_walls_include_the_transverse_septum(tables):
    walls = clinical.compartment_walls(tables, "deep_posterior")
    assert "transverse_intermuscular_septum" in set(walls["boundary_id"])
    beyond = walls.set_index("boundary_id").loc["transverse_intermuscular_septum", "other_side"]
    assert "Superficial posterior" in beyond
    assert "posterior_intermuscular_septum" in set(walls["boundary_id"])  # wall of the parent compartment
    by_id = walls.set_index("boundary_id")
    assert by_id.loc["posterior_intermuscular_septum", "of_parent"]
    assert not by_id.loc["transverse_intermuscular_septum", "of_parent"]
    md = clinical.walls_md(tables, "deep_posterior")
    own, whole = md.split("as a whole")
    assert "Transverse intermuscular septum" in own and "Posterior intermuscular septum" not in own
    assert "Posterior intermuscular septum" in whole


def test_every_compartment_has_the_crural_fascia_as_outer_wall(tables):
    for cid in ("anterior", "lateral", "superficial_posterior", "deep_posterior"):
        walls = clinical.compartment_walls(tables, cid)
        assert "crural_fascia" in set(walls["boundary_id"])


def test_thompson_outcome_and_schematic():
    assert clinical.thompson_outcome(True) and not clinical.thompson_outcome(False)
    intact = clinical.thompson_figure(True, True)
    torn = clinical.thompson_figure(False, True)
    names_intact = [t.name for t in intact.data]
    assert "calcaneal tendon (intact)" in names_intact
    assert "calcaneal tendon (torn: gap)" in [t.name for t in torn.data]
    notes = lambda f: " ".join(a.text for a in f.layout.annotations)  # noqa: E731
    assert "foot plantarflexes" in notes(intact) and "foot does not move" in notes(torn)
    assert "not to scale" in notes(intact)
    # the foot of the intact, squeezed leg is turned; the torn one is not
    foot = lambda f: next(t for t in f.data if t.name.startswith("foot"))  # noqa: E731
    assert foot(intact).x[2] > foot(torn).x[2]
    assert "the foot does not move" in torn.layout.meta["description"]


def test_thompson_not_squeezed_does_not_move_the_foot():
    fig = clinical.thompson_figure(True, False, ["statpearls_achilles_rupture"])
    notes = " ".join(a.text for a in fig.layout.annotations)
    assert "foot at rest" in notes and "does not move" not in notes
    assert "not squeezed" in fig.layout.meta["description"]
    assert fig.layout.meta["source_ids"] == ("statpearls_achilles_rupture",) or \
        list(fig.layout.meta["source_ids"]) == ["statpearls_achilles_rupture"]


def test_thompson_widget_is_the_probe_and_updates(tables):
    w = clinical.ThompsonTest(tables)
    assert clinical.PROBE in w.tendon._dom_classes and clinical.PROBE_OUTPUT in w.view._dom_classes
    assert "not squeezed" in w.description.value and "at rest" in w.description.value
    w.squeeze.value = True
    assert "plantarflexes" in w.description.value
    w.tendon.value = False
    assert "does not move" in w.description.value
    w.squeeze.value = False
    assert "not squeezed" in w.description.value
    assert "statpearls_achilles_rupture" in w.course_source_ids


def test_compartment_walls_widget_lists_the_chosen_compartment(tables):
    w = clinical.CompartmentWalls(tables, "deep_posterior")
    assert clinical.PROBE not in w.compartment._dom_classes
    assert "Transverse intermuscular septum" in w.walls.value
    assert w.walls.value.index("Posterior intermuscular septum") > w.walls.value.index("as a whole")
    w.compartment.value = "anterior"
    assert "anterior compartment" in w.walls.value and "Anterior intermuscular septum" in w.walls.value


def test_a_condition_card_can_name_its_own_parts(tables):
    graft = clinical.condition_md(tables, "plantaris_graft")
    assert "**Why it can be spared.**" in graft and "**Before the operation.**" in graft
    assert "**How it happens.**" not in graft
    rupture = clinical.condition_md(tables, "achilles_rupture")
    assert "**How it happens.**" in rupture and "**Signs and tests.**" in rupture
