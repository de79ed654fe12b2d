// Offscreen tests of the Generate panel: background generation to WAV + JSON files listed with
// their settings, notes for clamped input, Cancel, a damaged checkpoint, Space to play.
#include "GuiTestHelpers.h"
#include "TinyCheckpoint.h"
#include "document/ProjectDocument.h"
#include "playback/PlaybackController.h"
#include "project/ProjectFile.h"
#include "widgets/GeneratePanel.h"
#include "widgets/GeneratorPicker.h"
#include "widgets/MainWindow.h"

#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

class TestGeneratePanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void generatesClipsWithSettings();
    void longPromptIsNoted();
    void cancelStopsWithinSteps();
    void damagedCheckpointFailsCleanly();
    void torchScriptGeneratorFromThePicker();
    void clipsLiveInTheProjectAndJoinSets();

private:
    QTemporaryDir m_dir;
    QString m_checkpoint;
};

void TestGeneratePanel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_checkpoint = m_dir.filePath("tiny.pt");
    fixtures::writeTinyPocketCheckpoint(m_checkpoint.toStdString());
}

void TestGeneratePanel::generatesClipsWithSettings()
{
    qputenv("DRAGON_ALSA_CAPTURE", m_dir.filePath("capture.raw").toLocal8Bit());
    MainWindow w;
    GeneratePanel *panel = w.generatePanel();
    panel->setCheckpoint(m_checkpoint);
    panel->setOutputDir(m_dir.filePath("out"));
    panel->promptEdit()->setText("fast techno");
    panel->seedBox()->setValue(7);
    panel->stepsBox()->setValue(3);
    panel->guidanceBox()->setValue(2.5);
    panel->countBox()->setValue(2);
    QSignalSpy done(panel, &GeneratePanel::generationDone);
    auto *progress = panel->findChild<QProgressBar *>("generateProgress");
    QCOMPARE(progress->text(), QString()); // idle: no "step 0 of 100" before anything runs
    QTest::mouseClick(panel->generateButton(), Qt::LeftButton);
    QVERIFY(!panel->generateButton()->isEnabled()); // busy while running
    QVERIFY(done.wait(60000));
    QCOMPARE(done.first().at(0).toBool(), true);
    QCOMPARE(progress->text(), QString("step 3 of 3"));
    // English plurals from the window's translator: "2 clips", not "2 clip(s)".
    QCOMPARE(panel->statusLabel()->text(), QString("Generated 2 clips."));
    QCOMPARE(tr("%n clip(s) and %1", nullptr, 1).arg("more"), QString("1 clip and more"));
    QCOMPARE(tr("%n clip(s)", nullptr, 0), QString("0 clips"));
    QCOMPARE(tr("a clip(s) without a count"), QString("a clip(s) without a count"));
    QVERIFY(panel->generateButton()->isEnabled());
    QCOMPARE(panel->results()->count(), 2);
    const QString label = panel->results()->item(0)->text();
    QVERIFY2(label.contains("fast techno") && label.contains("3 steps") &&
                 label.contains("guidance 2.5"),
             qPrintable(label));
    const QString path = panel->results()->item(0)->data(Qt::UserRole + 1).toString();
    QVERIFY(QFile::exists(path));
    QFile sidecar(QString(path).replace(".wav", ".json"));
    QVERIFY(sidecar.open(QIODevice::ReadOnly));
    const auto json = QJsonDocument::fromJson(sidecar.readAll()).object();
    QCOMPARE(json["prompt"].toString(), QString("fast techno"));
    QCOMPARE(json["steps"].toInt(), 3);
    // The two clips got seeds 7 and 8, one each.
    QStringList seeds;
    for (int i = 0; i < 2; ++i) {
        QFile clip(
            panel->results()->item(i)->data(Qt::UserRole + 1).toString().replace(".wav", ".json"));
        QVERIFY(clip.open(QIODevice::ReadOnly));
        seeds << QJsonDocument::fromJson(clip.readAll()).object()["seed"].toString();
    }
    seeds.sort();
    QCOMPARE(seeds, QStringList({"7", "8"}));
    if (qEnvironmentVariableIsSet("DRAGON_SCREENSHOT_DIR")) {
        w.resize(1000, 520);
        w.show();
        qobject_cast<QTabWidget *>(w.centralWidget())->setCurrentWidget(panel);
        QTest::qWait(100);
        w.grab().save(qEnvironmentVariable("DRAGON_SCREENSHOT_DIR") + "/generate-panel.png");
    }
    // Space plays the selected clip through the playback engine.
    w.playback()->setLooping(true);
    QTest::keyClick(panel->results(), Qt::Key_Space);
    QTRY_VERIFY_WITH_TIMEOUT(w.playback()->isPlaying(), 5000);
    w.playback()->stop();
}

