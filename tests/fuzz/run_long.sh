#!/usr/bin/env bash
# Long fuzzing runs: each harness until 1,000,000 executions or MAX_SECONDS (default 1800),
# whichever comes first, on a working copy of its seeds. Prints executions, coverage and any
# finding (crash-*, timeout-*, oom-* files are left in OUT/<harness>/).
#   tests/fuzz/run_long.sh FUZZ_BUILD_DIR OUT [MAX_SECONDS] [HARNESS...]
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:?usage: run_long.sh FUZZ_BUILD_DIR OUT [MAX_SECONDS] [HARNESS...]}"
out="${2:?usage: run_long.sh FUZZ_BUILD_DIR OUT [MAX_SECONDS] [HARNESS...]}"
seconds="${3:-1800}"
shift 3 2>/dev/null || shift $#
harnesses=("$@")
[ ${#harnesses[@]} -eq 0 ] && harnesses=(fuzz_audio_reader fuzz_project_file fuzz_reward_definition
                                          fuzz_run_config fuzz_checkpoint fuzz_plugin)
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1
printf '%-24s %10s %8s %8s %8s %s\n' harness executions seconds cov ft findings
for h in "${harnesses[@]}"; do
  work="$out/$h"
  mkdir -p "$work/corpus"
  cp -n "$here/corpus/$h"/* "$work/corpus/" 2>/dev/null
  start=$(date +%s)
  "$build/tests/fuzz/$h" -runs=1000000 -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" >"$work/log.txt" 2>&1
  rc=$?
  end=$(date +%s)
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log.txt" | grep -o '[0-9]*$' | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$work/log.txt" | tail -1 | grep -o '[0-9]*')
  ft=$(grep -o 'ft: [0-9]*' "$work/log.txt" | tail -1 | grep -o '[0-9]*')
  findings=$(ls "$work" | grep -cE '^(crash|timeout|oom|leak)-' || true)
  printf '%-24s %10s %8s %8s %8s %s (exit %s)\n' "$h" "${execs:-?}" "$((end - start))" "${cov:-?}" "${ft:-?}" \
    "$findings" "$rc"
done
