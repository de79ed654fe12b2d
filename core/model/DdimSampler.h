#pragma once

#include "model/Generator.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dragon {

struct SamplerSettings
{
    int steps = 20;        // clamped to [1, trainSteps]
    float guidance = 3.0f; // classifier-free guidance scale, clamped to [0, 20]; 1 = no guidance
    bool clampX0 = true;   // latents live in [-1, 1]
};

// Deterministic DDIM (eta = 0) with classifier-free guidance. Each sample's starting noise comes
// from its own seed, so a clip does not depend on what else is in the batch.
class DdimSampler
{
public:
    using Progress = std::function<void(int done, int total)>;
    static SamplerSettings clamped(const SamplerSettings &s, int trainSteps);

    // Returns latents [B, C, T]; an empty tensor if `cancel` became true (checked every step).
    // On the CPU the rows run as parallel shards when the job has several cores
    // (ParallelShards); a clip is the same, to float rounding, whatever the batch.
    static torch::Tensor sample(Generator &generator, const std::vector<std::string> &prompts,
                                const std::vector<std::uint64_t> &seeds,
                                const SamplerSettings &settings, const Progress &progress = {},
                                const std::atomic<bool> *cancel = nullptr);
    static torch::Tensor initialNoise(const std::vector<int64_t> &shape, std::uint64_t seed);

private:
    // The DDIM loop over one batch on the calling thread.
    static torch::Tensor sampleRows(Generator &generator, const std::vector<std::string> &prompts,
                                    const std::vector<std::uint64_t> &seeds,
                                    const SamplerSettings &settings, const Progress &progress,
                                    const std::atomic<bool> *cancel);
};

} // namespace dragon
