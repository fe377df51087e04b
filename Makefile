# 村医保代收: the two commands a new user needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?=
DB_ARG := $(if $(DB),--db $(DB),)

# Shared libraries Qt needs (offscreen for tests, xcb for a real screen) and the tools
# the tests and screenshots use, and libusb for raw USB receipt printers; installed only when
# missing, and only where apt-get works.
SYSTEM_PACKAGES := libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 \
	libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \
	libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxrender1 \
	poppler-utils xvfb zbar-tools libusb-1.0-0

.PHONY: run test lint typecheck importlint pytest bench sysdeps translations clean dist dist-test

# The installers (docs/INSTALL.md): the one-folder bundle, the .deb made from it.
DIST := dist/village-collect

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,server]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-dist: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dist]'
	touch $@ $(VENV)/.installed

sysdeps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
			echo "installing system packages: $$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "please install these system packages: $$missing"; \
		fi; \
	fi

run: sysdeps $(VENV)/.installed
	$(BIN)/vcollect demo init --if-missing $(DB_ARG)
	$(BIN)/village-collect $(DB_ARG)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

importlint: $(VENV)/.installed-dev
	$(BIN)/lint-imports

pytest: sysdeps $(VENV)/.installed-dev
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q

test: lint typecheck importlint pytest

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench

# Not part of `make test` (minutes of building); binutils: PyInstaller's objdump and strip.
dist: $(VENV)/.installed-dist
	@$(MAKE) --no-print-directory sysdeps SYSTEM_PACKAGES='$(SYSTEM_PACKAGES) binutils'
	rm -rf $(DIST) build/pyinstaller
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --workpath build/pyinstaller \
		--distpath dist installer/village-collect.spec
	@echo "bundle: $$(du -sm $(DIST) | cut -f1) MB in $(DIST)"
	@if command -v dpkg-deb >/dev/null; then $(BIN)/python installer/build_deb.py; \
	else echo "no dpkg-deb here: the .deb is built on Debian, UOS or Kylin"; fi
	@$(MAKE) --no-print-directory dist-test

# The smoke test of an existing bundle (and .deb): only the bundled programs are run.
dist-test: | $(BIN)/python
	$(BIN)/python installer/smoke_test.py --bundle $(DIST)

translations: $(VENV)/.installed-dev
	$(BIN)/pyside6-lupdate $$(find ui/desktop -name '*.py') -ts ui/desktop/i18n/zh_CN.ts -source-language en -target-language zh_CN -no-obsolete -locations none
	$(BIN)/pyside6-lrelease ui/desktop/i18n/zh_CN.ts -qm ui/desktop/i18n/zh_CN.qm

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
