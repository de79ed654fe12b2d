#pragma once

#include <string>

namespace dragon {

// What this build runs on, for About boxes and bug reports (torch-free header).
struct BuildInfo
{
    std::string libtorch;         // e.g. "1.13.1"
    bool cuda = false;            // this libtorch can use a GPU here
    std::string pocketCheckpoint; // the bundled pocket model's file ("" when not found)

    static BuildInfo current();
};

} // namespace dragon
