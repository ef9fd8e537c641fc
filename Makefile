# lm-analysis: every step from a fresh clone to the HTML reports goes through this file.
#
#   make help     list the targets (the default goal)
#   make test     create .venv on first use, install the locked versions, run the tests
#
# Each documented target has a `## target: one-line help` comment above it; `make help` prints
# those lines. Please keep that convention when adding targets.

# ---- Settings (override on the command line: make PYTHON=python3.11 test) ------------------
PYTHON ?= python3
VENV ?= .venv
# uv (fast) or pip (plain pip, no uv): how the locked packages are installed into $(VENV).
# uv makes the venv match the lock exactly; pip only adds (make distclean for a clean start).
INSTALLER ?= uv
# The cohort file the reports are built from (a file in data/raw/ for real patients).
#= DATA: the cohort file (.csv, .xlsx, .sav, .parquet or a folder of .parquet parts)
DATA ?= data/synthetic/synthetic_lm_cohort.csv
# Extra pytest arguments, e.g. make test PYTEST_ARGS='-m "not slow" -x'
PYTEST_ARGS ?=
# Extra JupyterLab arguments, e.g. make lab LAB_ARGS=--no-browser
LAB_ARGS ?=
# Extra `uv pip compile` arguments, e.g. make lock LOCK_ARGS=--upgrade
LOCK_ARGS ?=

# The one place the uv version is pinned.
UV_VERSION := 0.13.9
PY_REQUIRED := 3.11
# Same target platform as the command in the header of requirements.lock.
LOCK_PLATFORM := x86_64-manylinux_2_28

BIN := $(VENV)/bin
VENV_PYTHON := $(BIN)/python
STAMP := $(VENV)/.installed
KERNEL := $(VENV)/share/jupyter/kernels/lmlib/kernel.json

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

ifneq ($(filter-out . .. / ~,$(VENV)),$(VENV))
$(error VENV='$(VENV)' would put the virtual environment over the project; use e.g. VENV=.venv)
endif
ifeq ($(filter $(INSTALLER),uv pip),)
$(error INSTALLER must be uv or pip, not '$(INSTALLER)')
endif

# Fails with a clear message unless $(1) runs and is Python $(PY_REQUIRED); $(2) says what to do.
define require_python
@version=$$($(1) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) \
	|| version="not runnable"; \
if [ "$$version" != "$(PY_REQUIRED)" ]; then \
	echo "error: lm-analysis needs Python $(PY_REQUIRED), but '$(1)' is $$version. $(2)" >&2; \
	exit 1; \
fi
endef
HINT_PYTHON = Install Python $(PY_REQUIRED) and/or name it: make PYTHON=python$(PY_REQUIRED) $(MAKECMDGOALS)
HINT_VENV = $(VENV) was made with another Python: run make distclean first.

# Creates $(VENV) with $(PYTHON) unless a working one is there (a half-made one is redone).
define make_venv
$(call require_python,$(PYTHON),$(HINT_PYTHON))
@if ! $(VENV_PYTHON) -m pip --version >/dev/null 2>&1; then \
	if [ -e $(VENV) ] && [ ! -f $(VENV)/pyvenv.cfg ]; then \
		echo "error: $(VENV) exists but is not a virtual environment; move it away" >&2; exit 1; \
	fi; \
	echo "Creating $(VENV) with $(PYTHON)"; \
	$(PYTHON) -m venv --clear $(VENV); \
fi
$(call require_python,$(VENV_PYTHON),$(HINT_VENV))
endef

