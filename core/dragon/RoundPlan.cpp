#include "dragon/RoundPlan.h"

#include "dragon/SeedMix.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace dragon {

RoundPlan RoundPlan::forRound(const std::vector<std::string> &pool, int promptsPerRound,
                              int seedsPerPrompt, std::uint64_t runSeed, int round)
{
    RoundPlan plan;
    plan.roundSeed = mixSeed(runSeed, std::uint64_t(round));
    if (pool.empty())
        return plan;
    std::mt19937_64 rng(plan.roundSeed);
    std::vector<std::size_t> order(pool.size());
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    plan.promptCount = promptsPerRound;
    for (int p = 0; p < promptsPerRound; ++p) {
        const std::string &prompt = pool[order[std::size_t(p) % order.size()]];
        for (int k = 0; k < seedsPerPrompt; ++k) {
            plan.prompts.push_back(prompt);
            plan.seeds.push_back(mixSeed(plan.roundSeed, std::uint64_t(p), std::uint64_t(k)) %
                                 1000000007ULL);
            plan.promptOf.push_back(p);
        }
    }
    return plan;
}

RoundPlan RoundPlan::forEvaluation(const std::vector<std::string> &evalPrompts, int promptCount,
                                   int seedsPerPrompt, std::uint64_t runSeed)
{
    RoundPlan plan;
    plan.promptCount = std::clamp(promptCount, 0, int(evalPrompts.size()));
    for (int i = 0; i < plan.promptCount; ++i)
        for (int k = 0; k < seedsPerPrompt; ++k) {
            plan.prompts.push_back(evalPrompts[std::size_t(i)]);
            plan.seeds.push_back(
                (k == 0 ? mixSeed(runSeed ^ 0xE7A1ULL, std::uint64_t(i))
                        : mixSeed(runSeed ^ 0xE7A1ULL, std::uint64_t(i), std::uint64_t(k))) %
                1000000007ULL);
            plan.promptOf.push_back(i);
        }
    return plan;
}

std::vector<int64_t> RoundPlan::shareOf(int rank, int worldSize) const
{
    std::vector<int64_t> indices;
    for (std::size_t i = 0; i < prompts.size(); ++i)
        if (promptOf[i] % worldSize == rank)
            indices.push_back(int64_t(i));
    return indices;
}

std::vector<int64_t> RoundPlan::gatherOrder(int worldSize) const
{
    std::vector<int64_t> order;
    for (int r = 0; r < worldSize; ++r) {
        const auto share = shareOf(r, worldSize);
        order.insert(order.end(), share.begin(), share.end());
    }
    return order;
}

std::vector<std::vector<std::size_t>> RoundPlan::clipsOfPrompt() const
{
    std::vector<std::vector<std::size_t>> clips(std::size_t(std::max(0, promptCount)));
    for (std::size_t c = 0; c < promptOf.size(); ++c)
        clips[std::size_t(promptOf[c])].push_back(c);
    return clips;
}

} // namespace dragon
