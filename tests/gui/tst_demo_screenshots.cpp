// The bundled demo project in the real window, as a user would try it: two real rounds from
// Start (with the evaluations at rounds 0 and 2), the runs list, then a base-vs-tuned compare of
// one eval prompt. Saves screenshots of the Train tab (dashboard, runs list) and the Compare tab
// to $DRAGON_SCREENSHOT_DIR (else a temporary folder) for a person to look at; run it under
// Xvfb (QT_QPA_PLATFORM=xcb) for the real style, offscreen in CI.
#include "widgets/AuditionView.h"
#include "widgets/ComparePanel.h"
#include "widgets/MainWindow.h"
#include "widgets/TrainPanel.h"

#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <filesystem>

class TestDemoScreenshots : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void demoTrainsAndCompares()
    {
        QStandardPaths::setTestModeEnabled(true);
        QTemporaryDir dir;
        qputenv("DRAGON_ALSA_CAPTURE", dir.filePath("capture.raw").toLocal8Bit());
        std::filesystem::copy(std::filesystem::path(DRAGON_BUILD_DIR) / "demo",
                              dir.filePath("demo").toStdString(),
                              std::filesystem::copy_options::recursive);
        const QString shots = qEnvironmentVariableIsSet("DRAGON_SCREENSHOT_DIR")
                                  ? qEnvironmentVariable("DRAGON_SCREENSHOT_DIR")
                                  : dir.path();
        MainWindow w;
        w.resize(1280, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openProject(dir.filePath("demo/demo.dragon")));
        TrainPanel *train = w.trainPanel();
        w.tabs()->setCurrentWidget(train);
        QVERIFY2(train->startBlockedReason().isEmpty(), qPrintable(train->startBlockedReason()));
        train->findChild<QSpinBox *>("roundsSpin")->setValue(2);
        train->findChild<QSpinBox *>("evalEverySpin")->setValue(2);
        QSignalSpy finished(train, &TrainPanel::runFinished);
        QVERIFY(train->startRun());
        QVERIFY(finished.wait(300000));
        QCOMPARE(train->plottedRounds(), 2);
        QCOMPARE(train->plottedEvaluations(), 2);
        QCOMPARE(train->runList()->rowCount(), 1);
        QCOMPARE(train->runList()->item(0, 4)->text(), QString("finished"));
        QCOMPARE(train->progressText(), QString("Finished: 2 rounds"));
        QTest::qWait(300);
        // A demo laptop's screen (1366 x 768, less a 28-px panel and a 30-px title bar) holds
        // the window after a run, with the runs list, the auditions and the clip view filled.
        QVERIFY2(
            w.minimumSizeHint().height() <= 710,
            qPrintable(
                QString("the window needs %1 px of height").arg(w.minimumSizeHint().height())));
        QVERIFY(w.grab().save(shots + "/demo-train.png"));

        // "Compare with base…" on the selected run: the Compare tab with that run.
        train->findChild<QPushButton *>("compareRun")->click();
        ComparePanel *compare = w.comparePanel();
        QCOMPARE(w.tabs()->currentWidget(), static_cast<QWidget *>(compare));
        QCOMPARE(compare->runCombo()->currentData().toString(), train->runDirectory());
        compare->promptCombo()->setCurrentIndex(1);
        compare->seedsBox()->setValue(2);
        QVERIFY(compare->startCompare());
        QTRY_VERIFY_WITH_TIMEOUT(!compare->isBusy() && !compare->result().pairs.empty(), 120000);
        QCOMPARE(compare->audition()->positiveList()->count(), 2);
        QCOMPARE(compare->audition()->negativeList()->count(), 2);
        QTest::qWait(300);
        QVERIFY(w.grab().save(shots + "/demo-compare.png"));
        qInfo("screenshots in %s", qPrintable(shots));
    }
};

QTEST_MAIN(TestDemoScreenshots)
#include "tst_demo_screenshots.moc"
