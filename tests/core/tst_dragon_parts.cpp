// The parts of the DRAGON engine, each alone: RoundPlan, RunFolder, CheckpointStore,
// PreferenceUpdate (DPO, KTO, EMA, the NaN vote), DistributedBatch, WinRateEvaluator's paired
// statistics, the generator factory and device specs.
#include "TinyCheckpoint.h"
#include "WavFixture.h"
#include "audio/AudioFileReader.h"
#include "audio/Loudness.h"
#include "dragon/CheckpointStore.h"
#include "dragon/ClipSampler.h"
#include "dragon/DistributedBatch.h"
#include "dragon/DistributedGroup.h"
#include "dragon/PreferenceUpdate.h"
#include "dragon/RoundPlan.h"
#include "dragon/RunFolder.h"
#include "dragon/RunHistory.h"
#include "dragon/TrainingReward.h"
#include "dragon/WinRateEvaluator.h"
#include "metrics/Quantile.h"
#include "model/DeviceSpec.h"
#include "model/GeneratorFactory.h"
#include "model/PocketGenerator.h"
#include "preview/WinsByBaseLevel.h"
#include "project/Project.h"
#include "project/ProjectFolder.h"
#include "util/LenientJson.h"

#include <ATen/CPUGeneratorImpl.h>
#include <QTemporaryDir>
#include <QTest>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <numeric>
#include <set>

using namespace dragon;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> pool(int n)
{
    std::vector<std::string> p;
    for (int i = 0; i < n; ++i)
        p.push_back("prompt " + std::to_string(i));
    return p;
}

std::vector<torch::Tensor> snapshot(Generator &g)
{
    std::vector<torch::Tensor> out;
    for (const auto &p : g.parameters())
        out.push_back(p.detach().clone());
    return out;
}

double maxDifference(const std::vector<torch::Tensor> &a, const std::vector<torch::Tensor> &b)
{
    double worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, (a[i] - b[i]).abs().max().item<double>());
    return worst;
}

// The pocket model whose predictions turn to NaN while training (an exploding step): the
// update must skip every such pass on the vote and leave the weights alone. With a poisoned
// timestep only the rows drawn at that step turn to NaN (one pass of several); every training
// call's steps are recorded.
class NanGenerator : public Generator
{
public:
    explicit NanGenerator(std::unique_ptr<Generator> inner, int64_t poisonStep = -1)
        : m_inner(std::move(inner)), m_poisonStep(poisonStep)
    {
    }
    std::vector<torch::Tensor> trainingSteps;
    std::string name() const override { return "nan"; }
    int sampleRate() const override { return m_inner->sampleRate(); }
    std::vector<int64_t> latentShape() const override { return m_inner->latentShape(); }
    const torch::Tensor &alphasCumprod() const override { return m_inner->alphasCumprod(); }
    bool predictsV() const override { return m_inner->predictsV(); }
    TextCondition encodeText(const std::vector<std::string> &p) override
    {
        return m_inner->encodeText(p);
    }
    torch::Tensor denoise(const torch::Tensor &xt, const torch::Tensor &steps,
                          const TextCondition &c) override
    {
        const auto out = m_inner->denoise(xt, steps, c);
        if (!m_training)
            return out;
        trainingSteps.push_back(steps.clone());
        if (m_poisonStep < 0)
            return out * std::numeric_limits<float>::quiet_NaN();
        const auto poisoned = (steps == m_poisonStep).view({-1, 1, 1}).expand_as(out);
        return torch::where(poisoned,
                            torch::full_like(out, std::numeric_limits<float>::quiet_NaN()), out);
    }
    std::vector<AudioBuffer> decode(const torch::Tensor &z) const override
    {
        return m_inner->decode(z);
    }
    std::vector<torch::Tensor> parameters() override { return m_inner->parameters(); }
    void setTraining(bool training) override
    {
        m_training = training;
        m_inner->setTraining(training);
    }
    void to(const torch::Device &d) override { m_inner->to(d); }
    torch::Device device() const override { return m_inner->device(); }
    std::unique_ptr<Generator> clone() const override { return m_inner->clone(); }
    void save(const std::string &path) const override { m_inner->save(path); }
    void saveWeights(torch::serialize::OutputArchive &a) const override { m_inner->saveWeights(a); }
    void loadWeights(torch::serialize::InputArchive &a) override { m_inner->loadWeights(a); }

private:
    std::unique_ptr<Generator> m_inner;
    int64_t m_poisonStep;
    bool m_training = false;
};

DragonConfig updateConfig()
{
    DragonConfig c;
    c.promptsPerRound = 2;
    c.seedsPerPrompt = 2;
    c.gradientPasses = 2;
    c.learningRate = 1e-3;
    c.anchorWeight = 0;
    c.beta = 500;
    return c;
}

} // namespace

