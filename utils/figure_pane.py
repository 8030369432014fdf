"""A plotly figure that is redrawn in place when the learner moves a slider.

Showing each new figure again in an ``ipywidgets.Output`` makes the browser build a new
plot every time, which takes a few hundred milliseconds on a small machine. A
:class:`FigurePane` shows its first figure as ordinary plotly output (so it also appears
in saved and exported pages) and sends each later figure through a small hidden widget
that hands it to ``Plotly.react`` on the plot already on the page: plotly.js then redraws
only what changed. Where that cannot work (no plot on the page yet, plotly.js not loaded,
or a drawing error), the browser asks for the figure and it is shown the ordinary way.

The hidden widget is only created with the second figure, when the learner first moves a
slider: anywidget gives a widget two seconds to start in the browser, and while a whole
lesson runs and draws, the page can be busier than that.
"""

from __future__ import annotations

import anywidget
import ipywidgets as widgets
import traitlets

from utils.display import as_plain_dict, show_in

PANE_CLASS = "course-figure-pane"

_ESM = """
function render({ model, el }) {
  el.style.display = "none";
  const apply = () => {
    const update = model.get("update");
    if (!update || !update.figure) return;
    const pane = el.closest(".%s");
    const plot = pane && pane.querySelector(".js-plotly-plot");
    const Plotly = window.Plotly;
    if (!plot || !Plotly) { model.send({ redraw: update.serial }); return; }
    const layout = update.figure.layout || {};
    // the template is sent once, with the first figure: reusing it spares plotly.js a full redraw
    if (!("template" in layout) && plot.layout && plot.layout.template) layout.template = plot.layout.template;
    Plotly.react(plot, update.figure.data, layout)
      .catch(() => model.send({ redraw: update.serial }));
  };
  model.on("change:update", apply);
  apply();  // the first figure to redraw may have been set before this view existed
}
export default { render };
""" % PANE_CLASS


class _Redrawer(anywidget.AnyWidget):
    """Hidden widget that passes each new figure to Plotly.react in the browser."""

    _esm = _ESM
    update = traitlets.Dict().tag(sync=True)


class FigurePane(widgets.VBox):
    """Shows a plotly figure (or figure dict); :meth:`show` replaces it, in place when it can."""

    def __init__(self):
        self.output = widgets.Output()
        self.redrawer: _Redrawer | None = None
        self.serial = 0
        self._current: tuple[dict, str] | None = None
        super().__init__([self.output])
        self.add_class(PANE_CLASS)

    def show(self, fig, description: str = "") -> None:
        """Show ``fig``: the first time as plotly output, afterwards by redrawing that plot in place."""
        self.serial += 1
        self._current = (as_plain_dict(fig), description)
        if self.serial == 1:
            self.redraw()
        else:
            fig_dict = self._current[0]
            layout = {k: v for k, v in fig_dict.get("layout", {}).items() if k != "template"}
            update = {"serial": self.serial, "figure": {**fig_dict, "layout": layout}}
            if self.redrawer is None:
                self.redrawer = _Redrawer(update=update)
                self.redrawer.on_msg(self._on_msg)
                self.children = (*self.children, self.redrawer)
            else:
                self.redrawer.update = update

    def redraw(self) -> None:
        """Show the current figure again as ordinary plotly output (a new plot)."""
        if self._current is None:
            return
        show_in(self.output, *self._current)

    def _on_msg(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("redraw") == self.serial:
            self.redraw()
