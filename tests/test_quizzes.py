"""Grading of every question type, and the quiz widget's wiring (check, tries, reveal, records)."""

import json
from pathlib import Path

import pytest

from utils import load_course
from utils.data import clear_cache
from utils.progress import load_answers
from utils.quizzes import (
    Feedback, SessionScore, answer_text, correct_response, grade, parse_number, question_bank, quiz,
    static_html, wrong_responses,
)

FIXTURE = Path(__file__).parent / "fixtures" / "question_bank"


@pytest.fixture(scope="module")
def tables():
    clear_cache()
    yield load_course(FIXTURE)
    clear_cache()


@pytest.fixture(scope="module")
def bank(tables):
    return question_bank(tables)


@pytest.fixture
def progress_file(tmp_path):
    return tmp_path / "progress.jsonl"


# ---------------------------------------------------------------- building the bank

def test_options_are_shown_in_a_fixed_shuffled_order(bank):
    from utils.quizzes import display_order

    options = bank["q_single"].options
    assert display_order("q_single", reversed(options)) == options  # same order whatever the file order
    course = question_bank()
    firsts = {next(i for i, o in enumerate(q.options) if o.correct)
              for q in course.values() if q.type == "single"}
    assert len(firsts) > 1, "the right answer of every single-choice question sits in the same place"


def test_bank_builds_every_question_with_options_and_source_labels(bank):
    assert set(bank) == {"q_single", "q_multiple", "q_matching", "q_numeric", "q_label"}
    assert sorted(o.option_id for o in bank["q_single"].options) == ["a", "b", "c"]
    assert bank["q_multiple"].source_labels == ("Gray 1918", "StatPearls: soleus")
    assert bank["q_numeric"].options == ()
    assert (bank["q_numeric"].answer_low, bank["q_numeric"].answer_high, bank["q_numeric"].unit) == (9, 10.5, "%")
    assert bank["q_label"].figure == "tibia_posterior"
    assert bank["q_label"].max_tries == 1


# ---------------------------------------------------------------- single

def test_single_right_answer_explains_and_names_sources(bank):
    fb = grade(bank["q_single"], "a")
    assert fb == Feedback(True, fb.message, ("gray1918",), None, True)
    assert fb.message.startswith("Correct.")
    assert "Gastrocnemius has a medial and a lateral head." in fb.message
    assert "Gray 1918" in fb.message


def test_single_wrong_answer_shows_that_options_feedback(bank):
    fb = grade(bank["q_single"], "b", attempt=1)
    assert not fb.correct and fb.counted
    assert "Soleus has one belly" in fb.message
    assert fb.reveal is None
    assert "1 try left" in fb.message


def test_single_reveals_answer_after_last_try(bank):
    fb = grade(bank["q_single"], "c", attempt=2)
    assert fb.reveal == "Gastrocnemius"
    assert "The answer: Gastrocnemius" in fb.message


@pytest.mark.parametrize("response", [None, "", "zz"])
def test_single_without_a_valid_choice_is_not_counted(bank, response):
    fb = grade(bank["q_single"], response)
    assert not fb.correct and not fb.counted


# ---------------------------------------------------------------- multiple

@pytest.mark.parametrize("response", [["a", "b"], {"b", "a"}, ("b", "a")])
def test_multiple_right_in_any_order(bank, response):
    assert grade(bank["q_multiple"], response).correct


def test_multiple_names_extra_option_and_counts_missing(bank):
    fb = grade(bank["q_multiple"], ["a", "c"])
    assert not fb.correct
    assert "“Tibialis anterior” should not be ticked" in fb.message
    assert "anterior compartment" in fb.message
    assert "1 correct option is not ticked" in fb.message


def test_multiple_missing_only(bank):
    fb = grade(bank["q_multiple"], ["b"])
    assert not fb.correct and "1 correct option is not ticked" in fb.message
    assert "should not be ticked" not in fb.message


def test_multiple_reveal_lists_every_correct_option(bank):
    assert sorted(grade(bank["q_multiple"], ["c"], attempt=3).reveal.split("; ")) == ["Gastrocnemius", "Soleus"]
    assert grade(bank["q_multiple"], ["c"], attempt=2).reveal is None


@pytest.mark.parametrize("response", [None, [], set()])
def test_multiple_empty_is_not_counted(bank, response):
    assert not grade(bank["q_multiple"], response).counted


# ---------------------------------------------------------------- matching

RIGHT_PAIRS = {"soleus": "Tibia and fibula", "gastrocnemius_medial": "Femur above the medial condyle",
               "gastrocnemius_lateral": "Lateral femoral condyle"}


def test_matching_right(bank):
    assert grade(bank["q_matching"], RIGHT_PAIRS).correct


def test_matching_accepts_item_text_as_key(bank):
    by_text = {"Soleus": "Tibia and fibula", "Gastrocnemius (medial head)": "Femur above the medial condyle",
               "Gastrocnemius (lateral head)": "Lateral femoral condyle"}
    assert grade(bank["q_matching"], by_text).correct


