// Embedding cache: hits after the first pass (a 1,000-file set reopens fast), changed files are
// re-encoded, damaged or foreign entries are recomputed and never trusted, a damaged stat index
// loses only its bad rows, concurrent writers leave whole entries, and an unwritable cache still
// returns embeddings.
#include "WavFixture.h"
#include "audio/AudioError.h"
#include "encoders/EmbeddingCache.h"
#include "encoders/EncoderFactory.h"
#include "util/ContentHash.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <thread>

using namespace dragon;

namespace {

std::vector<float> tone(double hz, int samples, int rate = 24000)
{
    std::vector<float> s(static_cast<std::size_t>(samples));
    for (int i = 0; i < samples; ++i)
        s[std::size_t(i)] = 0.4f * float(std::sin(2 * M_PI * hz * i / rate));
    return s;
}

std::string writeTone(const QTemporaryDir &dir, const QString &name, double hz, int samples = 6000)
{
    const std::string path = dir.filePath(name).toStdString();
    fixtures::writeFile(path, fixtures::floatWavBytes(tone(hz, samples), 1, 24000));
    return path;
}

bool sameEmbedding(const Embedding &a, const Embedding &b)
{
    return a.frames == b.frames && a.dimension == b.dimension && a.frameData == b.frameData &&
           a.clip == b.clip;
}

} // namespace

