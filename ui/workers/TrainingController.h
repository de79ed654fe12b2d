#pragma once

#include "dragon/DragonConfig.h"
#include "dragon/DragonEvents.h"

#include <QObject>
#include <QString>
#include <memory>

namespace dragon {
class TrainingService;
}

Q_DECLARE_METATYPE(dragon::RoundStats)
Q_DECLARE_METATYPE(dragon::EvalStats)
Q_DECLARE_METATYPE(dragon::AuditionClip)

// The GUI side of a DRAGON run: owns a TrainingService (its own thread) and turns its callbacks
// into queued signals on the GUI thread. Progress is rate-limited to ~20 updates a second.
// stop() is a direct call (an atomic flag); the destructor stops and waits.
class TrainingController : public QObject
{
    Q_OBJECT
public:
    explicit TrainingController(QObject *parent = nullptr);
    ~TrainingController() override;

    bool isRunning() const;
    bool isPaused() const;
    bool start(const dragon::DragonConfig &config, const QString &runDir);
    void stop();
    // Stops and returns when the run's thread has ended (within about a second; the newest
    // checkpoint stays on disk, so the run can be continued).
    void stopAndWait();
    void setPaused(bool paused);

Q_SIGNALS:
    void roundFinished(const dragon::RoundStats &stats);
    void evalFinished(const dragon::EvalStats &stats);
    void audition(const dragon::AuditionClip &clip);
    void progress(const QString &phase, int done, int total);
    void message(const QString &text);
    void finished(int rounds, bool stopped, const QString &error);

private:
    std::unique_ptr<dragon::TrainingService> m_service;
    qint64 m_lastProgressMs = 0;
};
