#!/usr/bin/env bash
# Every subcommand listed by `dragon --help` answers `--help` with its own usage on stdout and
# exit 0; misuse prints the same usage on stderr with exit 2; `dragon --version` prints the version.
set -euo pipefail
dragon="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$dragon" --help > "$work/top.out"
commands=$(grep -E '^  [a-z][a-z-]+ ' "$work/top.out" | awk '{print $1}' | sort -u)
count=$(echo "$commands" | wc -w)
[ "$count" -ge 20 ] || fail "only $count commands listed by dragon --help"
for c in $commands; do
  set +e
  "$dragon" "$c" --help > "$work/out" 2> "$work/err"
  rc=$?
  set -e
  [ $rc -eq 0 ] || fail "dragon $c --help exited $rc"
  head -1 "$work/out" | grep -q "^usage: dragon $c" || fail "dragon $c --help printed: $(head -1 "$work/out")"
  [ ! -s "$work/err" ] || fail "dragon $c --help wrote to stderr: $(cat "$work/err")"
done
echo "help: $count commands answer --help"

# Misuse: usage on stderr, exit 2 (train without a project, score without arguments).
for c in train score info; do
  set +e
  "$dragon" "$c" > "$work/out" 2> "$work/err"
  rc=$?
  set -e
  [ $rc -eq 2 ] || fail "dragon $c without arguments exited $rc"
  head -1 "$work/err" | grep -q "^usage: dragon $c" || fail "dragon $c misuse printed: $(head -1 "$work/err")"
done

# Sweep overrides the engine cannot train with are refused by its own rules, exit 2, before
# the soundtrack packages are even looked for (so this runs where they are not installed).
for bad in "--loss ppo:--loss must be dpo or kto" "--seeds-per-prompt 1:DPO needs at least 2 seeds" \
           "--lr 0:beta and learningRate must be positive" "--anchor-weight -1:anchorWeight must be" \
           "--half middle:usage: dragon bench rewards" "--validate-every -1:usage: dragon bench rewards" \
           "--seeds 3-1:--seeds FIRST-LAST needs" "--seeds 1,1:--seeds needs distinct seeds" \
           "--seed 2 --seeds 1-3:usage: dragon bench rewards" \
           "--validation-guard-margin -0.1:usage: dragon bench rewards" \
           "--set-validation-prompts -1:usage: dragon bench rewards"; do
  opts=${bad%%:*}; want=${bad#*:}
  set +e
  "$dragon" bench rewards --out "$work/suite" $opts > "$work/out" 2> "$work/err"
  rc=$?
  set -e
  [ $rc -eq 2 ] || fail "bench rewards $opts exited $rc"
  grep -q -- "$want" "$work/err" || fail "bench rewards $opts printed: $(cat "$work/err")"
  [ ! -e "$work/suite" ] || fail "bench rewards $opts made $work/suite"
done

version=$("$dragon" --version)
echo "$version" | grep -Eq '^dragon [0-9]+\.[0-9]+\.[0-9]+$' || fail "dragon --version printed '$version'"
echo "PASS: help and version ($version)"
