"""Build plotly figures cheaply and show them in a notebook as plain plotly JSON.

JupyterLab's plotly extension draws the ``application/vnd.plotly.v1+json`` output
(plotly.js ships inside the plotly wheel, so it works offline). Building that
output directly, rather than through ``fig.show()``, skips plotly's renderer set-up,
which imports nbformat and jsonschema and costs a lesson seconds on its first figure.

Figure builders create their figures and traces with :func:`new_figure`, :func:`scatter`
and :func:`bar`, which skip plotly's per-property checks: those checks cost a lesson
about half its drawing time. The unit tests check every builder's figure against
plotly's schema instead (``tests/test_figure_schema.py``).
"""

from __future__ import annotations

import html
import json
from functools import lru_cache

import plotly.graph_objects as go

from utils.style import TEMPLATE

PLOTLY_MIME = "application/vnd.plotly.v1+json"


def new_figure(data=None, **kwargs) -> go.Figure:
    """Return a ``go.Figure`` (empty, or a copy of ``data``) that does not check its properties."""
    return go.Figure(data, _validate=False, **kwargs)


@lru_cache(maxsize=1)
def plotly_template() -> go.layout.Template:
    """Return the course's plotly template object, looked up by name once (shared: do not modify it).

    Figures built without property checks would keep a template name as a plain string,
    which plotly.js does not understand; given the template object, they write it out in full.
    """
    import plotly.io as pio

    return pio.templates[TEMPLATE]


def scatter(**props) -> go.Scatter:
    """Return a ``go.Scatter`` trace built without property checks."""
    return go.Scatter(_validate=False, **props)


def bar(**props) -> go.Bar:
    """Return a ``go.Bar`` trace built without property checks."""
    return go.Bar(_validate=False, **props)


def checked(fig: go.Figure | dict) -> go.Figure:
    """Return ``fig`` rebuilt with plotly's property checks; raises ValueError naming a bad property."""
    return go.Figure(fig if isinstance(fig, dict) else fig.to_plotly_json())


def description_html(text: str) -> str:
    """Return a figure's text description as an HTML paragraph headed "Figure description."."""
    return (f'<p class="course-figure-description"><strong>Figure description.</strong> '
            f'{html.escape(text)}</p>')


def figure_bundle(fig, description: str = "") -> dict:
    """Return the display bundle of a plotly figure (or figure dict): plotly JSON plus a text fallback."""
    fig_dict = fig if isinstance(fig, dict) else json.loads(fig.to_json())
    return {PLOTLY_MIME: fig_dict, "text/plain": description or "plotly figure"}


def show_figure(fig, description: str = "") -> None:
    """Display ``fig`` (a plotly figure or figure dict) in the current output."""
    from IPython.display import display

    display(figure_bundle(fig, description), raw=True)


def show_in(output, fig, description: str = "") -> None:
    """Replace what an ``ipywidgets.Output`` shows with ``fig``."""
    with output:
        output.clear_output(wait=True)
        show_figure(fig, description)


def show_description(text: str) -> None:
    """Display a figure's text description (see :func:`description_html`) in the current output."""
    from IPython.display import HTML, display

    display(HTML(description_html(text)))
