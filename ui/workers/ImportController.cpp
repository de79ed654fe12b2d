#include "workers/ImportController.h"

#include "workers/ImportWorker.h"

ImportController::ImportController(QObject *parent) : QObject(parent), m_worker(new ImportWorker)
{
    qRegisterMetaType<ImportedFile>();
    qRegisterMetaType<QVector<ImportedFile>>();
    m_thread.setObjectName("import");
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(this, &ImportController::requestProcess, m_worker, &ImportWorker::process);
    connect(m_worker, &ImportWorker::filesReady, this, &ImportController::filesReady);
    connect(m_worker, &ImportWorker::fileFailed, this, &ImportController::fileFailed);
    connect(m_worker, &ImportWorker::progress, this, &ImportController::progress);
    connect(m_worker, &ImportWorker::finished, this, &ImportController::finished);
    m_thread.start(QThread::LowPriority);
}

ImportController::~ImportController()
{
    m_worker->cancelUpTo(m_nextJob);
    m_thread.quit();
    m_thread.wait();
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
