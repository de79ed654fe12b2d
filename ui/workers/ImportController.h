#pragma once

#include "workers/ImportedFile.h"

#include <QObject>
#include <QStringList>
#include <QThread>

class ImportWorker;

// Owns the import thread and its worker. Jobs run one after another; cancel() stops the running
// job between files. The destructor cancels and waits, so no worker outlives the window.
class ImportController : public QObject
{
    Q_OBJECT
public:
    explicit ImportController(QObject *parent = nullptr);
    ~ImportController() override;

    // Queues a job; returns its id. Results arrive on the GUI thread through the signals.
    int start(const QStringList &paths);
    void cancel();

Q_SIGNALS:
    void filesReady(int jobId, const QVector<ImportedFile> &files);
    void fileFailed(int jobId, const QString &path, const QString &reason);
    void progress(int jobId, int done, int total);
    void finished(int jobId, bool cancelled);
    void requestProcess(int jobId, const QStringList &paths);

private:
    QThread m_thread;
    ImportWorker *m_worker;
    int m_nextJob = 1;
};
