#pragma once

#include <QMetaType>
#include <QString>
#include <QVector>

// One audio file as the import worker saw it: header facts and a waveform summary.
struct ImportedFile
{
    QString path;
    double durationSeconds = 0.0;
    int sampleRate = 0;
    int channels = 0;
    QVector<float> minima;
    QVector<float> maxima;
};

Q_DECLARE_METATYPE(ImportedFile)
Q_DECLARE_METATYPE(QVector<ImportedFile>)
