#pragma once

#include "CliCommands.h"

namespace dragon::cli {

int pretrain(const Args &args);
int generate(const Args &args);
int renderCorpus(const Args &args);
int benchGenerate(const Args &args);
int evaluatePocket(const Args &args);

} // namespace dragon::cli
