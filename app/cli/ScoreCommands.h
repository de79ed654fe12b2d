#pragma once

#include "CliCommands.h"

namespace dragon::cli {

// `dragon embed`, `dragon score` (fadtk-like scoring of folders and file lists) and `dragon
// gain-sensitivity` (whether an encoder's embeddings and per-song FAD follow the clips' gain).
int embed(const Args &args);
int score(const Args &args);
int gainSensitivity(const Args &args);

} // namespace dragon::cli
