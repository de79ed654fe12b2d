#include "bench/RewardSuiteRun.h"

#include "bench/SuiteClipCutter.h"
#include "bench/ValidationChoice.h"
#include "dragon/DragonConfig.h"
#include "dragon/DragonTrainer.h"
#include "dragon/GuardrailCheck.h"
#include "dragon/RunFolder.h"
#include "dragon/RunHistory.h"
#include "model/CorpusGenerator.h"
#include "model/Generator.h"
#include "model/GeneratorFactory.h"
#include "project/ProjectFile.h"
#include "project/TrainingSettingsJson.h"
#include "util/AtomicFileWriter.h"
#include "util/LenientJson.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace dragon {
namespace fs = std::filesystem;

namespace {

bool hasTracks(const SuiteSet &set)
{
    std::error_code ec;
    return fs::is_directory(set.sourceDir, ec) && !SuiteClipCutter::tracksIn(set.sourceDir).empty();
}

// The other FAD of a FAD reward's cell (per-song <-> dataset), if the suite has it.
const SuiteReward *crossOf(const SuiteReward &reward)
{
    if (reward.fadCell.empty())
        return nullptr;
    for (const SuiteReward &other : RewardSuite::rewards())
        if (other.fadCell == reward.fadCell && other.kind != reward.kind)
            return &other;
    return nullptr;
}

// The packages whose tracks are missing, as an apt-get line ("" when every audio set has some).
std::string missingIn(const std::vector<SuiteSet> &sets)
{
    std::string missing;
    for (const SuiteSet &set : sets)
        if (!set.debianPackage.empty() && !hasTracks(set))
            missing += " " + set.debianPackage;
    return missing.empty() ? "" : "apt-get install" + missing;
}

// The validation evaluation of the checkpoint a run kept (runDir/kept.json names its round);
// none when nothing was kept or the note is damaged.
std::optional<EvalStats> keptEvaluation(const fs::path &runDir, const std::vector<EvalStats> &evals)
{
    std::ifstream in(runDir / "kept.json");
    const auto j = nlohmann::json::parse(in, nullptr, false);
    const int round = LenientJson::integer(j, "round").value_or(0); // damaged: none kept
    for (const EvalStats &e : evals)
        if (e.round == round && round > 0)
            return e;
    return std::nullopt;
}

// Hands a complete base-clip cache to another run folder. Hard links, not copies: the 64 clips
// are about 36 MB, and the evaluator only reads a complete cache.
void shareBaseCache(const fs::path &from, const fs::path &to)
{
    std::error_code ec;
    if (fs::exists(from / "complete", ec) && !fs::exists(to / "complete", ec)) {
        fs::create_directories(to);
        fs::copy(from, to,
                 fs::copy_options::recursive | fs::copy_options::create_hard_links |
                     fs::copy_options::skip_existing);
    }
}

// A budget option added after suite folders were begun: budget.json holds it only when it
// changes something, and its absence means the value older folders ran with.
struct LaterOption
{
    const char *key;  // in budget.json
    const char *flag; // the CLI option that sets it
    nlohmann::json (*absent)(const nlohmann::json &budget);

