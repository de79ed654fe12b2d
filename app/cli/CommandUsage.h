#pragma once

#include <string>
#include <vector>

namespace dragon::cli {

// The usage text of every `dragon` subcommand, in one place: `dragon CMD --help` prints it to
// stdout and exits 0; a command given wrong arguments prints it to stderr and exits 2.
const char *usageOf(const std::string &command); // nullptr for an unknown command
std::vector<std::string> commandsWithUsage();
// Prints the command's usage to stderr; returns 2 (the exit status of a usage error).
int usageError(const std::string &command);

} // namespace dragon::cli
