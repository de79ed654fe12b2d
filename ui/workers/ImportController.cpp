#include "workers/ImportController.h"

#include "workers/ImportWorker.h"
#include "workers/ThreadHandover.h"

ImportController::ImportController(QObject *parent) : QObject(parent), m_worker(new ImportWorker)
{
    qRegisterMetaType<ImportedFile>();
    qRegisterMetaType<QVector<ImportedFile>>();
    m_thread.setObjectName("import");
    m_worker->moveToThread(&m_thread);
    // The worker thread's last act, received by the destructor (see GenerationController).
    connect(
        &m_thread, &QThread::finished, &m_thread,
        [worker = m_worker] { ThreadHandover::send(worker); }, Qt::DirectConnection);
    connect(this, &ImportController::requestProcess, m_worker, &ImportWorker::process);
    // Every report from the worker is received (ThreadHandover) before it is passed on.
    connect(m_worker, &ImportWorker::filesReady, this,
            [this](int jobId, const QVector<ImportedFile> &files) {
                ThreadHandover::receive(m_worker);
                Q_EMIT filesReady(jobId, files);
            });
    connect(m_worker, &ImportWorker::fileFailed, this,
            [this](int jobId, const QString &path, const QString &reason) {
                ThreadHandover::receive(m_worker);
                Q_EMIT fileFailed(jobId, path, reason);
            });
    connect(m_worker, &ImportWorker::progress, this, [this](int jobId, int done, int total) {
        ThreadHandover::receive(m_worker);
        Q_EMIT progress(jobId, done, total);
    });
    connect(m_worker, &ImportWorker::finished, this, [this](int jobId, bool cancelled) {
        ThreadHandover::receive(m_worker);
        Q_EMIT finished(jobId, cancelled);
    });
    m_thread.start(QThread::LowPriority);
}

ImportController::~ImportController()
{
    m_worker->cancelUpTo(m_nextJob);
    m_thread.quit();
    m_thread.wait();
    // Deleted here, once its thread has ended (see GenerationController).
    ThreadHandover::receive(m_worker);
    delete m_worker;
}

int ImportController::start(const QStringList &paths)
{
    const int id = m_nextJob++;
    ThreadHandover::send(m_worker);
    Q_EMIT requestProcess(id, paths);
    return id;
}

void ImportController::cancel()
{
    // Direct call: a queued cancel would only run after the job it should stop.
    m_worker->cancelUpTo(m_nextJob - 1);
}
