#include "facade/GeneratorService.h"

#include "model/GeneratorFactory.h"

#include "util/BundledResource.h"

#include "model/DdimSampler.h"
#include "model/PocketGenerator.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

namespace dragon {

struct GeneratorService::Impl
{
    std::unique_ptr<PocketGenerator> generator;
};

GeneratorService::GeneratorService(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
GeneratorService::~GeneratorService() = default;

std::unique_ptr<GeneratorService> GeneratorService::loadPocket(const std::string &checkpoint)
{
    auto impl = std::make_unique<Impl>();
    impl->generator = PocketGenerator::load(checkpoint);
    if (torch::cuda::is_available()) // CUDA builds of libtorch: sample on the GPU
        impl->generator->to(torch::kCUDA);
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
    s << "pocket model · " << std::fixed << m_impl->generator->parameterCount() / 1e6
      << " M parameters · " << m_impl->generator->sampleRate() / 1000 << " kHz";
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
    c.count = std::clamp(request.count, 1, 64);
    const auto tokens = m_impl->generator->tokenizer().encode(request.prompt);
    c.promptTruncated = tokens.truncated;
    c.maxWords = m_impl->generator->tokenizer().maxTokens();
    c.unknownWords = tokens.unknownWords;
    if (c.steps != request.steps)
        c.messages.push_back("steps set to " + std::to_string(c.steps) + " (allowed: 1 to " +
                             std::to_string(m_impl->generator->trainSteps()) + ")");
    if (c.guidance != request.guidance)
        c.messages.push_back("guidance set to " + std::to_string(c.guidance).substr(0, 4) +
                             " (allowed: 0 to 20)");
    if (c.count != request.count)
        c.messages.push_back("batch size set to " + std::to_string(c.count) + " (allowed: 1 to 64)");
    if (c.promptTruncated)
        c.messages.push_back("the prompt is longer than " + std::to_string(c.maxWords) +
                             " words; only the first " + std::to_string(c.maxWords) + " are used");
    if (c.unknownWords > 0)
        c.messages.push_back(std::to_string(c.unknownWords) +
                             " word(s) are outside the pocket model's vocabulary and carry little meaning");
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
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    torch::set_num_threads(static_cast<int>(cores > 2 ? cores - 1 : cores)); // leave the GUI a core on big machines
    const GenerationCheck c = check(request);
    SamplerSettings s;
    s.steps = c.steps;
    s.guidance = c.guidance;
    std::vector<std::string> prompts(static_cast<std::size_t>(c.count), request.prompt);
    std::vector<std::uint64_t> seeds;
    for (int i = 0; i < c.count; ++i)
        seeds.push_back(request.seed + static_cast<std::uint64_t>(i));
    const auto latents = DdimSampler::sample(*m_impl->generator, prompts, seeds, s, progress, cancel);
    if (!latents.defined())
        return {};
    auto audio = m_impl->generator->decode(latents);
    std::vector<GeneratedClip> clips;
    for (int i = 0; i < c.count; ++i)
        clips.push_back({std::move(audio[static_cast<std::size_t>(i)]), request.prompt,
                         seeds[static_cast<std::size_t>(i)], c.steps, c.guidance});
    return clips;
}

} // namespace dragon
