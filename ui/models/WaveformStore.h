#pragma once

#include <QHash>
#include <QObject>
#include <QString>
#include <QVector>

// Waveform thumbnails by absolute path, filled by the import worker; shared by all views.
class WaveformStore : public QObject
{
    Q_OBJECT
public:
    struct Peaks
    {
        QVector<float> minima;
        QVector<float> maxima;
    };
    using QObject::QObject;

    void insert(const QString &path, Peaks peaks);
    const Peaks *find(const QString &path) const;
    void clear() { m_peaks.clear(); }

Q_SIGNALS:
    void updated(const QString &path);

private:
    QHash<QString, Peaks> m_peaks;
};
