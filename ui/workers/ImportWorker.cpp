#include "workers/ImportWorker.h"

#include "audio/AudioError.h"
#include "audio/AudioFileTypes.h"
#include "audio/WaveformPeaks.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSet>

bool ImportWorker::isAudioExtension(const QString &path)
{
    return dragon::hasAudioExtension(path.toStdString());
}

void ImportWorker::process(int jobId, const QStringList &paths)
{
    const auto cancelled = [&] { return jobId <= m_cancelUpTo.load(); };
    // Expand folders first so progress has a total. Files named directly are always tried;
    // inside folders, files that are not audio by extension are reported, not silently dropped.
    QStringList files;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (info.isDir()) {
            QStringList found;
            QDirIterator it(path,
                            QDir::Files | QDir::NoDotAndDotDot | QDir::Readable | QDir::Hidden,
                            QDirIterator::Subdirectories | QDirIterator::FollowSymlinks);
            while (it.hasNext()) {
                const QString file = it.next();
                if (isAudioExtension(file))
                    found << file;
                else if (!QFileInfo(file).fileName().startsWith('.')) {
                    Q_EMIT fileFailed(jobId, file, tr("skipped: not an audio file type"));
                }
            }
            found.sort();
            files << found;
        } else {
            files << path;
        }
        if (cancelled())
            break;
    }
    const int total = int(files.size());
    Q_EMIT progress(jobId, 0, total);

    QVector<ImportedFile> batch;
    QElapsedTimer sinceFlush;
    sinceFlush.start();
    bool first = true;
    int done = 0;
    for (const QString &file : files) {
        if (cancelled())
            break;
        try {
            // Exemplar clips are decoded whole later, so the whole-file limit applies here too.
            const auto peaks = dragon::WaveformPeaks::fromFile(file.toStdString(), kThumbnailBins,
                                                               {}, /*applyDurationLimit=*/true);
            ImportedFile imported;
            imported.path = QFileInfo(file).absoluteFilePath();
            imported.durationSeconds = peaks.info.durationSeconds();
            imported.sampleRate = peaks.info.sampleRate;
            imported.channels = peaks.info.channels;
            imported.minima = QVector<float>(peaks.minima.begin(), peaks.minima.end());
            imported.maxima = QVector<float>(peaks.maxima.begin(), peaks.maxima.end());
            batch.push_back(std::move(imported));
        } catch (const dragon::AudioError &e) {
            Q_EMIT fileFailed(jobId, file, QString::fromStdString(e.cause()));
        } catch (const std::exception &e) {
            Q_EMIT fileFailed(jobId, file, QString::fromStdString(e.what()));
        }
        ++done;
        if (!batch.isEmpty() && (first || sinceFlush.elapsed() > 100)) {
            Q_EMIT filesReady(jobId, batch);
            Q_EMIT progress(jobId, done, total);
            // A new list, not clear(): once the GUI thread has dropped its copy, clear() would
            // refill the block it has just read, and Qt's "still shared?" check is a relaxed
            // load that orders nothing (ThreadSanitizer reports it as a race).
            batch = QVector<ImportedFile>();
            sinceFlush.restart();
            first = false;
        }
    }
    if (!batch.isEmpty()) {
        Q_EMIT filesReady(jobId, batch);
    }
    Q_EMIT progress(jobId, done, total);
    Q_EMIT finished(jobId, cancelled());
}
