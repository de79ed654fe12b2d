#pragma once

#include "preview/PreviewResult.h"

#include <stdexcept>
#include <string>

namespace dragon {

// A preview file that cannot be read; the message names the file and the cause.
class PreviewError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// Reward previews on disk: one folder per preview, previews/STAMP/, holding the generated
// clips (WAV) and preview.json (format 1: the terms, every point with its values, the AUC and
// its reading, the map). Generated clips are stored relative to the folder, so a project
// folder can move. Writes are atomic.
class PreviewStore
{
public:
    static constexpr int kFormat = 1;
    static constexpr int kKeep = 20; // previews kept per project; older ones are removed

    // A new, empty folder for a preview made now (STAMP, or STAMP-2 ... when taken).
    static std::string newFolder(const std::string &previewsDir, const std::string &stamp);
    // Writes `folder`/preview.json, then removes all but the newest kKeep previews.
    static void save(const PreviewResult &result, const std::string &folder);
    // Throws PreviewError naming the file (missing, damaged, another format).
    static PreviewResult load(const std::string &folder);
    // The newest folder under `previewsDir` with a preview.json ("" when there is none).
    static std::string latest(const std::string &previewsDir);
};

} // namespace dragon
