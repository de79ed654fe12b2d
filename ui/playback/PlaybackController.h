#pragma once

#include <QFutureWatcher>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <memory>

namespace dragon {
class AudioBuffer;
class PlaybackEngine;
} // namespace dragon

// GUI-side owner of the core PlaybackEngine. Decodes clips in the background (preload() when an
// item is selected, so Space starts at once; the last kCached decoded clips are kept, so A/B
// switches between two preloaded clips start at once), toggles play/stop, starts a clip at a
// given position (playFrom: the A/B switch), and publishes the playhead at 30 Hz while
// playing. Works, and says so, when there is no audio output.
class PlaybackController : public QObject
{
    Q_OBJECT
public:
    explicit PlaybackController(QObject *parent = nullptr);
    ~PlaybackController() override;

    bool outputAvailable() const;
    QString outputStatus() const;

    static constexpr int kCached = 6;

    void preload(const QString &path);
    // Plays `path` from the start, or stops it if it is the clip playing now.
    void toggle(const QString &path);
    // Plays `path` from `seconds` (clamped to the clip), whatever plays now.
    void playFrom(const QString &path, double seconds);
    // The A/B switch: stops what plays, then plays `path` from the position where it stopped
    // (read after the stop, so no audio is skipped); from the start when nothing plays.
    void switchTo(const QString &path);
    QString playingPath() const { return m_playingPath; }
    void stop();
    void setLooping(bool looping);
    bool isPlaying() const;
    double positionSeconds() const;
    dragon::PlaybackEngine &engine() { return *m_engine; }

Q_SIGNALS:
    void positionChanged(const QString &path, double seconds, double duration);
    void playingChanged(const QString &path, bool playing);
    void error(const QString &message);
    // switchTo stopped the previous clip `seconds` into it and starts `path` there.
    void switched(const QString &path, double seconds);

private:
    void startDecode(const QString &path);
    void onDecoded();
    void startLoaded();
    std::shared_ptr<dragon::AudioBuffer> cached(const QString &path) const;

    // A background decode's outcome: the audio, or why there is none. The task never throws:
    // an exception stored in the future would be thrown again by waitForFinished() in the
    // destructor, which ends the program (a clip deleted while selected did so at quit).
    struct Decoded
    {
        std::shared_ptr<dragon::AudioBuffer> audio;
        QString error;
    };

    std::unique_ptr<dragon::PlaybackEngine> m_engine;
    QFutureWatcher<Decoded> m_decoder;
    QString m_futurePath; // what the running (or last) decode reads
    QStringList m_queue;  // paths waiting to be decoded, oldest first
    QString m_wantedPath; // the newest request
    bool m_playWhenLoaded = false;
    double m_startAt = 0.0; // where the wanted clip starts
    QList<QPair<QString, std::shared_ptr<dragon::AudioBuffer>>> m_cache; // newest last
    QString m_playingPath;
    QTimer m_ticker;
};
