#include "dragon/RunHistory.h"

#include "dragon/DragonConfig.h"
#include "dragon/RunFolder.h"
#include "project/Project.h"
#include "rewards/RewardDefinition.h"
#include "util/LenientJson.h"
#include "util/StrictJson.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>

namespace dragon {
namespace fs = std::filesystem;
namespace {

// Each complete JSON object line of `file` (torn or damaged lines skipped).
std::vector<nlohmann::json> rowsOf(const fs::path &file)
{
    std::vector<nlohmann::json> rows;
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        if (RunFolder::roundOfLine(line) < 0)
            continue;
        try {
            rows.push_back(StrictJson::parse(line));
        } catch (const std::exception &) {
        }
    }
    std::stable_sort(rows.begin(), rows.end(), [](const auto &a, const auto &b) {
        return a.value("round", 0) < b.value("round", 0);
    });
    return rows;
}

double number(const nlohmann::json &row, const char *key)
{
    return LenientJson::number(row, key).value_or(0.0);
}

} // namespace

std::string RunHistory::describeReward(const Project &project)
{
    std::string text;
    for (const auto &t : project.reward.terms) {
        const RewardTypeInfo *info = findRewardType(t.type);
        std::string term = info ? info->label : t.type;
        if (const ExemplarSet *set = project.findSet(t.exemplarSet);
            set && info && info->needsExemplars)
            term += (t.away ? " away from '" : " toward '") + set->name + "'";
        if (project.reward.terms.size() > 1)
            term = std::to_string(t.weight).substr(0, 4) + " x " + term;
        text += (text.empty() ? "" : " + ") + term;
    }
    return text.empty() ? "no reward" : text;
}

RunSummary RunHistory::summarise(const std::string &folder)
{
    RunSummary s;
    s.folder = fs::absolute(folder).string();
    s.name = fs::path(folder).filename().string();
    for (const auto &row : rowsOf(fs::path(folder) / "metrics.jsonl"))
        s.roundsDone = std::max(s.roundsDone, row.value("round", 0));
    const auto evals = evaluations(folder);
    if (!evals.empty()) {
        s.evaluated = true;
        s.lastEval = evals.back();
    }
    try {
        const DragonConfig config =
            DragonConfig::fromFile((fs::path(folder) / "config.json").string());
        s.reward = describeReward(config.project);
        s.loudnessTerm = config.project.reward.hasTerm("loudness");
        s.roundsPlanned = config.rounds;
        s.emaDecay = config.emaDecay;
    } catch (const std::exception &e) {
        s.state = std::string("damaged: ") + e.what();
        return s;
    }
    s.resumable = s.roundsDone < s.roundsPlanned;
    if (!s.resumable)
        s.state = "finished";
    else if (s.roundsDone == 0)
        s.state = "no round finished";
    else
        s.state = "stopped at round " + std::to_string(s.roundsDone);
    return s;
}

std::vector<RunSummary> RunHistory::list(const std::string &runsDir)
{
    std::vector<std::string> folders;
    std::error_code ec;
    for (fs::directory_iterator it(runsDir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec))
            folders.push_back(it->path().string());
    std::sort(folders.rbegin(), folders.rend()); // names are start times: newest first
    std::vector<RunSummary> runs;
    for (const auto &f : folders)
        runs.push_back(summarise(f));
    return runs;
}

std::vector<RoundStats> RunHistory::rounds(const std::string &folder)
{
    std::vector<RoundStats> out;
    for (const auto &row : rowsOf(fs::path(folder) / "metrics.jsonl")) {
        RoundStats s;
        s.round = row.value("round", 0);
        s.rewardMean = number(row, "reward_mean");
        s.rewardP10 = number(row, "reward_p10");
        s.rewardP50 = number(row, "reward_p50");
        s.rewardP90 = number(row, "reward_p90");
        s.demoPlusMean = number(row, "demo_plus");
        s.demoMinusMean = number(row, "demo_minus");
        s.loss.loss = number(row, "loss");
        s.loss.implicitAccuracy = number(row, "implicit_accuracy");
        s.gradNorm = number(row, "grad_norm");
        s.secondsTotal = number(row, "s_total");
        if (const auto terms = row.find("terms"); terms != row.end() && terms->is_array())
            for (const auto &t : *terms)
                if (t.is_object())
                    s.terms.push_back({LenientJson::text(t, "name"), number(t, "mean"),
                                       number(t, "p10"), number(t, "p50"), number(t, "p90")});
        out.push_back(s);
    }
    return out;
}

std::vector<EvalStats> RunHistory::evaluations(const std::string &folder)
{
    std::vector<EvalStats> out;
    for (const auto &row : rowsOf(fs::path(folder) / "eval.jsonl")) {
        EvalStats e;
        e.round = row.value("round", 0);
        e.winRate.rate = number(row, "win_rate");
        e.winRate.lower = number(row, "win_lower");
        e.winRate.upper = number(row, "win_upper");
        e.winRate.signTestP = number(row, "sign_test_p");
        e.winRate.trials = LenientJson::integer(row, "trials").value_or(0); // a huge one: 0
        e.rewardBase = number(row, "reward_base");
        e.rewardPolicy = number(row, "reward_policy");
        e.deltaMean = number(row, "delta");
        e.deltaLower = number(row, "delta_lower");
        e.deltaUpper = number(row, "delta_upper");
        e.vendiBase = number(row, "vendi_base");
        e.vendiPolicy = number(row, "vendi_policy");
        e.clapBase = number(row, "clap_base");
        e.clapPolicy = number(row, "clap_policy");
        // Older runs (and damaged values) leave it NaN: not measured, rather than 0 LUFS.
        const auto lufsBase = LenientJson::number(row, "lufs_base");
        const auto lufsPolicy = LenientJson::number(row, "lufs_policy");
        if (lufsBase && lufsPolicy) {
            e.lufsBase = *lufsBase;
            e.lufsPolicy = *lufsPolicy;
        }
        out.push_back(e);
    }
    return out;
}

std::vector<AuditionClip> RunHistory::auditions(const std::string &folder)
{
    std::vector<AuditionClip> out;
    const RunFolder layout(folder, false);
    std::error_code ec;
    std::vector<fs::path> files;
    for (fs::directory_iterator it(layout.audition(), ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".wav")
            files.push_back(it->path());
    std::sort(files.begin(), files.end());
    for (const auto &f : files) {
        const std::string stem = f.stem().string(); // round-000012-plus
        const auto dash = stem.rfind('-');
        if (stem.rfind("round-", 0) != 0 || dash == std::string::npos || dash <= 6 ||
            !std::all_of(stem.begin() + 6, stem.begin() + std::ptrdiff_t(dash),
                         [](char c) { return c >= '0' && c <= '9'; }))
            continue;
        AuditionClip clip;
        try {
            clip.round = std::stoi(stem.substr(6, dash - 6));
        } catch (const std::exception &) {
            continue;
        }
        clip.label = stem.substr(dash + 1) == "plus" ? 1 : -1;
        clip.path = f.string();
        try { // the sidecar: prompt, seed (text), reward
            std::ifstream in(fs::path(f).replace_extension(".json"));
            if (in) {
                const nlohmann::json j = StrictJson::parse(in);
                if (j.is_object()) { // each field on its own: one bad value loses only itself
                    clip.prompt = LenientJson::text(j, "prompt");
                    clip.reward = number(j, "reward");
                    clip.seed = std::stoull(LenientJson::text(j, "seed"));
                }
            }
        } catch (const std::exception &) {
        }
        out.push_back(clip);
    }
    return out;
}

} // namespace dragon
