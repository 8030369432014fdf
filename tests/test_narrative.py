"""Lesson pages rendered from the tables: header, definitions, key points, notes, recap, links, sources."""

import pytest

from utils import anatomy_widgets as aw
from utils import load_course
from utils import narrative as n

MY_LESSONS = ("00", "01", "02", "03")


@pytest.fixture(scope="module")
def tables():
    return load_course()


def test_cite_uses_short_labels_in_order_and_rejects_unknown_ids(tables):
    assert n.cite(tables, ["gray1918", "olewnik2020", "gray1918"]) == "[Gray 1918; Olewnik et al. 2020]"
    assert n.cite(tables, []) == ""
    with pytest.raises(KeyError, match="nobody1900"):
        n.cite(tables, ["nobody1900"])


@pytest.mark.parametrize("lesson_id", MY_LESSONS)
def test_header_has_title_objectives_time_and_prerequisites(tables, lesson_id):
    text = n.lesson_header_md(tables, lesson_id)
    lesson = tables["lessons"].set_index("lesson_id").loc[lesson_id]
    assert text.startswith(f"# Lesson {lesson_id} · {lesson['title']}")
    objectives = n.objectives(tables, lesson_id)
    assert 3 <= len(objectives) <= 5
    for i, obj in enumerate(objectives["text"], start=1):
        assert f"{i}. {obj}" in text
    assert f"about {lesson['minutes']} minutes" in text
    if lesson["prerequisites"]:
        for p in lesson["prerequisites"]:
            assert n.lesson_link(tables, p) in text
    else:
        assert "nothing" in text


@pytest.mark.parametrize("lesson_id", MY_LESSONS)
def test_every_objective_is_checked_by_at_least_five_questions_in_all(tables, lesson_id):
    q = tables["questions"].query("lesson_id == @lesson_id")
    assert len(q) >= 5
    assert set(n.objectives(tables, lesson_id)["objective_id"]) <= set(q["objective_id"])


def test_definition_and_key_points_carry_citations(tables):
    text = n.definition_md(tables, "proximal")
    g = tables["glossary"].set_index("term_id").loc["proximal"]
    assert text == f"**{g['term']}**: {g['definition']} {n.cite(tables, g['source_ids'])}"
    kp = n.key_points_md(tables, ["k01_1", "k01_2"])
    assert kp.count("\n") == 1 and kp.count("[") == 2
    with pytest.raises(KeyError, match="glossary"):
        n.definition_md(tables, "no_such_term")


def test_source_note_shows_both_sides_escaped(tables):
    html = n.source_note_html(tables, "d01_septum")
    d = tables["discrepancies"].set_index("discrepancy_id").loc["d01_septum"]
    assert "Note on sources" in html and "The introductory article says" in html
    assert "transverse intermuscular septum" in html
    assert "&#x27;posterior intermuscular septum&#x27;" in html  # quotes in the data are escaped
    assert d["topic"] in html


def test_navigation_links_previous_and_next(tables):
    first = n.navigation_md(tables, "00")
    assert "Previous" not in first and "(01_compartments.ipynb)" in first
    middle = n.navigation_md(tables, "02")
    assert "(01_compartments.ipynb)" in middle and "(03_attachments.ipynb)" in middle
    last = n.navigation_md(tables, tables["lessons"]["lesson_id"].iloc[-1])
    assert "Next" not in last and "Back to the start" in last and "(00_start_here.ipynb)" in last
    assert "Back to the start" not in middle


def test_learning_path_links_every_lesson(tables):
    text = n.learning_path_md(tables)
    for nb in tables["lessons"]["notebook"]:
        assert f"({nb})" in text


def test_recap_lists_the_lessons_points_and_objectives(tables):
    text = n.recap_md(tables, "03")
    for t in tables["key_points"].query("lesson_id == '03'")["text"]:
        assert t in text
    for t in n.objectives(tables, "03")["text"]:
        assert f"- [ ] {t}" in text


