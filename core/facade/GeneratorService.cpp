#include "facade/GeneratorService.h"

#include "audio/AudioFileWriter.h"
#include "model/ComputeThreads.h"
#include "model/DdimSampler.h"
#include "model/Generator.h"
#include "model/GeneratorFactory.h"
#include "project/ProjectFolder.h"
#include "util/AtomicFileWriter.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

namespace dragon {

struct GeneratorService::Impl
{
    std::unique_ptr<Generator> generator;
    std::string spec;
};

GeneratorService::GeneratorService(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
GeneratorService::~GeneratorService() = default;

std::unique_ptr<GeneratorService> GeneratorService::load(const std::string &spec,
                                                         const std::string &device)
{
    auto impl = std::make_unique<Impl>();
    impl->generator = createGenerator(spec);
    impl->generator->to(resolveDevice(device)); // auto: the GPU when this libtorch has one
    impl->spec =
        spec.empty() || spec == "pocket" ? "pocket" : std::filesystem::absolute(spec).string();
    return std::unique_ptr<GeneratorService>(new GeneratorService(std::move(impl)));
}

std::string GeneratorService::defaultPocketCheckpoint()
{
    return bundledPocketCheckpoint();
}

std::string GeneratorService::description() const
{
    std::ostringstream s;
    s.precision(2);
    s << m_impl->generator->name() << " · " << std::fixed
      << m_impl->generator->parameterCount() / 1e6 << " M parameters · "
      << m_impl->generator->sampleRate() / 1000 << " kHz";
    return s.str();
}

GenerationCheck GeneratorService::check(const GenerationRequest &request) const
{
    GenerationCheck c;
    SamplerSettings s;
    s.steps = request.steps;
    s.guidance = request.guidance;
    const SamplerSettings used = DdimSampler::clamped(s, m_impl->generator->trainSteps());
    c.steps = used.steps;
    c.guidance = used.guidance;
    c.count = std::clamp(request.count, 1, kMaxClips);
    const PromptCheck prompt = m_impl->generator->checkPrompt(request.prompt);
    c.promptTruncated = prompt.truncated;
    c.maxWords = prompt.maxWords;
    c.unknownWords = prompt.unknownWords;
    if (c.steps != request.steps)
        c.messages.push_back("steps set to " + std::to_string(c.steps) + " (allowed: 1 to " +
                             std::to_string(m_impl->generator->trainSteps()) + ")");
    if (c.guidance != request.guidance)
        c.messages.push_back("guidance set to " + std::to_string(c.guidance).substr(0, 4) +
                             " (allowed: 0 to 20)");
    if (c.count != request.count)
        c.messages.push_back("batch size set to " + std::to_string(c.count) + " (allowed: 1 to " +
                             std::to_string(kMaxClips) + ")");
    c.messages.insert(c.messages.end(), prompt.messages.begin(), prompt.messages.end());
    if (request.prompt.find_first_not_of(" \t\r\n") == std::string::npos)
        c.messages.push_back("empty prompt: unconditional generation");
    return c;
}

std::vector<GeneratedClip> GeneratorService::generate(const GenerationRequest &request,
                                                      const std::function<void(int, int)> &progress,
                                                      const std::atomic<bool> *cancel)
{
    // Worker-thread settings: grad mode and thread count are thread-local / per call site.
    torch::NoGradGuard noGrad;
    ComputeThreads::use(0); // all cores on a small machine; on a big one, all but the GUI's
    const GenerationCheck c = check(request);
    SamplerSettings s;
    s.steps = c.steps;
    s.guidance = c.guidance;
    std::vector<std::string> prompts;
    for (std::size_t i = 0; i < static_cast<std::size_t>(c.count); ++i)
        prompts.push_back(request.prompts.empty() ? request.prompt
                                                  : request.prompts[i % request.prompts.size()]);
    std::vector<std::uint64_t> seeds;
    for (int i = 0; i < c.count; ++i)
        seeds.push_back(request.seed + static_cast<std::uint64_t>(i));
    const auto latents =
        DdimSampler::sample(*m_impl->generator, prompts, seeds, s, progress, cancel);
    if (!latents.defined())
        return {};
    auto audio = m_impl->generator->decode(latents);
    std::vector<GeneratedClip> clips;
    for (int i = 0; i < c.count; ++i)
        clips.push_back({std::move(audio[static_cast<std::size_t>(i)]),
                         prompts[static_cast<std::size_t>(i)], seeds[static_cast<std::size_t>(i)],
                         c.steps, c.guidance});
    return clips;
}

std::vector<std::string> GeneratorService::save(const std::vector<GeneratedClip> &clips,
                                                const std::string &outputDir,
                                                const GenerationCheck &check) const
{
    namespace fs = std::filesystem;
    fs::create_directories(outputDir);
    const std::string stamp = ProjectFolder::runName(std::time(nullptr));
    std::vector<std::string> paths;
    for (const auto &clip : clips) {
        std::string stem = stamp + "-seed" + std::to_string(clip.seed);
        for (int n = 2; fs::exists(fs::path(outputDir) / (stem + ".wav")); ++n)
            stem = stamp + "-seed" + std::to_string(clip.seed) + "-" + std::to_string(n);
        const fs::path wav = fs::path(outputDir) / (stem + ".wav");
        AudioFileWriter::write(wav.string(), clip.audio,
                               {AudioContainer::Wav, SampleEncoding::Pcm16});
        const nlohmann::json sidecar = {{"prompt", clip.prompt},
                                        {"seed", std::to_string(clip.seed)},
                                        {"steps", clip.steps},
                                        {"guidance", clip.guidance},
                                        {"model", m_impl->generator->name()},
                                        {"generator", m_impl->spec},
                                        {"sampleRate", clip.audio.sampleRate()},
                                        {"seconds", clip.audio.durationSeconds()},
                                        {"promptTruncated", check.promptTruncated},
                                        {"unknownWords", check.unknownWords}};
        AtomicFileWriter::write((fs::path(outputDir) / (stem + ".json")).string(),
                                sidecar.dump(2) + "\n", AtomicFileWriter::Durability::Fast);
        paths.push_back(wav.string());
    }
    return paths;
}

} // namespace dragon
