#!/usr/bin/env bash
# Two ranks of `dragon train` on loopback (c10d TCPStore + Gloo) end with identical parameters,
# and match one process training on the same global batch: parameter checksums (sum and sum of
# |p| over all 3.8 M parameters, float64) agree between ranks exactly and with the single
# process to 1e-7 relative (float summation order in the gradient all-reduce differs).
set -uo pipefail
dragon="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"; kill $(jobs -p) 2>/dev/null' EXIT
fail() { echo "FAIL: $*"; for f in "$work"/*.log; do echo "== $f"; tail -n 5 "$f"; done; exit 1; }

"$dragon" render-corpus --out "$work/p" --count 8 --first-seed 9000 | cut -f2 > "$work/train.txt" || fail "prompts"
/usr/bin/python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
train = [l.strip() for l in open(f"{w}/train.txt") if l.strip()]
json.dump({"trainPrompts": train, "evalPrompts": [], "evalEvery": 0, "rounds": 2, "promptsPerRound": 4,
           "seedsPerPrompt": 2, "demoSteps": 6, "loss": "dpo",
           "reward": {"encoder": "mel-stats", "terms": [{"type": "loudness", "targetLufs": -14}]}},
          open(f"{w}/config.json", "w"))
PY
port=$((29000 + RANDOM % 2000))
"$dragon" train --config "$work/config.json" --out "$work/run2" --world-size 2 --rank 0 --master 127.0.0.1:$port \
  --threads 1 > "$work/rank0.log" 2>&1 &
r0=$!
"$dragon" train --config "$work/config.json" --out "$work/run2" --world-size 2 --rank 1 --master 127.0.0.1:$port \
  --threads 1 > "$work/rank1.log" 2>&1 || fail "rank 1 exit $?"
wait $r0 || fail "rank 0 exit"
"$dragon" train --config "$work/config.json" --out "$work/run1" --threads 1 > "$work/single.log" 2>&1 || fail "single"

sum() { grep "parameter checksum" "$1" | awk '{print $6, $8}'; }
c0=$(sum "$work/rank0.log"); c1=$(sum "$work/rank1.log"); cs=$(sum "$work/single.log")
[ -n "$c0" ] && [ "$c0" == "$c1" ] || fail "ranks differ: '$c0' vs '$c1'"
/usr/bin/python3 - "$c0" "$cs" <<'PY' || fail "2 ranks vs 1 process: $c0 vs $cs"
import sys
a = [float(x) for x in sys.argv[1].split()]; b = [float(x) for x in sys.argv[2].split()]
worst = max(abs(x - y) / abs(y) for x, y in zip(a, b))
print(f"2 ranks vs 1 process: max relative checksum difference {worst:.2e}")
sys.exit(0 if worst < 1e-7 else 1)
PY
# Only rank 0 wrote the run folder's metrics: one row per round.
[ "$(wc -l < "$work/run2/metrics.jsonl")" -eq 2 ] || fail "metrics rows"
# A bad rendezvous address is a clear error, not a hang.
out=$("$dragon" train --config "$work/config.json" --out "$work/bad" --world-size 2 --rank 1 --master nohost 2>&1)
echo "$out" | grep -q "HOST:PORT" || fail "bad --master message: $out"
echo "PASS"
