#include "model/DdimSampler.h"

#include "model/ParallelShards.h"

#include <ATen/CPUGeneratorImpl.h>
#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dragon {

SamplerSettings DdimSampler::clamped(const SamplerSettings &s, int trainSteps)
{
    SamplerSettings c = s;
    c.steps = std::clamp(s.steps, 1, trainSteps);
    c.guidance = std::isfinite(s.guidance) ? std::clamp(s.guidance, 0.0f, 20.0f) : 1.0f;
    return c;
}

torch::Tensor DdimSampler::initialNoise(const std::vector<int64_t> &shape, std::uint64_t seed)
{
    auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    return torch::randn(shape, generator, torch::kFloat32);
}

torch::Tensor DdimSampler::sample(Generator &g, const std::vector<std::string> &prompts,
                                  const std::vector<std::uint64_t> &seeds,
                                  const SamplerSettings &settings, const Progress &progress,
                                  const std::atomic<bool> *cancel)
{
    if (prompts.size() != seeds.size() || prompts.empty())
        throw std::invalid_argument("sample: need one seed per prompt and at least one prompt");
    // Each clip depends only on its own prompt and seed, so the rows split into shards that run
    // side by side (ParallelShards); shard 0 reports the progress, every shard sees `cancel`.
    return ParallelShards::concatRows(
        int(prompts.size()), g.device(), [&](int shard, ParallelShards::Range r) {
            const std::vector<std::string> p(prompts.begin() + r.first, prompts.begin() + r.second);
            const std::vector<std::uint64_t> s(seeds.begin() + r.first, seeds.begin() + r.second);
            return sampleRows(g, p, s, settings, shard == 0 ? progress : Progress{}, cancel);
        });
}

torch::Tensor DdimSampler::sampleRows(Generator &g, const std::vector<std::string> &prompts,
                                      const std::vector<std::uint64_t> &seeds,
                                      const SamplerSettings &requested, const Progress &progress,
                                      const std::atomic<bool> *cancel)
{
    torch::NoGradGuard noGrad;
    const SamplerSettings s = clamped(requested, g.trainSteps());
    const auto B = static_cast<int64_t>(prompts.size());
    const auto shape = g.latentShape();
    std::vector<torch::Tensor> noise;
    for (auto seed : seeds)
        noise.push_back(initialNoise(shape, seed));
    auto x = torch::stack(noise).to(g.device());

    const bool guided = s.guidance != 1.0f;
    TextCondition condition = g.encodeText(prompts);
    if (guided)
        condition =
            TextCondition::cat(condition, g.encodeText(std::vector<std::string>(prompts.size())));
    const auto acp = g.alphasCumprod().to(torch::kFloat64);
    const int T = g.trainSteps();
    std::vector<int64_t> timesteps;
    for (int i = 0; i < s.steps; ++i)
        timesteps.push_back(static_cast<int64_t>((T - 1) - (double(i) * T) / s.steps));
    for (int i = 0; i < s.steps; ++i) {
        if (cancel && cancel->load())
            return {};
        const int64_t t = timesteps[static_cast<std::size_t>(i)];
        const int64_t next = i + 1 < s.steps ? timesteps[static_cast<std::size_t>(i + 1)] : -1;
        auto stepTensor = torch::full({guided ? 2 * B : B}, t, torch::kInt64).to(g.device());
        auto input = guided ? torch::cat({x, x}, 0) : x;
        auto out = g.denoise(input, stepTensor, condition);
        if (guided) {
            auto parts = out.chunk(2, 0);
            out = parts[1] + s.guidance * (parts[0] - parts[1]);
        }
        const double a = acp[t].item<double>();
        const double aNext = next >= 0 ? acp[next].item<double>() : 1.0;
        torch::Tensor x0, eps;
        if (g.predictsV()) {
            x0 = std::sqrt(a) * x - std::sqrt(1 - a) * out;
            eps = std::sqrt(1 - a) * x + std::sqrt(a) * out;
        } else {
            eps = out;
            x0 = (x - std::sqrt(1 - a) * eps) / std::sqrt(a);
        }
        if (s.clampX0) {
            x0 = x0.clamp(-1, 1);
            eps = (x - std::sqrt(a) * x0) / std::sqrt(1 - a);
        }
        x = std::sqrt(aNext) * x0 + std::sqrt(1 - aNext) * eps;
        if (progress)
            progress(i + 1, s.steps);
    }
    return x;
}

} // namespace dragon