class TestEmbeddingCache : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void secondPassHitsTheCache()
    {
        QTemporaryDir dir;
        const std::string cacheDir = dir.filePath("cache").toStdString();
        auto encoder = createEncoder("mel-stats");
        const std::string a = writeTone(dir, "a.wav", 440);
        bool hit = true;
        Embedding first;
        QVERIFY(!EmbeddingCache::holdsEntriesOf(cacheDir, encoder->id())); // no folder yet
        {
            EmbeddingCache cache(cacheDir);
            first = cache.embedFile(*encoder, a, &hit);
            QVERIFY(!hit);
            QCOMPARE(cache.stats().misses, 1);
        }
        QVERIFY(EmbeddingCache::holdsEntriesOf(cacheDir, encoder->id()));
        QVERIFY(!EmbeddingCache::holdsEntriesOf(cacheDir, "music-features-1"));
        EmbeddingCache reopened(cacheDir);
        const Embedding second = reopened.embedFile(*encoder, a, &hit);
        QVERIFY(hit);
        QVERIFY(sameEmbedding(first, second));
        // Another encoder has its own entries.
        createEncoder("music-features");
        auto features = createEncoder("music-features");
        reopened.embedFile(*features, a, &hit);
        QVERIFY(!hit);
    }

    void thousandFilesReopenFast()
    {
        QTemporaryDir dir;
        const std::string cacheDir = dir.filePath("cache").toStdString();
        std::vector<std::string> files;
        for (int i = 0; i < 1000; ++i)
            files.push_back(writeTone(dir, QString("clip-%1.wav").arg(i), 100.0 + i, 4800));
        auto encoder = createEncoder("mel-stats");
        QElapsedTimer timer;
        timer.start();
        {
            EmbeddingCache cache(cacheDir);
            for (const auto &f : files)
                cache.embedFile(*encoder, f);
        }
        const qint64 firstMs = timer.restart();
        EmbeddingCache cache(cacheDir);
        for (const auto &f : files)
            cache.embedFile(*encoder, f);
        const qint64 secondMs = timer.elapsed();
        qInfo("1,000 files: first pass %lld ms, second pass %lld ms", firstMs, secondMs);
        QCOMPARE(cache.stats().hits, 1000);
        QCOMPARE(cache.stats().misses, 0);
        QVERIFY2(secondMs < 3000, "the second open of a 1,000-file set must not re-encode");
        QVERIFY(secondMs * 2 < firstMs);
    }

    void changedFileIsReencoded()
    {
        QTemporaryDir dir;
        auto encoder = createEncoder("mel-stats");
        EmbeddingCache cache(dir.filePath("cache").toStdString());
        const std::string a = writeTone(dir, "a.wav", 440);
        const Embedding before = cache.embedFile(*encoder, a);
        // Same name, same size, new content (and a new mtime).
        std::filesystem::last_write_time(a, std::filesystem::last_write_time(a) -
                                                std::chrono::seconds(5));
        writeTone(dir, "a.wav", 2000);
        bool hit = true;
        const Embedding after = cache.embedFile(*encoder, a, &hit);
        QVERIFY(!hit);
        QVERIFY(!sameEmbedding(before, after));
        // The old content's entry is still valid for a file that holds it.
        const std::string copy = writeTone(dir, "copy.wav", 440);
        QVERIFY(sameEmbedding(cache.embedFile(*encoder, copy, &hit), before));
        QVERIFY(hit);
    }

    void damagedEntriesAreRecomputed_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::newRow("flipped byte") << "flip";
        QTest::newRow("truncated") << "truncate";
        QTest::newRow("empty") << "empty";
        QTest::newRow("foreign entry") << "foreign";
    }
    void damagedEntriesAreRecomputed()
    {
        QFETCH(QString, damage);
        QTemporaryDir dir;
        auto encoder = createEncoder("mel-stats");
        EmbeddingCache cache(dir.filePath("cache").toStdString());
        const std::string a = writeTone(dir, "a.wav", 440), b = writeTone(dir, "b.wav", 880);
        const Embedding good = cache.embedFile(*encoder, a);
        cache.embedFile(*encoder, b);
        const std::string entry = cache.entryPath(encoder->id(), hashFileContent(a));
        std::string bytes = fixtures::readFile(entry);
        if (damage == "flip")
            bytes[bytes.size() / 2] ^= 0x40;
        else if (damage == "truncate")
            bytes.resize(bytes.size() - 9);
        else if (damage == "empty")
            bytes.clear();
        else
            bytes = fixtures::readFile(cache.entryPath(encoder->id(), hashFileContent(b)));
        fixtures::writeFile(entry, bytes);
        QVERIFY(!cache.find(encoder->id(), hashFileContent(a)));
        bool hit = true;
        QVERIFY(sameEmbedding(cache.embedFile(*encoder, a, &hit), good));
        QVERIFY(!hit);
        QVERIFY(cache.stats().corrupt >= 1);
        QVERIFY(cache.find(encoder->id(), hashFileContent(a))); // repaired
    }

    // A damaged stat index (a float or a negative size, a size past any range, a bad hex hash)
    // loses only its bad entries: those files are hashed again, a good entry is still trusted.
    void damagedStatIndexEntriesAreHashedAgain()
    {
        QTemporaryDir dir;
        const std::string cacheDir = dir.filePath("cache").toStdString();
        std::filesystem::create_directories(cacheDir);
        nlohmann::json files = nlohmann::json::object();
        std::map<std::string, std::uint64_t> realHash;
        const std::map<std::string, std::string> damage = {
            {"good", ""},          {"float-size", "float"},
            {"huge-size", "huge"}, {"negative-size", "negative"},
            {"bad-hex", "hex"},    {"short-row", "short"}};
        double hz = 300;
        for (const auto &[name, kind] : damage) {
            const std::string path = writeTone(dir, QString::fromStdString(name + ".wav"), hz);
            hz += 50;
            realHash[path] = hashFileContent(path);
            struct stat st = {};
            QCOMPARE(::stat(path.c_str(), &st), 0);
            const std::uint64_t size = std::uint64_t(st.st_size);
            const std::int64_t mtime =
                std::int64_t(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
            nlohmann::json row = {size, mtime, "abc"}; // a made-up hash, trusted when the row is
            if (kind == "float")
                row[0] = double(size); // the right size, as a float
            else if (kind == "huge")
                row[0] = 1e300;
            else if (kind == "negative")
                row[0] = -1;
            else if (kind == "hex")
                row[2] = "not hex";
            else if (kind == "short")
                row.erase(2);
            files[path] = row;
        }
        fixtures::writeFile(cacheDir + "/stat-index.json",
                            nlohmann::json{{"version", 1}, {"files", files}}.dump());
        EmbeddingCache cache(cacheDir);
        for (const auto &[path, hash] : realHash) {
            const bool good = path.find("/good.wav") != std::string::npos;
            QCOMPARE(cache.contentHash(path), good ? std::uint64_t(0xabc) : hash);
        }
    }

    void concurrentJobsLeaveWholeEntries()
    {
        QTemporaryDir dir;
        const std::string cacheDir = dir.filePath("cache").toStdString();
        std::vector<std::string> files;
        for (int i = 0; i < 24; ++i)
            files.push_back(writeTone(dir, QString("c%1.wav").arg(i), 200.0 + 37 * i));
        auto reference = createEncoder("mel-stats");
        std::vector<Embedding> expected;
        for (const auto &f : files)
            expected.push_back(
                EmbeddingCache(dir.filePath("scratch").toStdString()).embedFile(*reference, f));
        // Four jobs with their own cache objects (as two processes would have), same folder.
        std::vector<std::thread> jobs;
        std::atomic<int> mismatches{0};
        for (int j = 0; j < 4; ++j)
            jobs.emplace_back([&, j] {
                auto encoder = createEncoder("mel-stats");
                EmbeddingCache cache(cacheDir);
                for (std::size_t k = 0; k < files.size(); ++k) {
                    const std::size_t i = (k + std::size_t(j) * 5) % files.size();
                    if (!sameEmbedding(cache.embedFile(*encoder, files[i]), expected[i]))
                        ++mismatches;
                }
            });
        for (auto &t : jobs)
            t.join();
        QCOMPARE(mismatches.load(), 0);
        EmbeddingCache after(cacheDir);
        for (std::size_t i = 0; i < files.size(); ++i) {
            const auto cached = after.find(reference->id(), hashFileContent(files[i]));
            QVERIFY(cached && sameEmbedding(*cached, expected[i]));
        }
        QCOMPARE(after.stats().corrupt, 0);
        // No temporary files left behind.
        for (const auto &e : std::filesystem::recursive_directory_iterator(cacheDir))
            QVERIFY2(e.path().filename().string().find(".tmp") == std::string::npos,
                     e.path().c_str());
    }

    void unwritableCacheStillEmbeds()
    {
        QTemporaryDir dir;
        const std::string blocker = dir.filePath("not-a-folder").toStdString();
        fixtures::writeFile(blocker, "x");
        auto encoder = createEncoder("mel-stats");
        EmbeddingCache cache(blocker + "/cache");
        const std::string a = writeTone(dir, "a.wav", 440);
        QCOMPARE(cache.embedFile(*encoder, a).dimension, 64);
        QVERIFY_THROWS_EXCEPTION(
            AudioError, cache.embedFile(*encoder, dir.filePath("missing.wav").toStdString()));
        fixtures::writeFile(dir.filePath("junk.wav").toStdString(), "not audio at all");
        QVERIFY_THROWS_EXCEPTION(AudioError,
                                 cache.embedFile(*encoder, dir.filePath("junk.wav").toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestEmbeddingCache)
#include "tst_embedding_cache.moc"
