#!/usr/bin/env bash
# Runs the test suite under sanitizers, in build trees of its own (not part of .ci/run):
#   tests/run_sanitizers.sh asan   whole suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   tests/run_sanitizers.sh tsan   the threaded suites under ThreadSanitizer
# Build trees: build-asan/ and build-tsan/ beside build/ (DRAGON_SANITIZER_BUILD overrides).
# libtorch, Qt and the audio libraries are not instrumented: ASan checks our code's memory, TSan
# our threads (suppressions for the uninstrumented libraries in tests/tsan.supp).
set -euo pipefail
mode="${1:?usage: run_sanitizers.sh asan|tsan}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "$mode" in
  asan) option=-DDRAGON_SANITIZE_ADDRESS=ON ;;
  tsan) option=-DDRAGON_SANITIZE_THREAD=ON ;;
  *) echo "usage: $0 asan|tsan" >&2; exit 2 ;;
esac
build="${DRAGON_SANITIZER_BUILD:-$root/build-$mode}"
start=$(date +%s)
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $option >/dev/null
cmake --build "$build" --parallel "$(nproc)"
built=$(date +%s)
echo "== built in $((built - start)) s"
cd "$build"
if [ "$mode" = asan ]; then
  # Leaks are not checked: libtorch and Qt keep singletons alive at exit.
  export ASAN_OPTIONS=detect_leaks=0:halt_on_error=1:detect_stack_use_after_return=0
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  ctest -LE "bench|fuzz" --output-on-failure --timeout 3000
else
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$root/tests/tsan.supp"
  # The suites with our own threads: training service (stop/pause), playback (fill thread and
  # callback), embedding cache (concurrent jobs), the GUI controllers and workers.
  ctest -R "tst_playback|tst_embedding_cache|tst_exemplar_panel|tst_generate_panel|tst_reward_panel" \
    --output-on-failure --timeout 3000
  ./tests/tst_dragon_training serviceStopsWithinASecondAndPauses laterCheckpointCoversAFailedOneAndRepeatedFailuresStop
fi
echo "== $mode suite done in $(( $(date +%s) - built )) s (build $((built - start)) s)"
