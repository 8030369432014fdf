"""Figures of lessons 00-03: the drawings follow the tables, and each figure holds what its data imply."""

import pandas as pd
import pytest

from utils import anatomy_figures as af
from utils import load_course


@pytest.fixture(scope="module")
def tables():
    return load_course()


def names(fig):
    return [t.name for t in fig.data]


def trace(fig, name):
    hits = [t for t in fig.data if t.name == name]
    assert len(hits) == 1, (name, names(fig))
    return hits[0]


def distance_to_outline(x, y, xs, ys):
    """Shortest distance from (x, y) to the closed outline through xs, ys."""
    pts = list(zip(xs, ys)) + [(xs[0], ys[0])]
    best = float("inf")
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        dx, dy = x1 - x0, y1 - y0
        t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)))
        best = min(best, ((x - x0 - t * dx) ** 2 + (y - y0 - t * dy) ** 2) ** 0.5)
    return best


def inside(tables, figure, point_id, area_id, area_table):
    pts = af.shape(tables, figure, point_id)
    x, y = af.centroid(pts)
    xs, ys = af.coords(af.shape(tables, figure, area_id, area_table))
    return af.point_in_polygon(x, y, xs, ys)


# ---------------------------------------------------------------- the shapes table

def test_every_shape_names_a_row_of_its_table(tables):
    shapes = tables["figure_shapes"]
    for (table, sid) in shapes[["structure_table", "structure_id"]].drop_duplicates().itertuples(index=False):
        id_col = tables[table].columns[0]
        assert sid in set(tables[table][id_col]), f"{sid} is not in {table}.csv"


def test_points_are_numbered_from_one_and_labels_sit_on_the_first_point(tables):
    shapes = tables["figure_shapes"]
    for _key, group in shapes.groupby(["figure", "structure_table", "structure_id"]):
        assert list(group["point_order"]) == list(range(1, len(group) + 1))
        assert group["label_x"].iloc[1:].isna().all() and group["label_y"].iloc[1:].isna().all()
        kind = set(group["kind"])
        assert len(kind) == 1
        if kind == {"area"}:
            assert len(group) >= 3
        if kind == {"point"}:
            assert len(group) == 1


def test_every_attachment_landmark_and_compartment_is_drawn(tables):
    bones_view = af.shapes(tables, af.BONES_VIEW)
    drawn = set(zip(bones_view["structure_table"], bones_view["structure_id"]))
    for aid in tables["attachments"]["attachment_id"]:
        assert ("attachments", aid) in drawn, aid
    for lm in tables["landmarks"]["landmark_id"]:
        assert ("landmarks", lm) in drawn, lm
    for m in set(tables["attachments"]["muscle_id"]):
        assert ("muscles", m) in drawn, f"no line of pull for {m}"
    section = af.shapes(tables, af.CROSS_SECTION)
    drawn = set(zip(section["structure_table"], section["structure_id"]))
    for c in tables["compartments"]["compartment_id"]:
        assert ("compartments", c) in drawn, c
    for b in tables["boundaries"]["boundary_id"]:
        assert ("boundaries", b) in drawn, b


def test_attachment_areas_lie_on_their_bone(tables):
    for a in tables["attachments"].to_dict("records"):
        if pd.isna(a["bone_id"]):
            continue
        assert inside(tables, af.BONES_VIEW, a["attachment_id"], a["bone_id"], "bones"), a["attachment_id"]


def test_landmarks_lie_on_their_bone(tables):
    for lm in tables["landmarks"].to_dict("records"):
        if pd.isna(lm["bone_id"]):
            continue
        pts = af.shape(tables, af.BONES_VIEW, lm["landmark_id"], "landmarks")
        xs, ys = af.coords(af.shape(tables, af.BONES_VIEW, lm["bone_id"], "bones"))
        for x, y in zip(pts["x"], pts["y"]):
            # on the bone, or on its edge (a border is the edge of the bone)
            assert af.point_in_polygon(x, y, xs, ys) or distance_to_outline(x, y, xs, ys) < 0.3, lm["landmark_id"]


def test_nerves_and_vessels_lie_in_the_compartment_the_tables_name(tables):
    section = af.shapes(tables, af.CROSS_SECTION)
    vessels = section.loc[section["structure_table"] == "glossary", "structure_id"].unique()
    assert len(vessels) >= 5
    for v in vessels:
        where = af.containing_compartment(tables, v, "four")
        assert where is not None, v
        c = tables["compartments"].set_index("compartment_id").loc[where]
        text = " ".join(str(c[k]) for k in ("nerve", "main_artery", "artery_note")).lower()
        term = tables["glossary"].set_index("term_id").loc[v, "term"].lower()
        assert term in text, (v, where)


