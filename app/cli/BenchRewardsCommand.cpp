#include "BenchRewardsCommand.h"

#include "CliOptions.h"
#include "CommandUsage.h"
#include "bench/RewardSuite.h"
#include "bench/RewardSuiteRun.h"
#include "bench/SuiteSeedsTable.h"
#include "bench/SuiteTable.h"
#include "dragon/DragonConfig.h"
#include "util/AtomicFileWriter.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace dragon::cli {
namespace fs = std::filesystem;

namespace {

std::atomic<bool> g_stop{false};
void onSignal(int)
{
    g_stop = true; // the reward in progress resumes from its last checkpoint next time
}

// "1-3" or "1,2,5": the run seeds of --seeds, each at least 1, none twice.
std::vector<std::uint64_t> parseSeeds(const std::string &text)
{
    std::vector<std::uint64_t> seeds;
    const auto dash = text.find('-');
    if (dash != std::string::npos && dash > 0) {
        const int first = toInt(text.substr(0, dash), "--seeds"),
                  last = toInt(text.substr(dash + 1), "--seeds");
        if (first < 1 || last < first || last - first >= 100)
            throw std::invalid_argument("--seeds FIRST-LAST needs 1 <= FIRST <= LAST (at most 100 "
                                        "seeds), got '" +
                                        text + "'");
        for (int seed = first; seed <= last; ++seed)
            seeds.push_back(std::uint64_t(seed));
        return seeds;
    }
    std::istringstream list(text);
    for (std::string item; std::getline(list, item, ',');) {
        const int seed = toInt(item, "--seeds");
        if (seed < 1 || std::find(seeds.begin(), seeds.end(), std::uint64_t(seed)) != seeds.end())
            throw std::invalid_argument("--seeds needs distinct seeds of at least 1, got '" + text +
                                        "'");
        seeds.push_back(std::uint64_t(seed));
    }
    if (seeds.empty())
        throw std::invalid_argument("--seeds needs a list (1,2,3) or a range (1-3)");
    return seeds;
}

// Runs (or resumes) the rewards `budget` selects in `dir`, writes the table of every reward the
// folder has finished (so `--only` calls build up one table) as table.md and table.csv and prints
// it.
SuiteSeedsTable::SeedRun runSuiteIn(const fs::path &dir, const SuiteBudget &budget)
{
    const auto started = std::chrono::steady_clock::now();
    RewardSuiteRun suite(dir, budget,
                         [](const std::string &line) { std::cout << line << std::endl; });
    suite.run(&g_stop);
    SuiteSeedsTable::SeedRun run{budget.seed, suite.finished(), 0};
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    // The wall time of this call plus what earlier calls spent on the rewards they finished.
    double total = 0;
    for (const SuiteOutcome &o : run.outcomes)
        total += o.seconds;
    run.wallSeconds = std::max(total, seconds);
    const std::string table = SuiteTable::markdown(run.outcomes, budget, run.wallSeconds);
    AtomicFileWriter::write((dir / "table.md").string(), table);
    AtomicFileWriter::write((dir / "table.csv").string(), SuiteTable::csv(run.outcomes));
    std::cout << "\n" << table << "\n";
    std::cout << run.outcomes.size() << " rewards in the table (" << dir.string()
              << "/table.md, table.csv); this call " << int(seconds) << " s"
              << (g_stop ? " (stopped: run it again to resume)" : "") << std::endl;
    return run;
}

} // namespace

