// Offscreen GUI tests of the exemplar panel: drops of files, folders and text, problems listed,
// undo/redo, set editing, save/reopen with missing files, damaged projects, cancel, Space to play.
#include "GuiTestHelpers.h"
#include "WavFixture.h"
#include "audio/AudioFileWriter.h"
#include "audio/PlaybackEngine.h"
#include "audio/SignalGenerator.h"
#include "document/ProjectDocument.h"
#include "models/ItemListModel.h"
#include "playback/PlaybackController.h"
#include "widgets/ExemplarPanel.h"
#include "widgets/MainWindow.h"

#include <QClipboard>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUndoStack>
#include <limits>

using namespace dragon;

class TestExemplarPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void dropFolderImportsRecursivelyAndListsProblems();
    void dropTextAddsTextItemsAndUndoRedo();
    void setsCreateRenameDeleteWithUndo();
    void saveReopenAndMissingFiles();
    void damagedProjectLeavesStateUnchanged();
    void badFilesLeaveExistingItemsAlone();
    void pasteAddsTextAndFiles();
    void pastedPathsAreAudioAndUrlsAreRefused();
    void cancelLargeImportStaysResponsive();
    void spacePlaysAndStops();

private:
    static int rows(MainWindow &w) { return w.exemplarPanel()->itemView()->model()->rowCount(); }
    static bool waitImport(MainWindow &w, int timeoutMs = 30000);
    QTemporaryDir m_dir;
    QString m_folder;
    QString m_many;
};

bool TestExemplarPanel::waitImport(MainWindow &w, int timeoutMs)
{
    QSignalSpy done(w.exemplarPanel(), &ExemplarPanel::importFinished);
    return done.wait(timeoutMs);
}

void TestExemplarPanel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
    m_folder = m_dir.filePath("library");
    QDir().mkpath(m_folder + "/nested/deeper");
    AudioFileWriter::write((m_folder + "/a-8000-1-16.wav").toStdString(),
                           SignalGenerator::sine(220, 0.5, 0.5, 8000));
    AudioFileWriter::write((m_folder + "/nested/b-44100-2-16.flac").toStdString(),
                           SignalGenerator::sine(330, 0.5, 1.0, 44100, 2), {AudioContainer::Flac});
    AudioFileWriter::write((m_folder + "/nested/deeper/c-22050-1-16.ogg").toStdString(),
                           SignalGenerator::sine(440, 0.5, 1.0, 22050),
                           {AudioContainer::OggVorbis});
    fixtures::writeFile((m_folder + "/nested/broken.wav").toStdString(), "RIFF but not really");
    fixtures::writeFile((m_folder + "/notes.txt").toStdString(), "liner notes");
    m_many = m_dir.filePath("many");
    QDir().mkpath(m_many);
    const AudioBuffer clip = SignalGenerator::sine(220, 0.5, 2.0, 44100, 2);
    for (int i = 0; i < 200; ++i)
        AudioFileWriter::write(
            QString("%1/clip-%2.wav").arg(m_many).arg(i, 3, 10, QChar('0')).toStdString(), clip);
}

