#include "workers/GenerationController.h"

#include "workers/ThreadHandover.h"

GenerationController::GenerationController(QObject *parent)
    : QObject(parent), m_worker(new GenerationWorker)
{
    qRegisterMetaType<GeneratedItem>();
    qRegisterMetaType<QVector<GeneratedItem>>();
    m_thread.setObjectName("generation");
    m_worker->moveToThread(&m_thread);
    // The worker thread's last act (a direct call on that thread), received by the destructor
    // after it has waited: the worker's whole life happens before its deletion there.
    connect(
        &m_thread, &QThread::finished, &m_thread,
        [worker = m_worker] { ThreadHandover::send(worker); }, Qt::DirectConnection);
    connect(this, &GenerationController::requestGenerate, m_worker, &GenerationWorker::generate);
    // Every report from the worker is received (ThreadHandover) before it is read here.
    connect(m_worker, &GenerationWorker::progress, this, [this](int done, int total) {
        ThreadHandover::receive(m_worker);
        Q_EMIT progress(done, total);
    });
    connect(m_worker, &GenerationWorker::finished, this,
            [this](const QVector<GeneratedItem> &items, const QStringList &notes) {
                ThreadHandover::receive(m_worker);
                m_busy = false;
                Q_EMIT finished(items, notes);
            });
    connect(m_worker, &GenerationWorker::cancelled, this, [this] {
        ThreadHandover::receive(m_worker);
        m_busy = false;
        Q_EMIT cancelled();
    });
    connect(m_worker, &GenerationWorker::failed, this, [this](const QString &message) {
        ThreadHandover::receive(m_worker);
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
    ThreadHandover::receive(m_worker);
    delete m_worker;
}

bool GenerationController::start(const QString &checkpoint, const QString &outputDir,
                                 const QString &prompt, quint64 seed, int steps, double guidance,
                                 int count)
{
    if (m_busy)
        return false;
    m_busy = true;
    m_worker->resetCancel(); // before queuing, so an early cancel is not lost
    ThreadHandover::send(m_worker);
    Q_EMIT requestGenerate(checkpoint, outputDir, prompt, seed, steps, guidance, count);
    return true;
}

void GenerationController::cancel()
{
    m_worker->cancel();
}
