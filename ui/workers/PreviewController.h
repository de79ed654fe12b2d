#pragma once

#include "facade/PreviewService.h"
#include "preview/PreviewResult.h"
#include "project/Project.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>

// Runs reward previews in the background, one at a time (QtConcurrent): generation, scoring
// and saving happen off the GUI thread through the torch-free PreviewService, which keeps the
// generator loaded between previews. Progress comes back queued; cancel() is an atomic flag
// checked between sampler steps. The destructor cancels and waits.
class PreviewController : public QObject
{
    Q_OBJECT
public:
    explicit PreviewController(QObject *parent = nullptr);
    ~PreviewController() override;

    bool isBusy() const { return m_watcher.isRunning(); }
    // False when a preview is running already.
    bool start(const dragon::Project &project, const QString &cacheDir, const QString &previewsDir,
               const dragon::PreviewRequest &request);
    void cancel() { m_cancel = true; }

Q_SIGNALS:
    void progress(const QString &stage, int done, int total);
    void finished(const dragon::PreviewResult &result, const QString &folder);
    void cancelled();
    void failed(const QString &message);

private:
    struct Outcome
    {
        bool done = false;
        dragon::PreviewResult result;
        std::string folder;
        std::string error;
    };
    void onFinished();

    std::shared_ptr<dragon::PreviewService> m_service;
    std::atomic<bool> m_cancel{false};
    QFutureWatcher<Outcome> m_watcher;
};
