#!/usr/bin/env bash
# The test command (README, .ci/run): install, start a real local Neo4j, run every test.
# A user's own Neo4j can be used instead: set CCGRAPH_TEST_NEO4J_URI (and NEO4J_USER/PASSWORD).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== installing ccgraph and its test tools (pip)"
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'

echo "== ruff and mypy"
python3 -m ruff check --quiet .
python3 -m mypy

# Debian's chromium for the real-browser test (never a browser download).
if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing Debian's chromium for the browser tests (apt, about 100 MB, once)"
  if [ "$(id -u)" = 0 ]; then
    (apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }) \
      || echo "warning: could not install chromium; the browser test will fail" >&2
  else
    echo "warning: chromium is not installed (sudo apt-get install chromium); the browser test will fail" >&2
  fi
fi

started=""
if [ -n "${CCGRAPH_TEST_NEO4J_URI:-}" ]; then
  export NEO4J_URI="$CCGRAPH_TEST_NEO4J_URI"
else
  port="${CCGRAPH_TEST_NEO4J_PORT:-7697}"
  export NEO4J_URI="bolt://127.0.0.1:${port}"
  export CCGRAPH_NEO4J_DIR="${CCGRAPH_NEO4J_DIR:-${HOME:-/tmp}/.cache/ccgraph}"
  unset NEO4J_USER NEO4J_PASSWORD  # the test server's password is generated and kept privately
  if ! ccgraph neo4j --port "$port" status | grep -q "^running"; then
    echo "== starting a local Neo4j for the tests on 127.0.0.1:${port}"
    ccgraph neo4j --port "$port" start
    started="$port"
  fi
fi
stop_server() { if [ -n "$started" ]; then ccgraph neo4j --port "$started" stop >/dev/null || true; fi; }
trap stop_server EXIT

# The full fuzz count: 10,000 hostile inputs for each surface (CSV folders, scenario YAML,
# node-link JSON); a bare `pytest` runs 300 per surface.
export CCGRAPH_FUZZ_CASES="${CCGRAPH_FUZZ_CASES:-10000}"

echo "== running the tests (the browser, Neo4j and 40,000 fuzz cases included: about 20 minutes)"
set +e
python3 -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure" >&2
  exit 1
fi
exit "$status"
