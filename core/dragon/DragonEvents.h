#pragma once

#include "dragon/LossStats.h"
#include "dragon/WinRateStatistics.h"

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace dragon {

// One term of a multi-term reward in its own units over a round's batch.
struct TermStats
{
    std::string name;
    double mean = 0, p10 = 0, p50 = 0, p90 = 0;
};

// One term of a multi-term reward at an evaluation: base and policy in the term's units, and
// the paired difference in its better direction (> 0: better) with a 95 % interval.
struct TermEval
{
    std::string name;
    double base = 0, policy = 0;
    double delta = 0, deltaLower = 0, deltaUpper = 0;
};

// What a round did (torch-free, for the UI, CLI and metrics files).
struct RoundStats
{
    int round = 0;
    double rewardMean = 0, rewardP10 = 0, rewardP50 = 0, rewardP90 = 0; // raw reward, or set value
    double demoPlusMean = 0, demoMinusMean = 0;                         // utilities of D+ and D-
    int pairs = 0, labels = 0, skippedTies = 0;
    int skippedPasses = 0;        // update passes skipped because a loss was not finite
    std::vector<TermStats> terms; // multi-term rewards: each term in its own units
    LossStats loss;
    double gradNorm = 0, learningRate = 0;
    double anchorLoss = 0; // pretraining anchor's diffusion loss (0 when off)
    bool updated = false;
    std::string warning;
    double secondsSample = 0, secondsDecode = 0, secondsEncode = 0, secondsReward = 0,
           secondsUpdate = 0, secondsCheckpoint = 0, secondsTotal = 0;
};

struct EvalStats
{
    int round = 0;
    WinRate winRate; // fine-tuned vs base on the fixed eval prompts and seeds
    double rewardBase = 0, rewardPolicy = 0; // mean raw reward (instance) or set value
    // Policy minus base in the reward's better direction (> 0: better), with a 95 % interval:
    // per-prompt mean differences (instance rewards) or the bootstrap (set rewards).
    double deltaMean = 0, deltaLower = 0, deltaUpper = 0;
    double vendiBase = 0, vendiPolicy = 0; // guardrail: diversity of the eval batch
    double clapBase = 0, clapPolicy = 0;   // guardrail: pocket-CLAP text adherence
    // Median integrated loudness (LUFS) of each side's eval clips; NaN when not measured. Not a
    // guardrail (a loudness reward is meant to move it): shown so that a win that comes from
    // turning clips up or down is seen while training.
    double lufsBase = std::numeric_limits<double>::quiet_NaN();
    double lufsPolicy = std::numeric_limits<double>::quiet_NaN();
    bool loudnessMeasured() const { return std::isfinite(lufsBase) && std::isfinite(lufsPolicy); }
    std::vector<TermEval> terms; // multi-term rewards: each term in its own units
    double seconds = 0;
};

struct AuditionClip
{
    int round = 0;
    std::string path, prompt;
    std::uint64_t seed = 0;
    double reward = 0;
    int label = 0; // +1 D+, -1 D-
};

struct DragonCallbacks
{
    std::function<void(const RoundStats &)> round;
    std::function<void(const EvalStats &)> eval;
    std::function<void(const AuditionClip &)> audition;
    std::function<void(const std::string &phase, int done, int total)> progress;
    std::function<void(const std::string &message)> log;
};

} // namespace dragon
