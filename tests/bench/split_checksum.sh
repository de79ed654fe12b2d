#!/usr/bin/env bash
# Two fixed 3-round runs whose parameter checksums must not change when the engine is
# refactored (not a test: compare the printed lines with the previous build's).
#   DPO + pretraining anchor + EMA 0.9, loudness target; KTO (labels against the prompt's
#   mean), exemplar similarity (mel-stats) toward two synthetic clips. Both with eval at round 3.
# usage: tests/bench/split_checksum.sh BUILD_DIR
set -euo pipefail
dragon="$1/app/dragon"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sox -n -r 24000 -c 1 "$work/ref1.wav" synth 3 sine 220 gain -6
sox -n -r 24000 -c 1 "$work/ref2.wav" synth 3 square 330 gain -12
/usr/bin/python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
common = {"trainPrompts": ["warm ambient pad in d minor", "fast techno loop with kick", "lo-fi hip hop beat",
                           "bright chiptune melody", "slow jazz piano", "folk guitar strumming"],
          "evalPrompts": ["dreamy ambient drone", "punchy house groove", "cinematic strings swell", "mellow lo-fi keys"],
          "rounds": 3, "promptsPerRound": 2, "seedsPerPrompt": 2, "demoSteps": 4, "evalSteps": 4, "evalEvery": 3,
          "evalSeedsPerPrompt": 1, "gradientPasses": 2, "anchorBatch": 4, "threads": 2, "learningRate": 5e-5, "beta": 500}
dpo = dict(common, loss="dpo", emaDecay=0.9,
           reward={"encoder": "mel-stats", "terms": [{"type": "loudness", "targetLufs": -14}]})
kto = dict(common, loss="kto", labelBaseline="prompt", anchorWeight=0,
           exemplarSets=[{"id": "set-1", "name": "Refs", "items": [{"path": f"{w}/ref1.wav"}, {"path": f"{w}/ref2.wav"}]}],
           reward={"encoder": "mel-stats", "terms": [{"type": "exemplar-similarity", "exemplarSet": "set-1"}]})
json.dump(dpo, open(f"{w}/dpo.json", "w"))
json.dump(kto, open(f"{w}/kto.json", "w"))
PY
for run in dpo kto; do
  "$dragon" train --config "$work/$run.json" --out "$work/$run" > "$work/$run.log" 2>&1
  echo "$run: $(grep 'parameter checksum' "$work/$run.log")"
done
