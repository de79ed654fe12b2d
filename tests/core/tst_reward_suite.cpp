// The reward-suite benchmark's definition (core/bench/RewardSuite): 20 rewards of every kind,
// the per-song FAD grid of at least 2 encoders x 2 sets, the dataset FAD grid over the same
// cells, two halves of 10 for "settings chosen without peeking", and every reward usable on the
// suite's sets.
#include "audio/AudioError.h"
#include "audio/AudioFileReader.h"
#include "audio/AudioFileWriter.h"
#include "audio/SignalGenerator.h"
#include "bench/RewardSuite.h"
#include "bench/RewardSuiteRun.h"
#include "bench/SuiteClipCutter.h"
#include "bench/SuiteSeedsTable.h"
#include "bench/SuiteTable.h"
#include "bench/ValidationChoice.h"
#include "dragon/DragonConfig.h"
#include "dragon/GuardrailCheck.h"
#include "dragon/RunHistory.h"
#include "encoders/EncoderFactory.h"
#include "project/ProjectFile.h"
#include "rewards/RewardDefinition.h"

#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

using namespace dragon;

class TestRewardSuite : public QObject
{
    Q_OBJECT

    // A budget small enough for a test: 4 train prompts, one seed per eval prompt, 4 clips.
    static SuiteBudget tinyBudget(int rounds, int evalPrompts)
    {
        SuiteBudget budget;
        budget.rounds = rounds;
        budget.trainPrompts = 4;
        budget.evalPrompts = evalPrompts;
        budget.evalSeeds = 1;
        budget.clipsPerSet = 4;
        return budget;
    }

    // A scratch folder whose one 14 s chord track stands in for both soundtracks; `on` makes a
    // suite in its "suite" folder reading that track.
    struct ScratchSuite
    {
        QTemporaryDir dir;
        ScratchSuite()
        {
            const double notes[] = {220.0, 277.18, 329.63};
            std::filesystem::create_directories(path("tracks"));
            AudioFileWriter::write(path("tracks/track.wav"),
                                   SignalGenerator::chord(notes, 3, 14.0, 16000),
                                   {AudioContainer::Wav});
        }
        std::string path(const std::string &name) const
        {
            return dir.filePath(QString::fromStdString(name)).toStdString();
        }
        std::unique_ptr<RewardSuiteRun> on(const SuiteBudget &budget,
                                           RewardSuiteRun::Log log = {}) const
        {
            auto suite = std::make_unique<RewardSuiteRun>(path("suite"), budget, std::move(log));
            suite->useTracksFrom("drascula", path("tracks"));
            suite->useTracksFrom("asc", path("tracks"));
            return suite;
        }
    };

    static SuiteReward rewardNamed(const std::string &name)
    {
        for (const auto &r : RewardSuite::rewards())
            if (r.name == name)
                return r;
        throw std::runtime_error("no reward " + name);
    }

    // An outcome with the guardrails held (Vendi 8 -> 8, CLAP 0.2 -> 0.2).
    static SuiteOutcome outcomeOf(const SuiteReward &r, double rate, double lower)
    {
        SuiteOutcome o;
        o.reward = r;
        o.settings = "DPO";
        o.eval.winRate.rate = rate;
        o.eval.winRate.lower = lower;
        o.eval.winRate.upper = std::min(1.0, rate + 0.1);
        o.eval.vendiBase = o.eval.vendiPolicy = 8.0;
        o.eval.clapBase = o.eval.clapPolicy = 0.2;
        return o;
    }

private Q_SLOTS:
    void twentyRewardsOfEveryKindInTwoHalves()
    {
        const auto &rewards = RewardSuite::rewards();
        QCOMPARE(int(rewards.size()), 20);
        std::set<std::string> names, kinds, types;
        int tuned = 0;
        for (const auto &r : rewards) {
            QVERIFY2(names.insert(r.name).second, r.name.c_str());
            kinds.insert(r.kind);
            types.insert(r.reward.terms.at(0).type);
            tuned += r.tuned ? 1 : 0;
        }
        QCOMPARE(tuned, 10);
        QCOMPARE(kinds, (std::set<std::string>{"instance", "instance-to-distribution",
                                               "distribution-to-distribution"}));
        // Every reward type the engine has appears.
        for (const auto &info : rewardTypes())
            QVERIFY2(types.count(info.key), info.key.c_str());
    }

    // The tuning extras: exemplar similarity only (the kind the tuned half lacks), none of them
    // one of the 20 (else choosing on it would be choosing on a held-out reward).
    void tuningExtrasAreExemplarSimilarityOutsideTheTwenty()
    {
        std::set<std::string> twenty;
        for (const auto &r : RewardSuite::rewards()) {
            twenty.insert(r.name);
            QVERIFY(!r.extra);
        }
        const auto &extras = RewardSuite::extras();
        QCOMPARE(int(extras.size()), 4);
        std::set<std::string> names;
        for (const auto &r : extras) {
            QVERIFY(r.extra && r.tuned);
            QCOMPARE(r.reward.terms.at(0).type, std::string("exemplar-similarity"));
            QVERIFY2(!twenty.count(r.name), r.name.c_str());
            QVERIFY2(names.insert(r.name).second, r.name.c_str());
        }
        QVERIFY(names.count("exemplar-similarity/pocket-clap/asc/away"));
        QCOMPARE(&RewardSuite::candidates("extra"), &extras);
        QCOMPARE(&RewardSuite::candidates("held-out"), &RewardSuite::rewards());
    }

    void fadGridsCoverTwoEncodersByTwoRealMusicSets()
    {
        std::map<std::string, std::set<std::string>> cellsOf; // type -> cells
        std::set<std::string> encoders, sets;
        for (const auto &r : RewardSuite::rewards()) {
            const RewardTerm &t = r.reward.terms.at(0);
            if (t.type != "per-song-fad" && t.type != "fad") {
                QVERIFY(r.fadCell.empty());
                continue;
            }
            QCOMPARE(r.fadCell, r.reward.encoder + " x " + t.exemplarSet);
            cellsOf[t.type].insert(r.fadCell);
            if (t.type == "per-song-fad") {
                encoders.insert(r.reward.encoder);
                sets.insert(t.exemplarSet);
            }
        }
        QVERIFY(encoders.size() >= 2);
        QVERIFY(sets.size() >= 2);
        QCOMPARE(int(cellsOf["per-song-fad"].size()), int(encoders.size() * sets.size()));
        // Each per-song cell is also trained with dataset FAD (the paper's table), which adds
        // the text-only set.
        for (const auto &cell : cellsOf["per-song-fad"])
            QVERIFY2(cellsOf["fad"].count(cell), cell.c_str());
        QVERIFY(cellsOf["fad"].count("pocket-clap x text"));
        for (const auto &s : sets)
            QVERIFY2(s != "text", "per-song FAD needs audio");
    }

