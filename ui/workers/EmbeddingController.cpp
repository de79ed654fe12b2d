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
    ThreadHandover::watchThreadEnd(&m_thread, m_worker);
    // Requests to the worker and its reports back cross threads through ThreadHandover::relay.
    ThreadHandover::relay(this, &EmbeddingController::requestLoad, m_worker,
                          &EmbeddingWorker::loadEncoder);
    ThreadHandover::relay(this, &EmbeddingController::requestEmbed, m_worker,
                          &EmbeddingWorker::embedSet);
    ThreadHandover::relay(m_worker, &EmbeddingWorker::encoderLoaded, this,
                          [this](const EncoderInfo &info) { Q_EMIT encoderLoaded(info); });
    ThreadHandover::relay(m_worker, &EmbeddingWorker::encoderFailed, this,
                          [this](const QString &spec, const QString &message) {
                              Q_EMIT encoderFailed(spec, message);
                          });
    ThreadHandover::relay(m_worker, &EmbeddingWorker::progress, this,
                          [this](const QString &setId, int done, int total, int cacheHits) {
                              Q_EMIT progress(setId, done, total, cacheHits);
                          });
    ThreadHandover::relay(m_worker, &EmbeddingWorker::finished, this,
                          [this](const EmbeddingSummary &s) {
                              Q_EMIT finished(s);
                              next();
                          });
    ThreadHandover::relay(m_worker, &EmbeddingWorker::failed, this,
                          [this](const QString &setId, const QString &message) {
                              Q_EMIT failed(setId, message);
                              next();
                          });
    ThreadHandover::relay(m_worker, &EmbeddingWorker::cancelled, this,
                          [this](const QString &setId) {
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
    ThreadHandover::destroy(m_worker);
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
