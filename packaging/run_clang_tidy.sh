#!/usr/bin/env bash
# clang-tidy with the checked-in .clang-tidy over the project's own sources (not run by CI: the
# torch headers make it slow, about 20 minutes here). Usage: packaging/run_clang_tidy.sh [BUILD]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
[ -f "$build/compile_commands.json" ] || cmake -S "$root" -B "$build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
run-clang-tidy -quiet -p "$build" -j "$(nproc)" "$root/(core|ui|app)/.*\.cpp$"
