// .dragon files: round trips, relative paths, moved and missing files, damaged and newer files.
#include "WavFixture.h"
#include "audio/AudioFileWriter.h"
#include "audio/SignalGenerator.h"
#include "project/ProjectFile.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <nlohmann/json.hpp>

using namespace dragon;
Q_DECLARE_METATYPE(dragon::ProjectErrorKind)

namespace {

Project sampleProject(const QString &audioDir)
{
    Project p;
    p.name = "Sample";
    ExemplarSet a;
    a.id = "set-1";
    a.name = "Warm pads";
    for (const char *name : {"a.wav", "b.wav"}) {
        auto item = ExemplarItem::audio(QDir(audioDir).filePath(name).toStdString());
        item.durationSeconds = 0.5;
        item.sampleRate = 8000;
        item.channels = 1;
        a.items.push_back(item);
    }
    a.items.push_back(ExemplarItem::textItem("a slow dreamy pad in D minor"));
    ExemplarSet b;
    b.id = "set-2";
    b.name = "Ünïcödé ✓ \"quoted\"";
    p.exemplarSets = {a, b};
    p.trainPrompts = {"ambient pad", "lo-fi beat"};
    p.evalPrompts = {"techno loop"};
    return p;
}

void makeAudio(const QString &dir)
{
    QDir().mkpath(dir);
    for (const char *name : {"a.wav", "b.wav"})
        AudioFileWriter::write(QDir(dir).filePath(name).toStdString(),
                               SignalGenerator::sine(220.0, 0.5, 0.5, 8000));
}

} // namespace

class TestProjectFile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip();
    void pathsInsideProjectAreRelative();
    void movedProjectFolderStillResolves();
    void missingFilesAreKeptAndFlagged();
    void externalFilesUseAbsoluteFallback();
    void damaged_data();
    void damaged();
    void newerVersionIsRefusedAndNeverOverwritten();
    void failedSaveKeepsOldFile();
};

void TestProjectFile::roundTrip()
{
    QTemporaryDir dir;
    makeAudio(dir.filePath("audio"));
    const Project p = sampleProject(dir.filePath("audio"));
    const QString file = dir.filePath("p.dragon");
    ProjectFile::save(p, file.toStdString());
    const Project loaded = ProjectFile::load(file.toStdString());
    QVERIFY(loaded == p);
    // Saving what was loaded gives the same bytes (stable, diff-friendly files).
    const std::string first = fixtures::readFile(file.toStdString());
    ProjectFile::save(loaded, file.toStdString());
    QCOMPARE(fixtures::readFile(file.toStdString()), first);
    QCOMPARE(QDir(dir.path()).entryList({".*tmp*"}, QDir::Hidden | QDir::Files).size(), 0);
}

void TestProjectFile::pathsInsideProjectAreRelative()
{
    QTemporaryDir dir;
    makeAudio(dir.filePath("audio"));
    const QString file = dir.filePath("p.dragon");
    ProjectFile::save(sampleProject(dir.filePath("audio")), file.toStdString());
    const auto json = nlohmann::json::parse(fixtures::readFile(file.toStdString()));
    QCOMPARE(json["format"].get<std::string>(), std::string("dragon-studio-project"));
    QCOMPARE(json["version"].get<int>(), ProjectFile::kSchemaVersion);
    QCOMPARE(json["exemplarSets"][0]["items"][0]["path"].get<std::string>(), std::string("audio/a.wav"));
}

void TestProjectFile::movedProjectFolderStillResolves()
{
    QTemporaryDir dir;
    const QString before = dir.filePath("before"), after = dir.filePath("after");
    makeAudio(before + "/audio");
    ProjectFile::save(sampleProject(before + "/audio"), (before + "/p.dragon").toStdString());
    QVERIFY(QDir().rename(before, after));
    const Project loaded = ProjectFile::load((after + "/p.dragon").toStdString());
    const auto &item = loaded.exemplarSets[0].items[0];
    QVERIFY(!item.missing);
    QCOMPARE(QString::fromStdString(item.path), QDir(after).filePath("audio/a.wav"));
}

void TestProjectFile::missingFilesAreKeptAndFlagged()
{
    QTemporaryDir dir;
    makeAudio(dir.filePath("audio"));
    const QString file = dir.filePath("p.dragon");
    ProjectFile::save(sampleProject(dir.filePath("audio")), file.toStdString());
    QVERIFY(QFile::remove(dir.filePath("audio/b.wav")));
    Project loaded = ProjectFile::load(file.toStdString());
    QCOMPARE(loaded.exemplarSets[0].items.size(), std::size_t(3));
    QVERIFY(!loaded.exemplarSets[0].items[0].missing);
    QVERIFY(loaded.exemplarSets[0].items[1].missing);
    QCOMPARE(loaded.exemplarSets[0].items[1].durationSeconds, 0.5); // last known facts kept
    // Saving keeps the missing item, so restoring the file later brings it back.
    ProjectFile::save(loaded, file.toStdString());
    makeAudio(dir.filePath("audio"));
    QVERIFY(!ProjectFile::load(file.toStdString()).exemplarSets[0].items[1].missing);
}

