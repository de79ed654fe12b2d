#pragma once

#include <cstddef>
#include <vector>

namespace dragon {

// One group of prompts of a base-vs-tuned comparison, by how well the base model did on them.
struct BaseLevelGroup
{
    int prompts = 0;
    double wins = 0;                    // the tuned model's prompt wins, ties half
    double baseMean = 0, tunedMean = 0; // mean utility over the group's prompts
};

// Where a fine-tuned model wins: the prompts split into equal groups by the base model's mean
// utility over each prompt's seeds, the lowest first, with the tuned model's wins in each. A
// reward the base already meets on some prompts (a loudness target at the base's median
// loudness) shows wins where there was room and coin flips elsewhere; one that lifts every
// prompt shows wins in every group. The groups are drawn from the same base clips the wins
// compare, so with a reward that is noisy between seeds the lowest group wins more even for an
// unchanged model (regression to the mean): read it beside the overall rate.
class WinsByBaseLevel
{
public:
    // Per prompt: the base's and the tuned model's mean utility and the outcome, +1 (tuned
    // wins), 0 (tie), -1, as the win rate counts them (WinRateEvaluator::comparePaired gives
    // all three). At most `groups` groups (fewer with fewer prompts), sizes differing by at most
    // one, the larger first; prompts with equal base means keep their order. Throws
    // std::invalid_argument when the sizes disagree.
    static std::vector<BaseLevelGroup> split(const std::vector<double> &baseMean,
                                             const std::vector<double> &tunedMean,
                                             const std::vector<int> &outcomes, int groups = 3);
    // "lowest third", "middle third", "highest third"; "lower half", "upper half"; "all".
    static const char *label(std::size_t group, std::size_t groups);
};

} // namespace dragon
