#pragma once

#include "facade/CompareService.h"
#include "preview/CompareResult.h"
#include "workers/BackgroundTask.h"

#include <QObject>
#include <QString>
#include <memory>

// Runs base-vs-tuned comparisons in the background, one at a time (a BackgroundTask), through
// the torch-free CompareService, which keeps the run's models loaded between comparisons.
// Progress comes back queued; cancel() is checked between sampler steps. The destructor cancels
// and waits.
class CompareController : public QObject
{
    Q_OBJECT
public:
    explicit CompareController(QObject *parent = nullptr);

    bool isBusy() const { return m_task.isBusy(); }
    // False when a comparison is running already.
    bool start(const dragon::CompareRequest &request);
    void cancel() { m_task.cancel(); }

Q_SIGNALS:
    void progress(const QString &stage, int done, int total);
    void finished(const dragon::CompareResult &result, const QString &folder);
    void cancelled();
    void failed(const QString &message);

private:
    std::shared_ptr<dragon::CompareService> m_service;
    BackgroundTask<dragon::CompareResult> m_task;
};
