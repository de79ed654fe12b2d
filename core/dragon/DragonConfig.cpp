#include "dragon/DragonConfig.h"

#include "dragon/SuggestedSettings.h"
#include "model/DeviceSpec.h"
#include "project/ExemplarSetJson.h"
#include "project/ProjectFile.h"
#include "util/JsonFormatError.h"
#include "util/JsonObject.h"
#include "util/StrictJson.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace dragon {

const char *preferenceLossName(PreferenceLoss loss)
{
    return loss == PreferenceLoss::Kto ? "kto" : "dpo";
}

bool parsePreferenceLoss(const std::string &name, PreferenceLoss &loss)
{
    if (name != "dpo" && name != "kto")
        return false;
    loss = name == "kto" ? PreferenceLoss::Kto : PreferenceLoss::Dpo;
    return true;
}

const char *labelBaselineName(LabelBaseline baseline)
{
    switch (baseline) {
    case LabelBaseline::Batch:
        return "median";
    case LabelBaseline::Running:
        return "running";
    case LabelBaseline::Prompt:
        break;
    }
    return "prompt";
}

bool parseLabelBaseline(const std::string &name, LabelBaseline &baseline)
{
    for (const LabelBaseline b :
         {LabelBaseline::Prompt, LabelBaseline::Batch, LabelBaseline::Running})
        if (name == labelBaselineName(b)) {
            baseline = b;
            return true;
        }
    return false;
}

void DragonConfig::applyTrainingSettings(const TrainingSettings &t)
{
    rounds = t.rounds.value_or(rounds);
    promptsPerRound = t.promptsPerRound.value_or(promptsPerRound);
    seedsPerPrompt = t.seedsPerPrompt.value_or(seedsPerPrompt);
    demoSteps = t.demoSteps.value_or(demoSteps);
    evalEvery = t.evalEvery.value_or(evalEvery);
    if (t.seed)
        seed = std::uint64_t(*t.seed);
    evalSeedsPerPrompt = t.evalSeedsPerPrompt.value_or(evalSeedsPerPrompt);
    learningRate = t.learningRate.value_or(learningRate);
    beta = t.beta.value_or(beta);
    anchorWeight = t.anchorWeight.value_or(anchorWeight);
    emaDecay = t.emaDecay.value_or(emaDecay);
    if (t.loss)
        parsePreferenceLoss(*t.loss, loss); // the project file admits only "dpo" and "kto"
}

void DragonConfig::applyRewardDefaults(bool withSavedSettings)
{
    applyTrainingSettings(SuggestedSettings::forReward(project.reward).settings);
    if (withSavedSettings)
        applyTrainingSettings(project.training);
}

std::string DragonConfig::settingsSummary() const
{
    char text[192];
    std::snprintf(text, sizeof text, "%s, %d prompts x %d seeds, beta %g, lr %g, anchor %g",
                  loss == PreferenceLoss::Kto ? "KTO" : "DPO", promptsPerRound, seedsPerPrompt,
                  beta, learningRate, anchorWeight);
    return text + emaLabel(emaDecay);
}

std::string DragonConfig::emaLabel(double emaDecay)
{
    if (emaDecay <= 0) // the summaries of runs without one stay as they were
        return {};
    char text[48];
    std::snprintf(text, sizeof text, ", EMA %g", emaDecay);
    return text;
}

DragonConfig DragonConfig::forProject(const Project &project, const std::string &projectPath)
{
    DragonConfig c;
    c.project = project;
    c.projectPath = projectPath;
    c.applyRewardDefaults(true);
    return c;
}

