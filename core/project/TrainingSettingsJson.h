#pragma once

#include "project/TrainingSettings.h"

#include <nlohmann/json_fwd.hpp>

namespace dragon {

class JsonObject;

// The one JSON form of saved training settings, shared by project files (ProjectFile, its
// "training" object) and the reward suite's budget (its settings overrides): only the fields
// that are set, under the names of the run config ("rounds", "promptsPerRound",
// "seedsPerPrompt", "demoSteps", "evalEvery", "seed", "evalSeedsPerPrompt", "learningRate",
// "beta", "anchorWeight", "loss").
class TrainingSettingsJson
{
public:
    static nlohmann::json write(const TrainingSettings &settings);
    // Throws JsonFormatError (no file name: the caller adds it) for a wrong type, a value out
    // of range or a loss other than "dpo" and "kto".
    static TrainingSettings read(const JsonObject &object);
};

} // namespace dragon
