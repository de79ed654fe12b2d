#!/usr/bin/env bash
# Win-rate curves over 40 rounds for three rewards of different kinds, with guardrails (not CI).
#   tests/bench/dragon_curves.sh BUILD_DIR OUT_DIR [ROUNDS]
# Exemplars: 64 held-out corpus clips (all styles). Prompts: 32 training-split captions; eval:
# 24 held-out captions x 4 seeds (a prompt's outcome is its seeds' mean). Rewards:
#   clap          instance                      CLAP score under pocket-clap, DPO (beta 5000) on the
#                                               best and worst of 8 seeds (4 prompts x 8 per round)
#   per-song-fad  instance-to-distribution      per-song FAD vs the exemplars (pocket-clap), DPO (beta 5000)
#   fad           distribution-to-distribution  dataset FAD vs the exemplars (pocket-clap), KTO (beta 500)
# All with lr 2e-5, 4 accumulated gradient passes per round, pretraining anchor weight 30, KTO
# labels against each prompt's mean, frozen text encoder; evaluation every 8 rounds. The three
# runs go side by side, one thread each.
set -euo pipefail
build="$1"; out="$2"; rounds="${3:-40}"
dragon="$build/app/dragon"
mkdir -p "$out"
[ -d "$out/exemplars" ] || "$dragon" render-corpus --out "$out/exemplars" --count 64 --first-seed 1000700000 >/dev/null
"$dragon" render-corpus --out "$out/prompts-train" --count 32 --first-seed 7000 | cut -f2 > "$out/train.txt"
"$dragon" render-corpus --out "$out/prompts-eval" --count 24 --first-seed 1000800000 | cut -f2 > "$out/eval.txt"
rm -rf "$out/prompts-train" "$out/prompts-eval"
/usr/bin/python3 - "$out" "$rounds" <<'PY'
import glob, json, sys
out, rounds = sys.argv[1], int(sys.argv[2])
train = [l.strip() for l in open(f"{out}/train.txt") if l.strip()]
evalp = [l.strip() for l in open(f"{out}/eval.txt") if l.strip()]
items = [{"path": p} for p in sorted(glob.glob(f"{out}/exemplars/*.wav"))]
base = {"trainPrompts": train, "evalPrompts": evalp, "rounds": rounds,
        "exemplarSets": [{"id": "corpus", "name": "Corpus", "items": items}],
        "promptsPerRound": 8, "seedsPerPrompt": 2, "demoSteps": 10, "evalSteps": 20,
        "evalEvery": 8, "evalSeedsPerPrompt": 4, "anchorWeight": 30, "threads": 1}
for name, term, loss, beta, shape in [("clap", {"type": "clap"}, "dpo", 5000, (4, 8)),
                                      ("per-song-fad", {"type": "per-song-fad", "exemplarSet": "corpus"}, "dpo", 5000, (8, 2)),
                                      ("fad", {"type": "fad", "exemplarSet": "corpus"}, "kto", 500, (8, 2))]:
    cfg = dict(base, loss=loss, beta=beta, learningRate=2e-5, reward={"encoder": "pocket-clap", "terms": [term]},
               promptsPerRound=shape[0], seedsPerPrompt=shape[1])
    json.dump(cfg, open(f"{out}/{name}.json", "w"), indent=1)
PY
run() {
  local name="$1"
  if [ -f "$out/$name/checkpoints/.done" ]; then return; fi
  if [ -d "$out/$name/checkpoints" ] && [ -n "$(ls "$out/$name/checkpoints")" ]; then
    "$dragon" train --resume --out "$out/$name" >> "$out/$name.log" 2>&1
  else
    "$dragon" train --config "$out/$name.json" --out "$out/$name" > "$out/$name.log" 2>&1
  fi
  touch "$out/$name/checkpoints/.done"
}
for name in clap per-song-fad fad; do run "$name" & done
wait
/usr/bin/python3 "$(dirname "$0")/dragon_curves_report.py" "$out"
