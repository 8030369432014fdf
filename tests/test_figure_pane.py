"""FigurePane: every figure is shown as plotly output tagged with the pane, for an in-place redraw."""

from utils.display import PLOTLY_MIME
from utils.figure_pane import EXTENSION, PANE_CLASS, FigurePane


def _fig(y):
    return {"data": [{"type": "scatter", "x": [0, 1], "y": y}], "layout": {"title": {"text": "t"}}}


def test_each_figure_replaces_the_last_as_plotly_output_with_its_description():
    pane = FigurePane()
    assert PANE_CLASS in pane._dom_classes
    pane.show(_fig([1, 2]), "first")
    pane.show(_fig([3, 4]), "second")
    [output] = pane.outputs
    assert output["data"][PLOTLY_MIME] == _fig([3, 4]) and output["data"]["text/plain"] == "second"


def test_outputs_name_their_pane_so_the_extension_can_redraw_in_place():
    one, two = FigurePane(), FigurePane()
    one.show(_fig([1, 2]))
    two.show(_fig([1, 2]))
    panes = [p.outputs[0]["metadata"][EXTENSION]["pane"] for p in (one, two)]
    assert panes == [one.model_id, two.model_id] and panes[0] != panes[1]


def test_extension_key_is_the_course_extension_name():
    import json
    from pathlib import Path

    package = Path(__file__).resolve().parents[1] / "share/jupyter/labextensions" / EXTENSION / "package.json"
    assert json.loads(package.read_text())["name"] == EXTENSION


def test_plotly_figures_are_sent_as_plain_json():
    import plotly.graph_objects as go

    pane = FigurePane()
    pane.show(go.Figure(go.Scatter(x=[0, 1], y=[1, 2])))
    assert pane.outputs[0]["data"][PLOTLY_MIME]["data"][0]["y"] == [1, 2]
