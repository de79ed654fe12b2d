#pragma once

#include <string>

namespace dragon {

// Path of a file shipped in resources/: $envOverride if set, else the installed copy
// (<prefix>/share/dragon-studio/<name> beside the running binary), else the source tree's copy.
std::string bundledResource(const std::string &name, const char *envOverride);

} // namespace dragon
