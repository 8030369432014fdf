"""FigurePane: the first figure is shown as plotly output, later ones are sent for an in-place redraw."""

from utils.display import PLOTLY_MIME
from utils.figure_pane import PANE_CLASS, FigurePane


def _fig(y):
    return {"data": [{"type": "scatter", "x": [0, 1], "y": y}], "layout": {"title": {"text": "t"}}}


def _shown(pane):
    """Return the display bundles the pane's output shows."""
    return [o["data"] for o in pane.output.outputs]


def test_first_figure_is_plotly_output_and_later_ones_go_to_the_redrawer():
    pane = FigurePane()
    assert PANE_CLASS in pane._dom_classes
    pane.show(_fig([1, 2]), "first")
    [first] = _shown(pane)
    assert first[PLOTLY_MIME]["data"][0]["y"] == [1, 2] and first["text/plain"] == "first"
    assert pane.redrawer is None  # created with the first redraw, once the page is idle
    pane.show(_fig([3, 4]), "second")
    assert pane.redrawer in pane.children and pane.redrawer.update["serial"] == 2
    pane.show(_fig([5, 6]), "third")
    assert _shown(pane) == [first]
    assert pane.redrawer.update == {"serial": 3, "figure": _fig([5, 6])}


def test_a_redraw_request_shows_the_current_figure_and_stale_ones_are_ignored():
    pane = FigurePane()
    pane.show(_fig([1, 2]), "first")
    pane.show(_fig([3, 4]), "second")
    pane.show(_fig([5, 6]), "third")
    pane._on_msg(pane.redrawer, {"redraw": 2}, [])  # the browser answered an older figure
    assert _shown(pane)[0]["text/plain"] == "first"
    pane._on_msg(pane.redrawer, {"redraw": 3}, [])
    [bundle] = _shown(pane)
    assert bundle[PLOTLY_MIME]["data"][0]["y"] == [5, 6] and bundle["text/plain"] == "third"


def test_plotly_figures_are_sent_as_plain_json():
    import plotly.graph_objects as go

    pane = FigurePane()
    pane.show(go.Figure(go.Scatter(x=[0, 1], y=[1, 2])))
    pane.show(go.Figure(go.Scatter(x=[0, 1], y=[2, 3])))
    assert pane.redrawer.update["figure"]["data"][0]["y"] == [2, 3]
