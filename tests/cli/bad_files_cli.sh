#!/usr/bin/env bash
# Damaged inputs and failed writes through the CLI: a run whose checkpoint or policy.pt cannot
# be written exits non-zero naming the unsaved rounds (and resumes cleanly once the disk is
# back); damaged configs and projects are refused naming the file (a 200,000-level project used
# to segfault); a FLAC whose header lies about its length is reported by name and the files
# after it are still measured (it used to print only "std::bad_alloc" and stop).
set -uo pipefail
dragon="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; tail -n 8 "$work"/*.log 2>/dev/null; exit 1; }

"$dragon" render-corpus --out "$work/p" --count 4 --first-seed 9200 | cut -f2 > "$work/train.txt" || fail "prompts"
/usr/bin/python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
train = [l.strip() for l in open(f"{w}/train.txt") if l.strip()]
json.dump({"trainPrompts": train, "evalPrompts": [], "evalEvery": 0, "rounds": 1, "promptsPerRound": 2,
           "seedsPerPrompt": 2, "demoSteps": 3, "gradientPasses": 1, "anchorWeight": 0,
           "reward": {"encoder": "mel-stats", "terms": [{"type": "loudness", "targetLufs": -14}]}},
          open(f"{w}/config.json", "w"))
# A project nested 200,000 levels deep, and a config with a number no int can hold.
with open(f"{w}/deep.dragon", "w") as f:
    f.write('{"format":"dragon-studio-project","version":2,"reward":' + "[" * 200000 + "]" * 200000 + "}")
PY
mkdir -p "$work/bad"
echo '{"rounds": 1e30}' > "$work/bad/config.json"

"$dragon" train --config "$work/config.json" --out "$work/run" > "$work/first.log" 2>&1 || fail "first run exit $?"
grep -q "finished 1 of 1 rounds" "$work/first.log" || fail "first run did not finish"

# Round 2's checkpoint cannot be written (a folder holds its name: what a full disk does to it).
mkdir "$work/run/checkpoints/round-000002.pt"
"$dragon" train --resume --out "$work/run" --rounds 2 > "$work/full.log" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "a run that could not save exited $rc"
grep -q "FAILED to save" "$work/full.log" || fail "no FAILED line"
grep -q "round 2 not saved (the last checkpoint written is round 1" "$work/full.log" || fail "unsaved rounds not named"
grep -q "finished 2 of 2" "$work/full.log" && fail "claimed to have finished"

rmdir "$work/run/checkpoints/round-000002.pt"
"$dragon" train --resume --out "$work/run" --rounds 2 > "$work/again.log" 2>&1 || fail "resume after the disk came back exit $?"
/usr/bin/python3 - "$work/run/metrics.jsonl" <<'PY' || fail "metrics rows after the failed save are not rounds 1, 2"
import json, sys
sys.exit(0 if [json.loads(l)["round"] for l in open(sys.argv[1])] == [1, 2] else 1)
PY

# policy.pt cannot be written: the export is missing, so the run is not a success either.
rm -f "$work/run/policy.pt"
mkdir "$work/run/policy.pt"
"$dragon" train --resume --out "$work/run" --rounds 3 > "$work/policy.log" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "a run without its policy.pt exited $rc"
grep -q "policy.pt of round 3 not written" "$work/policy.log" || fail "policy.pt failure not named"

"$dragon" train --resume --out "$work/bad" > "$work/badconfig.log" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "a damaged config exited $rc"
grep -q "bad/config.json: bad training config: field \"rounds\"" "$work/badconfig.log" || fail "config error does not name the file and field"

"$dragon" train --project "$work/deep.dragon" --out "$work/deeprun" > "$work/deep.log" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "a 200,000-level project exited $rc (139 is a segfault)"
grep -q "deep.dragon: damaged project file: nested deeper than 64 levels" "$work/deep.log" || fail "deep project message"

# A FLAC claiming 1,800 s of 8 channels at 192 kHz (11 GB of floats) in a few KB.
sox -n -r 192000 -c 8 -b 16 "$work/lying.flac" synth 0.02 sine 440 || fail "sox"
/usr/bin/python3 - "$work/lying.flac" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
n = 1800 * 192000
b[8 + 13] = (b[8 + 13] & 0xF0) | ((n >> 32) & 0x0F)
b[8 + 14:8 + 18] = (n & 0xFFFFFFFF).to_bytes(4, "big")
open(p, "wb").write(bytes(b))
PY
sox -n -r 24000 -c 1 -b 16 "$work/good.wav" synth 1 sine 440 || fail "sox"
# The allowance stops a reservation of the header's claim on any machine (not under
# AddressSanitizer, which reserves terabytes of shadow memory).
limit="ulimit -v 6000000;"
ldd "$dragon" | grep -q libasan && limit=""
(eval "$limit" "\"$dragon\" loudness \"$work/lying.flac\" \"$work/good.wav\"") > "$work/loud.out" 2> "$work/loud.log"
rc=$?
[ $rc -eq 1 ] || fail "loudness exit $rc"
grep -q "lying.flac: file is truncated" "$work/loud.log" || fail "the lying file is not named: $(cat "$work/loud.log")"
grep -q "good.wav" "$work/loud.out" || fail "the file after the bad one was skipped"
# --integrated: the same integrated loudness alone (no range, no true peak); a bad file still exit 1.
"$dragon" loudness --integrated "$work/good.wav" > "$work/loud-i.out" || fail "loudness --integrated exit $?"
full=$(grep good.wav "$work/loud.out" | cut -f2)
alone=$(cut -f2 "$work/loud-i.out")
[ -n "$alone" ] && [ "$alone" = "$full" ] || fail "--integrated read '$alone', the full meter '$full'"
[ "$(awk -F'\t' '{print NF}' "$work/loud-i.out")" = 2 ] || fail "--integrated printed more: $(cat "$work/loud-i.out")"
"$dragon" loudness --integrated "$work/nothing.wav" > /dev/null 2>&1 && fail "a missing file gave exit 0"
echo "PASS"
