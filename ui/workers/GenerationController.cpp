#include "workers/GenerationController.h"

#include "workers/ThreadHandover.h"

GenerationController::GenerationController(QObject *parent)
    : QObject(parent), m_worker(new GenerationWorker)
{
    qRegisterMetaType<GeneratedItem>();
    qRegisterMetaType<QVector<GeneratedItem>>();
    m_thread.setObjectName("generation");
    m_worker->moveToThread(&m_thread);
    ThreadHandover::watchThreadEnd(&m_thread, m_worker);
    // Requests to the worker and its reports back cross threads through ThreadHandover::relay.
    ThreadHandover::relay(this, &GenerationController::requestGenerate, m_worker,
                          &GenerationWorker::generate);
    ThreadHandover::relay(m_worker, &GenerationWorker::progress, this,
                          [this](int done, int total) { Q_EMIT progress(done, total); });
    ThreadHandover::relay(m_worker, &GenerationWorker::finished, this,
                          [this](const QVector<GeneratedItem> &items, const QStringList &notes) {
                              m_busy = false;
                              Q_EMIT finished(items, notes);
                          });
    ThreadHandover::relay(m_worker, &GenerationWorker::cancelled, this, [this] {
        m_busy = false;
        Q_EMIT cancelled();
    });
    ThreadHandover::relay(m_worker, &GenerationWorker::failed, this,
                          [this](const QString &message) {
                              m_busy = false;
                              Q_EMIT failed(message);
                          });
    m_thread.start();
}

GenerationController::~GenerationController()
{
    m_worker->cancel();
    m_thread.quit();
    m_thread.wait();
    // Deleted here, once its thread has ended, rather than on that thread at its end (where it
    // would race this destructor for the connections between the two).
    ThreadHandover::destroy(m_worker);
}

bool GenerationController::start(const QString &checkpoint, const QString &outputDir,
                                 const QString &prompt, quint64 seed, int steps, double guidance,
                                 int count)
{
    if (m_busy)
        return false;
    m_busy = true;
    m_worker->resetCancel(); // before queuing, so an early cancel is not lost
    Q_EMIT requestGenerate(checkpoint, outputDir, prompt, seed, steps, guidance, count);
    return true;
}

void GenerationController::cancel()
{
    m_worker->cancel();
}
