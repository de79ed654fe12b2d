#include "dragon/DragonTrainer.h"

#include "audio/AudioFileReader.h"
#include "audio/AudioFileWriter.h"
#include "audio/Loudness.h"
#include "dragon/DemoBuilder.h"
#include "dragon/DistributedGroup.h"
#include "dragon/DragonLoss.h"
#include "encoders/EmbeddingCache.h"
#include "encoders/EncoderFactory.h"
#include "encoders/ExemplarSetEmbedder.h"
#include "encoders/PocketClapEncoder.h"
#include "facade/GeneratorService.h"
#include "metrics/VendiScore.h"
#include "model/DdimSampler.h"
#include "model/PocketGenerator.h"
#include "model/TorchLoadError.h"
#include "rewards/ClapScoreReward.h"
#include "rewards/EmbeddingMatrix.h"
#include "rewards/RewardBuilder.h"
#include "dragon/RunCheckpoint.h"
#include "util/AtomicFileWriter.h"
#include "util/JsonFormatError.h"
#include "util/JsonObject.h"
#include "util/StrictJson.h"

#include <ATen/CPUGeneratorImpl.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <numeric>
#include <optional>
#include <nlohmann/json.hpp>
#include <random>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <limits>
#include <sstream>
#include <thread>

namespace dragon {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::uint64_t mix(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0)
{
    // splitmix64 over a combination: independent, reproducible streams per (seed, round, item).
    std::uint64_t z = a * 0x9E3779B97F4A7C15ULL + b * 0xBF58476D1CE4E5B9ULL + c * 0x94D049BB133111EBULL + 1;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

double since(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

double quantile(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const double pos = q * double(v.size() - 1);
    const std::size_t lo = std::size_t(pos), hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (pos - double(lo)) * (v[hi] - v[lo]);
}

bool needsEmbeddings(const RewardDefinition &d)
{
    for (const auto &t : d.terms)
        if (t.type != "loudness")
            return true;
    return false;
}

std::string roundName(int round)
{
    std::ostringstream s;
    s << "round-" << std::setw(6) << std::setfill('0') << round;
    return s.str();
}

// The "round" of a metrics or eval line, or -1 for a line that is torn or damaged.
int roundOfLine(const std::string &line)
{
    try {
        return JsonObject(StrictJson::parse(line), "a metrics line").integer("round", -1, -1, 1 << 30);
    } catch (const JsonFormatError &) {
        return -1;
    }
}

// Appends one line and syncs it, so a row that was reported written survives a power cut.
// Throws std::runtime_error naming the file (a full disk, a read-only folder).
void appendLineSynced(const fs::path &path, const std::string &line)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        throw std::runtime_error(path.string() + ": cannot open for writing: " + std::strerror(errno));
    const std::string text = line + "\n";
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const std::string why = std::strerror(errno);
            // Never leave half a row behind: the reader would drop it, but the next row would
            // be glued to it.
            if (::ftruncate(fd, ::lseek(fd, 0, SEEK_END) - off_t(done)) != 0) {
            }
            ::close(fd);
            throw std::runtime_error(path.string() + ": cannot write: " + why);
        }
        done += std::size_t(n);
    }
    const bool synced = ::fsync(fd) == 0;
    const std::string why = std::strerror(errno);
    ::close(fd);
    if (!synced)
        throw std::runtime_error(path.string() + ": cannot sync: " + why);
}

} // namespace

struct DragonTrainer::Impl
{
    DragonConfig config;
    fs::path runDir;
    DragonCallbacks callbacks;
    std::unique_ptr<DistributedGroup> group;
    std::unique_ptr<PocketGenerator> policy, reference, ema;
    std::shared_ptr<Encoder> encoder;
    std::shared_ptr<PocketClapEncoder> guard; // guardrails: Vendi and CLAP adherence
    std::unique_ptr<ClapScoreReward> guardClap;
    std::shared_ptr<Reward> reward;
    std::unique_ptr<torch::optim::AdamW> optimizer;
    DemoBuilder demo;
    int round = 0;
    // Eval clips: each prompt evalSeedsPerPrompt times (prompt-major), with its own seeds.
    std::vector<std::string> evalPrompts;
    std::vector<std::uint64_t> evalSeeds;
    std::vector<int> evalPromptOf;
    int evalPromptCount = 0;
    std::vector<AudioBuffer> baseAudio; // base model's eval clips (cached)
    // What every evaluation needs of the base clips, computed once: the reward encoder's batch
    // and the guardrail embeddings.
    std::optional<RewardBatch> baseBatch;
    RewardBatch baseGuard;
    double lastDecodeSeconds = 0;
    bool anchorAvailable = false; // the generator can supply pretraining batches
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

    std::vector<torch::Tensor> trainableParameters() const
    {
        std::vector<torch::Tensor> out;
        for (const auto &p : policy->parameters())
            if (p.requires_grad())
                out.push_back(p);
        return out;
    }

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

    RewardBatch score(const std::vector<AudioBuffer> &audio, const std::vector<std::string> &prompts,
                      double *encodeSeconds) const
    {
        const auto started = Clock::now();
        RewardBatch batch;
        batch.prompts = prompts;
        if (encoder)
            batch.embeddings = encoder->embedBatch(audio);
        if (reward->needsLoudness())
            for (const auto &a : audio)
                batch.loudnessLufs.push_back(Loudness::measure(a).integratedLufs);
        if (encodeSeconds)
            *encodeSeconds = since(started);
        return batch;
    }

    std::vector<AudioBuffer> generate(Generator &g, const std::vector<std::string> &prompts,
                                      const std::vector<std::uint64_t> &seeds, int steps, torch::Tensor *latents,
                                      const std::atomic<bool> *stop, const std::string &phase)
    {
        torch::NoGradGuard noGrad;
        g.setTraining(false);
        SamplerSettings s;
        s.steps = steps;
        s.guidance = config.guidance;
        std::vector<torch::Tensor> parts;
        std::vector<AudioBuffer> audio;
        const std::size_t batch = 16;
        for (std::size_t start = 0; start < prompts.size(); start += batch) {
            const std::size_t end = std::min(prompts.size(), start + batch);
            const std::vector<std::string> p(prompts.begin() + long(start), prompts.begin() + long(end));
            const std::vector<std::uint64_t> sd(seeds.begin() + long(start), seeds.begin() + long(end));
            auto z = DdimSampler::sample(g, p, sd, s,
                                         [&](int done, int total) {
                                             if (callbacks.progress)
                                                 callbacks.progress(phase, int(start) * total + done * int(end - start),
                                                                    int(prompts.size()) * total);
                                         },
                                         stop);
            if (!z.defined() || z.numel() == 0)
                return {};
            parts.push_back(z);
        }
        const auto all = torch::cat(parts, 0);
        if (latents)
            *latents = all;
        const auto decodeStart = Clock::now();
        auto decoded = g.decode(all);
        lastDecodeSeconds = since(decodeStart);
        return decoded;
    }

