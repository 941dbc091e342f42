# The two set-up commands of the README: `make run` (the chat app) and `make test` (the test suite).
# Both create .venv and install on a fresh machine; torch is pinned to the CPU wheel.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
INDEX ?= .citebot/index
HOST ?= 127.0.0.1
PORT ?= 7860

# Regression gates for the demo eval, set just below what was measured (see README, "Evals").
GATES := behavior_accuracy=0.98 behavior_accuracy_emergency=1 behavior_accuracy_refuse_dose=1 \
	behavior_accuracy_abstain=1 hit_at_k=0.97 mrr=0.95 citation_recall=0.99 citation_precision=0.99 fact_recall=0.91 \
	seed_coverage=0.5
# Lower-is-better ceilings: no shown sentence may talk about the knowledge base itself (measured 0); the
# sentence-level rates just above what was measured (duplicates 0.041, fragments 0.007, wrong entity 0.005,
# voice mismatch 0.039); a follow-up's sentences shown in an earlier answer, reminders included, just above 0.103.
CEILINGS := self_reference_rate=0 duplicate_rate=0.05 repeat_rate=0.11 fragment_rate=0.015 wrong_entity_rate=0.01 \
	voice_mismatch=0.05

# The same answerer on documents nobody on the team wrote (../shared/corpus-external, evals/datasets/external.jsonl)
# and on MedQuAD answers beside a plain LangChain pipeline: floors (--fail-under) and, for the lower-is-better
# sentence rates, ceilings (--fail-over), set just beyond what today's offline answerer measures (README, "Evals").
# seed_coverage is the mean over the two seed questions asked of these documents; 0.30 → 0.28 on 2026-12-07 when a
# list became one point per frequency class (the held-out clinician seed, answered from the side-effect list, lost
# "upper respiratory tract infection": 1 of 13 points → 0; measured 0.286). That case is held out, so it was not tuned.
SHARED ?= ../shared
EXTERNAL_GATES := behavior_accuracy=0.91 behavior_accuracy_answer=0.91 behavior_accuracy_abstain=0.8 \
	behavior_accuracy_emergency=1 behavior_accuracy_refuse_dose=1 hit_at_k=0.97 fact_recall=0.75 \
	answer_precision=0.2 seed_coverage=0.28
EXTERNAL_CEILINGS := duplicate_rate=0.005 fragment_rate=0.005 wrong_entity_rate=0.015 voice_mismatch=0.02
# MedQuAD answers: a 40-question sample of pages outside the offline ranker's training fold (measured citebot F1
# 0.427, F1 ratio 1.698 over a plain pipeline that scores low on this sample, gold page cited 1.000).
MEDQUAD_SAMPLE := 40
MEDQUAD_GATES := citebot_f1=0.42 f1_ratio=1.65 citebot_gold_cited=0.97

.PHONY: run test lint install eval-gate

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "torch==2.13.0"
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	test -f $(INDEX)/manifest.json || $(VENV)/bin/citebot ingest corpus --index $(INDEX)
	$(VENV)/bin/citebot chat --index $(INDEX) --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

eval-gate: $(STAMP)
	$(VENV)/bin/citebot ingest corpus --index runs/ci-index --quiet --rebuild
	$(VENV)/bin/citebot eval --index runs/ci-index --out runs/ci-eval --quiet $(addprefix --fail-under ,$(GATES)) $(addprefix --fail-over ,$(CEILINGS))
	$(VENV)/bin/citebot ingest $(SHARED)/corpus-external --index runs/ci-index-external --quiet
	$(VENV)/bin/citebot eval evals/datasets/external.jsonl --index runs/ci-index-external --out runs/ci-eval-external \
		--quiet $(addprefix --fail-under ,$(EXTERNAL_GATES)) $(addprefix --fail-over ,$(EXTERNAL_CEILINGS))
	$(VENV)/bin/citebot eval medquad $(SHARED)/data/medquad/medquad_answered_subsample35.jsonl --answers \
		--limit $(MEDQUAD_SAMPLE) --out runs/ci-medquad-answers --quiet $(addprefix --fail-under ,$(MEDQUAD_GATES))

# The eval gate runs before pytest so that pytest's summary is the last thing printed.
test: $(STAMP) lint eval-gate
	$(PY) -m pytest -q -ra
