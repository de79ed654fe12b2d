#pragma once

#include <string>
#include <vector>

namespace dragon::cli {

// Returns the value after `--name` and removes both from `args`; `fallback` if absent.
std::string takeOption(std::vector<std::string> &args, const std::string &name,
                       const std::string &fallback);
bool takeFlag(std::vector<std::string> &args, const std::string &name);
// Whole-string conversions with an error that names the option.
int toInt(const std::string &text, const std::string &what);
double toDouble(const std::string &text, const std::string &what);

} // namespace dragon::cli
