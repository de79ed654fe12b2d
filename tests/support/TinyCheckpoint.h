#pragma once

#include <string>

namespace fixtures {
// Writes an untrained pocket-model checkpoint of a tiny width (fast to sample) to `path`.
// Torch-free declaration so GUI tests can use it.
void writeTinyPocketCheckpoint(const std::string &path);
} // namespace fixtures