class TestDragonParts : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::string m_tiny;

    // The tiny model with every weight multiplied by `factor`: another model, other clips.
    std::unique_ptr<Generator> scaledTiny(double factor) const
    {
        auto g = createGenerator(m_tiny);
        torch::NoGradGuard noGrad;
        for (auto &p : g->parameters())
            p.mul_(factor);
        return g;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_tiny = (fs::path(m_dir.path().toStdString()) / "tiny.pt").string();
        fixtures::writeTinyPocketCheckpoint(m_tiny);
        torch::set_num_threads(2);
    }

    void roundPlanIsPureAndSharesCoverEverySample()
    {
        const auto a = RoundPlan::forRound(pool(24), 8, 3, 7, 5);
        const auto b = RoundPlan::forRound(pool(24), 8, 3, 7, 5);
        QCOMPARE(a.prompts, b.prompts);
        QCOMPARE(a.seeds, b.seeds);
        QCOMPARE(int(a.size()), 24);
        QCOMPARE(a.promptCount, 8);
        // Prompt-major: K seeds of one prompt in a row, all distinct, all below the modulus.
        for (std::size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(a.promptOf[i], int(i / 3));
            QCOMPARE(a.prompts[i], a.prompts[i / 3 * 3]);
            QVERIFY(a.seeds[i] < 1000000007ULL);
        }
        QCOMPARE(std::set<std::uint64_t>(a.seeds.begin(), a.seeds.end()).size(), a.size());
        // Eight different prompts of the pool (24 > 8: no repeats); another round differs.
        QCOMPARE(std::set<std::string>(a.prompts.begin(), a.prompts.end()).size(), std::size_t(8));
        const auto next = RoundPlan::forRound(pool(24), 8, 3, 7, 6);
        QVERIFY(next.prompts != a.prompts);
        QVERIFY(next.roundSeed != a.roundSeed);
        // A pool smaller than the round repeats its shuffled order.
        const auto small = RoundPlan::forRound(pool(3), 5, 2, 7, 1);
        QCOMPARE(small.prompts[6], small.prompts[0]);
        // Three ranks: shares are disjoint, cover every sample, keep a prompt's seeds together.
        std::vector<int64_t> all;
        for (int r = 0; r < 3; ++r)
            for (int64_t i : a.shareOf(r, 3)) {
                QCOMPARE(a.promptOf[std::size_t(i)] % 3, r);
                all.push_back(i);
            }
        std::sort(all.begin(), all.end());
        std::vector<int64_t> expected(a.size());
        std::iota(expected.begin(), expected.end(), 0);
        QCOMPARE(all, expected);
        const auto order = a.gatherOrder(3);
        QCOMPARE(order.size(), a.size());
        QCOMPARE(order.front(), int64_t(0)); // rank 0's first sample
        QCOMPARE(a.gatherOrder(1), expected);
    }

    void evaluationPlanKeepsSeedZeroWhenSeedsAreAdded()
    {
        const auto one = RoundPlan::forEvaluation(pool(5), 5, 1, 3);
        const auto four = RoundPlan::forEvaluation(pool(5), 5, 4, 3);
        QCOMPARE(int(four.size()), 20);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(four.seeds[std::size_t(i) * 4], one.seeds[std::size_t(i)]);
        QCOMPARE(RoundPlan::forEvaluation(pool(5), 9, 2, 3).promptCount, 5); // clamped to the list
        const auto clips = four.clipsOfPrompt();
        QCOMPARE(int(clips.size()), 5);
        QCOMPARE(clips[2], (std::vector<std::size_t>{8, 9, 10, 11}));
    }

    void runFolderRowsCsvAndResume()
    {
        QTemporaryDir dir;
        const RunFolder folder(dir.path().toStdString(), true);
        folder.create();
        QVERIFY(fs::is_directory(folder.checkpoints()) && fs::is_directory(folder.audition()));
        QCOMPARE(RunFolder::roundName(12), std::string("round-000012"));
        QCOMPARE(folder.auditionClip(3, -1).filename().string(),
                 std::string("round-000003-minus.wav"));
        RoundStats s;
        s.round = 1;
        s.rewardMean = -3.5;
        s.warning = "a, \"quoted\" warning";
        s.secondsTotal = 2.25;
        const auto row = RunFolder::metricsRow(s);
        for (const auto &field : RunFolder::metricFields())
            QVERIFY2(row.contains(field.key), field.key);
        folder.appendMetrics(row);
        s.round = 2;
        folder.appendMetrics(RunFolder::metricsRow(s));
        {
            std::ofstream(folder.file("metrics.jsonl"), std::ios::app) << "{\"round\": 3, \"rew";
        } // torn
        folder.rewriteCsv();
        std::ifstream csv(folder.file("metrics.csv"));
        std::string header, first;
        std::getline(csv, header);
        std::getline(csv, first);
        QVERIFY(header.rfind("round,reward_mean,", 0) == 0);
        QVERIFY(header.find("warning") == std::string::npos); // text stays in the JSONL
        QVERIFY(header.find("s_checkpoint") != std::string::npos);
        QVERIFY(first.rfind("1,-3.5,", 0) == 0);
        int csvRows = 0;
        for (std::string line; std::getline(csv, line);)
            ++csvRows;
        QCOMPARE(csvRows, 1); // round 2; the torn line is skipped
        QCOMPARE(RunFolder::roundOfLine("{\"round\": 3, \"rew"), -1);
        // Resume at round 1 from a journal that holds round 1 only: round 2 (in flight) goes.
        std::vector<std::string> journal = {R"({"round": 1, "reward_mean": 0})"};
        folder.appendEval(nlohmann::json{{"round", 0}});
        folder.appendEval(nlohmann::json{{"round", 2}});
        QCOMPARE(folder.keepRowsUpTo(1, journal, true), 0);
        QCOMPARE(int(journal.size()), 1);
        QVERIFY(journal[0].find("-3.5") != std::string::npos); // the file's complete copy won
        std::ifstream metrics(folder.file("metrics.jsonl"));
        int metricRows = 0;
        for (std::string line; std::getline(metrics, line);)
            ++metricRows;
        QCOMPARE(metricRows, 1);
        // A row the file never got comes back from the journal.
        fs::remove(folder.file("metrics.jsonl"));
        journal = {R"({"round": 1})", R"({"round": 2})"};
        folder.keepRowsUpTo(2, journal, true);
        std::ifstream rebuilt(folder.file("metrics.jsonl"));
        std::string line1, line2;
        std::getline(rebuilt, line1);
        std::getline(rebuilt, line2);
        QCOMPARE(RunFolder::roundOfLine(line2), 2);
        // A row that cannot be written is an error naming the file.
        fs::remove(folder.file("eval.jsonl"));
        fs::create_directories(folder.file("eval.jsonl"));
        try {
            folder.appendEval(nlohmann::json{{"round", 1}});
            QFAIL("wrote into a folder");
        } catch (const std::runtime_error &e) {
            QVERIFY2(std::string(e.what()).find("eval.jsonl") != std::string::npos, e.what());
        }
        // A non-writer rank touches nothing.
        const RunFolder other(dir.filePath("other").toStdString(), false);
        other.appendMetrics(row);
        QVERIFY(!fs::exists(other.file("metrics.jsonl")));
    }

    void pairedComparisonCountsPromptsNotClips()
    {
        // Two prompts x 2 seeds: prompt 0 improves on average, prompt 1 gets worse, then a tie.
        const std::vector<std::vector<std::size_t>> clips = {{0, 1}, {2, 3}, {4, 5}};
        const std::vector<double> base = {0, 0, 1, 1, 5, 5};
        const std::vector<double> policy = {1, -0.5, 0.5, 0.9, 5, 5};
        const auto p = WinRateEvaluator::comparePaired(base, policy, clips);
        QCOMPARE(p.outcomes, (std::vector<int>{1, -1, 0}));
        QVERIFY(std::abs(p.mean - (0.25 - 0.3 + 0) / 3) < 1e-12);
        QVERIFY(p.lower < p.mean && p.mean < p.upper);
        // All prompts better by the same amount: a zero-width interval at that amount.
        const auto same = WinRateEvaluator::comparePaired({0, 0}, {2, 2}, {{0}, {1}});
        QCOMPARE(same.mean, 2.0);
        QCOMPARE(same.lower, 2.0);
    }

    // Where the tuned model wins, by how well the base did: 7 prompts sorted by the base's
    // mean utility into thirds of 3, 2 and 2, the lowest first; ties count half; equal base
    // means keep the prompts' order. The per-prompt means come from comparePaired.
    void winsAreSplitByTheBasesLevel()
    {
        // 2 seeds per prompt; base means 4, -3, 0, -3, 10, 1, -8 -> order 6, 1, 3, 2, 5, 0, 4
        const std::vector<double> base = {3, 5, -2, -4, 0, 0, -3, -3, 10, 10, 1, 1, -9, -7};
        const std::vector<double> tuned = {3, 5, 1, -1, 0, 0, -1, -3, 9, 9, 2, 2, -1, -1};
        std::vector<std::vector<std::size_t>> clips;
        for (std::size_t p = 0; p < 7; ++p)
            clips.push_back({2 * p, 2 * p + 1});
        const auto paired = WinRateEvaluator::comparePaired(base, tuned, clips);
        QCOMPARE(paired.outcomes, (std::vector<int>{0, 1, 0, 1, -1, 1, 1}));
        QCOMPARE(paired.baseMeans, (std::vector<double>{4, -3, 0, -3, 10, 1, -8}));
        QCOMPARE(paired.policyMeans, (std::vector<double>{4, 0, 0, -2, 9, 2, -1}));
        const auto groups =
            WinsByBaseLevel::split(paired.baseMeans, paired.policyMeans, paired.outcomes);
        QCOMPARE(int(groups.size()), 3);
        // lowest: prompts 6 (-8 -> -1, won), 1 (-3 -> 0, won), 3 (-3 -> -2, won)
        QCOMPARE(groups[0].prompts, 3);
        QCOMPARE(groups[0].wins, 3.0);
        QCOMPARE(groups[0].baseMean, (-8.0 - 3.0 - 3.0) / 3);
        QCOMPARE(groups[0].tunedMean, (-1.0 + 0.0 - 2.0) / 3);
        // middle: prompts 2 (0, tie) and 5 (1 -> 2, won)
        QCOMPARE(groups[1].prompts, 2);
        QCOMPARE(groups[1].wins, 1.5);
        QCOMPARE(groups[1].baseMean, 0.5);
        // highest: prompts 0 (4, tie) and 4 (10 -> 9, lost)
        QCOMPARE(groups[2].prompts, 2);
        QCOMPARE(groups[2].wins, 0.5);
        QCOMPARE(groups[2].tunedMean, 6.5);
        QCOMPARE(std::string(WinsByBaseLevel::label(2, 3)), std::string("highest third"));
        // Fewer prompts than groups: one group per prompt.
        QCOMPARE(int(WinsByBaseLevel::split({1, 2}, {2, 1}, {1, -1}).size()), 2);
        QCOMPARE(std::string(WinsByBaseLevel::label(0, 2)), std::string("lower half"));
        // A NaN utility sorts first instead of breaking the sort.
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const auto withNan = WinsByBaseLevel::split({2, nan, 1}, {3, 0, 0}, {1, -1, -1});
        QCOMPARE(withNan[0].wins, 0.0); // the NaN prompt, lost
        QCOMPARE(withNan[1].baseMean, 1.0);
        QCOMPARE(withNan[2].wins, 1.0);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 WinsByBaseLevel::split({1, 2}, {2, 1}, {1}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 WinsByBaseLevel::split({1, 2}, {2}, {1, -1}));
    }

    // The base clips' cache is reused only for the base model, plan and steps that made it: a
    // changed base model or an older cache without a fingerprint is remade, the same one is
    // read back (the test swaps the cached clips to see which).
    void baseCacheIsReusedOnlyForTheSameBaseAndPlan()
    {
        QTemporaryDir dir;
        Project project;
        project.reward.encoder = "mel-stats";
        project.reward.terms = {{"loudness", ""}};
        const TrainingReward reward(project, dir.filePath("cache").toStdString(), {});
        const ClipSampler sampler(3.0f, {});
        const RoundPlan plan = RoundPlan::forEvaluation(pool(2), 2, 1, 5);
        const fs::path cache = dir.filePath("base").toStdString();
        const auto evaluateBase = [&](Generator &base) {
            WinRateEvaluator evaluator(plan, 2, 20, 5, cache, nullptr);
            return evaluator.evaluate(base, base, reward, sampler, 0, nullptr).rewardBase;
        };
        const auto completeFile = [&] {
            std::ifstream in(cache / "complete");
            return std::string(std::istreambuf_iterator<char>(in), {});
        };
        auto first = createGenerator(m_tiny);
        auto second = createGenerator(m_tiny);
        {
            torch::NoGradGuard noGrad;
            for (auto &p : second->parameters())
                p.mul_(3.0); // another base model: louder, different clips
        }
        const double a = evaluateBase(*first);
        const std::string fingerprintA = completeFile();
        QVERIFY2(fingerprintA.size() == 1 + 1 + 16 + 1 && fingerprintA[0] == '2',
                 fingerprintA.c_str());
        fs::create_directories(dir.filePath("clipsA").toStdString());
        for (const char *clip : {"0.wav", "1.wav"})
            fs::copy_file(cache / clip, fs::path(dir.filePath("clipsA").toStdString()) / clip);

        const double b = evaluateBase(*second); // another base: remade
        QVERIFY2(std::abs(a - b) > 1e-6, qPrintable(QString("%1 vs %2").arg(a).arg(b)));
        QVERIFY(completeFile() != fingerprintA);
        QCOMPARE(evaluateBase(*second), b);
        // The same base: read back, not remade (the swapped-in clips of model A are scored).
        for (const char *clip : {"0.wav", "1.wav"})
            fs::copy_file(fs::path(dir.filePath("clipsA").toStdString()) / clip, cache / clip,
                          fs::copy_options::overwrite_existing);
        QCOMPARE(evaluateBase(*second), a);
        // A cache without a fingerprint (older versions): remade.
        std::ofstream(cache / "complete") << "2\n";
        QCOMPARE(evaluateBase(*second), b);
        // Another plan over the same folder (more steps): remade.
        WinRateEvaluator moreSteps(plan, 3, 20, 5, cache, nullptr);
        const std::string before = completeFile();
        moreSteps.evaluate(*second, *second, reward, sampler, 0, nullptr);
        QVERIFY(completeFile() != before);
    }

    // Each evaluation measures the median loudness of both sides' clips (shown beside the
    // guardrails, not one of them), and eval.jsonl keeps it; older rows read as not measured.
    void evaluationMeasuresTheLoudnessOfBothSides()
    {
        QTemporaryDir dir;
        Project project;
        project.reward.encoder = "mel-stats";
        project.reward.terms = {{"loudness", "", false}};
        const TrainingReward reward(project, dir.filePath("cache").toStdString(), {});
        const ClipSampler sampler(3.0f, {});
        const RoundPlan plan = RoundPlan::forEvaluation(pool(2), 2, 1, 5);
        auto base = createGenerator(m_tiny);
        auto other = scaledTiny(3.0);
        const std::string cache = dir.filePath("base").toStdString();
        WinRateEvaluator evaluator(plan, 2, 20, 5, cache, nullptr);
        const EvalStats e = evaluator.evaluate(*other, *base, reward, sampler, 1, nullptr);
        QVERIFY(e.loudnessMeasured());
        // The base side: the median of the cached base clips, each measured on its own.
        std::vector<double> lufs;
        for (const auto &f : std::filesystem::directory_iterator(cache))
            if (f.path().extension() == ".wav")
                lufs.push_back(
                    Loudness::measure(AudioFileReader::read(f.path().string())).integratedLufs);
        QCOMPARE(lufs.size(), plan.size());
        QVERIFY2(std::abs(e.lufsBase - quantile(lufs, 0.5)) < 1e-6,
                 qPrintable(QString("%1 vs %2").arg(e.lufsBase).arg(quantile(lufs, 0.5))));
        QVERIFY2(std::abs(e.lufsPolicy - e.lufsBase) > 0.1, // another model: other clips
                 qPrintable(QString("%1 vs %2").arg(e.lufsPolicy).arg(e.lufsBase)));
        const RunFolder folder(dir.filePath("run").toStdString(), true);
        folder.create();
        folder.appendEval(RunFolder::evalRow(e));
        EvalStats older = e; // a row written before loudness was measured
        older.round = 2;
        older.lufsBase = older.lufsPolicy = std::numeric_limits<double>::quiet_NaN();
        QVERIFY(!RunFolder::evalRow(older).contains("lufs_base"));
        folder.appendEval(RunFolder::evalRow(older));
        nlohmann::json damaged = RunFolder::evalRow(e); // a value that is not a number
        damaged["round"] = 3;
        damaged["lufs_base"] = "loud";
        folder.appendEval(damaged);
        const auto back = RunHistory::evaluations(dir.filePath("run").toStdString());
        QCOMPARE(back.size(), std::size_t(3));
        QCOMPARE(back[0].lufsBase, e.lufsBase);
        QCOMPARE(back[0].lufsPolicy, e.lufsPolicy);
        QVERIFY(!back[1].loudnessMeasured());
        QVERIFY(!back[2].loudnessMeasured()); // not 0 LUFS
    }

    // A run folder damaged by hand or by a disk: every reader the Train and Compare tabs call
    // skips what it cannot read (no exception reaches the window) and keeps the rest.
    // Lenient field reads: a wrong type, a missing field or a non-object is absent, not thrown.
    void lenientReadsLeaveBadFieldsOut()
    {
        const auto row = nlohmann::json::parse(
            R"({"n": 2.5, "i": 3.0, "big": 1e12, "s": "x", "wrong": "7", "frac": 3.5})");
        QCOMPARE(*LenientJson::number(row, "n"), 2.5);
        QVERIFY(!LenientJson::number(row, "wrong"));
        QVERIFY(!LenientJson::number(row, "absent"));
        QCOMPARE(*LenientJson::integer(row, "i"), 3);
        QVERIFY(!LenientJson::integer(row, "frac"));
        QVERIFY(!LenientJson::integer(row, "big")); // does not fit an int
        QVERIFY(!LenientJson::integer(row, "wrong"));
        QCOMPARE(LenientJson::text(row, "s"), std::string("x"));
        QCOMPARE(LenientJson::text(row, "n"), std::string());
        const auto array = nlohmann::json::parse("[1, 2]");
        QVERIFY(!LenientJson::number(array, "n"));
        QCOMPARE(LenientJson::text(array, "s"), std::string());
    }

    void damagedRunFilesAreSkippedNotThrown()
    {
        QTemporaryDir dir;
        const std::filesystem::path run = dir.filePath("run").toStdString();
        std::filesystem::create_directories(run / "audition");
        auto write = [](const std::filesystem::path &file, const std::string &text) {
            std::ofstream(file, std::ios::binary) << text;
        };
        write(run / "metrics.jsonl",
              "{\"round\":1,\"reward_mean\":0.5,\"terms\":[{\"name\":\"a\",\"mean\":1}]}\n"
              "{\"round\":2,\"loss\":\"high\",\"terms\":[{\"name\":5,\"mean\":\"x\"},7,"
              "{\"name\":[1],\"p10\":null},{\"name\":\"b\",\"mean\":2}]}\n"
              "{\"round\":\"three\"}\nnot json at all\n[1,2]\n{\"round\":4,\"terms\":\"none\"}\n"
              "{\"round\":5,\"reward_mean\":");
        write(run / "eval.jsonl", "{\"round\":5,\"win_rate\":\"half\",\"win_lower\":0.6,"
                                  "\"trials\":1.7e107}\n"
                                  "{\"round\":-2}\n\x01\x02\xff\n{\"round\":10,\"win_rate\":0.7");
        write(run / "config.json", "{\"rounds\":");
        write(run / "audition" / "round-000001-plus.wav", "");
        write(run / "audition" / "round-000001-plus.json",
              "{\"prompt\":\"a slow track\",\"reward\":0.25,\"seed\":12}");
        write(run / "audition" / "round-000001-minus.wav", "");
        write(run / "audition" / "round-000001-minus.json", "{\"prompt\":3,\"seed\":\"x\"}");
        write(run / "audition" / "round-00000x-plus.wav", "");

        const auto rounds = RunHistory::rounds(run.string());
        QCOMPARE(rounds.size(), std::size_t(3)); // rounds 1, 2 and 4
        QCOMPARE(rounds[0].terms.size(), std::size_t(1));
        QCOMPARE(rounds[0].terms[0].name, std::string("a"));
        QCOMPARE(rounds[1].round, 2);
        QCOMPARE(rounds[1].loss.loss, 0.0);
        QCOMPARE(rounds[1].terms.size(), std::size_t(3)); // the object terms, bad fields blank
        QCOMPARE(rounds[1].terms[0].name, std::string());
        QCOMPARE(rounds[1].terms[2].name, std::string("b"));
        QCOMPARE(rounds[1].terms[2].mean, 2.0);
        QVERIFY(rounds[2].terms.empty());
        const auto evals = RunHistory::evaluations(run.string());
        QCOMPARE(evals.size(), std::size_t(1));
        QCOMPARE(evals[0].winRate.rate, 0.0);
        QCOMPARE(evals[0].winRate.lower, 0.6);
        QCOMPARE(evals[0].winRate.trials, 0); // far beyond an int (the fuzzer's find): absent
        const RunSummary summary = RunHistory::summarise(run.string());
        QCOMPARE(summary.roundsDone, 4);
        QVERIFY2(summary.state.rfind("damaged: ", 0) == 0, summary.state.c_str());
        const auto clips = RunHistory::auditions(run.string());
        QCOMPARE(clips.size(), std::size_t(2));
        QCOMPARE(clips[0].label, -1); // "minus" sorts first; its prompt is not text
        QCOMPARE(clips[0].prompt, std::string());
        QCOMPARE(clips[1].prompt, std::string("a slow track"));
        QCOMPARE(clips[1].reward, 0.25);
    }

    // A combined reward evaluated before any training round froze its scales (the reward
    // suite's test and cross evaluations): the reported means share the outcomes' joint scale,
    // so they differ by the paired difference instead of both reading 0.
    void unfrozenCombinedRewardReportsJointMeans()
    {
        QTemporaryDir dir;
        Project project;
        project.reward.encoder = "mel-stats";
        project.reward.terms = {{"loudness", "", true}}; // away: a one-term WeightedReward
        const TrainingReward reward(project, dir.filePath("cache").toStdString(), {});
        QVERIFY(reward.needsScales());
        const ClipSampler sampler(3.0f, {});
        const RoundPlan plan = RoundPlan::forEvaluation(pool(2), 2, 1, 5);
        auto base = createGenerator(m_tiny);
        auto louder = scaledTiny(3.0);
        WinRateEvaluator evaluator(plan, 2, 20, 5, dir.filePath("base").toStdString(), nullptr);
        const EvalStats e = evaluator.evaluate(*louder, *base, reward, sampler, 1, nullptr);
        QVERIFY2(std::abs(e.deltaMean) > 1e-3, qPrintable(QString::number(e.deltaMean)));
        QVERIFY2(std::abs((e.rewardPolicy - e.rewardBase) - e.deltaMean) < 1e-9,
                 qPrintable(QString("%1 -> %2, paired %3")
                                .arg(e.rewardBase)
                                .arg(e.rewardPolicy)
                                .arg(e.deltaMean)));
        QVERIFY(reward.needsScales()); // evaluating froze nothing
    }

    void checkpointStoreKeepsTheNewestAndFallsBack()
    {
        QTemporaryDir dir;
        auto policy = createGenerator(m_tiny);
        auto base = policy->clone();
        DistributedGroup group(1, 0, "");
        DragonConfig c = updateConfig();
        PreferenceUpdate update(c, *policy, *base, nullptr, group);
        DemoBuilder demo;
        std::string scales = "1.5 2\n";
        const CheckpointStore store(dir.path().toStdString(), 3);
        std::vector<std::vector<torch::Tensor>> saved;
        for (int round = 1; round <= 4; ++round) {
            {
                torch::NoGradGuard noGrad;
                policy->parameters()[0].add_(0.5);
            }
            demo.setBaseline(round * 0.1, true);
            store.save(round, {*policy, update.optimizer(), nullptr, demo, scales},
                       "row " + std::to_string(round) + "\n");
            saved.push_back(snapshot(*policy));
        }
        QCOMPARE(int(store.files().size()), 3); // rounds 2-4
        QCOMPARE(store.files().front().filename().string(), std::string("round-000002.pt"));
        // The newest is damaged: resume falls back to round 3, with its weights and journal.
        fixtures::writeFile(store.pathFor(4).string(), "torn by a crash");
        std::ofstream(fs::path(dir.path().toStdString()) / ".round-000005.pt.tmp-abc") << "x";
        auto fresh = createGenerator(m_tiny);
        PreferenceUpdate freshUpdate(c, *fresh, *base, nullptr, group);
        DemoBuilder freshDemo;
        std::string freshScales;
        std::vector<std::string> messages;
        const auto r = store.resume(
            {*fresh, freshUpdate.optimizer(), nullptr, freshDemo, freshScales}, *base,
            [&](const std::string &m) { messages.push_back(m); }, true);
        QVERIFY(r.resumed);
        QCOMPARE(r.round, 3);
        QCOMPARE(r.contents.journal, std::string("row 3\n"));
        QVERIFY(r.contents.verified);
        QCOMPARE(maxDifference(snapshot(*fresh), saved[2]), 0.0);
        QCOMPARE(freshDemo.baseline(), 0.3);
        QCOMPARE(freshScales, scales);
        QVERIFY(!fs::exists(fs::path(dir.path().toStdString()) / ".round-000005.pt.tmp-abc"));
        QVERIFY(messages.front().find("round-000004.pt is unreadable or damaged") !=
                std::string::npos);
        // Nothing usable: no resume, and the policy holds the base weights again.
        for (const auto &f : store.files())
            fixtures::writeFile(f.string(), "gone");
        auto again = createGenerator(m_tiny);
        {
            torch::NoGradGuard noGrad;
            again->parameters()[0].add_(1.0);
        }
        const auto none = store.resume(
            {*again, freshUpdate.optimizer(), nullptr, freshDemo, freshScales}, *base, {}, true);
        QVERIFY(!none.resumed);
        QCOMPARE(none.round, 0);
        QCOMPARE(maxDifference(snapshot(*again), snapshot(*base)), 0.0);
    }

    void dpoAndKtoUpdateThePolicyAndEmaFollows()
    {
        for (const PreferenceLoss loss : {PreferenceLoss::Dpo, PreferenceLoss::Kto}) {
            auto policy = createGenerator(m_tiny);
            auto reference = policy->clone();
            auto ema = policy->clone();
            DistributedGroup group(1, 0, "");
            DragonConfig c = updateConfig();
            c.loss = loss;
            c.emaDecay = 0.75;
            c.accumulatePasses = true;
            PreferenceUpdate update(c, *policy, *reference, ema.get(), group);
            QCOMPARE(update.setRound(1), c.learningRate / 2); // warm-up over 2 rounds
            const auto plan = RoundPlan::forRound(pool(4), 2, 2, 1, 1);
            const auto shape = policy->latentShape();
            const auto latents =
                torch::randn({4, shape[0], shape[1]}, at::make_generator<at::CPUGeneratorImpl>(9));
            Demonstrations demos;
            if (loss == PreferenceLoss::Dpo)
                demos.pairs = {{0, 1}, {3, 2}};
            else
                demos.labels = {{0, 1}, {1, -1}, {2, -1}, {3, 1}};
            const auto before = snapshot(*policy), referenceBefore = snapshot(*reference);
            const auto emaBefore = snapshot(*ema);
            RoundStats stats;
            torch::AutoGradMode grad(true);
            update.apply(demos, latents, plan.prompts, plan.promptOf, plan.roundSeed, stats,
                         nullptr);
            QVERIFY(stats.updated);
            QVERIFY(std::isfinite(stats.loss.loss) && stats.gradNorm > 0);
            const auto after = snapshot(*policy);
            QVERIFY(maxDifference(before, after) > 0);
            QCOMPARE(maxDifference(referenceBefore, snapshot(*reference)), 0.0); // frozen
            // EMA after the one step: 0.75 ema + 0.25 policy.
            const auto emaAfter = snapshot(*ema);
            double worst = 0;
            for (std::size_t i = 0; i < after.size(); ++i)
                worst = std::max(worst, (emaAfter[i] - (0.75 * emaBefore[i] + 0.25 * after[i]))
                                            .abs()
                                            .max()
                                            .item<double>());
            QVERIFY2(worst < 1e-6, qPrintable(QString::number(worst)));
            // The text encoder is not trained by default.
            auto *pocket = dynamic_cast<PocketGenerator *>(policy.get());
            QVERIFY(pocket);
            for (const auto &p : pocket->textEncoderParameters())
                QVERIFY(!p.requires_grad());
        }
    }

    void nonFinitePassesAreSkippedOnTheVote()
    {
        auto policy = std::make_unique<NanGenerator>(createGenerator(m_tiny));
        auto reference = createGenerator(m_tiny);
        DistributedGroup group(1, 0, "");
        DragonConfig c = updateConfig();
        c.guidedLoss = false;
        PreferenceUpdate update(c, *policy, *reference, nullptr, group);
        update.setRound(2);
        const auto plan = RoundPlan::forRound(pool(4), 2, 2, 1, 1);
        const auto shape = policy->latentShape();
        const auto latents = torch::zeros({4, shape[0], shape[1]});
        Demonstrations demos;
        demos.pairs = {{0, 1}, {3, 2}};
        const auto before = snapshot(*policy);
        RoundStats stats;
        torch::AutoGradMode grad(true);
        update.apply(demos, latents, plan.prompts, plan.promptOf, plan.roundSeed, stats, nullptr);
        QVERIFY(!stats.updated);
        QCOMPARE(stats.skippedPasses, 2);
        QVERIFY(stats.warning.find("non-finite loss: pass skipped") != std::string::npos);
        QCOMPARE(maxDifference(before, snapshot(*policy)), 0.0);
        // No gradient is left behind for a later step (an unset gradient holds nothing).
        double leftOver = 0;
        for (const auto &p : policy->parameters())
            if (p.grad().defined())
                leftOver += p.grad().abs().sum().item<double>();
        QCOMPARE(leftOver, 0.0);
    }

    // The passes of a round run as one batch; when one of them turns non-finite, its rows must
    // not reach the gradient through the shared batch: the other passes run again on their own
    // and the step is taken from them alone.
    void oneNonFinitePassLeavesTheOthersClean()
    {
        DistributedGroup group(1, 0, "");
        DragonConfig c = updateConfig();
        c.guidedLoss = false;
        const auto plan = RoundPlan::forRound(pool(4), 2, 2, 1, 1);
        Demonstrations demos;
        demos.pairs = {{0, 1}, {3, 2}};
        auto run = [&](int64_t poison, RoundStats &stats, std::vector<torch::Tensor> &steps) {
            auto policy = std::make_unique<NanGenerator>(createGenerator(m_tiny), poison);
            auto reference = createGenerator(m_tiny);
            PreferenceUpdate update(c, *policy, *reference, nullptr, group);
            update.setRound(2);
            const auto shape = policy->latentShape();
            const auto latents = torch::zeros({4, shape[0], shape[1]});
            const auto before = snapshot(*policy);
            torch::AutoGradMode grad(true);
            update.apply(demos, latents, plan.prompts, plan.promptOf, plan.roundSeed, stats,
                         nullptr);
            steps = policy->trainingSteps;
            return std::make_pair(before, snapshot(*policy));
        };
        // A clean run: both passes in one call, 4 rows each (2 pairs x winner, loser).
        RoundStats clean;
        std::vector<torch::Tensor> steps;
        run(std::numeric_limits<int64_t>::max(), clean, steps); // never drawn
        QVERIFY(clean.updated);
        QCOMPARE(int(steps.size()), 1);
        QCOMPARE(int(steps[0].size(0)), 8);
        const int64_t poison = steps[0][4].item<int64_t>(); // a step of the second pass only
        for (int i = 0; i < 4; ++i)
            QVERIFY(steps[0][i].item<int64_t>() != poison);
        RoundStats stats;
        const auto [before, after] = run(poison, stats, steps);
        QCOMPARE(stats.skippedPasses, 1);
        QVERIFY(stats.updated);
        QCOMPARE(int(steps.size()), 2); // the batch, then the first pass again on its own
        QCOMPARE(int(steps[1].size(0)), 4);
        QVERIFY(maxDifference(before, after) > 0);
        for (const auto &p : after)
            QVERIFY(torch::isfinite(p).all().item<bool>());
    }

    void singleProcessBatchIsTheRanksOwn()
    {
        DistributedGroup group(1, 0, "");
        RewardBatch mine;
        mine.prompts = {"a", "b"};
        mine.loudnessLufs = {-14, -20};
        const std::vector<AudioBuffer> audio = {AudioBuffer(std::vector<float>(10, 0.1f), 1, 8000),
                                                AudioBuffer(std::vector<float>(10, 0.2f), 1, 8000)};
        const auto latents = torch::ones({2, 3, 4});
        const auto b = DistributedBatch::gather(group, {0, 1}, {"a", "b"}, latents, audio, mine);
        QCOMPARE(b.rewardBatch.loudnessLufs, mine.loudnessLufs);
        QCOMPARE(int(b.audio.size()), 2);
        QVERIFY(b.latents.equal(latents));
    }

    void generatorsAndDevicesBySpec()
    {
        auto bundled = createGenerator("pocket");
        QCOMPARE(bundled->name(), std::string("pocket"));
        QVERIFY(bundled->hasPretrainingData());
        QCOMPARE(createGenerator(m_tiny)->name(), std::string("pocket"));
        try {
            createGenerator(m_dir.filePath("missing.pt").toStdString());
            QFAIL("loaded a file that does not exist");
        } catch (const std::runtime_error &e) {
            QVERIFY2(std::string(e.what()).find("missing.pt") != std::string::npos, e.what());
        }
        for (const char *good : {"auto", "cpu", "cuda", "cuda:1"})
            QVERIFY2(DeviceSpec::valid(good), good);
        for (const char *bad : {"gpu", "cuda:", "CPU", "", "cuda:x"})
            QVERIFY2(!DeviceSpec::valid(bad), bad);
        QCOMPARE(DeviceSpec::cudaIndex("cuda:2"), 2);
        QCOMPARE(DeviceSpec::cudaIndex("cpu"), -1);
        QCOMPARE(resolveDevice("cpu").type(), torch::kCPU);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, resolveDevice("tpu"));
        if (!torch::cuda::is_available()) {
            QCOMPARE(resolveDevice("auto").type(), torch::kCPU);
            try {
                resolveDevice("cuda:0");
                QFAIL("a CUDA device on a machine without one");
            } catch (const std::runtime_error &e) {
                QVERIFY2(std::string(e.what()).find("no CUDA") != std::string::npos, e.what());
            }
        } else {
            QCOMPARE(resolveDevice("auto").type(), torch::kCUDA);
        }
        QCOMPARE(ProjectFolder::embeddingCache("/p/song.dragon", "/run"),
                 std::string("/p/song.dragon.d/embeddings"));
        QCOMPARE(ProjectFolder::embeddingCache("", "/run"), std::string("/run/embeddings"));
        QCOMPARE(ProjectFolder::runsDir("/p/song.dragon"), std::string("/p/song.dragon.d/runs"));
    }
};

QTEST_GUILESS_MAIN(TestDragonParts)
#include "tst_dragon_parts.moc"
