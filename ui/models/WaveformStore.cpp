#include "models/WaveformStore.h"

void WaveformStore::insert(const QString &path, Peaks peaks)
{
    m_peaks.emplace(path, std::move(peaks));
    Q_EMIT updated(path);
}

const WaveformStore::Peaks *WaveformStore::find(const QString &path) const
{
    const auto it = m_peaks.constFind(path);
    return it == m_peaks.constEnd() ? nullptr : &it.value();
}
