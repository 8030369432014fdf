"""Lesson 07: glossary flip cards, the seeded review set and further reading."""

import html

import pytest

import utils
from utils import progress
from utils import review_widgets as rw


@pytest.fixture(scope="module")
def tables():
    return utils.load_course()


def test_card_faces_front_is_the_term_back_the_definition_and_lesson(tables):
    term = tables["glossary"].set_index("term_id").loc["moment_arm"].to_dict() | {"term_id": "moment_arm"}
    faces = rw.card_faces(term, tables)
    assert faces.front == "moment arm"
    assert faces.lesson == "Lesson 04: Actions"
    assert faces.sources == "Sources: [Delp et al. 1990]"
    assert rw.card_faces(term).sources == "Sources: delp1990"  # without tables: the ids
    front, back = rw.card_html(faces, False), rw.card_html(faces, True)
    definition = html.escape(term["definition"])
    assert "moment arm" in front and definition not in front
    assert definition in back and "Lesson 04: Actions" in back


def test_card_faces_missing_column():
    with pytest.raises(KeyError, match="definition"):
        rw.card_faces({"term_id": "x", "term": "x", "lesson_id": "01", "source_ids": ("a",)})


def test_deck_terms_filters_by_lesson_and_sorts(tables):
    all_terms = rw.deck_terms(tables["glossary"])
    assert len(all_terms) == len(tables["glossary"])
    only = rw.deck_terms(tables["glossary"], "05")
    assert only and all(t["lesson_id"] == "05" for t in only)
    terms = [t["term"].casefold() for t in only]
    assert terms == sorted(terms)


def test_deck_flips_moves_and_wraps(tables):
    deck = rw.GlossaryDeck(tables)
    assert rw.PROBE in deck.flip_button._dom_classes and rw.PROBE_OUTPUT in deck.card._dom_classes
    front = deck.card.value
    deck.flip_button.click()
    assert deck.card.value != front and "course-flip-back" in deck.card.value
    deck.move(-1)
    assert deck.index == len(deck.terms) - 1 and not deck.flipped
    deck.lesson.value = "06"
    assert deck.index == 0 and all(t["lesson_id"] == "06" for t in deck.terms)
    assert "Card 1 of" in deck.counter.value


def test_review_questions_are_repeatable_and_leave_out_lesson_07(tables, tmp_path):
    path = tmp_path / "p.jsonl"
    first = rw.review_questions(8, 7, path, tables)
    assert first == rw.review_questions(8, 7, path, tables)
    assert len(first) == 8 and len(set(first)) == 8
    lesson = tables["questions"].set_index("question_id")["lesson_id"]
    assert all(lesson[q] != "07" for q in first)


def test_review_never_asks_a_question_that_needs_its_lessons_figure_or_widget(tables, tmp_path):
    q = tables["questions"].set_index("question_id")
    needs_lesson = set(q.index[~q["in_review"].astype(bool)])
    assert set(q.index[q["type"] == "label"]) <= needs_lesson  # a label question points at a figure
    drawn = {qid for seed in range(20) for qid in rw.review_questions(12, seed, tmp_path / "p.jsonl", tables)}
    assert drawn and not drawn & needs_lesson


def test_review_questions_favour_what_was_missed(tables, tmp_path):
    path = tmp_path / "p.jsonl"
    missed = "q04_knee_bent_weak"
    progress.record_answer(lesson_id="04", question_id=missed, objective_id="o04_2", correct=False, path=path)
    right = [q for q in tables["questions"]["question_id"] if q != missed][:20]
    for q in right:
        row = tables["questions"].set_index("question_id").loc[q]
        progress.record_answer(lesson_id=row["lesson_id"], question_id=q, objective_id=row["objective_id"],
                               correct=True, path=path)
    hits = {q: 0 for q in (missed, right[0])}
    for seed in range(60):
        drawn = rw.review_questions(3, seed, path, tables)
        for q in hits:
            hits[q] += q in drawn
    assert hits[missed] > hits[right[0]]


def test_review_session_builds_a_quiz_when_shown(tables, tmp_path):
    session = rw.ReviewSession(tables, n=4, seed=3, path=tmp_path / "p.jsonl")
    assert len(session.question_ids) == 4
    box = session.quiz
    assert [c.question.question_id for c in box.cards] == session.question_ids
    [shown] = session.output.outputs
    assert shown["data"]["application/vnd.jupyter.widget-view+json"]["model_id"] == box.model_id
    assert "seed" not in session.status.value and "Review set 1" in session.status.value
    again = session.again()
    assert again == rw.review_questions(4, 4, tmp_path / "p.jsonl", tables)
    assert "Review set 2" in session.status.value


def test_further_reading_groups_sources_by_kind(tables):
    text = rw.further_reading_md(tables)
    assert "### Textbooks and reference chapters" in text and "### Research articles" in text
    assert "Commissioning article" not in text
    assert "<https://" in text
    shown = sum(1 for line in text.splitlines() if line.startswith("- **"))
    assert shown == len(tables["sources"]) - 1


def test_progress_figure_stacks_right_review_and_untried(tables, tmp_path):
    path = tmp_path / "p.jsonl"
    progress.record_answer(lesson_id="04", question_id="q04_moment_arm", objective_id="o04_3", correct=True, path=path)
    progress.record_answer(lesson_id="04", question_id="q04_soleus_knee", objective_id="o04_1", correct=False,
                           path=path)
    summary = progress.summary(path, tables)
    fig = rw.progress_figure(summary)
    assert [t.name for t in fig.data] == ["last answer right", "to review (last answer wrong)", "not tried yet"]
    i = list(fig.data[0].y).index("Lesson 04")
    n04 = int((tables["questions"]["lesson_id"] == "04").sum())
    assert (fig.data[0].x[i], fig.data[1].x[i], fig.data[2].x[i]) == (1, 1, n04 - 2)
    assert len({t.marker.pattern.shape for t in fig.data}) == 3  # not told apart by colour alone
    assert f"lesson 04: 1 right, 1 to review, {n04 - 2} not tried of {n04}" in fig.layout.meta["description"]
