"""A plotly figure that is redrawn in place when the learner moves a slider.

Showing each new figure again in an ``ipywidgets.Output`` makes the browser build a new
plot every time, which takes a few hundred milliseconds on a small machine. A
:class:`FigurePane` is an ``Output`` that always shows its latest figure as ordinary plotly
output (so it also appears in saved and exported pages), tagged with the pane's id in the
output's metadata. The course's JupyterLab extension
(``share/jupyter/labextensions/posterior-leg-course``) hands the plot already on the page to
the renderer of the pane's next figure, which redraws it with ``Plotly.react``: plotly.js
then redraws only what changed. Without the extension each figure is drawn anew.
"""

from __future__ import annotations

import ipywidgets as widgets

from utils.display import figure_bundle, set_outputs

PANE_CLASS = "course-figure-pane"
EXTENSION = "posterior-leg-course"  # the extension's name, the key of its output metadata


class FigurePane(widgets.Output):
    """Shows a plotly figure (or figure dict); :meth:`show` replaces it, in place where the page can."""

    def __init__(self):
        super().__init__()
        self.add_class(PANE_CLASS)

    def show(self, fig, description: str = "") -> None:
        """Show ``fig`` with a text fallback ``description``, instead of the figure shown before."""
        set_outputs(self, figure_bundle(fig, description),
                    metadata={EXTENSION: {"pane": self.model_id}})
