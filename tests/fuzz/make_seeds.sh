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
"$build/tests/fuzz/make_checkpoint_seeds" "$corpus/fuzz_checkpoint"
/usr/bin/python3 "$here/make_plugin_seed.py" "$here/plugin/tiny.pt" "$corpus/fuzz_plugin/reference.json"
du -sh "$corpus"/*
