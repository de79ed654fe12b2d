#include "playback/PlaybackController.h"

#include "audio/AudioError.h"
#include "audio/AudioFileReader.h"
#include "audio/PlaybackEngine.h"
#include "workers/ThreadHandover.h"

#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>

PlaybackController::PlaybackController(QObject *parent)
    : QObject(parent), m_engine(std::make_unique<dragon::PlaybackEngine>())
{
    m_ticker.setInterval(33);
    connect(&m_ticker, &QTimer::timeout, this, [this] {
        if (m_playingPath.isEmpty())
            return;
        Q_EMIT positionChanged(m_playingPath, m_engine->positionSeconds(),
                               m_engine->durationSeconds());
        if (!m_engine->isPlaying())
            stop();
    });
    ThreadHandover::onTaskFinished(&m_decoder, this, &PlaybackController::onDecoded);
}

PlaybackController::~PlaybackController()
{
    m_decoder.waitForFinished();
}

bool PlaybackController::outputAvailable() const
{
    return m_engine->available();
}

QString PlaybackController::outputStatus() const
{
    return QString::fromStdString(m_engine->statusMessage());
}

bool PlaybackController::isPlaying() const
{
    return !m_playingPath.isEmpty() && m_engine->isPlaying();
}

double PlaybackController::positionSeconds() const
{
    return m_engine->positionSeconds();
}

void PlaybackController::preload(const QString &path)
{
    if (path.isEmpty() || cached(path) || m_queue.contains(path) ||
        (m_decoder.isRunning() && m_futurePath == path))
        return;
    m_queue << path;
    if (!m_decoder.isRunning())
        startDecode(m_queue.takeFirst());
}

std::shared_ptr<dragon::AudioBuffer> PlaybackController::cached(const QString &path) const
{
    for (const auto &entry : m_cache)
        if (entry.first == path)
            return entry.second;
    return nullptr;
}

void PlaybackController::startDecode(const QString &path)
{
    m_futurePath = path;
    const std::string file = path.toStdString();
    m_decoder.setFuture(QtConcurrent::run(ThreadHandover::task(&m_decoder, [file]() -> Decoded {
        Decoded decoded;
        try {
            dragon::AudioReadOptions options;
            options.mixdownToMono = false;
            decoded.audio =
                std::make_shared<dragon::AudioBuffer>(dragon::AudioFileReader::read(file, options));
        } catch (const std::exception &e) {
            decoded.error = QString::fromStdString(e.what());
        }
        return decoded;
    })));
}

void PlaybackController::onDecoded()
{
    const Decoded decoded = m_decoder.result();
    if (decoded.audio) {
        m_cache.append({m_futurePath, decoded.audio});
        while (m_cache.size() > kCached)
            m_cache.removeFirst();
    } else if (m_futurePath == m_wantedPath && m_playWhenLoaded) {
        m_playWhenLoaded = false;
        Q_EMIT error(tr("Cannot play %1").arg(decoded.error));
    }
    if (m_playWhenLoaded && m_futurePath == m_wantedPath)
        startLoaded();
    if (!m_queue.isEmpty())
        startDecode(m_queue.takeFirst());
}

void PlaybackController::toggle(const QString &path)
{
    if (path.isEmpty())
        return;
    if (path == m_playingPath && m_engine->isPlaying()) {
        stop();
        return;
    }
    playFrom(path, 0.0);
}

void PlaybackController::playFrom(const QString &path, double seconds)
{
    if (path.isEmpty())
        return;
    stop();
    if (!m_engine->available()) {
        Q_EMIT error(outputStatus());
        return;
    }
    m_wantedPath = path;
    m_startAt = seconds;
    if (cached(path)) {
        startLoaded();
        return;
    }
    m_playWhenLoaded = true;
    m_queue.removeAll(path);
    if (m_decoder.isRunning() && m_futurePath == path)
        return;            // starts when that decode ends
    m_queue.prepend(path); // before anything merely preloaded
    if (!m_decoder.isRunning())
        startDecode(m_queue.takeFirst());
}

void PlaybackController::switchTo(const QString &path)
{
    double position = 0.0;
    if (isPlaying()) {
        m_engine->stop();
        position = m_engine->positionSeconds();
    }
    Q_EMIT switched(path, position);
    playFrom(path, position);
}

void PlaybackController::startLoaded()
{
    m_playWhenLoaded = false;
    const auto clip = cached(m_wantedPath);
    if (!clip || !m_engine->load(clip)) {
        Q_EMIT error(QString::fromStdString(m_engine->lastError()));
        return;
    }
    if (m_startAt > 0.0)
        m_engine->seek(std::min(m_startAt, std::max(0.0, m_engine->durationSeconds() - 0.01)));
    if (!m_engine->play()) {
        Q_EMIT error(QString::fromStdString(m_engine->lastError()));
        return;
    }
    m_playingPath = m_wantedPath;
    m_ticker.start();
    Q_EMIT playingChanged(m_playingPath, true);
}

void PlaybackController::stop()
{
    m_playWhenLoaded = false;
    if (m_playingPath.isEmpty())
        return;
    m_engine->stop();
    m_ticker.stop();
    const QString path = m_playingPath;
    m_playingPath.clear();
    Q_EMIT positionChanged(path, 0.0, m_engine->durationSeconds());
    Q_EMIT playingChanged(path, false);
}

void PlaybackController::setLooping(bool looping)
{
    m_engine->setLooping(looping);
}