    nlohmann::json valueIn(const nlohmann::json &budget) const
    {
        const auto it = budget.find(key);
        return it != budget.end() ? *it : absent(budget);
    }
};

const std::vector<LaterOption> &laterOptions()
{
    static const std::vector<LaterOption> options = {
        {"validationGuardMargin", "--validation-guard-margin",
         [](const nlohmann::json &) { return nlohmann::json(0); }},
        {"setValidationPrompts", "--set-validation-prompts",
         [](const nlohmann::json &budget) {
             return budget.value("validationPrompts", nlohmann::json(nullptr));
         }},
    };
    return options;
}

// The budget.json keys every folder holds, with the CLI option that sets each: when a folder
// differs from a call only in these (and the later options), the refusal names the options that
// resume it, as when a default changed (--eval-seeds 2 -> 8 on 2026-12-07).
const std::vector<std::pair<const char *, const char *>> &budgetFlags()
{
    static const std::vector<std::pair<const char *, const char *>> flags = {
        {"rounds", "--rounds"},
        {"trainPrompts", "--train-prompts"},
        {"evalPrompts", "--eval-prompts"},
        {"evalSeeds", "--eval-seeds"},
        {"validationPrompts", "--validation-prompts"},
        {"validateEvery", "--validate-every"},
        {"clipsPerSet", "--clips"}};
    return flags;
}

// " (it was begun with --eval-seeds 2 ...)" when `held` differs from `wanted` only in options a
// call can give; "" otherwise.
std::string resumeHint(const nlohmann::json &held, const nlohmann::json &wanted)
{
    if (!held.is_object())
        return "";
    nlohmann::json heldRest = held, wantedRest = wanted;
    for (const auto &[key, flag] : budgetFlags()) {
        if (!held.contains(key))
            return "";
        heldRest.erase(key);
        wantedRest.erase(key);
    }
    for (const LaterOption &option : laterOptions()) {
        heldRest.erase(option.key);
        wantedRest.erase(option.key);
    }
    if (heldRest != wantedRest)
        return "";
    std::string hint;
    const auto name = [&](const char *flag, const nlohmann::json &was) {
        hint +=
            (hint.empty() ? " (it was begun with " : " ") + std::string(flag) + " " + was.dump();
    };
    for (const auto &[key, flag] : budgetFlags())
        if (held.at(key) != wanted.at(key))
            name(flag, held.at(key));
    for (const LaterOption &option : laterOptions())
        if (const auto was = option.valueIn(held); was != option.valueIn(wanted))
            name(option.flag, was);
    return hint.empty() ? hint : hint + ")";
}

// What makes two calls' results comparable (--only and --threads do not change them).
nlohmann::json budgetJson(const SuiteBudget &b)
{
    nlohmann::json j = {{"rounds", b.rounds},
                        {"trainPrompts", b.trainPrompts},
                        {"evalPrompts", b.evalPrompts},
                        {"evalSeeds", b.evalSeeds},
                        {"validationPrompts", b.validationPrompts},
                        {"validateEvery", b.validateEvery},
                        {"clipsPerSet", b.clipsPerSet},
                        {"clipSeconds", b.clipSeconds},
                        {"seed", b.seed}};
    // Options added later are written only when they change something, so that older folders
    // keep their budget (laterOptions: what their absence means).
    if (b.validationGuardMargin != 0.0)
        j["validationGuardMargin"] = b.validationGuardMargin;
    if (b.validationPrompts > 0 && b.setValidationPrompts != b.validationPrompts)
        j["setValidationPrompts"] = b.setValidationPrompts;
    if (!b.overrides.empty()) // only then: folders of the suggested settings keep their budget
        j["overrides"] = TrainingSettingsJson::write(b.overrides);
    return j;
}

// A folder holds one budget: its finished rewards and shared base clips are only valid for it.
void claimFolderFor(const fs::path &out, const SuiteBudget &budget)
{
    const fs::path file = out / "budget.json";
    const nlohmann::json wanted = budgetJson(budget);
    std::error_code ec;
    if (fs::exists(file, ec)) {
        std::ifstream in(file);
        const auto held = nlohmann::json::parse(in, nullptr, false);
        if (held != wanted) {
            // Defaults that changed since a folder was begun: name the options that resume it.
            const std::string hint = resumeHint(held, wanted);
            throw std::runtime_error(
                out.string() + " holds a suite run with another budget (" +
                (held.is_discarded() ? "unreadable budget.json" : held.dump()) +
                "); resume it with the same options" + hint + " or use a new --out");
        }
        return;
    }
    AtomicFileWriter::write(file.string(), wanted.dump(1) + "\n");
}

} // namespace

RewardSuiteRun::RewardSuiteRun(fs::path outDir, SuiteBudget budget, Log log)
    : m_out(std::move(outDir)), m_budget(std::move(budget)), m_log(std::move(log)),
      m_sets(RewardSuite::sets())
{
    if (!m_log)
        m_log = [](const std::string &) {};
}

std::string RewardSuiteRun::missingPackages()
{
    return missingIn(RewardSuite::sets());
}

void RewardSuiteRun::useTracksFrom(const std::string &setId, const std::string &dir)
{
    for (SuiteSet &set : m_sets)
        if (set.id == setId && !set.debianPackage.empty()) {
            set.sourceDir = dir;
            return;
        }
    throw std::invalid_argument("the reward suite has no audio set \"" + setId + "\"");
}

