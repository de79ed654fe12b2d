#include "workers/CompareController.h"

#include "workers/ThreadHandover.h"

#include <QtConcurrent/QtConcurrentRun>
#include <exception>

CompareController::CompareController(QObject *parent)
    : QObject(parent), m_service(std::make_shared<dragon::CompareService>())
{
    ThreadHandover::onTaskFinished(&m_watcher, this, &CompareController::onFinished);
}

CompareController::~CompareController()
{
    m_cancel = true;
    m_watcher.waitForFinished();
}

bool CompareController::start(const dragon::CompareRequest &request)
{
    if (isBusy())
        return false;
    m_cancel = false;
    auto service = m_service;
    std::atomic<bool> *cancelFlag = &m_cancel;
    m_watcher.setFuture(QtConcurrent::run(ThreadHandover::task(&m_watcher, [=]() {
        Outcome outcome;
        // Posted to this object: the destructor waits for this task, and posted calls die
        // with the object.
        const auto report = [this](const std::string &stage, int done, int total) {
            const QString text = QString::fromStdString(stage);
            ThreadHandover::post(this,
                                 [this, text, done, total] { Q_EMIT progress(text, done, total); });
        };
        try {
            outcome.done =
                service->run(request, report, cancelFlag, outcome.result, outcome.folder);
        } catch (const std::exception &error) {
            outcome.error = error.what();
        }
        return outcome;
    })));
    return true;
}

void CompareController::onFinished()
{
    const Outcome outcome = m_watcher.result();
    if (!outcome.error.empty())
        Q_EMIT failed(QString::fromStdString(outcome.error));
    else if (!outcome.done)
        Q_EMIT cancelled();
    else
        Q_EMIT finished(outcome.result, QString::fromStdString(outcome.folder));
}
