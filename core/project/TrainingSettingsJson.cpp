#include "project/TrainingSettingsJson.h"

#include "util/JsonFormatError.h"
#include "util/JsonObject.h"

#include <nlohmann/json.hpp>

namespace dragon {

nlohmann::json TrainingSettingsJson::write(const TrainingSettings &t)
{
    nlohmann::json out = nlohmann::json::object();
    const auto put = [&out](const char *key, const auto &field) {
        if (field)
            out[key] = *field;
    };
    put("rounds", t.rounds);
    put("promptsPerRound", t.promptsPerRound);
    put("seedsPerPrompt", t.seedsPerPrompt);
    put("demoSteps", t.demoSteps);
    put("evalEvery", t.evalEvery);
    put("seed", t.seed);
    put("evalSeedsPerPrompt", t.evalSeedsPerPrompt);
    put("learningRate", t.learningRate);
    put("beta", t.beta);
    put("anchorWeight", t.anchorWeight);
    put("emaDecay", t.emaDecay);
    put("loss", t.loss);
    return out;
}

TrainingSettings TrainingSettingsJson::read(const JsonObject &t)
{
    TrainingSettings s;
    const auto whole = [&t](const char *key, int min, int max) -> std::optional<int> {
        return t.has(key) ? std::optional<int>(t.integer(key, 0, min, max)) : std::nullopt;
    };
    const auto real = [&t](const char *key, double min, double max) -> std::optional<double> {
        return t.has(key) ? std::optional<double>(t.number(key, 0.0, min, max)) : std::nullopt;
    };
    s.rounds = whole("rounds", 1, 1000000);
    s.promptsPerRound = whole("promptsPerRound", 1, 4096);
    s.seedsPerPrompt = whole("seedsPerPrompt", 1, 256);
    s.demoSteps = whole("demoSteps", 1, 1000);
    s.evalEvery = whole("evalEvery", 0, 1000000);
    s.seed = whole("seed", 0, 1000000000);
    s.evalSeedsPerPrompt = whole("evalSeedsPerPrompt", 1, 256);
    s.learningRate = real("learningRate", 1e-12, 1.0);
    s.beta = real("beta", 1e-6, 1e9);
    s.anchorWeight = real("anchorWeight", 0.0, 1e6);
    s.emaDecay = real("emaDecay", 0.0, 0.9999);
    if (t.has("loss")) {
        const std::string loss = t.text("loss", "");
        if (loss != "dpo" && loss != "kto")
            throw JsonFormatError(
                "field \"loss\" of \"training\" must be \"dpo\" or \"kto\", not \"" + loss + "\"");
        s.loss = loss;
    }
    return s;
}

} // namespace dragon
