#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace dragon {

struct PretrainConfig
{
    std::string outDir;
    int steps = 4000;
    int batch = 48;
    double learningRate = 6e-4;
    int warmupSteps = 200;
    double weightDecay = 0.01;
    double emaDecay = 0.999;
    double conditionDropout = 0.1; // empty prompt this often: trains classifier-free guidance
    int checkpointEvery = 100;
    std::uint64_t seed = 1;
    int threads = 0; // 0: all cores
};

struct PretrainProgress
{
    int step = 0;
    int steps = 0;
    double loss = 0.0;
    double learningRate = 0.0;
    double secondsPerStep = 0.0;
};

// Pretrains the pocket model on the procedural corpus (training split, captions with random
// phrasings). Batches are a pure function of (seed, step), so a resumed run sees the same data
// as an uninterrupted one. Writes to outDir: train-state.pt (weights, EMA, optimizer, step;
// atomic), pocket.pt (EMA weights, half precision: the shippable checkpoint) and loss.csv.
// Resumes automatically when train-state.pt exists.
class Pretrainer
{
public:
    using Callback = std::function<void(const PretrainProgress &)>;
    static void run(const PretrainConfig &config, const Callback &callback = {},
                    const std::atomic<bool> *stop = nullptr);
};

} // namespace dragon
