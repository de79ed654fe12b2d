#include "CompareCommand.h"

#include "CliOptions.h"
#include "CommandUsage.h"
#include "facade/CompareService.h"
#include "preview/WinsByBaseLevel.h"

#include <cmath>
#include <cstdio>
#include <iostream>

namespace dragon::cli {

int compare(const Args &argsIn)
{
    Args args = argsIn;
    const bool list = takeFlag(args, "--list");
    std::string model = takeOption(args, "--model", "newest");
    CompareRequest request;
    const std::string prompt = takeOption(args, "--prompt", "");
    request.seed = std::uint64_t(toInt(takeOption(args, "--seed", "1"), "--seed"));
    request.seedsPerPrompt = toInt(takeOption(args, "--seeds", "0"), "--seeds");
    request.maxPrompts = toInt(takeOption(args, "--prompts", "0"), "--prompts");
    request.steps = toInt(takeOption(args, "--steps", "0"), "--steps");
    request.device = takeOption(args, "--device", "auto");
    request.threads = toInt(takeOption(args, "--threads", "0"), "--threads");
    if (args.size() != 1 || request.seedsPerPrompt < 0 || request.maxPrompts < 0 ||
        request.steps < 0)
        return usageError("compare");
    request.runFolder = args[0];
    const auto models = CompareService::models(request.runFolder);
    if (list) {
        for (const auto &m : models)
            std::cout << m.path << "\t" << m.label << "\n";
        return 0;
    }
    if (models.empty() && (model == "newest" || model == "best")) {
        std::cerr << "dragon compare: " << request.runFolder
                  << " has no fine-tuned model yet (no round finished)\n";
        return 1;
    }
    if (model == "newest")
        model = models.front().path;
    else if (model == "best") {
        model.clear();
        for (const auto &m : models)
            if (m.kind == CompareModel::Kind::Best)
                model = m.path;
        if (model.empty()) {
            std::cerr << "dragon compare: " << request.runFolder
                      << " has no best-policy.pt (no evaluation beat the base model with its "
                         "guardrails held yet)\n";
            return 1;
        }
    }
    request.model = model;
    if (!prompt.empty()) {
        request.prompts = {prompt};
        if (request.seedsPerPrompt == 0)
            request.seedsPerPrompt = 1;
    }
    CompareResult result;
    std::string folder;
    CompareService service;
    int lastPercent = -1;
    service.run(
        request,
        [&lastPercent](const std::string &stage, int done, int total) {
            const int percent = total > 0 ? done * 100 / total : 0;
            if (percent / 25 != lastPercent / 25 || done == 0) {
                std::cerr << stage << " " << done << "/" << total << "\n";
                lastPercent = percent;
            }
        },
        nullptr, result, folder);
    std::printf("model: %s\nreward: %s\n", result.modelLabel.c_str(), result.reward.c_str());
    for (const auto &p : result.pairs)
        std::printf("%+d  base %9.4g  tuned %9.4g  seed %-10llu %s\n", p.outcome,
                    result.setReward ? p.baseUtility : p.baseReward,
                    result.setReward ? p.tunedUtility : p.tunedReward,
                    static_cast<unsigned long long>(p.seed), p.prompt.c_str());
    std::printf("pairs: tuned wins %d, base wins %d, ties %d\n", result.pairWins, result.pairLosses,
                result.pairTies);
    std::printf("prompts: tuned wins %.1f of %d = %.3f [%.3f, %.3f], sign test p = %.2g\n",
                result.wins, result.prompts, result.rate, result.lower, result.upper,
                result.signTestP);
    // As the Compare tab: only when there are groups to compare (two prompts or more).
    for (std::size_t g = 0; result.byBaseLevel.size() > 1 && g < result.byBaseLevel.size(); ++g) {
        const BaseLevelGroup &group = result.byBaseLevel[g];
        std::printf("%s of the prompts by the base's utility: tuned wins %.1f of %d, utility "
                    "%.4g -> %.4g\n",
                    WinsByBaseLevel::label(g, result.byBaseLevel.size()), group.wins, group.prompts,
                    group.baseMean, group.tunedMean);
    }
    std::printf("reward: base %.4g -> tuned %.4g\n", result.rewardBase, result.rewardTuned);
    const LoudnessShift level = result.loudnessShift();
    if (level.pairs > 0)
        std::printf("loudness: base median %.1f LUFS -> tuned %.1f LUFS, paired change %+.2f LU "
                    "over %d pairs\n",
                    level.baseMedian, level.tunedMedian, level.meanChange, level.pairs);
    for (const auto &n : result.notes)
        std::printf("note: %s\n", n.c_str());
    std::printf("%.1f s; clips and compare.json in %s\n", result.seconds, folder.c_str());
    return 0;
}

} // namespace dragon::cli
