#!/usr/bin/env bash
# kill -9 of `dragon train` at an arbitrary moment loses at most the round in flight: the run
# resumes from its last checkpoint, metrics keep one row per completed round, and the run then
# completes the requested rounds.
set -uo pipefail
dragon="$1"
work="$(mktemp -d)"
trap 'kill -9 $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; tail -n 5 "$work"/*.log; exit 1; }

"$dragon" render-corpus --out "$work/p" --count 8 --first-seed 9100 | cut -f2 > "$work/train.txt" || fail "prompts"
/usr/bin/python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
train = [l.strip() for l in open(f"{w}/train.txt") if l.strip()]
json.dump({"trainPrompts": train, "evalPrompts": [], "evalEvery": 0, "rounds": 50, "promptsPerRound": 2,
           "seedsPerPrompt": 2, "demoSteps": 4, "gradientPasses": 1,
           "reward": {"encoder": "mel-stats", "terms": [{"type": "loudness", "targetLufs": -14}]}},
          open(f"{w}/config.json", "w"))
PY
"$dragon" train --config "$work/config.json" --out "$work/run" > "$work/first.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  [ -f "$work/run/metrics.jsonl" ] && [ "$(wc -l < "$work/run/metrics.jsonl")" -ge 3 ] && break
  sleep 0.1
done
delay=0.$((RANDOM % 9))   # somewhere inside a later round (sampling, update or checkpoint)
echo "kill -9 after $(wc -l < "$work/run/metrics.jsonl") rounds + ${delay} s (rerun with the same delay: DRAGON_KILL_DELAY=$delay)"
delay="${DRAGON_KILL_DELAY:-$delay}"
sleep "$delay"
kill -9 $pid; wait $pid 2>/dev/null
done_rounds=$(wc -l < "$work/run/metrics.jsonl")
[ "$done_rounds" -ge 3 ] || fail "too few rounds before the kill: $done_rounds"
target=$((done_rounds + 2))
"$dragon" train --resume --out "$work/run" --rounds $target > "$work/resume.log" 2>&1 || fail "resume exit $?"
grep -q "resumed from round-" "$work/resume.log" || fail "did not resume from a checkpoint"
[ "$(wc -l < "$work/run/metrics.jsonl")" -eq "$target" ] || fail "metrics rows $(wc -l < "$work/run/metrics.jsonl") != $target"
/usr/bin/python3 - "$work/run/metrics.jsonl" "$target" <<'PY' || fail "rounds not consecutive"
import json, sys
rounds = [json.loads(l)["round"] for l in open(sys.argv[1])]
sys.exit(0 if rounds == list(range(1, int(sys.argv[2]) + 1)) else 1)
PY
ls -a "$work/run/checkpoints" | grep -q "\.tmp-" && fail "temporary checkpoint files left after resume"
echo "PASS (killed after $done_rounds rounds, resumed to $target)"
