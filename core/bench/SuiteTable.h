#pragma once

#include "bench/RewardSuiteRun.h"

#include <string>
#include <vector>

namespace dragon {

// The reward suite's report, from its outcomes: one row per reward (win rate with its 95 %
// interval and p-value, reward before -> after with the paired difference, the Vendi and CLAP
// guardrails, a reward-hacking flag: GuardrailCheck), the average win rate over all rewards and
// over each half, and the per-song vs dataset FAD table in the paper's layout (each FAD-trained
// policy under both FADs of its cell). Pure: the bench command writes the strings to table.md /
// table.csv.
class SuiteTable
{
public:
    struct Averages
    {
        int count = 0, tunedCount = 0, heldOutCount = 0; // rewards of the 20
        double all = 0, tuned = 0, heldOut = 0;          // their mean win rates
        // The same with a reward-hacking row's win rate counted as 0.5 (a tie).
        double allTie = 0, tunedTie = 0, heldOutTie = 0;
        int hackedOfTwenty = 0; // reward-hacking rows among the 20 (not extras)
        int extraCount = 0;     // tuning extras (SuiteReward::extra), not in the figures above
        double extra = 0;
        int significant = 0; // lower bound above 0.5
        int hacked = 0;
    };
    static std::string halfOf(const SuiteReward &reward); // "tuned", "held-out", "extra"
    // "Budget per reward: ... (frozen)." : the budget and the settings, one sentence.
    static std::string budgetText(const SuiteBudget &budget);
    static Averages averages(const std::vector<SuiteOutcome> &outcomes);
    static std::string markdown(const std::vector<SuiteOutcome> &outcomes,
                                const SuiteBudget &budget, double wallSeconds);
    static std::string csv(const std::vector<SuiteOutcome> &outcomes);
};

} // namespace dragon
