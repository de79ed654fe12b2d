#!/usr/bin/env bash
# Runs the test suite under sanitizers, in build trees of its own (not part of .ci/run):
#   tests/run_sanitizers.sh asan   whole suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   tests/run_sanitizers.sh tsan   the threaded core suites under ThreadSanitizer
#   tests/run_sanitizers.sh tsan-gui   the GUI controllers' suites under it (see README.md)
# Build trees: build-asan/ and build-tsan/ beside build/ (DRAGON_SANITIZER_BUILD overrides).
# libtorch, Qt and the audio libraries are not instrumented: ASan checks our code's memory, TSan
# our threads (suppressions for the uninstrumented libraries in tests/tsan.supp).
set -euo pipefail
mode="${1:?usage: run_sanitizers.sh asan|tsan}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "$mode" in
  asan) option=-DDRAGON_SANITIZE_ADDRESS=ON; tree=asan ;;
  tsan|tsan-gui) option=-DDRAGON_SANITIZE_THREAD=ON; tree=tsan ;;
  *) echo "usage: $0 asan|tsan|tsan-gui" >&2; exit 2 ;;
esac
build="${DRAGON_SANITIZER_BUILD:-$root/build-$tree}"
start=$(date +%s)
gui_suites="tst_exemplar_panel tst_generate_panel tst_reward_panel tst_preview_panel tst_train_panel tst_compare_panel"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $option >/dev/null
if [ "$mode" = tsan-gui ]; then
  # shellcheck disable=SC2086  # one target per word
  cmake --build "$build" --parallel "$(nproc)" --target $gui_suites
else
  cmake --build "$build" --parallel "$(nproc)"
fi
built=$(date +%s)
echo "== built in $((built - start)) s"
cd "$build"
if [ "$mode" = asan ]; then
  # Leaks are not checked: libtorch and Qt keep singletons alive at exit.
  export ASAN_OPTIONS=detect_leaks=0:halt_on_error=1:detect_stack_use_after_return=0
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  ctest -LE "bench|fuzz" --output-on-failure --timeout 3000
else
  # history_size=7: enough history that the earlier access of a report keeps its stack.
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:history_size=7:suppressions=$root/tests/tsan.supp"
  if [ "$mode" = tsan ]; then
    # The suites whose threads synchronise through the standard library (instrumented): the
    # training service (stop, pause, failing checkpoints), playback (fill thread and the
    # realtime callback), the embedding cache (concurrent jobs).
    ctest -R "tst_playback|tst_embedding_cache" --output-on-failure --timeout 3000
    ./tests/tst_dragon_training serviceStopsAfterTheStepInFlightAndPauses laterCheckpointCoversAFailedOneAndRepeatedFailuresStop
  else
    # The GUI controllers and workers. Their threads hand data over through Qt's queued
    # connections and QtConcurrent, whose synchronisation lives in Debian's uninstrumented
    # libQt6Core: our side of each hand-over is marked with ui/workers/ThreadHandover, Qt's own
    # copies are suppressed by name in tsan.supp (see README.md). Every report is listed
    # (halt_on_error=0); a suite with any fails. die_after_fork=0: PortAudio's JACK probe may fork
    # (it tries to start a JACK server) while Qt's threads run.
    export TSAN_OPTIONS="${TSAN_OPTIONS/halt_on_error=1/halt_on_error=0}:die_after_fork=0"
    ctest -R "^(${gui_suites// /|})\$" --output-on-failure --timeout 3000
  fi
fi
echo "== $mode suite done in $(( $(date +%s) - built )) s (build $((built - start)) s)"
