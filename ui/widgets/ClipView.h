#pragma once

#include <QFutureWatcher>
#include <QImage>
#include <QString>
#include <QVector>
#include <QWidget>
#include <limits>

// One clip drawn for listening: its waveform (min/max peaks) above its log-mel spectrogram,
// its integrated loudness (EBU R128, of what the spectrogram shows) in the corner, and a
// playhead line that follows playback. The file is read and analysed on a worker thread
// (long exemplars do not stall the window); a file that cannot be read shows why.
class ClipView : public QWidget
{
    Q_OBJECT
public:
    explicit ClipView(QWidget *parent = nullptr);
    ~ClipView() override;

    void setClip(const QString &path); // "" clears
    QString clipPath() const { return m_path; }
    void setPlayhead(double seconds); // negative hides it
    double playhead() const { return m_playhead; }
    bool analysed() const { return !m_spectrogram.isNull(); }
    double durationSeconds() const { return m_duration; }
    // LUFS; -infinity for silence, NaN before analysis or when it failed.
    double loudnessLufs() const { return m_loudness; }
    QSize sizeHint() const override { return {480, 200}; }

Q_SIGNALS:
    void analysedChanged();

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    struct Analysis
    {
        QString path;
        QVector<float> minima, maxima;
        QImage spectrogram;
        double duration = 0;
        double loudness = std::numeric_limits<double>::quiet_NaN();
        QString error;
    };
    static Analysis analyse(const QString &path);
    void onAnalysed();

    QString m_path;
    QVector<float> m_minima, m_maxima;
    QImage m_spectrogram;
    double m_duration = 0;
    double m_loudness = std::numeric_limits<double>::quiet_NaN();
    double m_playhead = -1;
    QString m_error;
    QFutureWatcher<Analysis> m_watcher;
};