    void prepare()
    {
        group = std::make_unique<DistributedGroup>(config.worldSize, config.rank, config.master);
        fs::create_directories(runDir / "checkpoints");
        fs::create_directories(runDir / "audition");
        const int threads = config.threads > 0 ? config.threads
                                               : std::max(1, int(std::thread::hardware_concurrency()) - 1);
        torch::set_num_threads(threads);
        const std::string checkpoint = config.checkpoint.empty() ? GeneratorService::defaultPocketCheckpoint()
                                                                 : config.checkpoint;
        policy = PocketGenerator::load(checkpoint);
        reference = std::unique_ptr<PocketGenerator>(static_cast<PocketGenerator *>(policy->clone().release()));
        for (auto &p : reference->parameters())
            p.set_requires_grad(false);
        reference->setTraining(false);
        if (config.emaDecay > 0)
            ema = std::unique_ptr<PocketGenerator>(static_cast<PocketGenerator *>(policy->clone().release()));
        {
            torch::Tensor probe;
            std::vector<std::string> captions;
            anchorAvailable = policy->pretrainingBatch(1, 0, probe, captions);
            if (config.anchorWeight > 0 && !anchorAvailable)
                log("pretraining anchor off: this generator has no pretraining data");
        }
        torch::optim::AdamWOptions options(config.learningRate);
        options.weight_decay(config.weightDecay).betas({0.9, 0.999});
        if (!config.trainTextEncoder)
            for (auto &p : policy->model()->text->parameters())
                p.set_requires_grad(false);
        optimizer = std::make_unique<torch::optim::AdamW>(trainableParameters(), options);

        const RewardDefinition &definition = config.project.reward;
        if (needsEmbeddings(definition))
            encoder = std::shared_ptr<Encoder>(createEncoder(definition.encoder));
        std::map<std::string, ExemplarEmbeddings> exemplars;
        EmbeddingCache cache((runDir / "embeddings").string());
        for (const auto &term : definition.terms) {
            if (term.exemplarSet.empty() || exemplars.count(term.exemplarSet))
                continue;
            const ExemplarSet *set = config.project.findSet(term.exemplarSet);
            if (!set)
                throw std::runtime_error("reward term names exemplar set '" + term.exemplarSet + "', which the project lacks");
            auto embedded = ExemplarSetEmbedder::embed(*set, *encoder, &cache);
            for (const auto &[item, why] : embedded.problems)
                log("exemplar skipped: " + item + ": " + why);
            exemplars[term.exemplarSet] = std::move(embedded);
        }
        reward = RewardBuilder::build(definition, encoder, exemplars);
        try {
            guard = std::make_shared<PocketClapEncoder>();
            guardClap = std::make_unique<ClapScoreReward>(guard);
        } catch (const std::exception &e) {
            log(std::string("guardrails off (no pocket-clap): ") + e.what());
        }
        DemoBuilderConfig dc;
        dc.mode = config.loss == "dpo" ? DemoMode::Paired : DemoMode::Unpaired;
        dc.tieFraction = config.tieFraction;
        dc.baseline = config.labelBaseline == "running" ? LabelBaseline::Running
                      : config.labelBaseline == "median" ? LabelBaseline::Batch
                                                         : LabelBaseline::Prompt;
        demo = DemoBuilder(dc);

        const int n = config.evalPrompts > 0 ? std::min<int>(config.evalPrompts, int(config.project.evalPrompts.size()))
                                             : int(config.project.evalPrompts.size());
        evalPromptCount = n;
        for (int i = 0; i < n; ++i)
            for (int k = 0; k < config.evalSeedsPerPrompt; ++k) {
                evalPrompts.push_back(config.project.evalPrompts[std::size_t(i)]);
                // k = 0 keeps the seed a one-seed evaluation used
                evalSeeds.push_back((k == 0 ? mix(config.seed ^ 0xE7A1ULL, std::uint64_t(i))
                                            : mix(config.seed ^ 0xE7A1ULL, std::uint64_t(i), std::uint64_t(k))) %
                                    1000000007ULL);
                evalPromptOf.push_back(i);
            }
        if (writer())
            AtomicFileWriter::write((runDir / "config.json").string(), config.toJson());
        resume();
        std::ifstream best(runDir / "best-policy.json");
        if (best) {
            try {
                const auto j = StrictJson::parse(best);
                bestLowerBound = std::max(bestLowerBound, JsonObject(j, "best-policy.json").number("win_lower", 0.5));
            } catch (const JsonFormatError &e) {
                log((runDir / "best-policy.json").string() + " is damaged (" + e.what() + "): ignored");
            }
        }
        group->barrier(); // rank 0 may have rewritten files the others read
    }

    // --- checkpoints -------------------------------------------------------------------------

    void saveCheckpoint()
    {
        torch::serialize::OutputArchive archive;
        {
            torch::serialize::OutputArchive weights, optimizerState;
            policy->model()->save(weights);
            optimizer->save(optimizerState);
            archive.write("round", c10::IValue(int64_t(round)));
            archive.write("policy", weights);
            archive.write("optimizer", optimizerState);
            archive.write("baseline", c10::IValue(demo.baseline()));
            archive.write("hasBaseline", c10::IValue(demo.hasBaseline()));
            if (ema) {
                torch::serialize::OutputArchive emaWeights;
                ema->model()->save(emaWeights);
                archive.write("ema", emaWeights);
            }
        }
        std::string journal;
        for (const auto &row : metricsHistory)
            journal += row + "\n";
        // Atomic and synced: a kill or a full disk leaves the previous checkpoint intact.
        const fs::path path = runDir / "checkpoints" / (roundName(round) + ".pt");
        RunCheckpoint::write(path.string(), archive, journal);
        std::vector<fs::path> all;
        for (const auto &e : fs::directory_iterator(runDir / "checkpoints"))
            if (e.path().extension() == ".pt" && e.path().filename().string().rfind("round-", 0) == 0)
                all.push_back(e.path());
        std::sort(all.begin(), all.end());
        for (std::size_t i = 0; i + std::size_t(config.keepCheckpoints) < all.size(); ++i)
            fs::remove(all[i]);
    }

    // Empty when loaded; else why the file cannot be used.
    std::string loadCheckpoint(const fs::path &path, RunCheckpoint::Contents &contents)
    {
        try {
            torch::serialize::InputArchive archive, weights, optimizerState;
            contents = RunCheckpoint::read(path.string(), archive);
            c10::IValue savedRound, baseline, hasBaseline;
            archive.read("round", savedRound);
            archive.read("policy", weights);
            archive.read("optimizer", optimizerState);
            archive.read("baseline", baseline);
            archive.read("hasBaseline", hasBaseline);
            policy->model()->load(weights);
            optimizer->load(optimizerState);
            if (ema) {
                torch::serialize::InputArchive emaWeights;
                if (archive.try_read("ema", emaWeights))
                    ema->model()->load(emaWeights);
            }
            for (const auto &p : policy->parameters())
                if (!torch::isfinite(p).all().item<bool>())
                    return "it holds NaN or infinite weights";
            if (!savedRound.isInt() || savedRound.toInt() < 0 || savedRound.toInt() > (1 << 30) ||
                !baseline.isDouble() || !hasBaseline.isBool())
                return "its counters are damaged";
            demo.setBaseline(baseline.toDouble(), hasBaseline.toBool());
            round = int(savedRound.toInt());
            return {};
        } catch (...) {
            return TorchLoadError::describeCurrent();
        }
    }

