#pragma once

#include "project/TrainingSettings.h"

#include <string>

namespace dragon {

struct RewardDefinition;

// Training settings suggested for a reward, from what measured runs showed for its kind (README
// "What 40 rounds of DRAGON do here"), with the reason in one sentence for the form's tooltips.
// The term with the largest weight decides; a reward with any set term (dataset FAD, KID,
// FAD-inf, Vendi) gets the set settings, since its clips are only scored as a batch.
struct SuggestedSettings
{
    TrainingSettings settings;   // the fields the suggestion sets (others: engine defaults)
    std::string kind;            // e.g. "a CLAP-score reward"
    std::string basis;           // why, with the measured figures
    std::string summary() const; // "DPO, 4 prompts x 8 seeds, beta 5000, lr 2e-05, anchor 30"

    static SuggestedSettings forReward(const RewardDefinition &reward);
};

} // namespace dragon