std::string RewardSuiteRun::folderName(const std::string &rewardName)
{
    std::string name;
    for (char c : rewardName)
        name += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
    return name;
}

std::vector<std::string> RewardSuiteRun::validationPrompts(const SuiteBudget &budget, int count)
{
    // Eval prompts use held-out seeds from +7000 (at most a few hundred of them): +9000 on.
    const CorpusGenerator corpus(budget.clipSeconds);
    std::vector<std::string> prompts;
    for (int i = 0; i < count; ++i)
        prompts.push_back(CorpusGenerator::caption(
            corpus.generate(CorpusGenerator::kHeldOutSeedStart + 9000 + std::uint64_t(i)),
            std::uint64_t(i)));
    return prompts;
}

std::string RewardSuiteRun::prepare()
{
    const std::string missing = missingIn(m_sets);
    if (!missing.empty())
        throw std::runtime_error("the suite's real-music sets are not installed; run: " + missing);
    fs::create_directories(m_out / "results");
    claimFolderFor(m_out, m_budget);
    const int rate = createGenerator("pocket")->sampleRate();
    std::vector<std::pair<std::string, std::vector<std::string>>> clips;
    for (const SuiteSet &set : m_sets) {
        if (set.debianPackage.empty())
            continue;
        const fs::path setDir = m_out / "sets" / set.id;
        m_log((fs::exists(setDir / "clips.txt")
                   ? "reusing the clips cut before in "
                   : "cutting " + std::to_string(m_budget.clipsPerSet) + " clips from " +
                         set.sourceDir + " into ") +
              setDir.string());
        clips.emplace_back(set.id, SuiteClipCutter::cut(SuiteClipCutter::tracksIn(set.sourceDir),
                                                        setDir.string(), m_budget.clipsPerSet,
                                                        m_budget.clipSeconds, rate));
    }
    Project project;
    project.name = "Reward suite";
    project.exemplarSets = RewardSuite::projectSets(clips);
    const CorpusGenerator corpus(m_budget.clipSeconds);
    for (int i = 0; i < m_budget.trainPrompts; ++i)
        project.trainPrompts.push_back(
            CorpusGenerator::caption(corpus.generate(std::uint64_t(7000 + i)), std::uint64_t(i)));
    for (int i = 0; i < m_budget.evalPrompts; ++i)
        project.evalPrompts.push_back(CorpusGenerator::caption(
            corpus.generate(CorpusGenerator::kHeldOutSeedStart + 7000 + std::uint64_t(i)),
            std::uint64_t(i)));
    project.reward = RewardSuite::rewards().front().reward;
    const std::string path = (m_out / "bench.dragon").string();
    ProjectFile::save(project, path);
    return path;
}

std::vector<SuiteOutcome> RewardSuiteRun::run(const std::atomic<bool> *stop)
{
    const std::string projectPath = prepare();
    std::vector<SuiteOutcome> outcomes;
    const auto &rewards = RewardSuite::candidates(m_budget.half);
    for (std::size_t i = 0; i < rewards.size(); ++i) {
        if (!m_budget.selects(rewards[i]))
            continue;
        if (stop && *stop)
            break;
        m_log("[" + std::to_string(i + 1) + "/" + std::to_string(rewards.size()) + "] " +
              rewards[i].name);
        SuiteOutcome outcome;
        if (!runOne(projectPath, rewards[i], outcome, stop))
            break;
        outcomes.push_back(std::move(outcome));
    }
    return outcomes;
}

std::vector<SuiteOutcome> RewardSuiteRun::finished() const
{
    std::vector<SuiteOutcome> outcomes;
    for (const SuiteReward &reward : RewardSuite::candidates(m_budget.half)) {
        SuiteOutcome outcome;
        if (readFinished(reward, outcome))
            outcomes.push_back(std::move(outcome));
    }
    return outcomes;
}

