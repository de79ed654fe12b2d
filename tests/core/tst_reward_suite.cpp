// The reward-suite benchmark's definition (core/bench/RewardSuite): 20 rewards of every kind,
// the per-song FAD grid of at least 2 encoders x 2 sets, the dataset FAD grid over the same
// cells, two halves of 10 for "settings chosen without peeking", and every reward usable on the
// suite's sets.
#include "bench/RewardSuite.h"
#include "encoders/EncoderFactory.h"
#include "rewards/RewardDefinition.h"

#include <QTest>
#include <map>
#include <set>

using namespace dragon;

class TestRewardSuite : public QObject
{
    Q_OBJECT

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
    }
};

QTEST_GUILESS_MAIN(TestRewardSuite)
#include "tst_reward_suite.moc"
