#include "facade/CompareService.h"

#include "audio/AudioFileReader.h"
#include "audio/AudioFileWriter.h"
#include "audio/Loudness.h"
#include "dragon/ClipSampler.h"
#include "dragon/DragonConfig.h"
#include "dragon/RoundPlan.h"
#include "dragon/RunCheckpoint.h"
#include "dragon/RunHistory.h"
#include "dragon/TrainingReward.h"
#include "dragon/WinRateEvaluator.h"
#include "dragon/WinRateStatistics.h"
#include "model/ComputeThreads.h"
#include "model/Generator.h"
#include "model/GeneratorFactory.h"
#include "model/TorchLoadError.h"
#include "preview/CompareStore.h"
#include "preview/WinsByBaseLevel.h"
#include "project/ProjectFolder.h"
#include "util/ContentHash.h"
#include "util/JsonObject.h"
#include "util/StampedFolders.h"
#include "util/StrictJson.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>

namespace dragon {
namespace fs = std::filesystem;
namespace {

// "round-000012.pt" -> 12 (-1: another name).
int roundOfCheckpoint(const fs::path &path)
{
    const std::string name = path.filename().string();
    if (name.rfind("round-", 0) != 0 || path.extension() != ".pt")
        return -1;
    try {
        return std::stoi(name.substr(6, name.size() - 9));
    } catch (const std::exception &) {
        return -1;
    }
}

// Reads the model a round checkpoint's run evaluated into `generator` (the EMA copy when the
// run kept one, else the policy) and the checkpoint's frozen reward scales.
void loadRoundCheckpoint(const std::string &path, Generator &generator, std::string &scales)
{
    try {
        torch::serialize::InputArchive archive, weights;
        RunCheckpoint::read(path, archive);
        if (!archive.try_read("ema", weights))
            archive.read("policy", weights);
        generator.loadWeights(weights);
        c10::IValue saved;
        scales =
            archive.try_read("rewardScales", saved) && saved.isString() ? saved.toStringRef() : "";
    } catch (...) {
        const std::string why = TorchLoadError::describeCurrent();
        throw std::runtime_error(why.rfind(path, 0) == 0 ? why : path + ": " + why);
    }
}

// The frozen reward scales of the newest readable round checkpoint of the run ("" if none).
std::string runScales(const fs::path &runFolder)
{
    std::vector<fs::path> files;
    std::error_code ec;
    for (fs::directory_iterator it(runFolder / "checkpoints", ec), end; !ec && it != end;
         it.increment(ec))
        if (roundOfCheckpoint(it->path()) >= 0)
            files.push_back(it->path());
    std::sort(files.rbegin(), files.rend());
    for (const auto &f : files) {
        try {
            torch::serialize::InputArchive archive;
            RunCheckpoint::read(f.string(), archive);
            c10::IValue saved;
            if (archive.try_read("rewardScales", saved) && saved.isString())
                return saved.toStringRef();
        } catch (...) {
            // a damaged checkpoint: try an older one
        }
    }
    return {};
}

void writeClip(const std::string &path, const AudioBuffer &audio, SampleEncoding encoding)
{
    AudioWriteFormat format;
    format.encoding = encoding;
    AudioFileWriter::write(path, audio, format);
}

} // namespace

struct CompareService::Impl
{
    std::string runFolder, device;
    DragonConfig config;
    std::unique_ptr<Generator> base, tuned;
    std::string tunedPath;
    std::string scales; // of the tuned model's checkpoint (round checkpoints carry them)

    void loadRun(const std::string &folder, const std::string &deviceSpec)
    {
        if (base && runFolder == folder && device == deviceSpec)
            return;
        base.reset();
        tuned.reset();
        tunedPath.clear();
        config = DragonConfig::fromFile((fs::path(folder) / "config.json").string());
        auto generator = createGenerator(config.generator);
        generator->to(resolveDevice(deviceSpec));
        base = std::move(generator);
        runFolder = folder;
        device = deviceSpec;
    }

