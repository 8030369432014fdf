"""Build plotly figures as plain JSON data and show them in a notebook.

JupyterLab's plotly extension draws the ``application/vnd.plotly.v1+json`` output
(plotly.js ships inside the plotly wheel, so it works offline). Figure builders describe
their figures with :class:`Figure`, :func:`scatter` and :func:`bar`: plain dicts in
plotly's JSON format, which the lesson sends as that output. Building plotly's Python
objects instead would cost a lesson about a third of a second on its first figure
(loading plotly's classes and schema) and tens of milliseconds on each later one, and
the figure would end up as the same JSON anyway.

Nothing here checks property names or values: the unit tests pass every builder's figure
through plotly's own checks instead (:func:`checked`, ``tests/test_figure_schema.py``).
"""

from __future__ import annotations

import html
import json
import math
import re
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from utils.style import TEMPLATE

if TYPE_CHECKING:
    import plotly.graph_objects as go

PLOTLY_MIME = "application/vnd.plotly.v1+json"


class Props(dict):
    """Plotly properties as a dict that can also be read as attributes, like plotly's objects.

    An unset property reads as None; nested dicts read as ``Props`` and lists of dicts
    as tuples of ``Props`` (read-only views: change a figure through :class:`Figure`).
    """

    __slots__ = ()

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return _view(self.get(name))


def _view(value):
    if isinstance(value, dict):
        return value if isinstance(value, Props) else Props(value)
    if isinstance(value, (list, tuple)) and any(isinstance(v, dict) for v in value):
        return tuple(_view(v) for v in value)
    return value


def _merged(old, new):
    """Return ``new`` merged into ``old`` as plotly's ``update`` does, without changing either."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = dict(old)
        for key, value in new.items():
            out[key] = _merged(old.get(key), value)
        return out
    return new


def plain(value):
    """Return ``value`` as JSON-ready data: lists for arrays and tuples, None for NaN and infinity."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return plain(value.item())
    if hasattr(value, "tolist"):  # pandas Series and Index
        return plain(value.tolist())
    raise TypeError(f"cannot put a {type(value).__name__} into a plotly figure: {value!r}")


class Figure:
    """A plotly figure held as plain data (``data``: traces, ``layout``), ready to send as JSON.

    Offers the part of ``plotly.graph_objects.Figure`` the course uses: ``add_trace``,
    ``update_layout``, ``update_xaxes``/``update_yaxes`` (optionally for one panel of a
    :func:`side_by_side` figure), ``data``, ``layout``, ``to_dict`` and ``to_json``.
    """

    def __init__(self, data=None, layout: dict | None = None):
        if isinstance(data, dict):
            layout = _merged(data.get("layout", {}), layout or {})
            data = data.get("data", ())
        self._traces = [Props(t) for t in (data or ())]
        self._layout = dict(layout or {})
        self._grid: dict[tuple[int, int], tuple[str, str]] = {}

    @property
    def data(self) -> tuple[Props, ...]:
        """The traces, in drawing order."""
        return tuple(self._traces)

    @property
    def layout(self) -> Props:
        """The layout (a read-only view)."""
        return Props(self._layout)

    def add_trace(self, trace: dict, row: int | None = None, col: int | None = None) -> Figure:
        """Append ``trace`` (to panel ``row``, ``col`` of a :func:`side_by_side` figure); return the figure."""
        trace = Props(trace)
        if row is not None or col is not None:
            xaxis, yaxis = self._panel(row, col)
            trace.update(xaxis=xaxis.replace("axis", ""), yaxis=yaxis.replace("axis", ""))
        self._traces.append(trace)
        return self

    def update_layout(self, props: dict | None = None, **kwargs) -> Figure:
        """Merge ``props`` and ``kwargs`` into the layout (nested dicts merge, other values replace)."""
        self._layout = _merged(self._layout, {**(props or {}), **kwargs})
        return self

    def update_xaxes(self, row: int | None = None, col: int | None = None, **props) -> Figure:
        """Merge ``props`` into every x axis, or only into the x axis of panel ``row``, ``col``."""
        return self._update_axes("xaxis", 0, row, col, props)

    def update_yaxes(self, row: int | None = None, col: int | None = None, **props) -> Figure:
        """Merge ``props`` into every y axis, or only into the y axis of panel ``row``, ``col``."""
        return self._update_axes("yaxis", 1, row, col, props)

    def _panel(self, row, col) -> tuple[str, str]:
        try:
            return self._grid[(row or 1, col or 1)]
        except KeyError:
            raise ValueError(f"this figure has no panel at row {row}, column {col}") from None

    def _update_axes(self, prefix: str, which: int, row, col, props: dict) -> Figure:
        if row is not None or col is not None:
            names = [self._panel(row, col)[which]]
        else:
            names = sorted(k for k in self._layout if re.fullmatch(prefix + r"\d*", k)) or [prefix]
        for name in names:
            self._layout[name] = _merged(self._layout.get(name, {}), props)
        return self

    def to_dict(self) -> dict:
        """Return the figure as JSON-ready plotly data (a new dict: changing it leaves the figure alone)."""
        return {"data": plain(self._traces), "layout": plain(self._layout)}

    to_plotly_json = to_dict

    def to_json(self) -> str:
        """Return the figure as plotly JSON text."""
        return json.dumps(self.to_dict(), allow_nan=False)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return figure_bundle(self, (self._layout.get("meta") or {}).get("description", ""))


def new_figure(data=None, layout: dict | None = None) -> Figure:
    """Return a :class:`Figure` (empty, or holding ``data``: a list of traces or a figure dict)."""
    return Figure(data, layout)


