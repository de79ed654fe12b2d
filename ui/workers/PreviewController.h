#pragma once

#include "facade/PreviewService.h"
#include "preview/PreviewResult.h"
#include "project/Project.h"
#include "workers/BackgroundTask.h"

#include <QObject>
#include <QString>
#include <memory>

// Runs reward previews in the background, one at a time (a BackgroundTask): generation, scoring
// and saving happen off the GUI thread through the torch-free PreviewService, which keeps the
// generator loaded between previews. Progress comes back queued; cancel() is checked between
// sampler steps. The destructor cancels and waits.
class PreviewController : public QObject
{
    Q_OBJECT
public:
    explicit PreviewController(QObject *parent = nullptr);

    bool isBusy() const { return m_task.isBusy(); }
    // False when a preview is running already.
    bool start(const dragon::Project &project, const QString &cacheDir, const QString &previewsDir,
               const dragon::PreviewRequest &request);
    void cancel() { m_task.cancel(); }

Q_SIGNALS:
    void progress(const QString &stage, int done, int total);
    void finished(const dragon::PreviewResult &result, const QString &folder);
    void cancelled();
    void failed(const QString &message);

private:
    std::shared_ptr<dragon::PreviewService> m_service;
    BackgroundTask<dragon::PreviewResult> m_task;
};
