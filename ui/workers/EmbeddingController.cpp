#include "workers/EmbeddingController.h"

#include "workers/ThreadHandover.h"

Q_DECLARE_METATYPE(dragon::ExemplarSet)

EmbeddingController::EmbeddingController(QObject *parent)
    : QObject(parent), m_worker(new EmbeddingWorker)
{
    qRegisterMetaType<EmbeddingSummary>();
    qRegisterMetaType<EncoderInfo>();
    qRegisterMetaType<dragon::ExemplarSet>();
    m_thread.setObjectName("embedding");
    m_worker->moveToThread(&m_thread);
    // The worker thread's last act, received by the destructor (see GenerationController).
    connect(
        &m_thread, &QThread::finished, &m_thread,
        [worker = m_worker] { ThreadHandover::send(worker); }, Qt::DirectConnection);
    connect(this, &EmbeddingController::requestLoad, m_worker, &EmbeddingWorker::loadEncoder);
    connect(this, &EmbeddingController::requestEmbed, m_worker, &EmbeddingWorker::embedSet);
    // Every report from the worker is received (ThreadHandover) before it is passed on.
    connect(m_worker, &EmbeddingWorker::encoderLoaded, this, [this](const EncoderInfo &info) {
        ThreadHandover::receive(m_worker);
        Q_EMIT encoderLoaded(info);
    });
    connect(m_worker, &EmbeddingWorker::encoderFailed, this,
            [this](const QString &spec, const QString &message) {
                ThreadHandover::receive(m_worker);
                Q_EMIT encoderFailed(spec, message);
            });
    connect(m_worker, &EmbeddingWorker::progress, this,
            [this](const QString &setId, int done, int total, int cacheHits) {
                ThreadHandover::receive(m_worker);
                Q_EMIT progress(setId, done, total, cacheHits);
            });
    connect(m_worker, &EmbeddingWorker::finished, this, [this](const EmbeddingSummary &s) {
        ThreadHandover::receive(m_worker);
        Q_EMIT finished(s);
        next();
    });
    connect(m_worker, &EmbeddingWorker::failed, this,
            [this](const QString &setId, const QString &message) {
                ThreadHandover::receive(m_worker);
                Q_EMIT failed(setId, message);
                next();
            });
    connect(m_worker, &EmbeddingWorker::cancelled, this, [this](const QString &setId) {
        ThreadHandover::receive(m_worker);
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
    // Deleted here, once its thread has ended (see GenerationController).
    ThreadHandover::receive(m_worker);
    delete m_worker;
}

void EmbeddingController::loadEncoder(const QString &spec)
{
    ThreadHandover::send(m_worker);
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
    ThreadHandover::send(m_worker);
    Q_EMIT requestEmbed(job.set, job.spec, job.cacheDir);
}

void EmbeddingController::cancel()
{
    m_queue.clear();
    m_worker->cancel();
}
