#pragma once

#include <optional>
#include <string>

namespace dragon {

// Training settings a project carries (the Train tab's form, saved with the project; the
// bundled demo ships ones chosen for its reward). Every field is optional: one left unset takes
// the engine's default (DragonConfig) in the CLI; the Train tab fills it with the value
// suggested for the project's reward (dragon/SuggestedSettings) where there is one, and saves
// the whole form once the user edits it.
struct TrainingSettings
{
    std::optional<int> rounds, promptsPerRound, seedsPerPrompt, demoSteps, evalEvery;
    std::optional<int> seed; // the run's seed (rounds' prompts and noise, the evaluation seeds)
    std::optional<int> evalSeedsPerPrompt; // generations per eval prompt (their mean decides)
    std::optional<double> learningRate, beta;
    std::optional<double> anchorWeight; // pretraining anchor's weight (0: off)
    std::optional<double> emaDecay;     // EMA of the weights evaluated and shipped (0: off)
    std::optional<std::string> loss;    // "dpo" | "kto"

    bool empty() const
    {
        return !rounds && !promptsPerRound && !seedsPerPrompt && !demoSteps && !evalEvery &&
               !seed && !evalSeedsPerPrompt && !learningRate && !beta && !anchorWeight &&
               !emaDecay && !loss;
    }
    bool operator==(const TrainingSettings &o) const
    {
        return rounds == o.rounds && promptsPerRound == o.promptsPerRound &&
               seedsPerPrompt == o.seedsPerPrompt && demoSteps == o.demoSteps &&
               evalEvery == o.evalEvery && seed == o.seed &&
               evalSeedsPerPrompt == o.evalSeedsPerPrompt && learningRate == o.learningRate &&
               beta == o.beta && anchorWeight == o.anchorWeight && emaDecay == o.emaDecay &&
               loss == o.loss;
    }
};

} // namespace dragon
