"""Show plotly figures in a notebook as plain plotly JSON.

JupyterLab's plotly extension draws the ``application/vnd.plotly.v1+json`` output
(plotly.js ships inside the plotly wheel, so it works offline). Building that
output directly, rather than through ``fig.show()``, skips plotly's renderer set-up,
which imports nbformat and jsonschema and costs a lesson seconds on its first figure.
"""

from __future__ import annotations

import json

PLOTLY_MIME = "application/vnd.plotly.v1+json"


def figure_bundle(fig, description: str = "") -> dict:
    """Return the display bundle of a plotly figure (or figure dict): plotly JSON plus a text fallback."""
    fig_dict = fig if isinstance(fig, dict) else json.loads(fig.to_json())
    return {PLOTLY_MIME: fig_dict, "text/plain": description or "plotly figure"}


def show_figure(fig, description: str = "") -> None:
    """Display ``fig`` (a plotly figure or figure dict) in the current output."""
    from IPython.display import display

    display(figure_bundle(fig, description), raw=True)
