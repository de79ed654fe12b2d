#include "BenchCommands.h"

#include "CliOptions.h"
#include "CommandUsage.h"
#include "audio/AudioFileWriter.h"
#include "dragon/DragonTrainer.h"
#include "encoders/EncoderFactory.h"
#include "metrics/FrechetDistance.h"
#include "metrics/VendiScore.h"
#include "model/ComputeThreads.h"
#include "model/CorpusGenerator.h"
#include "model/PocketGenerator.h"
#include "model/Synthesizer.h"
#include "model/TextTokenizer.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <torch/csrc/autograd/profiler_legacy.h>

namespace dragon::cli {
namespace fs = std::filesystem;

namespace {

// Median wall time of `repeats` runs, in seconds.
double medianSeconds(int repeats, const std::function<void()> &work)
{
    std::vector<double> times;
    for (int r = 0; r < repeats; ++r) {
        const auto start = std::chrono::steady_clock::now();
        work();
        times.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

Eigen::MatrixXd gaussianRows(int n, int d, unsigned seed, double shift)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    Eigen::MatrixXd mix(d, d), rows(n, d);
    for (int i = 0; i < d; ++i)
        for (int j = 0; j < d; ++j)
            mix(i, j) = normal(rng) / std::sqrt(double(d));
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < d; ++j)
            rows(i, j) = normal(rng);
    return (rows * mix).array() + shift;
}

void writeRows(const fs::path &path, const Eigen::MatrixXd &m)
{
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> r = m;
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char *>(r.data()), std::streamsize(r.size() * 8));
}

} // namespace

int benchMetrics(const Args &input)
{
    Args args = input;
    const std::string out = takeOption(args, "--out", "");
    const int repeats = toInt(takeOption(args, "--repeat", "3"), "--repeat");
    if (out.empty() || !args.empty() || repeats < 1) {
        return usageError("bench-metrics");
    }
    fs::create_directories(out);
    nlohmann::json results;
    for (int d : {128, 512}) {
        const auto a = gaussianRows(2000, d, 1, 0.0), b = gaussianRows(2000, d, 2, 0.2);
        writeRows(fs::path(out) / ("fad_a_" + std::to_string(d) + ".f64"), a);
        writeRows(fs::path(out) / ("fad_b_" + std::to_string(d) + ".f64"), b);
        double value = 0;
        const double seconds = medianSeconds(repeats, [&] {
            value = frechetDistance(GaussianStats::fromRows(a), GaussianStats::fromRows(b));
        });
        results["fad_" + std::to_string(d)] = {{"seconds", seconds}, {"value", value}};
        std::cout << "FAD N=2000 D=" << d << ": " << seconds << " s (value " << value << ")\n";
    }
    {
        const auto x = gaussianRows(1000, 512, 3, 0.1);
        writeRows(fs::path(out) / "vendi_x.f64", x);
        double value = 0;
        const double seconds = medianSeconds(repeats, [&] { value = vendiScore(x, 1.0); });
        results["vendi"] = {{"seconds", seconds}, {"value", value}};
        std::cout << "Vendi n=1000 D=512 (dual form): " << seconds << " s (value " << value
                  << ")\n";
    }
    {
        const auto x = gaussianRows(64, 128, 4, 0.1), ref = gaussianRows(2000, 128, 5, 0.0);
        writeRows(fs::path(out) / "loo_x.f64", x);
        writeRows(fs::path(out) / "loo_ref.f64", ref);
        const GaussianStats refStats = GaussianStats::fromRows(ref);
        std::vector<double> fast, naive;
        const double fastSeconds =
            medianSeconds(repeats, [&] { fast = frechetDistanceLeaveOneOut(x, refStats); });
        const double naiveSeconds = medianSeconds(repeats, [&] {
            naive.clear();
            for (Eigen::Index i = 0; i < x.rows(); ++i) {
                Eigen::MatrixXd without(x.rows() - 1, x.cols());
                without << x.topRows(i), x.bottomRows(x.rows() - 1 - i);
                naive.push_back(frechetDistance(refStats, GaussianStats::fromRows(without)));
            }
        });
        double worst = 0;
        for (std::size_t i = 0; i < fast.size(); ++i)
            worst = std::max(worst, std::abs(fast[i] - naive[i]) / std::abs(naive[i]));
        results["loo"] = {{"seconds", fastSeconds},
                          {"naive_seconds", naiveSeconds},
                          {"values", fast},
                          {"max_relative_difference_to_naive", worst}};
        std::cout << "leave-one-out FAD n=64 D=128: rank-1 " << fastSeconds
                  << " s, naive recomputation " << naiveSeconds << " s ("
                  << naiveSeconds / fastSeconds << "x), max rel. diff " << worst << "\n";
    }
    std::ofstream(fs::path(out) / "cpp_results.json") << results.dump(2) << "\n";
    return 0;
}

int benchEncoders(const Args &input)
{
    Args args = input;
    const int clips = toInt(takeOption(args, "--clips", "16"), "--clips");
    if (!args.empty() || clips < 1) {
        return usageError("bench-encoders");
    }
    const CorpusGenerator corpus;
    const Synthesizer synth;
    std::vector<AudioBuffer> audio;
    for (int i = 0; i < clips; ++i)
        audio.push_back(synth.render(
            corpus.generate(CorpusGenerator::kHeldOutSeedStart + 900000 + std::uint64_t(i))));
    double seconds = 0;
    for (const auto &a : audio)
        seconds += a.durationSeconds();
    for (const auto &choice : builtInEncoders()) {
        auto encoder = createEncoder(choice.key);
        encoder->embed(audio.front()); // warm-up
        auto start = std::chrono::steady_clock::now();
        for (const auto &a : audio)
            encoder->embed(a);
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        start = std::chrono::steady_clock::now();
        encoder->embedBatch(audio);
        const double batched =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::cout << choice.key << ": " << clips << " clips (" << seconds
                  << " s of 24 kHz audio): one by one " << wall << " s = " << seconds / wall
                  << " s of audio per second; batched " << batched << " s = " << seconds / batched
                  << "\n";
    }
    return 0;
}