    void resume()
    {
        // A kill during a checkpoint write can leave the writer's temporary file behind.
        if (writer())
            for (const auto &e : fs::directory_iterator(runDir / "checkpoints"))
                if (e.path().filename().string().find(".tmp-") != std::string::npos)
                    fs::remove(e.path());
        std::vector<fs::path> all;
        for (const auto &e : fs::directory_iterator(runDir / "checkpoints"))
            if (e.path().extension() == ".pt" && e.path().filename().string().rfind("round-", 0) == 0)
                all.push_back(e.path());
        std::sort(all.rbegin(), all.rend());
        RunCheckpoint::Contents contents;
        bool resumed = false;
        for (const auto &path : all) {
            const std::string problem = loadCheckpoint(path, contents);
            if (problem.empty()) {
                log("resumed from " + path.filename().string() + " (round " + std::to_string(round) + ")" +
                    (contents.verified ? "" : "; an older checkpoint without a checksum, not verified"));
                resumed = true;
                break;
            }
            round = 0;
            log("checkpoint " + path.filename().string() + " is unreadable or damaged (" + problem +
                "): trying an older one");
            // A failed load may have left half-read weights: restore the base model's, which the
            // frozen reference holds.
            torch::NoGradGuard noGrad;
            auto dst = policy->model()->named_parameters();
            for (const auto &item : reference->model()->named_parameters())
                dst[item.key()].copy_(item.value());
        }
        lastSavedRound = round;
        if (!writer())
            return;
        // The checkpoint's journal holds the rows of every round it includes: metrics.jsonl is
        // rebuilt from it, which also restores rows the file never received (a kill between the
        // checkpoint and the metrics append, a metrics file that could not be written).
        if (resumed && contents.hasJournal) {
            std::istringstream rows(contents.journal);
            for (std::string row; std::getline(rows, row);)
                if (!row.empty())
                    metricsHistory.push_back(row);
        }
        // Rows after the checkpoint belong to the round(s) in flight when the run stopped.
        int lastEvalRound = -1;
        for (const char *name : {"metrics.jsonl", "eval.jsonl"}) {
            const fs::path path = runDir / name;
            const bool metrics = std::string(name) == "metrics.jsonl";
            std::ifstream in(path);
            if (!in && !metrics)
                continue;
            std::string line, kept;
            std::vector<std::string> fileRows;
            while (std::getline(in, line)) {
                const int r = roundOfLine(line); // -1: a torn line from a kill, dropped
                if (r < 0 || r > round)
                    continue;
                kept += line + "\n";
                fileRows.push_back(line);
                if (!metrics)
                    lastEvalRound = std::max(lastEvalRound, r);
            }
            in.close();
            if (metrics) {
                if (resumed && contents.hasJournal) {
                    // The file's copy of a row is the complete one (it has the checkpoint's
                    // time); the journal's stands in where the file lacks the round.
                    std::map<int, std::string> onDisk;
                    for (const auto &row : fileRows)
                        onDisk[roundOfLine(row)] = row;
                    for (auto &row : metricsHistory) {
                        const auto it = onDisk.find(roundOfLine(row));
                        if (it != onDisk.end())
                            row = it->second;
                    }
                } else {
                    metricsHistory = fileRows; // older checkpoints: the file is all there is
                }
                kept.clear();
                for (const auto &row : metricsHistory)
                    kept += row + "\n";
            }
            AtomicFileWriter::write(path.string(), kept);
        }
        evalDueAfterResume = round > 0 && config.evalEvery > 0 && !evalPrompts.empty() &&
                             (round % config.evalEvery == 0 || round == config.rounds) && lastEvalRound < round;
        rewriteCsv();
    }

    void rewriteCsv()
    {
        if (!writer())
            return;
        std::ifstream in(runDir / "metrics.jsonl");
        std::ostringstream csv;
        csv << "round,reward_mean,reward_p10,reward_p50,reward_p90,demo_plus,demo_minus,pairs,labels,loss,"
               "implicit_accuracy,margin,grad_norm,anchor_loss,lr,updated,s_sample,s_decode,s_encode,s_reward,s_update,s_total\n";
        std::string line;
        while (std::getline(in, line)) {
            nlohmann::json j;
            try {
                j = StrictJson::parse(line);
            } catch (const JsonFormatError &) {
                continue;
            }
            const int r = roundOfLine(line);
            if (!j.is_object() || r < 0)
                continue;
            csv << r;
            for (const char *k : {"reward_mean", "reward_p10", "reward_p50", "reward_p90", "demo_plus", "demo_minus",
                                  "pairs", "labels", "loss", "implicit_accuracy", "margin", "grad_norm", "anchor_loss", "lr", "updated",
                                  "s_sample", "s_decode", "s_encode", "s_reward", "s_update", "s_total"}) {
                const auto v = j.find(k);
                csv << "," << (v != j.end() && !v->is_structured() ? v->dump() : std::string("0"));
            }
            csv << "\n";
        }
        AtomicFileWriter::write((runDir / "metrics.csv").string(), csv.str(), AtomicFileWriter::Durability::Fast);
    }

    // Throws std::runtime_error naming the file when the row cannot be written and synced.
    void appendJson(const char *file, const nlohmann::json &j)
    {
        if (!writer())
            return;
        appendLineSynced(runDir / file, j.dump());
    }

    void noteWriteFailure(const std::string &what)
    {
        writeFailures.push_back(what);
        log(what);
    }

    // --- one round -----------------------------------------------------------------------------