void TestExemplarPanel::dropFolderImportsRecursivelyAndListsProblems()
{
    MainWindow w;
    auto *panel = w.exemplarPanel();
    QSignalSpy done(panel, &ExemplarPanel::importFinished);
    QVERIFY(guitest::dropMime(panel, guitest::urlsMime({m_folder})));
    QVERIFY(done.wait(30000));
    QCOMPARE(done.first().at(1).toBool(), false); // not cancelled
    QCOMPARE(w.document()->setCount(), 1);        // a set was made for the drop
    QCOMPARE(rows(w), 3);
    auto *model = panel->itemView()->model();
    QStringList names, details;
    for (int r = 0; r < 3; ++r) {
        names << model->index(r, 0).data().toString();
        details << model->index(r, 0).data(ItemListModel::DetailRole).toString();
        QVERIFY(model->index(r, 0).data(ItemListModel::PeaksRole).value<quintptr>() != 0);
    }
    QCOMPARE(names, (QStringList{"a-8000-1-16.wav", "b-44100-2-16.flac", "c-22050-1-16.ogg"}));
    QCOMPARE(details[0], QString("0.5 s · 8000 Hz · mono"));
    QCOMPARE(details[1], QString("1.0 s · 44100 Hz · stereo"));
    // Nothing silently skipped: the broken file and the text file are listed with reasons.
    QCOMPARE(panel->problemList()->count(), 2);
    const QString problems =
        panel->problemList()->item(0)->text() + "\n" + panel->problemList()->item(1)->text();
    QVERIFY2(problems.contains("broken.wav") && problems.contains("not a readable audio file"),
             qPrintable(problems));
    QVERIFY2(problems.contains("notes.txt") && problems.contains("not an audio file type"),
             qPrintable(problems));
    // Optional: a picture of the panel for people reviewing the UI.
    if (qEnvironmentVariableIsSet("DRAGON_SCREENSHOT_DIR")) {
        panel->addTextItems("a slow dreamy pad in D minor");
        w.resize(1000, 560);
        w.show();
        panel->itemView()->setCurrentIndex(model->index(1, 0));
        w.playback()->setLooping(true);
        QTest::keyClick(panel->itemView(), Qt::Key_Space);
        QTest::qWait(300);
        w.grab().save(qEnvironmentVariable("DRAGON_SCREENSHOT_DIR") + "/exemplar-panel.png");
        w.playback()->stop();
        w.document()->undoStack()->undo();
    }
    // The whole import is one undo step.
    QCOMPARE(w.document()->undoStack()->index(), 2); // the new set, then the items
    w.document()->undoStack()->undo();
    QCOMPARE(rows(w), 0);
    w.document()->undoStack()->redo();
    QCOMPARE(rows(w), 3);
}

void TestExemplarPanel::dropTextAddsTextItemsAndUndoRedo()
{
    MainWindow w;
    auto *panel = w.exemplarPanel();
    auto *mime = new QMimeData;
    mime->setText("warm lo-fi chords\n\n  bright plucky lead  \n");
    QVERIFY(guitest::dropMime(panel, mime));
    QCOMPARE(rows(w), 2);
    auto *model = panel->itemView()->model();
    QCOMPARE(model->index(1, 0).data().toString(), QString("bright plucky lead"));
    QVERIFY(model->index(0, 0).data(ItemListModel::IsTextRole).toBool());
    // Typed text goes through the line edit.
    auto *edit = panel->findChild<QLineEdit *>("textEdit");
    QVERIFY(edit);
    QTest::keyClicks(edit, "dreamy pad");
    QTest::keyClick(edit, Qt::Key_Return);
    QCOMPARE(rows(w), 3);
    QCOMPARE(model->index(2, 0).data().toString(), QString("dreamy pad"));
    // Drop files into the same set, then undo everything step by step and redo it.
    QSignalSpy imported(panel, &ExemplarPanel::importFinished); // before the drop: no race
    QVERIFY(guitest::dropMime(panel, guitest::urlsMime({m_folder + "/a-8000-1-16.wav"})));
    QTRY_COMPARE_WITH_TIMEOUT(imported.count(), 1, 30000);
    QCOMPARE(rows(w), 4);
    QUndoStack *undo = w.document()->undoStack();
    undo->undo();
    QCOMPARE(rows(w), 3);
    undo->undo();
    QCOMPARE(rows(w), 2);
    undo->redo();
    undo->redo();
    QCOMPARE(rows(w), 4);
    // Delete key removes the selection; undo restores it at the same place.
    panel->itemView()->setCurrentIndex(model->index(1, 0));
    QTest::keyClick(panel->itemView(), Qt::Key_Delete);
    QCOMPARE(rows(w), 3);
    undo->undo();
    QCOMPARE(model->index(1, 0).data().toString(), QString("bright plucky lead"));
    // A scattered selection goes in one step and comes back in its original order.
    QStringList before;
    for (int r = 0; r < rows(w); ++r)
        before << model->index(r, 0).data().toString();
    auto *selection = panel->itemView()->selectionModel();
    selection->clearSelection();
    selection->select(model->index(0, 0), QItemSelectionModel::Select);
    selection->select(model->index(2, 0), QItemSelectionModel::Select);
    panel->removeSelectedItems();
    QCOMPARE(rows(w), 2);
    QCOMPARE(model->index(0, 0).data().toString(), before[1]);
    QCOMPARE(model->index(1, 0).data().toString(), before[3]);
    undo->undo();
    QStringList after;
    for (int r = 0; r < rows(w); ++r)
        after << model->index(r, 0).data().toString();
    QCOMPARE(after, before);
}

