#pragma once

#include "project/Project.h"

#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <vector>

namespace dragon {

// The one JSON form of exemplar sets, shared by project files (ProjectFile) and run configs
// (DragonConfig):
//   [{"id": "set-1", "name": "Pads", "items": [
//      {"type": "text", "text": "a slow pad"},
//      {"type": "audio", "path": "refs/a.wav", "absolutePath": "/home/me/refs/a.wav",
//       "durationSeconds": 4.0, "sampleRate": 48000, "channels": 2}]}]
// "path" is relative to `folder` when the file lies inside it (folder moves keep working), else
// absolute; "absolutePath" is the fallback when the relative one no longer resolves; the facts
// are kept so a missing file still shows them. Reading also takes what older run configs and
// hand-written ones hold: an item without "type" ({"text": ...} or {"path": ...}) and a set
// without "name" (the id is used).
class ExemplarSetJson
{
public:
    // An empty `folder` writes absolute paths only.
    static nlohmann::json write(const std::vector<ExemplarSet> &sets,
                                const std::filesystem::path &folder);
    // Throws JsonFormatError (no file name: the caller adds it) for a wrong type, an unknown
    // item type, two sets with one id, or a fact out of range. Audio items that do not exist
    // are kept with `missing` set.
    static std::vector<ExemplarSet> read(const nlohmann::json &sets,
                                         const std::filesystem::path &folder);
};

} // namespace dragon
