#include "workers/ImportController.h"

#include "workers/ImportWorker.h"
#include "workers/ThreadHandover.h"

ImportController::ImportController(QObject *parent) : QObject(parent), m_worker(new ImportWorker)
{
    qRegisterMetaType<ImportedFile>();
    qRegisterMetaType<QVector<ImportedFile>>();
    m_thread.setObjectName("import");
    m_worker->moveToThread(&m_thread);
    ThreadHandover::watchThreadEnd(&m_thread, m_worker);
    // Requests to the worker and its reports back cross threads through ThreadHandover::relay.
    ThreadHandover::relay(this, &ImportController::requestProcess, m_worker,
                          &ImportWorker::process);
    ThreadHandover::relay(
        m_worker, &ImportWorker::filesReady, this,
        [this](int jobId, const QVector<ImportedFile> &files) { Q_EMIT filesReady(jobId, files); });
    ThreadHandover::relay(m_worker, &ImportWorker::fileFailed, this,
                          [this](int jobId, const QString &path, const QString &reason) {
                              Q_EMIT fileFailed(jobId, path, reason);
                          });
    ThreadHandover::relay(
        m_worker, &ImportWorker::progress, this,
        [this](int jobId, int done, int total) { Q_EMIT progress(jobId, done, total); });
    ThreadHandover::relay(m_worker, &ImportWorker::finished, this,
                          [this](int jobId, bool cancelled) { Q_EMIT finished(jobId, cancelled); });
    m_thread.start(QThread::LowPriority);
}

ImportController::~ImportController()
{
    m_worker->cancelUpTo(m_nextJob);
    m_thread.quit();
    m_thread.wait();
    // Deleted here, once its thread has ended (see GenerationController).
    ThreadHandover::destroy(m_worker);
}

int ImportController::start(const QStringList &paths)
{
    const int id = m_nextJob++;
    Q_EMIT requestProcess(id, paths);
    return id;
}

void ImportController::cancel()
{
    // Direct call: a queued cancel would only run after the job it should stop.
    m_worker->cancelUpTo(m_nextJob - 1);
}
