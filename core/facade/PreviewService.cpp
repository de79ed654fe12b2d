#include "facade/PreviewService.h"

#include "audio/AudioFileReader.h"
#include "audio/AudioFileWriter.h"
#include "facade/GeneratorService.h"
#include "preview/PreviewStore.h"
#include "preview/RewardPreview.h"
#include "project/Project.h"
#include "project/ProjectFolder.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

namespace dragon {

PreviewService::PreviewService() = default;
PreviewService::~PreviewService() = default;

bool PreviewService::run(const Project &project, const std::string &cacheDir,
                         const std::string &previewsDir, const PreviewRequest &request,
                         const Progress &progress, const std::atomic<bool> *cancel,
                         PreviewResult &result, std::string &folder)
{
    namespace fs = std::filesystem;
    const auto started = std::chrono::steady_clock::now();
    const std::string key = request.generator + "\n" + request.device;
    if (!m_generator || m_loaded != key) {
        if (progress)
            progress("loading the model", 0, 1);
        m_generator = GeneratorService::load(request.generator, request.device);
        m_loaded = key;
    }
    GenerationRequest generation;
    generation.prompts = !project.trainPrompts.empty() ? project.trainPrompts : project.evalPrompts;
    generation.seed = request.seed;
    generation.steps = request.steps;
    generation.guidance = request.guidance;
    generation.count = request.count;
    const auto clips = m_generator->generate(
        generation,
        [&progress](int done, int total) {
            if (progress)
                progress("generating", done, total);
        },
        cancel);
    if (clips.empty() || (cancel && cancel->load()))
        return false;

    const std::string stamp = ProjectFolder::runName(std::time(nullptr));
    folder = PreviewStore::newFolder(previewsDir, stamp);
    try {
        std::vector<PreviewClip> scored;
        for (std::size_t i = 0; i < clips.size(); ++i) {
            char name[64];
            std::snprintf(name, sizeof name, "clip-%02zu-seed%llu.wav", i,
                          static_cast<unsigned long long>(clips[i].seed));
            const std::string path = (fs::path(folder) / name).string();
            AudioFileWriter::write(path, clips[i].audio,
                                   {AudioContainer::Wav, SampleEncoding::Pcm16});
            // Scored as saved (16-bit), so the values are those of the file the user hears.
            scored.push_back({AudioFileReader::read(path), path, clips[i].prompt, clips[i].seed});
        }
        if (progress)
            progress("scoring", 0, 1);
        result = RewardPreview::score(project, cacheDir, scored);
        result.createdAt = stamp;
        result.generator = request.generator;
        if (generation.prompts.empty())
            result.notes.push_back("the project has no prompts: the clips are unconditional");
        result.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        PreviewStore::save(result, folder);
    } catch (...) {
        std::error_code ec;
        fs::remove_all(folder, ec); // no half-made preview is left to be listed
        folder.clear();
        throw;
    }
    if (progress)
        progress("done", 1, 1);
    return true;
}

} // namespace dragon