def side_by_side(widths: tuple[float, float], spacing: float, titles: tuple[str, str]) -> Figure:
    """Return an empty figure with two panels side by side (row 1, columns 1 and 2), titled above.

    ``widths`` are the panels' relative widths; ``spacing`` the gap between them as a
    fraction of the figure's width.
    """
    usable = 1.0 - spacing
    first = usable * widths[0] / sum(widths)
    domains = ([0.0, first], [first + spacing, 1.0])
    fig = Figure(layout={
        "xaxis": {"domain": domains[0], "anchor": "y"}, "yaxis": {"domain": [0.0, 1.0], "anchor": "x"},
        "xaxis2": {"domain": domains[1], "anchor": "y2"}, "yaxis2": {"domain": [0.0, 1.0], "anchor": "x2"},
        "annotations": [{"text": title, "x": (d[0] + d[1]) / 2, "y": 1.0, "xref": "paper", "yref": "paper",
                         "xanchor": "center", "yanchor": "bottom", "showarrow": False, "font": {"size": 16}}
                        for title, d in zip(titles, domains)],
    })
    fig._grid = {(1, 1): ("xaxis", "yaxis"), (1, 2): ("xaxis2", "yaxis2")}
    return fig


@lru_cache(maxsize=1)
def plotly_template() -> dict:
    """Return the course's plotly template in full, read from plotly's package data (shared: do not modify it).

    plotly.js does not know templates by name, so each figure carries its template.
    """
    path = resources.files("plotly") / "package_data" / "templates" / f"{TEMPLATE}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def scatter(**props) -> Props:
    """Return a scatter trace with ``props``."""
    return Props(type="scatter", **props)


def bar(**props) -> Props:
    """Return a bar trace with ``props``."""
    return Props(type="bar", **props)


def checked(fig) -> go.Figure:
    """Return ``fig`` rebuilt with plotly's property checks; raises ValueError naming a bad property."""
    import plotly.graph_objects as go

    return go.Figure(fig if isinstance(fig, dict) else fig.to_dict())


def description_html(text: str) -> str:
    """Return a figure's text description as an HTML paragraph headed "Figure description."."""
    return (f'<p class="course-figure-description"><strong>Figure description.</strong> '
            f'{html.escape(text)}</p>')


def as_plain_dict(fig) -> dict:
    """Return ``fig`` (a :class:`Figure`, a plotly ``go.Figure`` or a figure dict) as JSON-ready plotly data."""
    if isinstance(fig, Figure):
        return fig.to_dict()
    return plain(fig if isinstance(fig, dict) else fig.to_dict())


def figure_bundle(fig, description: str = "") -> dict:
    """Return the display bundle of a plotly figure (or figure dict): plotly JSON plus a text fallback."""
    return {PLOTLY_MIME: as_plain_dict(fig), "text/plain": description or "plotly figure"}


def show_figure(fig, description: str = "") -> None:
    """Display ``fig`` (a plotly figure or figure dict) in the current output."""
    from IPython.display import display

    display(figure_bundle(fig, description), raw=True)


def bundle(obj) -> dict:
    """Return the display bundle (mimetype to data) of ``obj``: a bundle dict is returned as it is;
    a :class:`Figure` becomes plotly JSON; anything else (Markdown, HTML, a widget) is formatted
    the way IPython's ``display`` would."""
    if isinstance(obj, dict):
        return obj
    if isinstance(obj, Figure):
        return figure_bundle(obj, (obj.layout.meta or {}).get("description", ""))
    from IPython import get_ipython

    shell = get_ipython()
    formatter = shell.display_formatter if shell is not None else _formatter()
    data, _metadata = formatter.format(obj)
    return data


@lru_cache(maxsize=1)
def _formatter():
    from IPython.core.formatters import DisplayFormatter

    return DisplayFormatter()


def set_outputs(output, *items, metadata: dict | None = None) -> None:
    """Make an ``ipywidgets.Output`` show ``items`` (see :func:`bundle`) instead of what it showed.

    The outputs are set in one widget-state update rather than captured from ``display``
    calls: this is quicker, and a notebook runner that stands in for the browser (nbclient,
    Voilà) then has no captured output to send back to the kernel while a cell runs, which
    can leave it waiting for the cell's reply until it times out. ``metadata`` goes with
    every output.
    """
    output.outputs = tuple({"output_type": "display_data", "data": bundle(item), "metadata": dict(metadata or {})}
                           for item in items)


def show_in(output, fig, description: str = "") -> None:
    """Replace what an ``ipywidgets.Output`` shows with ``fig``."""
    set_outputs(output, figure_bundle(fig, description))


_CELL_STYLE = ' style="text-align:left;vertical-align:top"'


def _cell_text(value) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def table_html(df: pd.DataFrame, caption: str = "", row_headers: bool = False) -> str:
    """Return ``df`` as an HTML table without its index, ``caption`` above it.

    Cells are escaped text: lists joined with commas, missing values as "—", numbers as
    written in the data. With ``row_headers`` the first column heads each row (bold).
    """
    head = "".join(f'<th scope="col"{_CELL_STYLE}>{html.escape(str(c))}</th>' for c in df.columns)
    rows = []
    for values in df.itertuples(index=False, name=None):
        cells = []
        for i, value in enumerate(values):
            tag = "th" if row_headers and i == 0 else "td"
            scope = ' scope="row"' if tag == "th" else ""
            cells.append(f"<{tag}{scope}{_CELL_STYLE}>{html.escape(_cell_text(value))}</{tag}>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = (f'<caption style="caption-side:top;text-align:left">{html.escape(caption)}</caption>'
           if caption else "")
    return (f'<table class="course-table">{cap}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def show_description(text: str) -> None:
    """Display a figure's text description (see :func:`description_html`) in the current output."""
    from IPython.display import HTML, display

    display(HTML(description_html(text)))