    void loadTuned(const std::string &path)
    {
        if (tuned && tunedPath == path)
            return;
        tuned.reset();
        if (!fs::exists(path))
            throw std::runtime_error(path + ": no such model file");
        std::unique_ptr<Generator> generator;
        if (roundOfCheckpoint(path) >= 0) {
            generator = base->clone();
            loadRoundCheckpoint(path, *generator, scales);
        } else {
            generator = createGenerator(path);
            scales.clear();
            if (generator->name() != base->name() ||
                generator->parameters().size() != base->parameters().size())
                throw std::runtime_error(path + ": not a fine-tuned " + base->name() +
                                         " (the run's base model)");
        }
        generator->to(base->device());
        generator->setTraining(false);
        tuned = std::move(generator);
        tunedPath = path;
    }

    // The base model's clips of the plan: from the cache where they were made before.
    std::vector<AudioBuffer> baseClips(const RoundPlan &plan, int steps, const ClipSampler &sampler,
                                       const std::atomic<bool> *cancel)
    {
        const fs::path cache = fs::path(CompareStore::compareDir(runFolder)) / "base-cache";
        std::vector<fs::path> files;
        std::vector<std::size_t> missing;
        std::vector<AudioBuffer> audio(plan.size());
        for (std::size_t i = 0; i < plan.size(); ++i) {
            const std::string key = config.generator + "\n" + plan.prompts[i] + "\n" +
                                    std::to_string(plan.seeds[i]) + "\n" + std::to_string(steps) +
                                    "\n" + std::to_string(config.guidance);
            files.push_back(cache / (toHex(hashBytes(key.data(), key.size())) + ".wav"));
            try {
                if (fs::exists(files.back())) {
                    audio[i] = AudioFileReader::read(files.back().string());
                    continue;
                }
            } catch (const std::exception &) {
                // a damaged cache file is made again
            }
            missing.push_back(i);
        }
        if (missing.empty())
            return audio;
        std::vector<std::string> prompts;
        std::vector<std::uint64_t> seeds;
        for (std::size_t i : missing) {
            prompts.push_back(plan.prompts[i]);
            seeds.push_back(plan.seeds[i]);
        }
        auto made = sampler.sample(*base, prompts, seeds, steps, cancel, "base model").audio;
        if (made.empty())
            return {};
        fs::create_directories(cache);
        for (std::size_t k = 0; k < missing.size(); ++k) {
            // Float: a later comparison scores exactly these samples.
            writeClip(files[missing[k]].string(), made[k], SampleEncoding::Float32);
            audio[missing[k]] = std::move(made[k]);
        }
        return audio;
    }
};

CompareService::CompareService() : m_impl(std::make_unique<Impl>()) {}
CompareService::~CompareService() = default;

std::vector<CompareModel> CompareService::models(const std::string &runFolder)
{
    std::vector<CompareModel> models;
    const fs::path run(runFolder);
    const RunSummary summary = RunHistory::summarise(runFolder);
    std::error_code ec;
    // Round checkpoints first: they hold the exact weights the run evaluated (policy.pt and
    // best-policy.pt are stored in half precision, so their clips differ slightly).
    std::vector<fs::path> rounds;
    for (fs::directory_iterator it(run / "checkpoints", ec), end; !ec && it != end;
         it.increment(ec))
        if (roundOfCheckpoint(it->path()) >= 0)
            rounds.push_back(it->path());
    std::sort(rounds.rbegin(), rounds.rend());
    // A run that kept an EMA copy evaluated and saved that copy, which is what its files load.
    const std::string averaged = DragonConfig::emaLabel(summary.emaDecay);
    for (const auto &f : rounds) {
        const int round = roundOfCheckpoint(f);
        models.push_back(
            {f.string(),
             "round " + std::to_string(round) +
                 (models.empty() ? " (newest checkpoint" : " (checkpoint") + averaged + ")",
             round, models.empty() ? CompareModel::Kind::Newest : CompareModel::Kind::Round,
             false});
    }
    if (fs::exists(run / "best-policy.pt", ec)) {
        CompareModel best{(run / "best-policy.pt").string(), "best evaluation (best-policy.pt)", -1,
                          CompareModel::Kind::Best, true};
        try {
            std::ifstream in(run / "best-policy.json", std::ios::binary);
            const nlohmann::json j = StrictJson::parse(in);
            const JsonObject o(j, "best-policy.json");
            best.round = o.integer("round", -1, -1, 1 << 30);
            char text[128];
            std::snprintf(text, sizeof text,
                          "best evaluation: round %d, lower bound %.3f (best-policy.pt)",
                          best.round, o.number("win_lower", 0.0, 0.0, 1.0));
            best.label = text;
            if (!averaged.empty()) // "... (best-policy.pt, EMA 0.9)"
                best.label.insert(best.label.size() - 1, averaged);
        } catch (const std::exception &) {
            // the label without its figures
        }
        models.push_back(best);
    }
    if (fs::exists(run / "policy.pt", ec))
        models.push_back(
            {(run / "policy.pt").string(),
             "round " + std::to_string(summary.roundsDone) + " (policy.pt" + averaged + ")",
             summary.roundsDone,
             rounds.empty() ? CompareModel::Kind::Newest : CompareModel::Kind::Round, true});
    return models;
}

bool CompareService::run(const CompareRequest &request, const Progress &progress,
                         const std::atomic<bool> *cancel, CompareResult &result,
                         std::string &folder)
{
    const auto started = std::chrono::steady_clock::now();
    torch::NoGradGuard noGrad;
    ComputeThreads::use(request.threads);
    const auto report = [&progress](const std::string &stage, int done, int total) {
        if (progress)
            progress(stage, done, total);
    };
    report("loading the models", 0, 1);
    Impl &m = *m_impl;
    m.loadRun(fs::absolute(request.runFolder).lexically_normal().string(), request.device);
    m.loadTuned(request.model);
    const DragonConfig &config = m.config;

    RoundPlan plan;
    if (request.prompts.empty()) {
        if (config.project.evalPrompts.empty())
            throw std::runtime_error("the run has no eval prompts: give a prompt to compare");
        const int count =
            request.maxPrompts > 0
                ? std::min<int>(request.maxPrompts, int(config.project.evalPrompts.size()))
                : int(config.project.evalPrompts.size());
        plan = RoundPlan::forEvaluation(config.project.evalPrompts, count,
                                        request.seedsPerPrompt > 0 ? request.seedsPerPrompt
                                                                   : config.evalSeedsPerPrompt,
                                        config.seed);
    } else {
        const int seeds = std::max(1, request.seedsPerPrompt);
        for (std::size_t p = 0; p < request.prompts.size(); ++p)
            for (int k = 0; k < seeds; ++k) {
                plan.prompts.push_back(request.prompts[p]);
                plan.seeds.push_back(request.seed + std::uint64_t(k));
                plan.promptOf.push_back(int(p));
            }
        plan.promptCount = int(request.prompts.size());
    }
    const int steps = request.steps > 0 ? request.steps : config.evalSteps;
    const ClipSampler sampler(config.guidance, report);
    const auto baseAudio = m.baseClips(plan, steps, sampler, cancel);
    if (baseAudio.empty() || (cancel && cancel->load()))
        return false;
    const auto tunedAudio =
        sampler.sample(*m.tuned, plan.prompts, plan.seeds, steps, cancel, "fine-tuned model").audio;
    if (tunedAudio.empty() || (cancel && cancel->load()))
        return false;

    report("scoring", 0, 1);
    result = CompareResult{};
    const std::string cacheDir =
        !request.cacheDir.empty() ? request.cacheDir
                                  : ProjectFolder::embeddingCache(config.projectPath, m.runFolder);
    TrainingReward training(config.project, cacheDir, {});
    const Reward &reward = training.reward();
    const RewardBatch baseBatch = training.score(baseAudio, plan.prompts);
    const RewardBatch tunedBatch = training.score(tunedAudio, plan.prompts);
    if (training.needsScales()) {
        const std::string scales = !m.scales.empty() ? m.scales : runScales(m.runFolder);
        if (!scales.empty())
            training.restoreScales(scales);
        else {
            training.freezeScales(baseBatch);
            result.notes.push_back("the run's reward scales were not found (no round checkpoint): "
                                   "the terms are scaled on these base clips");
        }
    }
    RewardBatch joint = baseBatch;
    joint.append(tunedBatch);
    const auto utilities = reward.utilities(joint);
    const std::size_t n = plan.size();
    const std::vector<double> uBase(utilities.begin(), utilities.begin() + long(n)),
        uTuned(utilities.begin() + long(n), utilities.end());
    result.setReward = reward.kind() == RewardKind::DistributionToDistribution;
    std::vector<double> rawBase(n, std::numeric_limits<double>::quiet_NaN()), rawTuned = rawBase;
    if (result.setReward) {
        result.rewardBase = reward.scoreSet(baseBatch);
        result.rewardTuned = reward.scoreSet(tunedBatch);
        result.notes.push_back("a set reward: each clip's value is its leave-one-out "
                               "contribution to both batches together");
    } else {
        rawBase = reward.scoreEach(baseBatch);
        rawTuned = reward.scoreEach(tunedBatch);
        result.rewardBase = std::accumulate(rawBase.begin(), rawBase.end(), 0.0) / double(n);
        result.rewardTuned = std::accumulate(rawTuned.begin(), rawTuned.end(), 0.0) / double(n);
    }
    const auto paired = WinRateEvaluator::comparePaired(uBase, uTuned, plan.clipsOfPrompt());
    const WinRate rate = winRateFromOutcomes(paired.outcomes.data(), int(paired.outcomes.size()));
    result.prompts = int(paired.outcomes.size());
    result.wins = rate.wins;
    result.rate = rate.rate;
    result.lower = rate.lower;
    result.upper = rate.upper;
    result.signTestP = rate.signTestP;
    result.byBaseLevel =
        WinsByBaseLevel::split(paired.baseMeans, paired.policyMeans, paired.outcomes);

    const std::string stamp = ProjectFolder::runName(std::time(nullptr));
    folder = StampedFolders::create(CompareStore::compareDir(m.runFolder), stamp);
    try {
        for (std::size_t i = 0; i < n; ++i) {
            char name[32];
            ComparePair pair;
            pair.prompt = plan.prompts[i];
            pair.seed = plan.seeds[i];
            std::snprintf(name, sizeof name, "base-%02zu.wav", i);
            pair.basePath = (fs::path(folder) / name).string();
            std::snprintf(name, sizeof name, "tuned-%02zu.wav", i);
            pair.tunedPath = (fs::path(folder) / name).string();
            writeClip(pair.basePath, baseAudio[i], SampleEncoding::Pcm16);
            writeClip(pair.tunedPath, tunedAudio[i], SampleEncoding::Pcm16);
            pair.baseReward = rawBase[i];
            pair.tunedReward = rawTuned[i];
            pair.baseUtility = uBase[i];
            pair.tunedUtility = uTuned[i];
            const double d = uTuned[i] - uBase[i];
            pair.outcome = d > 1e-12 ? 1 : d < -1e-12 ? -1 : 0;
            if (Loudness::available()) {
                pair.baseLufs = Loudness::integratedLufs(baseAudio[i]);
                pair.tunedLufs = Loudness::integratedLufs(tunedAudio[i]);
            }
            (pair.outcome > 0   ? result.pairWins
             : pair.outcome < 0 ? result.pairLosses
                                : result.pairTies)++;
            result.pairs.push_back(pair);
        }
        result.runFolder = m.runFolder;
        result.model = m.tunedPath;
        result.modelLabel = fs::path(m.tunedPath).filename().string();
        for (const auto &model : models(m.runFolder))
            if (fs::path(model.path) == fs::path(m.tunedPath))
                result.modelLabel = model.label;
        result.reward = RunHistory::describeReward(config.project);
        result.createdAt = stamp;
        result.steps = steps;
        result.guidance = config.guidance;
        result.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        CompareStore::save(result, folder);
    } catch (...) {
        std::error_code ec;
        fs::remove_all(folder, ec); // no half-made comparison is left to be listed
        folder.clear();
        throw;
    }
    report("done", 1, 1);
    return true;
}

} // namespace dragon
