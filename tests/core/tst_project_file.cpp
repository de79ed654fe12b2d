// .dragon files: round trips, relative paths, moved and missing files, damaged and newer files.
#include "WavFixture.h"
#include "audio/AudioFileWriter.h"
#include "audio/SignalGenerator.h"
#include "project/ProjectFile.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <nlohmann/json.hpp>
#include <sys/resource.h>

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
    void trainingSettingsRoundTrip();
    void roundTripKeepsPartialAudioFacts();
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

void TestProjectFile::roundTripKeepsPartialAudioFacts()
{
    // Found by fuzz_project_file: a duration whose sample rate is unknown (0) was dropped on
    // save, so load -> save -> load changed the document.
    QTemporaryDir dir;
    const QString file = dir.filePath("p.dragon");
    Project p;
    ExemplarSet set;
    set.id = "set-1";
    set.name = "Pads";
    auto item = ExemplarItem::audio(dir.filePath("gone.wav").toStdString());
    item.durationSeconds = 0.5;
    set.items.push_back(item);
    p.exemplarSets = {set};
    ProjectFile::save(p, file.toStdString());
    const Project back = ProjectFile::load(file.toStdString());
    QCOMPARE(back.exemplarSets.at(0).items.at(0).durationSeconds, 0.5);
    QCOMPARE(ProjectFile::serialise(back, file.toStdString()),
             ProjectFile::serialise(ProjectFile::load(file.toStdString()), file.toStdString()));
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
    QCOMPARE(json["exemplarSets"][0]["items"][0]["path"].get<std::string>(),
             std::string("audio/a.wav"));
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
    QCOMPARE(QString::fromStdString(loaded.exemplarSets[0].items[0].path),
             QDir(audioDir.path()).filePath("a.wav"));
}

void TestProjectFile::trainingSettingsRoundTrip()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("t.dragon").toStdString();
    Project p;
    p.name = "T";
    ProjectFile::save(p, path);
    QVERIFY(ProjectFile::load(path).training.empty()); // absent: every setting unset
    QVERIFY(fixtures::readFile(path).find("\"training\"") == std::string::npos);
    p.training.rounds = 20;
    p.training.learningRate = 3e-5;
    p.training.loss = "kto";
    p.training.seed = 12345;
    p.training.evalSeedsPerPrompt = 2;
    p.training.anchorWeight = 12.5;
    p.training.emaDecay = 0.9;
    ProjectFile::save(p, path);
    const Project back = ProjectFile::load(path);
    QCOMPARE(back.training, p.training);
    QCOMPARE(*back.training.emaDecay, 0.9);
    QCOMPARE(*back.training.rounds, 20);
    QCOMPARE(*back.training.seed, 12345);
    QVERIFY(!back.training.beta); // only what was set
}