def test_matching_says_which_pairs_are_wrong(bank):
    swapped = {**RIGHT_PAIRS, "gastrocnemius_medial": "Lateral femoral condyle",
               "gastrocnemius_lateral": "Femur above the medial condyle"}
    fb = grade(bank["q_matching"], swapped)
    assert not fb.correct
    assert "2 of 3 pairs are wrong" in fb.message
    assert "“Gastrocnemius (medial head)” is not matched with “Lateral femoral condyle”" in fb.message
    assert "“Soleus” is not matched" not in fb.message


def test_matching_with_open_items_is_not_counted(bank):
    fb = grade(bank["q_matching"], {**RIGHT_PAIRS, "soleus": None})
    assert not fb.counted and "Soleus" in fb.message


# ---------------------------------------------------------------- numeric

@pytest.mark.parametrize("response", [9.9, 9, 10.5, "9.9", "9,9", "9.9 %", "9.9%", " 10 percent ", "1e1"])
def test_numeric_right_values_and_spellings(bank, response):
    assert grade(bank["q_numeric"], response).correct


@pytest.mark.parametrize("response, side", [(8.99, "too low"), ("12 %", "too high"), (-1, "too low")])
def test_numeric_wrong_says_too_low_or_high(bank, response, side):
    fb = grade(bank["q_numeric"], response)
    assert fb.counted and not fb.correct and side in fb.message
    assert "positive" not in fb.message and "fraction" not in fb.message


def test_numeric_wrong_sign_or_a_fraction_for_a_percentage_get_a_hint(bank):
    q = bank["q_numeric"]
    assert q.unit == "%" and q.answer_low > 1
    negative = grade(q, -q.answer_low)
    assert negative.counted and not negative.correct and "give it as a positive number" in negative.message
    fraction = grade(q, q.answer_low / 100)
    assert fraction.counted and not fraction.correct and "multiply by 100" in fraction.message


@pytest.mark.parametrize("response", ["abc", "10 kg", "", None, "nan", float("inf"), True])
def test_numeric_unreadable_gets_a_clear_message_and_is_not_counted(bank, response):
    fb = grade(bank["q_numeric"], response)
    assert not fb.counted
    assert "number" in fb.message


def test_parse_number_units():
    assert parse_number("7,5 cm", "cm") == 7.5
    assert parse_number("7.5 mm", "cm") is None
    assert parse_number("12") == 12.0
    assert parse_number("12 %") is None


# ---------------------------------------------------------------- label

def test_label_right_by_option_or_region_id(bank):
    assert grade(bank["q_label"], "a").correct
    assert grade(bank["q_label"], "soleal_line").correct


def test_label_wrong_reveals_at_once_with_one_try(bank):
    fb = grade(bank["q_label"], "medial_border")
    assert not fb.correct
    assert "medial border of the tibia" in fb.message
    assert fb.reveal == "Soleal line"


# ---------------------------------------------------------------- helpers over the whole fixture bank

def test_correct_and_wrong_responses_for_every_question(bank):
    for q in bank.values():
        assert grade(q, correct_response(q)).correct, q.question_id
        wrongs = wrong_responses(q)
        assert wrongs, q.question_id
        for response in wrongs:
            fb = grade(q, response)
            assert fb.counted and not fb.correct, (q.question_id, response)


def test_answer_text(bank):
    assert answer_text(bank["q_numeric"]) == "between 9 and 10.5 %"
    assert "Soleus → Tibia and fibula" in answer_text(bank["q_matching"])


def test_unknown_type_is_an_error(bank):
    from dataclasses import replace
    with pytest.raises(ValueError, match="unknown question type"):
        grade(replace(bank["q_single"], type="essay"), "a")


# ---------------------------------------------------------------- static view

def test_static_html_hides_answer_in_details(bank):
    text = static_html([bank["q_single"]])
    assert "Which muscle has two heads?" in text
    head, details = text.split("<details>")
    assert "Gastrocnemius has a medial" not in head
    assert "Gastrocnemius has a medial" in details and "Gray 1918" in details


def test_quiz_mimebundle_carries_widget_and_static_html(tables, progress_file):
    box = quiz(["q_single", "q_numeric"], tables=tables, path=progress_file, score=SessionScore())
    data = box._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert data["text/html"].count("<details>") == 2
    assert "In what percentage" in data["text/html"]


# ---------------------------------------------------------------- widget wiring

def test_quiz_css_classes(tables, progress_file):
    box = quiz("q_single", tables=tables, path=progress_file, score=SessionScore())
    assert "course-quiz" in box._dom_classes
    card = box.cards[0]
    assert "course-quiz-feedback" in card.feedback._dom_classes


