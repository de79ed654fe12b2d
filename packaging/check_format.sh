#!/usr/bin/env bash
# Fails when a C++ file under core/, ui/, app/ or tests/ differs from what clang-format makes of
# it with the checked-in .clang-format (CI runs this first). Fix with: packaging/check_format.sh --fix
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  echo "format check skipped: not a git checkout"
  exit 0
fi
mapfile -t files < <(git ls-files -- 'core/*.cpp' 'core/*.h' 'ui/*.cpp' 'ui/*.h' 'app/*.cpp' 'app/*.h' \
  'tests/*.cpp' 'tests/*.h' ':!:core/third_party/*')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  echo "formatted ${#files[@]} files"
  exit 0
fi
if ! clang-format --dry-run --Werror "${files[@]}" 2> /tmp/dragon-format.log; then
  grep -E '^[^ ].*: (error|warning):' /tmp/dragon-format.log | cut -d: -f1 | sort -u | sed 's/^/  not formatted: /' >&2
  echo "format check failed: run packaging/check_format.sh --fix" >&2
  exit 1
fi
echo "format check: ${#files[@]} files formatted"