void TestProjectFile::externalFilesUseAbsoluteFallback()
{
    QTemporaryDir audioDir, projectDir, movedDir;
    makeAudio(audioDir.path());
    const QString file = projectDir.filePath("p.dragon");
    ProjectFile::save(sampleProject(audioDir.path()), file.toStdString());
    // The project moves away from audio stored outside its folder: the absolute path still works.
    const QString moved = movedDir.filePath("p.dragon");
    QVERIFY(QFile::copy(file, moved));
    const Project loaded = ProjectFile::load(moved.toStdString());
    QVERIFY(!loaded.exemplarSets[0].items[0].missing);
    QCOMPARE(QString::fromStdString(loaded.exemplarSets[0].items[0].path), QDir(audioDir.path()).filePath("a.wav"));
}

void TestProjectFile::damaged_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<ProjectErrorKind>("kind");
    QTest::addColumn<QString>("causeWord");
    QTest::newRow("empty") << QByteArray() << ProjectErrorKind::Malformed << "empty";
    QTest::newRow("garbage") << QByteArray("\x01\x02garbage{{{") << ProjectErrorKind::Malformed << "not valid JSON";
    QTest::newRow("truncated") << QByteArray(R"({"format":"dragon-studio-project","version":1,"exemplarSets":[{"id":"s)")
                               << ProjectErrorKind::Malformed << "not valid JSON";
    QTest::newRow("other json") << QByteArray(R"({"hello":"world"})") << ProjectErrorKind::Malformed << "not a DRAGON Studio project";
    QTest::newRow("wrong type") << QByteArray(R"({"format":"dragon-studio-project","version":1,"exemplarSets":[{"id":3,"name":"x"}]})")
                                << ProjectErrorKind::Malformed << "wrong type";
    QTest::newRow("unknown item") << QByteArray(R"({"format":"dragon-studio-project","version":1,"exemplarSets":[{"id":"a","name":"x","items":[{"type":"video"}]}]})")
                                  << ProjectErrorKind::Malformed << "unknown item type";
    QTest::newRow("duplicate ids") << QByteArray(R"({"format":"dragon-studio-project","version":1,"exemplarSets":[{"id":"a","name":"x"},{"id":"a","name":"y"}]})")
                                   << ProjectErrorKind::Malformed << "share the id";
    QTest::newRow("newer") << QByteArray(R"({"format":"dragon-studio-project","version":99})")
                           << ProjectErrorKind::NewerVersion << "newer";
}

void TestProjectFile::damaged()
{
    QFETCH(QByteArray, content);
    QFETCH(ProjectErrorKind, kind);
    QFETCH(QString, causeWord);
    QTemporaryDir dir;
    const QString file = dir.filePath("bad.dragon");
    fixtures::writeFile(file.toStdString(), content.toStdString());
    try {
        ProjectFile::load(file.toStdString());
        QFAIL("loaded a damaged project");
    } catch (const ProjectError &e) {
        QCOMPARE(int(e.kind()), int(kind));
        QVERIFY2(QString(e.what()).contains("bad.dragon"), e.what());
        QVERIFY2(QString(e.what()).contains(causeWord), e.what());
    }
    QCOMPARE(QByteArray::fromStdString(fixtures::readFile(file.toStdString())), content);
}

void TestProjectFile::newerVersionIsRefusedAndNeverOverwritten()
{
    QTemporaryDir dir;
    const QString file = dir.filePath("future.dragon");
    const std::string future = R"({"format":"dragon-studio-project","version":7,"exemplarSets":[]})";
    fixtures::writeFile(file.toStdString(), future);
    QVERIFY_THROWS_EXCEPTION(ProjectError, ProjectFile::save(Project{}, file.toStdString()));
    QCOMPARE(fixtures::readFile(file.toStdString()), future);
}

void TestProjectFile::failedSaveKeepsOldFile()
{
    QTemporaryDir dir;
    const QString file = dir.filePath("p.dragon");
    ProjectFile::save(sampleProject(dir.path()), file.toStdString());
    const std::string before = fixtures::readFile(file.toStdString());
    // The folder becomes unwritable (a read-only mount, a full disk): the save fails cleanly.
    try {
        ProjectFile::save(Project{}, dir.filePath("missing-folder/p.dragon").toStdString());
        QFAIL("saved into a folder that does not exist");
    } catch (const ProjectError &e) {
        QCOMPARE(int(e.kind()), int(ProjectErrorKind::WriteFailed));
    }
    QCOMPARE(fixtures::readFile(file.toStdString()), before);
}

QTEST_GUILESS_MAIN(TestProjectFile)
#include "tst_project_file.moc"
