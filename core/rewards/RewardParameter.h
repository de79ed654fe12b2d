#pragma once

#include <string>

namespace dragon {

struct RewardTerm;

// The one setting a reward type takes beside its weight (exemplar similarity's top-k, the
// loudness target, the Vendi order), described once: the Reward tab builds its field from it
// and RewardDefinition::validate checks the same range, so the form cannot make a value the
// check refuses.
struct RewardParameter
{
    std::string name;           // in messages: "the loudness target"
    std::string prefix, suffix; // around the number in the form: "top-k ", " LUFS"
    std::string zeroText;       // what 0 reads as in the form ("centroid"); empty: a number
    double low = 0, high = 0;   // allowed, both ends included
    int decimals = 2;
    double step = 1;
    std::string help; // the field's tooltip; empty: none
    double (*get)(const RewardTerm &) = nullptr;
    void (*set)(RewardTerm &, double) = nullptr;
};

// Null for a type that takes no parameter (or an unknown type).
const RewardParameter *rewardParameterOf(const std::string &type);

} // namespace dragon
