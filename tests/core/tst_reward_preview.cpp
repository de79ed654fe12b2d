// The reward preview's numbers: the AUC and its reading on hand-made lists, the principal map
// on points of known shape, a preview of crafted clips against an exemplar set (separable:
// AUC 1; drawn from the same family: about 0.5), per-clip values equal to the training
// reward's, exemplars scored leave-one-out, the level check (hand-computed on a fake set reward
// and on loudness targets), and previews saved and read back (damaged files refused by name).
#include "audio/AudioFileWriter.h"
#include "audio/Loudness.h"
#include "audio/SignalGenerator.h"
#include "dragon/TrainingReward.h"
#include "encoders/Encoder.h"
#include "encoders/EncoderFactory.h"
#include "metrics/PrincipalMap.h"
#include "metrics/SeparationAuc.h"
#include "preview/PreviewStore.h"
#include "preview/RewardLevelCheck.h"
#include "preview/RewardPreview.h"
#include "project/Project.h"
#include "project/ProjectFolder.h"
#include "rewards/WeightedReward.h"
#include "util/StampedFolders.h"

#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

using namespace dragon;

namespace {

AudioBuffer noise(std::uint32_t seed, double seconds, int rate)
{
    std::mt19937 gen(seed);
    std::normal_distribution<float> n(0.0f, 0.2f);
    AudioBuffer a(1, rate, std::size_t(seconds * rate));
    for (float &s : a.interleaved())
        s = n(gen);
    return a;
}

std::vector<double> unitOf(const std::vector<float> &v)
{
    double norm = 0;
    for (float x : v)
        norm += double(x) * x;
    std::vector<double> u;
    for (float x : v)
        u.push_back(double(x) / std::sqrt(norm));
    return u;
}

} // namespace

class TestRewardPreview : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    Project m_project;
    std::vector<std::string> m_toneFiles;

    // Tones of 300..690 Hz every 20 Hz as the exemplar set "tones".
    void makeProject(const std::string &rewardType)
    {
        m_project = Project{};
        ExemplarSet set;
        set.id = "s1";
        set.name = "tones";
        m_toneFiles.clear();
        for (int i = 0; i < 20; ++i) {
            const std::string path = m_dir.filePath(QString("tone-%1.wav").arg(i)).toStdString();
            AudioFileWriter::write(path, SignalGenerator::sine(300.0 + 20 * i, 0.5, 1.0, 16000),
                                   {AudioContainer::Wav, SampleEncoding::Float32});
            set.items.push_back(ExemplarItem::audio(path));
            m_toneFiles.push_back(path);
        }
        m_project.exemplarSets.push_back(set);
        m_project.trainPrompts = {"a tone"};
        m_project.reward.encoder = "mel-stats";
        RewardTerm term;
        term.type = rewardType;
        term.exemplarSet = "s1";
        m_project.reward.terms = {term};
    }
    std::string cache() const { return m_dir.filePath("cache").toStdString(); }

