#!/usr/bin/env bash
# One DRAGON round, ours vs the same round in Python (python3-torch), timed in one run:
#   tests/bench/dragon_round.sh BUILD_DIR [REPEAT] [THREADS]
# Both without the pretraining anchor (the Python round has none); the anchor's own cost is the
# last line (our round again with the default anchor weight 30).
set -euo pipefail
build="${1:-build}"; repeat="${2:-3}"; threads="${3:-2}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$build/app/dragon" bench-round --out "$work" --repeat "$repeat" --threads "$threads" --anchor 0 > "$work/cpp.json"
/usr/bin/python3 "$(dirname "$0")/dragon_round.py" "$work/round.json" "$repeat" "$threads" > "$work/py.json"
/usr/bin/python3 - "$work/cpp.json" "$work/py.json" <<'PY'
import json, sys
cpp, py = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
print(f"phase     ours (s)  python (s)  python/ours   (median of rounds, {cpp['threads']} threads, torch {py['torch']})")
both = 0.0; both_py = 0.0
for k in ("sample", "decode", "encode", "reward", "update", "checkpoint"):
    p = py.get(k)
    if p is None:
        print(f"{k:9s} {cpp[k]:8.3f}  {'n/a':>10s}")
    else:
        both += cpp[k]; both_py += p
        print(f"{k:9s} {cpp[k]:8.3f}  {p:10.3f}  {p / cpp[k]:10.2f}x")
print(f"{'total':9s} {cpp['total']:8.3f}   (ours, whole round incl. decode and checkpoint)")
print(f"phases both implement: ours {both:.3f} s, python {both_py:.3f} s -> ours is {both_py / both:.2f}x faster")
PY
"$build/app/dragon" bench-round --out "$work/anchored" --repeat "$repeat" --threads "$threads" > "$work/anchored.json"
/usr/bin/python3 - "$work/cpp.json" "$work/anchored.json" <<'PY'
import json, sys
plain, anchored = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
print(f"with the pretraining anchor (weight {anchored['anchor']:g}): update {anchored['update']:.3f} s "
      f"(vs {plain['update']:.3f}), round {anchored['total']:.3f} s (vs {plain['total']:.3f})")
PY
