#pragma once

#include "bench/RewardSuiteRun.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dragon {

// The reward suite over several run seeds (each a full suite with the same budget): per reward
// its win rate under each seed, their mean, range and sample standard deviation, and in how
// many seeds the lower bound was above 0.5 and a guardrail fell; per seed its averages
// (SuiteTable::averages) and their mean and standard deviation over the seeds. Pure: the bench
// command writes the strings to seeds.md / seeds.csv.
class SuiteSeedsTable
{
public:
    struct SeedRun
    {
        std::uint64_t seed = 1;
        std::vector<SuiteOutcome> outcomes; // the rewards this seed finished
        double wallSeconds = 0;
    };
    // Mean and sample standard deviation (0 for fewer than two values).
    struct Spread
    {
        int count = 0;
        double mean = 0, sd = 0, min = 0, max = 0;
    };
    static Spread spreadOf(const std::vector<double> &values);
    static std::string markdown(const std::vector<SeedRun> &runs, const SuiteBudget &budget);
    static std::string csv(const std::vector<SeedRun> &runs);
};

} // namespace dragon
