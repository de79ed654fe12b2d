#pragma once

#include "CliCommands.h"

namespace dragon::cli {

// `dragon train`: headless DRAGON fine-tuning into a run folder (see DragonTrainer).
int train(const Args &args);

} // namespace dragon::cli
