#!/usr/bin/env bash
# Decode + mixdown + resample to 16 kHz of 60 s of 44.1 kHz stereo (FLAC and Ogg Vorbis):
# dragon's in-process median over 7 runs vs sox doing the same conversion (process wall time,
# median over 7 runs, output discarded), in the same run. Not a test; results go in the note.
# usage: tests/bench/bench_decode.sh [BUILD_DIR]
set -euo pipefail
build="${1:-$(dirname "$0")/../../build}"
dragon="$build/app/dragon"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$dragon" make-fixtures "$work" >/dev/null
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for ext in flac ogg; do
  file="$work/44100-2-60s.$ext"
  ours=$("$dragon" bench-decode "$file" --rate 16000 --repeat 7 | awk '/median_wall_seconds/ {print $2}')
  soxs=$(for i in 1 2 3 4 5 6 7; do
           s=$(date +%s.%N); sox "$file" -t f32 -r 16000 -c 1 /dev/null; e=$(date +%s.%N)
           awk -v a="$s" -v b="$e" "BEGIN {print b - a}"
         done | median)
  awk -v ext="$ext" -v o="$ours" -v s="$soxs" 'BEGIN {
    printf "%-5s dragon %.4f s (%.0fx realtime)   sox %.4f s (%.0fx realtime)   sox/dragon time ratio %.2f\n",
           ext, o, 60/o, s, 60/s, s/o }'
done
# sox's own start-up, to read the ratio fairly (it is inside sox's times above).
startup=$(for i in 1 2 3 4 5 6 7; do
            s=$(date +%s.%N); sox -n -t f32 -r 16000 /dev/null trim 0 0.001; e=$(date +%s.%N)
            awk -v a="$s" -v b="$e" "BEGIN {print b - a}"
          done | median)
echo "sox start-up alone: $startup s"
