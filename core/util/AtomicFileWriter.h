#pragma once

#include <string>

namespace dragon {

// Replaces `path` with `contents` so that readers see either the old file or the whole new one,
// never a mix: write a temporary file in the same folder, fsync it, rename it over the target,
// fsync the folder. On any failure the temporary is removed, the old file is untouched and a
// std::runtime_error names the path and the cause (e.g. "No space left on device").
// Durability::Fast skips the two fsyncs: still all-or-nothing for readers, but a power cut may
// lose the new file (for caches, whose entries are verified and recomputed when bad).
class AtomicFileWriter
{
public:
    enum class Durability
    {
        Synced,
        Fast
    };
    static void write(const std::string &path, const std::string &contents,
                      Durability durability = Durability::Synced);
};

} // namespace dragon
