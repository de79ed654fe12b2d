#pragma once

#include <cstdint>
#include <string>

namespace dragon {

// 64-bit XXH3 of a file's bytes (libxxhash, or the bundled copy in core/third_party; streamed
// in 1 MiB blocks) and of a string.
// Throws std::runtime_error if the file cannot be read.
std::uint64_t hashFileContent(const std::string &path);
std::uint64_t hashBytes(const void *data, std::size_t size);
std::string toHex(std::uint64_t value); // 16 lower-case hex digits

} // namespace dragon