std::string DragonConfig::toJson() const
{
    return nlohmann::json{{"generator", generator},
                          {"device", device},
                          {"guardrailEncoder", guardrailEncoder},
                          {"projectPath", projectPath},
                          {"exemplarSets", ExemplarSetJson::write(project.exemplarSets, {})},
                          {"trainPrompts", project.trainPrompts},
                          {"evalPrompts", project.evalPrompts},
                          {"reward", nlohmann::json::parse(project.reward.toJson())},
                          {"rounds", rounds},
                          {"promptsPerRound", promptsPerRound},
                          {"seedsPerPrompt", seedsPerPrompt},
                          {"demoSteps", demoSteps},
                          {"evalSteps", evalSteps},
                          {"guidance", guidance},
                          {"loss", preferenceLossName(loss)},
                          {"beta", beta},
                          {"ktoLambdaDesirable", ktoLambdaDesirable},
                          {"ktoLambdaUndesirable", ktoLambdaUndesirable},
                          {"labelBaseline", labelBaselineName(labelBaseline)},
                          {"tieFraction", tieFraction},
                          {"learningRate", learningRate},
                          {"warmupRounds", warmupRounds},
                          {"weightDecay", weightDecay},
                          {"gradClip", gradClip},
                          {"gradientPasses", gradientPasses},
                          {"accumulatePasses", accumulatePasses},
                          {"guidedLoss", guidedLoss},
                          {"emaDecay", emaDecay},
                          {"anchorWeight", anchorWeight},
                          {"anchorBatch", anchorBatch},
                          {"trainTextEncoder", trainTextEncoder},
                          {"evalEvery", evalEvery},
                          {"evalPromptCount", evalPrompts},
                          {"evalSeedsPerPrompt", evalSeedsPerPrompt},
                          {"bootstrapDraws", bootstrapDraws},
                          {"checkpointEvery", checkpointEvery},
                          {"keepCheckpoints", keepCheckpoints},
                          {"auditionEvery", auditionEvery},
                          {"seed", seed},
                          {"threads", threads}}
        .dump(2);
}

DragonConfig DragonConfig::fromJson(const std::string &text, const std::string &baseDir)
{
    DragonConfig c;
    try {
        const auto j = StrictJson::parse(text);
        const JsonObject f(j, "the training config");
        // Whole-number settings: any int is read (validate() says which make no sense), nothing
        // beyond an int is cast.
        auto count = [&](const char *key, int fallback) {
            return f.integer(key, fallback, std::numeric_limits<int>::min(),
                             std::numeric_limits<int>::max());
        };
        // A project file supplies sets, prompts and reward; explicit fields override it.
        if (f.has("project")) {
            std::filesystem::path p = f.requiredText("project");
            if (p.is_relative() && !baseDir.empty())
                p = std::filesystem::path(baseDir) / p;
            c.project = ProjectFile::load(p.string());
            c.projectPath = p.string();
        }
        c.generator =
            f.text("generator", f.text("checkpoint", c.generator)); // older configs: "checkpoint"
        c.device = f.text("device", c.device);
        c.guardrailEncoder = f.text("guardrailEncoder", c.guardrailEncoder);
        c.projectPath = f.text("projectPath", c.projectPath);
        if (f.has("exemplarSets"))
            c.project.exemplarSets = ExemplarSetJson::read(j.at("exemplarSets"), baseDir);
        if (f.has("trainPrompts"))
            c.project.trainPrompts = f.texts("trainPrompts");
        if (f.has("evalPrompts"))
            c.project.evalPrompts = f.texts("evalPrompts");
        if (f.has("reward"))
            c.project.reward =
                RewardDefinition::fromJson(j.at("reward").dump()); // depth is bounded
        // Settings the config leaves unset: the suggestion for its reward's kind (the frozen
        // per-kind defaults), then the project's saved training settings; the fields below
        // override both. A run's own config.json holds every field, so a resume is unchanged.
        c.applyRewardDefaults(f.has("project"));
        c.rounds = count("rounds", c.rounds);
        c.promptsPerRound = count("promptsPerRound", c.promptsPerRound);
        c.seedsPerPrompt = count("seedsPerPrompt", c.seedsPerPrompt);
        c.demoSteps = count("demoSteps", c.demoSteps);
        c.evalSteps = count("evalSteps", c.evalSteps);
        c.guidance = float(f.number("guidance", c.guidance, -1e6, 1e6));
        if (f.has("loss") && !parsePreferenceLoss(f.requiredText("loss"), c.loss))
            throw JsonFormatError(
                "field \"loss\" of the training config must be \"dpo\" or \"kto\", not \"" +
                f.requiredText("loss") + "\"");
        c.beta = f.number("beta", c.beta);
        c.ktoLambdaDesirable = f.number("ktoLambdaDesirable", c.ktoLambdaDesirable);
        c.ktoLambdaUndesirable = f.number("ktoLambdaUndesirable", c.ktoLambdaUndesirable);
        if (f.flag("runningBaseline", false)) // older configs
            c.labelBaseline = LabelBaseline::Running;
        if (f.has("labelBaseline") &&
            !parseLabelBaseline(f.requiredText("labelBaseline"), c.labelBaseline))
            throw JsonFormatError(
                "field \"labelBaseline\" of the training config must be \"prompt\", \"median\" "
                "or \"running\", not \"" +
                f.requiredText("labelBaseline") + "\"");
        c.tieFraction = f.number("tieFraction", c.tieFraction);
        c.learningRate = f.number("learningRate", c.learningRate);
        c.warmupRounds = count("warmupRounds", c.warmupRounds);
        c.weightDecay = f.number("weightDecay", c.weightDecay);
        c.gradClip = f.number("gradClip", c.gradClip);
        c.gradientPasses = count("gradientPasses", c.gradientPasses);
        c.accumulatePasses = f.flag("accumulatePasses", c.accumulatePasses);
        c.guidedLoss = f.flag("guidedLoss", c.guidedLoss);
        c.emaDecay = f.number("emaDecay", c.emaDecay);
        c.anchorWeight = f.number("anchorWeight", c.anchorWeight);
        c.anchorBatch = count("anchorBatch", c.anchorBatch);
        c.trainTextEncoder = f.flag("trainTextEncoder", c.trainTextEncoder);
        c.evalEvery = count("evalEvery", c.evalEvery);
        c.evalPrompts = count("evalPromptCount", c.evalPrompts);
        c.evalSeedsPerPrompt = count("evalSeedsPerPrompt", c.evalSeedsPerPrompt);
        c.bootstrapDraws = count("bootstrapDraws", c.bootstrapDraws);
        c.checkpointEvery = count("checkpointEvery", c.checkpointEvery);
        c.keepCheckpoints = count("keepCheckpoints", c.keepCheckpoints);
        c.auditionEvery = count("auditionEvery", c.auditionEvery);
        c.seed = f.unsignedInteger("seed", c.seed);
        c.threads = count("threads", c.threads);
    } catch (const JsonFormatError &e) {
        throw JsonFormatError(std::string("bad training config: ") + e.what());
    } catch (const nlohmann::json::exception &e) {
        throw JsonFormatError(std::string("bad training config: ") + e.what());
    }
    return c;
}

