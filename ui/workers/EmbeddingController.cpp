#include "workers/EmbeddingController.h"

Q_DECLARE_METATYPE(dragon::ExemplarSet)

EmbeddingController::EmbeddingController(QObject *parent)
    : QObject(parent), m_worker(new EmbeddingWorker)
{
    qRegisterMetaType<EmbeddingSummary>();
    qRegisterMetaType<EncoderInfo>();
    qRegisterMetaType<dragon::ExemplarSet>();
    m_thread.setObjectName("embedding");
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(this, &EmbeddingController::requestLoad, m_worker, &EmbeddingWorker::loadEncoder);
    connect(this, &EmbeddingController::requestEmbed, m_worker, &EmbeddingWorker::embedSet);
    connect(m_worker, &EmbeddingWorker::encoderLoaded, this, &EmbeddingController::encoderLoaded);
    connect(m_worker, &EmbeddingWorker::encoderFailed, this, &EmbeddingController::encoderFailed);
    connect(m_worker, &EmbeddingWorker::progress, this, &EmbeddingController::progress);
    connect(m_worker, &EmbeddingWorker::finished, this, [this](const EmbeddingSummary &s) {
        Q_EMIT finished(s);
        next();
    });
    connect(m_worker, &EmbeddingWorker::failed, this,
            [this](const QString &setId, const QString &message) {
                Q_EMIT failed(setId, message);
                next();
            });
    connect(m_worker, &EmbeddingWorker::cancelled, this, [this](const QString &setId) {
        Q_EMIT cancelled(setId);
        next();
    });
    m_thread.start();
}

EmbeddingController::~EmbeddingController()
{
    m_queue.clear();
    m_worker->cancel();
    m_thread.quit();
    m_thread.wait();
}

void EmbeddingController::loadEncoder(const QString &spec)
{
    Q_EMIT requestLoad(spec);
}

void EmbeddingController::enqueue(const dragon::ExemplarSet &set, const QString &encoderSpec,
                                  const QString &cacheDir)
{
    m_queue.enqueue({set, encoderSpec, cacheDir});
    if (!m_busy)
        next();
}

void EmbeddingController::next()
{
    if (m_queue.isEmpty()) {
        m_busy = false;
        Q_EMIT idle();
        return;
    }
    m_busy = true;
    const Job job = m_queue.dequeue();
    m_worker->resetCancel(); // before queuing, so an early cancel is not lost
    Q_EMIT requestEmbed(job.set, job.spec, job.cacheDir);
}

void EmbeddingController::cancel()
{
    m_queue.clear();
    m_worker->cancel();
}
