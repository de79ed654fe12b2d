#pragma once

#include "workers/GenerationWorker.h"

#include <QObject>
#include <QThread>

// Owns the generation thread and its worker; one generation at a time. cancel() is a direct
// call (an atomic flag), so it takes effect at the next sampler step. The destructor cancels
// and waits.
class GenerationController : public QObject
{
    Q_OBJECT
public:
    explicit GenerationController(QObject *parent = nullptr);
    ~GenerationController() override;

    bool isBusy() const { return m_busy; }
    bool start(const QString &checkpoint, const QString &outputDir, const QString &prompt,
               quint64 seed, int steps, double guidance, int count);
    void cancel();

Q_SIGNALS:
    void progress(int done, int total);
    void finished(const QVector<GeneratedItem> &items, const QStringList &notes);
    void cancelled();
    void failed(const QString &message);
    void requestGenerate(const QString &checkpoint, const QString &outputDir, const QString &prompt,
                         quint64 seed, int steps, double guidance, int count);

private:
    QThread m_thread;
    GenerationWorker *m_worker;
    bool m_busy = false;
};
