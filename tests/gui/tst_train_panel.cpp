// The Train tab: refuses to start without a saved project or prompts (and says why), runs a
// short DRAGON run in the background with live reward and win-rate plots and audition clips,
// and stops within a couple of seconds when asked.
#include "TestProjects.h"
#include "audio/AudioFileReader.h"
#include "document/ProjectDocument.h"
#include "dragon/RunHistory.h"
#include "facade/GeneratorService.h"
#include "model/CorpusGenerator.h"
#include "playback/PlaybackController.h"
#include "project/ProjectFile.h"
#include "widgets/AuditionView.h"
#include "widgets/ComparePanel.h"
#include "widgets/GeneratorPicker.h"
#include "widgets/MainWindow.h"
#include "widgets/QCustomPlotInclude.h"
#include "widgets/RewardPanel.h"
#include "widgets/TrainPanel.h"
#include "widgets/TrainSettingsForm.h"
#include "widgets/TrainingDashboard.h"
#include "workers/TrainingController.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>
#include <filesystem>

namespace fs = std::filesystem;
using namespace dragon;

namespace {

Project trainableProject()
{
    Project p;
    p.name = "Train test";
    p.trainPrompts = fixtures::corpusCaptions(100, 8);
    p.evalPrompts = fixtures::corpusCaptions(CorpusGenerator::kHeldOutSeedStart + 123, 4, 1);
    p.reward = fixtures::loudnessReward(-14);
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
        // Start is disabled while the project cannot train, with the reason beside it.
        QVERIFY(!panel.startBlockedReason().isEmpty());
        QVERIFY2(panel.startBlockedReason().contains("no training prompts"),
                 qPrintable(panel.startBlockedReason()));
        QVERIFY(panel.findChild<QLabel *>("startHint")->text().contains("no training prompts"));
        // With prompts it may start, with a note that 4 eval prompts cannot reach significance.
        document.reset(trainableProject(), path);
        QVERIFY2(panel.startBlockedReason().isEmpty(), qPrintable(panel.startBlockedReason()));
        QVERIFY2(panel.startWarning().contains("only 4 eval prompt"),
                 qPrintable(panel.startWarning()));
        // With how many wins it would pass (4 of 4: lower bound 0.510), and 12 of 16 (0.505).
        QVERIFY2(panel.startWarning().contains("only at 4 of 4 won"),
                 qPrintable(panel.startWarning()));
        QVERIFY2(panel.startWarning().contains("with 16, 12 wins pass 0.5"),
                 qPrintable(panel.startWarning()));
        // A set without usable items is named by its name, not its id.
        Project empty = trainableProject();
        empty.exemplarSets = {{"set-7", "My refs", {}}};
        RewardTerm similar;
        similar.exemplarSet = "set-7";
        empty.reward.terms = {similar};
        document.reset(empty, path);
        QVERIFY2(panel.startBlockedReason().contains("'My refs' is empty") &&
                     !panel.startBlockedReason().contains("set-7"),
                 qPrintable(panel.startBlockedReason()));
    }

    void idleStatusSaysWhatStartWouldDo()
    {
        ProjectDocument document;
        TrainingController training;
        PlaybackController playback;
        TrainPanel panel(&document, &training, &playback);
        // A new project has neither reward nor prompts: say where to set them.
        QVERIFY2(panel.status().startsWith("Set the reward in the Reward tab"),
                 qPrintable(panel.status()));
        QTemporaryDir dir;
        const QString path = dir.filePath("p.dragon");
        ProjectFile::save(trainableProject(), path.toStdString());
        document.reset(ProjectFile::load(path.toStdString()), path);
        // Ready: the line names the reward and the prompts Start would use.
        QCOMPARE(panel.status(), QString("Ready: Loudness target (LUFS), 8 training prompts, 4 "
                                         "eval prompts. Press Start (F5)."));
        Project noPrompts = trainableProject();
        noPrompts.trainPrompts.clear();
        document.reset(noPrompts, path);
        QVERIFY2(panel.status().startsWith("Set the reward in the Reward tab"),
                 qPrintable(panel.status()));
        // Blocked for another reason (not saved): point at the reason beside Start.
        document.reset(trainableProject(), QString());
        QCOMPARE(panel.status(), QString("Not ready to train yet: see the reason above."));
        // A message of an action stays until another project is opened; form edits keep it.
        QVERIFY(!panel.startRun());
        QVERIFY2(panel.status().contains("Save the project first"), qPrintable(panel.status()));
        panel.findChild<QSpinBox *>("roundsSpin")->setValue(7);
        QVERIFY2(panel.status().contains("Save the project first"), qPrintable(panel.status()));
        document.reset(ProjectFile::load(path.toStdString()), path);
        QVERIFY2(panel.status().startsWith("Ready: "), qPrintable(panel.status()));
    }

