#pragma once

#include "CliCommands.h"

namespace dragon::cli {

int trainClap(const Args &args);
int evaluateClap(const Args &args);

} // namespace dragon::cli
