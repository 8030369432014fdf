"""Every lesson, opened in a real JupyterLab in Chromium: runs, draws, and answers a learner.

Lesson contract: one control carries the CSS class `course-probe` and the element it changes
carries `course-probe-output`; quiz widgets carry `course-quiz` with feedback in
`course-quiz-feedback`.
"""

import contextlib

import pytest

from tests.browser.harness import LessonPage, lesson_notebooks

pytestmark = pytest.mark.browser

LESSONS = [path.name for path in lesson_notebooks()]
SLIDER_PRESSES = 3


def _page_problems(report):
    """Return what is wrong with a notebook as drawn (see LessonPage.report)."""
    problems = []
    if not report["notebookFound"]:
        return ["the notebook did not open"]
    if report["plots"] == 0:
        problems.append("no plotly figure (.js-plotly-plot) in the outputs")
    if report["plotsUndrawn"]:
        problems.append(f"{report['plotsUndrawn']} plotly figure(s) without svg.main-svg")
    if report["widgets"] == 0:
        problems.append("no widget (.jupyter-widgets) in the outputs")
    for text in ("Error displaying widget", "Loading widget", "Traceback"):
        if text in report["outputText"]:
            problems.append(f"an output shows {text!r}")
    for stderr in report["stderr"]:
        problems.append(f"stderr/error output: {stderr[:500]!r}")
    for dialog in report["dialogs"]:
        problems.append(f"a dialog appeared: {dialog!r}")
    for toast in report["toasts"]:
        if "news" in toast.lower():
            problems.append(f"the Jupyter news pop-up appeared: {toast!r}")
    return problems


def _interact(lesson):
    """Act on `.course-probe`, wait for `.course-probe-output` to change; return problems."""
    kind = lesson.probe_kind()
    if kind is None:
        return ["no element with class course-probe"]
    before = lesson.wait_probe_stable()
    if before is None:
        return ["no element with class course-probe-output"]
    presses = SLIDER_PRESSES if kind == "slider" else 1
    for _ in range(presses):
        lesson.act_on_probe(kind)
    try:
        lesson.wait_probe_changed(before)
    except TimeoutError:
        return [f"course-probe-output did not change after acting on the {kind} course-probe"]
    return []


@pytest.mark.parametrize("notebook", LESSONS)
def test_lesson_renders_and_responds(notebook, lab_server, browser_context, screenshots_dir):
    lesson = LessonPage(browser_context, lab_server, notebook)
    screenshot = screenshots_dir / f"{notebook.removesuffix('.ipynb')}.png"
    problems = []
    try:
        lesson.open()
        lesson.run_all()
        lesson.wait_settled()
        problems += _page_problems(lesson.report())
        problems += _interact(lesson)
        if lesson.page.locator(".course-quiz").count():
            try:
                if not lesson.answer_quiz():
                    problems.append("the quiz feedback stayed empty after Check")
            except TimeoutError:
                problems.append("no quiz feedback (course-quiz-feedback) after answering and Check")
        lesson.wait_settled()
        problems += [p for p in _page_problems(lesson.report()) if p not in problems]
        lesson.screenshot(screenshot)
    except Exception:
        with contextlib.suppress(Exception):  # a picture of the failure, if the page still answers
            lesson.screenshot(screenshot)
        raise
    finally:
        lesson.close()
    problems += [f"browser console error: {e}" for e in lesson.console_errors]
    problems += [f"uncaught page error: {e}" for e in lesson.page_errors]
    problems += [f"request to another host (aborted): {url}" for url in lesson.blocked_requests]
    assert not problems, f"{notebook}:\n  " + "\n  ".join(problems)


def test_plotly_is_started_while_the_lesson_opens(lab_server, browser_context):
    """The course's JupyterLab extension starts plotly.js before anything runs, drawing nothing."""
    lesson = LessonPage(browser_context, lab_server, LESSONS[0])
    try:
        lesson.open()
        lesson.page.wait_for_function("() => !!window.Plotly", polling=100, timeout=20_000)
        report = lesson.report()
        assert report["plots"] == 0, "starting plotly.js put a figure on the page"
        assert lesson.page.evaluate("() => document.querySelectorAll('.js-plotly-plot').length") == 0
    finally:
        lesson.close()
    assert not lesson.console_errors, lesson.console_errors
    assert not lesson.page_errors, lesson.page_errors


IN_PLACE_LESSON = "02_triceps_surae.ipynb"  # its probe is a slider that redraws a FigurePane
_MARK_PLOTS_JS = """() => {
  const plots = [...document.querySelectorAll('.course-probe-output .js-plotly-plot')];
  plots.forEach(plot => { plot.__courseKept = true; });
  return {probe: plots.length, page: document.querySelectorAll('.js-plotly-plot').length};
}"""
_KEPT_PLOTS_JS = """() => ({
  kept: [...document.querySelectorAll('.course-probe-output .js-plotly-plot')].map(p => !!p.__courseKept),
  page: document.querySelectorAll('.js-plotly-plot').length,
})"""


def test_a_slider_redraws_its_figure_in_place(lab_server, browser_context):
    """A slider's new figure is drawn on the plot already on the page, not on a new plot."""
    lesson = LessonPage(browser_context, lab_server, IN_PLACE_LESSON)
    try:
        lesson.open()
        lesson.run_all()
        lesson.wait_settled()
        assert lesson.probe_kind() == "slider"
        before = lesson.wait_probe_stable()
        marked = lesson.page.evaluate(_MARK_PLOTS_JS)
        assert marked["probe"] >= 1
        lesson.act_on_probe("slider")
        lesson.wait_probe_changed(before)
        after = lesson.page.evaluate(_KEPT_PLOTS_JS)
    finally:
        lesson.close()
    assert after["kept"] == [True] * marked["probe"], "the figure was drawn on a new plot"
    assert after["page"] == marked["page"]
    assert not lesson.console_errors, lesson.console_errors
    assert not lesson.page_errors, lesson.page_errors
