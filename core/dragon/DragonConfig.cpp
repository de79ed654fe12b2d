#include "dragon/DragonConfig.h"

#include "project/ProjectFile.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace dragon {

namespace {
std::vector<std::string> strings(const nlohmann::json &j)
{
    std::vector<std::string> out;
    for (const auto &v : j)
        out.push_back(v.get<std::string>());
    return out;
}
} // namespace

std::string DragonConfig::toJson() const
{
    nlohmann::json sets = nlohmann::json::array();
    for (const auto &s : project.exemplarSets) {
        nlohmann::json items = nlohmann::json::array();
        for (const auto &i : s.items)
            items.push_back(i.kind == ExemplarItem::Kind::Text ? nlohmann::json{{"text", i.text}}
                                                               : nlohmann::json{{"path", i.path}});
        sets.push_back({{"id", s.id}, {"name", s.name}, {"items", items}});
    }
    return nlohmann::json{
        {"checkpoint", checkpoint}, {"projectPath", projectPath},
        {"exemplarSets", sets}, {"trainPrompts", project.trainPrompts}, {"evalPrompts", project.evalPrompts},
        {"reward", nlohmann::json::parse(project.reward.toJson())},
        {"rounds", rounds}, {"promptsPerRound", promptsPerRound}, {"seedsPerPrompt", seedsPerPrompt},
        {"demoSteps", demoSteps}, {"evalSteps", evalSteps}, {"guidance", guidance},
        {"loss", loss}, {"beta", beta}, {"ktoLambdaDesirable", ktoLambdaDesirable},
        {"ktoLambdaUndesirable", ktoLambdaUndesirable}, {"labelBaseline", labelBaseline},
        {"tieFraction", tieFraction}, {"learningRate", learningRate}, {"warmupRounds", warmupRounds},
        {"weightDecay", weightDecay}, {"gradClip", gradClip}, {"gradientPasses", gradientPasses}, {"accumulatePasses", accumulatePasses}, {"guidedLoss", guidedLoss},
        {"emaDecay", emaDecay}, {"anchorWeight", anchorWeight}, {"anchorBatch", anchorBatch}, {"trainTextEncoder", trainTextEncoder}, {"evalEvery", evalEvery}, {"evalPromptCount", evalPrompts}, {"evalSeedsPerPrompt", evalSeedsPerPrompt},
        {"bootstrapDraws", bootstrapDraws}, {"checkpointEvery", checkpointEvery},
        {"keepCheckpoints", keepCheckpoints}, {"auditionEvery", auditionEvery},
        {"seed", seed}, {"threads", threads}}
        .dump(2);
}

