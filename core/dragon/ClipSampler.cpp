#include "dragon/ClipSampler.h"

#include "model/DdimSampler.h"
#include "model/Generator.h"

#include <chrono>

namespace dragon {

ClipSampler::ClipSampler(float guidance, Progress progress)
    : m_guidance(guidance), m_progress(std::move(progress))
{
}

ClipSampler::Clips ClipSampler::sample(Generator &g, const std::vector<std::string> &prompts,
                                       const std::vector<std::uint64_t> &seeds, int steps,
                                       const std::atomic<bool> *stop,
                                       const std::string &phase) const
{
    torch::NoGradGuard noGrad;
    g.setTraining(false);
    SamplerSettings s;
    s.steps = steps;
    s.guidance = m_guidance;
    std::vector<torch::Tensor> parts;
    Clips clips;
    for (std::size_t start = 0; start < prompts.size(); start += kBatch) {
        const std::size_t end = std::min(prompts.size(), start + kBatch);
        const std::vector<std::string> p(prompts.begin() + long(start),
                                         prompts.begin() + long(end));
        const std::vector<std::uint64_t> sd(seeds.begin() + long(start), seeds.begin() + long(end));
        auto z = DdimSampler::sample(
            g, p, sd, s,
            [&](int done, int total) {
                if (m_progress)
                    m_progress(phase, int(start) * total + done * int(end - start),
                               int(prompts.size()) * total);
            },
            stop);
        if (!z.defined() || z.numel() == 0)
            return {};
        parts.push_back(z);
    }
    if (parts.empty())
        return {};
    clips.latents = torch::cat(parts, 0);
    const auto decodeStart = std::chrono::steady_clock::now();
    clips.audio = g.decode(clips.latents);
    clips.decodeSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - decodeStart).count();
    return clips;
}

} // namespace dragon
