#pragma once

#include "preview/CompareResult.h"

#include <string>

namespace dragon {

// Base-vs-tuned comparisons on disk, inside their run: RUN/compare/STAMP/ holds base-NN.wav,
// tuned-NN.wav and compare.json (format 1; clip paths relative to the folder, so a project
// folder can move). Writes are atomic; the newest kKeep comparisons of a run are kept.
// Damaged files are refused with a PreviewError naming the file.
class CompareStore
{
public:
    static constexpr int kFormat = 1;
    static constexpr int kKeep = 10;

    static std::string compareDir(const std::string &runFolder); // RUN/compare
    static void save(const CompareResult &result, const std::string &folder);
    static CompareResult load(const std::string &folder);
    // The newest folder under RUN/compare with a compare.json ("" when there is none).
    static std::string latest(const std::string &runFolder);
};

} // namespace dragon