    void everyRewardValidatesOnTheSuiteSets()
    {
        Project project;
        project.trainPrompts = {"a"};
        project.evalPrompts = {"b"};
        project.exemplarSets =
            RewardSuite::projectSets({{"drascula", {"/clips/d1.flac", "/clips/d2.flac"}},
                                      {"asc", {"/clips/a1.flac", "/clips/a2.flac"}}});
        QCOMPARE(int(project.exemplarSets.size()), int(RewardSuite::sets().size()));
        for (const SuiteSet &s : RewardSuite::sets()) {
            const ExemplarSet *set = project.findSet(s.id);
            QVERIFY(set);
            QCOMPARE(int(set->items.size()), s.texts.empty() ? 2 : int(s.texts.size()));
            QVERIFY(s.texts.empty() != s.debianPackage.empty());
        }
        std::map<std::string, bool> textTower; // the built-in encoders
        for (const auto &e : builtInEncoders())
            textTower[e.key] = e.textTower;
        for (const auto &r : RewardSuite::rewards()) {
            QVERIFY2(textTower.count(r.reward.encoder), r.reward.encoder.c_str());
            const bool hasText = textTower[r.reward.encoder];
            const auto problems = r.reward.validate(project, hasText);
            QVERIFY2(problems.empty(),
                     (r.name + ": " + (problems.empty() ? "" : problems[0])).c_str());
        }
        // The text set's captions are in words pocket CLAP knows (else they embed as a few
        // hashed buckets and the text rewards measure nothing).
        const auto clap = createEncoder("pocket-clap");
        for (const SuiteSet &s : RewardSuite::sets())
            for (const auto &caption : s.texts) {
                const auto unknown = clap->unknownWords(caption);
                QVERIFY2(unknown.empty(),
                         (caption + ": " + (unknown.empty() ? "" : unknown[0])).c_str());
            }
    }

