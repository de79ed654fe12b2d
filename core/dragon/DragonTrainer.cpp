#include "dragon/DragonTrainer.h"

#include "audio/AudioFileWriter.h"
#include "dragon/CheckpointStore.h"
#include "dragon/ClipSampler.h"
#include "dragon/DemoBuilder.h"
#include "dragon/DistributedBatch.h"
#include "dragon/DistributedGroup.h"
#include "dragon/GuardrailCheck.h"
#include "dragon/PreferenceUpdate.h"
#include "dragon/RewardTerms.h"
#include "dragon/RoundPlan.h"
#include "dragon/RunFolder.h"
#include "dragon/TrainingReward.h"
#include "dragon/WinRateEvaluator.h"
#include "encoders/EncoderFactory.h"
#include "metrics/Quantile.h"
#include "model/ComputeThreads.h"
#include "model/GeneratorFactory.h"
#include "project/ProjectFolder.h"
#include "util/AtomicFileWriter.h"
#include "util/JsonFormatError.h"
#include "util/JsonObject.h"
#include "util/StrictJson.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <sstream>
#include <thread>

namespace dragon {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

} // namespace

// The orchestration of a run: set-up, the round (plan -> sample -> score -> gather ->
// demonstrations -> update), the write order of checkpoints and metrics, evaluations and
// best-policy.pt. Each step is a part of its own (RoundPlan, ClipSampler, TrainingReward,
// DistributedBatch, DemoBuilder, PreferenceUpdate, CheckpointStore, RunFolder, WinRateEvaluator).
struct DragonTrainer::Impl
{
    DragonConfig config;
    RunFolder folder{fs::path(), true};
    DragonCallbacks callbacks;
    std::unique_ptr<DistributedGroup> group;
    std::unique_ptr<Generator> policy, reference, ema;
    std::unique_ptr<TrainingReward> reward;
    std::unique_ptr<PreferenceUpdate> update;
    std::unique_ptr<ClipSampler> sampler;
    std::unique_ptr<WinRateEvaluator> evaluator;
    std::unique_ptr<CheckpointStore> checkpoints;
    DemoBuilder demo;
    int round = 0;
    double bestLowerBound = 0.5; // best-policy.pt is written only once the base is beaten
    // Metrics rows of every round the policy includes, in order; each checkpoint carries them
    // (RunCheckpoint's journal), so metrics.jsonl can always be rebuilt from the checkpoint.
    std::vector<std::string> metricsHistory;
    int lastSavedRound = 0;          // round of the newest checkpoint written (or resumed from)
    int failedCheckpointsInARow = 0; // the run stops after kMaxFailedCheckpoints
    std::vector<std::string> writeFailures; // what could not be written, for unsavedWork()
    std::string policyFailure;              // the newest policy.pt write failed (and why)
    bool evalDueAfterResume = false; // the checkpoint's round was due an evaluation not on disk
    static constexpr int kMaxFailedCheckpoints = 3;

    bool writer() const { return config.rank == 0; } // rank 0 owns the run folder

    void log(const std::string &m) const
    {
        if (callbacks.log)
            callbacks.log(m);
    }
    bool waitWhilePaused(const std::atomic<bool> *stop, const std::atomic<bool> *pause) const
    {
        while (pause && pause->load() && !(stop && stop->load()))
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return stop && stop->load();
    }
    std::string rewardScales; // the reward's frozen scales as checkpoints carry them
    // The model the run evaluates and ships (policy.pt, best-policy.pt, the suite's kept
    // policy): the EMA copy when the run keeps one (emaDecay > 0), else the policy itself.
    Generator &shipped() { return ema ? *ema : *policy; }
    CheckpointStore::State state()
    {
        return {*policy, update->optimizer(), ema.get(), demo, rewardScales};
    }

