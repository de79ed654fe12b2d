// RunTable (the Train tab's list of runs) and RunExport (the Export menu's copies out of a run
// folder), each alone: what a row shows and keeps, and what each export does with bad input.
#include "audio/AudioFileReader.h"
#include "audio/AudioFileWriter.h"
#include "dragon/RunHistory.h"
#include "widgets/RunExport.h"
#include "widgets/RunTable.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

using namespace dragon;

namespace {

RunSummary run(const QString &folder, const QString &name, bool resumable)
{
    RunSummary s;
    s.folder = folder.toStdString();
    s.name = name.toStdString();
    s.reward = "Loudness target (-14 LUFS)";
    s.roundsDone = 7;
    s.roundsPlanned = 20;
    s.resumable = resumable;
    s.state = resumable ? "stopped at round 7" : "finished";
    return s;
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes), qint64(bytes.size()));
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeTone(const QString &path)
{
    std::vector<float> samples(2400);
    for (std::size_t i = 0; i < samples.size(); ++i)
        samples[i] = 0.3f * float(std::sin(0.05 * double(i)));
    AudioFileWriter::write(path.toStdString(), AudioBuffer(samples, 1, 24000));
}

} // namespace

class TestRunViews : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tableShowsEachRunAndKeepsItsFolder()
    {
        RunTable table;
        RunSummary evaluated = run("/runs/20261207-101500", "20261207-101500", false);
        evaluated.evaluated = true;
        evaluated.lastEval.round = 20;
        evaluated.lastEval.winRate.rate = 0.75;
        evaluated.lastEval.winRate.lower = 0.51;
        evaluated.lastEval.winRate.upper = 0.9;
        evaluated.lastEval.vendiBase = 8.0;
        evaluated.lastEval.vendiPolicy = 4.0; // fell: under 0.8 of the base's
        evaluated.lastEval.clapBase = 0.3;
        evaluated.lastEval.clapPolicy = 0.3;
        const RunSummary stopped = run("/runs/20261206-090000", "20261206-090000", true);
        table.fill({evaluated, stopped}, "/runs/20261206-090000");
        QCOMPARE(table.rowCount(), 2);
        QCOMPARE(table.currentRow(), 1); // the folder asked for is selected
        QCOMPARE(table.currentFolder(), QString("/runs/20261206-090000"));
        QCOMPARE(table.folderAt(0), QString("/runs/20261207-101500"));
        QVERIFY(!table.resumableAt(0));
        QVERIFY(table.resumableAt(1));
        QVERIFY(!table.resumableAt(2)); // no such row
        QCOMPARE(table.folderAt(-1), QString());
        QCOMPARE(table.startedAt(0), QString("2026-12-07 10:15"));
        QCOMPARE(table.item(0, 2)->text(), QString("7 / 20"));
        QCOMPARE(table.item(0, 3)->text(), QString("0.75 [0.51, 0.90] !"));
        QVERIFY2(table.item(0, 3)->toolTip().contains("Guardrail fell there: Vendi 8.00 -> 4.00"),
                 qPrintable(table.item(0, 3)->toolTip()));
        QCOMPARE(table.item(1, 3)->text(), QString("—")); // never evaluated
        QCOMPARE(table.item(1, 4)->text(), QString("stopped at round 7"));

        // Filled again without the selected folder: nothing selected, no stale rows.
        QSignalSpy changed(&table, &QTableWidget::currentCellChanged);
        table.fill({stopped}, "/runs/elsewhere");
        QCOMPARE(table.rowCount(), 1);
        QCOMPARE(table.currentRow(), -1);
        QCOMPARE(table.currentFolder(), QString());
        QCOMPARE(changed.count(), 0); // filling emits nothing: the panel decides what to show
    }

    void metricsExportReplacesTheTargetOrNamesIt()
    {
        QTemporaryDir dir;
        const QString runDir = dir.filePath("run");
        QVERIFY(QDir().mkpath(runDir));
        auto result = RunExport::metrics(runDir, dir.filePath("m.csv"));
        QVERIFY(!result.ok); // no metrics.csv yet
        QVERIFY2(result.message.contains("No metrics"), qPrintable(result.message));
        QVERIFY(!QFile::exists(dir.filePath("m.csv")));

        writeFile(runDir + "/metrics.csv", "round,reward_mean\n1,0.5\n");
        writeFile(dir.filePath("m.csv"), "an older export that is longer than the new one\n");
        result = RunExport::metrics(runDir, dir.filePath("m.csv"));
        QVERIFY2(result.ok, qPrintable(result.message));
        QCOMPARE(readFile(dir.filePath("m.csv")), QByteArray("round,reward_mean\n1,0.5\n"));

        const QString unwritable = dir.filePath("no-such-folder/m.csv");
        result = RunExport::metrics(runDir, unwritable);
        QVERIFY(!result.ok);
        QVERIFY2(result.message.contains(unwritable), qPrintable(result.message));
    }

    void modelExportCarriesItsChecksum()
    {
        QTemporaryDir dir;
        const QString runDir = dir.filePath("run");
        QVERIFY(QDir().mkpath(runDir));
        auto result = RunExport::model(runDir, dir.filePath("tuned.pt"));
        QVERIFY(!result.ok);
        QVERIFY2(result.message.contains("policy.pt"), qPrintable(result.message));
        QVERIFY(!RunExport::model(QString(), dir.filePath("tuned.pt")).ok); // no run shown

        writeFile(runDir + "/policy.pt", "weights");
        result = RunExport::model(runDir, dir.filePath("tuned.pt"));
        QVERIFY2(result.ok, qPrintable(result.message));
        QCOMPARE(readFile(dir.filePath("tuned.pt")), QByteArray("weights"));
        QVERIFY(!QFile::exists(dir.filePath("tuned.pt.xxh3"))); // none to carry

        writeFile(runDir + "/policy.pt.xxh3", "0123456789abcdef");
        writeFile(dir.filePath("tuned.pt.xxh3"), "a stale checksum");
        result = RunExport::model(runDir, dir.filePath("tuned.pt"));
        QVERIFY2(result.ok, qPrintable(result.message));
        QCOMPARE(readFile(dir.filePath("tuned.pt.xxh3")), QByteArray("0123456789abcdef"));
    }

    void clipExportStopsAtADamagedClipAndNamesIt()
    {
        QTemporaryDir dir;
        const QString audition = dir.filePath("run/audition");
        QVERIFY(QDir().mkpath(audition));
        writeTone(audition + "/round-000001-plus.wav");
        writeFile(audition + "/round-000002-minus.wav", "not audio at all");
        writeTone(audition + "/round-000003-plus.wav");
        const auto result = RunExport::clips(dir.filePath("run"), dir.filePath("out"), false);
        QVERIFY(!result.ok);
        QCOMPARE(result.files, 1); // round 1 was written before the damaged clip
        QVERIFY2(result.message.contains("round-000002-minus"), qPrintable(result.message));
        QVERIFY(QFile::exists(dir.filePath("out/round-000001-plus.wav")));
        QVERIFY(!QFile::exists(dir.filePath("out/round-000002-minus.wav")));

        QFile::remove(audition + "/round-000002-minus.wav");
        const auto flac = RunExport::clips(dir.filePath("run"), dir.filePath("flac"), true);
        QVERIFY2(flac.ok, qPrintable(flac.message));
        QCOMPARE(flac.files, 2);
        QCOMPARE(AudioFileReader::probe(dir.filePath("flac/round-000003-plus.flac").toStdString())
                     .sampleRate,
                 24000);
    }
};

QTEST_MAIN(TestRunViews)
#include "tst_run_views.moc"
