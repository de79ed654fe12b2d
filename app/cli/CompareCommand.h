#pragma once

#include "CliCommands.h"

namespace dragon::cli {

// `dragon compare RUN`: the base model against a fine-tuned model of the run on the same
// prompts and seeds (CompareService), clips and compare.json in RUN/compare/STAMP.
int compare(const Args &args);

} // namespace dragon::cli