DragonConfig DragonConfig::fromFile(const std::string &path, const std::string &baseDir)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error(path + ": cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    try {
        return fromJson(text.str(), baseDir);
    } catch (const JsonFormatError &e) {
        throw JsonFormatError(path + ": " + e.what());
    }
}

std::vector<std::string> DragonConfig::validate() const
{
    std::vector<std::string> p;
    if (project.trainPrompts.empty())
        p.push_back("no training prompts");
    if (project.evalPrompts.empty() && evalEvery > 0)
        p.push_back("no evaluation prompts (or set evalEvery to 0)");
    if (rounds < 1)
        p.push_back("rounds must be at least 1");
    if (promptsPerRound < 1)
        p.push_back("promptsPerRound must be at least 1");
    if (loss == PreferenceLoss::Dpo && seedsPerPrompt < 2)
        p.push_back("DPO needs at least 2 seeds per prompt (pairs of generations)");
    if (demoSteps < 1 || evalSteps < 1)
        p.push_back("sampler steps must be at least 1");
    if (!(beta > 0) || !(learningRate > 0))
        p.push_back("beta and learningRate must be positive");
    if (loss == PreferenceLoss::Kto && labelBaseline == LabelBaseline::Prompt && seedsPerPrompt < 2)
        p.push_back("labels against the prompt's mean need at least 2 seeds per prompt (or "
                    "labelBaseline \"median\")");
    if (!(anchorWeight >= 0) || anchorBatch < 1)
        p.push_back("anchorWeight must be at least 0 and anchorBatch at least 1");
    if (!(emaDecay >= 0 && emaDecay < 1))
        p.push_back("emaDecay must be in [0, 1) (0: no EMA copy)");
    if (evalSeedsPerPrompt < 1)
        p.push_back("evalSeedsPerPrompt must be at least 1");
    if (gradientPasses < 1)
        p.push_back("gradientPasses must be at least 1");
    if (keepCheckpoints < 1)
        p.push_back("keepCheckpoints must be at least 1");
    if (worldSize < 1 || rank < 0 || rank >= worldSize)
        p.push_back("rank must be in [0, world size)");
    if (!DeviceSpec::valid(device))
        p.push_back("device must be auto, cpu, cuda or cuda:N (not \"" + device + "\")");
    else if (worldSize > 1 && DeviceSpec::wantsCuda(device))
        p.push_back("multi-process training runs on the CPU (Gloo): use device cpu or auto with a "
                    "world size above 1");
    if (promptsPerRound < worldSize)
        p.push_back("promptsPerRound must be at least the world size (every rank needs a prompt)");
    return p;
}

} // namespace dragon