    void prepare(const fs::path &runDir)
    {
        folder = RunFolder(runDir, writer());
        group = std::make_unique<DistributedGroup>(config.worldSize, config.rank, config.master);
        folder.create();
        ComputeThreads::use(config.threads);
        const torch::Device device = resolveDevice(config.device);
        policy = createGenerator(config.generator);
        policy->to(device);
        reference = policy->clone();
        for (auto &p : reference->parameters())
            p.set_requires_grad(false);
        reference->setTraining(false);
        if (config.emaDecay > 0)
            ema = policy->clone();
        if (config.anchorWeight > 0 && !policy->hasPretrainingData())
            log("pretraining anchor off: this generator has no pretraining data");
        update = std::make_unique<PreferenceUpdate>(config, *policy, *reference, ema.get(), *group);
        reward = std::make_unique<TrainingReward>(
            config.project, ProjectFolder::embeddingCache(config.projectPath, runDir.string()),
            [this](const std::string &m) { log(m); });
        std::shared_ptr<Encoder> guard;
        if (!config.guardrailEncoder.empty()) {
            try {
                guard = std::shared_ptr<Encoder>(createEncoder(config.guardrailEncoder));
            } catch (const std::exception &e) {
                log("guardrails off (" + config.guardrailEncoder +
                    " cannot be loaded): " + e.what());
            }
        }
        DemoBuilderConfig dc;
        dc.mode = config.loss == PreferenceLoss::Dpo ? DemoMode::Paired : DemoMode::Unpaired;
        dc.tieFraction = config.tieFraction;
        dc.baseline = config.labelBaseline;
        demo = DemoBuilder(dc);
        sampler = std::make_unique<ClipSampler>(config.guidance, callbacks.progress);
        const int evalPromptCount =
            config.evalPrompts > 0 ? config.evalPrompts : int(config.project.evalPrompts.size());
        evaluator = std::make_unique<WinRateEvaluator>(
            RoundPlan::forEvaluation(config.project.evalPrompts, evalPromptCount,
                                     config.evalSeedsPerPrompt, config.seed),
            config.evalSteps, config.bootstrapDraws, config.seed, folder.evalBase(), guard);
        checkpoints =
            std::make_unique<CheckpointStore>(folder.checkpoints(), config.keepCheckpoints);
        folder.writeConfig(config);
        resume();
        std::ifstream best(folder.file("best-policy.json"));
        if (best) {
            try {
                const auto j = StrictJson::parse(best);
                bestLowerBound = std::max(
                    bestLowerBound, JsonObject(j, "best-policy.json").number("win_lower", 0.5));
            } catch (const JsonFormatError &e) {
                log(folder.file("best-policy.json").string() + " is damaged (" + e.what() +
                    "): ignored");
            }
        }
        group->barrier(); // rank 0 may have rewritten files the others read
    }

    void resume()
    {
        const auto resumed = checkpoints->resume(
            state(), *reference, [this](const std::string &m) { log(m); }, writer());
        round = resumed.round;
        lastSavedRound = round;
        if (resumed.resumed && !rewardScales.empty()) {
            try {
                reward->restoreScales(rewardScales);
            } catch (const std::exception &e) {
                throw std::runtime_error(resumed.file + ": " + e.what());
            }
        }
        if (!writer())
            return;
        // The checkpoint's journal holds the rows of every round it includes: metrics.jsonl is
        // rebuilt from it, which also restores rows the file never received (a kill between the
        // checkpoint and the metrics append, a metrics file that could not be written).
        const bool fromJournal = resumed.resumed && resumed.contents.hasJournal;
        if (fromJournal) {
            std::istringstream rows(resumed.contents.journal);
            for (std::string row; std::getline(rows, row);)
                if (!row.empty())
                    metricsHistory.push_back(row);
        }
        // Rows after the checkpoint belong to the round(s) in flight when the run stopped.
        const int lastEvalRound = folder.keepRowsUpTo(round, metricsHistory, fromJournal);
        evalDueAfterResume = round > 0 && evalDue(round) && lastEvalRound < round;
        folder.rewriteCsv();
    }

    bool evalDue(int r) const
    {
        return config.evalEvery > 0 && !evaluator->empty() &&
               (r % config.evalEvery == 0 || r == config.rounds);
    }

    void noteWriteFailure(const std::string &what)
    {
        writeFailures.push_back(what);
        log(what);
    }