# In a git checkout of this project, configures the nbstripout filter that .gitattributes names
# for *.ipynb: notebooks are committed without outputs whatever state they are saved in (cell
# ids kept, so the generated notebooks stay byte-identical). Safe to repeat.
define configure_nbstripout
@if [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$$(pwd -P)" ]; then \
	git config filter.nbstripout.clean '"$(abspath $(VENV_PYTHON))" -m nbstripout --keep-id' && \
	git config filter.nbstripout.smudge cat && \
	git config filter.nbstripout.required true && \
	git config diff.ipynb.textconv '"$(abspath $(VENV_PYTHON))" -m nbstripout -t --keep-id' && \
	echo "git filter nbstripout configured: notebooks are committed without outputs"; \
fi
endef

# The Jupyter kernel "Python (lmlib)" inside $(VENV) (--sys-prefix: nothing is registered for
# the user); notebooks/00_start_here.ipynb names it, so JupyterLab opens it without asking.
define install_kernel
$(VENV_PYTHON) -m ipykernel install --sys-prefix --name lmlib --display-name "Python (lmlib)" >/dev/null
endef

# Installs uv==$(UV_VERSION) into the venv unless that exact version is already there.
define ensure_uv
@if [ "$$($(BIN)/uv --version 2>/dev/null | cut -d' ' -f2)" != "$(UV_VERSION)" ]; then \
	echo "Installing uv==$(UV_VERSION) into $(VENV)"; \
	$(VENV_PYTHON) -m pip install --quiet --disable-pip-version-check 'uv==$(UV_VERSION)'; \
fi
endef

.PHONY: help venv hooks test lab docs lock clean distclean

## help: list the targets and settings (this message)
help:
	@echo "Usage: make <target> [VARIABLE=value ...]"
	@echo
	@echo "Targets:"
	@awk '/^## [A-Za-z0-9_.\/-]+ *:/ { \
		line = substr($$0, 4); i = index(line, ":"); \
		name = substr(line, 1, i - 1); text = substr(line, i + 1); \
		gsub(/ +$$/, "", name); gsub(/^ +/, "", text); \
		printf "  %-10s %s\n", name, text }' $(MAKEFILE_LIST)
	@echo
	@echo "Settings of make report (make report NAME=value; current value in brackets):"
	@awk '/^#= [A-Z_]+:/ { line = substr($$0, 4); i = index(line, ":"); \
		print substr(line, 1, i - 1) "\t" substr(line, i + 2) }' $(MAKEFILE_LIST) | \
	while IFS=$$'\t' read -r name text; do var="LM_$$name"; \
		printf '  %-15s %s [%s]\n' "$$name" "$$text" "$${!var-}"; done
	@echo
	@echo "Settings of the environment and the tools:"
	@echo "  PYTHON=$(PYTHON)  VENV=$(VENV)  INSTALLER=$(INSTALLER)"
	@echo "  PYTEST_ARGS, LAB_ARGS, LOCK_ARGS: extra arguments of pytest, jupyter lab, uv pip compile"

# ---- Environment ----------------------------------------------------------------------------
# $(STAMP) is written last, so an interrupted install is simply redone by the next make; every
# step below is safe to repeat. A changed requirements.lock or pyproject.toml re-syncs the venv.
# Packages are byte-compiled at install (pip does it by default; uv with --compile-bytecode), so
# the first report's kernels do not spend seconds compiling pandas and scipy.

## venv: create .venv and install the locked packages and lmlib (editable)
venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@rm -f $(STAMP)
	$(make_venv)
ifeq ($(INSTALLER),uv)
	$(ensure_uv)
	$(BIN)/uv pip sync --python $(VENV_PYTHON) --require-hashes --compile-bytecode requirements.lock
	$(BIN)/uv pip install --python $(VENV_PYTHON) --no-deps -e .
else
	$(VENV_PYTHON) -m pip install --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(VENV_PYTHON) -m pip install --disable-pip-version-check --no-deps -e .
endif
	$(configure_nbstripout)
	$(install_kernel)
	@touch $(STAMP)
	@echo "$(VENV) is ready ($(INSTALLER))."

## hooks: configure the nbstripout git filter (done by venv; for a venv made before it existed)
hooks: | $(STAMP)
	$(configure_nbstripout)

# For a venv made before make venv installed the kernel.
$(KERNEL): $(STAMP)
	$(install_kernel)

## lock: re-resolve requirements.in into requirements.lock and environment.yml
lock:
	$(make_venv)
	$(ensure_uv)
	$(BIN)/uv pip compile requirements.in --python-version $(PY_REQUIRED) \
		--python-platform $(LOCK_PLATFORM) --generate-hashes --excludes requirements-exclude.txt -o requirements.lock $(LOCK_ARGS) >/dev/null
	$(VENV_PYTHON) scripts/check_env_pins.py --write

# ---- Work -----------------------------------------------------------------------------------

## test: run the test suite (PYTEST_ARGS='...' passes options to pytest)
test: $(STAMP) $(KERNEL)
	$(VENV_PYTHON) -m pytest $(PYTEST_ARGS)

# JupyterLab never asks the internet for news or a newer version (a machine with patient data
# need not be online), and so never asks whether it may: the server does not fetch them and the
# settings' defaults in $(VENV) (overrides.json) say "never"; LAB_ARGS come after, so they can
# change it.
LAB_OFFLINE := --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
LAB_DEFAULTS := {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}
# The page JupyterLab opens: the start-here notebook (a URL, not a file argument, so that a
# LAB_ARGS --ServerApp.root_dir elsewhere still starts).
START_NOTEBOOK := notebooks/00_start_here.ipynb

## lab: open notebooks/00_start_here.ipynb in JupyterLab with the "Python (lmlib)" kernel (as root with --allow-root)
lab: $(KERNEL) $(LAB_SETTINGS)
	$(BIN)/jupyter lab $$(if [ "$$(id -u)" = 0 ]; then echo --allow-root; fi) $(LAB_OFFLINE) \
		--LabApp.default_url=/lab/tree/$(START_NOTEBOOK) $(LAB_ARGS)

$(LAB_SETTINGS): $(STAMP)
	@mkdir -p $(dir $@)
	@printf '%s\n' '$(LAB_DEFAULTS)' > $@

## docs: build the API reference (HTML from the docstrings, pdoc) into docs/; any warning fails it
docs: $(STAMP)
	$(VENV_PYTHON) scripts/make_docs.py --out docs

# ---- Reports --------------------------------------------------------------------------------
# reports/<name>.html from notebooks/<name>.ipynb (run with papermill, code hidden, no CDN) and
# reports/index.html, by one command: `lmlib.report build` validates DATA, runs the sections that
# are out of date (Make's rule: an HTML older than its notebook or than DATA's stamp, the
# codebook, the published numbers, the screening log, an lmlib source or the environment) side
# by side in one process, REPORT_JOBS at a time, then writes the index.

# Every setting of `make report` reaches Python as literal text: Make exports $(value NAME) as
# the environment variable LM_NAME and never pastes it into a shell line, so a file name with
# quotes, `;`, `$(...)`, backticks or spaces is just a name. lmlib.report.settings checks every
# setting before anything is read or written (and holds the same defaults; a test compares).
#
# Data cut-off date (yyyy-mm-dd) of DATA: later dates are errors, and it is the date the reports
# print (never the clock). 2018-12-31 is the synthetic cohort's; set it for your own DATA, or
# make it empty (DATA_CUT=) for "not given".
#= DATA_CUT: data cut-off date yyyy-mm-dd (empty: not given)
DATA_CUT ?= 2018-12-31
# Language of the reports (en or tr): the notebooks' `lang` parameter. `make report LANG=tr`
# works too (LANG on the command line, en or tr, is taken as LANG_REPORT; see below).
#= LANG_REPORT: language of the reports, en or tr (LANG=en|tr on the command line too)
LANG_REPORT ?= en
# Decimal places (0-4) of percentages and summaries: the notebooks' `decimals` parameter.
#= DECIMALS: decimal places of percentages and summaries, 0-4
DECIMALS ?= 1
# Decimal mark of every number in the reports, tables and figures (the notebooks' `decimal_mark`
# parameter): "." as the paper prints in both languages, or "," for a journal that asks for a
# decimal comma ("%53,1", "p = 0,048").
#= DECIMAL_MARK: decimal mark of the numbers, . or ,
DECIMAL_MARK ?= .
# Small-cell rule (the notebooks' `suppress_below`): with k >= 2, counts 1 to k-1 are shown as
# "<k" (with further cells where a total would reveal them) in every table, CSV and risk table.
# 0 (the default) is off, so the tables stay comparable with the paper's.
#= SUPPRESS_BELOW: small-cell rule, counts 1 to k-1 shown as <k (0: off)
SUPPRESS_BELOW ?= 0
# Screening log of every referred patient, for the flow diagram (empty: none; the synthetic
# cohort brings its own).
#= SCREENING: screening log of every referred patient, for the flow diagram
SCREENING ?=
# Study file (lmlib.study): your own column headers, spellings, new levels (a colon primary, a
# squamous histology) and new variables (KPS, CSF cytology), in the codebook's format, on top of
# the built-in codebook. `make study DATA=...` drafts one from your export.
#= STUDY: study file with your headers, spellings, levels and variables (make study drafts one)
STUDY ?=
# LENIENT=1: invalid cells become missing instead of stopping the build; every problem is listed
# in an appendix of each report (and written to PROBLEMS when given).
#= LENIENT: 1 to build with invalid cells as missing, listed in each report's appendix
LENIENT ?=
# CSV file to write every problem of the input to (file, row, column, value, expected, rule;
# values that look like direct identifiers masked).
#= PROBLEMS: CSV file to write every problem of the input to
PROBLEMS ?=
# Comparisons (issue 13). GROUP_BY splits Tables 1 and 2 into one column per group with Overall,
# a p-value and its test per row, and sets the grouping of the survival section (empty: the paper's
# layout; the survival section then compares by treatment and primary site). Any categorical or
# yes/no variable of the codebook or the study file; checked once the codebook is read.
#= GROUP_BY: split Tables 1-2 and survival by this categorical or yes/no variable (empty: paper's layout)
GROUP_BY ?=
#= GROUP_TESTS: continuous variables by group: nonparametric (Mann-Whitney, Kruskal-Wallis) or parametric
GROUP_TESTS ?= nonparametric
#= ADJUST: bh (Benjamini-Hochberg q-values) or holm for the tables by group and pairwise log-rank tests
ADJUST ?=
#= SMD: 1 to add standardized mean differences (as tableone) to the tables by group
SMD ?=
#= MISSING_ROWS: Missing rows of the tables by group: ifany, always or no
MISSING_ROWS ?= ifany
# A multivariable Cox model (table and forest plot), e.g. COX=age,sex,treatment.
#= COX: covariates of a multivariable Cox model, e.g. age,sex,treatment (empty: none)
COX ?=
#= LANDMARKS: days at which survival is reported, e.g. 30,90,180
LANDMARKS ?= 30,90,180
#= TIME_UNIT: unit shown beside days in the survival section: days, weeks or months
TIME_UNIT ?= days
#= RMST_TAU: horizon in days of the restricted mean survival time, overall and between groups
RMST_TAU ?= 180
# Landmark analysis of treatment (a grouping known only after the diagnosis: immortal-time bias):
# the patients alive at this day, compared by the treatment received by then.
#= LANDMARK: day of the landmark analysis of treatment, e.g. 30 (empty: none)
LANDMARK ?=
# The sections to build, by notebook name (e.g. SECTIONS=01_descriptive); empty: every
# notebooks/0*_*.ipynb.
#= SECTIONS: sections to build, e.g. 03_survival (empty: all)
SECTIONS ?=
# Sections run at once (each in its own kernel); empty: one per CPU.
#= REPORT_JOBS: sections run at once (empty: one per CPU)
REPORT_JOBS ?=

# LANG is the shell's locale, but `make report LANG=tr` means the report's language: given on
# the command line, en or tr is taken as LANG_REPORT (and the recipes keep a sane locale,
# C.UTF-8); any other value stops make before anything is written. LANG from the environment
# is the locale and is left alone.
ifeq ($(origin LANG),command line)
LANG_GIVEN := $(value LANG)
ifneq ($(words $(LANG_GIVEN)) $(filter en tr,$(LANG_GIVEN)),1 $(LANG_GIVEN))
$(error LANG='$(LANG_GIVEN)' is not a language of the reports (LANG is the shell's locale): use LANG_REPORT=en or LANG_REPORT=tr)
endif
ifeq ($(origin LANG_REPORT),command line)
ifneq ($(value LANG_REPORT),$(LANG_GIVEN))
$(error LANG=$(LANG_GIVEN) and LANG_REPORT='$(value LANG_REPORT)' disagree: give LANG_REPORT=en or LANG_REPORT=tr only)
endif
endif
override LANG_REPORT := $(LANG_GIVEN)
override LANG := C.UTF-8
export LANG
endif

REPORT_SETTINGS := DATA DATA_CUT LANG_REPORT DECIMALS DECIMAL_MARK SUPPRESS_BELOW SCREENING STUDY LENIENT PROBLEMS GROUP_BY GROUP_TESTS ADJUST SMD MISSING_ROWS COX LANDMARKS TIME_UNIT RMST_TAU LANDMARK SECTIONS REPORT_JOBS
$(foreach s,$(REPORT_SETTINGS),$(eval LM_$(s) := $$(value $(s))))
export $(addprefix LM_,$(REPORT_SETTINGS))
# Never exported as they are: Make would expand their text for the environment.
unexport $(REPORT_SETTINGS)

REPORT := $(VENV_PYTHON) -m lmlib.report

.PHONY: report study

## report: build reports/<section>.html and reports/index.html from DATA (settings: make help)
report: $(STAMP)
	@$(REPORT) build --from-environment

## study: draft a study file from DATA into STUDY (default data/raw/<DATA name>.study.yaml; your entries kept)
study: $(STAMP)
	@$(VENV_PYTHON) -m lmlib map --from-environment

# ---- Benchmarks -----------------------------------------------------------------------------
# Synthetic cohorts of BENCH_SIZES patients; results in bench/results/ (git-ignored).
BENCH_SIZES ?= 1e5,1e6,1e7
BENCH_ARGS ?= --dask
# Benchmark groups to run, comma separated: tables, km, comparisons (Tables 1-2 by group with tests,
# multivariable Cox, make report with GROUP_BY and COX vs the paper's layout; up to 1e6), report
# (make report, in a throwaway copy of the project, vs trivial notebooks); empty: all. Some groups only write
# bench/results/bench-<groups>.json, so the full bench.json is kept (e.g. BENCH_GROUPS=report).
BENCH_GROUPS ?=

.PHONY: bench
## bench: time Tables 1-2 (also by group, with tests), KM and Cox at BENCH_SIZES patients vs tableone/lifelines/statsmodels, and make report vs trivial notebooks (BENCH_GROUPS)
bench: $(STAMP)
	$(VENV_PYTHON) scripts/bench.py --sizes $(BENCH_SIZES) --tableone-max 1e6 --repeat 3 \
		--groups '$(BENCH_GROUPS)' $(BENCH_ARGS)

# ---- Reliability ----------------------------------------------------------------------------
# Hypothesis (seeded) generates CSV, .xlsx, .sav and Parquet cohort files with the mutations a
# hospital export or a hostile user brings; each must load, or end in one clear message, and stay
# unchanged; a sample goes through make report, and the hostile files of
# tests/test_hostile_inputs.py are measured (time, peak memory). Counts go to
# bench/results/fuzz.json. About 15 minutes; LMLIB_FUZZ_SCALE=0.1 make fuzz runs a tenth.

.PHONY: fuzz
## fuzz: 10,000+ generated inputs and the hostile files, each loaded or refused with one message (not in make test)
fuzz: $(STAMP)
	$(VENV_PYTHON) -m pytest tests/fuzz_inputs.py -p no:cacheprovider -q

# ---- Cleaning -------------------------------------------------------------------------------

## clean: delete reports/, docs/, data/processed/ outputs and caches (never data/raw or data/synthetic)
clean:
	rm -rf reports docs .pytest_cache
	@if [ -d data/processed ]; then \
		find data/processed -mindepth 1 -maxdepth 1 ! -name .gitkeep ! -name README.md \
			-exec rm -rf -- {} +; \
	fi
	@find . -path ./$(VENV) -prune -o -path ./.git -prune -o \
		-type d -name __pycache__ -exec rm -rf -- {} +

## distclean: clean, and delete the virtual environment too
distclean: clean
	@case "$(VENV)" in ""|/|.|..|~) echo "error: refusing to delete VENV='$(VENV)'" >&2; exit 1;; esac
	rm -rf -- $(VENV)
