#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QTimer>
#include <memory>

namespace dragon {
class AudioBuffer;
class PlaybackEngine;
} // namespace dragon

// GUI-side owner of the core PlaybackEngine. Decodes clips in the background (preload() when an
// item is selected, so Space starts at once), toggles play/stop, and publishes the playhead at
// 30 Hz while playing. Works, and says so, when there is no audio output.
class PlaybackController : public QObject
{
    Q_OBJECT
public:
    explicit PlaybackController(QObject *parent = nullptr);
    ~PlaybackController() override;

    bool outputAvailable() const;
    QString outputStatus() const;

    void preload(const QString &path);
    // Plays `path` from the start, or stops it if it is the clip playing now.
    void toggle(const QString &path);
    void stop();
    void setLooping(bool looping);
    bool isPlaying() const;
    double positionSeconds() const;
    dragon::PlaybackEngine &engine() { return *m_engine; }

Q_SIGNALS:
    void positionChanged(const QString &path, double seconds, double duration);
    void playingChanged(const QString &path, bool playing);
    void error(const QString &message);

private:
    void startDecode(const QString &path);
    void onDecoded();
    void startLoaded();

    std::unique_ptr<dragon::PlaybackEngine> m_engine;
    QFutureWatcher<std::shared_ptr<dragon::AudioBuffer>> m_decoder;
    QString m_futurePath; // what the running (or last) decode reads
    QString m_wantedPath; // the newest request
    bool m_playWhenLoaded = false;
    QString m_loadedPath;
    std::shared_ptr<dragon::AudioBuffer> m_loaded;
    QString m_playingPath;
    QTimer m_ticker;
};
