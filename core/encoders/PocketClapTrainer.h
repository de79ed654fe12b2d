#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace dragon {

class PocketClap;

struct ClapTrainConfig
{
    std::string outDir;
    int steps = 1500;
    int batch = 128;
    double learningRate = 1e-3;
    int warmupSteps = 100;
    double weightDecay = 0.05;
    int poolClips = 6000;    // training clips rendered once (training split of the corpus)
    int captionsPerClip = 8; // caption augmentation: random phrasings and synonyms per clip
    int checkpointEvery = 250;
    std::uint64_t seed = 1;
    int threads = 0; // 0: all cores
};

struct ClapTrainProgress
{
    int step = 0, steps = 0;
    double loss = 0.0, accuracy = 0.0, secondsPerStep = 0.0;
    std::string phase; // "rendering" or "training"
};

struct ClapEvaluation
{
    int pairs = 0;
    double recallAt1 = 0, recallAt5 = 0; // text -> audio over `pairs` held-out pairs
    int zeroShotClips = 0;
    double zeroShotStyleAccuracy = 0; // audio -> one of 8 style prompts
    std::string toJson() const;
};

// Trains pocket CLAP contrastively (symmetric InfoNCE, learned temperature) on rendered
// corpus clips with caption augmentation (each step draws one of several phrasings per clip)
// and gain augmentation. Writes outDir/pocket-clap.pt (half precision), train-state.pt
// (resumable, atomic) and loss.csv. Resumes when train-state.pt exists.
class PocketClapTrainer
{
public:
    using Callback = std::function<void(const ClapTrainProgress &)>;
    static void run(const ClapTrainConfig &config, const Callback &callback = {},
                    const std::atomic<bool> *stop = nullptr);
    // Held-out retrieval and zero-shot style classification (seeds >= kHeldOutSeedStart).
    static ClapEvaluation evaluate(PocketClap &clap, int pairs = 500, int clipsPerStyle = 50);
};

} // namespace dragon