int benchRound(const Args &input)
{
    Args args = input;
    const std::string out = takeOption(args, "--out", "");
    const int repeat = toInt(takeOption(args, "--repeat", "3"), "--repeat");
    const int threads = toInt(takeOption(args, "--threads", "2"), "--threads");
    const double anchorWeight = toDouble(takeOption(args, "--anchor", "30"), "--anchor");
    const std::string profile = takeOption(args, "--profile", "");
    if (out.empty() || !args.empty() || repeat < 1 || !(anchorWeight >= 0)) {
        return usageError("bench-round");
    }
    fs::create_directories(fs::path(out) / "exemplars");
    const CorpusGenerator corpus;
    const Synthesizer synth;
    DragonConfig c;
    ExemplarSet set{"ref", "Reference", {}};
    for (int i = 0; i < 16; ++i) {
        const auto path = fs::path(out) / "exemplars" / ("ref-" + std::to_string(i) + ".wav");
        AudioFileWriter::write(path.string(),
                               synth.render(corpus.generate(CorpusGenerator::kHeldOutSeedStart +
                                                            950000 + std::uint64_t(i))),
                               {AudioContainer::Wav});
        set.items.push_back(ExemplarItem::audio(path.string()));
    }
    c.project.exemplarSets = {set};
    for (int i = 0; i < 32; ++i)
        c.project.trainPrompts.push_back(
            CorpusGenerator::caption(corpus.generate(std::uint64_t(4000 + i)), std::uint64_t(i)));
    RewardTerm term;
    term.type = "per-song-fad";
    term.exemplarSet = "ref";
    c.project.reward.encoder = "pocket-clap";
    c.project.reward.terms = {term};
    c.rounds = repeat;
    c.evalEvery = 0;
    c.promptsPerRound = 8;
    c.seedsPerPrompt = 2;
    c.demoSteps = 10;
    c.auditionEvery = 0;
    c.threads = threads;
    c.anchorWeight = anchorWeight;
    std::vector<RoundStats> rounds;
    DragonCallbacks callbacks;
    callbacks.round = [&](const RoundStats &s) { rounds.push_back(s); };
    fs::remove_all(fs::path(out) / "run");
    DragonTrainer trainer(c, (fs::path(out) / "run").string(), callbacks);
    {
        // libtorch's profiler over the rounds (chrome trace; tests/bench/profile_summary.py
        // sums it per operator). It slows the round down: time without it.
        std::unique_ptr<torch::autograd::profiler::RecordProfile> recording;
        if (!profile.empty())
            recording = std::make_unique<torch::autograd::profiler::RecordProfile>(profile);
        trainer.run();
    }
    auto median = [&](double RoundStats::*field) {
        std::vector<double> v;
        for (const auto &r : rounds)
            v.push_back(r.*field);
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    nlohmann::json result = {{"sample", median(&RoundStats::secondsSample)},
                             {"decode", median(&RoundStats::secondsDecode)},
                             {"encode", median(&RoundStats::secondsEncode)},
                             {"reward", median(&RoundStats::secondsReward)},
                             {"update", median(&RoundStats::secondsUpdate)},
                             {"checkpoint", median(&RoundStats::secondsCheckpoint)},
                             {"total", median(&RoundStats::secondsTotal)},
                             {"threads", threads},
                             {"computeThreads", ComputeThreads::describe()},
                             {"anchor", anchorWeight}};
    std::cout << result.dump() << "\n";
    const auto model = nlohmann::json::parse(PocketGenerator::defaultConfig().toJson());
    // The prompts' token ids, so the Python round conditions on the same text lengths.
    const TextTokenizer tokenizer(CorpusGenerator::vocabulary(), model["maxTokens"].get<int>());
    nlohmann::json ids = nlohmann::json::array();
    for (int i = 0; i < c.promptsPerRound; ++i)
        ids.push_back(tokenizer.encode(c.project.trainPrompts[std::size_t(i)]).ids);
    // Corpus captions for the Python round's anchor rows (one in ten empty, as the pocket
    // model's pretraining batches draw them), so its anchor conditions on the same lengths.
    nlohmann::json anchorIds = nlohmann::json::array();
    for (int i = 0; i < 4 * c.anchorBatch; ++i)
        anchorIds.push_back(tokenizer
                                .encode(i % 10 == 9 ? std::string()
                                                    : CorpusGenerator::caption(
                                                          corpus.generate(std::uint64_t(7000 + i)),
                                                          std::uint64_t(i)))
                                .ids);
    std::ofstream(fs::path(out) / "round.json") << nlohmann::json{
        {"model", model},
        {"prompts", 8},
        {"seeds", 2},
        {"ids", ids},
        {"demoSteps", 10},
        {"guidance", c.guidance},
        {"passes", c.gradientPasses},
        {"anchorWeight", anchorWeight},
        {"anchorBatch", c.anchorBatch},
        {"anchorIds", anchorIds},
        {"cpp", result}}.dump(2);
    return 0;
}

} // namespace dragon::cli