bool RewardSuiteRun::readFinished(const SuiteReward &reward, SuiteOutcome &out) const
{
    const std::string name = folderName(reward.name);
    const fs::path runDir = m_out / "runs" / name, testDir = m_out / "test" / name,
                   crossDir = m_out / "cross" / name;
    const fs::path resultFile = m_out / "results" / (name + ".json");
    std::error_code ec;
    if (!fs::exists(resultFile, ec))
        return false;
    const SuiteReward *cross = crossOf(reward);
    const bool validate = m_budget.validates(reward);
    // The figures are the runs' own eval rows.
    const auto tested = RunHistory::evaluations((validate ? testDir : runDir).string());
    const auto crossEvals = RunHistory::evaluations(crossDir.string());
    if (tested.empty() || (cross && crossEvals.empty()))
        return false; // marked done but its evaluation is missing: it runs again
    out = SuiteOutcome{};
    out.reward = reward;
    out.crossed = cross != nullptr;
    out.crossReward = cross ? cross->name : "";
    out.eval = tested.back();
    out.keptRound = out.eval.round;
    // What it trained with: the run's own config.json holds every setting.
    try {
        out.settings = DragonConfig::fromFile((runDir / "config.json").string()).settingsSummary();
    } catch (const std::exception &e) {
        out.settings = std::string("unknown (") + e.what() + ")";
    }
    if (validate)
        if (const auto kept = keptEvaluation(runDir, RunHistory::evaluations(runDir.string()))) {
            out.validated = true;
            out.validation = *kept;
        }
    if (cross)
        out.cross = crossEvals.back();
    std::ifstream in(resultFile);
    const auto done = nlohmann::json::parse(in, nullptr, false);
    out.seconds = LenientJson::number(done, "seconds").value_or(0.0);
    return true;
}