void TestExemplarPanel::setsCreateRenameDeleteWithUndo()
{
    MainWindow w;
    ProjectDocument *doc = w.document();
    doc->addSet("First");
    doc->addSet("Second");
    QCOMPARE(doc->setCount(), 2);
    auto *setModel = w.exemplarPanel()->setView()->model();
    QVERIFY(setModel->setData(setModel->index(1, 0), "Renamed", Qt::EditRole));
    QCOMPARE(QString::fromStdString(doc->set(1).name), QString("Renamed"));
    QVERIFY(!setModel->setData(setModel->index(1, 0), "   ", Qt::EditRole)); // blank refused
    doc->undoStack()->undo();
    QCOMPARE(QString::fromStdString(doc->set(1).name), QString("Second"));
    w.exemplarPanel()->selectSet(0);
    w.exemplarPanel()->addTextItems("one\ntwo");
    w.exemplarPanel()->deleteCurrentSet();
    QCOMPARE(doc->setCount(), 1);
    doc->undoStack()->undo(); // the set comes back with its items, in its place
    QCOMPARE(doc->setCount(), 2);
    QCOMPARE(QString::fromStdString(doc->set(0).name), QString("First"));
    QCOMPARE(int(doc->set(0).items.size()), 2);
    QVERIFY(doc->isModified());
}

void TestExemplarPanel::saveReopenAndMissingFiles()
{
    QTemporaryDir dir;
    const QString audio = dir.filePath("audio");
    QDir().mkpath(audio);
    QVERIFY(QFile::copy(m_folder + "/a-8000-1-16.wav", audio + "/a.wav"));
    QVERIFY(QFile::copy(m_folder + "/nested/b-44100-2-16.flac", audio + "/b.flac"));
    const QString project = dir.filePath("p.dragon");
    {
        MainWindow w;
        w.exemplarPanel()->importPaths({audio});
        QVERIFY(waitImport(w));
        w.exemplarPanel()->addTextItems("a text exemplar");
        QVERIFY(w.document()->isModified());
        QVERIFY(w.saveProjectAs(project));
        QVERIFY(!w.document()->isModified());
    }
    QVERIFY(QFile::remove(audio + "/b.flac"));
    MainWindow w;
    QVERIFY(w.openProject(project));
    QVERIFY(waitImport(w)); // background scan of the project's audio
    QCOMPARE(rows(w), 3);
    auto *model = w.exemplarPanel()->itemView()->model();
    QVERIFY(!model->index(0, 0).data(ItemListModel::MissingRole).toBool());
    QVERIFY(model->index(1, 0).data(ItemListModel::MissingRole).toBool());
    QVERIFY(model->index(1, 0).data(ItemListModel::DetailRole).toString().contains("not found"));
    QCOMPARE(w.exemplarPanel()->problemList()->count(), 1);
    QVERIFY(w.exemplarPanel()->problemList()->item(0)->text().contains("b.flac"));
}

void TestExemplarPanel::damagedProjectLeavesStateUnchanged()
{
    QTemporaryDir dir;
    const QString bad = dir.filePath("bad.dragon");
    fixtures::writeFile(bad.toStdString(), "{\"format\": \"dragon-studio-project\", \"vers");
    const QString newer = dir.filePath("newer.dragon");
    fixtures::writeFile(newer.toStdString(), R"({"format":"dragon-studio-project","version":42})");
    // These aborted the app (exit 134: an uncaught json type_error / out_of_range) or overflowed
    // its stack (200,000 levels).
    const std::string head = R"({"format":"dragon-studio-project","version":2,)";
    const QString numberName = dir.filePath("number-name.dragon");
    fixtures::writeFile(numberName.toStdString(), head + R"("name":5})");
    const QString textDuration = dir.filePath("text-duration.dragon");
    fixtures::writeFile(
        textDuration.toStdString(),
        head +
            R"("exemplarSets":[{"id":"a","name":"A","items":[{"type":"audio","path":"x.wav","durationSeconds":"long"}]}]})");
    const QString huge = dir.filePath("huge-number.dragon");
    fixtures::writeFile(
        huge.toStdString(),
        head +
            R"("exemplarSets":[{"id":"a","name":"A","items":[{"type":"audio","path":"x.wav","durationSeconds":1e400}]}]})");
    const QString deep = dir.filePath("deep.dragon");
    fixtures::writeFile(deep.toStdString(), head + R"("reward":)" + std::string(200000, '[') +
                                                std::string(200000, ']') + "}");
    MainWindow w;
    w.exemplarPanel()->addTextItems("keep me");
    for (const QString &path :
         {numberName, textDuration, huge, deep, bad, newer, dir.filePath("absent.dragon")}) {
        QVERIFY(!w.openProject(path));
        QVERIFY2(w.lastError().contains(QFileInfo(path).fileName()), qPrintable(w.lastError()));
        QCOMPARE(rows(w), 1);
        QVERIFY(w.document()->isModified());
    }
    QVERIFY(w.lastError().contains("not exist"));
    QCOMPARE(fixtures::readFile(newer.toStdString()),
             std::string(R"({"format":"dragon-studio-project","version":42})"));
}

