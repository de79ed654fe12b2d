#pragma once

#include "CliCommands.h"

namespace dragon::cli {

// `dragon embed` and `dragon score` (fadtk-like scoring of folders and file lists).
int embed(const Args &args);
int score(const Args &args);

} // namespace dragon::cli