    RoundStats runRound(const std::atomic<bool> *stop, const std::atomic<bool> *pause)
    {
        RoundStats stats;
        stats.round = round + 1;
        const RoundPlan plan =
            RoundPlan::forRound(config.project.trainPrompts, config.promptsPerRound,
                                config.seedsPerPrompt, config.seed, stats.round);
        // 1. On-policy demonstrations: this rank's share of the prompts (all K seeds of a prompt
        // stay on one rank), then everything the reward and the update need is gathered.
        auto t = Clock::now();
        const auto mine = plan.shareOf(config.rank, config.worldSize);
        std::vector<std::string> myPrompts;
        std::vector<std::uint64_t> mySeeds;
        for (int64_t i : mine) {
            myPrompts.push_back(plan.prompts[std::size_t(i)]);
            mySeeds.push_back(plan.seeds[std::size_t(i)]);
        }
        const auto clips =
            sampler->sample(*policy, myPrompts, mySeeds, config.demoSteps, stop, "sampling");
        if (clips.audio.empty())
            return stats; // stopped
        stats.secondsDecode = clips.decodeSeconds;
        stats.secondsSample = since(t) - clips.decodeSeconds;
        if (waitWhilePaused(stop, pause))
            return stats;
        // 2. Encode and score (each rank its own clips), gather the global batch.
        const RewardBatch myBatch = reward->score(clips.audio, myPrompts, &stats.secondsEncode);
        const DistributedBatch batch =
            DistributedBatch::gather(*group, plan.gatherOrder(config.worldSize), plan.prompts,
                                     clips.latents, clips.audio, myBatch);
        t = Clock::now();
        if (reward->needsScales()) { // the first round's batch: the base model's own samples
            reward->freezeScales(batch.rewardBatch);
            rewardScales = reward->scalesText();
        }
        const Reward &r = reward->reward();
        std::vector<double> utilities = r.utilities(batch.rewardBatch);
        std::vector<double> raw;
        if (r.kind() == RewardKind::DistributionToDistribution) {
            stats.rewardMean = r.scoreSet(batch.rewardBatch);
            raw = utilities;
        } else {
            raw = r.scoreEach(batch.rewardBatch);
            stats.rewardMean = std::accumulate(raw.begin(), raw.end(), 0.0) / double(raw.size());
        }
        stats.rewardP10 = quantile(raw, 0.1);
        stats.rewardP50 = quantile(raw, 0.5);
        stats.rewardP90 = quantile(raw, 0.9);
        stats.terms = RewardTerms::ofRound(r, batch.rewardBatch);
        const Demonstrations demos = demo.build(utilities, plan.promptOf, r.kind());
        stats.secondsReward = since(t);
        stats.pairs = int(demos.pairs.size());
        stats.labels = int(demos.labels.size());
        stats.skippedTies = demos.skippedTies;
        stats.warning = demos.warning;
        {
            double plus = 0, minus = 0;
            int np = 0, nm = 0;
            for (const auto &p : demos.pairs) {
                plus += utilities[std::size_t(p.winner)], ++np;
                minus += utilities[std::size_t(p.loser)], ++nm;
            }
            for (const auto &l : demos.labels)
                (l.label > 0 ? (plus += utilities[std::size_t(l.index)], ++np)
                             : (minus += utilities[std::size_t(l.index)], ++nm));
            stats.demoPlusMean = np ? plus / np : 0;
            stats.demoMinusMean = nm ? minus / nm : 0;
        }
        writeAudition(stats.round, batch.audio, plan, utilities, demos);
        if (waitWhilePaused(stop, pause))
            return stats;
        // 3. Update.
        t = Clock::now();
        stats.learningRate = update->setRound(stats.round);
        if (!demos.empty())
            update->apply(demos, batch.latents, plan.prompts, plan.promptOf, plan.roundSeed, stats,
                          stop);
        stats.secondsUpdate = since(t);
        return stats;
    }

