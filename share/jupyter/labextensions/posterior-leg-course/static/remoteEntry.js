// The course's JupyterLab extension (Voilà loads it too), as the module-federation
// container that JupyterLab's loader calls: init(shareScope), then get(moduleName). It
// needs no shared package, so it is written by hand rather than built.
//
// It builds on the plotly extension that ships inside the plotly wheel (package.json
// turns off that extension's own renderer so that exactly one renderer draws figures):
//
// - "./mimeExtension" draws `application/vnd.plotly.v1+json` outputs with plotly's
//   renderer, drawing each figure once. Plotly's renderer draws a figure, draws it again
//   from scratch on the update request that follows, and then renders a PNG copy to store
//   in the notebook; on a small machine that tripled the cost of every figure. A pane's next
//   figure (a slider moved) is drawn with Plotly.react on the plot already on the page.
// - "./extension" starts plotly.js (4.8 MB) once JupyterLab is idle after opening, by
//   drawing an empty figure on a node that is never put on the page, so that a lesson's
//   first figure does not wait about a second for it in the middle of "Run All".
(function () {
  "use strict";

  var NAME = "posterior-leg-course";
  var PLOTLY_CONTAINER = "jupyterlab-plotly";
  var PLOTLY_MIME = "application/vnd.plotly.v1+json";
  var DEFAULT_HEIGHT = 360; // plotly's renderer's default when a figure sets no height

  // Resolves to the plotly extension's module (exports RenderedPlotly and MIME_TYPE).
  function plotlyModule() {
    var container = window._JUPYTERLAB && window._JUPYTERLAB[PLOTLY_CONTAINER];
    if (!container) {
      return Promise.reject(new Error(NAME + ": the plotly JupyterLab extension is not installed"));
    }
    return container.get("./mimeExtension").then(function (factory) {
      var module = factory();
      if (typeof module.RenderedPlotly !== "function") {
        throw new Error(NAME + ": the plotly extension no longer exports RenderedPlotly");
      }
      return module;
    });
  }

  // A figure output whose metadata names its pane ({"posterior-leg-course": {"pane": id}}) is
  // the latest figure of one pane (utils/figure_pane.py) that a slider redraws. When the pane
  // shows its next figure, JupyterLab disposes the old renderer and creates a new one in the
  // same tick; the old renderer leaves its plot here and the new one takes it over, so that
  // Plotly.react redraws only what changed instead of building a new plot.
  var ADOPT_WITHIN_MS = 1000; // a plot nobody takes over by then is freed
  var leftPlots = new Map(); // pane id -> [{ plot, timer }]

  function paneOf(model) {
    var meta = model && model.metadata && model.metadata[NAME];
    return meta && typeof meta.pane === "string" ? meta.pane : null;
  }

  function leavePlot(pane, plot) {
    var entry = { plot: plot };
    var waiting = leftPlots.get(pane) || [];
    waiting.push(entry);
    leftPlots.set(pane, waiting);
    entry.timer = window.setTimeout(function () {
      var list = leftPlots.get(pane) || [];
      var index = list.indexOf(entry);
      if (index >= 0) list.splice(index, 1);
      if (!list.length) leftPlots.delete(pane);
      if (window.Plotly) window.Plotly.purge(plot);
    }, ADOPT_WITHIN_MS);
  }

  function takePlot(pane) {
    var waiting = leftPlots.get(pane);
    if (!waiting || !waiting.length) return null;
    var entry = waiting.shift();
    if (!waiting.length) leftPlots.delete(pane);
    window.clearTimeout(entry.timer);
    return entry.plot;
  }

  // plotly.js draws a whole figure anew when the template object changes: a template equal to
  // the one already drawn is passed as that same object.
  function reuseTemplate(plot, layout) {
    var json = JSON.stringify(layout.template === undefined ? null : layout.template);
    var drawn = plot.__courseTemplate;
    if (drawn && drawn.json === json) layout.template = drawn.template;
    return json;
  }

  function courseRenderer(RenderedPlotly) {
    class CourseRenderedPlotly extends RenderedPlotly {
      constructor(options) {
        super(options);
        this.addClass("course-rendered-plotly");
        this._plot = null; // the plot's own element, inside this.node, so that it can be handed on
        this._pane = null;
        this._adopted = false;
      }

      renderModel(model) {
        this._model = model;
        this._pane = paneOf(model);
        if (!this._plot && this._pane) {
          var plot = takePlot(this._pane);
          if (plot) {
            this._plot = plot;
            this._adopted = true;
            this.node.appendChild(plot);
          }
        }
        if (!this._plot && model.data["image/png"] != null) return super.renderModel(model);
        return this.createGraph(model);
      }

      // Draws the figure on this renderer's plot, making the plot if there is none yet. Runs
      // after renderModel has returned, once JupyterLab has put this.node on the page.
      createGraph(model) {
        var self = this;
        return startPlotly().then(function () {
          if (self.isDisposed) return; // a newer figure of the same pane has taken over already
          var Plotly = window.Plotly;
          var figure = model.data[PLOTLY_MIME];
          var layout = Object.assign({ height: DEFAULT_HEIGHT }, figure.layout);
          var plot = self._plot;
          if (!plot) {
            plot = self._plot = document.createElement("div");
            plot.className = "course-plot";
            self.node.appendChild(plot);
          }
          var template = reuseTemplate(plot, layout);
          return Plotly.react(plot, figure.data, layout, figure.config)
            .catch(function () {
              Plotly.purge(plot); // whatever went wrong with the update, a new plot from scratch
              return Plotly.newPlot(plot, figure.data, layout, figure.config);
            })
            .then(function () {
              plot.__courseTemplate = { json: template, template: plot.layout.template };
              self.showGraph();
              self.hideImage();
              if (figure.frames) return Plotly.addFrames(plot, figure.frames);
            });
        });
      }

      // Put on the page, resized or shown again: fit the figure to its box, without drawing it
      // anew. A plot taken over from the pane's previous output already fits.
      onAfterAttach(msg) {
        super.onAfterAttach(msg);
        if (this._adopted) this._adopted = false;
        else this.update();
      }

      onUpdateRequest() {
        var Plotly = window.Plotly;
        if (!Plotly || !this._plot || !this.isVisible || !this.hasGraphElement()) return;
        // plotly.js refuses to resize a plot that is not displayed (say, in a collapsed output)
        Plotly.Plots.resize(this._plot).catch(function () {});
      }

      dispose() {
        if (this.isDisposed) return;
        var plot = this._plot;
        this._plot = null;
        if (plot && plot.parentNode === this.node) {
          this.node.removeChild(plot);
          if (this._pane) leavePlot(this._pane, plot);
          else if (window.Plotly) window.Plotly.purge(plot);
        }
        super.dispose();
      }
    }
    return CourseRenderedPlotly;
  }

  // Plotly's own mime extension with the course's renderer in it: the same rank and the same
  // viewer for .plotly.json files, so turning plotly's off loses nothing.
  function mimeExtensionModule() {
    return plotlyModule().then(function (plotly) {
      var Renderer = courseRenderer(plotly.RenderedPlotly);
      var own = [].concat(plotly.default || []).filter(function (extension) {
        return extension && extension.rendererFactory;
      })[0] || { rank: 2, dataType: "json" };
      var extension = Object.assign({}, own, {
        id: NAME + ":plotly-renderer",
        rendererFactory: {
          safe: true,
          mimeTypes: [PLOTLY_MIME],
          createRenderer: function (options) {
            return new Renderer(options);
          },
        },
      });
      return { __esModule: true, default: [extension] };
    });
  }

  // Resolves once plotly.js has started (at once if it already had), by having plotly's own
  // renderer draw an empty figure on a node that is never put on the page.
  var starting = null;
  function startPlotly() {
    if (window.Plotly) return Promise.resolve();
    if (!starting) {
      starting = plotlyModule()
        .then(function (plotly) {
          var renderer = new plotly.RenderedPlotly({ mimeType: PLOTLY_MIME });
          var data = {};
          data[PLOTLY_MIME] = { data: [], layout: {} };
          var model = { data: data, metadata: {}, trusted: true, setData: function () {} };
          return Promise.resolve(renderer.renderModel(model)).then(function () {
            renderer.dispose();
          });
        })
        .catch(function (error) {
          starting = null; // let the next figure try again
          throw error;
        });
    }
    return starting;
  }

  function whenIdle(callback) {
    if (window.requestIdleCallback) window.requestIdleCallback(callback, { timeout: 1000 });
    else window.setTimeout(callback, 0);
  }

  var startPlugin = {
    id: NAME + ":start-plotly",
    description: "Starts plotly.js while a lesson opens, so its first figure does not wait for it.",
    autoStart: true,
    activate: function (app) {
      Promise.resolve(app && app.restored).then(function () {
        whenIdle(function () {
          startPlotly().catch(function (error) {
            console.warn(NAME + ": plotly.js will start with the first figure instead", error);
          });
        });
      });
    },
  };

  var modules = {
    "./extension": function () {
      return Promise.resolve({ __esModule: true, default: [startPlugin] });
    },
    "./mimeExtension": mimeExtensionModule,
  };

  window._JUPYTERLAB = window._JUPYTERLAB || {};
  window._JUPYTERLAB[NAME] = {
    init: function () {
      return Promise.resolve();
    },
    get: function (name) {
      if (!Object.prototype.hasOwnProperty.call(modules, name)) {
        return Promise.reject(new Error(NAME + " has no module " + name));
      }
      return modules[name]().then(function (module) {
        return function () {
          return module;
        };
      });
    },
  };
})();
