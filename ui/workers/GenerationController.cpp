#include "workers/GenerationController.h"

GenerationController::GenerationController(QObject *parent)
    : QObject(parent), m_worker(new GenerationWorker)
{
    qRegisterMetaType<GeneratedItem>();
    qRegisterMetaType<QVector<GeneratedItem>>();
    m_thread.setObjectName("generation");
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(this, &GenerationController::requestGenerate, m_worker, &GenerationWorker::generate);
    connect(m_worker, &GenerationWorker::progress, this, &GenerationController::progress);
    connect(m_worker, &GenerationWorker::finished, this,
            [this](const QVector<GeneratedItem> &items, const QStringList &notes) {
                m_busy = false;
                Q_EMIT finished(items, notes);
            });
    connect(m_worker, &GenerationWorker::cancelled, this, [this] {
        m_busy = false;
        Q_EMIT cancelled();
    });
    connect(m_worker, &GenerationWorker::failed, this, [this](const QString &message) {
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
