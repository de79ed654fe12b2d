#pragma once

#include <ctime>
#include <string>

namespace dragon {

// Where a project keeps what it makes, beside its file NAME.dragon, in NAME.dragon.d/:
//   embeddings/   the embedding cache shared by the Reward tab, previews and training runs
//   runs/STAMP/   one folder per training run (STAMP: local time, YYYYmmdd-HHMMSS)
//   previews/     reward previews
//   generations/  clips made on the Generate tab (WAV + JSON sidecar)
// The one rule for these paths, used by the CLI and the studio alike.
class ProjectFolder
{
public:
    static std::string dataDir(const std::string &projectPath);
    // The project's cache; for a run without a project file (a run config),
    // `fallbackDir`/embeddings.
    static std::string embeddingCache(const std::string &projectPath,
                                      const std::string &fallbackDir);
    static std::string runsDir(const std::string &projectPath);
    static std::string previewsDir(const std::string &projectPath);
    static std::string generationsDir(const std::string &projectPath);
    static std::string runName(std::time_t when);
    // A runName as people read it: "20261202-071904" -> "2026-12-02 07:19:04" (a name of
    // another form, such as "20261202-071904-2", keeps its suffix; anything else comes back as
    // it is).
    static std::string displayStamp(const std::string &name);
};

} // namespace dragon
