// The Preview tab and the audition view: a real preview (a tiny pocket checkpoint, the
// mel-stats encoder) whose histogram holds exactly the values core computes for the same
// files; clicking a bar or a map point selects and plays that clip through the ALSA file sink;
// the newest preview comes back after a restart and a damaged one is refused without a crash;
// a cancelled preview keeps nothing and leaves the earlier one on screen;
// the A/B switch keeps the playback position (checked on the captured samples of two ramps).
#include "TinyCheckpoint.h"
#include "WavFixture.h"
#include "audio/AudioFileReader.h"
#include "audio/AudioFileWriter.h"
#include "audio/Loudness.h"
#include "audio/SignalGenerator.h"
#include "document/ProjectDocument.h"
#include "playback/PlaybackController.h"
#include "preview/RewardPreview.h"
#include "project/ProjectFile.h"
#include "project/ProjectFolder.h"
#include "widgets/AuditionView.h"
#include "widgets/ClipView.h"
#include "widgets/PreviewPanel.h"
#include "widgets/QCustomPlotInclude.h"

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <fstream>

using namespace dragon;

class TestPreviewPanel : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_checkpoint, m_projectPath;
    Project m_project;

    void runPreview(PreviewPanel &panel, int clips)
    {
        panel.setGenerator(m_checkpoint);
        panel.countBox()->setValue(clips);
        QTest::mouseClick(panel.previewButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!panel.cancelButton()->isEnabled(), 180000);
        QVERIFY2(int(panel.result().generatedCount()) == clips,
                 qPrintable(panel.readingLabel()->text()));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_checkpoint = m_dir.filePath("tiny.pt");
        fixtures::writeTinyPocketCheckpoint(m_checkpoint.toStdString());
        ExemplarSet set;
        set.id = "s1";
        set.name = "tones";
        for (int i = 0; i < 10; ++i) {
            const std::string path = m_dir.filePath(QString("tone-%1.wav").arg(i)).toStdString();
            AudioFileWriter::write(path, SignalGenerator::sine(300.0 + 40 * i, 0.5, 1.0, 16000),
                                   {AudioContainer::Wav, SampleEncoding::Float32});
            set.items.push_back(ExemplarItem::audio(path));
        }
        m_project.exemplarSets.push_back(set);
        m_project.trainPrompts = {"a calm piano", "a fast drum loop"};
        m_project.reward.encoder = "mel-stats";
        RewardTerm term;
        term.type = "exemplar-similarity";
        term.exemplarSet = "s1";
        m_project.reward.terms = {term};
        m_projectPath = m_dir.filePath("p.dragon");
        ProjectFile::save(m_project, m_projectPath.toStdString());
    }

    void histogramHoldsWhatCoreComputes()
    {
        ProjectDocument document;
        document.reset(m_project, m_projectPath);
        PlaybackController playback;
        PreviewPanel panel(&document, &playback);
        // Before any preview the histogram area says what will appear there.
        auto *hint = panel.findChild<QLabel *>("previewHistogramHint");
        QVERIFY(hint && hint->isVisibleTo(&panel) && hint->text().contains("Ctrl+P"));
        // So does the empty map, until the preview places its points.
        auto *mapHint = panel.mapPlot()->findChild<QCPItemText *>("previewMapHint");
        QVERIFY(mapHint && mapHint->visible());
        runPreview(panel, 6);
        const PreviewResult &r = panel.result();
        QCOMPARE(panel.histogramCount(), 1);
        QVERIFY(!hint->isVisibleTo(&panel));
        QVERIFY(panel.mapPlot()->graphCount() > 0);
        QVERIFY(!mapHint->visible());
        QVERIFY(!panel.readingLabel()->text().isEmpty());
        // The level check's sentence is shown under the reading.
        QVERIFY(!r.levelReading.empty());
        QVERIFY2(panel.readingLabel()->text().contains(QString::fromStdString(r.levelReading)),
                 qPrintable(panel.readingLabel()->text()));
        // The same clips, read from the files the preview saved, scored by core.
        std::vector<PreviewClip> clips;
        for (const auto &p : r.points)
            if (p.generated)
                clips.push_back({AudioFileReader::read(p.path), p.path, p.prompt, p.seed});
        const std::string cache = ProjectFolder::embeddingCache(m_projectPath.toStdString(), {});
        const PreviewResult core = RewardPreview::score(m_project, cache, clips);
        QCOMPARE(core.points.size(), r.points.size());
        const QVector<double> edges = panel.binEdges(0);
        QCOMPARE(int(edges.size()), 13);
        const double width = edges[1] - edges[0];
        QVector<double> generations(12, 0.0), exemplars(12, 0.0);
        for (std::size_t i = 0; i < core.points.size(); ++i) {
            QVERIFY2(std::abs(core.points[i].terms[0] - r.points[i].terms[0]) < 1e-12,
                     qPrintable(QString("point %1: %2 vs %3")
                                    .arg(i)
                                    .arg(core.points[i].terms[0])
                                    .arg(r.points[i].terms[0])));
            const int bin = std::clamp(int((core.points[i].terms[0] - edges[0]) / width), 0, 11);
            (core.points[i].generated ? generations : exemplars)[bin] += 1;
        }
        QCOMPARE(panel.binCounts(0, false), generations);
        QCOMPARE(panel.binCounts(0, true), exemplars);
        // The seeds are shown: clip i has seed 1 + i.
        for (int i = 0; i < 6; ++i)
            QCOMPARE(r.points[std::size_t(i)].seed, std::uint64_t(1 + i));
        // D+ and D-: the best and worst seed of each of the two prompts.
        QCOMPARE(panel.audition()->positiveList()->count(), 2);
        QCOMPARE(panel.audition()->negativeList()->count(), 2);

        // Two terms: one histogram each in its own units, and the combined value.
        Project twoTerms = m_project;
        RewardTerm loudness;
        loudness.type = "loudness";
        loudness.targetLufs = -20;
        twoTerms.reward.terms.push_back(loudness);
        document.reset(twoTerms, m_projectPath);
        runPreview(panel, 4);
        QCOMPARE(panel.histogramCount(), 3);
        QVERIFY(panel.histogram(1)->xAxis->label().contains("LUFS"));
        QVERIFY(panel.histogram(2)->xAxis->label().contains("reward"));
        double generated = 0;
        for (double c : panel.binCounts(2, false))
            generated += c;
        QCOMPARE(generated, 4.0);
    }

    void clickingABarOrAPointPlaysThatClip()
    {
        QTemporaryDir capture;
        qputenv("DRAGON_ALSA_CAPTURE", capture.filePath("bar.raw").toLocal8Bit());
        ProjectDocument document;
        document.reset(m_project, m_projectPath);
        PlaybackController playback;
        if (!playback.outputAvailable())
            QFAIL(qPrintable("no capture device: " + playback.outputStatus()));
        playback.setLooping(true); // the file sink drains faster than real time
        PreviewPanel panel(&document, &playback);
        panel.resize(1100, 800);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        runPreview(panel, 6);
        QCustomPlot *plot = panel.histogram(0);
        plot->replot();
        const QVector<double> counts = panel.binCounts(0, false), edges = panel.binEdges(0);
        int bin = 0;
        while (counts[bin] == 0)
            ++bin;
        // The generations' bar of that bin (shifted left of the bin centre beside the
        // exemplars' bar), clicked half-way up.
        const double width = edges[1] - edges[0];
        const double key = edges[0] + (bin + 0.5) * width - width * 0.225;
        const QPoint at(int(plot->xAxis->coordToPixel(key)),
                        int(plot->yAxis->coordToPixel(counts[bin] / 2)));
        QTest::mouseClick(plot, Qt::LeftButton, {}, at);
        QTRY_VERIFY_WITH_TIMEOUT(panel.selectedPoint() >= 0, 5000);
        const auto &chosen = panel.result().points[std::size_t(panel.selectedPoint())];
        QVERIFY(chosen.generated);
        const double value = chosen.terms[0];
        QVERIFY2(value >= edges[bin] - 1e-12 && value <= edges[bin + 1] + 1e-12,
                 qPrintable(QString("value %1 outside bin %2").arg(value).arg(bin)));
        QTRY_VERIFY_WITH_TIMEOUT(playback.isPlaying(), 5000);
        QCOMPARE(playback.playingPath(), QString::fromStdString(chosen.path));
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(capture.filePath("bar.raw")).size() > 0, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(panel.audition()->clipView()->analysed(), 10000);
        QCOMPARE(panel.audition()->clipView()->clipPath(), QString::fromStdString(chosen.path));
        // The clip view shows the clip's loudness, as dragon loudness measures it.
        const double lufs = Loudness::measure(AudioFileReader::read(chosen.path)).integratedLufs;
        QVERIFY2(
            std::abs(panel.audition()->clipView()->loudnessLufs() - lufs) < 1e-6,
            qPrintable(
                QString("%1 vs %2").arg(panel.audition()->clipView()->loudnessLufs()).arg(lufs)));
        // Space stops it (the keys go to the audition view after a click).
        QVERIFY(QApplication::focusWidget());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space);
        QVERIFY(!playback.isPlaying());

        // A map point: the first point of the first group.
        QCustomPlot *map = panel.mapPlot();
        map->replot();
        QCPGraph *graph = map->graph(0);
        QVERIFY(graph && graph->dataCount() > 0);
        const double x = graph->data()->at(0)->key, y = graph->data()->at(0)->value;
        QTest::mouseClick(
            map, Qt::LeftButton, {},
            QPoint(int(map->xAxis->coordToPixel(x)), int(map->yAxis->coordToPixel(y))));
        QTRY_VERIFY_WITH_TIMEOUT(panel.selectedPoint() >= 0, 5000);
        const auto &point = panel.result().points[std::size_t(panel.selectedPoint())];
        QVERIFY(std::abs(point.mapX - x) < 1e-9 && std::abs(point.mapY - y) < 1e-9);
        QTRY_COMPARE_WITH_TIMEOUT(playback.playingPath(), QString::fromStdString(point.path), 5000);
        playback.stop();
        // Under Xvfb (QT_QPA_PLATFORM=xcb) with DRAGON_SCREENSHOT_DIR set: the views to look at.
        if (qEnvironmentVariableIsSet("DRAGON_SCREENSHOT_DIR")) {
            const QString out = qEnvironmentVariable("DRAGON_SCREENSHOT_DIR");
            QTest::qWait(300);
            panel.grab().save(out + "/preview-panel.png");
            panel.audition()->grab().save(out + "/audition-view.png");
        }
    }

    void newestPreviewComesBackAfterARestart()
    {
        ProjectDocument document;
        document.reset(m_project, m_projectPath);
        PlaybackController playback;
        PreviewResult before;
        {
            PreviewPanel panel(&document, &playback);
            runPreview(panel, 4);
            before = panel.result();
        }
        PreviewPanel again(&document, &playback);
        QCOMPARE(again.result().points.size(), before.points.size());
        QCOMPARE(again.result().reading, before.reading);
        QCOMPARE(again.result().levelReading, before.levelReading);
        QVERIFY(again.readingLabel()->text().contains("Level check"));
        QCOMPARE(again.result().createdAt, before.createdAt);
        QCOMPARE(again.histogramCount(), 1);
        // A damaged preview file: a message, an empty view, no crash.
        std::ofstream(again.folder().toStdString() + "/preview.json")
            << "{\"format\": 1, \"points\": 7}";
        QSignalSpy messages(&again, &PreviewPanel::statusMessage);
        again.reloadLatest();
        QCOMPARE(again.result().points.size(), std::size_t(0));
        QCOMPARE(messages.count(), 1);
        QVERIFY(messages.at(0).at(0).toString().contains("preview.json"));
    }

    void cancelKeepsTheShownPreview()
    {
        ProjectDocument document;
        document.reset(m_project, m_projectPath);
        PlaybackController playback;
        PreviewPanel panel(&document, &playback);
        runPreview(panel, 4);
        const QString shown = panel.folder();
        const QDir previews(panel.previewsDirectory());
        const QStringList before = previews.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        panel.countBox()->setValue(16);
        QTest::mouseClick(panel.previewButton(), Qt::LeftButton);
        QVERIFY(panel.cancelButton()->isEnabled());
        QTest::mouseClick(panel.cancelButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!panel.cancelButton()->isEnabled(), 60000);
        QTRY_COMPARE(panel.statusLabel()->text(), QString("Preview cancelled"));
        QCOMPARE(previews.entryList(QDir::Dirs | QDir::NoDotAndDotDot), before);
        QCOMPARE(panel.folder(), shown); // the earlier preview stays on screen
        QVERIFY(panel.previewButton()->isEnabled());
    }

    void selectionStaysWhenTheListsGrow()
    {
        PlaybackController playback;
        AuditionView view(&playback);
        const QString a = m_dir.filePath("tone-0.wav"), b = m_dir.filePath("tone-1.wav"),
                      c = m_dir.filePath("tone-2.wav"), d = m_dir.filePath("tone-3.wav");
        view.setEntries({{a, "round 1", 1, 0.9, {}}}, {{b, "round 1", 2, 0.1, {}}});
        QCOMPARE(view.currentPath(), a);
        view.negativeList()->setCurrentRow(0);
        QCOMPARE(view.currentPath(), b);
        QSignalSpy changed(&view, &AuditionView::currentChanged);
        // A new round arrives on top: the selected clip (now row 1) stays selected.
        view.setEntries({{c, "round 2", 3, 0.8, {}}, {a, "round 1", 1, 0.9, {}}},
                        {{d, "round 2", 4, 0.2, {}}, {b, "round 1", 2, 0.1, {}}});
        QCOMPARE(view.currentPath(), b);
        QCOMPARE(view.negativeList()->currentRow(), 1);
        QCOMPARE(changed.count(), 0);
        // A list without it: the first D+ clip.
        view.setEntries({{c, "round 2", 3, 0.8, {}}}, {{d, "round 2", 4, 0.2, {}}});
        QCOMPARE(view.currentPath(), c);
    }

    void abSwitchKeepsThePlaybackPosition()
    {
        // Two 300 s ramps: A's samples are +t/300, B's -t/300, so a captured sample says which
        // clip played it and at what position. The file sink keeps what was played up to a
        // stop only in part (the plug-in drops its unwritten buffer), so A's stop position is
        // the engine's count of frames the device consumed (switched()), and B's start is read
        // from B's first captured sample.
        const int rate = 16000, seconds = 300;
        std::vector<float> up, down;
        for (int i = 0; i < seconds * rate; ++i) {
            up.push_back(float(i) / float(seconds * rate));
            down.push_back(-float(i + 1) / float(seconds * rate));
        }
        const QString a = m_dir.filePath("ramp-a.wav"), b = m_dir.filePath("ramp-b.wav");
        fixtures::writeFile(a.toStdString(), fixtures::floatWavBytes(up, 1, rate));
        fixtures::writeFile(b.toStdString(), fixtures::floatWavBytes(down, 1, rate));
        QTemporaryDir capture;
        const QString raw = capture.filePath("ab.raw");
        qputenv("DRAGON_ALSA_CAPTURE", raw.toLocal8Bit());
        double stoppedAt = -1;
        {
            PlaybackController playback;
            if (!playback.outputAvailable())
                QFAIL(qPrintable("no capture device: " + playback.outputStatus()));
            AuditionView view(&playback);
            view.setEntries({{a, "up", 1, 0.9, {}}}, {{b, "down", 2, 0.1, {}}});
            view.show();
            QVERIFY(QTest::qWaitForWindowExposed(&view));
            QListWidget *positives = view.positiveList();
            positives->setFocus();
            QCOMPARE(view.currentPath(), a);
            QSignalSpy switched(&playback, &PlaybackController::switched);
            QTest::keyClick(positives, Qt::Key_Space);
            QTRY_VERIFY_WITH_TIMEOUT(playback.isPlaying() && playback.positionSeconds() > 1.0,
                                     10000);
            QTest::keyClick(positives, Qt::Key_A);
            QCOMPARE(view.currentPath(), b);
            QCOMPARE(switched.count(), 1);
            QCOMPARE(switched.at(0).at(0).toString(), b);
            stoppedAt = switched.at(0).at(1).toDouble();
            QTRY_COMPARE_WITH_TIMEOUT(playback.playingPath(), b, 5000);
            QTRY_VERIFY_WITH_TIMEOUT(playback.positionSeconds() > stoppedAt + 0.5, 5000);
            playback.stop();
            // Tab goes back; L toggles looping.
            QTest::keyClick(view.negativeList(), Qt::Key_Tab);
            QCOMPARE(view.currentPath(), a);
            QVERIFY(!view.looping());
            QTest::keyClick(view.positiveList(), Qt::Key_L);
            QVERIFY(view.looping());
            QTest::keyClick(view.positiveList(), Qt::Key_L);
            QVERIFY(!view.looping());
        } // the stream closes here, which flushes the file sink
        QVERIFY2(stoppedAt > 1.0, qPrintable(QString::number(stoppedAt)));
        std::ifstream in(raw.toStdString(), std::ios::binary);
        float s = 0, firstB = 0;
        while (in.read(reinterpret_cast<char *>(&s), sizeof s))
            if (s < 0) {
                firstB = s;
                break;
            }
        QVERIFY2(firstB < 0, "B never reached the device");
        const double startedAt = -double(firstB) * seconds;
        QVERIFY2(std::abs(startedAt - stoppedAt) < 0.05,
                 qPrintable(QString("A stopped at %1 s, B started at %2 s")
                                .arg(stoppedAt, 0, 'f', 4)
                                .arg(startedAt, 0, 'f', 4)));
        qInfo("A stopped at %.4f s, B's first sample at %.4f s", stoppedAt, startedAt);
    }
};

QTEST_MAIN(TestPreviewPanel)
#include "tst_preview_panel.moc"
