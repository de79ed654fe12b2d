#!/usr/bin/env bash
# The lean core build (DESIGN: a GPU box with libtorch but without Debian's audio and Qt
# packages): core and the CLI only, with PortAudio, libebur128 and the system's xxHash switched
# off. Checks that it configures and builds, links none of them, says what is off, refuses the
# missing features with a clear message (never a crash), generates and trains, and that its
# checkpoints verify in the full build (the bundled xxHash gives the same digests).
#   packaging/check_lean_build.sh [LEAN_BUILD_DIR] [FULL_BUILD_DIR]
# Not part of .ci/run (a second core build: about 10 minutes on 2 cores).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lean="${1:-$root/build-lean}"
full="${2:-$root/build}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
start=$(date +%s)

cmake -S "$root" -B "$lean" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
  -DDRAGON_BUILD_UI=OFF -DDRAGON_BUILD_TESTS=OFF -DDRAGON_WITH_PORTAUDIO=OFF -DDRAGON_WITH_EBUR128=OFF \
  -DDRAGON_WITH_SYSTEM_XXHASH=OFF -DDRAGON_WERROR=ON > "$work/configure.log" 2>&1 || {
  cat "$work/configure.log"; fail "configure"; }
grep "DRAGON feature" "$work/configure.log"
grep -q "audio output (PortAudio): OFF" "$work/configure.log" || fail "summary does not say PortAudio is off"
grep -q "loudness (libebur128): OFF" "$work/configure.log" || fail "summary does not say libebur128 is off"
grep -q "xxHash: bundled copy" "$work/configure.log" || fail "summary does not say xxHash is bundled"
cmake --build "$lean" --parallel "$(nproc)" > "$work/build.log" 2>&1 || { tail -n 30 "$work/build.log"; fail "build"; }
built=$(date +%s)
echo "built in $((built - start)) s"
dragon="$lean/app/dragon"
[ -x "$dragon" ] || fail "no dragon CLI"
[ -e "$lean/app/dragon-studio" ] && fail "the GUI was built although DRAGON_BUILD_UI=OFF"
libs=$(ldd "$dragon")
for lib in libportaudio libebur128 libxxhash libQt6; do
  echo "$libs" | grep -q "$lib" && fail "dragon links $lib"
done
echo "links none of: libportaudio libebur128 libxxhash libQt6 (audio: $(echo "$libs" | grep -oE 'lib(sndfile|soxr)[^ ]*' | sort -u | tr '\n' ' '))"

version=$("$dragon" --version) || fail "--version"
echo "$version"
echo "$version" | grep -q "audio output: off (configured without PortAudio)" || fail "--version: audio output"
echo "$version" | grep -q "loudness: off (configured without libebur128)" || fail "--version: loudness"

"$dragon" generate --prompt "calm piano in C major" --seed 3 --steps 8 --out "$work/gen" > "$work/gen.log" 2>&1 ||
  { cat "$work/gen.log"; fail "generate"; }
clip=$(ls "$work"/gen/*.wav | head -n 1)
[ -f "$clip" ] || fail "generate wrote no clip"
echo "generated $(basename "$clip")"

"$dragon" loudness "$clip" > "$work/loud.log" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "loudness exit $rc (want 1)"
grep -q "configured without libebur128" "$work/loud.log" || fail "loudness message: $(cat "$work/loud.log")"
echo "loudness refused: $(cat "$work/loud.log")"

"$dragon" bench-playback --runs 1 > "$work/play.log" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "bench-playback exit $rc (want 1)"
grep -q "configured without PortAudio" "$work/play.log" || fail "playback message: $(cat "$work/play.log")"
echo "playback refused: $(cat "$work/play.log")"

prompts='["calm piano in C major", "fast bright synth arpeggio", "slow dark strings", "playful marimba"]'
cat > "$work/clap.json" <<JSON
{"trainPrompts": $prompts, "evalPrompts": [], "evalEvery": 0, "rounds": 2, "promptsPerRound": 2,
 "seedsPerPrompt": 2, "demoSteps": 4, "gradientPasses": 1,
 "reward": {"encoder": "pocket-clap", "terms": [{"type": "clap"}]}}
JSON
"$dragon" train --config "$work/clap.json" --out "$work/run" > "$work/train.log" 2>&1 ||
  { tail -n 20 "$work/train.log"; fail "train with a CLAP reward"; }
[ "$(wc -l < "$work/run/metrics.jsonl")" -eq 2 ] || fail "metrics rows after 2 rounds"
echo "trained 2 rounds with a CLAP reward"
if [ -x "$full/app/dragon" ]; then
  for f in "$work/run/policy.pt" "$work"/run/checkpoints/*; do
    "$full/app/dragon" verify "$f" >> "$work/verify.log" 2>&1 || { cat "$work/verify.log"; fail "full build refuses $f"; }
  done
  echo "the full build verifies the lean build's files:"
  sed "s|$work/||; s/^/  /" "$work/verify.log"
fi

sed 's/{"type": "clap"}/{"type": "loudness", "targetLufs": -14}/' "$work/clap.json" > "$work/loud.json"
"$dragon" train --config "$work/loud.json" --out "$work/run-loud" > "$work/train-loud.log" 2>&1
rc=$?
[ $rc -ne 0 ] && [ $rc -lt 128 ] || fail "train with a loudness reward: exit $rc"
grep -q "configured without libebur128" "$work/train-loud.log" || fail "loudness reward message: $(tail -n 3 "$work/train-loud.log")"
echo "loudness reward refused (exit $rc): $(grep -m1 "libebur128" "$work/train-loud.log")"
echo "PASS lean build ($(( $(date +%s) - start )) s in all)"
