#pragma once

#include "workers/ThreadHandover.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QtConcurrent/QtConcurrentRun>
#include <atomic>
#include <exception>
#include <functional>
#include <string>
#include <utility>

// One background job at a time on QtConcurrent for a controller (its owner): the job gets a
// progress callback, a cancel flag checked between steps, and fills a Result and the folder it
// wrote. Progress, and then exactly one of finished / cancelled / failed (an exception's
// message), come back on the owner's thread. Held as a member of the owner: its destructor
// cancels and waits, so no job outlives the owner, and progress posted to the owner dies with
// it.
template <typename Result> class BackgroundTask
{
public:
    using Report = std::function<void(const std::string &stage, int done, int total)>;

    // Reports through the owner's signals progress(stage, done, total), finished(result,
    // folder), cancelled() and failed(message).
    template <typename Owner>
    explicit BackgroundTask(Owner *owner)
        : m_owner(owner), m_handlers{
                              [owner](const QString &stage, int done, int total) {
                                  Q_EMIT owner->progress(stage, done, total);
                              },
                              [owner](const Result &result, const QString &folder) {
                                  Q_EMIT owner->finished(result, folder);
                              },
                              [owner] { Q_EMIT owner->cancelled(); },
                              [owner](const QString &message) { Q_EMIT owner->failed(message); }}
    {
        ThreadHandover::onTaskFinished(&m_watcher, m_owner, [this] { onFinished(); });
    }
    ~BackgroundTask()
    {
        m_cancel = true;
        m_watcher.waitForFinished();
    }
    BackgroundTask(const BackgroundTask &) = delete;
    BackgroundTask &operator=(const BackgroundTask &) = delete;

    bool isBusy() const { return m_watcher.isRunning(); }
    void cancel() { m_cancel = true; }

    // `work(report, cancelFlag, result, folder)` returns true when done, false when cancelled;
    // it runs on the pool, so it must capture by value. False when a job is running already.
    template <typename Work> bool start(Work work)
    {
        if (isBusy())
            return false;
        m_cancel = false;
        QObject *owner = m_owner;
        const auto onProgress = m_handlers.progress;
        const Report report = [owner, onProgress](const std::string &stage, int done, int total) {
            const QString text = QString::fromStdString(stage);
            ThreadHandover::post(
                owner, [onProgress, text, done, total] { onProgress(text, done, total); });
        };
        const std::atomic<bool> *cancelFlag = &m_cancel;
        m_watcher.setFuture(QtConcurrent::run(
            ThreadHandover::task(&m_watcher, [work = std::move(work), report, cancelFlag]() {
                Outcome outcome;
                try {
                    outcome.done = work(report, cancelFlag, outcome.result, outcome.folder);
                } catch (const std::exception &error) {
                    outcome.error = error.what();
                }
                return outcome;
            })));
        return true;
    }

private:
    struct Handlers
    {
        std::function<void(const QString &stage, int done, int total)> progress;
        std::function<void(const Result &result, const QString &folder)> finished;
        std::function<void()> cancelled;
        std::function<void(const QString &message)> failed;
    };
    struct Outcome
    {
        bool done = false;
        Result result;
        std::string folder;
        std::string error;
    };

    void onFinished()
    {
        const Outcome outcome = m_watcher.result();
        if (!outcome.error.empty())
            m_handlers.failed(QString::fromStdString(outcome.error));
        else if (!outcome.done)
            m_handlers.cancelled();
        else
            m_handlers.finished(outcome.result, QString::fromStdString(outcome.folder));
    }

    QObject *m_owner;
    Handlers m_handlers;
    std::atomic<bool> m_cancel{false};
    QFutureWatcher<Outcome> m_watcher;
};
