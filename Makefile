# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# what running needs; the test tools (Playwright, ArcadeDB and its JRE…) come with `make test`
RUNTIME := $(VENV)/.installe-execution
DEV := $(VENV)/.installe-tests

.PHONY: run test install lint clean

$(RUNTIME): pyproject.toml
	@echo "Installation de Maillage dans $(VENV) (dépendances d'exécution seulement)…"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --progress-bar on -e .
	touch $@

$(DEV): $(RUNTIME)
	@echo "Outils de test : pytest, ruff, mypy, schemathesis, Playwright, ArcadeDB…"
	$(BIN)/pip install --progress-bar on -e '.[dev]'
	touch $@

install: $(RUNTIME)

run: install
	$(BIN)/maillage init
	$(BIN)/maillage serve

lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -v

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
