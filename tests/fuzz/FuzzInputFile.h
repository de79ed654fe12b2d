#pragma once

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <unistd.h>

// The loaders under test read files by path: each input is written to one scratch file per
// process (in /dev/shm when it exists, so the disk is not worn by millions of writes).
inline std::string writeFuzzInput(const uint8_t *data, std::size_t size, const char *suffix)
{
    static const std::string path =
        std::string(access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") + "/dragon-fuzz-" +
        std::to_string(getpid()) + suffix;
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char *>(data), std::streamsize(size));
    return path;
}
