#pragma once

#include "facade/CompareService.h"
#include "preview/CompareResult.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>

// Runs base-vs-tuned comparisons in the background, one at a time (QtConcurrent), through the
// torch-free CompareService, which keeps the run's models loaded between comparisons. Progress
// comes back queued; cancel() is an atomic flag checked between sampler steps. The destructor
// cancels and waits.
class CompareController : public QObject
{
    Q_OBJECT
public:
    explicit CompareController(QObject *parent = nullptr);
    ~CompareController() override;

    bool isBusy() const { return m_watcher.isRunning(); }
    // False when a comparison is running already.
    bool start(const dragon::CompareRequest &request);
    void cancel() { m_cancel = true; }

Q_SIGNALS:
    void progress(const QString &stage, int done, int total);
    void finished(const dragon::CompareResult &result, const QString &folder);
    void cancelled();
    void failed(const QString &message);

private:
    struct Outcome
    {
        bool done = false;
        dragon::CompareResult result;
        std::string folder;
        std::string error;
    };
    void onFinished();

    std::shared_ptr<dragon::CompareService> m_service;
    std::atomic<bool> m_cancel{false};
    QFutureWatcher<Outcome> m_watcher;
};
