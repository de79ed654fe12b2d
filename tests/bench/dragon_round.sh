#!/usr/bin/env bash
# One DRAGON round, ours vs the same round in Python (python3-torch), timed in one run:
#   tests/bench/dragon_round.sh BUILD_DIR [REPEAT] [THREADS]
# Twice: without the pretraining anchor, then with the default one (weight 30, 8 corpus rows per
# pass). Python twice each time: with our thread set-up (torch's operators on one thread,
# OpenBLAS's pool on THREADS: the fair comparison) and "plain" (torch.set_num_threads(THREADS),
# as a Python script would do it, which oversubscribes the cores; see ComputeThreads.h).
set -euo pipefail
build="${1:-build}"; repeat="${2:-5}"; threads="${3:-2}"
here="$(dirname "$0")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for anchor in 0 30; do
    "$build/app/dragon" bench-round --out "$work/a$anchor" --repeat "$repeat" --threads "$threads" \
        --anchor "$anchor" > "$work/cpp$anchor.json"
    /usr/bin/python3 "$here/dragon_round.py" "$work/a$anchor/round.json" "$repeat" "$threads" \
        > "$work/py$anchor.json"
    /usr/bin/python3 "$here/dragon_round.py" "$work/a$anchor/round.json" "$repeat" "$threads" plain \
        > "$work/plain$anchor.json"
done
for anchor in 0 30; do
/usr/bin/python3 - "$work/cpp$anchor.json" "$work/py$anchor.json" "$work/plain$anchor.json" <<'PY'
import json, sys
cpp, py, plain = (json.load(open(f)) for f in sys.argv[1:4])
print(f"pretraining anchor weight {cpp['anchor']:g}; median of rounds; ours {cpp['computeThreads']}, "
      f"python {py['threads']} / plain {plain['threads']}, torch {py['torch']}")
print(f"phase     ours (s)  python (s)  python/ours  plain (s)  plain/ours")
both = {"ours": 0.0, "py": 0.0, "plain": 0.0}
for k in ("sample", "decode", "encode", "reward", "update", "checkpoint"):
    p, q = py.get(k), plain.get(k)
    if p is None:
        print(f"{k:9s} {cpp[k]:8.3f}  {'n/a':>10s}")
        continue
    both["ours"] += cpp[k]; both["py"] += p; both["plain"] += q
    print(f"{k:9s} {cpp[k]:8.3f}  {p:10.3f}  {p / cpp[k]:10.2f}x  {q:9.3f}  {q / cpp[k]:9.2f}x")
print(f"{'total':9s} {cpp['total']:8.3f}   (ours, whole round incl. decode and checkpoint)")
print(f"phases both implement: ours {both['ours']:.3f} s = {both['ours'] / both['py']:.2f}x python's "
      f"{both['py']:.3f} s, {both['ours'] / both['plain']:.2f}x plain python's {both['plain']:.3f} s\n")
PY
done
