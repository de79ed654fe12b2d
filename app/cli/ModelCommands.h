#pragma once

#include "CliCommands.h"

namespace dragon::cli {

int pretrain(const Args &args);
int generate(const Args &args);
int renderCorpus(const Args &args);

// The pocket checkpoint to use when --checkpoint is not given: $DRAGON_POCKET_CHECKPOINT, the
// installed share/dragon-studio/pocket.pt, or the source tree's resources/pocket.pt.
std::string defaultCheckpoint();

} // namespace dragon::cli