int benchRewards(const Args &input)
{
    Args args = input;
    SuiteBudget budget;
    const std::string out = takeOption(args, "--out", "");
    budget.rounds = toInt(takeOption(args, "--rounds", "40"), "--rounds");
    budget.trainPrompts = toInt(takeOption(args, "--train-prompts", "64"), "--train-prompts");
    budget.evalPrompts = toInt(takeOption(args, "--eval-prompts", "32"), "--eval-prompts");
    budget.evalSeeds =
        toInt(takeOption(args, "--eval-seeds", std::to_string(budget.evalSeeds)), "--eval-seeds");
    budget.validationPrompts =
        toInt(takeOption(args, "--validation-prompts", "16"), "--validation-prompts");
    if (const std::string sets = takeOption(args, "--set-validation-prompts", "");
        !sets.empty()) // else SuiteBudget's default
        budget.setValidationPrompts = toInt(sets, "--set-validation-prompts");
    budget.validateEvery = toInt(takeOption(args, "--validate-every", "10"), "--validate-every");
    if (const std::string margin = takeOption(args, "--validation-guard-margin", "");
        !margin.empty()) // else SuiteBudget's default
        budget.validationGuardMargin = toDouble(margin, "--validation-guard-margin");
    budget.clipsPerSet = toInt(takeOption(args, "--clips", "24"), "--clips");
    const std::string seedText = takeOption(args, "--seed", "");
    const std::string seedsText = takeOption(args, "--seeds", "");
    budget.seed = std::uint64_t(toInt(seedText.empty() ? "1" : seedText, "--seed"));
    std::vector<std::uint64_t> seeds;
    try {
        if (!seedsText.empty())
            seeds = parseSeeds(seedsText);
    } catch (const std::invalid_argument &e) {
        std::cerr << "dragon bench rewards: " << e.what() << "\n";
        return 2;
    }
    budget.threads = toInt(takeOption(args, "--threads", "0"), "--threads");
    budget.only = takeOption(args, "--only", "");
    budget.half = takeOption(args, "--half", "");
    // A settings sweep: these override the per-kind suggestion for every reward run.
    TrainingSettings &sweep = budget.overrides;
    const std::string loss = takeOption(args, "--loss", "");
    if (!loss.empty())
        sweep.loss = loss;
    using RealOption = std::pair<const char *, std::optional<double> *>;
    for (const auto &[flag, field] :
         {RealOption{"--beta", &sweep.beta}, RealOption{"--lr", &sweep.learningRate},
          RealOption{"--anchor-weight", &sweep.anchorWeight},
          RealOption{"--ema-decay", &sweep.emaDecay}}) {
        const std::string value = takeOption(args, flag, "");
        if (!value.empty())
            *field = toDouble(value, flag);
    }
    using CountOption = std::pair<const char *, std::optional<int> *>;
    for (const auto &[flag, field] : {CountOption{"--prompts-per-round", &sweep.promptsPerRound},
                                      CountOption{"--seeds-per-prompt", &sweep.seedsPerPrompt}}) {
        const std::string value = takeOption(args, flag, "");
        if (!value.empty())
            *field = toInt(value, flag);
    }
    if (out.empty() || !args.empty() || (!seedText.empty() && !seedsText.empty()) ||
        budget.rounds < 1 || budget.evalPrompts < 1 || budget.evalSeeds < 1 ||
        budget.trainPrompts < 1 || budget.clipsPerSet < 2 || budget.validationPrompts < 0 ||
        budget.setValidationPrompts < 0 || budget.validateEvery < 0 ||
        !(budget.validationGuardMargin >= 0.0) || budget.validationGuardMargin >= 0.2 ||
        (!budget.half.empty() && budget.half != "tuned" && budget.half != "held-out" &&
         budget.half != "extra"))
        return usageError("bench-rewards");
    // The overrides are checked by the engine's own rules, before any clip is cut.
    DragonConfig probe;
    if (sweep.loss && !parsePreferenceLoss(*sweep.loss, probe.loss)) {
        std::cerr << "dragon bench rewards: --loss must be dpo or kto, not '" << *sweep.loss
                  << "'\n";
        return 2;
    }
    probe.project.trainPrompts = probe.project.evalPrompts = {"a probe prompt"};
    probe.applyTrainingSettings(sweep);
    if (const auto problems = probe.validate(); !problems.empty()) {
        std::cerr << "dragon bench rewards: the settings overrides cannot train: " << problems[0]
                  << "\n";
        return 2;
    }
    const std::string missing = RewardSuiteRun::missingPackages();
    if (!missing.empty()) {
        std::cerr << "dragon bench rewards: the suite's real-music sets are not installed; run:\n  "
                  << missing << "\n";
        return 2;
    }
    const auto &rewards = RewardSuite::candidates(budget.half);
    if (std::none_of(rewards.begin(), rewards.end(),
                     [&](const SuiteReward &r) { return budget.selects(r); })) {
        std::cerr << "dragon bench rewards: no "
                  << (budget.half == "extra" ? "tuning extra "
                      : budget.half.empty()  ? "reward "
                                             : "reward of the " + budget.half + " half ")
                  << "has a name containing '" << budget.only << "'; the names:\n";
        for (const SuiteReward &r : rewards)
            std::cerr << "  " << r.name << "  (" << SuiteTable::halfOf(r) << ")\n";
        return 2;
    }
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    if (seeds.empty()) {
        runSuiteIn(out, budget);
        return g_stop ? 1 : 0;
    }
    // Several run seeds: each a full suite in OUT/seed-N, then the table over the seeds.
    std::vector<SuiteSeedsTable::SeedRun> runs;
    for (const std::uint64_t seed : seeds) {
        budget.seed = seed;
        std::cout << "== run seed " << seed << " (" << out << "/seed-" << seed << ")" << std::endl;
        runs.push_back(runSuiteIn(fs::path(out) / ("seed-" + std::to_string(seed)), budget));
        if (g_stop)
            return 1;
    }
    const std::string table = SuiteSeedsTable::markdown(runs, budget);
    AtomicFileWriter::write((fs::path(out) / "seeds.md").string(), table);
    AtomicFileWriter::write((fs::path(out) / "seeds.csv").string(), SuiteSeedsTable::csv(runs));
    std::cout << "\n"
              << table << "\nover " << runs.size() << " run seeds (" << out
              << "/seeds.md, seeds.csv)" << std::endl;
    return g_stop ? 1 : 0;
}

} // namespace dragon::cli
