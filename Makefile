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
		$(PY) packaging/window_libs.py || exit 1; \
		$(PY) main.py gui --case demo-out/case-image demo-out/evidence/image/real demo-out/evidence/image/generated; \
	else echo "No display: read demo-out/report.pdf; on a desktop, $(PY) main.py gui --case demo-out/case-image"; fi

demo: run

# The suite, then its numerically sensitive tests again under other CPU kernels and thread
# counts (MKL, oneDNN and ATen pick summation orders by instruction set: a test that passed on
# AVX-512 once failed on an AMD AVX2 machine). AVX2 only where the CPU has it.
NUMERIC_TESTS := tests/test_training_detectors.py tests/test_training_gan.py tests/test_training_models.py \
	tests/test_training_rounds.py tests/test_analysis_stats.py tests/test_analysis_features.py \
	tests/test_data_representations.py tests/test_verdict_calibration.py tests/test_verdict_detectors.py \
	tests/test_batch_stats.py
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest
	ATEN_CPU_CAPABILITY=default MKL_ENABLE_INSTRUCTIONS=SSE4_2 ONEDNN_MAX_CPU_ISA=SSE41 OMP_NUM_THREADS=2 \
		QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(NUMERIC_TESTS)
	if grep -qw avx2 /proc/cpuinfo 2>/dev/null; then \
		ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 ONEDNN_MAX_CPU_ISA=AVX2 OMP_NUM_THREADS=1 \
		QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(NUMERIC_TESTS); fi

bench: $(STAMP)
	$(PY) -m pytest tests/benchmarks -s -p no:cacheprovider -o addopts=""

# The double-click app (docs/packaging.md): one-folder build in dist/ganforensics/, then the
# frozen-app smoke test. `make package ONEFILE=1` builds dist/ganforensics-onefile instead.
package: $(STAMP)
	$(PY) -m pip install -q -e '.[package]'
	$(PY) packaging/build.py --smoke $(if $(ONEFILE),--onefile)

clean:
	rm -rf $(VENV) build dist
