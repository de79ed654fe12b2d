#pragma once

#include <string>

namespace dragon {

// File-name extensions (case-insensitive) of the formats the reader handles; used to pick audio
// out of folders. Files named explicitly are always tried whatever their extension.
bool hasAudioExtension(const std::string &path);

} // namespace dragon
