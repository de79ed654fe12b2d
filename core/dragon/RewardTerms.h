#pragma once

#include "dragon/DragonEvents.h"
#include "rewards/Reward.h"

#include <vector>

namespace dragon {

// Each term of a multi-term reward (a WeightedReward) in its own units, for the metrics rows,
// the dashboard and the evaluation: a round's per-term quantiles, and at an evaluation the
// per-term base and policy values with the paired difference per prompt. Empty for a reward of
// one term (its own values are the reward's).
class RewardTerms
{
public:
    static std::vector<TermStats> ofRound(const Reward &reward, const RewardBatch &batch);
    static std::vector<TermEval>
    ofEvaluation(const Reward &reward, const RewardBatch &base, const RewardBatch &policy,
                 const std::vector<std::vector<std::size_t>> &clipsOfPrompt);
};

} // namespace dragon
