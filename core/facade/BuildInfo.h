#pragma once

#include <string>
#include <vector>

namespace dragon {

// What this build runs on, for About boxes and bug reports (torch-free header).
struct BuildInfo
{
    std::string libtorch;              // e.g. "1.13.1"
    bool cuda = false;                 // this libtorch can use a GPU here
    std::string pocketCheckpoint;      // the bundled pocket model's file ("" when not found)
    std::vector<std::string> features; // optional libraries, one line each (BuildFeatures)

    static BuildInfo current();
};

} // namespace dragon
