// A DRAGON round on CUDA with our own code: the pocket model moved to the GPU, DDIM sampling,
// synthesiser decode (CPU), a simple instance reward (RMS level, as the GPU box lacks the audio
// libraries the full reward stack links), best/worst pairs, Diffusion-DPO against a frozen
// copy, AdamW. Built against the GPU machine's CUDA libtorch by run_cuda_check.sh; prints phase
// times and checks the weights moved and stayed finite.
#include "dragon/DragonLoss.h"
#include "model/CorpusGenerator.h"
#include "model/DdimSampler.h"
#include "model/PocketGenerator.h"

#include <chrono>
#include <cmath>
#include <iostream>

using namespace dragon;
using Clock = std::chrono::steady_clock;

static double since(Clock::time_point t)
{
    if (torch::cuda::is_available())
        torch::cuda::synchronize();
    return std::chrono::duration<double>(Clock::now() - t).count();
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::cerr << "usage: cuda_round_check POCKET.pt\n";
        return 2;
    }
    std::cout << "CUDA available: " << torch::cuda::is_available()
              << ", devices: " << torch::cuda::device_count() << ", torch " << TORCH_VERSION
              << std::endl;
    if (!torch::cuda::is_available())
        return 1;
    const torch::Device cuda(torch::kCUDA);
    auto policy = PocketGenerator::load(argv[1]);
    policy->to(cuda);
    auto reference = policy->clone();
    reference->to(cuda);
    for (auto &p : reference->parameters())
        p.set_requires_grad(false);
    for (auto &p : policy->model()->text->parameters())
        p.set_requires_grad(false);
    std::vector<torch::Tensor> params;
    for (auto &p : policy->parameters())
        if (p.requires_grad())
            params.push_back(p);
    const auto before = torch::cat([&] {
        std::vector<torch::Tensor> v;
        for (auto &p : params)
            v.push_back(p.detach().flatten().clone());
        return v;
    }());
    torch::optim::AdamW optimizer(params, torch::optim::AdamWOptions(1e-5));
    const CorpusGenerator corpus;
    for (int round = 1; round <= 3; ++round) {
        std::vector<std::string> prompts;
        std::vector<std::uint64_t> seeds;
        for (int p = 0; p < 8; ++p)
            for (int k = 0; k < 2; ++k) {
                prompts.push_back(
                    CorpusGenerator::caption(corpus.generate(std::uint64_t(100 * round + p)), 0));
                seeds.push_back(std::uint64_t(round * 1000 + p * 10 + k));
            }
        auto t = Clock::now();
        policy->setTraining(false);
        SamplerSettings s;
        s.steps = 10;
        const auto latents = DdimSampler::sample(*policy, prompts, seeds, s);
        const double sample = since(t);
        t = Clock::now();
        const auto audio = policy->decode(latents);
        const double decode = since(t);
        std::vector<double> reward;
        for (const auto &a : audio) {
            double e = 0;
            for (float v : a.interleaved())
                e += double(v) * v;
            reward.push_back(std::sqrt(e / double(a.interleaved().size())));
        }
        t = Clock::now();
        std::vector<int64_t> w, l;
        for (int p = 0; p < 8; ++p) {
            const bool first = reward[std::size_t(2 * p)] >= reward[std::size_t(2 * p + 1)];
            w.push_back(2 * p + (first ? 0 : 1));
            l.push_back(2 * p + (first ? 1 : 0));
        }
        std::vector<int64_t> index = w;
        index.insert(index.end(), l.begin(), l.end());
        std::vector<std::string> texts;
        for (auto i : index)
            texts.push_back(prompts[std::size_t(i)]);
        const auto x0 = latents.index_select(0, torch::tensor(index).to(cuda));
        policy->setTraining(true);
        double loss = 0;
        LossStats stats;
        for (int pass = 0; pass < 2; ++pass) {
            const auto steps =
                torch::randint(0, policy->trainSteps(), {8}, torch::kInt64).repeat({2}).to(cuda);
            const auto noise = torch::randn({8, x0.size(1), x0.size(2)}).repeat({2, 1, 1}).to(cuda);
            torch::Tensor refMse;
            {
                torch::NoGradGuard noGrad;
                refMse = diffusion::perSampleMse(*reference, x0, steps, noise,
                                                 reference->encodeText(texts));
            }
            optimizer.zero_grad();
            const auto mse =
                diffusion::perSampleMse(*policy, x0, steps, noise, policy->encodeText(texts));
            auto value =
                diffusionDpoLoss(mse.narrow(0, 0, 8), mse.narrow(0, 8, 8), refMse.narrow(0, 0, 8),
                                 refMse.narrow(0, 8, 8), 5000.0, &stats);
            value.backward();
            torch::nn::utils::clip_grad_norm_(params, 1.0);
            optimizer.step();
            loss += stats.loss / 2;
        }
        const double update = since(t);
        std::cout << "round " << round << ": sample " << sample << " s, decode " << decode
                  << " s (CPU), update " << update << " s, DPO loss " << loss << ", latents on "
                  << latents.device() << std::endl;
    }
    const auto after = torch::cat([&] {
        std::vector<torch::Tensor> v;
        for (auto &p : params)
            v.push_back(p.detach().flatten());
        return v;
    }());
    const double moved = (after - before).abs().max().item<double>();
    const bool finite = torch::isfinite(after).all().item<bool>();
    std::cout << "max parameter change " << moved << ", finite " << finite << std::endl;
    return moved > 0 && finite ? 0 : 1;
}