def test_sources_list_gives_full_citations_in_order(tables):
    text = n.sources_md(tables, ["olewnik2020", "gray1918", "olewnik2020"])
    src = tables["sources"].set_index("source_id")
    assert text.index(src.loc["olewnik2020", "citation"]) < text.index(src.loc["gray1918", "citation"])
    assert text.startswith("1. ") and "\n2. " in text and "\n3. " not in text
    with pytest.raises(KeyError):
        n.sources_md(tables, ["nobody1900"])


def test_lesson_remembers_sources_and_defines_a_term_once(tables):
    lesson = n.Lesson("01", tables)
    first = lesson.define_md("compartment")
    assert first and lesson.define_md("compartment") == ""
    lesson.points_md("k01_3")
    lesson.note_html("d01_septum")
    g = tables["glossary"].set_index("term_id").loc["compartment", "source_ids"]
    kp = tables["key_points"].set_index("point_id").loc["k01_3", "source_ids"]
    d = tables["discrepancies"].set_index("discrepancy_id").loc["d01_septum", "source_ids"]
    assert lesson.used == list(dict.fromkeys(list(g) + list(kp) + list(d)))
    text = lesson.sources_md()
    for sid in lesson.used:
        assert tables["sources"].set_index("source_id").loc[sid, "citation"] in text
    with pytest.raises(KeyError):
        n.Lesson("42", tables)


def test_recommendation_names_lessons_to_focus_on(tables):
    lessons = {"qa": "01", "qb": "02", "qc": "03"}
    text = n.recommend_lessons(tables, {"qa": True, "qb": False, "qc": None}, lessons)
    focus, faster = text.split("**You can move faster through:**")
    assert "02_triceps_surae.ipynb" in focus
    assert "01_compartments.ipynb" in faster and "01_compartments.ipynb" not in focus
    assert "03_attachments.ipynb" not in text and "1 pre-test question was not answered" in text  # unanswered: ignored
    assert "its pre-test question correctly" in faster
    two = n.recommend_lessons(tables, {"qa": True, "qb": True}, lessons)
    assert "their pre-test questions correctly" in two
    none = n.recommend_lessons(tables, {}, lessons)
    assert "not checked any" in none
    # a lesson with one right and one wrong answer still needs focus
    mixed = n.recommend_lessons(tables, {"qa": True, "qd": False}, {"qa": "01", "qd": "01"})
    assert "faster" not in mixed and "01_compartments.ipynb" in mixed


def test_boundaries_and_studies_tables_come_from_the_data(tables):
    text = n.boundaries_md(tables, ["posterior_intermuscular_septum", "transverse_intermuscular_septum"])
    b = tables["boundaries"].set_index("boundary_id")
    assert b.loc["transverse_intermuscular_septum", "name"] in text
    assert "deep transverse fascia of the leg" in text
    assert text.count("\n") == 3
    studies = n.studies_md(tables)
    assert studies.count("\n") == len(tables["plantaris_studies"]) + 1
    assert "14 of 142 limbs (9.9%)" in studies and "2 of 23 patients (8.7%)" in studies and "7–20%" in studies


def test_fact_table_filters_by_joint_and_layer(tables):
    all_rows = n.muscle_facts(tables)
    assert set(all_rows["muscle_id"]) == set(tables["muscles"].query("focus == True")["muscle_id"])
    knee = n.muscle_facts(tables, joint="knee")
    assert "soleus" not in set(knee["muscle_id"]) and "plantaris" in set(knee["muscle_id"])
    inter = n.muscle_facts(tables, layer="intermediate")
    assert set(inter["muscle_id"]) == {"plantaris"}  # between gastrocnemius (superficial) and soleus (deep)
    html = n.muscle_facts_html(tables, knee)
    assert "Gray 1918" in html and "Crosses" in html


# ---------------------------------------------------------------- widget wiring

PROBED = [aw.directions_explorer, aw.compartment_explorer, aw.plantaris_simulator, aw.attachments_explorer]


