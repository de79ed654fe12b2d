// The Reward tab: encoder chooser (built-ins, TorchScript plug-ins validated in the background,
// broken ones refused with the reason and the previous choice kept), per-set embedding status
// computed in the background through the project's cache (second pass from cache, Cancel), and
// the reward form with inline validation writing the project's RewardDefinition.
#include "WavFixture.h"
#include "document/ProjectDocument.h"
#include "preview/PreviewResult.h"
#include "project/ProjectFile.h"
#include "widgets/RewardPanel.h"
#include "workers/EmbeddingController.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>
#include <cmath>

using namespace dragon;

namespace {

std::string writeTone(const QTemporaryDir &dir, const QString &name, double hz, int samples = 12000)
{
    std::vector<float> s(static_cast<std::size_t>(samples));
    for (int i = 0; i < samples; ++i)
        s[std::size_t(i)] = 0.4f * float(std::sin(2 * M_PI * hz * i / 24000.0));
    const std::string path = dir.filePath(name).toStdString();
    fixtures::writeFile(path, fixtures::floatWavBytes(s, 1, 24000));
    return path;
}

struct Fixture
{
    QTemporaryDir dir;
    ProjectDocument document;
    EmbeddingController embeddings;
    QString projectPath;

    Fixture()
    {
        Project p;
        p.name = "Reward test";
        ExemplarSet warm{"set-1", "Warm", {}}, bright{"set-2", "Bright", {}},
            text{"set-3", "Described", {}}, empty{"set-4", "Empty", {}};
        for (int i = 0; i < 3; ++i)
            warm.items.push_back(
                ExemplarItem::audio(writeTone(dir, QString("warm%1.wav").arg(i), 110.0 * (i + 1))));
        for (int i = 0; i < 2; ++i)
            bright.items.push_back(ExemplarItem::audio(
                writeTone(dir, QString("bright%1.wav").arg(i), 1500.0 + 300 * i)));
        text.items = {ExemplarItem::textItem("warm analog pads"),
                      ExemplarItem::textItem("slow ambient")};
        p.exemplarSets = {warm, bright, text, empty};
        projectPath = dir.filePath("reward.dragon");
        ProjectFile::save(p, projectPath.toStdString());
        document.reset(ProjectFile::load(projectPath.toStdString()), projectPath);
    }
};

QComboBox *cellCombo(QTableWidget *table, int row, int column)
{
    return qobject_cast<QComboBox *>(table->cellWidget(row, column));
}

bool anyContains(const QStringList &list, const QString &text)
{
    for (const auto &s : list)
        if (s.contains(text))
            return true;
    return false;
}

} // namespace

class TestRewardPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void embedsSetsInTheBackgroundWithCache()
    {
        Fixture f;
        RewardPanel panel(&f.document, &f.embeddings);
        QTRY_VERIFY_WITH_TIMEOUT(panel.encoderInfo().spec == "pocket-clap", 20000); // the default
        QVERIFY(panel.encoderStatus().contains("audio + text"));
        panel.chooseEncoder("mel-stats");
        QCOMPARE(f.document.project().reward.encoder, std::string("mel-stats"));
        QTRY_VERIFY_WITH_TIMEOUT(panel.encoderInfo().spec == "mel-stats", 10000);
        QVERIFY(panel.encoderStatus().contains("audio only"));
        // Before Compute: the column says so, and its tooltip what will compute them.
        auto *sets = panel.findChild<QTableWidget *>("embeddingTable");
        QCOMPARE(sets->item(0, 2)->text(), QString("Not computed"));
        QVERIFY2(sets->item(0, 2)->toolTip().contains("Preview and Start compute"),
                 qPrintable(sets->item(0, 2)->toolTip()));

        QSignalSpy idle(&panel, &RewardPanel::embeddingsIdle);
        panel.computeAll();
        QVERIFY(idle.wait(30000));
        QVERIFY2(panel.setStatus("set-1").startsWith("3 embedded, 0 from cache"),
                 qPrintable(panel.setStatus("set-1")));
        QVERIFY(panel.setStatus("set-2").startsWith("2 embedded"));
        QVERIFY2(panel.setStatus("set-3").contains("no text tower"),
                 qPrintable(panel.setStatus("set-3")));
        QVERIFY(panel.setStatus("set-4").startsWith("Empty set"));
        QVERIFY(QDir(f.projectPath + ".d/embeddings").exists());

        panel.computeAll(); // second pass: from the project's cache
        QVERIFY(idle.wait(30000));
        QVERIFY2(panel.setStatus("set-1").contains("3 from cache"),
                 qPrintable(panel.setStatus("set-1")));

        // The project opened again (a second window on it): its sets load from the cache
        // without Compute, instead of reading "Not computed".
        {
            EmbeddingController reopenedEmbeddings;
            RewardPanel reopened(&f.document, &reopenedEmbeddings);
            QTRY_VERIFY_WITH_TIMEOUT(reopened.setStatus("set-1").contains("3 from cache"), 30000);
            QVERIFY2(reopened.setStatus("set-2").startsWith("2 embedded"),
                     qPrintable(reopened.setStatus("set-2")));
            QTRY_VERIFY_WITH_TIMEOUT(!reopenedEmbeddings.isBusy(), 30000);
        }

        // Editing a set makes its status stale.
        f.document.removeItems("set-1", {0});
        QCOMPARE(panel.setStatus("set-1"), QString());

        // pocket-clap has a text tower: the text set embeds.
        panel.chooseEncoder("pocket-clap");
        QTRY_VERIFY_WITH_TIMEOUT(panel.encoderInfo().spec == "pocket-clap", 20000);
        panel.computeAll();
        QVERIFY(idle.wait(60000));
        QVERIFY2(panel.setStatus("set-3").startsWith("2 embedded (2 text)"),
                 qPrintable(panel.setStatus("set-3")));
        // "warm analog pads" is outside pocket CLAP's words; "slow ambient" is not.
        QVERIFY2(panel.setStatus("set-3").contains(
                     "1 of 2 text items use words pocket-clap does not know (\"warm\", "
                     "\"analog\", \"pads\")"),
                 qPrintable(panel.setStatus("set-3")));
        QVERIFY(!panel.setStatus("set-1").contains("does not know"));
    }

    void cancelStopsWithinASecond()
    {
        Fixture f;
        ExemplarSet many{"set-9", "Many", {}};
        for (int i = 0; i < 300; ++i)
            many.items.push_back(
                ExemplarItem::audio(writeTone(f.dir, QString("m%1.wav").arg(i), 100.0 + i, 48000)));
        f.document.insertSetAt(0, many);
        RewardPanel panel(&f.document, &f.embeddings);
        panel.chooseEncoder("music-features");
        QSignalSpy progress(&f.embeddings, &EmbeddingController::progress);
        QSignalSpy idle(&panel, &RewardPanel::embeddingsIdle);
        panel.computeAll();
        QVERIFY(progress.wait(20000));
        QElapsedTimer timer;
        timer.start();
        panel.cancel();
        QVERIFY(idle.wait(5000));
        QVERIFY2(timer.elapsed() < 1500, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(panel.setStatus("set-9"), QString("Cancelled"));
        QCOMPARE(panel.setStatus("set-1"), QString("Cancelled")); // queued sets dropped too
    }

    void pluginsAreValidatedBeforeUse()
    {
        Fixture f;
        QProcess python;
        python.start("/usr/bin/python3",
                     {QString(DRAGON_TEST_DATA_DIR) + "/fixtures/export_encoder_plugins.py",
                      f.dir.filePath("plugins")});
        QVERIFY(python.waitForFinished(120000) && python.exitCode() == 0);
        RewardPanel panel(&f.document, &f.embeddings);
        panel.chooseEncoder("mel-stats");
        QTRY_VERIFY_WITH_TIMEOUT(panel.encoderInfo().spec == "mel-stats", 10000);

        panel.loadEncoderFile(f.dir.filePath("plugins/wrong_shape.pt"));
        QTRY_VERIFY_WITH_TIMEOUT(panel.encoderStatus().contains("Cannot use this encoder"), 10000);
        QVERIFY(panel.encoderStatus().contains("returned shape"));
        QCOMPARE(f.document.project().reward.encoder, std::string("mel-stats")); // unchanged

        const QString good = f.dir.filePath("plugins/good.pt");
        panel.loadEncoderFile(good);
        QTRY_VERIFY_WITH_TIMEOUT(panel.encoderInfo().spec == good, 10000);
        QCOMPARE(QString::fromStdString(f.document.project().reward.encoder), good);
        QVERIFY(panel.encoderStatus().contains("tiny-test-encoder"));
        auto *combo = panel.findChild<QComboBox *>("encoderCombo");
        QVERIFY(combo->findData(good) >= 0);
        QCOMPARE(combo->currentData().toString(), good);
    }

    void rewardFormValidatesInline()
    {
        Fixture f;
        RewardPanel panel(&f.document, &f.embeddings);
        panel.chooseEncoder("mel-stats");
        QTRY_VERIFY_WITH_TIMEOUT(panel.encoderInfo().spec == "mel-stats", 10000);
        QVERIFY(anyContains(panel.problems(), "at least one"));
        panel.addTerm();
        QCOMPARE(int(f.document.project().reward.terms.size()), 1);
        QCOMPARE(f.document.project().reward.terms[0].exemplarSet, std::string("set-1"));
        QVERIFY2(panel.problems().isEmpty(), qPrintable(panel.problems().join('|')));

        auto *terms = panel.findChild<QTableWidget *>("termTable");
        // Exemplar similarity's parameter: 0 reads "centroid", k reads "top-k k".
        auto *topK = qobject_cast<QDoubleSpinBox *>(terms->cellWidget(0, 4));
        QVERIFY(topK);
        QCOMPARE(topK->text(), QString("centroid"));
        topK->setValue(3);
        QCOMPARE(topK->text(), QString("top-k 3"));
        QCOMPARE(f.document.project().reward.terms[0].topK, 3);
        topK->setValue(0);
        QCOMPARE(f.document.project().reward.terms[0].topK, 0);
        // A loudness target: the field holds what validation accepts (-70..0 LUFS), so the
        // form cannot make a target the check refuses.
        cellCombo(terms, 0, 0)->setCurrentIndex(cellCombo(terms, 0, 0)->findData("loudness"));
        auto *target = qobject_cast<QDoubleSpinBox *>(terms->cellWidget(0, 4));
        QVERIFY(target);
        QCOMPARE(target->minimum(), -70.0);
        QCOMPARE(target->maximum(), 0.0);
        target->setValue(5.0);
        QCOMPARE(f.document.project().reward.terms[0].targetLufs, 0.0);
        QVERIFY2(panel.problems().isEmpty(), qPrintable(panel.problems().join('|')));
        target->setValue(-23.0);
        QCOMPARE(f.document.project().reward.terms[0].targetLufs, -23.0);
        QVERIFY(target->text().endsWith(" LUFS"));
        // CLAP on an audio-only encoder: the form says why.
        cellCombo(terms, 0, 0)->setCurrentIndex(cellCombo(terms, 0, 0)->findData("clap"));
        QCOMPARE(f.document.project().reward.terms[0].type, std::string("clap"));
        QVERIFY(anyContains(panel.problems(), "text tower"));
        // A set reward on the empty set, then on the text-only set.
        panel.addTerm();
        cellCombo(terms, 1, 0)->setCurrentIndex(cellCombo(terms, 1, 0)->findData("fad"));
        cellCombo(terms, 1, 1)->setCurrentIndex(cellCombo(terms, 1, 1)->findData("set-4"));
        QVERIFY(anyContains(panel.problems(), "'Empty' is empty"));
        cellCombo(terms, 1, 1)->setCurrentIndex(cellCombo(terms, 1, 1)->findData("set-3"));
        QVERIFY(anyContains(panel.problems(), "holds only text"));
        // pocket-clap fixes both.
        panel.chooseEncoder("pocket-clap");
        QVERIFY2(panel.problems().isEmpty(), qPrintable(panel.problems().join('|')));
        // Direction "away" and a weight reach the document.
        cellCombo(terms, 1, 2)->setCurrentIndex(1);
        QVERIFY(f.document.project().reward.terms[1].away);
        auto *weight = qobject_cast<QDoubleSpinBox *>(terms->cellWidget(1, 3));
        QVERIFY(weight);
        QVERIFY(f.document.project().reward.terms[1].weight != 2.5);
        weight->setValue(2.5);
        QCOMPARE(f.document.project().reward.terms[1].weight, 2.5);
        QVERIFY(f.document.isModified());
        // Saved and reopened, the form shows the same reward.
        f.document.saveAs(f.projectPath);
        const RewardDefinition saved = f.document.project().reward;
        f.document.reset(ProjectFile::load(f.projectPath.toStdString()), f.projectPath);
        QCOMPARE(f.document.project().reward, saved);
        QCOMPARE(terms->rowCount(), 2);
        QCOMPARE(cellCombo(terms, 1, 0)->currentData().toString(), QString("fad"));
        panel.removeCurrentTerm(); // no selection: nothing happens
        QCOMPARE(int(f.document.project().reward.terms.size()), 2);

        if (qEnvironmentVariableIsSet("DRAGON_SCREENSHOT_DIR")) {
            QSignalSpy idle(&panel, &RewardPanel::embeddingsIdle);
            panel.computeAll();
            idle.wait(60000);
            panel.resize(1000, 640);
            panel.show();
            QTest::qWait(200);
            panel.grab().save(qEnvironmentVariable("DRAGON_SCREENSHOT_DIR") + "/reward-panel.png");
        }
    }

    void rewardEditsUndoAndShowScales()
    {
        Fixture f;
        RewardPanel panel(&f.document, &f.embeddings);
        panel.chooseEncoder("mel-stats");
        QTRY_VERIFY_WITH_TIMEOUT(panel.encoderInfo().spec == "mel-stats", 10000);
        QUndoStack *undo = f.document.undoStack();
        panel.addTerm();
        QCOMPARE(int(f.document.project().reward.terms.size()), 1);
        undo->undo();
        QCOMPARE(int(f.document.project().reward.terms.size()), 0);
        undo->redo();
        QCOMPARE(int(f.document.project().reward.terms.size()), 1);
        auto *terms = panel.findChild<QTableWidget *>("termTable");
        QCOMPARE(terms->rowCount(), 1);
        // Stepping the weight is one undo step; undo shows the old value in the form.
        const int before = undo->count();
        qobject_cast<QDoubleSpinBox *>(terms->cellWidget(0, 3))->setValue(2.0);
        qobject_cast<QDoubleSpinBox *>(terms->cellWidget(0, 3))->setValue(3.0);
        QCOMPARE(undo->count(), before + 1);
        QCOMPARE(f.document.project().reward.terms[0].weight, 3.0);
        undo->undo();
        QCOMPARE(f.document.project().reward.terms[0].weight, 1.0);
        QCOMPARE(qobject_cast<QDoubleSpinBox *>(terms->cellWidget(0, 3))->value(), 1.0);
        // A set change is its own step.
        cellCombo(terms, 0, 1)->setCurrentIndex(cellCombo(terms, 0, 1)->findData("set-2"));
        QCOMPARE(f.document.project().reward.terms[0].exemplarSet, std::string("set-2"));
        undo->undo();
        QCOMPARE(f.document.project().reward.terms[0].exemplarSet, std::string("set-1"));
        QCOMPARE(cellCombo(terms, 0, 1)->currentData().toString(), QString("set-1"));
        // The encoder too, and the chooser follows.
        panel.chooseEncoder("music-features");
        QCOMPARE(f.document.project().reward.encoder, std::string("music-features"));
        undo->undo();
        QCOMPARE(f.document.project().reward.encoder, std::string("mel-stats"));
        QCOMPARE(panel.findChild<QComboBox *>("encoderCombo")->currentData().toString(),
                 QString("mel-stats"));
        QTRY_VERIFY_WITH_TIMEOUT(panel.encoderInfo().spec == "mel-stats", 10000);
        // The Scale column shows the term's spread from a preview; other terms show a dash.
        QCOMPARE(terms->item(0, 5)->text(), QString("—"));
        PreviewResult preview;
        preview.createdAt = "20261202-101010";
        PreviewTerm term;
        term.type = "exemplar-similarity";
        term.setName = "Warm";
        term.scaleSd = 0.0421;
        term.scaleMean = 0.3;
        preview.terms = {term};
        panel.setPreviewScales(preview);
        QCOMPARE(terms->item(0, 5)->text(), QString("sd 0.0421"));
        QVERIFY(terms->item(0, 5)->toolTip().contains("2026-12-02 10:10:10"));
        // The direction column fits its longest label at the window's default width.
        panel.resize(1100, 700);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(terms->columnWidth(2) >=
                panel.fontMetrics().horizontalAdvance(QStringLiteral("Minimise (toward)")) + 24);
    }
};

QTEST_MAIN(TestRewardPanel)
#include "tst_reward_panel.moc"
