// Rewards on crafted embeddings with hand-computed answers: each kind, its direction, leave-one-
// out utilities, weighted combinations; reward definitions (validation messages, JSON) and the
// builder, including text exemplar sets and encoders without a text tower; the gain sensitivity
// of encoders (a level-reading and a level-blind stand-in with hand-computed answers).
#include "MetricFixtures.h"
#include "encoders/Encoder.h"
#include "encoders/ExemplarSetEmbedder.h"
#include "project/Project.h"
#include "project/ProjectFile.h"
#include "rewards/ClapScoreReward.h"
#include "rewards/DatasetFadReward.h"
#include "rewards/ExemplarSimilarityReward.h"
#include "rewards/GainSensitivity.h"
#include "rewards/KidReward.h"
#include "rewards/LevelResponse.h"
#include "rewards/LoudnessTargetReward.h"
#include "rewards/PerSongFadReward.h"
#include "rewards/RewardBuilder.h"
#include "rewards/RewardParameter.h"
#include "rewards/VendiReward.h"
#include "rewards/WeightedReward.h"

#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

using namespace dragon;

namespace {

Embedding clipOf(std::vector<float> v)
{
    Embedding e;
    e.frames = 1;
    e.dimension = int(v.size());
    e.frameData = v;
    e.clip = std::move(v);
    return e;
}

Embedding framesOf(const Eigen::MatrixXd &rows)
{
    Embedding e;
    e.frames = int(rows.rows());
    e.dimension = int(rows.cols());
    for (Eigen::Index i = 0; i < rows.rows(); ++i)
        for (Eigen::Index d = 0; d < rows.cols(); ++d)
            e.frameData.push_back(float(rows(i, d)));
    const Eigen::VectorXd mean = rows.colwise().mean();
    for (Eigen::Index d = 0; d < rows.cols(); ++d)
        e.clip.push_back(float(mean[d]));
    return e;
}

// A cross-modal stand-in: text "x" embeds as [1, 0], anything else as [0, 1].
class FakeTextEncoder : public Encoder
{
public:
    explicit FakeTextEncoder(bool text) : m_text(text) {}
    std::string id() const override { return "fake"; }
    std::string displayName() const override { return "fake"; }
    int sampleRate() const override { return 8000; }
    int dimension() const override { return 2; }
    bool hasTextTower() const override { return m_text; }
    std::vector<std::vector<float>> embedText(const std::vector<std::string> &texts) override
    {
        if (!m_text)
            return Encoder::embedText(texts);
        std::vector<std::vector<float>> out;
        for (const auto &t : texts)
            out.push_back(t == "x" ? std::vector<float>{1, 0} : std::vector<float>{0, 1});
        return out;
    }
    // Knows only "x".
    std::vector<std::string> unknownWords(const std::string &text) const override
    {
        std::vector<std::string> out;
        for (const auto &w : {"y", "z"})
            if (text.find(w) != std::string::npos)
                out.push_back(w);
        return out;
    }
    std::string knownWordsHint() const override { return "it knows only x"; }

protected:
    Embedding embedMono(const std::vector<float> &) override { return clipOf({1, 1}); }

private:
    bool m_text;
};

// Two frames per clip, one per half: [rms of the half, 1] (reads the level), or with
// `levelBlind` [rms of the half / peak of the clip, 1] (the same at every gain).
class FakeLevelEncoder : public Encoder
{
public:
    explicit FakeLevelEncoder(bool levelBlind) : m_blind(levelBlind) {}
    std::string id() const override { return "level"; }
    std::string displayName() const override { return "level"; }
    int sampleRate() const override { return 8000; }
    int dimension() const override { return 2; }

protected:
    Embedding embedMono(const std::vector<float> &mono) override
    {
        const std::size_t half = mono.size() / 2;
        double peak = 0;
        for (float v : mono)
            peak = std::max(peak, double(std::fabs(v)));
        Embedding e;
        e.frames = 2;
        e.dimension = 2;
        for (std::size_t h = 0; h < 2; ++h) {
            double squares = 0;
            for (std::size_t i = h * half; i < (h + 1) * half; ++i)
                squares += double(mono[i]) * double(mono[i]);
            const double rms = std::sqrt(squares / double(half));
            e.frameData.push_back(float(m_blind ? rms / peak : rms));
            e.frameData.push_back(1.0f);
        }
        e.clip = {(e.frameData[0] + e.frameData[2]) / 2, 1.0f};
        return e;
    }

private:
    bool m_blind;
};

// A clip whose first half holds the value a and second half b (rms a and b).
AudioBuffer twoLevels(float a, float b)
{
    std::vector<float> samples(800, a);
    std::fill(samples.begin() + 400, samples.end(), b);
    return AudioBuffer(samples, 1, 8000);
}

} // namespace