    // All ranks' latents, audio, embeddings and loudness, in global sample order (`order` lists
    // the global index of each gathered row: rank 0's share first).
    void gatherBatch(const std::vector<int64_t> &order, const std::vector<std::string> &prompts,
                     const torch::Tensor &myLatents, const std::vector<AudioBuffer> &myAudio,
                     const RewardBatch &myBatch, torch::Tensor &latents, std::vector<AudioBuffer> &audio,
                     RewardBatch &batch)
    {
        const auto where = torch::tensor(order, torch::kInt64);
        auto toGlobal = [&](const torch::Tensor &gathered) {
            return torch::zeros_like(gathered).index_copy_(0, where, gathered);
        };
        latents = toGlobal(group->allGather(myLatents.to(torch::kCPU).contiguous()));
        const int64_t samples = int64_t(myAudio.front().frames());
        auto packed = torch::zeros({int64_t(myAudio.size()), samples});
        for (std::size_t i = 0; i < myAudio.size(); ++i)
            std::memcpy(packed[int64_t(i)].data_ptr<float>(), myAudio[i].interleaved().data(),
                        sizeof(float) * std::size_t(std::min<int64_t>(samples, int64_t(myAudio[i].frames()))));
        const auto allAudio = toGlobal(group->allGather(packed));
        audio.clear();
        for (int64_t i = 0; i < allAudio.size(0); ++i) {
            const float *p = allAudio[i].data_ptr<float>();
            audio.emplace_back(std::vector<float>(p, p + samples), 1, myAudio.front().sampleRate());
        }
        batch = {};
        batch.prompts = prompts;
        if (!myBatch.embeddings.empty()) {
            const int dim = myBatch.embeddings.front().dimension;
            auto frames = torch::zeros({int64_t(myBatch.embeddings.size()), 1}, torch::kInt64);
            for (std::size_t i = 0; i < myBatch.embeddings.size(); ++i)
                frames[int64_t(i)][0] = myBatch.embeddings[i].frames;
            const auto allFrames = toGlobal(group->allGather(frames));
            const int64_t most = allFrames.max().item<int64_t>();
            auto rows = torch::zeros({int64_t(myBatch.embeddings.size()), most * dim + dim});
            for (std::size_t i = 0; i < myBatch.embeddings.size(); ++i) {
                const auto &e = myBatch.embeddings[i];
                std::memcpy(rows[int64_t(i)].data_ptr<float>(), e.frameData.data(), sizeof(float) * e.frameData.size());
                std::memcpy(rows[int64_t(i)].data_ptr<float>() + most * dim, e.clip.data(), sizeof(float) * std::size_t(dim));
            }
            const auto allRows = toGlobal(group->allGather(rows));
            for (int64_t i = 0; i < allRows.size(0); ++i) {
                Embedding e;
                e.frames = int(allFrames[i][0].item<int64_t>());
                e.dimension = dim;
                const float *p = allRows[i].data_ptr<float>();
                e.frameData.assign(p, p + int64_t(e.frames) * dim);
                e.clip.assign(p + most * dim, p + most * dim + dim);
                batch.embeddings.push_back(std::move(e));
            }
        }
        if (!myBatch.loudnessLufs.empty()) {
            const auto lufs = torch::tensor(myBatch.loudnessLufs, torch::kFloat64).unsqueeze(1);
            const auto all = toGlobal(group->allGather(lufs));
            for (int64_t i = 0; i < all.size(0); ++i)
                batch.loudnessLufs.push_back(all[i][0].item<double>());
        }
    }