def test_cross_section_keeps_the_relative_positions(tables):
    cen = {sid: af.centroid(af.shape(tables, af.CROSS_SECTION, sid, tab))
           for tab, sid in [("bones", "tibia"), ("bones", "fibula"), ("compartments", "anterior"),
                            ("compartments", "lateral"), ("compartments", "deep_posterior"),
                            ("compartments", "superficial_posterior"), ("muscles", "soleus"),
                            ("muscles", "gastrocnemius_medial"), ("muscles", "gastrocnemius_lateral")]}
    assert cen["tibia"][0] < cen["fibula"][0] and cen["tibia"][1] > cen["fibula"][1]  # tibia anteromedial
    assert cen["anterior"][1] > cen["deep_posterior"][1] > cen["superficial_posterior"][1]
    assert cen["lateral"][0] > max(cen["anterior"][0], cen["deep_posterior"][0])
    # gastrocnemius is superficial (further back) to soleus; the medial head is medial to the lateral one
    assert cen["soleus"][1] > cen["gastrocnemius_medial"][1] and cen["soleus"][1] > cen["gastrocnemius_lateral"][1]
    assert cen["gastrocnemius_medial"][0] < cen["gastrocnemius_lateral"][0]
    xs, ys = af.coords(af.shape(tables, af.CROSS_SECTION, "superficial_posterior", "compartments"))
    for mid in ("soleus", "plantaris", "gastrocnemius_medial", "gastrocnemius_lateral"):
        for x, y in af.shape(tables, af.CROSS_SECTION, mid, "muscles")[["x", "y"]].itertuples(index=False):
            assert af.point_in_polygon(x, y, xs, ys) or distance_to_outline(x, y, xs, ys) < 0.05, mid
    # the posterior compartment of the three-compartment view covers both posterior parts
    for part in ("superficial_posterior", "deep_posterior"):
        x, y = af.centroid(af.shape(tables, af.CROSS_SECTION, part, "compartments"))
        assert af.point_in_polygon(x, y, *af.coords(af.shape(tables, af.CROSS_SECTION, "posterior", "compartments")))


def test_bones_view_keeps_the_relative_positions(tables):
    def c(sid, tab="landmarks"):
        return af.centroid(af.shape(tables, af.BONES_VIEW, sid, tab))
    assert c("medial_femoral_condyle")[0] < c("lateral_femoral_condyle")[0]
    assert c("tibia", "bones")[0] < c("fibula", "bones")[0]
    assert c("medial_femoral_condyle")[1] > 0 > c("head_of_fibula")[1] > c("calcaneal_tuberosity")[1]
    soleal = af.shape(tables, af.BONES_VIEW, "soleal_line", "landmarks")
    first, last = soleal.iloc[0], soleal.iloc[-1]
    assert first["x"] > last["x"] and first["y"] > last["y"]  # runs down and medially
    assert c("plantaris_prox_supracondylar", "attachments")[1] > c("gastrocnemius_lateral_prox_supracondylar",
                                                                   "attachments")[1]
    assert c("plantaris_dist", "attachments")[0] < c("soleus_dist", "attachments")[0]  # medial to the tendon
    for m in af.attachment_muscles(tables):
        pull = af.shape(tables, af.BONES_VIEW, m, "muscles")
        end = pull.iloc[-1]
        assert af.point_in_polygon(end["x"], end["y"], *af.coords(af.shape(tables, af.BONES_VIEW, "calcaneus", "bones")))


# ---------------------------------------------------------------- cross-section figure

@pytest.mark.parametrize("scheme", af.SCHEMES)
def test_cross_section_holds_the_scheme_compartments_walls_and_vessels(tables, scheme):
    fig = af.cross_section_figure(tables, scheme)
    comps = tables["compartments"]
    wanted = [n for n, s in zip(comps["name"], comps["schemes"]) if scheme in s]
    others = [n for n, s in zip(comps["name"], comps["schemes"]) if scheme not in s]
    assert len(wanted) == (3 if scheme == "three" else 4)
    for name in wanted + ["Tibia", "Fibula"] + list(tables["boundaries"]["name"]):
        trace(fig, name)
    assert not set(others) & set(names(fig))
    for v in ("tibial_nerve", "posterior_tibial_artery", "fibular_artery"):
        term = tables["glossary"].set_index("term_id").loc[v, "term"]
        t = trace(fig, term[0].upper() + term[1:])
        assert "deep posterior" in t.text or scheme == "three"
    assert fig.layout.meta["description"] == af.describe_cross_section(tables, scheme)
    assert set(fig.layout.meta["source_ids"]) <= set(tables["sources"]["source_id"])