void TestGeneratePanel::longPromptIsNoted()
{
    MainWindow w;
    GeneratePanel *panel = w.generatePanel();
    panel->setCheckpoint(m_checkpoint);
    panel->setOutputDir(m_dir.filePath("out2"));
    QString prompt;
    for (int i = 0; i < 40; ++i)
        prompt += "word ";
    panel->promptEdit()->setText(prompt);
    panel->stepsBox()->setValue(2);
    panel->countBox()->setValue(1);
    QSignalSpy done(panel, &GeneratePanel::generationDone);
    panel->startGeneration();
    QVERIFY(done.wait(60000));
    QVERIFY2(panel->statusLabel()->text().contains("longer than 24 words"),
             qPrintable(panel->statusLabel()->text()));
}

void TestGeneratePanel::cancelStopsWithinSteps()
{
    MainWindow w;
    GeneratePanel *panel = w.generatePanel();
    panel->setCheckpoint(m_checkpoint);
    panel->setOutputDir(m_dir.filePath("out3"));
    panel->stepsBox()->setValue(1000);
    panel->countBox()->setValue(16);
    QSignalSpy done(panel, &GeneratePanel::generationDone);
    panel->startGeneration();
    QTRY_VERIFY_WITH_TIMEOUT(panel->cancelButton()->isEnabled(), 1000);
    QTest::qWait(100);
    QElapsedTimer timer;
    timer.start();
    QTest::mouseClick(panel->cancelButton(), Qt::LeftButton);
    QVERIFY(done.wait(30000));
    QCOMPARE(done.first().at(0).toBool(), false);
    QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(panel->results()->count(), 0);
    QVERIFY(panel->statusLabel()->text().contains("Cancelled"));
}

void TestGeneratePanel::damagedCheckpointFailsCleanly()
{
    const QString bad = m_dir.filePath("bad.pt");
    QFile file(bad);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("not a model");
    file.close();
    MainWindow w;
    GeneratePanel *panel = w.generatePanel();
    panel->setCheckpoint(bad);
    QSignalSpy done(panel, &GeneratePanel::generationDone);
    panel->startGeneration();
    QVERIFY(done.wait(30000));
    QCOMPARE(done.first().at(0).toBool(), false);
    QVERIFY2(panel->statusLabel()->text().contains("bad.pt"),
             qPrintable(panel->statusLabel()->text()));
    QVERIFY(panel->generateButton()->isEnabled());
}

void TestGeneratePanel::torchScriptGeneratorFromThePicker()
{
    // "Load TorchScript generator…" sets the picker's spec (the file dialog is not driven here).
    QProcess python;
    python.start("/usr/bin/python3",
                 {QString(DRAGON_TEST_DATA_DIR) + "/fixtures/export_generator_plugin.py",
                  m_dir.filePath("plugins")});
    QVERIFY(python.waitForFinished(120000) && python.exitCode() == 0);
    MainWindow w;
    GeneratePanel *panel = w.generatePanel();
    QCOMPARE(panel->generatorPicker()->spec(), QString("pocket"));
    panel->generatorPicker()->setSpec(m_dir.filePath("plugins/tiny-generator.pt"));
    panel->setOutputDir(m_dir.filePath("out-plugin"));
    panel->promptEdit()->setText("warm pad");
    panel->stepsBox()->setValue(4);
    panel->countBox()->setValue(2);
    QSignalSpy done(panel, &GeneratePanel::generationDone);
    panel->startGeneration();
    QVERIFY(done.wait(60000));
    QCOMPARE(done.first().at(0).toBool(), true);
    QCOMPARE(panel->results()->count(), 2);
    QFile sidecar(
        panel->results()->item(0)->data(Qt::UserRole + 1).toString().replace(".wav", ".json"));
    QVERIFY(sidecar.open(QIODevice::ReadOnly));
    const auto json = QJsonDocument::fromJson(sidecar.readAll()).object();
    QCOMPARE(json["model"].toString(), QString("tiny-conv-generator"));
    QCOMPARE(json["sampleRate"].toInt(), 8000);
    // A broken plug-in fails with a message naming the file; the tab stays usable.
    panel->generatorPicker()->setSpec(m_dir.filePath("plugins/gen_nan.pt"));
    done.clear();
    panel->startGeneration();
    QVERIFY(done.wait(60000));
    QCOMPARE(done.first().at(0).toBool(), false);
    QVERIFY2(panel->statusLabel()->text().contains("gen_nan.pt"),
             qPrintable(panel->statusLabel()->text()));
    QVERIFY(panel->generateButton()->isEnabled());
}

