#include "workers/PreviewController.h"

PreviewController::PreviewController(QObject *parent)
    : QObject(parent), m_service(std::make_shared<dragon::PreviewService>()), m_task(this)
{
}

bool PreviewController::start(const dragon::Project &project, const QString &cacheDir,
                              const QString &previewsDir, const dragon::PreviewRequest &request)
{
    auto service = m_service;
    const std::string cache = cacheDir.toStdString(), previews = previewsDir.toStdString();
    return m_task.start([service, project, cache, previews,
                         request](const dragon::PreviewService::Progress &report,
                                  const std::atomic<bool> *cancel, dragon::PreviewResult &result,
                                  std::string &folder) {
        return service->run(project, cache, previews, request, report, cancel, result, folder);
    });
}
