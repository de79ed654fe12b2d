#include "playback/PlaybackController.h"

#include "audio/AudioError.h"
#include "audio/AudioFileReader.h"
#include "audio/PlaybackEngine.h"

#include <QtConcurrent/QtConcurrentRun>

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
    connect(&m_decoder, &QFutureWatcher<std::shared_ptr<dragon::AudioBuffer>>::finished, this,
            &PlaybackController::onDecoded);
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
    m_wantedPath = path;
    if (path.isEmpty() || path == m_loadedPath || m_decoder.isRunning())
        return; // a running decode starts the newest request when it ends
    startDecode(path);
}

void PlaybackController::startDecode(const QString &path)
{
    m_futurePath = path;
    const std::string file = path.toStdString();
    m_decoder.setFuture(QtConcurrent::run([file]() -> std::shared_ptr<dragon::AudioBuffer> {
        dragon::AudioReadOptions options;
        options.mixdownToMono = false;
        return std::make_shared<dragon::AudioBuffer>(dragon::AudioFileReader::read(file, options));
    }));
}

void PlaybackController::onDecoded()
{
    QString failure;
    try {
        m_loaded = m_decoder.result();
        m_loadedPath = m_futurePath;
    } catch (const std::exception &e) {
        failure = QString::fromStdString(e.what());
    }
    if (!failure.isEmpty() && m_futurePath == m_wantedPath) {
        m_playWhenLoaded = false;
        Q_EMIT error(tr("Cannot play %1").arg(failure));
        return;
    }
    if (!m_wantedPath.isEmpty() && m_wantedPath != m_loadedPath) {
        startDecode(m_wantedPath);
        return;
    }
    if (m_playWhenLoaded && m_loadedPath == m_wantedPath)
        startLoaded();
}

void PlaybackController::toggle(const QString &path)
{
    if (path.isEmpty())
        return;
    if (path == m_playingPath && m_engine->isPlaying()) {
        stop();
        return;
    }
    stop();
    if (!m_engine->available()) {
        Q_EMIT error(outputStatus());
        return;
    }
    m_wantedPath = path;
    if (path == m_loadedPath) {
        startLoaded();
        return;
    }
    m_playWhenLoaded = true;
    preload(path);
}

void PlaybackController::startLoaded()
{
    m_playWhenLoaded = false;
    if (!m_engine->load(m_loaded) || !m_engine->play()) {
        Q_EMIT error(QString::fromStdString(m_engine->lastError()));
        return;
    }
    m_playingPath = m_loadedPath;
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
