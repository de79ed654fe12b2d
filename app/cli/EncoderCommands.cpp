#include "EncoderCommands.h"

#include "CliOptions.h"
#include "CommandUsage.h"
#include "encoders/PocketClapModel.h"
#include "encoders/PocketClapTrainer.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>

namespace dragon::cli {
namespace fs = std::filesystem;

int trainClap(const Args &input)
{
    Args args = input;
    ClapTrainConfig c;
    c.outDir = takeOption(args, "--out", "");
    c.steps = toInt(takeOption(args, "--steps", std::to_string(c.steps)), "--steps");
    c.batch = toInt(takeOption(args, "--batch", std::to_string(c.batch)), "--batch");
    c.poolClips = toInt(takeOption(args, "--pool", std::to_string(c.poolClips)), "--pool");
    c.learningRate = toDouble(takeOption(args, "--lr", std::to_string(c.learningRate)), "--lr");
    c.checkpointEvery =
        toInt(takeOption(args, "--checkpoint-every", std::to_string(c.checkpointEvery)),
              "--checkpoint-every");
    c.seed = std::uint64_t(toInt(takeOption(args, "--seed", "1"), "--seed"));
    c.threads = toInt(takeOption(args, "--threads", "0"), "--threads");
    if (c.outDir.empty() || !args.empty() || c.steps < 1 || c.batch < 2 || c.poolClips < c.batch) {
        return usageError("train-clap");
    }
    const auto started = std::chrono::steady_clock::now();
    PocketClapTrainer::run(c, [&](const ClapTrainProgress &p) {
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (p.phase == "rendering")
            std::cout << "rendering " << c.poolClips << " corpus clips..." << std::endl;
        else if (p.step % 10 == 0 || p.step == p.steps)
            std::cout << "step " << p.step << "/" << p.steps << "  loss " << std::fixed
                      << std::setprecision(4) << p.loss << "  batch accuracy "
                      << std::setprecision(3) << p.accuracy << "  " << std::setprecision(2)
                      << p.secondsPerStep << " s/step  elapsed " << std::setprecision(0) << elapsed
                      << " s" << std::endl;
    });
    std::cout << "wrote " << (fs::path(c.outDir) / "pocket-clap.pt").string() << "\n";
    return 0;
}

int evaluateClap(const Args &input)
{
    Args args = input;
    const std::string checkpoint = takeOption(args, "--checkpoint", "");
    const int pairs = toInt(takeOption(args, "--pairs", "500"), "--pairs");
    const int perStyle = toInt(takeOption(args, "--per-style", "50"), "--per-style");
    const std::string json = takeOption(args, "--json", "");
    if (checkpoint.empty() || !args.empty() || pairs < 5 || perStyle < 1) {
        return usageError("evaluate-clap");
    }
    auto clap = PocketClap::load(checkpoint);
    const auto started = std::chrono::steady_clock::now();
    const auto report = PocketClapTrainer::evaluate(*clap, pairs, perStyle);
    std::cout << std::fixed << std::setprecision(3) << "text->audio over " << report.pairs
              << " held-out pairs: R@1 " << report.recallAt1 << "  R@5 " << report.recallAt5
              << "\nzero-shot style accuracy over " << report.zeroShotClips
              << " held-out clips: " << report.zeroShotStyleAccuracy << " (chance 0.125)\n"
              << std::setprecision(1) << "("
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()
              << " s)\n";
    if (!json.empty())
        std::ofstream(json) << report.toJson() << "\n";
    return 0;
}

} // namespace dragon::cli