    // The real-music sets are cut from whole tracks: the asked number of clips, each of the
    // asked length, mono at the asked rate, never silent, spread over the tracks; what a short
    // or silent track cannot give is taken from the others; a second call reuses the clips; a
    // damaged track is refused naming the file.
    void clipsAreCutFromTracks()
    {
        QTemporaryDir dir;
        const auto path = [&](const char *name) { return dir.filePath(name).toStdString(); };
        const double notes[] = {220.0, 277.18, 329.63};
        AudioFileWriter::write(path("a.wav"), SignalGenerator::chord(notes, 3, 12.0, 16000),
                               {AudioContainer::Wav});
        AudioFileWriter::write(path("b.wav"), SignalGenerator::chord(notes + 1, 2, 1.0, 16000),
                               {AudioContainer::Wav}); // shorter than one clip
        AudioFileWriter::write(path("c.wav"), AudioBuffer(2, 16000, 16000 * 12),
                               {AudioContainer::Wav}); // silent, stereo
        AudioFileWriter::write(path("d.wav"), SignalGenerator::chord(notes, 2, 12.0, 16000),
                               {AudioContainer::Wav});
        std::ofstream(path("notes.txt")) << "not audio";
        const auto tracks = SuiteClipCutter::tracksIn(dir.path().toStdString());
        QCOMPARE(int(tracks.size()), 4); // the .txt is not a track
        const std::string out = path("clips");
        const auto clips = SuiteClipCutter::cut(tracks, out, 6, 2.0, 8000);
        QCOMPARE(int(clips.size()), 6);
        int fromA = 0, fromD = 0;
        for (const auto &c : clips) {
            AudioReadOptions o;
            o.mixdownToMono = false;
            const AudioBuffer clip = AudioFileReader::read(c, o);
            QCOMPARE(clip.sampleRate(), 8000);
            QCOMPARE(clip.channels(), 1);
            QCOMPARE(int(clip.frames()), 16000);
            QVERIFY(clip.peak() > 0.01f);
            const std::string name = std::filesystem::path(c).filename().string();
            fromA += name.rfind("a-", 0) == 0 ? 1 : 0;
            fromD += name.rfind("d-", 0) == 0 ? 1 : 0;
        }
        QCOMPARE(fromA + fromD, 6);
        QVERIFY(fromA > 0 && fromD > 0);
        // The manifest: the same files again, without decoding (the tracks may be gone).
        std::filesystem::remove(path("a.wav"));
        QCOMPARE(SuiteClipCutter::cut({}, out, 6, 2.0, 8000), clips);
        // Too many clips asked of what is there: a clear error, not fewer clips.
        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                 SuiteClipCutter::cut({path("d.wav")}, path("few"), 50, 2.0, 8000));
        std::ofstream(path("bad.ogg")) << "OggS but not really";
        try {
            SuiteClipCutter::cut({path("bad.ogg")}, path("bad"), 1, 2.0, 8000);
            QFAIL("a damaged track was cut");
        } catch (const AudioError &e) {
            QVERIFY2(QString(e.what()).contains("bad.ogg"), e.what());
        }
    }

    // The report (SuiteTable): averages per half, the hacking flag from the guardrails, and the
    // per-song vs dataset FAD table with each policy under both FADs of its cell.
    void tableAveragesHalvesFlagsHackingAndCrossesFad()
    {
        std::vector<SuiteOutcome> outcomes;
        outcomes.push_back(outcomeOf(rewardNamed("per-song-fad/pocket-clap/drascula"), 0.9, 0.7));
        outcomes.back().crossed = true;
        outcomes.back().crossReward = "fad/pocket-clap/drascula";
        outcomes.back().cross.winRate.rate = 0.625;
        outcomes.back().cross.winRate.lower = 0.45;
        outcomes.back().cross.winRate.upper = 0.78;
        outcomes.back().keptRound = 30; // kept by validation
        outcomes.back().validated = true;
        outcomes.back().validation.winRate.rate = 0.8125;
        outcomes.push_back(outcomeOf(rewardNamed("loudness/-14 LUFS"), 0.7, 0.45));
        outcomes.back().keptRound = 40; // the final policy
        outcomes.push_back(outcomeOf(rewardNamed("vendi/pocket-clap"), 0.5, 0.3));
        outcomes.back().eval.clapPolicy = 0.1; // adherence halved: hacking
        QVERIFY(outcomes[0].reward.tuned && outcomes[1].reward.tuned);
        QVERIFY(!outcomes[2].reward.tuned);
        outcomes.push_back(outcomeOf(RewardSuite::extras().at(0), 0.2, 0.1));

        const SuiteTable::Averages a = SuiteTable::averages(outcomes);
        QCOMPARE(a.extraCount, 1); // the extra is in none of the 20's figures
        QVERIFY(std::abs(a.extra - 0.2) < 1e-12);
        QCOMPARE(a.count, 3);
        QCOMPARE(a.tunedCount, 2);
        QCOMPARE(a.heldOutCount, 1);
        QVERIFY(std::abs(a.all - 0.7) < 1e-12);
        QVERIFY(std::abs(a.tuned - 0.8) < 1e-12);
        QVERIFY(std::abs(a.heldOut - 0.5) < 1e-12);
        QCOMPARE(a.significant, 1);
        QCOMPARE(a.hacked, 1);
        QVERIFY(GuardrailCheck::fallReason(outcomes[0].eval).empty());
        QCOMPARE(GuardrailCheck::fallReason(outcomes[2].eval), std::string("CLAP 0.200 -> 0.100"));
        outcomes[2].eval.vendiPolicy = 6.0; // below 80 % of 8
        QVERIFY(GuardrailCheck::fallReason(outcomes[2].eval).find("Vendi 8.00 -> 6.00") == 0);

        SuiteBudget budget;
        budget.setValidationPrompts = 48;   // set rewards on their own, longer list
        outcomes[1].eval.lufsBase = -20.14; // the loudness row's clips, median
        outcomes[1].eval.lufsPolicy = -15.06;
        const std::string md = SuiteTable::markdown(outcomes, budget, 600);
        QVERIFY2(md.find("| 0.200 -> 0.200 | -20.1 -> -15.1 | held |") != std::string::npos,
                 md.c_str());
        QVERIFY2(md.find("| not measured |") != std::string::npos, md.c_str());
        QVERIFY2(
            md.find("| per-song-fad/pocket-clap/drascula | tuned | DPO | 30 (0.812) | 0.900 [0.70, "
                    "1.00] |") != std::string::npos,
            md.c_str());
        QVERIFY2(md.find("| loudness/-14 LUFS | tuned | DPO | 40 | 0.700 [0.45, 0.80] |") !=
                     std::string::npos,
                 md.c_str());
        // A kept checkpoint whose validation guardrails fell (none held) says so.
        std::vector<SuiteOutcome> fallen = {outcomes[0]};
        fallen[0].validation.vendiBase = 8.0;
        fallen[0].validation.vendiPolicy = 7.1; // 89 %: below the floor with the margin (90 %)
        QVERIFY2(SuiteTable::markdown(fallen, budget, 600).find("| 30 (0.812; none held) |") !=
                     std::string::npos,
                 SuiteTable::markdown(fallen, budget, 600).c_str());
        fallen[0].validation.vendiPolicy = 7.3; // 91 %: held
        QVERIFY(SuiteTable::markdown(fallen, budget, 600).find("| 30 (0.812) |") !=
                std::string::npos);
        QVERIFY2(md.find("the checkpoint tested is the one kept by validation every 10 rounds on "
                         "16 other held-out prompts, 48 for distribution-to-distribution rewards "
                         "(the best") != std::string::npos,
                 md.c_str());
        SuiteBudget sameCount = budget; // every kind on the same prompts: no second count
        sameCount.setValidationPrompts = sameCount.validationPrompts;
        QVERIFY(SuiteTable::markdown(outcomes, sameCount, 600).find("for distribution-to") ==
                std::string::npos);
        SuiteBudget setsUnvalidated = budget;
        setsUnvalidated.setValidationPrompts = 0;
        QVERIFY(SuiteTable::markdown(outcomes, setsUnvalidated, 600)
                    .find("prompts, none for distribution-to-distribution rewards, whose final "
                          "policy is tested (the best") != std::string::npos);
        QVERIFY2(md.find("| pocket-clap x drascula | per-song FAD | 0.900 [0.70, 1.00] | "
                         "0.625 [0.45, 0.78] |") != std::string::npos,
                 md.c_str());
        QVERIFY(md.find("reward hacking: Vendi") != std::string::npos);
        // Validation's guardrail margin: 0.1 by default (chosen on run seeds 7-9), said in
        // the budget line; a budget without one says nothing of a margin.
        QVERIFY2(
            md.find(
                "(the best validation win rate with the guardrails held by a margin of "
                "0.1 of the base; where none held, the least fallen, marked \"none held\"); ") !=
                std::string::npos,
            md.c_str());
        SuiteBudget plain = budget;
        plain.validationGuardMargin = 0.0;
        QVERIFY(SuiteTable::markdown(outcomes, plain, 600).find("margin") == std::string::npos);
        QVERIFY2(md.find("Average win rate: 70.0 % over 3 rewards (tuned half 80.0 % over 2, "
                         "held-out half 50.0 % over 1; the paper: 81.45 %); tuning extras (not of "
                         "the 20) 20.0 % over 1. Lower bound above 0.5: 1 of 4;") !=
                     std::string::npos,
                 md.c_str());
        QVERIFY(md.find("| exemplar-similarity/mel-stats/drascula | extra |") != std::string::npos);
        QVERIFY(md.find("| vendi/pocket-clap | held-out |") != std::string::npos);
        // A sweep over the extras alone: their line, no average of the 20.
        const std::string extrasOnly = SuiteTable::markdown({outcomes.back()}, budget, 60);
        QVERIFY2(extrasOnly.find("\nTuning extras (not of the 20) 20.0 % over 1. Lower bound "
                                 "above 0.5: 0 of 1;") != std::string::npos,
                 extrasOnly.c_str());
        QVERIFY(extrasOnly.find("Average win rate") == std::string::npos);
        QVERIFY(extrasOnly.find("counted as a tie") == std::string::npos);
        // A reward-hacking win counts in the averages as it is, and as a tie (0.5) in the
        // second set of averages.
        outcomes[2].eval.winRate.rate = 0.9;
        const SuiteTable::Averages hacked = SuiteTable::averages(outcomes);
        QCOMPARE(hacked.hackedOfTwenty, 1);
        QVERIFY(std::abs(hacked.all - 2.5 / 3) < 1e-12);
        QVERIFY(std::abs(hacked.heldOut - 0.9) < 1e-12);
        QVERIFY(std::abs(hacked.allTie - 0.7) < 1e-12);
        QVERIFY(std::abs(hacked.tunedTie - 0.8) < 1e-12);
        QVERIFY(std::abs(hacked.heldOutTie - 0.5) < 1e-12);
        const std::string tie = SuiteTable::markdown(outcomes, budget, 600);
        QVERIFY2(tie.find("With a reward-hacking row counted as a tie (0.5) instead of a win: "
                          "70.0 % (tuned half 80.0 %, held-out half 50.0 %).") != std::string::npos,
                 tie.c_str());
        const std::string csv = SuiteTable::csv(outcomes);
        QCOMPARE(std::count(csv.begin(), csv.end(), '\n'), 5L);
        QVERIFY(csv.find("per-song-fad/pocket-clap/drascula,instance-to-distribution,tuned,"
                         "\"DPO\",30,0.8125,0.9,") != std::string::npos);
        QVERIFY(csv.find("loudness/-14 LUFS,instance,tuned,\"DPO\",40,,0.7,") != std::string::npos);
        QVERIFY2(csv.find(",-20.14,-15.06\n") != std::string::npos, csv.c_str());
        QVERIFY2(csv.find(",seconds,lufs_base,lufs_tuned\n") != std::string::npos, csv.c_str());
        QCOMPARE(RewardSuiteRun::folderName("loudness/-14 LUFS"), std::string("loudness_-14_LUFS"));
    }

    // GuardrailCheck: a guardrail at exactly its floor holds, just below it falls; one not
    // measured (base 0) holds; both named when both fell.
    void guardrailFloorsHoldAtTheirValue()
    {
        EvalStats e;
        e.vendiBase = 10.0;
        e.vendiPolicy = 8.0; // exactly 80 %
        e.clapBase = 0.4;
        e.clapPolicy = 0.3; // exactly 75 %
        QCOMPARE(GuardrailCheck::fallReason(e), std::string());
        e.vendiPolicy = 7.99;
        QCOMPARE(GuardrailCheck::fallReason(e), std::string("Vendi 10.00 -> 7.99"));
        e.clapPolicy = 0.299;
        QCOMPARE(GuardrailCheck::fallReason(e),
                 std::string("Vendi 10.00 -> 7.99, CLAP 0.400 -> 0.299"));
        // A margin raises both floors: 0.05 makes them 85 % and 80 %.
        e.vendiPolicy = 8.5;
        e.clapPolicy = 0.32;
        QCOMPARE(GuardrailCheck::fallReason(e, 0.05), std::string());
        e.vendiPolicy = 8.49;
        e.clapPolicy = 0.319;
        QCOMPARE(GuardrailCheck::fallReason(e, 0.05),
                 std::string("Vendi 10.00 -> 8.49, CLAP 0.400 -> 0.319"));
        QCOMPARE(GuardrailCheck::fallReason(e), std::string());
        EvalStats unmeasured;
        unmeasured.vendiPolicy = unmeasured.clapPolicy = -1.0;
        QCOMPARE(GuardrailCheck::fallReason(unmeasured), std::string());
    }

    // Several run seeds (SuiteSeedsTable): each reward's win rate per seed with its mean, range
    // and sd, a seed that has not finished a reward shown as "-", and the per-seed averages
    // with their mean and sd over the seeds.
    void seedsTableSpreadsRewardsAndAveragesSeeds()
    {
        const SuiteReward loud = rewardNamed("loudness/-14 LUFS"),
                          vendi = rewardNamed("vendi/pocket-clap"),
                          perSong = rewardNamed("per-song-fad/pocket-clap/drascula");
        QVERIFY(loud.tuned && perSong.tuned && !vendi.tuned);
        SuiteSeedsTable::SeedRun one{
            1, {outcomeOf(loud, 0.9, 0.7), outcomeOf(vendi, 0.6, 0.45)}, 60};
        SuiteSeedsTable::SeedRun three{
            3,
            {outcomeOf(loud, 0.7, 0.45), outcomeOf(vendi, 0.8, 0.6), outcomeOf(perSong, 0.5, 0.3)},
            120};
        three.outcomes[1].eval.clapPolicy = 0.1; // adherence halved: reward hacking
        const std::vector<SuiteSeedsTable::SeedRun> runs = {one, three};

        const SuiteSeedsTable::Spread s = SuiteSeedsTable::spreadOf({0.9, 0.7});
        QCOMPARE(s.count, 2);
        QVERIFY(std::abs(s.mean - 0.8) < 1e-12);
        QVERIFY(std::abs(s.sd - std::sqrt(0.02)) < 1e-12);
        QVERIFY(std::abs(s.min - 0.7) < 1e-12 && std::abs(s.max - 0.9) < 1e-12);
        QCOMPARE(SuiteSeedsTable::spreadOf({0.4}).sd, 0.0);
        QCOMPARE(SuiteSeedsTable::spreadOf({}).count, 0);

        SuiteBudget budget;
        const std::string md = SuiteSeedsTable::markdown(runs, budget);
        for (const char *line :
             {"Run seeds 1 / 3, each a full suite (folder seed-N) with the same budget. Budget "
              "per reward: 40 rounds",
              "Wall time 3.0 min in all.",
              "| loudness/-14 LUFS | tuned | 0.900 / 0.700 | 0.800 | 0.700-0.900 | 0.141 | 1 of 2 "
              "| 0 of 2 |",
              "| vendi/pocket-clap | held-out | 0.600 / 0.800* | 0.700 | 0.600-0.800 | 0.141 | 1 "
              "of 2 | 1 of 2 |",
              "| per-song-fad/pocket-clap/drascula | tuned | - / 0.500 | 0.500 | 0.500-0.500 | "
              "0.000 | 0 of 1 | 0 of 1 |",
              "| 1 | 2 | 75.0 % | 90.0 % | 60.0 % | 75.0 % | 1 | 0 | 1.0 min |",
              "| 3 | 3 | 66.7 % | 60.0 % | 80.0 % | 56.7 % | 1 | 1 | 2.0 min |",
              "| mean (sd) over 2 seeds | | 70.8 % (5.9) | 75.0 % (21.2) | 70.0 % (14.1) | 65.8 % "
              "(13.0) |",
              "Mean over 2 run seeds of the average win rate: 70.8 % (sd 5.9 points, range 66.7 % "
              "to 75.0 %; tuned half 75.0 %, held-out half 70.0 %; the paper: 81.45 %)."})
            QVERIFY2(md.find(line) != std::string::npos, (std::string(line) + "\n" + md).c_str());

        QVERIFY(md.find("(* a guardrail fell: reward hacking") != std::string::npos);
        // A half no seed has finished reads n/a, not 0 %, and has no average row in the CSV.
        const std::vector<SuiteSeedsTable::SeedRun> tunedOnly = {
            {1, {outcomeOf(loud, 0.9, 0.7)}, 60}, {2, {outcomeOf(loud, 0.7, 0.45)}, 60}};
        const std::string partial = SuiteSeedsTable::markdown(tunedOnly, budget);
        QVERIFY2(partial.find("| 1 | 1 | 90.0 % | 90.0 % | n/a | 90.0 % | 1 | 0 | 1.0 min |") !=
                     std::string::npos,
                 partial.c_str());
        QVERIFY2(
            partial.find("| mean (sd) over 2 seeds | | 80.0 % (14.1) | 80.0 % (14.1) | n/a |") !=
                std::string::npos,
            partial.c_str());
        QVERIFY(partial.find("held-out half n/a; the paper") != std::string::npos);
        QVERIFY(partial.find("(* a guardrail fell") == std::string::npos);
        QVERIFY(SuiteSeedsTable::csv(tunedOnly).find("average,,held-out") == std::string::npos);

        const std::string csv = SuiteSeedsTable::csv(runs);
        QCOMPARE(std::count(csv.begin(), csv.end(), '\n'), 7L); // header, 3 rewards, 3 averages
        for (const char *line :
             {"reward,kind,half,seeds,mean,sd,min,max,significant,hacked,win_rate_seed_1,"
              "win_rate_seed_3\n",
              "\nloudness/-14 LUFS,instance,tuned,2,0.8,0.141421,0.7,0.9,1,0,0.9,0.7\n",
              "\nper-song-fad/pocket-clap/drascula,instance-to-distribution,tuned,1,0.5,0,0.5,0.5,"
              "0,0,,0.5\n",
              "\naverage,,held-out,2,0.7,0.141421,0.6,0.8,,,0.6,0.8\n"})
            QVERIFY2(csv.find(line) != std::string::npos, (std::string(line) + csv).c_str());
    }

    // --only and --half pick rewards; the halves split the suite 10 / 10.
    void budgetSelectsByNameAndHalf()
    {
        SuiteBudget b;
        const auto count = [&b] {
            const auto &all = RewardSuite::rewards();
            return int(std::count_if(all.begin(), all.end(),
                                     [&b](const SuiteReward &r) { return b.selects(r); }));
        };
        QCOMPARE(count(), 20);
        b.half = "tuned";
        QCOMPARE(count(), 10);
        b.half = "held-out";
        QCOMPARE(count(), 10);
        b.only = "loudness"; // both loudness rewards are in the tuned half
        QCOMPARE(count(), 0);
        b.half = "";
        QCOMPARE(count(), 2);
        b.only = "mel-stats/asc"; // part of a name: every reward containing it
        QCOMPARE(count(), 4);
        b.only = "fad/mel-stats/asc"; // a full name: that reward, not per-song-fad/mel-stats/asc
        QCOMPARE(count(), 1);
        // "extra" selects the tuning extras and none of the 20; the others none of the extras.
        const auto countExtras = [&b] {
            const auto &all = RewardSuite::extras();
            return int(std::count_if(all.begin(), all.end(),
                                     [&b](const SuiteReward &r) { return b.selects(r); }));
        };
        b.only = "";
        QCOMPARE(countExtras(), 0);
        b.half = "tuned";
        QCOMPARE(countExtras(), 0);
        b.half = "extra";
        QCOMPARE(countExtras(), 4);
        QCOMPARE(count(), 0);
        b.only = "exemplar-similarity/pocket-clap/asc/top-5"; // full names work among the extras
        QCOMPARE(countExtras(), 1);
    }

    // Which validated checkpoint is kept: guardrails held first, then the win rate, then the
    // reward improvement, then the earlier one; the base (round 0) never.
    void validationChoicePrefersHeldGuardrailsThenWinRate()
    {
        const auto eval = [](int round, double rate, double delta, double vendi) {
            EvalStats e;
            e.round = round;
            e.winRate.rate = rate;
            e.deltaMean = delta;
            e.vendiBase = 8.0;
            e.vendiPolicy = vendi;
            e.clapBase = e.clapPolicy = 0.3;
            return e;
        };
        const EvalStats base = eval(0, 0.5, 0.0, 8.0), early = eval(10, 0.7, 0.1, 8.0);
        QVERIFY(!ValidationChoice::better(base, nullptr));
        QVERIFY(ValidationChoice::better(early, nullptr));
        QVERIFY(ValidationChoice::better(eval(20, 0.8, 0.0, 7.0), &early));
        QVERIFY(!ValidationChoice::better(eval(20, 0.6, 0.5, 8.0), &early));
        // Diversity collapsed (below 80 % of the base's): not kept over a lower held one...
        const EvalStats collapsed = eval(30, 0.95, 0.3, 6.0);
        QVERIFY(!GuardrailCheck::fallReason(collapsed).empty());
        QVERIFY(!ValidationChoice::better(collapsed, &early));
        // ...but kept when nothing held, and replaced by any held one.
        QVERIFY(ValidationChoice::better(collapsed, nullptr));
        QVERIFY(ValidationChoice::better(eval(40, 0.55, 0.0, 8.0), &collapsed));
        QVERIFY(!ValidationChoice::better(eval(40, 0.9, 0.2, 6.0), &collapsed));
        // Nothing held: the one that fell less, whatever its win rate (Vendi at 79 % of the
        // base's over 75 %, but not 62.5 % with a win rate of 1.0); CLAP counts against its own
        // floor (74 % of the base's is 0.01 below 75 %, less than the collapsed Vendi's 0.05
        // below 80 %; 50 % is further below).
        QVERIFY(ValidationChoice::better(eval(40, 0.6, 0.0, 6.32), &collapsed));
        QVERIFY(!ValidationChoice::better(eval(40, 1.0, 0.5, 5.0), &collapsed));
        QVERIFY(std::abs(GuardrailCheck::headroom(collapsed) - (0.75 - 0.80)) < 1e-12);
        EvalStats offPrompt = eval(40, 0.5, 0.0, 8.0);
        offPrompt.clapPolicy = 0.222; // 74 % of 0.3
        QVERIFY(std::abs(GuardrailCheck::headroom(offPrompt) - (0.74 - 0.75)) < 1e-12);
        QVERIFY(ValidationChoice::better(offPrompt, &collapsed));
        offPrompt.winRate.rate = 1.0;
        offPrompt.clapPolicy = 0.15; // 50 %
        QVERIFY(!ValidationChoice::better(offPrompt, &collapsed));
        // The same win rate: the larger reward improvement; a full tie keeps the earlier one.
        QVERIFY(ValidationChoice::better(eval(20, 0.7, 0.2, 8.0), &early));
        QVERIFY(!ValidationChoice::better(eval(20, 0.7, 0.1, 8.0), &early));
        // With a guard margin of 0.05 a checkpoint at 82.5 % of the base's Vendi no longer
        // counts as held: the lower, held one stays kept; without it, it replaces it.
        const EvalStats nearFloor = eval(20, 0.9, 0.3, 6.6);
        QVERIFY(ValidationChoice::better(nearFloor, &early));
        QVERIFY(!ValidationChoice::better(nearFloor, &early, 0.05));
        QVERIFY(ValidationChoice::better(eval(20, 0.9, 0.3, 6.8), &early, 0.05)); // 85 %
    }

    // Validation during training: every validateEvery rounds the run is evaluated on prompts
    // the eval prompts do not contain; the checkpoint ValidationChoice keeps is the one tested
    // (test/NAME) and judged under the other FAD; a second call reports the same.
    void runTestsTheCheckpointValidationKept()
    {
        const ScratchSuite scratch;
        const auto path = [&](const std::string &name) { return scratch.path(name); };
        SuiteBudget budget = tinyBudget(3, 3);
        budget.validationPrompts = 2;
        budget.validateEvery = 1;
        budget.only = "per-song-fad/mel-stats/drascula";
        std::string log;
        const auto suiteOn = [&] {
            return scratch.on(budget, [&log](const std::string &line) { log += line + "\n"; });
        };
        const auto first = suiteOn()->run();
        QCOMPARE(int(first.size()), 1);
        const SuiteOutcome &o = first[0];
        const std::string name = RewardSuiteRun::folderName(o.reward.name);
        // The validation prompts are captions the eval prompts do not contain.
        const auto validation = RewardSuiteRun::validationPrompts(budget, budget.validationPrompts);
        QCOMPARE(int(validation.size()), 2);
        const Project project = ProjectFile::load(path("suite/bench.dragon"));
        QCOMPARE(int(project.evalPrompts.size()), 3);
        for (const auto &prompt : validation)
            QVERIFY2(std::find(project.evalPrompts.begin(), project.evalPrompts.end(), prompt) ==
                         project.evalPrompts.end(),
                     prompt.c_str());
        // The run's evaluations are the validation ones (2 prompts each); the kept one is the
        // one ValidationChoice prefers among them.
        const auto evals = RunHistory::evaluations(path("suite/runs/" + name));
        QCOMPARE(int(evals.size()), 4); // rounds 0..3
        const EvalStats *preferred = nullptr;
        for (const EvalStats &e : evals) {
            QCOMPARE(e.winRate.trials, 2);
            if (ValidationChoice::better(e, preferred))
                preferred = &e;
        }
        QVERIFY(preferred);
        QVERIFY(o.validated);
        QCOMPARE(o.keptRound, preferred->round);
        QCOMPARE(o.validation.round, preferred->round);
        QCOMPARE(o.validation.winRate.rate, preferred->winRate.rate);
        QVERIFY2(log.find("validation at round 3: win rate") != std::string::npos, log.c_str());
        // Only the kept checkpoint's policy is on disk.
        int keptFiles = 0;
        for (const auto &entry : std::filesystem::directory_iterator(path("suite/runs/" + name)))
            keptFiles += entry.path().filename().string().rfind("kept-round-", 0) == 0;
        QCOMPARE(keptFiles, 1);
        char keptName[40];
        std::snprintf(keptName, sizeof keptName, "/kept-round-%06d.pt", o.keptRound);
        QVERIFY(std::filesystem::exists(path("suite/runs/" + name + keptName)));
        // The test: the kept checkpoint on the 3 eval prompts, labelled with its round.
        const auto tested = RunHistory::evaluations(path("suite/test/" + name));
        QCOMPARE(int(tested.size()), 1);
        QCOMPARE(tested[0].round, o.keptRound);
        QCOMPARE(tested[0].winRate.trials, 3);
        QCOMPARE(o.eval.winRate.rate, tested[0].winRate.rate);
        QVERIFY(o.crossed);
        QCOMPARE(o.cross.round, o.keptRound);
        char kept[48];
        std::snprintf(kept, sizeof kept, "| %d (%.3f) |", o.keptRound, o.validation.winRate.rate);
        const std::string md = SuiteTable::markdown(first, budget, 60);
        QVERIFY2(md.find(kept) != std::string::npos, md.c_str());

        log.clear();
        const auto again = suiteOn()->run();
        QCOMPARE(int(again.size()), 1);
        QVERIFY2(log.find("done before") != std::string::npos, log.c_str());
        QCOMPARE(again[0].keptRound, o.keptRound);
        QVERIFY(again[0].validated);
        QCOMPARE(again[0].validation.winRate.rate, o.validation.winRate.rate);
        QCOMPARE(again[0].eval.winRate.rate, o.eval.winRate.rate);
        QCOMPARE(again[0].cross.winRate.rate, o.cross.winRate.rate);

        // Damaged bookkeeping (a round that is text, seconds that are text) is read as absent,
        // not thrown: the figures still come from the runs' own rows.
        std::ofstream(path("suite/runs/" + name + "/kept.json")) << R"({"round": "3"})";
        std::ofstream(path("suite/results/" + name + ".json")) << R"({"seconds": "x"})";
        log.clear();
        const auto damaged = suiteOn()->run();
        QCOMPARE(int(damaged.size()), 1);
        QVERIFY2(log.find("done before") != std::string::npos, log.c_str());
        QVERIFY(!damaged[0].validated);
        QCOMPARE(damaged[0].seconds, 0.0);
        QCOMPARE(damaged[0].eval.winRate.rate, o.eval.winRate.rate);
    }

    // Set rewards are validated on their own, longer list of prompts (the others' first), with
    // their own cache of base clips; a folder that differs only in that count is refused with
    // the option that resumes it, an older folder (no count recorded) included.
    void setRewardsValidateOnTheirOwnPrompts()
    {
        const ScratchSuite scratch;
        const auto path = [&](const std::string &name) { return scratch.path(name); };
        SuiteBudget budget = tinyBudget(1, 2);
        budget.validationPrompts = 2;
        budget.setValidationPrompts = 3;
        budget.validateEvery = 1;
        budget.only = "kid/mel-stats/asc";
        const SuiteReward kid = rewardNamed(budget.only);
        QCOMPARE(budget.validationPromptsFor(kid), 3);
        QCOMPARE(budget.validationPromptsFor(rewardNamed("per-song-fad/mel-stats/asc")), 2);
        const auto shorter = RewardSuiteRun::validationPrompts(budget, 2),
                   longer = RewardSuiteRun::validationPrompts(budget, 3);
        QCOMPARE(int(longer.size()), 3);
        QVERIFY(std::equal(shorter.begin(), shorter.end(), longer.begin()));
        SuiteBudget off = budget; // validation off: no kind is validated
        off.validationPrompts = 0;
        QCOMPARE(off.validationPromptsFor(kid), 0);

        const auto suiteOn = [&](const SuiteBudget &b) { return scratch.on(b); };
        const auto done = suiteOn(budget)->run();
        QCOMPARE(int(done.size()), 1);
        QVERIFY(done[0].validated);
        // The run's base clips: 3 validation prompts x 1 seed, shared as validation-base-3.
        const std::string name = RewardSuiteRun::folderName(kid.name);
        for (const std::string &cache :
             {"suite/runs/" + name + "/eval-base", std::string("suite/validation-base-3")}) {
            std::ifstream complete(path(cache + "/complete"));
            int clips = 0;
            QVERIFY2(complete >> clips, cache.c_str());
            QCOMPARE(clips, 3);
        }
        QVERIFY(!std::filesystem::exists(path("suite/validation-base")));
        // The test itself stays on the 2 eval prompts.
        std::ifstream tested(path("suite/test/" + name + "/eval-base/complete"));
        int testClips = 0;
        QVERIFY(tested >> testClips);
        QCOMPARE(testClips, 2);

        const auto refusal = [&](const SuiteBudget &b) {
            try {
                suiteOn(b)->run();
            } catch (const std::runtime_error &e) {
                return std::string(e.what());
            }
            return std::string("not refused");
        };
        SuiteBudget fewer = budget;
        fewer.setValidationPrompts = 2;
        const std::string message = refusal(fewer);
        QVERIFY2(message.find("(it was begun with --set-validation-prompts 3)") !=
                     std::string::npos,
                 message.c_str());
        // An older folder's budget.json has no count: its set rewards used validationPrompts.
        nlohmann::json held;
        std::ifstream(path("suite/budget.json")) >> held;
        QCOMPARE(held.value("setValidationPrompts", 0), 3);
        held.erase("setValidationPrompts");
        std::ofstream(path("suite/budget.json")) << held.dump();
        const std::string older = refusal(budget);
        QVERIFY2(older.find("(it was begun with --set-validation-prompts 2)") != std::string::npos,
                 older.c_str());
        QCOMPARE(int(suiteOn(fewer)->run().size()), 1); // which resumes it
    }

    // The suite's run logic on the shipped engine, at a tiny budget and on synthetic tracks (CI
    // has no soundtrack packages): the two FAD rewards of one cell train, are evaluated, and
    // each is judged under the other; results/ marks them done, so a second call trains
    // nothing and reports the same figures; a call with another budget, an unknown set and a
    // set without tracks are refused.
    void runTrainsEvaluatesCrossesAndResumes()
    {
        QTemporaryDir dir;
        const auto path = [&](const std::string &name) {
            return dir.filePath(QString::fromStdString(name)).toStdString();
        };
        const double notes[] = {220.0, 277.18, 329.63, 440.0};
        for (const char *set : {"drascula", "asc"}) {
            std::filesystem::create_directories(path(set));
            const int shift = std::string(set) == "asc" ? 1 : 0;
            for (int t = 0; t < 2; ++t)
                AudioFileWriter::write(
                    path(std::string(set) + "/track" + std::to_string(t) + ".wav"),
                    SignalGenerator::chord(notes + shift + t, 2, 14.0, 16000),
                    {AudioContainer::Wav});
        }
        SuiteBudget budget = tinyBudget(1, 4);
        budget.only = "mel-stats/drascula";
        budget.validationPrompts = 0;   // the final policy is tested (validation: the test above)
        budget.overrides.beta = 1234.0; // a sweep's overrides: every reward trains with them
        budget.overrides.loss = "kto";  // (both rewards' kinds suggest DPO)
        const std::string out = path("suite");
        std::string log;
        const auto logger = [&log](const std::string &line) { log += line + "\n"; };
        const auto suiteOn = [&](const SuiteBudget &b) {
            auto suite = std::make_unique<RewardSuiteRun>(out, b, logger);
            suite->useTracksFrom("drascula", path("drascula"));
            suite->useTracksFrom("asc", path("asc"));
            return suite;
        };
        const auto first = suiteOn(budget)->run();
        QCOMPARE(int(first.size()), 2);
        QCOMPARE(first[0].reward.name, std::string("per-song-fad/mel-stats/drascula"));
        QCOMPARE(first[1].reward.name, std::string("fad/mel-stats/drascula"));
        for (const SuiteOutcome &o : first) {
            QVERIFY(o.crossed);
            QCOMPARE(o.eval.round, 1);
            QCOMPARE(o.cross.round, 1);
            // Instance rewards: one trial per eval prompt; set rewards: the bootstrap draws.
            QCOMPARE(o.eval.winRate.trials, o.reward.kind == "distribution-to-distribution"
                                                ? DragonConfig().bootstrapDraws
                                                : budget.evalPrompts);
            QVERIFY(o.eval.winRate.lower <= o.eval.winRate.rate &&
                    o.eval.winRate.rate <= o.eval.winRate.upper);
            QVERIFY(o.seconds > 0);
            const std::string name = RewardSuiteRun::folderName(o.reward.name);
            QVERIFY(std::filesystem::exists(path("suite/results/" + name + ".json")));
            QVERIFY(std::filesystem::exists(path("suite/cross/" + name + "/eval.jsonl")));
        }
        QCOMPARE(first[0].crossReward, first[1].reward.name);
        QCOMPARE(first[1].crossReward, first[0].reward.name);
        QVERIFY2(first[0].settings.find("KTO") == 0 &&
                     first[0].settings.find("beta 1234,") != std::string::npos,
                 first[0].settings.c_str());
        QVERIFY2(first[1].settings.find("KTO") == 0 &&
                     first[1].settings.find("beta 1234,") != std::string::npos,
                 first[1].settings.c_str());
        QVERIFY(std::filesystem::exists(path("suite/eval-base/complete")));
        QVERIFY(std::filesystem::exists(path("suite/sets/drascula/clips.txt")));

        // A second call: nothing is trained again, the figures are the runs' own.
        log.clear();
        const auto again = suiteOn(budget)->run();
        QCOMPARE(int(again.size()), 2);
        QVERIFY2(log.find("done before") != std::string::npos, log.c_str());
        QVERIFY2(log.find("round 1/1") == std::string::npos, log.c_str());
        QVERIFY2(log.find("reusing the clips") != std::string::npos, log.c_str());
        for (std::size_t i = 0; i < 2; ++i) {
            QCOMPARE(again[i].settings, first[i].settings); // the table's settings column
            QCOMPARE(again[i].eval.winRate.rate, first[i].eval.winRate.rate);
            QCOMPARE(again[i].cross.winRate.rate, first[i].cross.winRate.rate);
        }

        // Another selection on the same folder runs only its own reward, but the folder's table
        // (finished()) holds every reward finished there, in suite order, so that `--only`
        // calls one after another build up one table. Nothing else is finished.
        SuiteBudget datasetFad = budget;
        datasetFad.only = "fad/mel-stats/drascula"; // a full name: not the per-song FAD
        const auto onlyOne = suiteOn(datasetFad);
        QCOMPARE(int(onlyOne->run().size()), 1);
        const auto all = onlyOne->finished();
        QCOMPARE(int(all.size()), 2);
        for (std::size_t i = 0; i < 2; ++i) {
            QCOMPARE(all[i].reward.name, first[i].reward.name);
            QCOMPARE(all[i].eval.winRate.rate, first[i].eval.winRate.rate);
            QCOMPARE(all[i].crossReward, first[i].crossReward);
            QCOMPARE(all[i].cross.winRate.rate, first[i].cross.winRate.rate);
            QCOMPARE(all[i].seconds, first[i].seconds);
            QCOMPARE(all[i].settings, first[i].settings);
        }

        SuiteBudget longer = budget;
        longer.rounds = 2;
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, suiteOn(longer)->run());
        // Only the eval seeds differ (their default changed, 2 -> 8): the refusal names them.
        SuiteBudget moreSeeds = budget;
        moreSeeds.evalSeeds = budget.evalSeeds + 1;
        try {
            suiteOn(moreSeeds)->run();
            QFAIL("a folder begun with other eval seeds was resumed");
        } catch (const std::runtime_error &e) {
            const std::string wanted =
                "(it was begun with --eval-seeds " + std::to_string(budget.evalSeeds) + ")";
            QVERIFY2(std::string(e.what()).find(wanted) != std::string::npos, e.what());
        }
        SuiteBudget suggested = budget; // the same budget without the override
        suggested.overrides = {};
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, suiteOn(suggested)->run());
        // Only validation's guardrail margin differs (its default changed): the message names
        // the option that resumes the folder.
        SuiteBudget plainFloors = budget;
        plainFloors.validationGuardMargin = 0.0;
        try {
            suiteOn(plainFloors)->run();
            QFAIL("a folder begun with another margin was resumed");
        } catch (const std::runtime_error &e) {
            QVERIFY2(std::string(e.what()).find("resume it with the same options (it was begun "
                                                "with --validation-guard-margin 0.1)") !=
                         std::string::npos,
                     e.what());
        }
        RewardSuiteRun unknown(out, budget);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, unknown.useTracksFrom("text", "/tmp"));
        std::filesystem::create_directories(path("empty"));
        RewardSuiteRun bare(path("bare"), budget);
        bare.useTracksFrom("drascula", path("empty"));
        bare.useTracksFrom("asc", path("asc"));
        try {
            bare.run();
            QFAIL("a set without tracks was accepted");
        } catch (const std::runtime_error &e) {
            QVERIFY2(std::string(e.what()).find("drascula-music") != std::string::npos &&
                         std::string(e.what()).find("asc-music") == std::string::npos,
                     e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestRewardSuite)
#include "tst_reward_suite.moc"
