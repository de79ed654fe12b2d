#!/usr/bin/env bash
# Regenerates the checked-in seed corpora under tests/fuzz/corpus (small files only).
#   tests/fuzz/make_seeds.sh FUZZ_BUILD_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:?usage: make_seeds.sh FUZZ_BUILD_DIR}"
corpus="$here/corpus"
mkdir -p "$corpus"/{fuzz_audio_reader,fuzz_project_file,fuzz_reward_definition,fuzz_run_config,fuzz_checkpoint,fuzz_plugin}

a="$corpus/fuzz_audio_reader"
sox -n -r 8000 -c 1 -b 16 "$a/8000-1-16.wav" synth 0.05 sine 440
sox -n -r 44100 -c 2 -b 24 "$a/44100-2-24.wav" synth 0.01 sine 440 sine 660
sox -n -r 22050 -c 1 -b 16 "$a/22050-1-16.flac" synth 0.05 sine 440
sox -n -r 16000 -c 1 "$a/16000-1.ogg" synth 0.1 sine 440
sox -n -r 8000 -c 1 -b 16 "$a/8000-1-16.aiff" synth 0.02 sine 440
sox -n -r 8000 -c 1 -e floating-point -b 32 "$a/8000-1-f32.wav" synth 0.02 sine 440

cat > "$corpus/fuzz_project_file/sample.dragon" <<'JSON'
{"format":"dragon-studio-project","version":2,"name":"Seed","exemplarSets":[{"id":"set-1","name":"Pads","items":[{"type":"audio","path":"a.wav","absolutePath":"/x/a.wav","durationSeconds":0.5,"sampleRate":8000,"channels":1},{"type":"text","text":"a slow pad"}]}],"prompts":{"train":["ambient"],"eval":["techno"]},"reward":{"encoder":"pocket-clap","terms":[{"type":"per-song-fad","exemplarSet":"set-1","away":false,"weight":1.0,"topK":0,"targetLufs":-14.0,"vendiOrder":1.0}]}}
JSON
cat > "$corpus/fuzz_reward_definition/two-terms.json" <<'JSON'
{"encoder":"mel-stats","terms":[{"type":"loudness","targetLufs":-14},{"type":"exemplar-similarity","exemplarSet":"s","topK":3,"weight":-0.5,"away":true}]}
JSON
cat > "$corpus/fuzz_run_config/config.json" <<'JSON'
{"checkpoint":"","exemplarSets":[{"id":"s","name":"S","items":[{"text":"a pad"},{"path":"a.wav"}]}],"trainPrompts":["a"],"evalPrompts":["b"],"reward":{"encoder":"mel-stats","terms":[{"type":"loudness"}]},"rounds":3,"promptsPerRound":2,"seedsPerPrompt":2,"loss":"kto","beta":500,"labelBaseline":"median","guidance":3.0,"seed":7,"guidedLoss":true}
JSON
# The run folder's rows, as RunFolder writes them (fuzz_run_config reads its input as those too).
cat > "$corpus/fuzz_run_config/metrics-row.jsonl" <<'JSON'
{"round":1,"reward_mean":0.15,"reward_p10":-0.04,"reward_p50":0.2,"reward_p90":0.31,"loss":0.69,"implicit_accuracy":0.44,"s_total":2.3,"terms":[{"name":"loudness","mean":-3.1,"p10":-5,"p50":-3,"p90":-1}]}
{"round":2,"reward_mean":0.16,"loss":0.6
JSON
cat > "$corpus/fuzz_run_config/eval-row.jsonl" <<'JSON'
{"round":5,"win_rate":0.56,"win_lower":0.33,"win_upper":0.77,"sign_test_p":0.8,"trials":16,"reward_base":0.12,"reward_policy":0.118,"delta":-0.002,"vendi_base":7.04,"vendi_policy":7.15,"clap_base":0.257,"clap_policy":0.228,"lufs_base":-21.3,"lufs_policy":-20.6}
JSON
cat > "$corpus/fuzz_run_config/audition-sidecar.json" <<'JSON'
{"prompt":"a slow ambient track in d minor with soft sine","seed":"12","reward":0.25}
JSON
"$build/tests/fuzz/make_checkpoint_seeds" "$corpus/fuzz_checkpoint"
/usr/bin/python3 "$here/make_plugin_seed.py" "$here/plugin/tiny.pt" "$corpus/fuzz_plugin/reference.json"
du -sh "$corpus"/*