class TestRewards : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void exemplarSimilarity()
    {
        Eigen::MatrixXd ref(3, 2);
        ref << 1, 0, 0, 1, 2, 0; // normalised: (1,0), (0,1), (1,0) -> centroid (2/3, 1/3)
        RewardBatch batch;
        batch.embeddings = {clipOf({1, 0}), clipOf({0, 3})};
        const auto centroid = ExemplarSimilarityReward(ref).scoreEach(batch);
        const double c = 1.0 / std::sqrt(5.0); // centroid direction (2, 1) / sqrt(5)
        QVERIFY(std::fabs(centroid[0] - 2 * c) < 1e-9);
        QVERIFY(std::fabs(centroid[1] - c) < 1e-9);
        const auto top2 = ExemplarSimilarityReward(ref, 2).scoreEach(batch);
        QVERIFY(std::fabs(top2[0] - 1.0) < 1e-9); // two exemplars at cosine 1
        QVERIFY(std::fabs(top2[1] - 0.5) < 1e-9); // cosines 1 and 0
        QCOMPARE(ExemplarSimilarityReward(ref).kind(), RewardKind::InstanceToDistribution);
    }

    void perSongFadRanksCloserSongsFirst()
    {
        const auto ref = test::randomRows(400, 6, 3, 0.0, 1.0);
        RewardBatch batch;
        batch.embeddings = {framesOf(ref), framesOf(test::randomRows(300, 6, 4, 2.0, 1.0))};
        const PerSongFadReward reward(ref);
        const auto values = reward.scoreEach(batch);
        QVERIFY(values[0] < 1e-4); // the same rows as the reference (stored as float)
        QVERIFY(values[1] > 10.0);
        QCOMPARE(reward.direction(), RewardDirection::LowerIsBetter);
        const auto utilities = reward.utilities(batch);
        QVERIFY(utilities[0] > utilities[1]); // lower FAD = higher utility
    }

    void setRewardUtilitiesAreLeaveOneOutContributions()
    {
        const auto ref = test::randomRows(200, 4, 5, 0.0, 1.0);
        Eigen::MatrixXd gen = test::randomRows(12, 4, 6, 0.0, 1.0);
        gen.row(7).setConstant(9.0); // an outlier
        RewardBatch batch;
        for (Eigen::Index i = 0; i < gen.rows(); ++i)
            batch.embeddings.push_back(
                clipOf({float(gen(i, 0)), float(gen(i, 1)), float(gen(i, 2)), float(gen(i, 3))}));
        const DatasetFadReward fad(ref);
        const auto utilities = fad.utilities(batch);
        const double full = fad.scoreSet(batch);
        // utility_i = -(FAD(S) - FAD(S \ i)) for a lower-is-better reward.
        Eigen::MatrixXd without(11, 4);
        without << gen.topRows(7), gen.bottomRows(4);
        const Eigen::MatrixXd rounded = without.cast<float>().cast<double>();
        QVERIFY(std::fabs(utilities[7] + (full - fad.scoreRows(rounded))) <
                1e-6 * std::max(1.0, full));
        QCOMPARE(int(std::min_element(utilities.begin(), utilities.end()) - utilities.begin()), 7);
        // KID: rows shifted away from the reference contribute less than rows drawn from it.
        RewardBatch mixed;
        const auto near = test::randomRows(8, 4, 5, 0.0, 1.0),
                   far = test::randomRows(8, 4, 7, 1.5, 1.0);
        for (const Eigen::MatrixXd *m : {&near, &far})
            for (Eigen::Index i = 0; i < 8; ++i)
                mixed.embeddings.push_back(clipOf(
                    {float((*m)(i, 0)), float((*m)(i, 1)), float((*m)(i, 2)), float((*m)(i, 3))}));
        const auto kid = KidReward(ref).utilities(mixed);
        double nearMean = 0, farMean = 0;
        for (int i = 0; i < 8; ++i) {
            nearMean += kid[std::size_t(i)] / 8;
            farMean += kid[std::size_t(i + 8)] / 8;
        }
        QVERIFY(nearMean > farMean);
        // Vendi: a duplicated sample adds less diversity than a distinct one.
        RewardBatch diverse;
        diverse.embeddings = {clipOf({1, 0, 0}), clipOf({1, 0, 0}), clipOf({0, 1, 0}),
                              clipOf({0, 0, 1})};
        const auto v = VendiReward().utilities(diverse);
        QVERIFY(v[0] < v[2] && v[1] < v[3]);
        QVERIFY_THROWS_EXCEPTION(std::logic_error, fad.scoreEach(batch));
    }

    void loudnessTarget()
    {
        RewardBatch batch;
        batch.loudnessLufs = {-14.0, -20.0, -8.0, -std::numeric_limits<double>::infinity()};
        const auto v = LoudnessTargetReward(-14.0).scoreEach(batch);
        QCOMPARE(v[0], 0.0);
        QCOMPARE(v[1], -6.0);
        QCOMPARE(v[2], -6.0);
        QCOMPARE(v[3], -56.0); // silence counts as -70 LUFS
    }

    void clapScoreNeedsATextTower()
    {
        QVERIFY_THROWS_EXCEPTION(EncoderError,
                                 ClapScoreReward(std::make_shared<FakeTextEncoder>(false)));
        ClapScoreReward clap(std::make_shared<FakeTextEncoder>(true));
        RewardBatch batch;
        batch.embeddings = {clipOf({3, 0}), clipOf({1, 1})};
        batch.prompts = {"x", "y"};
        const auto v = clap.scoreEach(batch);
        QVERIFY(std::fabs(v[0] - 1.0) < 1e-9);
        QVERIFY(std::fabs(v[1] - 1.0 / std::sqrt(2.0)) < 1e-9);
        batch.prompts.pop_back();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, clap.scoreEach(batch));
    }

    void weightedCombinationStandardisesTerms()
    {
        RewardBatch batch;
        batch.loudnessLufs = {-14, -10, -30, -14};
        batch.embeddings = {clipOf({1, 0}), clipOf({1, 0}), clipOf({1, 0}), clipOf({0, 1})};
        Eigen::MatrixXd ref(1, 2);
        ref << 1, 0;
        auto loud = std::make_shared<LoudnessTargetReward>(-14.0);
        auto similar = std::make_shared<ExemplarSimilarityReward>(ref);
        const WeightedReward combined({{loud, 1.0}, {similar, 2.0}});
        const auto u = combined.utilities(batch);
        const auto z1 = WeightedReward::standardised(loud->scoreEach(batch));
        const auto z2 = WeightedReward::standardised(similar->scoreEach(batch));
        for (int i = 0; i < 4; ++i)
            QVERIFY(std::fabs(u[std::size_t(i)] - (z1[std::size_t(i)] + 2 * z2[std::size_t(i)])) <
                    1e-12);
        // A constant term adds nothing; a negative weight reverses the order.
        RewardBatch flat = batch;
        flat.loudnessLufs = {-14, -14, -14, -14};
        for (double v : WeightedReward({{loud, 1.0}}).utilities(flat))
            QCOMPARE(v, 0.0);
        const auto away = WeightedReward({{similar, -1.0}}).utilities(batch);
        QVERIFY(away[3] > away[0]);
        QCOMPARE(combined.kind(), RewardKind::InstanceToDistribution);
    }

    void frozenScalesMakeBatchesComparable()
    {
        auto loud = std::make_shared<LoudnessTargetReward>(-14.0);
        auto quiet = std::make_shared<LoudnessTargetReward>(-30.0);
        WeightedReward combined({{loud, 1.0}, {quiet, 0.5}});
        RewardBatch base;
        base.loudnessLufs = {-20, -24, -18, -22};
        // Per-batch statistics: every batch averages 0, however good it is.
        RewardBatch better = base;
        better.loudnessLufs = {-15, -16, -14, -15};
        const auto u0 = combined.utilities(better);
        QVERIFY(std::abs(std::accumulate(u0.begin(), u0.end(), 0.0)) < 1e-9);
        // Frozen on the base batch: the better batch scores above 0 by the loud term's gain
        // (z of the loud term) net of the quiet term's loss, in base standard deviations.
        combined.freezeScales(base);
        QVERIFY(combined.frozen());
        const auto baseU = combined.utilities(base);
        QVERIFY(std::abs(std::accumulate(baseU.begin(), baseU.end(), 0.0)) < 1e-9);
        const auto scales = combined.scales();
        QCOMPARE(int(scales.size()), 2);
        QVERIFY(std::abs(scales[0].mean - (-7.0)) < 1e-12); // -|L + 14| over the base batch
        const auto u = combined.utilities(better);
        double expected = 0;
        for (double lufs : better.loudnessLufs)
            expected += (-std::abs(lufs + 14) - scales[0].mean) / scales[0].sd +
                        0.5 * (-std::abs(lufs + 30) - scales[1].mean) / scales[1].sd;
        QVERIFY(std::abs(std::accumulate(u.begin(), u.end(), 0.0) - expected) < 1e-9);
        QVERIFY(expected > 0);
        QCOMPARE(combined.scoreEach(better), u);
        // Restored scales (a resumed run) give the same values; a wrong count is refused.
        WeightedReward again({{loud, 1.0}, {quiet, 0.5}});
        again.setScales(scales);
        QCOMPARE(again.utilities(better), u);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, again.setScales({scales[0]}));
    }

    void definitionValidationNamesEachProblem()
    {
        Project project;
        project.exemplarSets = {
            {"set-1", "Empty", {}},
            {"set-2", "Only text", {ExemplarItem::textItem("warm analog pads")}},
            {"set-3", "One clip", {ExemplarItem::audio("/tmp/a.wav")}}};
        RewardDefinition d;
        QVERIFY(d.validate(project, true).front().find("at least one") != std::string::npos);
        d.terms = {{"clap", ""},     {"exemplar-similarity", "set-1"}, {"per-song-fad", "set-2"},
                   {"fad", "set-3"}, {"exemplar-similarity", "nope"},  {"loudness", ""},
                   {"bogus", ""}};
        d.terms[5].targetLufs = 5;
        const auto problems = d.validate(project, false);
        auto mentions = [&](const std::string &text) {
            for (const auto &p : problems)
                if (p.find(text) != std::string::npos)
                    return true;
            return false;
        };
        QVERIFY(
            mentions("Term 1: CLAP score (prompt vs audio) needs an encoder with a text tower"));
        QVERIFY(mentions("Term 2: exemplar set 'Empty' is empty"));
        QVERIFY(mentions("Term 3: exemplar set 'Only text' holds only text"));
        QVERIFY(mentions("Term 4: Dataset FAD needs at least 2 exemplars"));
        QVERIFY(mentions("Term 5: choose an exemplar set"));
        QVERIFY(mentions("Term 6: the loudness target"));
        QVERIFY(mentions("Term 7: unknown reward type"));
        // With a text tower, the text-only set and the CLAP term are fine...
        RewardDefinition ok;
        ok.terms = {{"clap", ""}, {"exemplar-similarity", "set-2"}};
        QVERIFY(ok.validate(project, true).empty());
        QVERIFY(ok.hasTerm("clap"));
        QVERIFY(ok.hasTerm("exemplar-similarity"));
        QVERIFY(!ok.hasTerm("loudness"));
        // ...but per-song FAD needs audio frames whatever the encoder, and says what to do.
        RewardDefinition frames;
        frames.terms = {{"per-song-fad", "set-2"}};
        const auto refused = frames.validate(project, true);
        QCOMPARE(refused.size(), std::size_t(1));
        QVERIFY2(refused[0].find("'Only text' holds only text: add audio to it, or use Exemplar "
                                 "similarity") != std::string::npos,
                 refused[0].c_str());
        QCOMPARE(RewardDefinition::fromJson(d.toJson()), d);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                 RewardDefinition::fromJson("{\"terms\":[{}]}"));
    }

    // Each type's parameter (top-k, loudness target, Vendi order) is read and written through
    // its description, and validation accepts exactly its range, naming it when outside.
    void parameterRangesAreWhatValidationAccepts()
    {
        Project project;
        project.exemplarSets = {{"set-1", "Refs", {ExemplarItem::textItem("lo-fi")}}};
        int described = 0;
        for (const auto &info : rewardTypes()) {
            const RewardParameter *p = rewardParameterOf(info.key);
            if (!p)
                continue;
            ++described;
            RewardDefinition d;
            d.terms = {{info.key, "set-1"}};
            const auto problemsAt = [&](double value) {
                p->set(d.terms[0], value);
                return d.validate(project, true);
            };
            p->set(d.terms[0], p->high);
            QCOMPARE(p->get(d.terms[0]), p->high);
            QVERIFY2(problemsAt(p->low).empty(), info.key.c_str());
            QVERIFY2(problemsAt(p->high).empty(), info.key.c_str());
            const double outside = p->decimals == 0 ? 1.0 : 0.5;
            for (const double value : {p->low - outside, p->high + outside}) {
                const auto problems = problemsAt(value);
                QCOMPARE(problems.size(), std::size_t(1));
                QVERIFY2(problems[0].rfind("Term 1: " + p->name + " must be between ", 0) == 0,
                         problems[0].c_str());
            }
        }
        QCOMPARE(described, 3); // exemplar similarity, loudness, Vendi
        QVERIFY(!rewardParameterOf("fad"));
        QVERIFY(!rewardParameterOf("bogus"));
    }

    void projectKeepsTheReward()
    {
        QTemporaryDir dir;
        Project project;
        project.name = "p";
        project.exemplarSets = {{"set-1", "Refs", {ExemplarItem::textItem("lo-fi")}}};
        project.reward.encoder = "music-features";
        project.reward.terms = {{"exemplar-similarity", "set-1", true, 0.5, 3, -14.0, 1.0},
                                {"vendi", ""}};
        const std::string path = dir.filePath("p.dragon").toStdString();
        ProjectFile::save(project, path);
        QCOMPARE(ProjectFile::load(path).reward, project.reward);
    }

    void builderUsesTextExemplarsOnlyWithATextTower()
    {
        ExemplarSet set{
            "set-1", "Text refs", {ExemplarItem::textItem("x"), ExemplarItem::textItem("x")}};
        FakeTextEncoder withText(true), withoutText(false);
        const auto embedded = ExemplarSetEmbedder::embed(set, withText, nullptr);
        QCOMPARE(embedded.text.size(), std::size_t(2));
        QVERIFY(embedded.problems.empty());
        QVERIFY(embedded.unknownWords.empty());
        QCOMPARE(ExemplarSetEmbedder::unknownWordsNote(embedded, "fake"), std::string());
        // Unknown words are noted, the item still embeds.
        ExemplarSet mixed{"set-2",
                          "Mixed",
                          {ExemplarItem::textItem("x"), ExemplarItem::textItem("x y"),
                           ExemplarItem::textItem("z y")}};
        const auto noted = ExemplarSetEmbedder::embed(mixed, withText, nullptr);
        QCOMPARE(noted.text.size(), std::size_t(3));
        QCOMPARE(noted.unknownWords.size(), std::size_t(2));
        QCOMPARE(noted.unknownWords[1].first, std::string("z y"));
        QCOMPARE(noted.unknownWords[1].second, (std::vector<std::string>{"y", "z"}));
        const std::string note = ExemplarSetEmbedder::unknownWordsNote(noted, "fake");
        QVERIFY2(note.find("2 of 3 text items use words fake does not know (\"y\", \"z\")") == 0,
                 note.c_str());
        // The encoder's own hint on what it knows closes the note.
        QCOMPARE(noted.knownWordsHint, std::string("it knows only x"));
        QVERIFY2(note.size() > 17 && note.substr(note.size() - 17) == "; it knows only x",
                 note.c_str());
        QCOMPARE(embedded.knownWordsHint, std::string()); // no unknown words, no hint
        const auto refused = ExemplarSetEmbedder::embed(set, withoutText, nullptr);
        QVERIFY(refused.empty());
        QCOMPARE(refused.problems.size(), std::size_t(2));
        QVERIFY(refused.problems[0].second.find("no text tower") != std::string::npos);

        RewardDefinition d;
        d.terms = {{"exemplar-similarity", "set-1"}};
        auto encoder = std::make_shared<FakeTextEncoder>(true);
        auto reward = RewardBuilder::build(d, encoder, {{"set-1", embedded}});
        RewardBatch batch;
        batch.embeddings = {clipOf({1, 0}), clipOf({0, 1})};
        const auto v = reward->scoreEach(batch);
        QVERIFY(v[0] > 0.99 && std::fabs(v[1]) < 1e-9);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 RewardBuilder::build(d, encoder, {{"set-1", refused}}));
        d.terms = {{"clap", ""}};
        QVERIFY_THROWS_EXCEPTION(
            EncoderError, RewardBuilder::build(d, std::make_shared<FakeTextEncoder>(false), {}));
        d.terms = {{"vendi", ""}, {"loudness", ""}};
        QVERIFY(dynamic_cast<WeightedReward *>(RewardBuilder::build(d, encoder, {}).get()));
    }
    void levelResponseOfHandMadeValues()
    {
        // Changes +0.5, -1, 0: mean -1/6, mean |change| 0.5; values 1, 2, 3 spread 1.
        const LevelResponse r = LevelResponse::of(-6, {1, 2, 3}, {1.5, 1, 3});
        QCOMPARE(r.gainDb, -6.0);
        QVERIFY(std::fabs(r.meanChange + 1.0 / 6.0) < 1e-12);
        QVERIFY(std::fabs(r.meanAbsChange - 0.5) < 1e-12);
        QVERIFY(std::fabs(r.spread - 1.0) < 1e-12);
        QVERIFY(std::fabs(r.relative() - 0.5) < 1e-12);
        QVERIFY(std::isnan(LevelResponse::of(6, {2}, {3}).relative())); // one clip: no spread
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, LevelResponse::of(6, {1, 2}, {1}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, LevelResponse::of(6, {}, {}));
    }

    void gainSensitivityOfALevelReadingEncoder()
    {
        // Clip embeddings [m, 1] with m = 0.5, 0.2, 0.8; a gain k makes them [k m, 1].
        const std::vector<AudioBuffer> clips = {twoLevels(0.5f, 0.5f), twoLevels(0.1f, 0.3f),
                                                twoLevels(0.9f, 0.7f)};
        const std::vector<double> m = {0.5, 0.2, 0.8};
        // Reference frames 0.4 and 0.6 (mean 0.5, unbiased sd 0.1 sqrt 2) in the level
        // dimension, 1 in the other; a clip's frames have mean k m and sd k s (s = 0 for the
        // first clip, 0.1 sqrt 2 for the others), so its per-song FAD is
        // (k m - 0.5)^2 + (k s - 0.1 sqrt 2)^2.
        Embedding reference;
        reference.frames = 2;
        reference.dimension = 2;
        reference.frameData = {0.4f, 1.0f, 0.6f, 1.0f};
        reference.clip = {0.5f, 1.0f};
        const double sr = 0.1 * std::sqrt(2.0);
        const std::vector<double> s = {0.0, sr, sr};
        auto fad = [&](double k, std::size_t i) {
            return (k * m[i] - 0.5) * (k * m[i] - 0.5) + (k * s[i] - sr) * (k * s[i] - sr);
        };
        auto cos2 = [](double a, double b) {
            return (a * b + 1) / std::sqrt((a * a + 1) * (b * b + 1));
        };
        FakeLevelEncoder encoder(false);
        const auto r = GainSensitivity::measure(encoder, clips, {-12, 0, 6}, {reference});
        QCOMPARE(r.clips, 3);
        QVERIFY(r.hasReference);
        QCOMPARE(r.rows.size(), std::size_t(3));
        const double between = (cos2(0.5, 0.2) + cos2(0.5, 0.8) + cos2(0.2, 0.8)) / 3;
        QVERIFY(std::fabs(r.betweenClipsMeanCosine - between) < 1e-6);
        QVERIFY(std::fabs(r.betweenClipsMaxCosine - cos2(0.5, 0.8)) < 1e-6);
        const double fadMean = (fad(1, 0) + fad(1, 1) + fad(1, 2)) / 3; // 0.02, 0.09, 0.09
        QVERIFY(std::fabs(r.fadMean - fadMean) < 1e-6);
        QVERIFY(std::fabs(r.fadSpread - std::sqrt(0.07 * 0.07 / 3)) < 1e-6);

        const double k = std::pow(10.0, -12.0 / 20.0);
        const auto &quiet = r.rows[0];
        QCOMPARE(quiet.gainDb, -12.0);
        const double meanCos = (cos2(k * 0.5, 0.5) + cos2(k * 0.2, 0.2) + cos2(k * 0.8, 0.8)) / 3;
        QVERIFY(std::fabs(quiet.meanCosine - meanCos) < 1e-6);
        QVERIFY(std::fabs(quiet.minCosine - cos2(k * 0.8, 0.8)) < 1e-6);
        // [0.126, 1] is nearest to [0.2, 1] (the second clip's), [0.05, 1] to its own [0.2, 1],
        // [0.2, 1] to the second clip's: one of three keeps its own.
        QCOMPARE(quiet.nearestIsItself, 1);
        double change = 0, absChange = 0;
        for (std::size_t i = 0; i < 3; ++i) {
            change += fad(k, i) - fad(1, i);
            absChange += std::fabs(fad(k, i) - fad(1, i));
        }
        QVERIFY(std::fabs(quiet.fad.meanChange - change / 3) < 1e-6);
        QVERIFY(std::fabs(quiet.fad.meanAbsChange - absChange / 3) < 1e-6);
        QVERIFY(std::fabs(quiet.fad.relative() - absChange / 3 / r.fadSpread) < 1e-6);
        // 0 dB: every clip is itself.
        QCOMPARE(r.rows[1].meanCosine, 1.0);
        QCOMPARE(r.rows[1].nearestIsItself, 3);
        QCOMPARE(r.rows[1].fad.meanAbsChange, 0.0);
        const double k6 = std::pow(10.0, 6.0 / 20.0);
        QVERIFY(std::fabs(r.rows[2].fad.meanChange -
                          (fad(k6, 0) + fad(k6, 1) + fad(k6, 2) - 0.2) / 3) < 1e-5);
    }

    void gainSensitivityOfALevelBlindEncoderAndBadInput()
    {
        const std::vector<AudioBuffer> clips = {twoLevels(0.5f, 0.5f), twoLevels(0.1f, 0.3f),
                                                twoLevels(0.9f, 0.7f)};
        FakeLevelEncoder blind(true);
        const auto r = GainSensitivity::measure(blind, clips, {-20, 6}, {});
        QVERIFY(!r.hasReference);
        QVERIFY(std::isnan(r.fadMean));
        for (const auto &row : r.rows) {
            QVERIFY(std::fabs(row.meanCosine - 1) < 1e-6);
            QVERIFY(std::fabs(row.minCosine - 1) < 1e-6);
            QCOMPARE(row.nearestIsItself, 3);
            QVERIFY(std::isnan(row.fad.meanChange));
        }
        // One clip: no pairs to compare, no spread.
        const auto one = GainSensitivity::measure(blind, {clips[1]}, {-6}, {});
        QVERIFY(std::isnan(one.betweenClipsMeanCosine));
        QCOMPARE(one.rows[0].nearestIsItself, 1);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 GainSensitivity::measure(blind, {}, {-6}, {}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 GainSensitivity::measure(blind, {AudioBuffer()}, {-6}, {}));
        QVERIFY_THROWS_EXCEPTION(
            std::invalid_argument,
            GainSensitivity::measure(blind, clips, {std::numeric_limits<double>::quiet_NaN()}, {}));
    }
};

QTEST_GUILESS_MAIN(TestRewards)
#include "tst_rewards.moc"
