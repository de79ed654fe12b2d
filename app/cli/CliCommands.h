#pragma once

#include <string>
#include <vector>

namespace dragon::cli {

using Args = std::vector<std::string>;

// Each returns the process exit code: 0 success, 1 a failure the user must look at (e.g. some
// files unreadable), 2 bad usage.
int info(const Args &args);
int convert(const Args &args);
int loudness(const Args &args);
int benchDecode(const Args &args);
int benchPlayback(const Args &args);
int makeDemoProject(const Args &args);
int makeFixtures(const Args &args);

} // namespace dragon::cli
