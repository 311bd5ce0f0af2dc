# Everything a fresh machine needs: `make run` (the app on embedded data), `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run demo test bench package clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

# The demo builds three cases from embedded data and writes demo-out/report.pdf; on a
# desktop the window then opens on the image case with its evidence.
run: $(STAMP)
	$(PY) main.py demo --out demo-out
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		$(PY) main.py gui --case demo-out/case-image demo-out/evidence/image/real demo-out/evidence/image/generated; \
	else echo "No display: read demo-out/report.pdf; on a desktop, $(PY) main.py gui --case demo-out/case-image"; fi

demo: run

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

bench: $(STAMP)
	$(PY) -m pytest tests/benchmarks -s -p no:cacheprovider -o addopts=""

# The double-click app (docs/packaging.md): one-folder build in dist/ganforensics/, then the
# frozen-app smoke test. `make package ONEFILE=1` builds dist/ganforensics-onefile instead.
package: $(STAMP)
	$(PY) -m pip install -q -e '.[package]'
	$(PY) packaging/build.py --smoke $(if $(ONEFILE),--onefile)

clean:
	rm -rf $(VENV) build dist