    void formFollowsTheProjectsSettings()
    {
        Fixture f(3, 0);
        QCOMPARE(f.panel.findChild<QSpinBox *>("roundsSpin")->value(), 3); // set by the fixture
        QCOMPARE(*f.document.project().training.rounds, 3);                // and stored
        Project p = trainableProject();
        p.training.rounds = 20;
        p.training.learningRate = 3e-5;
        p.training.loss = "kto";
        p.training.seed = 7;
        p.training.evalSeedsPerPrompt = 2;
        p.training.anchorWeight = 7.5;
        p.training.emaDecay = 0.9;
        f.document.reset(p, f.path);
        QCOMPARE(f.panel.findChild<QDoubleSpinBox *>("anchorWeightSpin")->value(), 7.5);
        QCOMPARE(f.panel.findChild<QDoubleSpinBox *>("emaDecaySpin")->value(), 0.9);
        QCOMPARE(f.panel.findChild<QSpinBox *>("runSeedSpin")->value(), 7);
        QCOMPARE(f.panel.findChild<QSpinBox *>("roundsSpin")->value(), 20);
        QCOMPARE(f.panel.findChild<QComboBox *>("lossCombo")->currentData().toString(),
                 QString("kto"));
        const DragonConfig config = f.panel.configFromForm();
        QCOMPARE(config.rounds, 20);
        QCOMPARE(config.learningRate, 3e-5);
        QCOMPARE(config.loss, PreferenceLoss::Kto);
        QCOMPARE(config.seed, std::uint64_t(7));
        QCOMPARE(config.evalSeedsPerPrompt, 2);
        QCOMPARE(config.anchorWeight, 7.5);
        QCOMPARE(config.emaDecay, 0.9);
        // Unset: the value suggested for the reward (a loudness target: beta 500), else the
        // engine's default (demo steps).
        QCOMPARE(config.beta, 500.0);
        QCOMPARE(config.demoSteps, DragonConfig().demoSteps);
    }

    // Before any run is shown, the plots span the rounds Start would run (not 0..1) and their
    // value axes the kind of numbers each will hold (not QCustomPlot's 0..5).
    void emptyPlotsSpanTheRoundsToRun()
    {
        Fixture f(3, 0);
        const auto spans = [&f](double rounds) {
            for (const auto &[plot, name] : f.panel.dashboard()->plots())
                if (plot->xAxis->range().upper != rounds + 0.5)
                    return name + QString(" spans 0..%1").arg(plot->xAxis->range().upper);
            return QString();
        };
        QCOMPARE(spans(3), QString());
        f.panel.findChild<QSpinBox *>("roundsSpin")->setValue(25);
        QCOMPARE(spans(25), QString());
        QCustomPlot *guard = f.panel.dashboard()->plots()[3].first;
        QCOMPARE(guard->yAxis2->range().upper, 0.5); // CLAP adherence: a cosine
        QCustomPlot *loss = f.panel.dashboard()->plots()[2].first;
        QCOMPARE(loss->yAxis->range().upper, 1.0);
    }

    // The settings form on its own: unset fields show the reward's suggestion, an edit is
    // stored in the project at once, the run config is filled from the fields, and the fields
    // lock while a run trains.
    void settingsFormLoadsStoresAndFills()
    {
        ProjectDocument document;
        Project p = trainableProject(); // a loudness target: beta 500 suggested
        p.training.rounds = 12;
        document.reset(p, QString());
        TrainSettingsForm form(&document);
        form.load();
        QCOMPARE(form.rounds(), 12);
        DragonConfig config;
        form.fill(config);
        QCOMPARE(config.rounds, 12);
        QCOMPARE(config.beta, 500.0);
        QVERIFY(!document.project().training.beta); // loading stores nothing
        QSignalSpy edited(&form, &TrainSettingsForm::edited);
        form.findChild<QSpinBox *>("roundsSpin")->setValue(30);
        QCOMPARE(edited.count(), 1);
        QCOMPARE(*document.project().training.rounds, 30);
        QCOMPARE(*document.project().training.beta, 500.0); // every field is stored with it
        form.findChild<QSpinBox *>("evalEverySpin")->setValue(0);
        QVERIFY(!form.evaluates());
        form.setEditable(false);
        QVERIFY(!form.findChild<QSpinBox *>("roundsSpin")->isEnabled());
        QVERIFY(!form.findChild<QComboBox *>("lossCombo")->isEnabled());
        form.setEditable(true);
        QVERIFY(form.findChild<QDoubleSpinBox *>("anchorWeightSpin")->isEnabled());
    }

