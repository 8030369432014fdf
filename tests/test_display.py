"""utils.display: the plain-data figure, its JSON form, Output contents and HTML tables."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from IPython.display import Markdown

from utils import display as d


def test_figure_reads_like_a_plotly_figure_and_unset_properties_are_none():
    fig = d.new_figure([d.scatter(x=[0, 1], y=[1, 2], name="a", line={"width": 2})],
                       {"title": {"text": "t"}, "annotations": [{"text": "note"}]})
    assert fig.data[0].type == "scatter" and fig.data[0].line.width == 2 and fig.data[0].marker is None
    assert fig.layout.title.text == "t" and [a.text for a in fig.layout.annotations] == ["note"]
    assert fig.layout.height is None


def test_update_layout_merges_nested_dicts_without_changing_what_was_passed_in():
    shared = {"font": {"size": 10, "family": "Arial"}}
    fig = d.new_figure(layout=shared)
    fig.update_layout(font={"size": 14}, height=300)
    assert fig.layout.font == {"size": 14, "family": "Arial"} and fig.layout.height == 300
    assert shared == {"font": {"size": 10, "family": "Arial"}}
    fig.update_layout(template=d.plotly_template())
    fig.update_layout(template={"layout": {"height": 1}})
    assert "height" not in d.plotly_template()["layout"]


def test_update_axes_reaches_every_axis_or_one_panel():
    fig = d.side_by_side((1, 1), 0.1, ("left", "right"))
    fig.add_trace(d.scatter(x=[0], y=[0]), row=1, col=2)
    assert (fig.data[0].xaxis, fig.data[0].yaxis) == ("x2", "y2")
    fig.update_xaxes(visible=False)
    assert fig.layout.xaxis.visible is False and fig.layout.xaxis2.visible is False
    fig.update_yaxes(scaleanchor="x2", row=1, col=2)
    assert fig.layout.yaxis2.scaleanchor == "x2" and fig.layout.yaxis.scaleanchor is None
    assert fig.layout.xaxis.domain == [0.0, 0.45] and [a.text for a in fig.layout.annotations] == ["left", "right"]
    with pytest.raises(ValueError, match="no panel"):
        fig.add_trace(d.scatter(), row=2, col=1)
    plain = d.new_figure()
    plain.update_xaxes(range=[0, 1])
    assert plain.layout.xaxis.range == [0, 1]


def test_figure_json_is_plain_and_strict():
    fig = d.new_figure([d.scatter(x=np.array([0.0, 1.0]), y=pd.Series([np.nan, np.float64(2.5)]),
                                  text=("a", "b"), ids=[np.int64(3), math.inf])])
    data = json.loads(fig.to_json())["data"][0]
    assert data["x"] == [0.0, 1.0] and data["y"] == [None, 2.5] and data["text"] == ["a", "b"]
    assert data["ids"] == [3, None]
    with pytest.raises(TypeError, match="cannot put a object"):
        d.plain(object())


def test_every_figure_is_valid_for_plotly_after_side_by_side_and_merges():
    fig = d.side_by_side((0.45, 0.55), 0.06, ("a", "b"))
    fig.add_trace(d.scatter(x=[0, 1], y=[0, 1], mode="lines"), row=1, col=1)
    fig.update_layout(template=d.plotly_template(), height=400)
    assert d.checked(fig).layout.xaxis2.anchor == "y2"


def test_template_is_plotlys_own_in_full():
    import plotly.io as pio
    from plotly.utils import PlotlyJSONEncoder

    own = json.loads(json.dumps(pio.templates[d.TEMPLATE].to_plotly_json(), cls=PlotlyJSONEncoder))
    assert d.plotly_template() == own


def test_set_outputs_replaces_an_outputs_contents_in_one_update():
    import ipywidgets as widgets

    out = widgets.Output()
    fig = d.new_figure([d.scatter(x=[0], y=[1])], {"meta": {"description": "one point"}})
    d.set_outputs(out, fig, Markdown("**hi**"))
    first, second = out.outputs
    assert first["data"][d.PLOTLY_MIME]["data"][0]["y"] == [1] and first["data"]["text/plain"] == "one point"
    assert second["data"]["text/markdown"] == "**hi**"
    d.set_outputs(out)
    assert out.outputs == ()


def test_table_html_escapes_cells_and_shows_lists_and_missing_values():
    df = pd.DataFrame({"name": ["<b>x</b>", "y"], "ids": [("a", "b"), ()], "value": [0.5, np.nan]})
    out = d.table_html(df, "Caption & more", row_headers=True)
    assert "<caption" in out and "Caption &amp; more" in out
    assert '<th scope="row"' in out and "&lt;b&gt;x&lt;/b&gt;" in out
    assert "a, b" in out and "0.5" in out and "—" in out and out.count("<tr>") == 3