DragonConfig DragonConfig::fromJson(const std::string &text, const std::string &baseDir)
{
    DragonConfig c;
    try {
        const auto j = nlohmann::json::parse(text);
        // A project file supplies sets, prompts and reward; explicit fields override it.
        if (j.contains("project")) {
            std::filesystem::path p = j["project"].get<std::string>();
            if (p.is_relative() && !baseDir.empty())
                p = std::filesystem::path(baseDir) / p;
            c.project = ProjectFile::load(p.string());
            c.projectPath = p.string();
        }
        c.checkpoint = j.value("checkpoint", c.checkpoint);
        c.projectPath = j.value("projectPath", c.projectPath);
        if (j.contains("exemplarSets")) {
            c.project.exemplarSets.clear();
            for (const auto &s : j["exemplarSets"]) {
                ExemplarSet set;
                set.id = s.at("id").get<std::string>();
                set.name = s.value("name", set.id);
                for (const auto &i : s.value("items", nlohmann::json::array())) {
                    if (i.contains("text"))
                        set.items.push_back(ExemplarItem::textItem(i["text"].get<std::string>()));
                    else {
                        std::filesystem::path p = i.at("path").get<std::string>();
                        if (p.is_relative() && !baseDir.empty())
                            p = std::filesystem::path(baseDir) / p;
                        set.items.push_back(ExemplarItem::audio(p.string()));
                    }
                }
                c.project.exemplarSets.push_back(set);
            }
        }
        if (j.contains("trainPrompts"))
            c.project.trainPrompts = strings(j["trainPrompts"]);
        if (j.contains("evalPrompts"))
            c.project.evalPrompts = strings(j["evalPrompts"]);
        if (j.contains("reward"))
            c.project.reward = RewardDefinition::fromJson(j["reward"].dump());
        c.rounds = j.value("rounds", c.rounds);
        c.promptsPerRound = j.value("promptsPerRound", c.promptsPerRound);
        c.seedsPerPrompt = j.value("seedsPerPrompt", c.seedsPerPrompt);
        c.demoSteps = j.value("demoSteps", c.demoSteps);
        c.evalSteps = j.value("evalSteps", c.evalSteps);
        c.guidance = j.value("guidance", c.guidance);
        c.loss = j.value("loss", c.loss);
        c.beta = j.value("beta", c.beta);
        c.ktoLambdaDesirable = j.value("ktoLambdaDesirable", c.ktoLambdaDesirable);
        c.ktoLambdaUndesirable = j.value("ktoLambdaUndesirable", c.ktoLambdaUndesirable);
        if (j.value("runningBaseline", false)) // older configs
            c.labelBaseline = "running";
        c.labelBaseline = j.value("labelBaseline", c.labelBaseline);
        c.tieFraction = j.value("tieFraction", c.tieFraction);
        c.learningRate = j.value("learningRate", c.learningRate);
        c.warmupRounds = j.value("warmupRounds", c.warmupRounds);
        c.weightDecay = j.value("weightDecay", c.weightDecay);
        c.gradClip = j.value("gradClip", c.gradClip);
        c.gradientPasses = j.value("gradientPasses", c.gradientPasses);
        c.accumulatePasses = j.value("accumulatePasses", c.accumulatePasses);
        c.guidedLoss = j.value("guidedLoss", c.guidedLoss);
        c.emaDecay = j.value("emaDecay", c.emaDecay);
        c.anchorWeight = j.value("anchorWeight", c.anchorWeight);
        c.anchorBatch = j.value("anchorBatch", c.anchorBatch);
        c.trainTextEncoder = j.value("trainTextEncoder", c.trainTextEncoder);
        c.evalEvery = j.value("evalEvery", c.evalEvery);
        c.evalPrompts = j.value("evalPromptCount", c.evalPrompts);
        c.evalSeedsPerPrompt = j.value("evalSeedsPerPrompt", c.evalSeedsPerPrompt);
        c.bootstrapDraws = j.value("bootstrapDraws", c.bootstrapDraws);
        c.checkpointEvery = j.value("checkpointEvery", c.checkpointEvery);
        c.keepCheckpoints = j.value("keepCheckpoints", c.keepCheckpoints);
        c.auditionEvery = j.value("auditionEvery", c.auditionEvery);
        c.seed = j.value("seed", c.seed);
        c.threads = j.value("threads", c.threads);
    } catch (const nlohmann::json::exception &e) {
        throw std::runtime_error(std::string("bad training config: ") + e.what());
    }
    return c;
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
    if (loss == "dpo" && seedsPerPrompt < 2)
        p.push_back("DPO needs at least 2 seeds per prompt (pairs of generations)");
    if (loss != "dpo" && loss != "kto")
        p.push_back("loss must be \"dpo\" or \"kto\"");
    if (demoSteps < 1 || evalSteps < 1)
        p.push_back("sampler steps must be at least 1");
    if (!(beta > 0) || !(learningRate > 0))
        p.push_back("beta and learningRate must be positive");
    if (labelBaseline != "prompt" && labelBaseline != "median" && labelBaseline != "running")
        p.push_back("labelBaseline must be \"prompt\", \"median\" or \"running\"");
    if (loss == "kto" && labelBaseline == "prompt" && seedsPerPrompt < 2)
        p.push_back("labels against the prompt's mean need at least 2 seeds per prompt (or labelBaseline \"median\")");
    if (!(anchorWeight >= 0) || anchorBatch < 1)
        p.push_back("anchorWeight must be at least 0 and anchorBatch at least 1");
    if (evalSeedsPerPrompt < 1)
        p.push_back("evalSeedsPerPrompt must be at least 1");
    if (gradientPasses < 1)
        p.push_back("gradientPasses must be at least 1");
    if (keepCheckpoints < 1)
        p.push_back("keepCheckpoints must be at least 1");
    if (worldSize < 1 || rank < 0 || rank >= worldSize)
        p.push_back("rank must be in [0, world size)");
    if (promptsPerRound < worldSize)
        p.push_back("promptsPerRound must be at least the world size (every rank needs a prompt)");
    return p;
}

} // namespace dragon
