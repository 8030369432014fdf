# Two commands do all set-up: `make lab` opens the course, `make test` runs every test.
# Both create .venv (project-local) and install the pinned list from environment.yml
# plus the `utils` package; the install is skipped when those files have not changed.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# The install is keyed on the content of the files that define it.
COURSE_LABEXTENSION := share/jupyter/labextensions/posterior-leg-course
INSTALL_KEY := $(shell cat environment.yml pyproject.toml jupyter-config/lab/overrides.json $(COURSE_LABEXTENSION)/package.json $(COURSE_LABEXTENSION)/static/* 2>/dev/null | sha256sum | cut -c1-16)
STAMP := $(VENV)/.installed-$(INSTALL_KEY)
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings
LAB_EXTENSIONS := $(VENV)/share/jupyter/labextensions
FIRST_LESSON := notebooks/00_start_here.ipynb

.PHONY: lab test install bench data data-env site present instructor clean help dictionary binder-env binder-check

help:
	@echo "make lab    - set up (first time only) and open the course in JupyterLab"
	@echo "make test   - set up (first time only) and run every test"
	@echo "make bench  - run the benchmark scripts and print their tables"
	@echo "make present - serve the lessons for a projector (code hidden, large type, live widgets)"
	@echo "make site   - build a static HTML copy of the course in build/site/ (opens from disk, offline)"
	@echo "make instructor - regenerate the answer key and objectives map in instructor/"
	@echo "make data   - re-derive course_data tables from ../shared/data-sources (maintainers; needs opensim)"

# Bytecode for the course package, so no kernel compiles it on start (also where
# PYTHONDONTWRITEBYTECODE is set); only changed files are compiled again.
install: $(STAMP)
	@$(BIN)/python -m compileall -q utils

$(STAMP): environment.yml pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed (python3.11 or python3 on PATH)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	sed -n 's/^ *- *\([A-Za-z0-9_.-]*==[^ ]*\).*/\1/p' environment.yml > $(VENV)/requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r $(VENV)/requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	mkdir -p $(LAB_SETTINGS) $(LAB_EXTENSIONS)
	cp jupyter-config/lab/overrides.json $(LAB_SETTINGS)/overrides.json
	rm -rf $(LAB_EXTENSIONS)/posterior-leg-course
	cp -r $(COURSE_LABEXTENSION) $(LAB_EXTENSIONS)/
	rm -f $(VENV)/.installed-*
	touch $@

lab: install
	$(BIN)/jupyter lab --ip=127.0.0.1 --ServerApp.root_dir="$(CURDIR)" $(ROOT_FLAG) $(FIRST_LESSON)

test: install binder-env
	$(BIN)/python -m pytest --nbval-lax tests notebooks

# repo2docker (Binder's builder) in its own environment, to check the Binder set-up without Docker.
BINDER_VENV := .venv-binder
$(BINDER_VENV)/.installed:
	$(PYTHON) -m venv $(BINDER_VENV)
	$(BINDER_VENV)/bin/python -m pip install --quiet --disable-pip-version-check jupyter-repo2docker==2026.4.0
	touch $@

binder-env: $(BINDER_VENV)/.installed

binder-check: binder-env
	$(BINDER_VENV)/bin/repo2docker --no-build --debug .

bench: install
	@for script in benchmarks/bench_*.py; do echo "== $$script"; PYTHONPATH="$(CURDIR)" $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) build

# Maintainers only: OpenSim lives in its own environment, never in the learners' one.
DERIVE_VENV := .venv-derive
$(DERIVE_VENV)/.installed: scripts/requirements-derive.txt
	$(PYTHON) -m venv $(DERIVE_VENV)
	$(DERIVE_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r scripts/requirements-derive.txt
	touch $@

data-env: $(DERIVE_VENV)/.installed

data: data-env
	$(DERIVE_VENV)/bin/python scripts/derive_all.py --sources ../shared/data-sources

instructor: install
	$(BIN)/python -m scripts.build_instructor_materials

site: install
	$(BIN)/python -m scripts.build_site

present: install
	$(BIN)/python -m scripts.present

dictionary: install
	$(BIN)/python -m scripts.build_data_dictionary
