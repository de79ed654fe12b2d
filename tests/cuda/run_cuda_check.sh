#!/usr/bin/env bash
# Builds tests/cuda/cuda_round_check against the CUDA libtorch of the Python torch on a GPU
# machine (no CMake package needed) and runs it. Needs nlohmann/json.hpp under $1 (header-only;
# the GPU image lacks it): here, `mkdir -p build-cuda-deps && cp -r /usr/include/nlohmann
# build-cuda-deps/`, then run it there through the device tool with carry ["build-cuda-deps"].
set -euo pipefail
deps="${1:-build-cuda-deps}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
T="$(python3 -c 'import torch, os; print(os.path.dirname(torch.__file__))')"
abi="$(python3 -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')"
out="${OUT:-/tmp}/cuda-build"
mkdir -p "$out"
flags="-std=c++17 -O2 -D_GLIBCXX_USE_CXX11_ABI=$abi -I$root/core -I$deps -I$T/include -I$T/include/torch/csrc/api/include"
srcs="tests/cuda/cuda_round_check.cpp core/model/PocketGenerator.cpp core/model/PocketModel.cpp core/model/Generator.cpp
core/model/DdimSampler.cpp core/model/LatentCodec.cpp core/model/Synthesizer.cpp core/model/Score.cpp
core/model/CorpusGenerator.cpp core/model/TextTokenizer.cpp core/model/HalfPrecisionCheckpoint.cpp
core/audio/AudioBuffer.cpp core/dragon/DragonLoss.cpp"
start=$(date +%s)
for s in $srcs; do echo "$s"; done | xargs -P 16 -I{} sh -c "g++ $flags -c $root/{} -o $out/\$(basename {} .cpp).o"
g++ $out/*.o -o $out/cuda_round_check -L$T/lib -Wl,-rpath,$T/lib -Wl,--no-as-needed -ltorch -ltorch_cuda \
  -ltorch_cpu -lc10_cuda -lc10 -lpthread
echo "built in $(( $(date +%s) - start )) s"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
"$out/cuda_round_check" "$root/resources/pocket.pt"