void TestGeneratePanel::clipsLiveInTheProjectAndJoinSets()
{
    dragon::Project project;
    dragon::ExemplarSet set;
    set.id = "set-1";
    set.name = "Keepers";
    project.exemplarSets = {set};
    const QString path = m_dir.filePath("gen.dragon");
    dragon::ProjectFile::save(project, path.toStdString());
    QStringList labels;
    {
        MainWindow w;
        QVERIFY(w.openProject(path));
        GeneratePanel *panel = w.generatePanel();
        QCOMPARE(panel->outputDir(), path + ".d/generations");
        panel->setCheckpoint(m_checkpoint);
        panel->stepsBox()->setValue(2);
        panel->countBox()->setValue(2);
        // A word the pocket model does not know is named in the note.
        panel->promptEdit()->setText("fast zzzqqq techno");
        QSignalSpy done(panel, &GeneratePanel::generationDone);
        panel->startGeneration();
        QVERIFY(done.wait(60000));
        QVERIFY2(panel->statusLabel()->text().contains("\"zzzqqq\""),
                 qPrintable(panel->statusLabel()->text()));
        panel->results()->selectAll();
        panel->startGeneration();
        QVERIFY(done.wait(60000));
        QCOMPARE(panel->results()->count(), 4);
        QCOMPARE(panel->results()->selectedItems().size(), 1); // only the newest clip
        QCOMPARE(panel->results()->currentRow(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(panel->thumbnailCount(), 4, 10000);
        for (int i = 0; i < 4; ++i) {
            labels << panel->results()->item(i)->text();
            QVERIFY(panel->results()
                        ->item(i)
                        ->data(Qt::UserRole + 1)
                        .toString()
                        .startsWith(path + ".d/generations/"));
        }
        // Into a set without leaving the tab: one undo step for the selection...
        QCOMPARE(panel->setTargets()->count(), 1);
        QCOMPARE(panel->setTargets()->item(0)->text(), QString("Keepers"));
        const QStringList two = {panel->results()->item(0)->data(Qt::UserRole + 1).toString(),
                                 panel->results()->item(1)->data(Qt::UserRole + 1).toString()};
        QVERIFY(panel->addToSet("set-1", two));
        QCOMPARE(int(w.document()->project().exemplarSets[0].items.size()), 2);
        QVERIFY(w.document()->project().exemplarSets[0].items[0].durationSeconds > 0);
        QVERIFY(panel->statusLabel()->text().contains("Keepers"));
        w.document()->undoStack()->undo();
        QCOMPARE(int(w.document()->project().exemplarSets[0].items.size()), 0);
        QVERIFY(!panel->addToSet("no-such-set", two));
        // ...or by dropping clips on the set's name.
        w.resize(1100, 700);
        w.show();
        qobject_cast<QTabWidget *>(w.centralWidget())->setCurrentWidget(panel);
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QListWidget *targets = panel->setTargets();
        const QPoint at = targets->visualItemRect(targets->item(0)).center();
        auto *mime = guitest::urlsMime({two[0]});
        QDragEnterEvent enter(at, Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(targets->viewport(), &enter);
        QDragMoveEvent move(at, Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(targets->viewport(), &move);
        QVERIFY(move.isAccepted());
        QDropEvent drop(QPointF(at), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(targets->viewport(), &drop);
        delete mime;
        QCOMPARE(int(w.document()->project().exemplarSets[0].items.size()), 1);
        QCOMPARE(QString::fromStdString(w.document()->project().exemplarSets[0].items[0].path),
                 two[0]);
    }
    // After a restart the clips are listed again, with their settings and thumbnails.
    MainWindow again;
    QVERIFY(again.openProject(path));
    QCOMPARE(again.generatePanel()->results()->count(), 4);
    QStringList reopened;
    for (int i = 0; i < 4; ++i)
        reopened << again.generatePanel()->results()->item(i)->text();
    labels.sort();
    reopened.sort();
    QCOMPARE(reopened, labels);
    QTRY_COMPARE_WITH_TIMEOUT(again.generatePanel()->thumbnailCount(), 4, 10000);
}

QTEST_MAIN(TestGeneratePanel)
#include "tst_generate_panel.moc"
