#include "workers/CompareController.h"

CompareController::CompareController(QObject *parent)
    : QObject(parent), m_service(std::make_shared<dragon::CompareService>()), m_task(this)
{
}

bool CompareController::start(const dragon::CompareRequest &request)
{
    auto service = m_service;
    return m_task.start([service, request](const dragon::CompareService::Progress &report,
                                           const std::atomic<bool> *cancel,
                                           dragon::CompareResult &result, std::string &folder) {
        return service->run(request, report, cancel, result, folder);
    });
}
