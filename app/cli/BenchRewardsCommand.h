#pragma once

#include "CliCommands.h"

namespace dragon::cli {

// `dragon bench rewards --out DIR`: the 20-reward suite (core/bench), resumable, table.md/.csv.
int benchRewards(const Args &args);

} // namespace dragon::cli