    void writeAudition(int r, const std::vector<AudioBuffer> &audio, const RoundPlan &plan,
                       const std::vector<double> &utilities, const Demonstrations &demos)
    {
        if (!writer() || config.auditionEvery <= 0 || r % config.auditionEvery != 0 ||
            demos.empty())
            return;
        // The best D+ and the worst D- sample of the round.
        int best = -1, worst = -1;
        auto consider = [&](int i, int label) {
            if (label > 0 && (best < 0 || utilities[std::size_t(i)] > utilities[std::size_t(best)]))
                best = i;
            if (label < 0 &&
                (worst < 0 || utilities[std::size_t(i)] < utilities[std::size_t(worst)]))
                worst = i;
        };
        for (const auto &p : demos.pairs) {
            consider(p.winner, +1);
            consider(p.loser, -1);
        }
        for (const auto &l : demos.labels)
            consider(l.index, l.label);
        for (auto [i, label] : {std::pair{best, +1}, std::pair{worst, -1}}) {
            if (i < 0)
                continue;
            AuditionClip clip{r,
                              folder.auditionClip(r, label).string(),
                              plan.prompts[std::size_t(i)],
                              plan.seeds[std::size_t(i)],
                              utilities[std::size_t(i)],
                              label};
            try {
                AudioFileWriter::write(clip.path, audio[std::size_t(i)], {AudioContainer::Wav});
                const nlohmann::json sidecar{{"round", r},
                                             {"prompt", clip.prompt},
                                             {"seed", std::to_string(clip.seed)},
                                             {"reward", clip.reward},
                                             {"label", label > 0 ? "D+" : "D-"}};
                AtomicFileWriter::write(
                    std::filesystem::path(clip.path).replace_extension(".json").string(),
                    sidecar.dump(1) + "\n", AtomicFileWriter::Durability::Fast);
                if (callbacks.audition)
                    callbacks.audition(clip);
            } catch (const std::exception &e) {
                log(std::string("audition clip not written: ") + e.what());
            }
        }
    }

    EvalStats evaluate(const std::atomic<bool> *stop, int asRound = -1)
    {
        if (evaluator->empty())
            throw std::runtime_error("no evaluation prompts");
        return evaluator->evaluate(shipped(), *reference, *reward, *sampler,
                                   asRound >= 0 ? asRound : round, stop);
    }

    void reportEval(const std::atomic<bool> *stop)
    {
        const EvalStats e = evaluate(stop);
        if (stop && stop->load())
            return;
        // Keep the policy with the best lower win-rate bound so far among the evaluations whose
        // guardrails held (as the reward suite's validation chooses): a run that later drifts
        // still has its best model.
        if (DragonTrainer::becomesBestPolicy(e, bestLowerBound)) {
            bestLowerBound = e.winRate.lower;
            try {
                shipped().save(folder.file("best-policy.pt").string());
                AtomicFileWriter::write(folder.file("best-policy.json").string(),
                                        nlohmann::json{{"round", e.round},
                                                       {"win_rate", e.winRate.rate},
                                                       {"win_lower", e.winRate.lower}}
                                            .dump());
            } catch (const std::exception &error) {
                noteWriteFailure(std::string("best-policy.pt not written: ") + error.what());
            }
        }
        try {
            folder.appendEval(RunFolder::evalRow(e));
        } catch (const std::exception &error) {
            noteWriteFailure("evaluation of round " + std::to_string(e.round) +
                             " not written: " + error.what());
        }
        if (callbacks.eval)
            callbacks.eval(e);
    }

    // Write order: the row joins the history (so the checkpoint's journal holds it), the
    // checkpoint is written, policy.pt, then the row is appended to metrics.jsonl. A kill at
    // any instant after the checkpoint's rename cannot lose this round's row.
    void commitRound(RoundStats &s, Clock::time_point started)
    {
        metricsHistory.push_back(RunFolder::metricsRow(s).dump());
        auto t = Clock::now();
        if (writer() && config.checkpointEvery > 0 &&
            (round % config.checkpointEvery == 0 || round == config.rounds)) {
            std::string journal;
            for (const auto &row : metricsHistory)
                journal += row + "\n";
            try {
                checkpoints->save(round, state(), journal);
                lastSavedRound = round;
                failedCheckpointsInARow = 0;
            } catch (const std::exception &e) {
                ++failedCheckpointsInARow;
                s.warning += (s.warning.empty() ? "" : "; ") +
                             std::string("checkpoint failed, previous kept: ") + e.what();
                log(std::string("checkpoint failed (previous one kept): ") + e.what());
            }
            // policy.pt is what users export and generate from: a failed write is reported.
            try {
                shipped().save(folder.file("policy.pt").string());
                policyFailure.clear(); // a later write makes an earlier failure moot
            } catch (const std::exception &e) {
                policyFailure =
                    "policy.pt of round " + std::to_string(round) + " not written: " + e.what();
                log(policyFailure);
            }
        }
        s.secondsCheckpoint = since(t);
        s.secondsTotal = since(started);
        const auto row = RunFolder::metricsRow(s);
        metricsHistory.back() = row.dump(); // complete now: later checkpoints carry this copy
        try {
            folder.appendMetrics(row);
        } catch (const std::exception &e) {
            noteWriteFailure("metrics row of round " + std::to_string(round) +
                             " not written: " + e.what());
        }
        folder.rewriteCsv();
    }
};

