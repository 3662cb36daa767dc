# Two commands: `make run` serves the demo site, `make test` runs every check.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve cluster cluster-stop test lint format bench bench-http bench-wordpress bench-live bench-popularity bench-newsletter bench-cluster demo migrate clean

$(BIN)/.installed: requirements.txt
	@py=$$(scripts/find-python.sh) || exit 1; \
	  echo "Using $$py ($$($$py --version))"; \
	  test -x $(BIN)/python || $$py -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

migrate: $(BIN)/.installed
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python manage.py load_demo

# The development server and the task worker that delivers mail (printed on the console here).
run: demo
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python scripts/run.py

# Production settings on this machine: DEBUG off, gunicorn, WhiteNoise (see docs/deploying.md).
serve: $(BIN)/.installed
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python scripts/serve.py

# Several machines' topology on this one (docs/deploying.md): PostgreSQL primary + streaming replica,
# Redis, S3 (moto), two gunicorn app servers, the task worker, Varnish in front; under var/cluster/
# (CLUSTER_DIR=… for another folder). `make cluster-stop` stops all of it.
cluster: $(BIN)/.installed-dev
	scripts/ensure-packages.sh
	$(BIN)/python scripts/cluster.py start $(if $(CLUSTER_DIR),--folder $(CLUSTER_DIR))

cluster-stop: $(BIN)/.installed-dev
	$(BIN)/python scripts/cluster.py stop $(if $(CLUSTER_DIR),--folder $(CLUSTER_DIR))

test: $(BIN)/.installed-dev
	scripts/ensure-packages.sh
	VENV_BIN=$(BIN) scripts/test.sh

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(BIN)/.installed
	$(BIN)/python scripts/benchmark.py

# Reader pages under load at 1,000 and 100,000 articles, beside a bare Django view, on make serve's
# gunicorn (PostgreSQL, Redis, wrk), with an edit-per-second phase: about 55 minutes.
# SIZE=1000 for one size; BENCH_ARGS="--duration 5 --rounds 1" for the ~15-minute quick mode
# (see docs/testing.md, « Benchmarks »).
bench-http: $(BIN)/.installed
	$(BIN)/python scripts/bench_http.py $(if $(SIZE),--sizes $(SIZE)) $(BENCH_ARGS)

# manage.py import_wordpress on a synthetic newsroom export (PostgreSQL, Redis) at 10,000 posts (50,000
# comments) and 20,000 (100,000 comments), then the same file again: time and peak memory of each import;
# SIZE=2000 for one size, BENCH_ARGS for more (--sqlite, --json FILE).
bench-wordpress: $(BIN)/.installed
	$(BIN)/python scripts/wordpress_benchmark.py $(if $(SIZE),--sizes $(SIZE)) $(BENCH_ARGS)

# 2,000 readers polling a live while a journalist posts every 5 s (issue 25): delays, renders per entry.
bench-live: $(BIN)/.installed
	$(BIN)/python scripts/live_benchmark.py $(BENCH_ARGS)

# The « Les plus lus » beacon under wrk beside the hello-world view (issue 25).
bench-popularity: $(BIN)/.installed
	$(BIN)/python scripts/popularity_benchmark.py $(BENCH_ARGS)

# An edition sent to 100,000 subscribers by the task worker into a local SMTP sink (PostgreSQL, aiosmtpd):
# time, messages/s, the worker's peak memory, the sink alone (issue 26). SIZE=10000 for a smaller list.
bench-newsletter: $(BIN)/.installed
	$(BIN)/python scripts/newsletter_benchmark.py $(if $(SIZE),--size $(SIZE)) $(BENCH_ARGS)

# Varnish's cached article page beside Varnish serving a file of the same size, and the app servers'
# renders per 1,000 requests in a spike with an edit every 5 s, on a cluster of its own (issue 27).
bench-cluster: $(BIN)/.installed-dev
	scripts/ensure-packages.sh
	$(BIN)/python scripts/cluster_benchmark.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
