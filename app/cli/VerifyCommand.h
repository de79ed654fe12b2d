#pragma once

#include "CliCommands.h"

namespace dragon::cli {

// dragon verify FILE... [--write-sidecar]: checks model and plug-in files against their
// checksums and says how each was verified.
int verify(const Args &args);

} // namespace dragon::cli
