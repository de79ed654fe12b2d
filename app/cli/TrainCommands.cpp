#include "TrainCommands.h"

#include "CliOptions.h"
#include "CommandUsage.h"
#include "dragon/DragonTrainer.h"
#include "project/ProjectFile.h"
#include "project/ProjectFolder.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace dragon::cli {
namespace fs = std::filesystem;

namespace {

std::atomic<bool> g_stop{false};
void onSignal(int)
{
    g_stop = true; // finish nothing more; the last checkpoint stays
}

} // namespace

int train(const Args &input)
{
    Args args = input;
    const std::string projectPath = takeOption(args, "--project", "");
    const std::string configPath = takeOption(args, "--config", "");
    std::string out = takeOption(args, "--out", "");
    const bool resume = takeFlag(args, "--resume");
    const std::string rounds = takeOption(args, "--rounds", "");
    const std::string loss = takeOption(args, "--loss", "");
    const std::string beta = takeOption(args, "--beta", "");
    const std::string lr = takeOption(args, "--lr", "");
    const std::string anchorWeight = takeOption(args, "--anchor-weight", "");
    const std::string emaDecay = takeOption(args, "--ema-decay", "");
    const std::string evalEvery = takeOption(args, "--eval-every", "");
    const std::string seed = takeOption(args, "--seed", "");
    const std::string threads = takeOption(args, "--threads", "");
    const std::string generatorSpec =
        takeOption(args, "--generator", takeOption(args, "--checkpoint", ""));
    const std::string device = takeOption(args, "--device", "");
    const int worldSize = toInt(takeOption(args, "--world-size", "1"), "--world-size");
    const int rank = toInt(takeOption(args, "--rank", "0"), "--rank");
    const std::string master = takeOption(args, "--master", "127.0.0.1:29500");
    if (!args.empty() || (resume ? out.empty() : (projectPath.empty() == configPath.empty()))) {
        return usageError("train");
    }
    DragonConfig config;
    if (resume) {
        config = DragonConfig::fromFile((fs::path(out) / "config.json").string());
    } else if (!projectPath.empty()) {
        // The options below override the project's settings and the suggestion for its reward.
        config = DragonConfig::forProject(ProjectFile::load(projectPath),
                                          fs::absolute(projectPath).string());
        if (out.empty())
            out = (fs::path(ProjectFolder::runsDir(projectPath)) /
                   ProjectFolder::runName(std::time(nullptr)))
                      .string();
    } else {
        config =
            DragonConfig::fromFile(configPath, fs::absolute(configPath).parent_path().string());
    }
    if (out.empty()) {
        std::cerr << "dragon train: --out RUN is needed with --config\n";
        return 2;
    }
    if (!rounds.empty())
        config.rounds = toInt(rounds, "--rounds");
    if (!loss.empty() && !parsePreferenceLoss(loss, config.loss)) {
        std::cerr << "dragon train: --loss must be dpo or kto, not '" << loss << "'\n";
        return 2;
    }
    if (!beta.empty())
        config.beta = toDouble(beta, "--beta");
    if (!lr.empty())
        config.learningRate = toDouble(lr, "--lr");
    if (!anchorWeight.empty())
        config.anchorWeight = toDouble(anchorWeight, "--anchor-weight");
    if (!emaDecay.empty())
        config.emaDecay = toDouble(emaDecay, "--ema-decay");
    if (!evalEvery.empty())
        config.evalEvery = toInt(evalEvery, "--eval-every");
    if (!seed.empty())
        config.seed = std::uint64_t(toInt(seed, "--seed"));
    if (!threads.empty())
        config.threads = toInt(threads, "--threads");
    if (!generatorSpec.empty())
        config.generator = generatorSpec;
    if (!device.empty())
        config.device = device;
    config.worldSize = worldSize;
    config.rank = rank;
    config.master = master;
    if (!resume && rank == 0 && fs::exists(fs::path(out) / "checkpoints") &&
        !fs::is_empty(fs::path(out) / "checkpoints")) {
        std::cerr << "dragon train: " << out
                  << " already holds a run; use --resume to continue it\n";
        return 2;
    }

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    const auto started = std::chrono::steady_clock::now();
    DragonCallbacks callbacks;
    callbacks.log = [](const std::string &m) { std::cerr << m << "\n"; };
    callbacks.round = [&](const RoundStats &s) {
        if (rank != 0)
            return; // rank 0 reports for the group
        std::cout << std::fixed << "round " << s.round << "/" << config.rounds << "  reward "
                  << std::setprecision(4) << s.rewardMean << " [p10 " << s.rewardP10 << ", p90 "
                  << s.rewardP90 << "]  "
                  << (s.pairs ? std::to_string(s.pairs) + " pairs"
                              : std::to_string(s.labels) + " labels")
                  << "  loss " << s.loss.loss << "  acc " << std::setprecision(2)
                  << s.loss.implicitAccuracy << "  |g| " << s.gradNorm << "  "
                  << std::setprecision(1) << s.secondsTotal << " s (sample " << s.secondsSample
                  << ", decode " << s.secondsDecode << ", encode " << s.secondsEncode << ", update "
                  << s.secondsUpdate << ")" << (s.updated ? "" : "  [no update]") << std::endl;
    };
    callbacks.eval = [&](const EvalStats &e) {
        std::cout << std::fixed << std::setprecision(3) << "eval @ round " << e.round
                  << ": win rate " << e.winRate.rate << " [" << e.winRate.lower << ", "
                  << e.winRate.upper << "] p=" << std::setprecision(4) << e.winRate.signTestP
                  << std::setprecision(4) << "  reward " << e.rewardBase << " -> " << e.rewardPolicy
                  << " (better by " << e.deltaMean << " [" << e.deltaLower << ", " << e.deltaUpper
                  << "])  vendi " << e.vendiBase << " -> " << e.vendiPolicy << "  clap "
                  << e.clapBase << " -> " << e.clapPolicy;
        if (e.loudnessMeasured())
            std::cout << std::setprecision(1) << "  lufs " << e.lufsBase << " -> " << e.lufsPolicy;
        std::cout << std::endl;
    };
    DragonTrainer trainer(config, out, callbacks);
    std::cout << "run folder: " << out << " (starting at round " << trainer.completedRounds() << ")"
              << std::endl;
    const int done = trainer.run(&g_stop);
    const std::string unsaved = trainer.unsavedWork();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!unsaved.empty())
        std::cout << "FAILED to save: ran " << done << " of " << config.rounds << " rounds in "
                  << std::setprecision(0) << seconds << " s, but " << unsaved << std::endl;
    else
        std::cout << "finished " << done << " of " << config.rounds << " rounds in "
                  << std::setprecision(0) << seconds << " s"
                  << (done < config.rounds ? " (stopped; resume with --resume)" : "") << std::endl;
    const auto [sum, abs] = trainer.parameterChecksum();
    std::cout << std::fixed << std::setprecision(10) << "rank " << rank
              << " parameter checksum: sum " << sum << " abs " << abs << std::endl;
    if (!unsaved.empty()) {
        std::cerr << "dragon train: " << out << ": " << unsaved << "\n";
        return 1;
    }
    return 0;
}

} // namespace dragon::cli
