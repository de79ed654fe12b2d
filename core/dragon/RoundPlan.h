#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dragon {

// What one round (or the evaluation) generates: prompts x seeds in prompt-major order, each
// sample's prompt index, and how the samples are shared over the ranks of a multi-process run
// (all seeds of a prompt on one rank: prompt p goes to rank p % worldSize). Pure: the same
// inputs give the same plan on every rank and after a resume.
struct RoundPlan
{
    std::uint64_t roundSeed = 0; // the round's own seed (the update's draws derive from it)
    std::vector<std::string> prompts;
    std::vector<std::uint64_t> seeds; // sampler noise seeds, < 1000000007
    std::vector<int> promptOf;        // index of each sample's prompt within the plan
    int promptCount = 0;

    // Round `round` (1-based) of a run with seed `runSeed`: `promptsPerRound` prompts drawn
    // from `pool` in a shuffled order (repeating the order when the pool is smaller), each
    // with `seedsPerPrompt` seeds.
    static RoundPlan forRound(const std::vector<std::string> &pool, int promptsPerRound,
                              int seedsPerPrompt, std::uint64_t runSeed, int round);
    // The fixed evaluation set: the first `promptCount` eval prompts x `seedsPerPrompt` seeds;
    // seed k = 0 of a prompt is the one a one-seed evaluation uses.
    static RoundPlan forEvaluation(const std::vector<std::string> &evalPrompts, int promptCount,
                                   int seedsPerPrompt, std::uint64_t runSeed);

    std::size_t size() const { return prompts.size(); }
    // Sample indices on `rank`, in plan order.
    std::vector<int64_t> shareOf(int rank, int worldSize) const;
    // Every rank's share, rank 0's first: the order in which all-gathered rows arrive.
    std::vector<int64_t> gatherOrder(int worldSize) const;
    // The samples of each prompt: clipsOfPrompt()[p] lists the indices whose promptOf is p.
    std::vector<std::vector<std::size_t>> clipsOfPrompt() const;
};

} // namespace dragon
