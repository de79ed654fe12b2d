#pragma once

#include "CliCommands.h"

namespace dragon::cli {

// Benchmarks behind CLI commands (not run by CI); tests/bench/metrics_bench.sh wraps the first.
int benchMetrics(const Args &args);
int benchEncoders(const Args &args);
int benchRound(const Args &args);

} // namespace dragon::cli