@pytest.mark.parametrize("builder", PROBED, ids=lambda b: b.__name__)
def test_probe_widgets_mark_one_control_and_its_output(tables, builder):
    box = builder(tables)

    def walk(w):
        yield w
        for c in getattr(w, "children", ()):
            yield from walk(c)
    classes = [c for w in walk(box) for c in w._dom_classes]
    assert classes.count("course-probe") == 1 and classes.count("course-probe-output") == 1
    assert set(box.course_source_ids) <= set(tables["sources"]["source_id"]) and box.course_source_ids
    quiet = builder(tables, probe=False)
    assert not [c for w in walk(quiet) for c in w._dom_classes if c.startswith("course-probe")]


def test_compartment_facts_and_attachment_rows_cite_sources(tables):
    text = aw.compartment_facts_md(tables, "deep_posterior")
    assert "tibial nerve" in text and "[" in text
    rows = aw.attachment_rows_md(tables, "soleus")
    assert rows.count("\n| proximal") == len(tables["attachments"].query("muscle_id == 'soleus' and end == 'proximal'"))
    assert aw.compartment_choices(tables, "three") == [
        (n_, c) for n_, c in aw.compartment_choices(tables, "three")]
    assert [c for _, c in aw.compartment_choices(tables, "three")] == ["anterior", "lateral", "posterior"]


# ---------------------------------------------------------------- the lesson notebooks 00-03

NOTEBOOKS = {"00": "00_start_here.ipynb", "01": "01_compartments.ipynb", "02": "02_triceps_surae.ipynb",
             "03": "03_attachments.ipynb"}


def _cells(lesson_id):
    import json
    from pathlib import Path
    path = Path(__file__).resolve().parent.parent / "notebooks" / NOTEBOOKS[lesson_id]
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


@pytest.mark.parametrize("lesson_id", MY_LESSONS)
def test_markdown_cells_hold_no_anatomical_names(tables, lesson_id):
    """Anatomy reaches the learner only through code cells that render the tables."""
    words = set()
    for table, col in (("muscles", "name"), ("bones", "name"), ("landmarks", "name"), ("boundaries", "name"),
                       ("compartments", "name")):
        words |= {str(v).casefold() for v in tables[table][col]}
    words |= {"gastrocnemius", "soleus", "plantaris", "tibia", "fibula", "femur", "calcaneus"}
    for cell in _cells(lesson_id):
        if cell["cell_type"] == "markdown":
            text = "".join(cell["source"]).casefold()
            assert not [w for w in words if w in text], text[:200]


@pytest.mark.parametrize("lesson_id", MY_LESSONS)
def test_each_lesson_has_every_part_and_one_probe(lesson_id):
    import inspect
    code = "\n".join("".join(c["source"]) for c in _cells(lesson_id) if c["cell_type"] == "code")
    assert f'Lesson("{lesson_id}", tables)' in code
    for part in ("lesson.header()", "lesson.figure(", "lesson.widget(", "lesson.quiz(", "exercises.check(",
                 "lesson.recap()", "lesson.navigation()", "lesson.sources()"):
        assert part in code, part
    probes = 0
    for name, fn in inspect.getmembers(aw, inspect.isfunction):
        params = inspect.signature(fn).parameters
        if "probe" in params and params["probe"].default is True:
            probes += code.count(f"interactive.{name}(")
    assert probes == 1
    assert "open(" not in code and "../" not in code  # no relative file paths


@pytest.mark.parametrize("lesson_id", MY_LESSONS)
def test_each_lesson_defines_its_glossary_terms_and_shows_its_key_points(tables, lesson_id):
    code = "\n".join("".join(c["source"]) for c in _cells(lesson_id) if c["cell_type"] == "code")
    defines = "\n".join(line for line in code.splitlines() if "define(" in line or line.startswith("   "))
    for term in tables["glossary"].query("lesson_id == @lesson_id")["term_id"]:
        assert f'"{term}"' in defines, term
    for point in tables["key_points"].query("lesson_id == @lesson_id")["point_id"]:
        assert f'"{point}"' in code, point
    for note in tables["discrepancies"].query("lesson_id == @lesson_id")["discrepancy_id"]:
        assert f'lesson.note("{note}")' in code, note
