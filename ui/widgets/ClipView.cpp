#include "widgets/ClipView.h"

#include "audio/AudioFileReader.h"
#include "audio/Loudness.h"
#include "audio/WaveformPeaks.h"
#include "facade/Spectrogram.h"
#include "workers/ThreadHandover.h"

#include <QFontMetrics>
#include <QPainter>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <cmath>

namespace {

constexpr int kPeakBins = 600;
constexpr double kMaxSpectrogramSeconds = 120.0; // long exemplars: the first two minutes

// A perceptual dark-to-bright ramp (close to "magma"), t in [0, 1].
QRgb ramp(double t)
{
    t = std::clamp(t, 0.0, 1.0);
    const int r = int(255 * std::clamp(1.6 * t - 0.05, 0.0, 1.0));
    const int g = int(255 * std::clamp(1.5 * t * t, 0.0, 1.0));
    const int b = int(255 * std::clamp(0.35 + 0.9 * t - 1.1 * t * t + 0.7 * t * t * t, 0.0, 1.0));
    return qRgb(r, g, b);
}

} // namespace

ClipView::ClipView(QWidget *parent) : QWidget(parent)
{
    setObjectName("clipView");
    setMinimumHeight(110); // waveform and spectrogram still readable; fits a 768-px screen
    ThreadHandover::onTaskFinished(&m_watcher, this, &ClipView::onAnalysed);
}

ClipView::~ClipView()
{
    m_watcher.waitForFinished();
}

ClipView::Analysis ClipView::analyse(const QString &path)
{
    Analysis a;
    a.path = path;
    try {
        const std::string file = path.toStdString();
        const auto peaks = dragon::WaveformPeaks::fromFile(file, kPeakBins);
        a.minima = QVector<float>(peaks.minima.begin(), peaks.minima.end());
        a.maxima = QVector<float>(peaks.maxima.begin(), peaks.maxima.end());
        dragon::AudioBuffer audio = dragon::AudioFileReader::read(file);
        a.duration = audio.durationSeconds();
        const auto shownFrames = std::size_t(kMaxSpectrogramSeconds * audio.sampleRate());
        if (audio.frames() > shownFrames)
            audio = audio.cropOrPad(0, shownFrames);
        if (dragon::Loudness::available())
            a.loudness = dragon::Loudness::integratedLufs(audio);
        const dragon::SpectrogramImage image = dragon::computeLogMelImage(audio);
        if (image.frames > 0 && image.mels > 0) {
            QImage img(image.frames, image.mels, QImage::Format_RGB32);
            const auto [lo, hi] = std::minmax_element(image.values.begin(), image.values.end());
            const double top = *hi, floor = std::max(double(*lo), top - 8.0); // 8 nepers of range
            for (int m = 0; m < image.mels; ++m) {
                auto *line = reinterpret_cast<QRgb *>(img.scanLine(image.mels - 1 - m));
                for (int f = 0; f < image.frames; ++f) {
                    const double v =
                        image.values[std::size_t(m) * std::size_t(image.frames) + std::size_t(f)];
                    line[f] = ramp(top > floor ? (v - floor) / (top - floor) : 0.0);
                }
            }
            a.spectrogram = img;
        }
    } catch (const std::exception &e) {
        a.error = QString::fromStdString(e.what());
    }
    return a;
}

void ClipView::setClip(const QString &path)
{
    if (path == m_path)
        return;
    m_path = path;
    m_minima.clear();
    m_maxima.clear();
    m_spectrogram = QImage();
    m_duration = 0;
    m_playhead = -1;
    m_error.clear();
    update();
    if (path.isEmpty())
        return;
    if (m_watcher.isRunning())
        return; // onAnalysed starts the newest clip
    m_watcher.setFuture(
        QtConcurrent::run(ThreadHandover::task(&m_watcher, [path] { return analyse(path); })));
}

void ClipView::onAnalysed()
{
    Analysis a = m_watcher.result();
    if (a.path != m_path) {
        if (!m_path.isEmpty())
            m_watcher.setFuture(QtConcurrent::run(
                ThreadHandover::task(&m_watcher, [path = m_path] { return analyse(path); })));
        return;
    }
    m_minima = a.minima;
    m_maxima = a.maxima;
    m_spectrogram = a.spectrogram;
    m_duration = a.duration;
    m_loudness = a.loudness;
    m_error = a.error;
    update();
    Q_EMIT analysedChanged();
}

void ClipView::setPlayhead(double seconds)
{
    m_playhead = seconds;
    update();
}

void ClipView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), QColor(24, 24, 28));
    const QRect wave(0, 0, width(), height() * 3 / 10);
    const QRect spec(0, wave.bottom() + 2, width(), height() - wave.height() - 2);
    if (!m_error.isEmpty()) {
        p.setPen(QColor(255, 120, 120));
        p.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap, m_error);
        return;
    }
    if (m_path.isEmpty() || m_maxima.isEmpty()) {
        p.setPen(QColor(160, 160, 170));
        p.drawText(rect(), Qt::AlignCenter,
                   m_path.isEmpty() ? tr("Select a clip to see and hear it") : tr("Reading…"));
        return;
    }
    p.setPen(QColor(120, 190, 255));
    const int bins = int(m_maxima.size());
    const double mid = wave.center().y(), half = wave.height() / 2.0 - 1;
    for (int x = 0; x < wave.width(); ++x) {
        const int b = std::min(bins - 1, x * bins / std::max(1, wave.width()));
        p.drawLine(QPointF(x, mid - m_maxima[b] * half), QPointF(x, mid - m_minima[b] * half));
    }
    if (!m_spectrogram.isNull()) {
        // The spectrogram covers at most kMaxSpectrogramSeconds of the clip.
        const double shown =
            m_duration > 0 ? std::min(1.0, kMaxSpectrogramSeconds / m_duration) : 1.0;
        p.drawImage(QRectF(spec.left(), spec.top(), spec.width() * shown, spec.height()),
                    m_spectrogram);
    }
    if (!std::isnan(m_loudness)) {
        // The clip's loudness in the waveform's top-right corner, so D+ and D- (or base and
        // tuned) can be compared by level as well as by ear.
        const QString text =
            std::isfinite(m_loudness)
                ? tr("%1 LUFS").arg(m_loudness, 0, 'f', 1).replace('-', QChar(0x2212))
                : tr("silent");
        QFont small = font();
        small.setPointSizeF(std::max(6.0, small.pointSizeF() - 1));
        p.setFont(small);
        const QRect box = QFontMetrics(small).boundingRect(text).adjusted(-4, -1, 4, 1);
        const QRect placed(wave.right() - box.width() - 4, wave.top() + 3, box.width(),
                           box.height());
        p.fillRect(placed, QColor(24, 24, 28, 200));
        p.setPen(QColor(220, 220, 228));
        p.drawText(placed, Qt::AlignCenter, text);
    }
    if (m_playhead >= 0 && m_duration > 0) {
        const double x = std::clamp(m_playhead / m_duration, 0.0, 1.0) * width();
        p.setPen(QPen(QColor(255, 255, 255), 2));
        p.drawLine(QPointF(x, 0), QPointF(x, height()));
    }
}
