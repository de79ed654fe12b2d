#pragma once

#include "CliCommands.h"

namespace dragon::cli {

// `dragon preview --project P.dragon`: the Preview tab headless (PreviewService): a batch from
// the current model scored with the project's reward, the reading, the level check and the
// batch's D+ and D-; clips and preview.json in the project's previews folder, where the tab
// finds them.
int preview(const Args &args);

} // namespace dragon::cli