def test_cross_section_hover_names_the_compartment_nerve_and_muscles(tables):
    fig = af.cross_section_figure(tables, "four")
    deep = tables["compartments"].set_index("compartment_id").loc["deep_posterior"]
    t = trace(fig, deep["name"])
    assert deep["name"] in t.text and deep["nerve"] in t.text
    for m in af.compartment_muscles(tables, "deep_posterior")["name"]:
        assert m in t.text


def test_highlight_marks_one_compartment_and_rejects_others(tables):
    fig = af.cross_section_figure(tables, "four", "superficial_posterior")
    widths = {t.name: t.line.width for t in fig.data if t.legendgroup == "compartments"}
    sp = tables["compartments"].set_index("compartment_id").loc["superficial_posterior", "name"]
    assert widths[sp] == max(widths.values()) and sorted(widths.values()).count(widths[sp]) == 1
    assert "Highlighted" in fig.layout.meta["description"]
    with pytest.raises(ValueError):
        af.cross_section_figure(tables, "three", "deep_posterior")
    with pytest.raises(ValueError):
        af.cross_section_figure(tables, "five")


def test_transverse_septum_is_a_wall_only_in_the_four_compartment_view(tables):
    wall4, text4 = af.boundary_role(tables, "transverse_intermuscular_septum", "four")
    wall3, text3 = af.boundary_role(tables, "transverse_intermuscular_septum", "three")
    assert wall4 and not wall3
    assert "inside" in text3 and text4.startswith("wall between")
    assert af.boundary_role(tables, "posterior_intermuscular_septum", "four")[0]


def test_compartment_details_come_from_the_tables(tables):
    det = af.compartment_details(tables, "lateral").set_index("what")
    assert det.loc["Main artery", "fact"] == "none named"
    lateral = tables["muscles"].query("compartment_id == 'lateral'")["name"]
    assert len(lateral) >= 2 and all(m in det.loc["Muscles", "fact"] for m in lateral)
    det = af.compartment_details(tables, "posterior").set_index("what")
    for m in ("Soleus", "Tibialis posterior", "Gastrocnemius"):
        assert m in det.loc["Muscles", "fact"]
    assert "medial head" not in det.loc["Muscles", "fact"]  # heads are not separate muscles here


# ---------------------------------------------------------------- layers

@pytest.mark.parametrize("layer", af.LAYER_ORDER)
def test_layers_figure_highlights_exactly_the_layer(tables, layer):
    fig = af.layers_figure(tables, layer)
    mus = tables["muscles"].set_index("muscle_id")
    for mid in af.drawn_muscles(tables):
        name = mus.loc[mid, "name"]
        t = next(t for t in fig.data if t.name in (name, f"{name} (tendon)"))
        lit = mid in set(af.layer_muscles(tables, layer)["muscle_id"])
        if t.mode == "markers":
            assert (t.marker.size == af.TENDON_SIZE[True]) == lit, mid
        else:
            assert (t.line.width == 3) == lit, mid
    assert f"Layer highlighted: {layer}" in fig.layout.meta["description"]
    with pytest.raises(ValueError):
        af.layers_figure(tables, "middle")


def test_layers_description_lists_deep_muscles_not_drawn(tables):
    text = af.describe_layers(tables, "deep posterior compartment")
    for name in af.layer_muscles(tables, "deep posterior compartment")["name"]:
        assert name in text
    assert "Gastrocnemius (superficial)" not in text  # the parent is not listed apart from its heads
    assert "Popliteus crosses only the knee" in text  # not cut by a mid-leg slice


def test_plantaris_lies_between_gastrocnemius_and_soleus(tables):
    order = af.drawn_muscles(tables)
    assert order.index("gastrocnemius_medial") < order.index("plantaris") < order.index("soleus")
    assert set(af.layer_muscles(tables, "intermediate")["muscle_id"]) == {"plantaris"}


# ---------------------------------------------------------------- bones and attachments

@pytest.mark.parametrize("muscle", ["soleus", "gastrocnemius_medial", "gastrocnemius_lateral", "plantaris"])
def test_choosing_a_muscle_highlights_exactly_its_attachments(tables, muscle):
    fig = af.bones_figure(tables, muscle)
    highlighted = {t.meta for t in fig.data if t.legendgroup == "attachments"}
    expected = set(tables["attachments"].query("muscle_id == @muscle")["attachment_id"])
    assert highlighted == expected
    for a in tables["attachments"].query("muscle_id == @muscle").to_dict("records"):
        t = next(t for t in fig.data if t.meta == a["attachment_id"])
        assert a["description"] in t.text and a["end"] in t.name
    name = tables["muscles"].set_index("muscle_id").loc[muscle, "name"]
    pull = trace(fig, f"{name}: line of pull")
    xs, ys = af.coords(af.shape(tables, af.BONES_VIEW, muscle, "muscles"))
    assert list(pull.x) == xs and list(pull.y) == ys
    desc = fig.layout.meta["description"]
    assert desc == af.describe_bones(tables, muscle)
    for lm in tables["attachments"].query("muscle_id == @muscle")["landmark_id"]:
        assert tables["landmarks"].set_index("landmark_id").loc[lm, "name"] in desc