    RoundStats runRound(const std::atomic<bool> *stop, const std::atomic<bool> *pause)
    {
        RoundStats stats;
        stats.round = round + 1;
        const std::uint64_t roundSeed = mix(config.seed, std::uint64_t(stats.round));
        std::mt19937_64 rng(roundSeed);
        const auto &pool = config.project.trainPrompts;
        std::vector<std::size_t> order(pool.size());
        std::iota(order.begin(), order.end(), 0);
        std::shuffle(order.begin(), order.end(), rng);
        std::vector<std::string> prompts;
        std::vector<std::uint64_t> seeds;
        std::vector<int> promptOf;
        for (int p = 0; p < config.promptsPerRound; ++p) {
            const std::string &prompt = pool[order[std::size_t(p) % order.size()]];
            for (int k = 0; k < config.seedsPerPrompt; ++k) {
                prompts.push_back(prompt);
                seeds.push_back(mix(roundSeed, std::uint64_t(p), std::uint64_t(k)) % 1000000007ULL);
                promptOf.push_back(p);
            }
        }
        // 1. On-policy demonstrations: this rank's share of the prompts (all K seeds of a prompt
        // stay on one rank), then everything the reward and the update need is gathered.
        auto t = Clock::now();
        auto shareOf = [&](int r) {
            std::vector<int64_t> idx;
            for (std::size_t i = 0; i < prompts.size(); ++i)
                if (promptOf[i] % config.worldSize == r)
                    idx.push_back(int64_t(i));
            return idx;
        };
        const auto mine = shareOf(config.rank);
        std::vector<std::string> myPrompts;
        std::vector<std::uint64_t> mySeeds;
        for (int64_t i : mine) {
            myPrompts.push_back(prompts[std::size_t(i)]);
            mySeeds.push_back(seeds[std::size_t(i)]);
        }
        torch::Tensor myLatents;
        const auto myAudio = generate(*policy, myPrompts, mySeeds, config.demoSteps, &myLatents, stop, "sampling");
        if (myAudio.empty())
            return stats; // stopped
        stats.secondsDecode = lastDecodeSeconds;
        stats.secondsSample = since(t) - lastDecodeSeconds;
        if (waitWhilePaused(stop, pause))
            return stats;
        // 2. Encode and score (each rank its own clips), gather the global batch.
        const RewardBatch myBatch = score(myAudio, myPrompts, &stats.secondsEncode);
        torch::Tensor latents;
        std::vector<AudioBuffer> audio;
        RewardBatch batch;
        if (!group->active()) {
            latents = myLatents;
            audio = myAudio;
            batch = myBatch;
        } else {
            std::vector<int64_t> gatherOrder;
            for (int r = 0; r < config.worldSize; ++r) {
                const auto share = shareOf(r);
                gatherOrder.insert(gatherOrder.end(), share.begin(), share.end());
            }
            gatherBatch(gatherOrder, prompts, myLatents, myAudio, myBatch, latents, audio, batch);
        }
        t = Clock::now();
        std::vector<double> utilities = reward->utilities(batch);
        std::vector<double> raw;
        if (reward->kind() == RewardKind::DistributionToDistribution) {
            stats.rewardMean = reward->scoreSet(batch);
            raw = utilities;
        } else {
            raw = reward->scoreEach(batch);
            stats.rewardMean = std::accumulate(raw.begin(), raw.end(), 0.0) / double(raw.size());
        }
        stats.rewardP10 = quantile(raw, 0.1);
        stats.rewardP50 = quantile(raw, 0.5);
        stats.rewardP90 = quantile(raw, 0.9);
        const Demonstrations demos = demo.build(utilities, promptOf, reward->kind());
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
                (l.label > 0 ? (plus += utilities[std::size_t(l.index)], ++np) : (minus += utilities[std::size_t(l.index)], ++nm));
            stats.demoPlusMean = np ? plus / np : 0;
            stats.demoMinusMean = nm ? minus / nm : 0;
        }
        writeAudition(stats.round, audio, prompts, seeds, utilities, demos);
        if (waitWhilePaused(stop, pause))
            return stats;
        // 3. Update.
        t = Clock::now();
        const double lr = config.learningRate * std::min(1.0, double(stats.round) / std::max(1, config.warmupRounds));
        for (auto &paramGroup : optimizer->param_groups())
            static_cast<torch::optim::AdamWOptions &>(paramGroup.options()).lr(lr);
        stats.learningRate = lr;
        if (!demos.empty())
            update(demos, latents, prompts, promptOf, roundSeed, stats, stop);
        stats.secondsUpdate = since(t);
        return stats;
    }

    bool guidedLoss() const { return config.guidedLoss && config.guidance != 1.0f; }

    // Per-sample MSE of the prediction the sampler actually uses: with classifier-free guidance,
    // uncond + g (cond - uncond) (condition = [cond; uncond], one batched forward). Training the
    // conditional branch alone on guided samples pulls it toward the guided outputs, which the
    // sampler then amplifies again (measured: diversity and CLAP adherence fell round by round).
    torch::Tensor mse(Generator &g, const torch::Tensor &x0, const torch::Tensor &steps, const torch::Tensor &noise,
                      const TextCondition &condition) const
    {
        if (!guidedLoss())
            return diffusion::perSampleMse(g, x0, steps, noise, condition);
        const auto xt = diffusion::addNoise(g.alphasCumprod(), x0, steps, noise);
        const auto both = g.denoise(torch::cat({xt, xt}), torch::cat({steps, steps}), condition).chunk(2, 0);
        const auto guided = both[1] + double(config.guidance) * (both[0] - both[1]);
        return (guided - diffusion::target(g, x0, steps, noise)).pow(2).flatten(1).mean(1);
    }

    void update(const Demonstrations &demos, const torch::Tensor &latents, const std::vector<std::string> &prompts,
                const std::vector<int> &promptOf, std::uint64_t roundSeed, RoundStats &stats,
                const std::atomic<bool> *stop)
    {
        policy->setTraining(true);
        // Units of the loss: pairs (DPO) or labelled samples (KTO). Unit j is this rank's when
        // j % worldSize == rank; each rank's loss is scaled by its share so that the summed
        // gradients equal the single-process mean over all units.
        const bool paired = !demos.pairs.empty();
        const int64_t units = paired ? int64_t(demos.pairs.size()) : int64_t(demos.labels.size());
        std::vector<int64_t> myUnits;
        for (int64_t j = 0; j < units; ++j)
            if (j % config.worldSize == config.rank)
                myUnits.push_back(j);
        const int64_t mineCount = int64_t(myUnits.size());
        std::vector<int64_t> index;
        std::vector<float> labels;
        if (paired) {
            for (int64_t j : myUnits)
                index.push_back(demos.pairs[std::size_t(j)].winner);
            for (int64_t j : myUnits)
                index.push_back(demos.pairs[std::size_t(j)].loser);
        } else {
            for (int64_t j : myUnits) {
                index.push_back(demos.labels[std::size_t(j)].index);
                labels.push_back(float(demos.labels[std::size_t(j)].label));
            }
        }
        std::vector<std::string> texts;
        for (int64_t i : index)
            texts.push_back(prompts[std::size_t(i)]);
        const auto device = policy->device();
        const auto params = trainableParameters();
        const auto unitRows = torch::tensor(myUnits, torch::kInt64);
        torch::Tensor x0;
        TextCondition refCondition;
        if (mineCount > 0) {
            x0 = latents.index_select(0, torch::tensor(index).to(latents.device())).to(device);
            torch::NoGradGuard noGrad;
            refCondition = reference->encodeText(texts);
            if (guidedLoss())
                refCondition = TextCondition::cat(refCondition, reference->encodeText(std::vector<std::string>(texts.size())));
        }
        const auto shape = latents.sizes();
        LossStats total;
        double gradNorm = 0;
        int applied = 0, measured = 0, backwards = 0;
        const bool accumulate = config.accumulatePasses;
        auto applyStep = [&] {
            if (group->active()) {
                std::vector<torch::Tensor> grads;
                for (const auto &p : params) {
                    if (!p.grad().defined())
                        p.mutable_grad() = torch::zeros_like(p);
                    grads.push_back(p.grad());
                }
                group->allReduceSum(grads);
            }
            gradNorm += torch::nn::utils::clip_grad_norm_(params, config.gradClip);
            optimizer->step();
            ++applied;
            if (ema) {
                torch::NoGradGuard noGrad;
                auto dst = ema->model()->named_parameters();
                for (const auto &item : policy->model()->named_parameters())
                    dst[item.key()].mul_(config.emaDecay).add_(item.value(), 1.0 - config.emaDecay);
            }
        };
        const bool anchorOn = config.anchorWeight > 0 && anchorAvailable;
        double anchorTotal = 0;
        optimizer->zero_grad();
        for (int pass = 0; pass < config.gradientPasses; ++pass) {
            if (stop && stop->load())
                break; // the round is dropped anyway: stop without finishing the update
            // t and noise for every unit, drawn identically on all ranks; the same for a pair's
            // winner and loser, and (labels against the prompt's mean) for all samples of one
            // prompt: then what differs between a prompt's D+ and D- terms is the sample, not the
            // draw, which removes most of the gradient's timestep noise.
            const bool perPrompt = !paired && config.labelBaseline == "prompt";
            // Per prompt: one row per prompt index (at least `units` rows, so the usual case
            // draws exactly what one row per unit would).
            const int64_t drawRows = perPrompt ? std::max<int64_t>(units, config.promptsPerRound) : units;
            auto generator = at::make_generator<at::CPUGeneratorImpl>(mix(roundSeed, 77, std::uint64_t(pass)));
            auto allSteps = torch::randint(0, policy->trainSteps(), {drawRows}, generator, torch::kInt64);
            auto allNoise = torch::randn({drawRows, shape[1], shape[2]}, generator, torch::kFloat32);
            if (perPrompt) {
                std::vector<int64_t> draw;
                for (const auto &l : demos.labels)
                    draw.push_back(promptOf[std::size_t(l.index)]);
                const auto rows = torch::tensor(draw, torch::kInt64);
                allSteps = allSteps.index_select(0, rows);
                allNoise = allNoise.index_select(0, rows);
            }
            if (!accumulate)
                optimizer->zero_grad();
            LossStats s;
            double finite = 1;
            torch::Tensor loss;
            if (mineCount > 0) {
                auto steps = allSteps.index_select(0, unitRows);
                auto noise = allNoise.index_select(0, unitRows);
                if (paired) {
                    steps = torch::cat({steps, steps});
                    noise = torch::cat({noise, noise});
                }
                steps = steps.to(device);
                noise = noise.to(device);
                torch::Tensor refMse;
                {
                    torch::NoGradGuard noGrad;
                    refMse = mse(*reference, x0, steps, noise, refCondition);
                }
                auto condition = policy->encodeText(texts);
                if (guidedLoss())
                    condition = TextCondition::cat(condition, policy->encodeText(std::vector<std::string>(texts.size())));
                const auto modelMse = mse(*policy, x0, steps, noise, condition);
                if (paired) {
                    loss = diffusionDpoLoss(modelMse.narrow(0, 0, mineCount), modelMse.narrow(0, mineCount, mineCount),
                                            refMse.narrow(0, 0, mineCount), refMse.narrow(0, mineCount, mineCount),
                                            config.beta, &s);
                } else {
                    double meanGap = std::numeric_limits<double>::quiet_NaN();
                    if (group->active()) { // z uses the mean gap over every rank's samples
                        std::vector<torch::Tensor> gap{torch::stack(
                            {(refMse - modelMse).detach().sum().to(torch::kCPU, torch::kFloat32),
                             torch::full({}, float(mineCount))})};
                        group->allReduceSum(gap);
                        meanGap = gap[0][0].item<double>() / gap[0][1].item<double>();
                    }
                    loss = diffusionKtoLoss(modelMse, refMse, torch::tensor(labels).to(device), config.beta,
                                            config.ktoLambdaDesirable, config.ktoLambdaUndesirable, &s, meanGap);
                }
                finite = std::isfinite(s.loss) ? 1 : 0;
            } else if (!paired && group->active()) {
                std::vector<torch::Tensor> gap{torch::zeros({2})};
                group->allReduceSum(gap);
            }
            // The anchor's value is summed over ranks, so every rank sees the same one.
            std::pair<torch::Tensor, double> anchor;
            if (anchorOn) {
                anchor = anchorLoss(roundSeed, pass);
                if (!std::isfinite(anchor.second))
                    finite = 0;
            }
            // Every rank must agree to skip a non-finite step.
            std::vector<torch::Tensor> votes{torch::tensor({float(finite)})};
            group->allReduceSum(votes);
            if (votes[0].item<float>() < float(config.worldSize)) {
                stats.warning += (stats.warning.empty() ? "" : "; ") + std::string("non-finite loss: pass skipped");
                if (!accumulate)
                    optimizer->zero_grad();
                continue; // no backward: the gradients stay clean
            }
            const double share = double(mineCount) / double(units);
            torch::Tensor objective;
            if (mineCount > 0)
                objective = loss * share;
            if (anchorOn) {
                anchorTotal += anchor.second;
                if (anchor.first.defined())
                    objective = objective.defined() ? objective + config.anchorWeight * anchor.first
                                                    : config.anchorWeight * anchor.first;
            }
            if (objective.defined())
                (accumulate ? objective / config.gradientPasses : objective).backward();
            ++backwards;
            if (!accumulate)
                applyStep();
            // Statistics over all units: weighted by each rank's share.
            std::vector<torch::Tensor> sums{torch::tensor({float(s.loss * share), float(s.implicitAccuracy * share),
                                                           float(s.rewardsChosen * share), float(s.rewardsRejected * share),
                                                           float(s.margin * share)})};
            group->allReduceSum(sums);
            total.loss += sums[0][0].item<double>();
            total.implicitAccuracy += sums[0][1].item<double>();
            total.rewardsChosen += sums[0][2].item<double>();
            total.rewardsRejected += sums[0][3].item<double>();
            total.margin += sums[0][4].item<double>();
            ++measured;
        }
        // Accumulated: one optimizer step per round from the mean gradient of all passes (each
        // pass with fresh t and noise), which averages out much of the timestep noise.
        if (accumulate && backwards > 0 && !(stop && stop->load()))
            applyStep();
        policy->setTraining(false);
        if (applied > 0 && measured > 0) {
            stats.updated = true;
            stats.loss = {total.loss / measured, total.implicitAccuracy / measured, total.rewardsChosen / measured,
                          total.rewardsRejected / measured, total.margin / measured};
            stats.gradNorm = gradNorm / applied;
            stats.anchorLoss = anchorOn ? anchorTotal / measured : 0;
        }
    }

    // The pretraining objective on this rank's rows of a fresh corpus batch (rows split over
    // ranks like the loss units; the sum over ranks is the batch mean). Returns the part to
    // differentiate (undefined when this rank has no rows) and the batch-mean loss value.
    std::pair<torch::Tensor, double> anchorLoss(std::uint64_t roundSeed, int pass)
    {
        torch::Tensor latents;
        std::vector<std::string> captions;
        policy->pretrainingBatch(config.anchorBatch, mix(roundSeed, 313, std::uint64_t(pass)), latents, captions);
        auto generator = at::make_generator<at::CPUGeneratorImpl>(mix(roundSeed, 317, std::uint64_t(pass)));
        const auto steps = torch::randint(0, policy->trainSteps(), {config.anchorBatch}, generator, torch::kInt64);
        const auto noise = torch::randn(latents.sizes(), generator, torch::kFloat32);
        std::vector<int64_t> rows;
        std::vector<std::string> texts;
        for (int j = 0; j < config.anchorBatch; ++j)
            if (j % config.worldSize == config.rank) {
                rows.push_back(j);
                texts.push_back(captions[std::size_t(j)]);
            }
        torch::Tensor part;
        double sum = 0;
        if (!rows.empty()) {
            const auto device = policy->device();
            const auto r = torch::tensor(rows, torch::kInt64);
            const auto perSample = diffusion::perSampleMse(*policy, latents.index_select(0, r).to(device),
                                                           steps.index_select(0, r).to(device),
                                                           noise.index_select(0, r).to(device), policy->encodeText(texts));
            part = perSample.sum() / double(config.anchorBatch);
            sum = part.item<double>();
        }
        std::vector<torch::Tensor> total{torch::tensor({float(sum)})};
        group->allReduceSum(total);
        return {part, total[0][0].item<double>()};
    }

    void writeAudition(int r, const std::vector<AudioBuffer> &audio, const std::vector<std::string> &prompts,
                       const std::vector<std::uint64_t> &seeds, const std::vector<double> &utilities,
                       const Demonstrations &demos)
    {
        if (!writer() || config.auditionEvery <= 0 || r % config.auditionEvery != 0 || demos.empty())
            return;
        // The best D+ and the worst D- sample of the round.
        int best = -1, worst = -1;
        auto consider = [&](int i, int label) {
            if (label > 0 && (best < 0 || utilities[std::size_t(i)] > utilities[std::size_t(best)]))
                best = i;
            if (label < 0 && (worst < 0 || utilities[std::size_t(i)] < utilities[std::size_t(worst)]))
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
            AuditionClip clip{r, (runDir / "audition" / (roundName(r) + (label > 0 ? "-plus.wav" : "-minus.wav"))).string(),
                              prompts[std::size_t(i)], seeds[std::size_t(i)], utilities[std::size_t(i)], label};
            try {
                AudioFileWriter::write(clip.path, audio[std::size_t(i)], {AudioContainer::Wav});
                if (callbacks.audition)
                    callbacks.audition(clip);
            } catch (const std::exception &e) {
                log(std::string("audition clip not written: ") + e.what());
            }
        }
    }

    // --- evaluation ------------------------------------------------------------------------------

    EvalStats evaluate(const std::atomic<bool> *stop)
    {
        if (evalPrompts.empty())
            throw std::runtime_error("no evaluation prompts");
        EvalStats e;
        e.round = round;
        const auto started = Clock::now();
        if (baseAudio.empty()) {
            const fs::path cacheDir = runDir / "eval-base";
            bool cached = false;
            {
                std::ifstream complete(cacheDir / "complete");
                std::size_t count = 0;
                cached = complete && (complete >> count) && count == evalPrompts.size();
            }
            if (cached) {
                for (std::size_t i = 0; i < evalPrompts.size() && cached; ++i) {
                    try {
                        baseAudio.push_back(AudioFileReader::read((cacheDir / (std::to_string(i) + ".wav")).string()));
                    } catch (const std::exception &) {
                        cached = false;
                    }
                }
                if (!cached)
                    baseAudio.clear();
            }
            if (!cached) {
                baseAudio = generate(*reference, evalPrompts, evalSeeds, config.evalSteps, nullptr, stop, "evaluating base");
                if (baseAudio.empty())
                    return e;
                fs::create_directories(cacheDir);
                // Float WAV: a resumed run reads back exactly what the first evaluation scored.
                AudioWriteFormat format;
                format.encoding = SampleEncoding::Float32;
                for (std::size_t i = 0; i < baseAudio.size(); ++i)
                    AudioFileWriter::write((cacheDir / (std::to_string(i) + ".wav")).string(), baseAudio[i], format);
                std::ofstream(cacheDir / "complete") << evalPrompts.size() << "\n";
            }
        }
        const auto policyAudio = generate(*policy, evalPrompts, evalSeeds, config.evalSteps, nullptr, stop, "evaluating");
        if (policyAudio.empty())
            return e;
        if (!baseBatch) {
            baseBatch = score(baseAudio, evalPrompts, nullptr);
            if (guard) {
                baseGuard.embeddings = guard->embedBatch(baseAudio);
                baseGuard.prompts = evalPrompts;
            }
        }
        const RewardBatch &base = *baseBatch;
        const RewardBatch mine = score(policyAudio, evalPrompts, nullptr);
        const std::size_t n = std::size_t(evalPromptCount);
        std::vector<std::vector<std::size_t>> clipsOf(n);
        for (std::size_t c = 0; c < evalPrompts.size(); ++c)
            clipsOf[std::size_t(evalPromptOf[c])].push_back(c);
        std::vector<int> outcomes;
        if (reward->kind() == RewardKind::DistributionToDistribution) {
            e.rewardBase = reward->scoreSet(base);
            e.rewardPolicy = reward->scoreSet(mine);
            e.deltaMean = reward->sign() * (e.rewardPolicy - e.rewardBase);
            // Bootstrap over prompts (each with all its seeds), the same subsets for both.
            std::mt19937_64 rng(mix(config.seed, 999));
            std::uniform_int_distribution<std::size_t> pick(0, n - 1);
            std::vector<double> deltas;
            for (int b = 0; b < config.bootstrapDraws; ++b) {
                RewardBatch sb, sm;
                for (std::size_t k = 0; k < n; ++k)
                    for (std::size_t c : clipsOf[pick(rng)]) {
                        sb.embeddings.push_back(base.embeddings[c]);
                        sm.embeddings.push_back(mine.embeddings[c]);
                        sb.prompts.push_back(evalPrompts[c]);
                        sm.prompts.push_back(evalPrompts[c]);
                    }
                const double d = reward->sign() * (reward->scoreSet(sm) - reward->scoreSet(sb));
                deltas.push_back(d);
                outcomes.push_back(d > 1e-12 ? 1 : d < -1e-12 ? -1 : 0);
            }
            e.deltaLower = quantile(deltas, 0.025);
            e.deltaUpper = quantile(deltas, 0.975);
        } else {
            // Score both batches together so combined rewards standardise on the same scale.
            RewardBatch joint = base;
            joint.prompts.insert(joint.prompts.end(), mine.prompts.begin(), mine.prompts.end());
            joint.embeddings.insert(joint.embeddings.end(), mine.embeddings.begin(), mine.embeddings.end());
            joint.loudnessLufs.insert(joint.loudnessLufs.end(), mine.loudnessLufs.begin(), mine.loudnessLufs.end());
            const auto u = reward->utilities(joint);
            const auto rawBase = reward->scoreEach(base), rawMine = reward->scoreEach(mine);
            const std::size_t clips = evalPrompts.size();
            e.rewardBase = std::accumulate(rawBase.begin(), rawBase.end(), 0.0) / double(clips);
            e.rewardPolicy = std::accumulate(rawMine.begin(), rawMine.end(), 0.0) / double(clips);
            // A prompt's outcome: its seeds' mean utility, policy against base (same seeds).
            std::vector<double> deltas;
            for (std::size_t i = 0; i < n; ++i) {
                double d = 0, scale = 0;
                for (std::size_t c : clipsOf[i]) {
                    d += (u[clips + c] - u[c]) / double(clipsOf[i].size());
                    scale += std::abs(u[c]) / double(clipsOf[i].size());
                }
                deltas.push_back(d);
                outcomes.push_back(d > 1e-9 * (1 + scale) ? 1 : d < -1e-9 * (1 + scale) ? -1 : 0);
            }
            double mean = std::accumulate(deltas.begin(), deltas.end(), 0.0) / double(n), var = 0;
            for (double d : deltas)
                var += (d - mean) * (d - mean) / std::max<double>(1, double(n) - 1);
            const double half = 1.96 * std::sqrt(var / double(n));
            e.deltaMean = mean;
            e.deltaLower = mean - half;
            e.deltaUpper = mean + half;
        }
        e.winRate = winRateFromOutcomes(outcomes.data(), int(outcomes.size()));
        if (reward->kind() == RewardKind::DistributionToDistribution) {
            // Bootstrap draws are not independent trials: the interval uses the number of eval
            // prompts as the sample size, and p is the two-sided bootstrap p-value.
            int wins = 0, losses = 0;
            for (int o : outcomes) {
                if (o > 0)
                    ++wins;
                else if (o < 0)
                    ++losses;
            }
            std::tie(e.winRate.lower, e.winRate.upper) = wilsonInterval(e.winRate.rate * double(n), int(n));
            // Two-sided bootstrap p-value, ties counted half, with the usual +1 correction.
            const double draws = double(outcomes.size());
            const double ties = draws - wins - losses;
            e.winRate.signTestP = std::min(1.0, 2.0 * (std::min(wins, losses) + 0.5 * ties + 1.0) / (draws + 1.0));
        }
        if (guard) {
            RewardBatch guarded;
            guarded.embeddings = guard->embedBatch(policyAudio);
            guarded.prompts = evalPrompts;
            e.vendiBase = vendiScore(clipMatrix(baseGuard.embeddings));
            e.vendiPolicy = vendiScore(clipMatrix(guarded.embeddings));
            e.clapBase = guardClap->scoreSet(baseGuard); // mean CLAP score
            e.clapPolicy = guardClap->scoreSet(guarded);
        }
        e.seconds = since(started);
        return e;
    }
};

