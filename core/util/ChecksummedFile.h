#pragma once

#include <cstdint>
#include <string>

namespace dragon {

// Model and checkpoint files as a checksummed frame around their payload (a torch archive):
//   "DRAGONCK" | payload size (u64, little-endian) | XXH3-64 of the payload (u64) | payload
// The checksum is verified before anything parses the payload, so a damaged file is refused as
// damaged and never reaches libtorch's parsers (which crash or hang on some damaged archives:
// found by tests/fuzz). Files written before the frame existed are read whole; when a sidecar
// PATH.xxh3 (the XXH3 of the file's bytes, 16 hex digits) lies beside one, it is verified too.
class ChecksummedFile
{
public:
    enum class Integrity
    {
        Checksum,
        Sidecar,
        None
    };
    struct Contents
    {
        std::string payload;
        Integrity integrity = Integrity::None;
    };

    // Atomic and synced (AtomicFileWriter). Throws std::runtime_error naming the path.
    static void write(const std::string &path, const std::string &payload);
    // Throws std::runtime_error naming the path: missing, unreadable, larger than `maxBytes`,
    // or damaged (a frame or sidecar that does not match).
    static Contents read(const std::string &path, std::uint64_t maxBytes = kDefaultMaxBytes);
    static std::string sidecarPath(const std::string &path);
    // Writes PATH.xxh3 for an unframed file (records a file known to be good).
    static void writeSidecar(const std::string &path);

    static constexpr std::uint64_t kDefaultMaxBytes = std::uint64_t(8) << 30;
};

} // namespace dragon
