#!/usr/bin/env bash
# clang-tidy with the checked-in .clang-tidy over the project's own sources (not run by CI: the
# torch headers make it slow: 153 files in about 5 minutes on 2 cores). Usage: packaging/run_clang_tidy.sh [TREE]
# TREE (default build-tidy/) is configured, not built: GCC's precompiled headers, which a normal
# build tree's compile commands name, cannot be read by clang, so this tree turns them off.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tree="${1:-$root/build-tidy}"
cmake -S "$root" -B "$tree" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON >/dev/null
run-clang-tidy -quiet -p "$tree" -j "$(nproc)" "$root/(core|ui|app)/.*\.cpp$"