void TestExemplarPanel::badFilesLeaveExistingItemsAlone()
{
    QTemporaryDir dir;
    fixtures::writeFile(dir.filePath("empty.wav").toStdString(), "");
    fixtures::writeFile(dir.filePath("garbage.flac").toStdString(), std::string(1000, 'x'));
    std::vector<float> nan(100, std::numeric_limits<float>::quiet_NaN());
    fixtures::writeFile(dir.filePath("nan.wav").toStdString(),
                        fixtures::floatWavBytes(nan, 1, 8000));
    MainWindow w;
    w.exemplarPanel()->addTextItems("keep me");
    w.exemplarPanel()->importPaths({dir.path()});
    QVERIFY(waitImport(w));
    QCOMPARE(rows(w), 1);
    QCOMPARE(w.exemplarPanel()->itemView()->model()->index(0, 0).data().toString(),
             QString("keep me"));
    QCOMPARE(w.exemplarPanel()->problemList()->count(), 3);
    QCOMPARE(w.document()->undoStack()->count(), 2); // set + text; a failed import adds no step
}

void TestExemplarPanel::pasteAddsTextAndFiles()
{
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    auto *view = w.exemplarPanel()->itemView();
    view->setFocus();
    QApplication::clipboard()->setText("pasted description");
    QTest::keyClick(view, Qt::Key_V, Qt::ControlModifier);
    QCOMPARE(rows(w), 1);
    QCOMPARE(view->model()->index(0, 0).data().toString(), QString("pasted description"));
    QApplication::clipboard()->setMimeData(guitest::urlsMime({m_folder + "/a-8000-1-16.wav"}));
    QTest::keyClick(view, Qt::Key_V, Qt::ControlModifier);
    QVERIFY(waitImport(w));
    QCOMPARE(rows(w), 2);
    QCOMPARE(view->model()->index(1, 0).data().toString(), QString("a-8000-1-16.wav"));
}

void TestExemplarPanel::pastedPathsAreAudioAndUrlsAreRefused()
{
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    auto *panel = w.exemplarPanel();
    auto *view = panel->itemView();
    view->setFocus();
    // One paste: a plain path, a file:// URI, a web address and a description.
    const QString path = m_folder + "/a-8000-1-16.wav";
    const QString uri = QUrl::fromLocalFile(m_folder + "/nested/b-44100-2-16.flac").toString();
    QApplication::clipboard()->setText(path + "\n" + uri +
                                       "\nhttps://example.com/song.mp3\nwarm tape hiss");
    QTest::keyClick(view, Qt::Key_V, Qt::ControlModifier);
    QVERIFY(waitImport(w));
    QCOMPARE(rows(w), 3); // the text and two audio files; the address is not an item
    QStringList names;
    int texts = 0;
    for (int r = 0; r < rows(w); ++r) {
        names << view->model()->index(r, 0).data().toString();
        texts += view->model()->index(r, 0).data(ItemListModel::IsTextRole).toBool() ? 1 : 0;
    }
    QCOMPARE(texts, 1);
    QVERIFY2(names.contains("a-8000-1-16.wav") && names.contains("b-44100-2-16.flac"),
             qPrintable(names.join('|')));
    QVERIFY(!names.contains(path));
    QCOMPARE(panel->problemList()->count(), 1);
    QVERIFY(panel->problemList()->item(0)->text().contains("https://example.com/song.mp3"));
    QVERIFY(panel->problemList()->item(0)->text().contains("nothing is downloaded"));
    // The problem belongs to this set: another set shows none, coming back shows it again.
    const QString first = panel->currentSetId();
    panel->newSet();
    QVERIFY(panel->currentSetId() != first);
    QCOMPARE(panel->problemList()->count(), 0);
    QVERIFY(!panel->problemList()->isVisibleTo(panel));
    panel->selectSet(0);
    QCOMPARE(panel->currentSetId(), first);
    QCOMPARE(panel->problemList()->count(), 1);
    QVERIFY(panel->problemList()->isVisibleTo(panel));
    // Clear empties it.
    auto *clear = panel->findChild<QPushButton *>("clearProblems");
    QVERIFY(clear && clear->isVisibleTo(panel));
    QTest::mouseClick(clear, Qt::LeftButton);
    QCOMPARE(panel->problemList()->count(), 0);
    QVERIFY(!panel->problemList()->isVisibleTo(panel));
}

