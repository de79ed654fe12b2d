#include "dragon/RewardTerms.h"

#include "dragon/WinRateEvaluator.h"
#include "metrics/Quantile.h"
#include "rewards/WeightedReward.h"

#include <algorithm>
#include <numeric>

namespace dragon {

namespace {

double mean(const std::vector<double> &v)
{
    return v.empty() ? 0 : std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}

} // namespace

std::vector<TermStats> RewardTerms::ofRound(const Reward &reward, const RewardBatch &batch)
{
    std::vector<TermStats> out;
    const auto *weighted = dynamic_cast<const WeightedReward *>(&reward);
    if (!weighted)
        return out;
    for (const auto &term : weighted->terms()) {
        TermStats s;
        s.name = term.reward->name();
        if (term.reward->kind() == RewardKind::DistributionToDistribution) {
            s.mean = s.p10 = s.p50 = s.p90 = term.reward->scoreSet(batch);
        } else {
            const auto raw = term.reward->scoreEach(batch);
            s.mean = mean(raw);
            s.p10 = quantile(raw, 0.1);
            s.p50 = quantile(raw, 0.5);
            s.p90 = quantile(raw, 0.9);
        }
        out.push_back(s);
    }
    return out;
}

std::vector<TermEval>
RewardTerms::ofEvaluation(const Reward &reward, const RewardBatch &base, const RewardBatch &policy,
                          const std::vector<std::vector<std::size_t>> &clipsOfPrompt)
{
    std::vector<TermEval> out;
    const auto *weighted = dynamic_cast<const WeightedReward *>(&reward);
    if (!weighted)
        return out;
    for (const auto &term : weighted->terms()) {
        TermEval t;
        t.name = term.reward->name();
        const double sign = term.reward->sign();
        if (term.reward->kind() == RewardKind::DistributionToDistribution) {
            t.base = term.reward->scoreSet(base);
            t.policy = term.reward->scoreSet(policy);
            t.delta = t.deltaLower = t.deltaUpper = sign * (t.policy - t.base);
        } else {
            auto rawBase = term.reward->scoreEach(base), rawPolicy = term.reward->scoreEach(policy);
            t.base = mean(rawBase);
            t.policy = mean(rawPolicy);
            for (auto *v : {&rawBase, &rawPolicy})
                for (double &x : *v)
                    x *= sign; // better is higher, for the paired difference
            const auto paired = WinRateEvaluator::comparePaired(rawBase, rawPolicy, clipsOfPrompt);
            t.delta = paired.mean;
            t.deltaLower = paired.lower;
            t.deltaUpper = paired.upper;
        }
        out.push_back(t);
    }
    return out;
}

} // namespace dragon