void TestProjectFile::damaged_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<ProjectErrorKind>("kind");
    QTest::addColumn<QString>("causeWord");
    QTest::newRow("empty") << QByteArray() << ProjectErrorKind::Malformed << "empty";
    QTest::newRow("garbage") << QByteArray("\x01\x02garbage{{{") << ProjectErrorKind::Malformed
                             << "not valid JSON";
    QTest::newRow("truncated")
        << QByteArray(R"({"format":"dragon-studio-project","version":1,"exemplarSets":[{"id":"s)")
        << ProjectErrorKind::Malformed << "not valid JSON";
    QTest::newRow("other json") << QByteArray(R"({"hello":"world"})") << ProjectErrorKind::Malformed
                                << "not a DRAGON Studio project";
    QTest::newRow("wrong type")
        << QByteArray(
               R"({"format":"dragon-studio-project","version":1,"exemplarSets":[{"id":3,"name":"x"}]})")
        << ProjectErrorKind::Malformed << "\"id\" of an exemplar set must be text";
    // Each of these escaped as a json library exception (type_error, out_of_range) or was cast
    // out of range before the strict readers; the GUI aborted on them.
    const QByteArray head = R"({"format":"dragon-studio-project","version":2,)";
    const QByteArray audioItem =
        R"("exemplarSets":[{"id":"a","name":"Pads","items":[{"type":"audio","path":"x.wav",)";
    QTest::newRow("number as name") << head + R"("name":5})" << ProjectErrorKind::Malformed
                                    << "\"name\" of the file must be text";
    QTest::newRow("string as duration")
        << head + audioItem + R"("durationSeconds":"long"}]}]})" << ProjectErrorKind::Malformed
        << "\"durationSeconds\" of an item of set 'Pads' must be a number";
    QTest::newRow("training loss")
        << head + R"("training":{"loss":"ppo"}})" << ProjectErrorKind::Malformed
        << "\"loss\" of \"training\" must be \"dpo\" or \"kto\"";
    QTest::newRow("training rounds")
        << head + R"("training":{"rounds":0}})" << ProjectErrorKind::Malformed << "rounds";
    QTest::newRow("training anchor weight") << head + R"("training":{"anchorWeight":-1}})"
                                            << ProjectErrorKind::Malformed << "anchorWeight";
    QTest::newRow("training EMA decay 1")
        << head + R"("training":{"emaDecay":1}})" << ProjectErrorKind::Malformed << "emaDecay";
    QTest::newRow("training seed")
        << head + R"("training":{"seed":-3}})" << ProjectErrorKind::Malformed << "seed";
    QTest::newRow("training lr text") << head + R"("training":{"learningRate":"fast"}})"
                                      << ProjectErrorKind::Malformed << "learningRate";
    QTest::newRow("1e400") << head + audioItem + R"("durationSeconds":1e400}]}]})"
                           << ProjectErrorKind::Malformed << "out of range";
    QTest::newRow("version 1e30") << QByteArray(
                                         R"({"format":"dragon-studio-project","version":1e30})")
                                  << ProjectErrorKind::Malformed
                                  << "\"version\" of the file must be a whole number";
    QTest::newRow("version 1.5") << QByteArray(
                                        R"({"format":"dragon-studio-project","version":1.5})")
                                 << ProjectErrorKind::Malformed
                                 << "\"version\" of the file must be a whole number";
    QTest::newRow("version as text")
        << QByteArray(R"({"format":"dragon-studio-project","version":"2"})")
        << ProjectErrorKind::Malformed << "\"version\" of the file must be a whole number";
    QTest::newRow("sampleRate 1e30")
        << head + audioItem + R"("sampleRate":1e30}]}]})" << ProjectErrorKind::Malformed
        << "\"sampleRate\" of an item of set 'Pads' must be a whole number from 0 to 768000";
    QTest::newRow("channels -1") << head + audioItem + R"("channels":-1}]}]})"
                                 << ProjectErrorKind::Malformed << "\"channels\"";
    QTest::newRow("topK 1e30")
        << head + R"("reward":{"terms":[{"type":"exemplar-similarity","topK":1e30}]}})"
        << ProjectErrorKind::Malformed << "\"topK\" of reward term 1 must be a whole number";
    QTest::newRow("away as text") << head + R"("reward":{"terms":[{"type":"clap","away":"yes"}]}})"
                                  << ProjectErrorKind::Malformed
                                  << "\"away\" of reward term 1 must be true or false";
    QTest::newRow("terms not a list")
        << head + R"("reward":{"terms":7}})" << ProjectErrorKind::Malformed
        << "\"terms\" of the reward definition must be a list";
    QTest::newRow("items not a list")
        << head + R"("exemplarSets":[{"id":"a","name":"Pads","items":{}}]})"
        << ProjectErrorKind::Malformed << "\"items\" of exemplar set 'Pads' must be a list";
    QTest::newRow("prompts not text")
        << head + R"("prompts":{"train":[1,2]}})" << ProjectErrorKind::Malformed
        << "\"train\" of \"prompts\" must be a list of text lines";
    QTest::newRow("set not an object")
        << head + R"("exemplarSets":[5]})" << ProjectErrorKind::Malformed
        << "an exemplar set is not a JSON object";
    // 200,000 levels overflowed the stack (segfault) in recursive code after the parse.
    const QByteArray deep = QByteArray(200000, '[') + QByteArray(200000, ']');
    QTest::newRow("deep reward") << head + R"("reward":)" + deep + "}"
                                 << ProjectErrorKind::Malformed << "nested deeper than 64";
    QTest::newRow("deep sets") << head + R"("exemplarSets":)" + deep + "}"
                               << ProjectErrorKind::Malformed << "nested deeper than 64";
    QTest::newRow("deep document")
        << deep << ProjectErrorKind::Malformed << "nested deeper than 64";
    QTest::newRow("unknown item")
        << QByteArray(
               R"({"format":"dragon-studio-project","version":1,"exemplarSets":[{"id":"a","name":"x","items":[{"type":"video"}]}]})")
        << ProjectErrorKind::Malformed << "unknown item type";
    QTest::newRow("duplicate ids")
        << QByteArray(
               R"({"format":"dragon-studio-project","version":1,"exemplarSets":[{"id":"a","name":"x"},{"id":"a","name":"y"}]})")
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
    const std::string future =
        R"({"format":"dragon-studio-project","version":7,"exemplarSets":[]})";
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
    // A save over the same file that runs out of space half-way (a full disk: the process may
    // write no more than 1 KiB per file, and root ignores permissions) must fail cleanly and
    // leave the old file as it was, with no temporary file behind.
    Project bigger = sampleProject(dir.path());
    for (int i = 0; i < 200; ++i)
        bigger.trainPrompts.push_back("a long prompt that makes the project file larger, number " +
                                      std::to_string(i));
    QVERIFY(before.size() < 1024);
    struct sigaction ignore = {}, previous = {};
    ignore.sa_handler = SIG_IGN;
    QCOMPARE(::sigaction(SIGXFSZ, &ignore, &previous), 0);
    rlimit limit = {}, saved = {};
    QCOMPARE(::getrlimit(RLIMIT_FSIZE, &saved), 0);
    limit = saved;
    limit.rlim_cur = 1024;
    QCOMPARE(::setrlimit(RLIMIT_FSIZE, &limit), 0);
    bool refused = false;
    std::string message;
    try {
        ProjectFile::save(bigger, file.toStdString());
    } catch (const ProjectError &e) {
        refused = e.kind() == ProjectErrorKind::WriteFailed;
        message = e.what();
    }
    ::setrlimit(RLIMIT_FSIZE, &saved);
    ::sigaction(SIGXFSZ, &previous, nullptr);
    QVERIFY2(refused, "a save that could not be written was not refused as WriteFailed");
    QVERIFY2(message.find("p.dragon") != std::string::npos, message.c_str());
    QCOMPARE(fixtures::readFile(file.toStdString()), before);
    QCOMPARE(QDir(dir.path()).entryList({".*tmp*"}, QDir::Hidden | QDir::Files).size(), 0);
    // And with room again the same save goes through.
    ProjectFile::save(bigger, file.toStdString());
    QCOMPARE(ProjectFile::load(file.toStdString()).trainPrompts, bigger.trainPrompts);
}

QTEST_GUILESS_MAIN(TestProjectFile)
#include "tst_project_file.moc"
