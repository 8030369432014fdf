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
//   in the notebook; on a small machine that tripled the cost of every figure.
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

  function courseRenderer(RenderedPlotly) {
    class CourseRenderedPlotly extends RenderedPlotly {
      constructor(options) {
        super(options);
        this.addClass("course-rendered-plotly");
      }

      createGraph(model) {
        var Plotly = window.Plotly;
        if (!Plotly) return super.createGraph(model); // plotly.js not started yet: plotly's own way
        var figure = model.data[PLOTLY_MIME];
        var layout = Object.assign({ height: DEFAULT_HEIGHT }, figure.layout);
        var node = this.node;
        var self = this;
        return Plotly.react(node, figure.data, layout, figure.config).then(function () {
          self.showGraph();
          self.hideImage();
          if (figure.frames) return Plotly.addFrames(node, figure.frames);
        });
      }

      // Put on the page, resized or shown again: fit the figure to its box, without drawing it anew.
      onAfterAttach(msg) {
        super.onAfterAttach(msg);
        this.update();
      }

      onUpdateRequest() {
        var Plotly = window.Plotly;
        if (!Plotly || !this.isVisible || !this.hasGraphElement()) return;
        // plotly.js refuses to resize a plot that is not displayed (say, in a collapsed output)
        Plotly.Plots.resize(this.node).catch(function () {});
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

  // Resolves once plotly.js has started (at once if it already had).
  function startPlotly() {
    if (window.Plotly) return Promise.resolve();
    return plotlyModule().then(function (plotly) {
      var renderer = new plotly.RenderedPlotly({ mimeType: PLOTLY_MIME });
      var data = {};
      data[PLOTLY_MIME] = { data: [], layout: {} };
      var model = { data: data, metadata: {}, trusted: true, setData: function () {} };
      return Promise.resolve(renderer.renderModel(model)).then(function () {
        renderer.dispose();
      });
    });
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