DragonTrainer::DragonTrainer(const DragonConfig &config, const std::string &runDir,
                             DragonCallbacks callbacks)
    : m_impl(std::make_unique<Impl>())
{
    const auto problems = config.validate();
    if (!problems.empty()) {
        std::string all;
        for (const auto &p : problems)
            all += (all.empty() ? "" : "; ") + p;
        throw std::runtime_error("cannot train: " + all);
    }
    m_impl->config = config;
    m_impl->callbacks = std::move(callbacks);
    m_impl->prepare(runDir);
}

DragonTrainer::~DragonTrainer() = default;

int DragonTrainer::completedRounds() const
{
    return m_impl->round;
}

Generator &DragonTrainer::policy()
{
    return *m_impl->policy;
}

Generator &DragonTrainer::shippedModel()
{
    return m_impl->shipped();
}

std::pair<double, double> DragonTrainer::parameterChecksum()
{
    torch::NoGradGuard noGrad;
    double sum = 0, abs = 0;
    for (const auto &p : m_impl->policy->parameters()) {
        sum += p.to(torch::kFloat64).sum().item<double>();
        abs += p.to(torch::kFloat64).abs().sum().item<double>();
    }
    return {sum, abs};
}

bool DragonTrainer::becomesBestPolicy(const EvalStats &e, double bestLower)
{
    return e.round > 0 && e.winRate.lower > bestLower && GuardrailCheck::fallReason(e).empty();
}

EvalStats DragonTrainer::evaluate(const std::atomic<bool> *stop, int asRound)
{
    return m_impl->evaluate(stop, asRound);
}

int DragonTrainer::run(const std::atomic<bool> *stop, const std::atomic<bool> *pause)
{
    Impl &d = *m_impl;
    torch::NoGradGuard noGrad; // grad mode is thread-local: set here, in the worker's thread
    auto stopped = [&] { return stop && stop->load(); };
    if (d.writer() && ((d.round == 0 && d.evalDue(0)) || d.evalDueAfterResume))
        d.reportEval(stop); // the starting point (win rate 50 % by construction), or the
                            // evaluation a stop between a checkpoint and its evaluation left undone
    while (d.round < d.config.rounds && !stopped()) {
        if (d.waitWhilePaused(stop, pause))
            break;
        const auto started = Clock::now();
        RoundStats s;
        {
            torch::AutoGradMode enable(true);
            s = d.runRound(stop, pause);
        }
        if (stopped())
            break; // the round in flight is dropped; the last checkpoint stays
        ++d.round;
        d.commitRound(s, started);
        if (!s.warning.empty())
            d.log("round " + std::to_string(s.round) + ": " + s.warning);
        if (d.callbacks.round)
            d.callbacks.round(s);
        if (d.writer() && d.evalDue(d.round))
            d.reportEval(stop); // rank 0 only; the others wait for it at the next round's gather
        if (d.failedCheckpointsInARow >= Impl::kMaxFailedCheckpoints) {
            d.log("stopping: " + std::to_string(d.failedCheckpointsInARow) +
                  " checkpoints in a row could not be written");
            break;
        }
    }
    return d.round;
}

std::string DragonTrainer::unsavedWork() const
{
    const Impl &d = *m_impl;
    std::string problem;
    if (d.writer() && d.config.checkpointEvery > 0 && d.lastSavedRound < d.round)
        problem =
            (d.lastSavedRound + 1 == d.round ? "round " + std::to_string(d.round)
                                             : "rounds " + std::to_string(d.lastSavedRound + 1) +
                                                   "-" + std::to_string(d.round)) +
            " not saved (the last checkpoint written is " +
            (d.lastSavedRound > 0 ? "round " + std::to_string(d.lastSavedRound)
                                  : std::string("none")) +
            "; a resume continues from there)";
    for (const auto &f : d.writeFailures)
        problem += (problem.empty() ? "" : "; ") + f;
    if (!d.policyFailure.empty())
        problem += (problem.empty() ? "" : "; ") + d.policyFailure;
    return problem;
}

} // namespace dragon