void TestExemplarPanel::cancelLargeImportStaysResponsive()
{
    MainWindow w;
    auto *panel = w.exemplarPanel();
    QSignalSpy done(panel, &ExemplarPanel::importFinished);
    // A 10 ms timer measures how long the GUI thread is ever blocked during the import.
    QElapsedTimer sinceTick;
    qint64 worstGap = 0;
    QTimer ticker;
    ticker.setInterval(10);
    QObject::connect(&ticker, &QTimer::timeout,
                     [&] { worstGap = std::max(worstGap, sinceTick.restart()); });
    sinceTick.start();
    ticker.start();
    panel->importPaths({m_many});
    QVERIFY(!panel->progressBar()->isHidden()); // shown (the window itself is not on screen)
    QTRY_VERIFY_WITH_TIMEOUT(rows(w) > 0, 20000);
    QTest::mouseClick(panel->cancelButton(), Qt::LeftButton);
    QVERIFY(done.wait(20000));
    ticker.stop();
    QCOMPARE(done.first().at(1).toBool(), true);
    QVERIFY2(rows(w) < 200, qPrintable(QString::number(rows(w))));
    QVERIFY(panel->progressBar()->isHidden());
    QVERIFY2(worstGap < 300, qPrintable(QString("GUI blocked for %1 ms").arg(worstGap)));
    // A cancelled import is still one undo step, and a full import afterwards works.
    w.document()->undoStack()->undo();
    QCOMPARE(rows(w), 0);
    panel->importPaths({m_many});
    QVERIFY(waitImport(w, 60000));
    QCOMPARE(rows(w), 200);
}

void TestExemplarPanel::spacePlaysAndStops()
{
    QTemporaryDir capture;
    qputenv("DRAGON_ALSA_CAPTURE", capture.filePath("gui.raw").toLocal8Bit());
    MainWindow w;
    if (!w.playback()->outputAvailable())
        QFAIL(qPrintable("no capture device: " + w.playback()->outputStatus()));
    auto *panel = w.exemplarPanel();
    panel->importPaths({m_folder + "/nested/b-44100-2-16.flac"});
    QVERIFY(waitImport(w));
    auto *view = panel->itemView();
    view->setCurrentIndex(view->model()->index(0, 0));
    QSignalSpy playing(w.playback(), &PlaybackController::playingChanged);
    // The file sink drains far faster than real time: loop so the clip is still playing when
    // the test looks.
    w.playback()->setLooping(true);
    QTest::keyClick(view, Qt::Key_Space);
    QTRY_VERIFY_WITH_TIMEOUT(w.playback()->isPlaying(), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(w.playback()->positionSeconds() > 0.1, 5000);
    QTest::keyClick(view, Qt::Key_Space);
    QVERIFY(!w.playback()->isPlaying());
    QVERIFY(playing.count() >= 2);
    // A text item is not playable: a message, no crash.
    panel->addTextItems("not audio");
    view->setCurrentIndex(view->model()->index(1, 0));
    QTest::keyClick(view, Qt::Key_Space);
    QVERIFY(!w.playback()->isPlaying());
}

QTEST_MAIN(TestExemplarPanel)
#include "tst_exemplar_panel.moc"
