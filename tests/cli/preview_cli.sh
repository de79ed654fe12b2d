#!/usr/bin/env bash
# `dragon preview` on the bundled demo project: the reading, the level check and D+/D- are
# printed and preview.json lands in the project's previews folder (where the Preview tab reads
# it); with a per-song FAD reward (lower is better) D+ is the clip of lowest FAD; bad usage exits
# 2; a missing project exits 1 naming the file.
set -uo pipefail
dragon="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$dragon" demo-project "$work/demo" >/dev/null || fail "demo-project"
project="$work/demo/demo.dragon"
out=$("$dragon" preview --project "$project" --clips 4 --steps 4 2>/dev/null) || fail "preview exit $?: $out"
echo "$out" | grep -q "^Level check: turning a clip 6 dB down or up" || fail "no level check: $out"
{ echo "$out" | grep -q "^level -6 dB" && echo "$out" | grep -q "^level +6 dB"; } || fail "level rows: $out"
{ echo "$out" | grep -q "^D+ 1 " && echo "$out" | grep -q "^D- 1 "; } || fail "D+/D- rows: $out"
[ "$(ls "$work"/demo/demo.dragon.d/previews/*/preview.json | wc -l)" -eq 1 ] || fail "no preview.json"

# Per-song FAD alone: D+ 1 is minus the lowest FAD of the batch (as preview.json holds it).
/usr/bin/python3 - "$project" <<'PY' || fail "editing the project"
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["reward"]["encoder"] = "mel-stats"
d["reward"]["terms"][0]["type"] = "per-song-fad"
json.dump(d, open(p, "w"), indent=1)
PY
out=$("$dragon" preview --project "$project" --clips 6 --steps 4 --show 6 2>/dev/null) || fail "per-song preview exit $?: $out"
best=$(echo "$out" | awk '$1=="D+" && $2==1 {print $3}')
worst=$(echo "$out" | awk '$1=="D-" && $2==1 {print $3}')
awk -v a="$best" -v b="$worst" 'BEGIN {exit !(a < 0 && a > b)}' || fail "per-song FAD ranking: $out"
# The folder this preview wrote, as it printed it (two previews in one second are named
# STAMP and STAMP-2, which a sort of the folder names does not order).
newest=$(echo "$out" | sed -n 's/.*clips and preview.json in //p')
[ -d "$newest" ] || fail "no preview folder printed: $out"
/usr/bin/python3 - "$newest/preview.json" "$best" <<'PY' || fail "D+ 1 is not minus the lowest FAD: $out"
import json, sys
d = json.load(open(sys.argv[1]))
fads = [p["terms"][0] for p in d["points"] if p["generated"]]
best = float(sys.argv[2])
sys.exit(0 if abs(-min(fads) - best) <= 1e-3 * abs(best) else 1)
PY

"$dragon" preview --project "$project" --clips 1 >/dev/null 2>&1; [ $? -eq 2 ] || fail "--clips 1 exit"
msg=$("$dragon" preview --project "$work/none.dragon" 2>&1); [ $? -eq 1 ] || fail "missing project exit"
echo "$msg" | grep -q "none.dragon" || fail "missing project message: $msg"
echo "PASS"
