#include "BenchRewardsCommand.h"

#include "CliOptions.h"
#include "CommandUsage.h"
#include "bench/RewardSuite.h"
#include "bench/RewardSuiteRun.h"
#include "bench/SuiteTable.h"
#include "util/AtomicFileWriter.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace dragon::cli {
namespace fs = std::filesystem;

namespace {

std::atomic<bool> g_stop{false};
void onSignal(int)
{
    g_stop = true; // the reward in progress resumes from its last checkpoint next time
}

} // namespace

int benchRewards(const Args &input)
{
    Args args = input;
    SuiteBudget budget;
    const std::string out = takeOption(args, "--out", "");
    budget.rounds = toInt(takeOption(args, "--rounds", "24"), "--rounds");
    budget.trainPrompts = toInt(takeOption(args, "--train-prompts", "64"), "--train-prompts");
    budget.evalPrompts = toInt(takeOption(args, "--eval-prompts", "32"), "--eval-prompts");
    budget.evalSeeds = toInt(takeOption(args, "--eval-seeds", "2"), "--eval-seeds");
    budget.clipsPerSet = toInt(takeOption(args, "--clips", "24"), "--clips");
    budget.seed = std::uint64_t(toInt(takeOption(args, "--seed", "1"), "--seed"));
    budget.threads = toInt(takeOption(args, "--threads", "0"), "--threads");
    budget.only = takeOption(args, "--only", "");
    if (out.empty() || !args.empty() || budget.rounds < 1 || budget.evalPrompts < 1 ||
        budget.evalSeeds < 1 || budget.trainPrompts < 1 || budget.clipsPerSet < 2)
        return usageError("bench-rewards");
    const std::string missing = RewardSuiteRun::missingPackages();
    if (!missing.empty()) {
        std::cerr << "dragon bench rewards: the suite's real-music sets are not installed; run:\n  "
                  << missing << "\n";
        return 2;
    }
    const auto &rewards = RewardSuite::rewards();
    if (std::none_of(rewards.begin(), rewards.end(),
                     [&](const SuiteReward &r) { return budget.selects(r.name); })) {
        std::cerr << "dragon bench rewards: no reward's name contains '" << budget.only
                  << "'; the names:\n";
        for (const SuiteReward &r : rewards)
            std::cerr << "  " << r.name << "\n";
        return 2;
    }
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    const auto started = std::chrono::steady_clock::now();
    RewardSuiteRun suite(out, budget,
                         [](const std::string &line) { std::cout << line << std::endl; });
    const std::vector<SuiteOutcome> outcomes = suite.run(&g_stop);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    // The wall time of this call plus what earlier calls spent on the rewards they finished.
    double total = 0;
    for (const SuiteOutcome &o : outcomes)
        total += o.seconds;
    AtomicFileWriter::write((fs::path(out) / "table.md").string(),
                            SuiteTable::markdown(outcomes, budget, std::max(total, seconds)));
    AtomicFileWriter::write((fs::path(out) / "table.csv").string(), SuiteTable::csv(outcomes));
    const SuiteTable::Averages a = SuiteTable::averages(outcomes);
    std::cout << "\n" << SuiteTable::markdown(outcomes, budget, std::max(total, seconds)) << "\n";
    std::cout << a.count << " rewards in the table (" << out << "/table.md, table.csv); this call "
              << int(seconds) << " s" << (g_stop ? " (stopped: run it again to resume)" : "")
              << std::endl;
    return g_stop ? 1 : 0;
}

} // namespace dragon::cli
