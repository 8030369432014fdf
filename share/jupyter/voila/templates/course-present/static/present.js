// Step through a Voilà page one section at a time. A section starts at each Markdown cell
// holding a level-1 or level-2 heading and runs to the next one. Keys: Right arrow, Page
// Down or Space for the next section; Left arrow or Page Up for the previous one; Home and
// End; A shows every section. The address ends in #section-N so a section can be reopened.
(function () {
  'use strict';
  var sections = [];
  var current = 0;
  var showAll = false;

  function cellsOf() {
    return Array.prototype.slice.call(document.querySelectorAll('#rendered_cells div[cell-index]'));
  }

  function startsSection(cell) {
    return !!cell.querySelector('.jp-MarkdownCell h1, .jp-MarkdownCell h2');
  }

  function group() {
    sections = [];
    cellsOf().forEach(function (cell) {
      if (sections.length === 0 || startsSection(cell)) {
        sections.push([]);
      }
      sections[sections.length - 1].push(cell);
    });
  }

  function fromHash() {
    var m = /^#section-(\d+)$/.exec(window.location.hash);
    return m ? Math.max(0, Math.min(sections.length - 1, parseInt(m[1], 10) - 1)) : 0;
  }

  function render() {
    sections.forEach(function (cells, i) {
      cells.forEach(function (cell) {
        cell.classList.toggle('course-present-hidden', !showAll && i !== current);
      });
    });
    var counter = document.getElementById('course-present-counter');
    if (counter) {
      counter.textContent = showAll
        ? 'All ' + sections.length + ' sections'
        : 'Section ' + (current + 1) + ' of ' + sections.length;
    }
    var prev = document.getElementById('course-present-prev');
    var next = document.getElementById('course-present-next');
    if (prev) { prev.disabled = showAll || current === 0; }
    if (next) { next.disabled = showAll || current >= sections.length - 1; }
    document.body.setAttribute('data-course-section', String(current + 1));
    // Figures drawn while hidden take their size again once shown.
    window.dispatchEvent(new Event('resize'));
  }

  function go(index) {
    if (sections.length === 0) { return; }
    showAll = false;
    current = Math.max(0, Math.min(sections.length - 1, index));
    if (window.location.hash !== '#section-' + (current + 1)) {
      history.replaceState(null, '', '#section-' + (current + 1));
    }
    render();
    window.scrollTo(0, 0);
  }

  function typingInWidget(target) {
    if (!target || target === document.body) { return false; }
    return !!(target.closest && target.closest('input, select, textarea, button, .jupyter-widgets, [contenteditable]'));
  }

  function onKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typingInWidget(event.target)) { return; }
    var key = event.key;
    if (key === 'ArrowRight' || key === 'PageDown' || key === ' ') {
      go(current + 1);
    } else if (key === 'ArrowLeft' || key === 'PageUp') {
      go(current - 1);
    } else if (key === 'Home') {
      go(0);
    } else if (key === 'End') {
      go(sections.length - 1);
    } else if (key === 'a' || key === 'A') {
      showAll = !showAll;
      render();
      return;
    } else {
      return;
    }
    event.preventDefault();
  }

  function start() {
    group();
    current = fromHash();
    document.getElementById('course-present-prev').addEventListener('click', function () { go(current - 1); });
    document.getElementById('course-present-next').addEventListener('click', function () { go(current + 1); });
    document.getElementById('course-present-all').addEventListener('click', function () {
      showAll = !showAll;
      render();
    });
    document.addEventListener('keydown', onKey);
    window.addEventListener('hashchange', function () { go(fromHash()); });
    render();
    // How many widgets the page will draw once the kernel connects (for tests and tools).
    var widgetOutputs = Array.prototype.filter.call(
      document.querySelectorAll('script[type="application/vnd.voila.cell-output+json"]'),
      function (s) { return s.textContent.indexOf('application/vnd.jupyter.widget-view+json') !== -1; }
    ).length;
    document.body.setAttribute('data-course-widget-outputs', String(widgetOutputs));
    document.body.setAttribute('data-course-present', 'ready');
  }

  // Voilà adds cells as they run, then calls window.voila_finish(): group them after that.
  var finish = window.voila_finish;
  window.voila_finish = function () {
    if (typeof finish === 'function') { finish.apply(this, arguments); }
    start();
  };
})();
