#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace dragon {

// Folders named by time stamp (ProjectFolder::runName) that each hold one result file, such as
// previews/STAMP/preview.json and RUN/compare/STAMP/compare.json: a new one, the ones there
// (oldest first: stamps sort by time, then STAMP-2 before STAMP-10), and pruning to the newest few.
class StampedFolders
{
public:
    // A new, empty folder `dir`/STAMP (STAMP-2, STAMP-3 ... when taken).
    static std::string create(const std::string &dir, const std::string &stamp);
    // The sub-folders of `dir` that hold `file`, oldest first.
    static std::vector<std::filesystem::path> withFile(const std::string &dir,
                                                       const std::string &file);
    // Removes all but the newest `keep` of them, never `current`.
    static void keepNewest(const std::string &dir, const std::string &file, int keep,
                           const std::filesystem::path &current);
};

} // namespace dragon