bool RewardSuiteRun::runOne(const std::string &projectPath, const SuiteReward &reward,
                            SuiteOutcome &out, const std::atomic<bool> *stop)
{
    const std::string name = folderName(reward.name);
    // runs/NAME: the training run (validated on the validation prompts when the budget says so);
    // test/NAME: the kept checkpoint on the eval prompts; cross/NAME: under the other FAD.
    const fs::path runDir = m_out / "runs" / name, testDir = m_out / "test" / name,
                   crossDir = m_out / "cross" / name;
    const fs::path resultFile = m_out / "results" / (name + ".json");
    const SuiteReward *cross = crossOf(reward);
    const int validationCount = m_budget.validationPromptsFor(reward);
    const bool validate = m_budget.validates(reward);
    if (readFinished(reward, out)) {
        m_log("  done before: win rate " + std::to_string(out.eval.winRate.rate));
        return true;
    }
    out.reward = reward;
    out.crossed = cross != nullptr;
    out.crossReward = cross ? cross->name : "";
    Project project = ProjectFile::load(projectPath);
    const auto configFor = [&](const SuiteReward &r) {
        project.reward = r.reward;
        DragonConfig c = DragonConfig::forProject(project, projectPath);
        c.applyTrainingSettings(m_budget.overrides);
        c.rounds = m_budget.rounds;
        c.evalEvery = m_budget.rounds;
        c.evalSeedsPerPrompt = m_budget.evalSeeds;
        c.seed = m_budget.seed;
        c.threads = m_budget.threads;
        c.auditionEvery = std::max(1, m_budget.rounds / 4);
        return c;
    };
    DragonConfig config = configFor(reward);
    out.settings = config.settingsSummary(); // what it trains with, not what was suggested
    if (validate) {
        config.project.evalPrompts = validationPrompts(m_budget, validationCount);
        config.evalEvery = m_budget.validateEvery;
    }
    // The kept checkpoint: its round in kept.json, its policy in kept-round-NNNNNN.pt.
    const fs::path keptFile = runDir / "kept.json";
    const auto keptPolicy = [&](int round) {
        return runDir / ("kept-" + RunFolder::roundName(round) + ".pt");
    };
    std::error_code ec;
    const auto started = std::chrono::steady_clock::now();
    // One shared cache of base clips per list of validation prompts.
    const fs::path baseCache = m_out / "eval-base",
                   validationCache =
                       m_out / (validationCount == m_budget.validationPrompts
                                    ? std::string("validation-base")
                                    : "validation-base-" + std::to_string(validationCount));
    shareBaseCache(validate ? validationCache : baseCache, runDir / "eval-base");
    std::optional<EvalStats> kept =
        validate ? keptEvaluation(runDir, RunHistory::evaluations(runDir.string()))
                 : std::optional<EvalStats>();
    bool evaluated = false;
    DragonTrainer *training = nullptr;
    DragonCallbacks callbacks;
    callbacks.round = [&](const RoundStats &s) {
        std::ostringstream line;
        line.precision(4);
        line << "  round " << s.round << "/" << config.rounds << "  reward " << s.rewardMean
             << "  loss " << s.loss.loss << "  " << s.secondsTotal << " s";
        m_log(line.str());
    };
    callbacks.eval = [&](const EvalStats &e) {
        if (!validate) {
            if (e.round == config.rounds) {
                out.eval = e;
                evaluated = true;
            }
            return;
        }
        std::ostringstream line;
        line.precision(3);
        line << "  validation at round " << e.round << ": win rate " << e.winRate.rate;
        if (ValidationChoice::better(e, kept ? &*kept : nullptr, m_budget.validationGuardMargin)) {
            // The new policy first, then the note that names it, then the old policy goes: a
            // stop at any point leaves kept.json naming a complete file.
            const fs::path fresh = keptPolicy(e.round), partial = fresh.string() + ".part";
            training->shippedModel().save(partial.string());
            fs::rename(partial, fresh);
            AtomicFileWriter::write(keptFile.string(), nlohmann::json{{"round", e.round}}.dump());
            if (kept && kept->round != e.round)
                fs::remove(keptPolicy(kept->round), ec);
            kept = e;
            const std::string fell = GuardrailCheck::fallReason(e, m_budget.validationGuardMargin);
            line << (fell.empty() ? " (kept)" : " (kept, the least fallen: " + fell + ")");
        }
        m_log(line.str());
    };
    DragonTrainer trainer(config, runDir.string(), callbacks);
    training = &trainer;
    trainer.run(stop);
    if (trainer.completedRounds() < config.rounds)
        return false; // stopped: resumes from its checkpoint next time
    if (stop && *stop)
        return false;
    shareBaseCache(runDir / "eval-base", validate ? validationCache : baseCache);

    // The policy tested: the kept checkpoint, else the final one.
    std::unique_ptr<Generator> keptGenerator;
    if (validate && kept && fs::exists(keptPolicy(kept->round), ec))
        keptGenerator = createGenerator(keptPolicy(kept->round).string());
    Generator &tested = keptGenerator ? *keptGenerator : trainer.shippedModel();
    out.keptRound = keptGenerator ? kept->round : config.rounds;
    out.validated = keptGenerator != nullptr;
    if (keptGenerator)
        out.validation = *kept;
    // The tested policy evaluated with reward r's config (eval prompts) in its own folder.
    const auto judgeUnder = [&](const SuiteReward &r, const fs::path &dir, EvalStats &stats) {
        shareBaseCache(baseCache, dir / "eval-base");
        DragonTrainer judge(configFor(r), dir.string());
        judge.shippedModel().copyParametersFrom(tested);
        stats = judge.evaluate(stop, out.keptRound);
        if (stop && *stop)
            return false;
        AtomicFileWriter::write((dir / "eval.jsonl").string(),
                                RunFolder::evalRow(stats).dump() + "\n");
        shareBaseCache(dir / "eval-base", baseCache);
        return true;
    };
    if (validate) {
        if (!judgeUnder(reward, testDir, out.eval))
            return false;
    } else if (!evaluated) { // finished before but its result was not recorded
        out.eval = trainer.evaluate(stop);
        if (stop && *stop)
            return false;
        shareBaseCache(runDir / "eval-base", baseCache);
    }
    {
        std::ostringstream line;
        line.precision(3);
        line << "  eval (round " << out.keptRound << "): win rate " << out.eval.winRate.rate << " ["
             << out.eval.winRate.lower << ", " << out.eval.winRate.upper << "]";
        m_log(line.str());
    }
    if (cross) {
        if (!judgeUnder(*cross, crossDir, out.cross))
            return false;
        std::ostringstream line;
        line.precision(3);
        line << "  under " << cross->name << ": win rate " << out.cross.winRate.rate;
        m_log(line.str());
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    AtomicFileWriter::write(resultFile.string(), nlohmann::json{{"reward", reward.name},
                                                                {"seconds", out.seconds},
                                                                {"keptRound", out.keptRound}}
                                                     .dump());
    return true;
}

} // namespace dragon
