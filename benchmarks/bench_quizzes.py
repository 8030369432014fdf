"""Time the quiz engine: a Check click until its feedback is shown, and saving an answer.

Targets: feedback ready in under 10 ms (median) after a click; recording an answer into a
progress file that already holds 10,000 answers in under 20 ms (median).
Run: python benchmarks/bench_quizzes.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from utils import load_course
from utils.progress import record_answer
from utils.quizzes import SessionScore, correct_response, quiz, wrong_responses

ROUNDS = 200


def _set_response(card, response) -> None:
    q = card.question
    if q.type == "multiple":
        for key, box in card.controls.items():
            box.value = key in response
    elif q.type == "matching":
        for key, dropdown in card.controls.items():
            dropdown.value = response[key]
    elif q.type == "numeric":
        card.control.value = str(response)
    else:
        card.control.value = response


def bench_clicks(tables, folder: Path) -> dict[str, tuple[list[float], list[float]]]:
    """Return {question type: (ms until feedback shown, ms for the whole click incl. saving)}."""
    box = quiz(list(_one_per_type(tables)), tables=tables, path=folder / "clicks.jsonl", score=SessionScore())
    results = {}
    for card in box.cards:
        shown_at = []
        card.feedback.observe(lambda change: shown_at.append(time.perf_counter()), names="value")
        responses = [correct_response(card.question), *wrong_responses(card.question)]
        ready, total = [], []
        for i in range(ROUNDS):
            card.tries, card.done, card.check_button.disabled = 0, False, False
            _set_response(card, responses[i % len(responses)])
            card.feedback.value = ""
            shown_at.clear()
            start = time.perf_counter()
            card.check_button.click()
            end = time.perf_counter()
            ready.append((shown_at[-1] - start) * 1000)
            total.append((end - start) * 1000)
        results[card.question.type] = (ready, total)
    return results


def _one_per_type(tables) -> dict[str, str]:
    picked = {}
    for qid, qtype in zip(tables["questions"]["question_id"], tables["questions"]["type"]):
        picked.setdefault(qtype, qid)
    return {qid: qtype for qtype, qid in picked.items()}


def bench_record(folder: Path, existing: int = 10_000) -> list[float]:
    """Return ms per record_answer call on a file that already holds ``existing`` answers."""
    path = folder / "big.jsonl"
    record_answer(lesson_id="02", question_id="q02_two_heads", objective_id="o02_1", correct=True,
                  response="a", path=path)
    path.write_text(path.read_text() * existing)
    times = []
    for i in range(ROUNDS):
        start = time.perf_counter()
        record_answer(lesson_id="02", question_id="q02_two_heads", objective_id="o02_1", correct=i % 2 == 0,
                      response="a", path=path)
        times.append((time.perf_counter() - start) * 1000)
    return times


def _row(name: str, values: list[float], target: str) -> str:
    values = sorted(values)
    p95 = values[int(0.95 * (len(values) - 1))]
    return (f"{name:<38} {statistics.median(values):>9.3f} {p95:>9.3f} {values[0]:>9.3f} {values[-1]:>9.3f}"
            f"  {target}")


def main() -> None:
    tables = load_course()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        clicks = bench_clicks(tables, folder)
        record = bench_record(folder)
    print(f"{ROUNDS} rounds each; times in ms")
    print(f"{'measure':<38} {'median':>9} {'p95':>9} {'min':>9} {'max':>9}  target")
    for qtype, (ready, total) in clicks.items():
        print(_row(f"click -> feedback shown ({qtype})", ready, "< 10 median"))
    for qtype, (ready, total) in clicks.items():
        print(_row(f"click incl. saving answer ({qtype})", total, "-"))
    print(_row("record answer, file of 10,000 answers", record, "< 20 median"))


if __name__ == "__main__":
    main()
