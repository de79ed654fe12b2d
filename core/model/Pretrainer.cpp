#include "model/Pretrainer.h"

#include "model/ArchiveFile.h"
#include "model/ComputeThreads.h"
#include "model/PocketGenerator.h"

#include <ATen/CPUGeneratorImpl.h>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

namespace dragon {
namespace fs = std::filesystem;

namespace {

double learningRateAt(const PretrainConfig &c, int step)
{
    if (step < c.warmupSteps)
        return c.learningRate * (step + 1) / c.warmupSteps;
    const double progress = double(step - c.warmupSteps) / std::max(1, c.steps - c.warmupSteps);
    return c.learningRate * (0.1 + 0.9 * 0.5 * (1 + std::cos(M_PI * std::min(progress, 1.0))));
}

struct Batch
{
    torch::Tensor latents, ids;
};

Batch makeBatch(const PretrainConfig &c, int step, PocketGenerator &model)
{
    Batch batch;
    std::vector<std::string> prompts;
    model.corpusBatch(c.batch, c.seed * 1000003ULL + static_cast<std::uint64_t>(step),
                      c.conditionDropout, batch.latents, prompts);
    batch.ids = model.tokenize(prompts);
    return batch;
}

void copyParameters(torch::nn::Module &from, torch::nn::Module &to)
{
    torch::NoGradGuard noGrad;
    auto dst = to.named_parameters();
    for (const auto &item : from.named_parameters())
        dst[item.key()].copy_(item.value());
}

} // namespace

void Pretrainer::run(const PretrainConfig &c, const Callback &callback,
                     const std::atomic<bool> *stop)
{
    fs::create_directories(c.outDir);
    ComputeThreads::use(c.threads > 0 ? c.threads
                                      : int(std::max(1u, std::thread::hardware_concurrency())));
    torch::manual_seed(c.seed);
    PocketGenerator model;
    PocketGenerator ema;
    copyParameters(*model.model(), *ema.model());
    model.setTraining(true);
    torch::optim::AdamW optimizer(
        model.parameters(),
        torch::optim::AdamWOptions(c.learningRate).weight_decay(c.weightDecay).betas({0.9, 0.99}));
    int step = 0;
    const fs::path statePath = fs::path(c.outDir) / "train-state.pt";
    if (fs::exists(statePath)) {
        torch::serialize::InputArchive archive;
        ArchiveFile::read(statePath.string(), archive, "a pretraining state");
        c10::IValue saved;
        archive.read("step", saved);
        step = static_cast<int>(saved.toInt());
        torch::serialize::InputArchive weights, emaWeights, optimizerState;
        archive.read("model", weights);
        archive.read("ema", emaWeights);
        archive.read("optimizer", optimizerState);
        model.model()->load(weights);
        ema.model()->load(emaWeights);
        optimizer.load(optimizerState);
    }
    std::ofstream log(fs::path(c.outDir) / "loss.csv", std::ios::app);
    if (step == 0)
        log << "step,loss,lr,seconds_per_step\n";
    auto checkpoint = [&] {
        torch::serialize::OutputArchive archive, weights, emaWeights, optimizerState;
        model.model()->save(weights);
        ema.model()->save(emaWeights);
        optimizer.save(optimizerState);
        archive.write("step", c10::IValue(static_cast<int64_t>(step)));
        archive.write("model", weights);
        archive.write("ema", emaWeights);
        archive.write("optimizer", optimizerState);
        ArchiveFile::write(statePath.string(), archive);
        ema.save((fs::path(c.outDir) / "pocket.pt").string());
        log.flush();
    };
    double lossAverage = 0.0;
    while (step < c.steps) {
        if (stop && stop->load())
            break;
        const auto started = std::chrono::steady_clock::now();
        const Batch batch = makeBatch(c, step, model);
        auto generator = at::make_generator<at::CPUGeneratorImpl>(c.seed * 7919 + step);
        const auto noise = torch::randn(batch.latents.sizes(), generator, torch::kFloat32);
        const auto steps =
            torch::randint(0, PocketGenerator::kTrainSteps, {c.batch}, generator, torch::kInt64);
        const double lr = learningRateAt(c, step);
        for (auto &group : optimizer.param_groups())
            static_cast<torch::optim::AdamWOptions &>(group.options()).lr(lr);
        optimizer.zero_grad();
        const auto condition = model.encodeIds(batch.ids);
        const auto loss =
            diffusion::perSampleMse(model, batch.latents, steps, noise, condition).mean();
        const double lossValue = loss.item<double>();
        if (!std::isfinite(lossValue)) {
            ++step; // skip: never let a NaN batch reach the weights
            continue;
        }
        loss.backward();
        torch::nn::utils::clip_grad_norm_(model.parameters(), 1.0);
        optimizer.step();
        {
            torch::NoGradGuard noGrad;
            const double decay = std::min(c.emaDecay, (1.0 + step) / (10.0 + step));
            auto dst = ema.model()->named_parameters();
            for (const auto &item : model.model()->named_parameters())
                dst[item.key()].mul_(decay).add_(item.value(), 1.0 - decay);
        }
        ++step;
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        lossAverage = step == 1 ? lossValue : 0.98 * lossAverage + 0.02 * lossValue;
        log << step << "," << lossValue << "," << lr << "," << seconds << "\n";
        if (callback)
            callback({step, c.steps, lossAverage, lr, seconds});
        if (step % c.checkpointEvery == 0 || step == c.steps)
            checkpoint();
    }
    if (step % c.checkpointEvery != 0)
        checkpoint();
}

} // namespace dragon