def test_bones_figure_without_a_muscle_names_every_landmark(tables):
    fig = af.bones_figure(tables)
    assert not [t for t in fig.data if t.legendgroup == "attachments"]
    texts = {a.text for a in fig.layout.annotations}
    for name in tables["landmarks"]["name"]:
        assert name in texts


def test_label_question_figure_marks_the_right_landmark_and_hides_names(tables):
    fig = af.label_question_figure(tables, "q03_soleal_line")
    star = trace(fig, "the landmark asked about")
    expected = af._anchor(af.shape(tables, af.BONES_VIEW, "soleal_line", "landmarks"))
    assert (star.x[0], star.y[0]) == expected
    texts = " ".join(str(a.text) for a in fig.layout.annotations)
    for name in tables["landmarks"]["name"]:
        assert name not in texts
    with pytest.raises(ValueError):
        af.label_question_figure(tables, "q03_joints_crossed")
    with pytest.raises(KeyError):
        af.label_question_figure(tables, "no_such_question")


def test_unknown_ids_are_rejected(tables):
    with pytest.raises(KeyError):
        af.bones_figure(tables, "quadriceps")
    with pytest.raises(KeyError):
        af.shape(tables, af.CROSS_SECTION, "patella")


# ---------------------------------------------------------------- directions

def test_directions_figure_has_every_term_and_highlights_one(tables):
    arrows = af.direction_arrows(tables)
    assert {a["term"] for a in arrows} == set(af.DIRECTION_TERMS)
    fig = af.directions_figure(tables, "distal")
    bold = [a.text for a in fig.layout.annotations if a.text and a.text.startswith("<b>")]
    assert bold == ["<b>distal</b>"]
    assert tables["glossary"].set_index("term_id").loc["distal", "definition"] in fig.layout.meta["description"]
    down = [a for a in arrows if a["term"] == "distal"][0]
    assert down["y1"] < down["y0"]
    with pytest.raises(ValueError):
        af.directions_figure(tables, "upwards")


# ---------------------------------------------------------------- plantaris

def test_simulation_is_repeatable_and_checks_input():
    a = af.simulate_class(200, 10, seed=7)
    assert a == af.simulate_class(200, 10, seed=7)
    assert a["expected"] == 20 and 0 <= a["absent"] <= 200
    assert af.simulate_class(50, 0, 3)["absent"] == 0
    assert af.simulate_class(50, 100, 3)["absent"] == 50
    for bad in ((0, 10), (10.5, 10), (10, -1), (10, 101)):
        with pytest.raises(ValueError):
            af.simulate_class(*bad)


def test_absence_range_spans_the_studies(tables):
    low, high = af.absence_range(tables)
    st = tables["plantaris_studies"]
    assert low == st["absence_percent_low"].min() and high == st["absence_percent_high"].max()


def test_plantaris_figure_marks_each_study_and_the_simulated_class(tables):
    result = af.simulate_class(40, 8.0, seed=2)
    fig = af.plantaris_figure(tables, result)
    studies = trace(fig, "each study's figure (a range: bar between two squares)")
    st = tables["plantaris_studies"]
    n_points = sum(1 if lo == hi else 2 for lo, hi in zip(st["absence_percent_low"], st["absence_percent_high"]))
    assert len(studies.x) == n_points
    assert set(studies.y) == set(af.study_rates(tables)["label"])
    assert trace(fig, f"simulated: {result['absent']} of 40").x[0] == result["absent"]
    assert trace(fig, "expected at 8%: 3.2").x[0] == pytest.approx(3.2)
    assert fig.layout.meta["description"] == af.describe_plantaris(tables, result)


def test_study_labels_say_what_was_counted(tables):
    labels = af.study_rates(tables).set_index("study_id")["label"]
    assert labels["simpson1991_surgical"].endswith("surgical, 23 patients)")
    assert labels["olewnik2020"].endswith("cadaveric, 142 limbs)")
    assert "limbs" not in labels["yammine2019_true"] and "patients" not in labels["yammine2019_true"]
