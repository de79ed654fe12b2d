#include "workers/TrainingController.h"

#include "facade/TrainingService.h"
#include "workers/ThreadHandover.h"

#include <QDateTime>
#include <QMetaObject>
#include <QPointer>

TrainingController::TrainingController(QObject *parent)
    : QObject(parent), m_service(std::make_unique<dragon::TrainingService>())
{
    qRegisterMetaType<dragon::RoundStats>();
    qRegisterMetaType<dragon::EvalStats>();
    qRegisterMetaType<dragon::AuditionClip>();
}

void TrainingController::stopAndWait()
{
    m_service->setPaused(false);
    m_service->stop();
    m_service->wait();
}

TrainingController::~TrainingController()
{
    m_service->stop();
    m_service->wait();
}

bool TrainingController::isRunning() const
{
    return m_service->isRunning();
}

bool TrainingController::isPaused() const
{
    return m_service->isPaused();
}

bool TrainingController::start(const dragon::DragonConfig &config, const QString &runDir)
{
    // Callbacks run on the training thread: hop to the GUI thread with queued calls. QPointer
    // guards against a controller destroyed before the queue drains.
    QPointer<TrainingController> self(this);
    auto post = [self](auto fn) {
        if (self)
            ThreadHandover::post(self.data(), std::move(fn));
    };
    dragon::DragonCallbacks callbacks;
    callbacks.round = [=](const dragon::RoundStats &s) {
        post([self, s] {
            if (self)
                Q_EMIT self->roundFinished(s);
        });
    };
    callbacks.eval = [=](const dragon::EvalStats &e) {
        post([self, e] {
            if (self)
                Q_EMIT self->evalFinished(e);
        });
    };
    callbacks.audition = [=](const dragon::AuditionClip &c) {
        post([self, c] {
            if (self)
                Q_EMIT self->audition(c);
        });
    };
    callbacks.log = [=](const std::string &m) {
        const QString text = QString::fromStdString(m);
        post([self, text] {
            if (self)
                Q_EMIT self->message(text);
        });
    };
    callbacks.progress = [=](const std::string &phase, int done, int total) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (done < total && now - m_lastProgressMs < 50)
            return; // bounded update rate
        m_lastProgressMs = now;
        const QString p = QString::fromStdString(phase);
        post([self, p, done, total] {
            if (self)
                Q_EMIT self->progress(p, done, total);
        });
    };
    return m_service->start(config, runDir.toStdString(), callbacks,
                            [=](const dragon::TrainingService::Outcome &o) {
                                const QString error = QString::fromStdString(o.error);
                                post([self, o, error] {
                                    if (self)
                                        Q_EMIT self->finished(o.rounds, o.stopped, error);
                                });
                            });
}

void TrainingController::stop()
{
    m_service->stop();
}

void TrainingController::setPaused(bool paused)
{
    m_service->setPaused(paused);
}
