#pragma once

#include "workers/ImportedFile.h"

#include <QObject>
#include <QStringList>
#include <atomic>

// Runs on the import thread (see ImportController). Expands folders recursively, probes and
// summarises each audio file with core/audio, and reports results in batches so the first item
// shows at once. Every file that cannot be used is reported with its reason.
class ImportWorker : public QObject
{
    Q_OBJECT
public:
    static constexpr int kThumbnailBins = 160;

    // Called from any thread: cancels every job with an id up to `jobId`, queued ones included.
    // Checked between files.
    void cancelUpTo(int jobId) { m_cancelUpTo = jobId; }
    static bool isAudioExtension(const QString &path);

public Q_SLOTS:
    void process(int jobId, const QStringList &paths);

Q_SIGNALS:
    void filesReady(int jobId, const QVector<ImportedFile> &files);
    void fileFailed(int jobId, const QString &path, const QString &reason);
    void progress(int jobId, int done, int total);
    void finished(int jobId, bool cancelled);

private:
    std::atomic<int> m_cancelUpTo{0};
};
