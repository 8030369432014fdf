// The course's JupyterLab extension (also loaded by Voilà), as the module-federation
// container that JupyterLab's loader calls: init(shareScope), then get("./extension").
// It needs no shared packages, so it is written by hand rather than built.
//
// One plugin. The plotly extension only loads and starts plotly.js (4.8 MB) when the
// first figure is drawn, which costs a small machine about a second in the middle of
// "Run All". Once JupyterLab has started and is idle, this plugin has plotly's own
// renderer draw an empty figure on a node that is never put on the page; every later
// figure then finds plotly.js ready.
(function () {
  "use strict";

  var NAME = "posterior-leg-course";
  var PLOTLY_CONTAINER = "jupyterlab-plotly";
  var PLOTLY_MIME = "application/vnd.plotly.v1+json";

  function plotlyRendererFactory(module) {
    var exported = module && Object.prototype.hasOwnProperty.call(module, "__esModule")
      ? module.default : module;
    var extensions = Array.isArray(exported) ? exported : [exported];
    for (var i = 0; i < extensions.length; i++) {
      var factory = extensions[i] && extensions[i].rendererFactory;
      if (factory && factory.mimeTypes.indexOf(PLOTLY_MIME) !== -1) return factory;
    }
    return null;
  }

  // Resolves true once plotly.js has started, false when there is nothing to do.
  function startPlotly() {
    var container = window._JUPYTERLAB && window._JUPYTERLAB[PLOTLY_CONTAINER];
    if (window.Plotly || !container) return Promise.resolve(false);
    return container.get("./mimeExtension").then(function (moduleFactory) {
      var factory = plotlyRendererFactory(moduleFactory());
      if (!factory) return false;
      var renderer = factory.createRenderer({ mimeType: PLOTLY_MIME });
      var model = {
        data: {},
        metadata: {},
        trusted: true,
        setData: function () {},
      };
      model.data[PLOTLY_MIME] = { data: [], layout: {} };
      return Promise.resolve(renderer.renderModel(model)).then(function () {
        renderer.dispose();
        return true;
      });
    });
  }

  function whenIdle(callback) {
    if (window.requestIdleCallback) window.requestIdleCallback(callback, { timeout: 1000 });
    else window.setTimeout(callback, 0);
  }

  var plugin = {
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

  window._JUPYTERLAB = window._JUPYTERLAB || {};
  window._JUPYTERLAB[NAME] = {
    init: function () {
      return Promise.resolve();
    },
    get: function (module) {
      if (module !== "./extension") {
        return Promise.reject(new Error(NAME + " has no module " + module));
      }
      return Promise.resolve(function () {
        return { __esModule: true, default: [plugin] };
      });
    },
  };
})();