    void wheelScrollsTheColumnNotTheSettings()
    {
        Fixture f(3, 0);
        f.panel.resize(900, 400); // short enough that the settings column scrolls
        f.panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&f.panel));
        auto *scroll = f.panel.findChild<QScrollArea *>("trainSettingsScroll");
        auto *rounds = f.panel.findChild<QSpinBox *>("roundsSpin");
        QVERIFY(scroll->verticalScrollBar()->maximum() > 0);
        const int before = scroll->verticalScrollBar()->value();
        const auto turn = [](QWidget *w, int delta) {
            const QPointF at(w->width() / 2.0, w->height() / 2.0);
            QWheelEvent wheel(at, w->mapToGlobal(at), QPoint(), QPoint(0, delta), Qt::NoButton,
                              Qt::NoModifier, Qt::NoScrollPhase, false);
            QApplication::sendEvent(w, &wheel);
        };
        // Unfocused: a turn down scrolls the column; the value stays (and so does the project).
        turn(rounds, -120);
        QCOMPARE(rounds->value(), 3);
        QCOMPARE(*f.document.project().training.rounds, 3);
        QVERIFY2(scroll->verticalScrollBar()->value() > before,
                 qPrintable(QString::number(scroll->verticalScrollBar()->value())));
        auto *loss = f.panel.findChild<QComboBox *>("lossCombo");
        const int lossIndex = loss->currentIndex();
        turn(loss, -120);
        QCOMPARE(loss->currentIndex(), lossIndex);
        // Over a plot, the plots' column scrolls.
        auto *plots = f.panel.findChild<QScrollArea *>("trainPlotsScroll");
        QVERIFY(plots->verticalScrollBar()->maximum() > 0);
        const int plotsBefore = plots->verticalScrollBar()->value();
        turn(f.panel.findChild<TrainingDashboard *>()->plots()[0].first, -120);
        QVERIFY(plots->verticalScrollBar()->value() > plotsBefore);
        // Focused (clicked or tabbed into): the field takes the wheel as usual.
        rounds->setFocus();
        QTRY_VERIFY(rounds->hasFocus());
        turn(rounds, 120);
        QCOMPARE(rounds->value(), 4);
    }

    void suggestsSettingsForTheReward()
    {
        ProjectDocument document;
        TrainingController training;
        PlaybackController playback;
        TrainPanel panel(&document, &training, &playback);
        // A CLAP-score reward and no saved settings: DPO on 16 prompts x 4 seeds, with the why.
        Project clap = trainableProject();
        RewardTerm score;
        score.type = "clap";
        clap.reward.encoder = "pocket-clap";
        clap.reward.terms = {score};
        document.reset(clap, QString());
        QCOMPARE(panel.findChild<QSpinBox *>("promptsSpin")->value(), 16);
        const auto seeds = panel.findChildren<QSpinBox *>();
        QSpinBox *seedBox = nullptr;
        for (QSpinBox *box : seeds)
            if (box->toolTip().contains("worst of 4 seeds"))
                seedBox = box;
        QVERIFY(seedBox);
        QCOMPARE(seedBox->value(), 4);
        QCOMPARE(panel.findChild<QComboBox *>("lossCombo")->currentData().toString(),
                 QString("dpo"));
        auto *line = panel.findChild<QLabel *>("suggestedSettings");
        QVERIFY2(line->text().contains("CLAP-score reward: DPO, 16 prompts x 4 seeds"),
                 qPrintable(line->text()));
        // EMA 0.9 suggested for the CLAP score: shown, explained, and noted when changed.
        auto *ema = panel.findChild<QDoubleSpinBox *>("emaDecaySpin");
        QCOMPARE(ema->value(), 0.9);
        QVERIFY2(line->text().contains(", EMA 0.9"), qPrintable(line->text()));
        QVERIFY2(ema->toolTip().contains("moving average") &&
                     ema->toolTip().contains("Suggested for a CLAP-score reward: 0.9"),
                 qPrintable(ema->toolTip()));
        // Nothing saved: the suggestion is in use, and "Use suggested" would change nothing.
        auto *use = panel.findChild<QPushButton *>("useSuggested");
        QVERIFY2(line->text().endsWith("(in use)."), qPrintable(line->text()));
        QVERIFY(!use->isEnabled());
        ema->setValue(0.0);
        QVERIFY2(line->text().contains("differs: EMA decay 0 (suggested 0.9)."),
                 qPrintable(line->text()));
        QVERIFY(use->isEnabled());
        panel.settingsForm()->applySuggestion();
        QCOMPARE(ema->value(), 0.9);
        QCOMPARE(*document.project().training.emaDecay, 0.9);
        // A set reward: DPO at beta 5000 suggested; saved settings win over the suggestion.
        Project fad = trainableProject();
        RewardTerm set;
        set.type = "fad";
        set.exemplarSet = "set-1";
        fad.exemplarSets = {{"set-1", "Refs", {}}};
        fad.reward.terms = {set};
        fad.training.promptsPerRound = 3;
        fad.training.loss = "kto";
        document.reset(fad, QString());
        QCOMPARE(panel.findChild<QComboBox *>("lossCombo")->currentData().toString(),
                 QString("kto"));                                         // saved
        QCOMPARE(panel.findChild<QSpinBox *>("promptsSpin")->value(), 3); // saved
        QVERIFY2(line->text().contains("set reward: DPO, 8 prompts x 2 seeds, beta 5000"),
                 qPrintable(line->text()));
        // The line names what the project sets otherwise, in the form's own labels.
        QVERIFY2(line->text().contains("This project differs: loss KTO (suggested DPO), prompts "
                                       "per round 3 (suggested 8)."),
                 qPrintable(line->text()));
        QVERIFY(use->isEnabled());
        // "Use suggested" sets the suggested fields (and they are stored with the project).
        panel.settingsForm()->applySuggestion();
        QCOMPARE(panel.findChild<QSpinBox *>("promptsSpin")->value(), 8);
        QCOMPARE(*document.project().training.promptsPerRound, 8);
        QCOMPARE(*document.project().training.loss, std::string("dpo"));
        QCOMPARE(*document.project().training.beta, 5000.0);
        QVERIFY2(line->text().endsWith("(in use)."), qPrintable(line->text()));
        QVERIFY(!use->isEnabled());
        // The anchor weight: suggested (30 for every kind), explained, set by "Use suggested".
        auto *anchor = panel.findChild<QDoubleSpinBox *>("anchorWeightSpin");
        anchor->setValue(3.0);
        QCOMPARE(*document.project().training.anchorWeight, 3.0);
        QVERIFY2(line->text().contains("differs: anchor weight 3 (suggested 30)."),
                 qPrintable(line->text()));
        QVERIFY(use->isEnabled());
        QVERIFY2(anchor->toolTip().contains("pretraining anchor") &&
                     anchor->toolTip().contains("Suggested for a set reward: 30"),
                 qPrintable(anchor->toolTip()));
        panel.settingsForm()->applySuggestion();
        QCOMPARE(anchor->value(), 30.0);
        QCOMPARE(*document.project().training.anchorWeight, 30.0);
    }

    void runsAndPlotsLive()
    {
        Fixture f(2, 2);
        TrainPanel &panel = f.panel;
        const QString path = f.path;
        QVERIFY(!panel.findChild<QPushButton *>("compareRun")->isEnabled()); // no run yet
        QSignalSpy finished(&panel, &TrainPanel::runFinished);
        QSignalSpy messages(&panel, &TrainPanel::statusMessage);
        QVERIFY(panel.startRun());
        QVERIFY(!panel.startRun()); // one at a time
        QVERIFY2(panel.progressText().startsWith("Round 1 of 2"), qPrintable(panel.progressText()));
        // After the first round: round 2 of 2 with an ETA from the run's own pace.
        QTRY_VERIFY_WITH_TIMEOUT(panel.plottedRounds() >= 1, 120000);
        QVERIFY2(panel.progressText().contains(QRegularExpression("^Round 2 of 2 · .* left$")),
                 qPrintable(panel.progressText()));
        QVERIFY(finished.wait(240000));
        QCOMPARE(panel.progressText(), QString("Finished: 2 rounds"));
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
        QVERIFY(panel.findChild<QPushButton *>("compareRun")->isEnabled());
        QVERIFY(QFileInfo::exists(panel.runDirectory() + "/metrics.jsonl"));
        QVERIFY(QFileInfo::exists(panel.runDirectory() + "/checkpoints"));
        QVERIFY(QFileInfo::exists(panel.runDirectory() + "/README.txt"));
        // Exports: files that exist and parse.
        QTemporaryDir out;
        QVERIFY(panel.exportMetrics(out.filePath("m.csv")));
        QFile csv(out.filePath("m.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().split('\n');
        QVERIFY2(lines[0].startsWith("round,reward_mean,"), lines[0].constData());
        QCOMPARE(lines[1].split(',')[0], QByteArray("1"));
        QCOMPARE(lines[2].split(',')[0], QByteArray("2"));
        QVERIFY(panel.exportPlots(out.filePath("run")));
        for (const char *name :
             {"reward", "win-rate", "loss", "guardrails", "loudness", "reward-change"}) {
            QFile png(out.filePath(QString("run-%1.png").arg(name)));
            QFile pdf(out.filePath(QString("run-%1.pdf").arg(name)));
            QVERIFY(png.open(QIODevice::ReadOnly) && pdf.open(QIODevice::ReadOnly));
            QCOMPARE(png.read(8), QByteArray("\x89PNG\r\n\x1a\n", 8));
            QCOMPARE(pdf.read(5), QByteArray("%PDF-"));
        }
        QVERIFY(panel.exportModel(out.filePath("tuned.pt")));
        QVERIFY(GeneratorService::load(out.filePath("tuned.pt").toStdString(), "cpu"));
        QCOMPARE(panel.exportClips(out.filePath("clips"), true), 4);
        QCOMPARE(AudioFileReader::probe(out.filePath("clips/round-000002-plus.flac").toStdString())
                     .sampleRate,
                 AudioFileReader::probe(
                     (panel.runDirectory() + "/audition/round-000002-plus.wav").toStdString())
                     .sampleRate);
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
        QVERIFY2(panel.progressText().startsWith("Stopped at round "),
                 qPrintable(panel.progressText()));
        QVERIFY(!training.isRunning());
    }

    void stoppedRunsAreListedAndContinue()
    {
        Fixture f(3, 0);
        TrainPanel &panel = f.panel;
        QSignalSpy finished(&panel, &TrainPanel::runFinished);
        QVERIFY(panel.startRun());
        QTRY_VERIFY_WITH_TIMEOUT(panel.plottedRounds() >= 1, 120000);
        panel.stopRun();
        QVERIFY(finished.wait(10000));
        const QString folder = panel.runDirectory();
        QTableWidget *runs = panel.runList();
        QCOMPARE(runs->rowCount(), 1);
        const QString state = runs->item(0, 4)->text();
        QVERIFY2(state.startsWith("stopped at round"), qPrintable(state));
        QVERIFY2(runs->item(0, 1)->text().contains("Loudness target"),
                 qPrintable(runs->item(0, 1)->text()));
        // Its reward asks for level, so the loudness plot does not mark a shift.
        QVERIFY(RunHistory::summarise(folder.toStdString()).loudnessTerm);
        QCOMPARE(runs->currentRow(), 0);
        QVERIFY(panel.continueButton()->isEnabled());
        const int before = panel.plottedRounds();
        // A window opened afterwards shows the stopped run's end in its progress bar too.
        {
            TrainingController viewerTraining;
            TrainPanel viewer(&f.document, &viewerTraining, &f.playback);
            QCOMPARE(viewer.runList()->currentRow(), 0);
            QCOMPARE(viewer.progressText(), QString("Stopped at round %1 of 3").arg(before));
        }
        // Continue from the window: the same folder, the curve extended to all 3 rounds.
        QVERIFY(panel.continueRun());
        QVERIFY(!panel.continueButton()->isEnabled());
        QVERIFY(finished.wait(180000));
        QCOMPARE(panel.runDirectory(), folder);
        QVERIFY2(panel.status().startsWith("Finished 3 round"), qPrintable(panel.status()));
        QCOMPARE(panel.plottedRounds(), 3);
        QVERIFY(before >= 1);
        QCOMPARE(runs->rowCount(), 1);
        QCOMPARE(runs->item(0, 4)->text(), QString("finished"));
        QCOMPARE(runs->item(0, 2)->text(), QString("3 / 3"));
        QVERIFY(!panel.continueButton()->isEnabled());
        // An evaluation whose CLAP guardrail fell (as eval.jsonl stores it) marks the run's win
        // rate in the list, and its tooltip names the fall.
        {
            QFile eval(QDir(folder).filePath("eval.jsonl"));
            QVERIFY(eval.open(QIODevice::Append));
            eval.write(R"({"round":3,"win_rate":0.75,"win_lower":0.51,"win_upper":0.9,)"
                       R"("vendi_base":8.0,"vendi_policy":7.9,"clap_base":0.2,"clap_policy":0.1})"
                       "\n");
        }
        // A second panel on the same project shows the run from its files: plots and clips.
        TrainingController other;
        TrainPanel again(&f.document, &other, &f.playback);
        QCOMPARE(again.runList()->rowCount(), 1);
        QCOMPARE(again.runList()->item(0, 3)->text(), QString("0.75 [0.51, 0.90] !"));
        QVERIFY2(again.runList()->item(0, 3)->toolTip().contains(
                     "Guardrail fell there: CLAP 0.200 -> 0.100 (the win may be reward hacking)"),
                 qPrintable(again.runList()->item(0, 3)->toolTip()));
        again.runList()->setCurrentCell(0, 0);
        again.showRun(0);
        QCOMPARE(again.progressText(), QString("Finished: 3 rounds"));
        QCOMPARE(again.plottedRounds(), 3);
        QCOMPARE(again.auditionCount(), 6);
        QVERIFY(again.auditionView()->positiveList()->item(0)->text().contains("round 3"));
        QCOMPARE(again.auditionView()->positiveList()->currentRow(), 0); // the newest round
        QVERIFY(again.auditionView()->currentPath().endsWith("round-000003-plus.wav"));
        QVERIFY(again.status().contains("finished"));
    }

    // Delete run: refused for the run in progress; a finished run goes to the trash, the list
    // and the plots follow, and the Compare tab hears of it.
    void deleteRunMovesItToTheTrash()
    {
        QTemporaryDir data;
        const QByteArray oldData = qgetenv("XDG_DATA_HOME");
        qputenv("XDG_DATA_HOME", data.path().toLocal8Bit());
        Fixture f(3, 0);
        TrainPanel &panel = f.panel;
        QSignalSpy finished(&panel, &TrainPanel::runFinished);
        QSignalSpy deleted(&panel, &TrainPanel::runDeleted);
        QVERIFY(panel.startRun());
        QTRY_VERIFY_WITH_TIMEOUT(panel.plottedRounds() >= 1, 120000);
        const QString first = panel.runDirectory();
        QVERIFY(!panel.deleteRun(first, false));
        QVERIFY2(panel.status().contains("cannot be deleted: stop it first"),
                 qPrintable(panel.status()));
        QVERIFY(QFileInfo(first).isDir());
        panel.stopRun();
        QVERIFY(finished.wait(10000));
        // A second, older run beside it (a copy under an earlier time stamp).
        const QString older = QFileInfo(first).dir().filePath("20200101-000000");
        fs::copy(first.toStdString(), older.toStdString(), fs::copy_options::recursive);
        panel.refreshRuns();
        QCOMPARE(panel.runList()->rowCount(), 2);
        QCOMPARE(panel.runDirectory(), first);
        const int shownRounds = panel.plottedRounds();
        QVERIFY(shownRounds >= 1);
        // The run shown goes: the list keeps the other, which is shown instead.
        QVERIFY(panel.deleteRun(first, false));
        QVERIFY(!QFileInfo::exists(first));
        QVERIFY2(panel.status().startsWith("Moved the run of ") &&
                     panel.status().contains("to the trash"),
                 qPrintable(panel.status()));
        const QString trashed = data.filePath("Trash/files/" + QFileInfo(first).fileName());
        QVERIFY2(QFileInfo(trashed + "/config.json").isFile(), qPrintable(trashed));
        QCOMPARE(deleted.count(), 1);
        QCOMPARE(deleted.at(0).at(0).toString(), first);
        QCOMPARE(panel.runList()->rowCount(), 1);
        QCOMPARE(panel.runDirectory(), older);
        QCOMPARE(panel.plottedRounds(), shownRounds); // the copy's rounds, drawn afresh
        // Another project (File > New): the run shown goes with the old one, bar included.
        {
            const QString before = panel.progressText();
            QVERIFY2(before.startsWith("Stopped at round"), qPrintable(before));
            f.document.reset(Project(), QString());
            QCOMPARE(panel.runList()->rowCount(), 0);
            QCOMPARE(panel.plottedRounds(), 0);
            QVERIFY(panel.runDirectory().isEmpty());
            QCOMPARE(panel.progressText(), QString("%p%"));
            // Its problems read as one line: clauses, one full stop.
            QVERIFY2(panel.findChild<QLabel *>("startHint")
                         ->text()
                         .endsWith("add at least one reward term."),
                     qPrintable(panel.findChild<QLabel *>("startHint")->text()));
            f.document.reset(ProjectFile::load(f.path.toStdString()), f.path);
            QCOMPARE(panel.runList()->rowCount(), 1);
            QCOMPARE(panel.runDirectory(), older);
        }
        // The last one: nothing is listed or drawn afterwards.
        QVERIFY(panel.deleteRun(older, false));
        QCOMPARE(panel.runList()->rowCount(), 0);
        QCOMPARE(panel.plottedRounds(), 0);
        QVERIFY(panel.runDirectory().isEmpty());
        // A folder that is not there: refused by name, nothing changes.
        QVERIFY(!panel.deleteRun(older, false));
        QVERIFY2(panel.status().contains("20200101-000000"), qPrintable(panel.status()));
        QCOMPARE(deleted.count(), 2);
        if (oldData.isNull())
            qunsetenv("XDG_DATA_HOME");
        else
            qputenv("XDG_DATA_HOME", oldData);
    }

    void failedStartLeavesNoFolder()
    {
        Fixture f(2, 0);
        const QString broken = f.dir.filePath("broken.pt");
        QFile file(broken);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not a model");
        file.close();
        f.panel.findChild<GeneratorPicker *>()->setSpec(broken);
        QSignalSpy finished(&f.panel, &TrainPanel::runFinished);
        QVERIFY(f.panel.startRun());
        QVERIFY(finished.wait(60000));
        QVERIFY2(f.panel.status().contains("could not start") &&
                     f.panel.status().contains("broken.pt"),
                 qPrintable(f.panel.status()));
        QVERIFY(QDir(f.path + ".d/runs").isEmpty());
        QCOMPARE(f.panel.runList()->rowCount(), 0);
    }

    void quitWhileTrainingKeepsTheRun()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("quit.dragon");
        ProjectFile::save(trainableProject(), path.toStdString());
        QString folder;
        {
            MainWindow w;
            QVERIFY(w.openProject(path));
            TrainPanel *panel = w.trainPanel();
            panel->findChild<QSpinBox *>("roundsSpin")->setValue(20);
            panel->findChild<QSpinBox *>("promptsSpin")->setValue(2);
            panel->findChild<QSpinBox *>("evalEverySpin")->setValue(0);
            QVERIFY(panel->startRun());
            QTRY_VERIFY_WITH_TIMEOUT(panel->plottedRounds() >= 1, 120000);
            folder = panel->runDirectory();
            QElapsedTimer timer;
            timer.start();
            QVERIFY(w.close()); // offscreen: no question; the run stops, the window closes
            qInfo("quit while training: closed in %lld ms", timer.elapsed());
            QVERIFY(timer.elapsed() < 3000);
            QVERIFY(!panel->isTraining());
        }
        QVERIFY(!QDir(folder + "/checkpoints").isEmpty());
        MainWindow again;
        QVERIFY(again.openProject(path));
        QTableWidget *runs = again.trainPanel()->runList();
        QCOMPARE(runs->rowCount(), 1);
        QVERIFY2(runs->item(0, 4)->text().startsWith("stopped at round"),
                 qPrintable(runs->item(0, 4)->text()));
        runs->setCurrentCell(0, 0);
        QVERIFY(again.trainPanel()->continueButton()->isEnabled());
    }

    void dashboardShowsTermsAndKeepsLinesInside()
    {
        TrainingDashboard dashboard;
        dashboard.resize(600, 800);
        dashboard.clear(10);
        for (int r = 1; r <= 3; ++r) {
            RoundStats s;
            s.round = r;
            s.rewardP10 = -1.0 * r;
            s.rewardP50 = 0.5 * r;
            s.rewardP90 = 2.0 * r;
            s.loss.loss = 0.7 - 0.1 * r;
            s.loss.implicitAccuracy = 0.5 + 0.1 * r;
            s.terms = {{"loudness", 0, -20.0 + r, -18.0 + r, -16.0 + r},
                       {"similarity", 0, 0.1, 0.2 * r, 0.3 * r}};
            dashboard.addRound(s);
        }
        EvalStats e;
        e.round = 3;
        e.winRate.rate = 0.7;
        e.winRate.lower = 0.55;
        e.winRate.upper = 0.82;
        e.vendiBase = 8.0;
        e.vendiPolicy = 7.5;
        e.clapBase = 0.2;
        e.clapPolicy = 0.18;
        e.lufsBase = -23.0;
        e.lufsPolicy = -19.5;
        e.deltaMean = 0.04; // the paired change, in the reward's better direction
        e.deltaLower = 0.01;
        e.deltaUpper = 0.07;
        e.terms = {{"loudness", -21.0, -19.0, 2.0, 1.2, 2.8},
                   {"similarity", 0.2, 0.25, 0.05, 0.0, 0.1}};
        dashboard.addEval(e);
        QCOMPARE(dashboard.plottedRounds(), 3);
        // The paired change with its interval, the 0 line in view though every value is above.
        QCOMPARE(dashboard.plots()[5].second, QString("reward-change"));
        QCustomPlot *change = dashboard.plots()[5].first;
        QCPGraph *delta = change->graph(2);
        QCOMPARE(delta->data()->at(0)->value, 0.04);
        QCOMPARE(change->graph(0)->data()->at(0)->value, 0.01);
        QCOMPARE(change->graph(1)->data()->at(0)->value, 0.07);
        QVERIFY2(change->yAxis->range().lower < 0.0 && change->yAxis->range().upper > 0.07,
                 qPrintable(QString("%1..%2")
                                .arg(change->yAxis->range().lower)
                                .arg(change->yAxis->range().upper)));
        // The win-rate axis leaves room beyond 0 and 1 (a marker at exactly 1 is not cut).
        QCOMPARE(dashboard.plots()[1].second, QString("win-rate"));
        const QCPRange winAxis = dashboard.plots()[1].first->yAxis->range();
        QVERIFY2(winAxis.lower < 0.0 && winAxis.upper > 1.0,
                 qPrintable(QString("%1..%2").arg(winAxis.lower).arg(winAxis.upper)));
        // The eval clips' loudness, tuned against base, with the shift in the title.
        QCOMPARE(dashboard.plots()[4].second, QString("loudness"));
        // 3.5 LU that a reward without a loudness term did not ask for: marked.
        QCOMPARE(dashboard.loudnessTitleText(),
                 QString("Eval loudness (median LUFS): tuned 3.5 LU louder than base at round 3\n"
                         "The reward has no loudness term: part of its win may be level, not what "
                         "the music plays."));
        QCOMPARE(dashboard.plottedEvaluations(), 1);
        // The chooser offers the reward and each term; a term is drawn in its own units.
        QComboBox *term = dashboard.termChooser();
        QCOMPARE(term->count(), 3);
        QCOMPARE(term->itemText(1), QString("loudness"));
        term->setCurrentIndex(1);
        QCustomPlot *reward = dashboard.plots()[0].first;
        QCPGraph *median = reward->graph(2);
        QCOMPARE(median->data()->at(0)->value, -17.0);
        QCOMPARE(reward->yAxis->label(), QString("loudness"));
        QCOMPARE(delta->data()->at(0)->value, 2.0); // that term's change, in LU
        QCOMPARE(change->yAxis->label(), QString("loudness: tuned - base"));
        // Every line stays inside its plot: the axes hold every value, and x spans the run.
        for (const auto &[plot, name] : dashboard.plots()) {
            QCOMPARE(plot->xAxis->range().lower, -0.5); // round 0's marker whole
            QVERIFY2(plot->xAxis->range().upper >= 10.0, qPrintable(name));
            for (int g = 0; g < plot->graphCount(); ++g) {
                QCPGraph *graph = plot->graph(g);
                for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it)
                    QVERIFY2(graph->valueAxis()->range().contains(it->value),
                             qPrintable(QString("%1: %2 outside %3..%4")
                                            .arg(name)
                                            .arg(it->value)
                                            .arg(graph->valueAxis()->range().lower)
                                            .arg(graph->valueAxis()->range().upper)));
            }
        }
        // The guardrails share one scale relative to their base: Vendi fell 6.25 %, CLAP 10 %,
        // so CLAP's line ends lower in the plot than Vendi's, and both bases sit mid-plot.
        QCustomPlot *guard = dashboard.plots()[3].first;
        const auto heightOf = [](const QCPAxis *axis, double value) {
            return (value - axis->range().lower) / axis->range().size();
        };
        QCOMPARE(heightOf(guard->yAxis, 8.0), 0.5);
        QCOMPARE(heightOf(guard->yAxis2, 0.2), 0.5);
        QVERIFY2(heightOf(guard->yAxis2, 0.18) < heightOf(guard->yAxis, 7.5) - 0.1,
                 qPrintable(QString("CLAP at %1, Vendi at %2 of the height")
                                .arg(heightOf(guard->yAxis2, 0.18))
                                .arg(heightOf(guard->yAxis, 7.5))));
        // The note above the guardrails: held, then a fall named with both values, then held
        // again with the fall remembered; the plots stay where they were while it changes.
        dashboard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
        QLabel *note = dashboard.guardrailNote();
        QVERIFY2(note->text().startsWith("Guardrails held at round 3 (Vendi 7.50 vs base 8.00, "
                                         "CLAP 0.180 vs base 0.200)."),
                 qPrintable(note->text()));
        const QRect guardPlace = guard->geometry();
        e.round = 6;
        e.clapPolicy = 0.14; // below 75 % of 0.2
        dashboard.addEval(e);
        QCoreApplication::processEvents();
        QVERIFY2(note->text().startsWith(
                     "Guardrail fell at round 6: CLAP 0.200 -> 0.140. The win rate may be reward "
                     "hacking"),
                 qPrintable(note->text()));
        QCOMPARE(guard->geometry(), guardPlace);
        // The fall is ringed on the CLAP line at round 6, and only there.
        const auto ringed = [guard](const QString &axisLabel) {
            QVector<double> rounds;
            for (int g = 0; g < guard->graphCount(); ++g)
                if (guard->graph(g)->name() == "fell below its floor" &&
                    guard->graph(g)->valueAxis()->label() == axisLabel)
                    for (auto it = guard->graph(g)->data()->constBegin();
                         it != guard->graph(g)->data()->constEnd(); ++it)
                        rounds << it->key;
            return rounds;
        };
        QCOMPARE(ringed("CLAP adherence"), QVector<double>{6.0});
        QCOMPARE(ringed("Vendi diversity"), QVector<double>());
        e.round = 9;
        e.clapPolicy = 0.16; // 80 %: held
        dashboard.addEval(e);
        QCoreApplication::processEvents();
        QVERIFY2(note->text().startsWith("Guardrails held at round 9") &&
                     note->text().endsWith("They fell at round 6 before."),
                 qPrintable(note->text()));
        QCOMPARE(guard->geometry(), guardPlace);
        EvalStats unmeasured; // a run without a guardrail encoder
        unmeasured.round = 10;
        dashboard.addEval(unmeasured);
        QCOMPARE(note->text(), QString("Guardrails not measured at round 10 (the run has no "
                                       "guardrail encoder)."));
        // Loudness not measured (an older run): the newest measured evaluation stays shown.
        QVERIFY2(dashboard.loudnessTitleText().contains("at round 9\n"),
                 qPrintable(dashboard.loudnessTitleText()));
        // A reward with a loudness term asks for the move: no mark; nor under 2 LU without one.
        dashboard.setLevelIsTarget(true);
        dashboard.addEval(e);
        QCOMPARE(dashboard.loudnessTitleText(),
                 QString("Eval loudness (median LUFS): tuned 3.5 LU louder than base at round 9"));
        dashboard.setLevelIsTarget(false);
        e.lufsPolicy = -21.1; // 1.9 LU
        dashboard.addEval(e);
        QCOMPARE(dashboard.loudnessTitleText(),
                 QString("Eval loudness (median LUFS): tuned 1.9 LU louder than base at round 9"));
        e.lufsPolicy = -21.04; // 1.96 LU, printed "2.0": judged as printed, so marked
        dashboard.addEval(e);
        QVERIFY2(dashboard.loudnessTitleText().startsWith(
                     "Eval loudness (median LUFS): tuned 2.0 LU louder than base at round 9\nThe "
                     "reward has no loudness term"),
                 qPrintable(dashboard.loudnessTitleText()));
        e.lufsPolicy = -23.04; // 0.04 LU: printed 0.0, so neither louder nor quieter
        dashboard.addEval(e);
        QCOMPARE(dashboard.loudnessTitleText(),
                 QString("Eval loudness (median LUFS): tuned as loud as base at round 9"));
        // Falls at more than one round are listed as rounds.
        e.round = 12;
        e.clapPolicy = 0.14;
        dashboard.addEval(e);
        e.round = 15;
        e.clapPolicy = 0.2;
        dashboard.addEval(e);
        QVERIFY2(note->text().endsWith("They fell at rounds 6 and 12 before."),
                 qPrintable(note->text()));
        // A new run starts from empty plots.
        dashboard.clear(5);
        QVERIFY2(note->text().startsWith("Guardrails: checked at each evaluation. A fall (Vendi "
                                         "below 80 % or CLAP below 75 %"),
                 qPrintable(note->text()));
        QCOMPARE(dashboard.plottedRounds(), 0);
        QCOMPARE(dashboard.plottedEvaluations(), 0);
        QCOMPARE(dashboard.loudnessTitleText(), QString("Eval loudness (median LUFS)"));
        QCOMPARE(term->count(), 1);
        for (const auto &[plot, name] : dashboard.plots())
            for (int g = 0; g < plot->graphCount(); ++g)
                QVERIFY2(plot->graph(g)->data()->isEmpty(), qPrintable(name));
    }

    void shortcutsAndHelp()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTest::keyClick(&w, Qt::Key_3, Qt::ControlModifier);
        QCOMPARE(w.tabs()->currentWidget(), static_cast<QWidget *>(w.rewardPanel()));
        QTest::keyClick(&w, Qt::Key_5, Qt::ControlModifier);
        QCOMPARE(w.tabs()->currentWidget(), static_cast<QWidget *>(w.trainPanel()));
        QTest::keyClick(&w, Qt::Key_6, Qt::ControlModifier);
        QCOMPARE(w.tabs()->currentWidget(), static_cast<QWidget *>(w.comparePanel()));
        QCOMPARE(w.tabs()->tabText(5), QString("Compare"));
        QTest::keyClick(&w, Qt::Key_1, Qt::ControlModifier);
        QCOMPARE(w.tabs()->currentIndex(), 0);
        // The menus show the shortcuts.
        QStringList shown;
        for (QAction *action : w.findChildren<QAction *>())
            if (!action->shortcut().isEmpty())
                shown << action->text().remove('&') + "=" + action->shortcut().toString();
        for (const QString &expected :
             {QString("Start training=F5"), QString("Pause / resume training=F6"),
              QString("Stop training=Shift+F5"), QString("Generate clips=Ctrl+G"),
              QString("Preview reward=Ctrl+P"), QString("Compute embeddings=Ctrl+E"),
              QString("New set=Ctrl+Shift+N"), QString("Import audio files…=Ctrl+I"),
              QString("Compare base and fine-tuned=Ctrl+Shift+C")})
            QVERIFY2(shown.contains(expected),
                     qPrintable(expected + " not in " + shown.join(", ")));
        QVERIFY(MainWindow::gettingStarted().contains("six steps"));
        QVERIFY(MainWindow::aboutText().contains(QString::fromLatin1(qVersion())));
        QVERIFY(MainWindow::aboutText().contains("libtorch 1."));
    }
};

QTEST_MAIN(TestTrainPanel)
#include "tst_train_panel.moc"
