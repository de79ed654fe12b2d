#!/usr/bin/env bash
# Metric speed and agreement vs numpy/scipy, one run: tests/bench/metrics_bench.sh BUILD_DIR [REPEAT]
set -euo pipefail
build="${1:-build}"
repeat="${2:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$build/app/dragon" bench-metrics --out "$work" --repeat "$repeat"
/usr/bin/python3 "$(dirname "$0")/metrics_bench.py" "$work" "$repeat"