private Q_SLOTS:
    void aucOfHandMadeLists()
    {
        QCOMPARE(separationAuc({3, 4, 5}, {0, 1, 2}), 1.0);
        QCOMPARE(separationAuc({0, 1, 2}, {3, 4, 5}), 0.0);
        QCOMPARE(separationAuc({1, 1}, {1, 1, 1}), 0.5);
        // P = {1, 3}, N = {2}: one win, one loss.
        QCOMPARE(separationAuc({1, 3}, {2}), 0.5);
        // P = {2, 3}, N = {1, 2}: pairs (2,1) win, (2,2) tie, (3,1) win, (3,2) win = 3.5 / 4.
        QCOMPARE(separationAuc({2, 3}, {1, 2}), 0.875);
        QVERIFY(std::isnan(separationAuc({}, {1.0})));
        QCOMPARE(separationAuc({NAN, 2.0}, {1.0}), 1.0); // non-finite values are left out
        QCOMPARE(QString(separationReading(0.9)), QString("well"));
        QCOMPARE(QString(separationReading(0.7)), QString("barely"));
        QCOMPARE(QString(separationReading(0.5)), QString("not at all"));
        QCOMPARE(QString(separationReading(0.2)), QString("reversed"));
    }

    void principalMapOfALine()
    {
        // Points on a line through 3-D space, plus a little spread on a second direction.
        std::vector<std::vector<float>> rows;
        for (int i = 0; i < 10; ++i)
            rows.push_back({float(i), float(2 * i) + (i % 2 ? 0.1f : -0.1f), float(-i)});
        const PrincipalMap map = PrincipalMap::of(rows);
        QCOMPARE(int(map.points.size()), 10);
        QVERIFY(map.explained[0] > 0.99);
        QVERIFY(map.explained[1] > 0 && map.explained[1] < 0.01);
        // Distances along the line are kept: consecutive points sqrt(6) apart on PC 1.
        // Points 0 and 2 have the same offset, so they lie 2 sqrt(6) apart along the line.
        const double step = std::abs(map.points[2][0] - map.points[0][0]);
        QVERIFY2(std::abs(step - 2 * std::sqrt(6.0)) < 0.01, qPrintable(QString::number(step)));
        QVERIFY(std::abs(map.points[0][0] + map.points[9][0]) < 1e-5); // centred
        // One row, or rows without spread: the origin.
        QCOMPARE(PrincipalMap::of({{1, 2}}).points[0][0], 0.0);
        QCOMPARE(PrincipalMap::of({{1, 2}, {1, 2}}).points[1][1], 0.0);
    }

    void separableClipsScoreOne()
    {
        makeProject("exemplar-similarity");
        std::vector<PreviewClip> clips;
        for (std::uint32_t i = 0; i < 8; ++i)
            clips.push_back({noise(i, 1.0, 16000), "noise.wav", "a tone", 100 + i});
        const PreviewResult r = RewardPreview::score(m_project, cache(), clips);
        QCOMPARE(r.aucBasis, std::string("reward"));
        QCOMPARE(r.auc, 1.0);
        QVERIFY(r.reading.find("well") != std::string::npos);
        QCOMPARE(int(r.generatedCount()), 8);
        QCOMPARE(int(r.points.size()), 28);
        QCOMPARE(r.terms.size(), std::size_t(1));
        QCOMPARE(r.terms[0].setName, std::string("tones"));

        // Per-clip values are the training reward's.
        TrainingReward reward(m_project, cache(), {});
        std::vector<AudioBuffer> audio;
        for (const auto &c : clips)
            audio.push_back(c.audio);
        const auto expected =
            reward.reward().scoreEach(reward.score(audio, std::vector<std::string>(8, "a tone")));
        for (std::size_t i = 0; i < 8; ++i) {
            QCOMPARE(r.points[i].seed, std::uint64_t(100 + i));
            QVERIFY(std::abs(r.points[i].terms[0] - expected[i]) < 1e-12);
            QCOMPARE(r.points[i].reward, r.points[i].terms[0]);
        }
        // Exemplar 0 is scored against the other 19: cosine to the centroid of their unit
        // embeddings, computed here by hand.
        const auto encoder = createEncoder("mel-stats");
        std::vector<std::vector<double>> units;
        for (std::size_t j = 0; j < m_toneFiles.size(); ++j)
            units.push_back(unitOf(
                encoder->embed(SignalGenerator::sine(300.0 + 20 * double(j), 0.5, 1.0, 16000))
                    .clip));
        std::vector<double> centroid(units[0].size(), 0.0);
        for (std::size_t j = 1; j < units.size(); ++j)
            for (std::size_t d = 0; d < centroid.size(); ++d)
                centroid[d] += units[j][d] / 19.0;
        double dot = 0, norm = 0;
        for (std::size_t d = 0; d < centroid.size(); ++d) {
            dot += units[0][d] * centroid[d];
            norm += centroid[d] * centroid[d];
        }
        const PreviewPoint &first = r.points[8];
        QVERIFY(!first.generated);
        QCOMPARE(first.setName, std::string("tones"));
        QCOMPARE(first.label, std::string("tone-0.wav"));
        QVERIFY2(std::abs(first.terms[0] - dot / std::sqrt(norm)) < 1e-5,
                 qPrintable(QString("%1 vs %2").arg(first.terms[0]).arg(dot / std::sqrt(norm))));
        // Every point is on the map.
        for (const auto &p : r.points)
            QVERIFY(p.mapped);
        QVERIFY(r.mapExplained[0] > 0.0);
    }

    void sameFamilyScoresAboutOneHalf()
    {
        makeProject("exemplar-similarity");
        // Tones between the exemplars' frequencies: the same family.
        std::vector<PreviewClip> clips;
        for (int i = 0; i < 20; ++i)
            clips.push_back({SignalGenerator::sine(310.0 + 20 * i, 0.5, 1.0, 16000), "", "a tone",
                             std::uint64_t(i)});
        const PreviewResult r = RewardPreview::score(m_project, cache(), clips);
        QCOMPARE(r.aucBasis, std::string("reward"));
        QVERIFY2(std::abs(r.auc - 0.5) < 0.15, qPrintable(QString::number(r.auc)));
        QVERIFY(r.reading.find("not") != std::string::npos);
    }

    void lowerIsBetterRewardRanksByItsDirection()
    {
        // Per-song FAD alone: lower is better, so the value ranked (D+ first, the AUC) is minus
        // the FAD. Tones like the set's sit closer to it than noise does.
        makeProject("per-song-fad");
        std::vector<PreviewClip> clips;
        for (std::uint32_t i = 0; i < 4; ++i) {
            clips.push_back({noise(i, 1.0, 16000), "", "a tone", i});
            clips.push_back(
                {SignalGenerator::sine(310.0 + 40 * i, 0.5, 1.0, 16000), "", "a tone", 10 + i});
        }
        const PreviewResult r = RewardPreview::score(m_project, cache(), clips);
        QVERIFY(!r.combined());
        for (const auto &p : r.points)
            if (std::isfinite(p.terms[0]))
                QCOMPARE(p.reward, -p.terms[0]);
        double worstTone = INFINITY, bestNoise = -INFINITY;
        for (std::size_t i = 0; i < clips.size(); ++i)
            (clips[i].seed >= 10 ? worstTone = std::min(worstTone, r.points[i].reward)
                                 : bestNoise = std::max(bestNoise, r.points[i].reward));
        QVERIFY2(worstTone > bestNoise, qPrintable(QString("%1 %2").arg(worstTone).arg(bestNoise)));
        QCOMPARE(r.aucBasis, std::string("reward"));
        // Exemplars (low FAD) above the noise, level with the tones: about 0.75; reversed, 0.25.
        QVERIFY2(r.auc > 0.6, r.reading.c_str());
        QVERIFY2(r.reading.find("check each term's direction") == std::string::npos,
                 r.reading.c_str());
    }

    void setTermsUseTheEmbeddings()
    {
        makeProject("per-song-fad");
        RewardTerm vendi;
        vendi.type = "vendi";
        vendi.weight = 0.5;
        m_project.reward.terms.push_back(vendi);
        std::vector<PreviewClip> clips;
        for (std::uint32_t i = 0; i < 8; ++i)
            clips.push_back({noise(i, 1.0, 16000), "", "a tone", i});
        const PreviewResult r = RewardPreview::score(m_project, cache(), clips);
        QVERIFY(r.combined());
        QCOMPARE(r.terms.size(), std::size_t(2));
        QCOMPARE(r.aucBasis, std::string("embeddings"));
        QCOMPARE(r.auc, 1.0);
        QVERIFY(std::isfinite(r.terms[1].batchValue)); // the batch's Vendi score
        // The combined value of each generation is the training reward's with scales frozen on
        // this batch.
        TrainingReward reward(m_project, cache(), {});
        std::vector<AudioBuffer> audio;
        for (const auto &c : clips)
            audio.push_back(c.audio);
        const RewardBatch batch = reward.score(audio, std::vector<std::string>(8, "a tone"));
        reward.freezeScales(batch);
        const auto expected = reward.reward().utilities(batch);
        for (std::size_t i = 0; i < 8; ++i)
            QVERIFY(std::abs(r.points[i].reward - expected[i]) < 1e-9);
        // Exemplars have a per-song FAD (leave-one-out) but no Vendi value, so no combined one.
        const PreviewPoint &exemplar = r.points[8];
        QVERIFY(std::isfinite(exemplar.terms[0]) && exemplar.terms[0] >= 0.0);
        QVERIFY(std::isnan(exemplar.terms[1]));
        QVERIFY(std::isnan(exemplar.reward));
        // The scales shown are the frozen ones.
        const auto weighted = std::dynamic_pointer_cast<WeightedReward>(reward.shared());
        QVERIFY(weighted);
        QCOMPARE(r.terms[0].scaleSd, weighted->scales()[0].sd);
    }

    void levelCheckTurnsOneClipAtATimeForSetTerms()
    {
        // Clips of constant value x = 1, 2, 4 read as that value; utility u_i = x_i - mean(x),
        // which depends on the other clips as a set term's contribution does.
        std::vector<AudioBuffer> audio;
        for (float x : {1.0f, 2.0f, 4.0f})
            audio.push_back(AudioBuffer(std::vector<float>(4, x), 1, 16000));
        const auto score = [](const std::vector<AudioBuffer> &a) {
            RewardBatch b;
            for (const auto &clip : a)
                b.loudnessLufs.push_back(clip.interleaved().front());
            return b;
        };
        const auto utilities = [](const RewardBatch &b) {
            double mean = 0;
            for (double v : b.loudnessLufs)
                mean += v / double(b.loudnessLufs.size());
            std::vector<double> u;
            for (double v : b.loudnessLufs)
                u.push_back(v - mean);
            return u;
        };
        const RewardBatch batch = score(audio);
        const std::vector<double> x = {1, 2, 4}, u0 = {-4.0 / 3, -1.0 / 3, 5.0 / 3};
        const double k = double(float(std::pow(10.0, 6.0 / 20.0)));
        // One clip turned, the others as they were: u_i = k x_i - (7 - x_i + k x_i) / 3.
        std::vector<double> alone, together;
        for (std::size_t i = 0; i < 3; ++i) {
            alone.push_back(k * x[i] - (7 - x[i] + k * x[i]) / 3);
            together.push_back(k * u0[i]); // the whole batch turned: every value scaled by k
        }
        const auto perClip = RewardLevelCheck::measure(audio, batch, score, utilities, false, {6});
        const LevelResponse expected = LevelResponse::of(6, u0, alone);
        QCOMPARE(perClip.size(), std::size_t(1));
        QVERIFY(std::abs(perClip[0].meanChange - expected.meanChange) < 1e-6);
        QVERIFY(std::abs(perClip[0].meanAbsChange - expected.meanAbsChange) < 1e-6);
        QVERIFY(std::abs(perClip[0].spread - expected.spread) < 1e-12);
        const auto whole = RewardLevelCheck::measure(audio, batch, score, utilities, true, {6});
        QVERIFY(std::abs(whole[0].meanAbsChange -
                         LevelResponse::of(6, u0, together).meanAbsChange) < 1e-6);
        QVERIFY(std::abs(whole[0].meanAbsChange - perClip[0].meanAbsChange) > 0.1);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 RewardLevelCheck::measure({}, {}, score, utilities, true, {6}));
    }

    void levelCheckReadings()
    {
        const auto responses = [](double relative, double downChange) {
            LevelResponse down, up;
            down.gainDb = -6;
            up.gainDb = 6;
            down.spread = up.spread = 2;
            down.meanAbsChange = 2 * relative;
            up.meanAbsChange = relative; // the larger of the two is read
            down.meanChange = downChange;
            return std::vector<LevelResponse>{down, up};
        };
        const std::string content = RewardLevelCheck::reading(responses(0.1, -0.1), false);
        QVERIFY2(content.find("turning a clip 6 dB down or up moves its reward by at most 0.10 "
                              "of the spread between the clips: the reward follows what the "
                              "music plays, not its level.") != std::string::npos,
                 content.c_str());
        auto uneven = responses(0.1, -0.1);
        uneven[1].gainDb = 3;
        QVERIFY2(RewardLevelCheck::reading(uneven, false).find("6 dB down or 3 dB up") !=
                     std::string::npos,
                 RewardLevelCheck::reading(uneven, false).c_str());
        const std::string partly = RewardLevelCheck::reading(responses(0.3, 0.5), false);
        QVERIFY2(partly.find("up to 0.30 of the spread between the clips (quieter clips score "
                             "higher): the reward partly follows level") != std::string::npos,
                 partly.c_str());
        const std::string level = RewardLevelCheck::reading(responses(0.8, -1), false);
        QVERIFY2(level.find("(quieter clips score lower): the reward follows level as much as "
                            "content") != std::string::npos,
                 level.c_str());
        const std::string meant = RewardLevelCheck::reading(responses(0.8, -1), true);
        QVERIFY2(meant.find("as its loudness term asks") != std::string::npos, meant.c_str());
        auto flat = responses(0.8, -1);
        flat[0].spread = flat[1].spread = 0; // every clip scored the same: nothing to read
        QCOMPARE(RewardLevelCheck::reading(flat, false), std::string());
    }

    void previewCarriesTheLevelCheck()
    {
        // Loudness toward -23 LUFS: a clip's utility is -|L - (-23)|, and 6 dB down or up moves
        // L by exactly 6 LU, so the level check is computed here from each clip's loudness.
        makeProject("loudness");
        m_project.reward.terms[0].targetLufs = -23.0;
        m_project.reward.terms[0].exemplarSet.clear();
        std::vector<PreviewClip> clips;
        std::vector<double> u0, down, up;
        for (std::uint32_t i = 0; i < 6; ++i) {
            AudioBuffer a = noise(i, 1.0, 16000);
            a.applyGain(float(std::pow(10.0, -double(i) * 3.0 / 20.0))); // 0, -3, ... -15 dB
            const double lufs = Loudness::measure(a).integratedLufs;
            u0.push_back(-std::abs(lufs + 23.0));
            down.push_back(-std::abs(lufs - 6.0 + 23.0));
            up.push_back(-std::abs(lufs + 6.0 + 23.0));
            clips.push_back({a, "", "a tone", i});
        }
        const PreviewResult r = RewardPreview::score(m_project, cache(), clips);
        QCOMPARE(r.level.size(), std::size_t(2));
        QCOMPARE(r.level[0].gainDb, -6.0);
        QCOMPARE(r.level[1].gainDb, 6.0);
        const LevelResponse d = LevelResponse::of(-6, u0, down), u = LevelResponse::of(6, u0, up);
        QVERIFY2(std::abs(r.level[0].meanChange - d.meanChange) < 0.01,
                 qPrintable(QString("%1 vs %2").arg(r.level[0].meanChange).arg(d.meanChange)));
        QVERIFY(std::abs(r.level[1].meanChange - u.meanChange) < 0.01);
        QVERIFY(std::abs(r.level[0].spread - d.spread) < 1e-9);
        QVERIFY2(r.levelReading.find("as its loudness term asks") != std::string::npos,
                 r.levelReading.c_str());
    }

    void unusableSetIsNamed()
    {
        makeProject("exemplar-similarity");
        m_project.exemplarSets[0].items = {
            ExemplarItem::audio(m_dir.filePath("gone.wav").toStdString())};
        std::vector<PreviewClip> clips{{noise(1, 1.0, 16000), "", "a tone", 1}};
        try {
            RewardPreview::score(m_project, cache(), clips);
            QFAIL("a set without usable items was accepted");
        } catch (const std::runtime_error &e) {
            const std::string message = e.what();
            QVERIFY2(message.find("exemplar set 'tones' has no usable embeddings") !=
                             std::string::npos &&
                         message.find("gone.wav") != std::string::npos,
                     e.what());
        }
    }

    void savedAndReadBack()
    {
        makeProject("exemplar-similarity");
        std::vector<PreviewClip> clips;
        const std::string previews = m_dir.filePath("previews").toStdString();
        const std::string folder = PreviewStore::newFolder(previews, "20261202-100000");
        for (std::uint32_t i = 0; i < 4; ++i) {
            const std::string path = folder + "/clip-" + std::to_string(i) + ".wav";
            clips.push_back({noise(i, 1.0, 16000), path, "a tone", 18446744073709551615ull - i});
        }
        PreviewResult r = RewardPreview::score(m_project, cache(), clips);
        r.createdAt = "20261202-100000";
        PreviewStore::save(r, folder);
        QCOMPARE(PreviewStore::latest(previews), folder);
        QCOMPARE(ProjectFolder::displayStamp(r.createdAt), std::string("2026-12-02 10:00:00"));
        QCOMPARE(ProjectFolder::displayStamp("20261202-100000-2"),
                 std::string("2026-12-02 10:00:00-2"));
        QCOMPARE(ProjectFolder::displayStamp("damaged"), std::string("damaged"));
        const PreviewResult back = PreviewStore::load(folder);
        QCOMPARE(back.points.size(), r.points.size());
        QCOMPARE(back.reading, r.reading);
        QVERIFY(!r.levelReading.empty());
        QCOMPARE(back.levelReading, r.levelReading);
        QCOMPARE(back.level.size(), std::size_t(2));
        QCOMPARE(back.level[1].gainDb, 6.0);
        QCOMPARE(back.level[1].meanAbsChange, r.level[1].meanAbsChange);
        QCOMPARE(back.level[1].spread, r.level[1].spread);
        QCOMPARE(back.auc, r.auc);
        for (std::size_t i = 0; i < r.points.size(); ++i) {
            QCOMPARE(back.points[i].path, r.points[i].path); // relative on disk, absolute here
            QCOMPARE(back.points[i].seed, r.points[i].seed); // exact for any 64-bit seed
            QCOMPARE(back.points[i].terms[0], r.points[i].terms[0]);
            QCOMPARE(back.points[i].mapX, r.points[i].mapX);
        }
        // A newer preview is the latest; only kKeep are kept.
        for (int n = 0; n < PreviewStore::kKeep + 2; ++n) {
            const std::string f =
                PreviewStore::newFolder(previews, "20261202-1100" + std::to_string(10 + n));
            PreviewStore::save(r, f);
        }
        QCOMPARE(PreviewStore::latest(previews),
                 previews + "/20261202-1100" + std::to_string(10 + PreviewStore::kKeep + 1));
        int kept = 0;
        for (const auto &e : std::filesystem::directory_iterator(previews))
            kept += e.is_directory() ? 1 : 0;
        QCOMPARE(kept, PreviewStore::kKeep);

        // Damaged files are refused, naming the file.
        const std::string damaged = PreviewStore::newFolder(previews, "damaged");
        const auto refuse = [&damaged](const std::string &text, const char *cause) {
            std::ofstream(damaged + "/preview.json") << text;
            try {
                PreviewStore::load(damaged);
                QFAIL(qPrintable(QString("accepted: ") + QString::fromStdString(text)));
            } catch (const PreviewError &e) {
                const std::string message = e.what();
                QVERIFY2(message.find(damaged + "/preview.json") != std::string::npos, e.what());
                QVERIFY2(message.find(cause) != std::string::npos, e.what());
            }
        };
        refuse("{", "");
        refuse("{\"format\": 2}", "format 2");
        refuse("{\"format\": 1, \"terms\": [{\"type\": \"x\"}], \"points\": [{\"terms\": []}]}",
               "0 term values for 1 terms");
        refuse("{\"format\": 1, \"points\": [{\"seed\": \"12x\"}]}", "seed");
        refuse("{\"format\": 1, \"points\": [{\"label\": 5}]}", "label");
        refuse(std::string(200000, '['), "");
        refuse("{\"format\": 1, \"level\": [{\"gainDb\": -6, \"meanChange\": 1}]}",
               "\"meanAbsChange\" is missing");
        refuse("{\"format\": 1, \"level\": [{\"gainDb\": -6, \"meanChange\": \"x\"}]}",
               "must be a number or null");
        QVERIFY_THROWS_EXCEPTION(PreviewError,
                                 PreviewStore::load(m_dir.filePath("none").toStdString()));
    }

    // Previews made within one second are STAMP, STAMP-2 ... STAMP-12: the latest is the
    // last made (not STAMP-9, which sorts last as text), and pruning removes the oldest.
    void sameSecondPreviewsKeepTheirOrder()
    {
        makeProject("exemplar-similarity");
        const std::string previews = m_dir.filePath("same-second").toStdString();
        PreviewResult r;
        std::vector<std::string> made;
        for (int n = 0; n < 12; ++n) {
            made.push_back(PreviewStore::newFolder(previews, "20261206-031500"));
            PreviewStore::save(r, made.back());
        }
        QCOMPARE(made.back(), previews + "/20261206-031500-12");
        QCOMPARE(PreviewStore::latest(previews), made.back());
        const std::string later = PreviewStore::newFolder(previews, "20261206-031501");
        PreviewStore::save(r, later);
        QCOMPARE(PreviewStore::latest(previews), later);
        const auto order = StampedFolders::withFile(previews, "preview.json");
        QCOMPARE(order.size(), std::size_t(13));
        for (std::size_t i = 0; i < made.size(); ++i)
            QCOMPARE(order[i].string(), made[i]);
        StampedFolders::keepNewest(previews, "preview.json", 3, later);
        const auto kept = StampedFolders::withFile(previews, "preview.json");
        QCOMPARE(kept.size(), std::size_t(3));
        QCOMPARE(kept[0].string(), made[10]);
        QCOMPARE(kept[1].string(), made[11]);
    }
};

QTEST_GUILESS_MAIN(TestRewardPreview)
#include "tst_reward_preview.moc"