def test_single_widget_wrong_twice_then_reveal_and_records(tables, progress_file):
    score = SessionScore()
    card = quiz("q_single", tables=tables, path=progress_file, score=score).cards[0]
    assert card.feedback.value == "" and card.check_button.description == "Check (2 tries left)"
    card.check_button.click()  # nothing chosen: message, no try used
    assert "Choose an answer" in card.feedback.value and card.tries == 0
    card.control.value = "b"
    card.check_button.click()
    assert "Soleus has one belly" in card.feedback.value
    assert card.tries == 1 and card.check_button.description == "Check (1 try left)"
    assert not card.check_button.disabled
    assert score.text() == "Score this session: no questions finished yet."  # a try is left: not counted
    card.control.value = "c"
    card.check_button.click()
    assert "The answer: Gastrocnemius" in card.feedback.value
    assert card.check_button.disabled and card.check_button.description == "Checked"
    card.check_button.click()  # disabled: a further click changes nothing
    assert card.tries == 2
    records, messages = load_answers(progress_file)
    assert messages == []
    assert [(r["question_id"], r["response"], r["correct"]) for r in records] == [
        ("q_single", "b", False), ("q_single", "c", False)]
    assert records[0]["lesson_id"] == "02" and records[0]["objective_id"] == "o02_1"
    assert score.text() == "Score this session: 0 of 1 question right."


def test_widgets_for_each_type_accept_the_right_answer(tables, progress_file):
    score = SessionScore()
    box = quiz(["q_single", "q_multiple", "q_matching", "q_numeric", "q_label"], tables=tables,
               path=progress_file, score=score)
    single, multiple, matching, numeric, label = box.cards
    single.control.value = "a"
    multiple.controls["a"].value = True
    multiple.controls["b"].value = True
    for key, partner in RIGHT_PAIRS.items():
        matching.controls[key].value = partner
    numeric.control.value = "10 %"
    label.control.value = "a"
    for card in box.cards:
        card.check_button.click()
        assert "Correct." in card.feedback.value, card.question.question_id
        assert card.check_button.disabled
    assert score.text() == "Score this session: 5 of 5 questions right."
    assert score.label.value == score.text()
    assert len(load_answers(progress_file)[0]) == 5


def test_numeric_widget_unreadable_input_uses_no_try(tables, progress_file):
    card = quiz("q_numeric", tables=tables, path=progress_file, score=SessionScore()).cards[0]
    card.control.value = "about ten"
    card.check_button.click()
    assert "could not be read as a number" in card.feedback.value
    assert card.tries == 0
    assert not progress_file.exists()


def test_multiple_widget_feedback_changes_with_the_answer(tables, progress_file):
    card = quiz("q_multiple", tables=tables, path=progress_file, score=SessionScore()).cards[0]
    card.controls["c"].value = True
    card.check_button.click()
    first = card.feedback.value
    assert "Tibialis anterior" in first
    card.controls["c"].value = False
    card.controls["a"].value = True
    card.check_button.click()
    assert card.feedback.value != first and "1 correct option is not ticked" in card.feedback.value


def test_quiz_keeps_working_when_progress_cannot_be_saved(tables, tmp_path):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where a folder should be")
    path = blocker / "progress.jsonl"
    card = quiz("q_label", tables=tables, path=path, score=SessionScore()).cards[0]
    card.control.value = "a"
    card.check_button.click()
    assert "Correct." in card.feedback.value
    assert "Correct." in card.feedback.value and "kept for this session only" in card.feedback.value
    records, _ = load_answers(path)
    assert [r["question_id"] for r in records] == ["q_label"]


def test_quiz_shows_repair_message_for_damaged_progress(tables, tmp_path):
    path = tmp_path / "progress.jsonl"
    path.write_text(json.dumps({"time": "2026-01-01T00:00:00+00:00", "lesson_id": "02", "question_id": "q_single",
                                "objective_id": "o02_1", "correct": True, "response": "a"}) + "\n{\"time\": \"20")
    box = quiz("q_single", tables=tables, path=path, score=SessionScore())
    notice = box.children[-1].value
    assert "damaged" in notice and "copied to" in notice


def test_quiz_unknown_id(tables, progress_file):
    with pytest.raises(KeyError, match="q_nope"):
        quiz(["q_single", "q_nope"], tables=tables, path=progress_file)


def test_lesson_quiz_holds_that_lessons_questions(tables, progress_file):
    from utils.quizzes import lesson_question_ids, lesson_quiz
    assert lesson_question_ids("03", tables) == ["q_matching", "q_label"]
    box = lesson_quiz("02", tables=tables, path=progress_file, score=SessionScore())
    assert [c.question.question_id for c in box.cards] == ["q_single", "q_multiple", "q_numeric"]
    with pytest.raises(KeyError, match="07"):
        lesson_quiz("07", tables=tables, path=progress_file)



def test_a_revealed_answer_ending_in_a_full_stop_is_not_doubled(bank):
    import dataclasses

    q = bank["q_single"]
    options = tuple(dataclasses.replace(o, text=o.text + ".") if o.correct else o for o in q.options)
    fb = grade(dataclasses.replace(q, options=options), "c", attempt=q.max_tries)
    assert fb.reveal is not None and ".." not in fb.message