DragonTrainer::DragonTrainer(const DragonConfig &config, const std::string &runDir, DragonCallbacks callbacks)
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
    m_impl->runDir = runDir;
    m_impl->callbacks = std::move(callbacks);
    m_impl->prepare();
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

EvalStats DragonTrainer::evaluate(const std::atomic<bool> *stop)
{
    return m_impl->evaluate(stop);
}

int DragonTrainer::run(const std::atomic<bool> *stop, const std::atomic<bool> *pause)
{
    Impl &d = *m_impl;
    torch::NoGradGuard noGrad; // grad mode is thread-local: set here, in the worker's thread
    auto stopped = [&] { return stop && stop->load(); };
    auto reportEval = [&] {
        const EvalStats e = d.evaluate(stop);
        if (stopped())
            return;
        // Keep the policy with the best lower win-rate bound so far: a run that later drifts
        // (the guardrails show it) still has its best model.
        if (e.round > 0 && e.winRate.lower > d.bestLowerBound) {
            d.bestLowerBound = e.winRate.lower;
            try {
                d.policy->save((d.runDir / "best-policy.pt").string());
                AtomicFileWriter::write((d.runDir / "best-policy.json").string(),
                                        nlohmann::json{{"round", e.round}, {"win_rate", e.winRate.rate},
                                                       {"win_lower", e.winRate.lower}}.dump());
            } catch (const std::exception &error) {
                d.noteWriteFailure(std::string("best-policy.pt not written: ") + error.what());
            }
        }
        const nlohmann::json row = {{"round", e.round}, {"win_rate", e.winRate.rate}, {"win_lower", e.winRate.lower},
                                    {"win_upper", e.winRate.upper}, {"sign_test_p", e.winRate.signTestP},
                                    {"trials", e.winRate.trials}, {"reward_base", e.rewardBase},
                                    {"reward_policy", e.rewardPolicy}, {"delta", e.deltaMean},
                                    {"delta_lower", e.deltaLower}, {"delta_upper", e.deltaUpper}, {"vendi_base", e.vendiBase},
                                    {"vendi_policy", e.vendiPolicy}, {"clap_base", e.clapBase},
                                    {"clap_policy", e.clapPolicy}, {"seconds", e.seconds}};
        try {
            d.appendJson("eval.jsonl", row);
        } catch (const std::exception &error) {
            d.noteWriteFailure("evaluation of round " + std::to_string(e.round) + " not written: " + error.what());
        }
        if (d.callbacks.eval)
            d.callbacks.eval(e);
    };
    if (d.writer() && ((d.round == 0 && d.config.evalEvery > 0 && !d.evalPrompts.empty()) || d.evalDueAfterResume))
        reportEval(); // the starting point (win rate 50 % by construction), or the evaluation a
                      // stop between a checkpoint and its evaluation left undone
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
        nlohmann::json row = {
            {"round", s.round}, {"reward_mean", s.rewardMean}, {"reward_p10", s.rewardP10},
            {"reward_p50", s.rewardP50}, {"reward_p90", s.rewardP90}, {"demo_plus", s.demoPlusMean},
            {"demo_minus", s.demoMinusMean}, {"pairs", s.pairs}, {"labels", s.labels},
            {"skipped_ties", s.skippedTies}, {"loss", s.loss.loss}, {"implicit_accuracy", s.loss.implicitAccuracy},
            {"margin", s.loss.margin}, {"rewards_chosen", s.loss.rewardsChosen},
            {"rewards_rejected", s.loss.rewardsRejected}, {"grad_norm", s.gradNorm},
            {"anchor_loss", s.anchorLoss}, {"lr", s.learningRate},
            {"updated", s.updated}, {"warning", s.warning}, {"s_sample", s.secondsSample},
            {"s_decode", s.secondsDecode}, {"s_encode", s.secondsEncode}, {"s_reward", s.secondsReward},
            {"s_update", s.secondsUpdate}};
        // The row goes into the history first, so the checkpoint's journal holds it: a kill at
        // any instant after the checkpoint's rename cannot lose this round's row.
        d.metricsHistory.push_back(row.dump());
        auto t = Clock::now();
        if (d.writer() && d.config.checkpointEvery > 0 &&
            (d.round % d.config.checkpointEvery == 0 || d.round == d.config.rounds)) {
            try {
                d.saveCheckpoint();
                d.lastSavedRound = d.round;
                d.failedCheckpointsInARow = 0;
            } catch (const std::exception &e) {
                ++d.failedCheckpointsInARow;
                s.warning += (s.warning.empty() ? "" : "; ") + std::string("checkpoint failed, previous kept: ") + e.what();
                d.log(std::string("checkpoint failed (previous one kept): ") + e.what());
            }
            // policy.pt is what users export and generate from: a failed write is reported.
            try {
                d.policy->save((d.runDir / "policy.pt").string());
                d.policyFailure.clear(); // a later write makes an earlier failure moot
            } catch (const std::exception &e) {
                d.policyFailure = "policy.pt of round " + std::to_string(d.round) + " not written: " + e.what();
                d.log(d.policyFailure);
            }
        }
        s.secondsCheckpoint = since(t);
        s.secondsTotal = since(started);
        row["warning"] = s.warning;
        row["s_checkpoint"] = s.secondsCheckpoint;
        row["s_total"] = s.secondsTotal;
        d.metricsHistory.back() = row.dump(); // complete now: later checkpoints carry this copy
        try {
            d.appendJson("metrics.jsonl", row);
        } catch (const std::exception &e) {
            d.noteWriteFailure("metrics row of round " + std::to_string(d.round) + " not written: " + e.what());
        }
        d.rewriteCsv();
        if (!s.warning.empty())
            d.log("round " + std::to_string(s.round) + ": " + s.warning);
        if (d.callbacks.round)
            d.callbacks.round(s);
        if (d.writer() && d.config.evalEvery > 0 && !d.evalPrompts.empty() &&
            (d.round % d.config.evalEvery == 0 || d.round == d.config.rounds))
            reportEval(); // rank 0 only; the others wait for it at the next round's gather
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
        problem = (d.lastSavedRound + 1 == d.round ? "round " + std::to_string(d.round)
                                                   : "rounds " + std::to_string(d.lastSavedRound + 1) + "-" +
                                                         std::to_string(d.round)) +
                  " not saved (the last checkpoint written is " +
                  (d.lastSavedRound > 0 ? "round " + std::to_string(d.lastSavedRound) : std::string("none")) +
                  "; a resume continues from there)";
    for (const auto &f : d.writeFailures)
        problem += (problem.empty() ? "" : "; ") + f;
    if (!d.policyFailure.empty())
        problem += (problem.empty() ? "" : "; ") + d.policyFailure;
    return problem;
}

} // namespace dragon
