#pragma once

#include "workers/EmbeddingWorker.h"

#include <QObject>
#include <QQueue>
#include <QThread>

// Owns the embedding thread and its worker. Sets queue up and run one at a time; cancel() is a
// direct call (an atomic flag checked between items) that also drops the queue. The destructor
// cancels and waits.
class EmbeddingController : public QObject
{
    Q_OBJECT
public:
    explicit EmbeddingController(QObject *parent = nullptr);
    ~EmbeddingController() override;

    bool isBusy() const { return m_busy; }
    void loadEncoder(const QString &spec);
    void enqueue(const dragon::ExemplarSet &set, const QString &encoderSpec,
                 const QString &cacheDir);
    void cancel();

Q_SIGNALS:
    void encoderLoaded(const EncoderInfo &info);
    void encoderFailed(const QString &spec, const QString &message);
    void progress(const QString &setId, int done, int total, int cacheHits);
    void finished(const EmbeddingSummary &summary);
    void cancelled(const QString &setId);
    void failed(const QString &setId, const QString &message);
    void idle();
    // To the worker (queued).
    void requestLoad(const QString &spec);
    void requestEmbed(const dragon::ExemplarSet &set, const QString &encoderSpec,
                      const QString &cacheDir);

private:
    struct Job
    {
        dragon::ExemplarSet set;
        QString spec, cacheDir;
    };
    void next();

    QThread m_thread;
    EmbeddingWorker *m_worker;
    QQueue<Job> m_queue;
    bool m_busy = false;
};
