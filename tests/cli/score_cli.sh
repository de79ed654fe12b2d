#!/usr/bin/env bash
# `dragon embed` / `dragon score` end to end: metrics on folders and lists, ranked per-song CSV,
# a set against itself has FAD 0, unreadable files are reported and skipped with exit code 3,
# bad usage exits 2, a missing text tower exits 1 with a clear message; gain-sensitivity reads
# 0 dB as the clips themselves and mel-stats as following gain.
set -uo pipefail
dragon="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$dragon" render-corpus --out "$work/ref" --count 12 --first-seed 1000000100 >/dev/null || fail "render ref"
"$dragon" render-corpus --out "$work/eval" --count 6 --first-seed 1000000200 >/dev/null || fail "render eval"

# FAD of a set against itself is 0; against another set it is positive.
self=$("$dragon" score fad --encoder mel-stats "$work/ref" "$work/ref" 2>/dev/null | awk '$1=="fad"{print $2}')
awk -v v="$self" 'BEGIN{exit !(v < 1e-6)}' || fail "self FAD $self"
other=$("$dragon" score fad --encoder mel-stats "$work/ref" "$work/eval" 2>/dev/null | awk '$1=="fad"{print $2}')
awk -v v="$other" 'BEGIN{exit !(v > 0.01)}' || fail "FAD between sets $other"

# Per-song: ranked ascending, one CSV row per file; a list file works like a folder.
ls "$work"/eval/*.wav > "$work/eval.txt"
"$dragon" score per-song --encoder music-features "$work/ref" "$work/eval.txt" --csv "$work/per-song.csv" >/dev/null 2>&1 \
  || fail "per-song exit $?"
[ "$(tail -n +2 "$work/per-song.csv" | wc -l)" -eq 6 ] || fail "per-song rows"
tail -n +2 "$work/per-song.csv" | cut -d, -f3 | sort -g -c || fail "per-song not ranked"

# An unreadable file is reported and skipped; the exit code says so.
echo "not audio" > "$work/eval/broken.wav"
out=$("$dragon" score vendi --encoder mel-stats "$work/eval" 2>&1); code=$?
[ "$code" -eq 3 ] || fail "expected exit 3 with a broken file, got $code"
echo "$out" | grep -q "skipped: .*broken.wav" || fail "broken file not reported: $out"
echo "$out" | grep -q "^vendi" || fail "no score despite the skipped file"

# Bad usage and impossible requests.
"$dragon" score fad --encoder mel-stats "$work/ref" >/dev/null 2>&1; [ $? -eq 2 ] || fail "usage exit"
"$dragon" score nonsense --encoder mel-stats a b >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown metric exit"
msg=$("$dragon" score clap --encoder mel-stats "$work/ref" 2>&1); [ $? -eq 1 ] || fail "clap without text tower"
echo "$msg" | grep -q "text tower" || fail "clap message: $msg"

# embed: one CSV row per file with named columns for music-features.
"$dragon" embed --encoder music-features --csv "$work/emb.csv" "$work/ref" >/dev/null 2>&1 || fail "embed"
head -1 "$work/emb.csv" | grep -q "chroma_A" || fail "embed header"
[ "$(tail -n +2 "$work/emb.csv" | wc -l)" -eq 12 ] || fail "embed rows"
# gain-sensitivity: at 0 dB every clip is itself with no FAD change; mel-stats follows gain (a
# copy 20 dB down is less like itself); the broken file is skipped (exit 3); bad gains exit 1;
# no EVAL exits 2.
out=$("$dragon" gain-sensitivity --encoder mel-stats --ref "$work/ref" --gains -20,0 "$work/eval" 2>&1); code=$?
[ "$code" -eq 3 ] || fail "gain-sensitivity with a broken file: exit $code"
echo "$out" | grep -q "skipped: .*broken.wav" || fail "gain-sensitivity did not report the broken file: $out"
echo "$out" | awk '$1=="+0.0" {ok = ($2=="1.000," && $4==6 && $6==6 && $7=="+0.0000,")} END {exit !ok}' \
  || fail "gain-sensitivity 0 dB row: $out"
echo "$out" | awk '$1=="-20.0" {ok = ($2+0 < 0.99 && $7+0 != 0)} END {exit !ok}' \
  || fail "mel-stats did not follow a 20 dB gain: $out"
msg=$("$dragon" gain-sensitivity --encoder mel-stats --gains -6,x "$work/ref" 2>&1); [ $? -eq 1 ] || fail "bad gain exit"
echo "$msg" | grep -q -- "--gains" || fail "bad gain message: $msg"
"$dragon" gain-sensitivity --encoder mel-stats >/dev/null 2>&1; [ $? -eq 2 ] || fail "gain-sensitivity usage exit"
echo "PASS"
