#!/usr/bin/env bash
# The pocket model's quality bars and speed, in one run (not a test; results go in the note):
#   tests/bench/pocket_report.sh [BUILD_DIR] [CHECKPOINT] [OUT_DIR]
# Writes OUT_DIR/evaluation.txt, evaluation.json, speed.txt and spectrograms.png (8 styles:
# generated clip on the left, a held-out corpus clip of the same style on the right).
set -euo pipefail
build="${1:-$(dirname "$0")/../../build}"
checkpoint="${2:-$(dirname "$0")/../../resources/pocket.pt}"
out="${3:-pocket-report}"
mkdir -p "$out/spectrograms"
dragon="$build/app/dragon"
"$dragon" bench-generate --checkpoint "$checkpoint" | tee "$out/speed.txt"
"$dragon" evaluate-pocket --checkpoint "$checkpoint" --spectrograms "$out/spectrograms" \
  --json "$out/evaluation.json" | tee "$out/evaluation.txt"
if command -v montage >/dev/null; then
  args=()
  for s in 0 1 2 3 4 5 6 7; do
    label=$(cat "$out/spectrograms/$s-prompt.txt")
    args+=(-label "generated: $label" "$out/spectrograms/$s-generated.pgm"
           -label "corpus: $label" "$out/spectrograms/$s-corpus.pgm")
  done
  montage "${args[@]}" -tile 2x8 -geometry +4+4 -font DejaVu-Sans -pointsize 12 "$out/spectrograms.png"
  echo "wrote $out/spectrograms.png"
fi
