#pragma once

#include "audio/AudioBuffer.h"
#include "dragon/DragonEvents.h"
#include "dragon/RoundPlan.h"
#include "rewards/Reward.h"

#include <atomic>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dragon {

class ClapScoreReward;
class ClipSampler;
class Encoder;
class Generator;
class TrainingReward;

// The fine-tuned model against the base model on the fixed evaluation plan (DESIGN section 3):
// both generate the same prompts with the same seeds; the base clips are generated once and
// cached (float WAVs in `baseCacheDir`, so a resumed run scores exactly what the first
// evaluation scored; the cache is reused only for the same plan, steps and base weights). Instance
// rewards: a prompt's outcome is the mean over its seeds of the policy's utility minus the base's
// (both scored together, so combined rewards use one scale); win rate with a Wilson interval and
// the sign test; the paired difference with a t interval. Set rewards: bootstrap over prompts (the
// same subsets for both); p is the bootstrap p-value and the interval the one that agrees with
// it (bootstrapWinInterval). Guardrails, when a guardrail encoder is given: Vendi diversity of each
// batch and, with a text tower, the mean CLAP score. And the median loudness of each side's clips.
class WinRateEvaluator
{
public:
    // `guardrail` may be null (guardrails off).
    WinRateEvaluator(RoundPlan plan, int steps, int bootstrapDraws, std::uint64_t seed,
                     std::filesystem::path baseCacheDir, std::shared_ptr<Encoder> guardrail);
    ~WinRateEvaluator();

    bool empty() const { return m_plan.prompts.empty(); }
    const RoundPlan &plan() const { return m_plan; }
    // Stats of round `round` (round 0: the untrained policy, whose clips are the base clips);
    // a stop returns what it has (EvalStats with seconds = 0).
    EvalStats evaluate(Generator &policy, Generator &base, const TrainingReward &reward,
                       const ClipSampler &sampler, int round, const std::atomic<bool> *stop);

    // Instance rewards: per-prompt paired outcomes of policy against base utilities (clip c of
    // both under the same prompt and seed), each side's per-prompt mean, the mean difference
    // and its 95 % t interval.
    struct Paired
    {
        std::vector<int> outcomes;                  // +1, 0, -1 per prompt
        std::vector<double> baseMeans, policyMeans; // per prompt, over its clips
        double mean = 0, lower = 0, upper = 0;
    };
    static Paired comparePaired(const std::vector<double> &base, const std::vector<double> &policy,
                                const std::vector<std::vector<std::size_t>> &clipsOfPrompt);

private:
    bool loadOrMakeBase(Generator &base, const ClipSampler &sampler, const std::atomic<bool> *stop);
    // 16 hex digits naming what the base clips depend on: the plan's prompts and seeds, the
    // sampler steps, the base model's name, rate and weights.
    std::string baseFingerprint(Generator &base) const;

    RoundPlan m_plan;
    int m_steps;
    int m_bootstrapDraws;
    std::uint64_t m_seed;
    std::filesystem::path m_baseCacheDir;
    std::shared_ptr<Encoder> m_guard;
    std::unique_ptr<ClapScoreReward> m_guardClap;
    std::vector<AudioBuffer> m_baseAudio;
    std::optional<RewardBatch> m_baseBatch; // the reward's view of the base clips, computed once
    RewardBatch m_baseGuard;
    // The median loudness of the base clips, measured with m_baseBatch.
    double m_baseLufs = std::numeric_limits<double>::quiet_NaN();
};

} // namespace dragon
