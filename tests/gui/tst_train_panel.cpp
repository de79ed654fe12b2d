// The Train tab: refuses to start without a saved project or prompts (and says why), runs a
// short DRAGON run in the background with live reward and win-rate plots and audition clips,
// and stops within a couple of seconds when asked.
#include "document/ProjectDocument.h"
#include "model/CorpusGenerator.h"
#include "playback/PlaybackController.h"
#include "project/ProjectFile.h"
#include "widgets/AuditionView.h"
#include "widgets/TrainPanel.h"
#include "workers/TrainingController.h"

#include <QDir>
#include <QElapsedTimer>
#include <QListWidget>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace dragon;

namespace {

Project trainableProject()
{
    Project p;
    p.name = "Train test";
    const CorpusGenerator corpus;
    for (int i = 0; i < 8; ++i)
        p.trainPrompts.push_back(
            CorpusGenerator::caption(corpus.generate(std::uint64_t(100 + i)), std::uint64_t(i)));
    for (int i = 0; i < 4; ++i)
        p.evalPrompts.push_back(CorpusGenerator::caption(
            corpus.generate(CorpusGenerator::kHeldOutSeedStart + 123 + std::uint64_t(i)), 1));
    p.reward.encoder = "mel-stats";
    RewardTerm loud;
    loud.type = "loudness";
    loud.targetLufs = -14;
    p.reward.terms = {loud};
    return p;
}

// A saved trainable project open in a document, with a Train tab over it.
struct Fixture
{
    QTemporaryDir dir;
    QString path = dir.filePath("p.dragon");
    ProjectDocument document;
    TrainingController training;
    PlaybackController playback;
    TrainPanel panel{&document, &training, &playback};

    Fixture(int rounds, int evalEvery)
    {
        ProjectFile::save(trainableProject(), path.toStdString());
        document.reset(ProjectFile::load(path.toStdString()), path);
        panel.findChild<QSpinBox *>("roundsSpin")->setValue(rounds);
        panel.findChild<QSpinBox *>("promptsSpin")->setValue(2);
        panel.findChild<QSpinBox *>("evalEverySpin")->setValue(evalEvery);
    }
};

} // namespace

class TestTrainPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void refusesWhatCannotTrain()
    {
        ProjectDocument document;
        TrainingController training;
        PlaybackController playback;
        TrainPanel panel(&document, &training, &playback);
        document.reset(trainableProject(), QString());
        QVERIFY(!panel.startRun());
        QVERIFY(panel.status().contains("Save the project first"));
        QTemporaryDir dir;
        Project noPrompts = trainableProject();
        noPrompts.trainPrompts.clear();
        const QString path = dir.filePath("p.dragon");
        ProjectFile::save(noPrompts, path.toStdString());
        document.reset(ProjectFile::load(path.toStdString()), path);
        QVERIFY(!panel.startRun());
        QVERIFY2(panel.status().contains("no training prompts"), qPrintable(panel.status()));
        QVERIFY(!training.isRunning());
    }

    void runsAndPlotsLive()
    {
        Fixture f(2, 2);
        TrainPanel &panel = f.panel;
        const QString path = f.path;
        QSignalSpy finished(&panel, &TrainPanel::runFinished);
        QSignalSpy messages(&panel, &TrainPanel::statusMessage);
        QVERIFY(panel.startRun());
        QVERIFY(!panel.startRun()); // one at a time
        QVERIFY(finished.wait(240000));
        bool evalReported = false; // win rate and the paired reward difference with its interval
        for (const auto &m : messages)
            evalReported |= m.at(0).toString().contains(
                QRegularExpression("^Eval at round 2: win rate .* better by .*\\[.*\\]$"));
        QVERIFY(evalReported);
        QVERIFY2(panel.status().startsWith("Finished 2 round"), qPrintable(panel.status()));
        QCOMPARE(panel.plottedRounds(), 2);
        QCOMPARE(panel.plottedEvaluations(), 2); // round 0 (the base) and round 2
        // Each round's best and worst side by side, newest round first, files on disk.
        QCOMPARE(panel.auditionCount(), 4);
        AuditionView *audition = panel.auditionView();
        QCOMPARE(audition->positiveList()->count(), 2);
        QCOMPARE(audition->negativeList()->count(), 2);
        QVERIFY(audition->positiveList()->item(0)->text().contains("round 2"));
        QVERIFY(audition->negativeList()->item(0)->text().contains("round 2"));
        QVERIFY(audition->negativeList()->item(1)->text().contains("round 1"));
        QVERIFY(QFileInfo::exists(audition->currentPath()));
        QVERIFY(audition->currentPath().endsWith("-plus.wav"));
        QVERIFY(panel.runDirectory().startsWith(path + ".d/runs/"));
        QVERIFY(QFileInfo::exists(panel.runDirectory() + "/metrics.jsonl"));
        QVERIFY(QFileInfo::exists(panel.runDirectory() + "/checkpoints"));
        if (qEnvironmentVariableIsSet("DRAGON_SCREENSHOT_DIR")) {
            panel.resize(1200, 720);
            panel.show();
            QTest::qWait(300);
            panel.grab().save(qEnvironmentVariable("DRAGON_SCREENSHOT_DIR") + "/train-panel.png");
        }
    }

    void stopsPromptly()
    {
        Fixture f(50, 0);
        TrainPanel &panel = f.panel;
        const TrainingController &training = f.training;
        QSignalSpy finished(&panel, &TrainPanel::runFinished);
        QVERIFY(panel.startRun());
        QTRY_VERIFY_WITH_TIMEOUT(panel.plottedRounds() >= 1, 120000);
        QElapsedTimer timer;
        timer.start();
        panel.stopRun();
        QVERIFY(finished.wait(5000));
        qInfo("stop -> finished signal: %lld ms", timer.elapsed());
        QVERIFY(timer.elapsed() < 2000);
        QVERIFY2(panel.status().startsWith("Stopped after"), qPrintable(panel.status()));
        QVERIFY(!training.isRunning());
    }
};

QTEST_MAIN(TestTrainPanel)
#include "tst_train_panel.moc"
