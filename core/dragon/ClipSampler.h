#pragma once

#include "audio/AudioBuffer.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <torch/torch.h>
#include <vector>

namespace dragon {

class Generator;

// Generates the clips of a round or an evaluation with any Generator: DDIM with the run's
// guidance, in batches of 16 (each clip's noise from its own seed, so batching changes nothing),
// progress reported per sampler step as (phase, done, total), then decoded. Stops between
// sampler steps when `stop` becomes true.
class ClipSampler
{
public:
    using Progress = std::function<void(const std::string &phase, int done, int total)>;
    ClipSampler(float guidance, Progress progress);

    struct Clips
    {
        std::vector<AudioBuffer> audio; // empty when stopped
        torch::Tensor latents;          // [N, C, T] on the generator's device
        double decodeSeconds = 0;
    };
    Clips sample(Generator &generator, const std::vector<std::string> &prompts,
                 const std::vector<std::uint64_t> &seeds, int steps, const std::atomic<bool> *stop,
                 const std::string &phase) const;

    static constexpr std::size_t kBatch = 16;

private:
    float m_guidance;
    Progress m_progress;
};

} // namespace dragon
