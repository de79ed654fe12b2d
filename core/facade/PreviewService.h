#pragma once

#include "preview/PreviewResult.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace dragon {

class GeneratorService;
struct Project;

struct PreviewRequest
{
    std::string generator = "pocket"; // a generator spec (see GeneratorService::load)
    std::string device = "auto";
    int count = 16;         // clips (1..GeneratorService::kMaxClips)
    std::uint64_t seed = 1; // clip i uses seed + i
    int steps = 20;
    float guidance = 3.0f;
};

// Torch-free entry point of the reward preview for the UI: generates `count` clips with the
// current model (prompts from the project's train list in turn, else its eval list, else
// unconditional), writes them into a new folder under `previewsDir`, scores them and the
// exemplars with the project's reward (RewardPreview) and saves preview.json there
// (PreviewStore). Call run() on a worker thread; the generator stays loaded between runs.
class PreviewService
{
public:
    using Progress = std::function<void(const std::string &stage, int done, int total)>;
    PreviewService();
    ~PreviewService();

    // Returns false (and leaves no folder) when `cancel` became true while generating. Throws
    // std::runtime_error naming the file, set or term that stops the preview.
    bool run(const Project &project, const std::string &cacheDir, const std::string &previewsDir,
             const PreviewRequest &request, const Progress &progress,
             const std::atomic<bool> *cancel, PreviewResult &result, std::string &folder);

private:
    std::unique_ptr<GeneratorService> m_generator;
    std::string m_loaded; // generator spec + device of m_generator
};

} // namespace dragon
