#include "workers/EmbeddingWorker.h"

#include "encoders/EmbeddingCache.h"
#include "encoders/EncoderFactory.h"
#include "encoders/ExemplarSetEmbedder.h"

#include <QDir>
#include <QElapsedTimer>

EmbeddingWorker::EmbeddingWorker() = default;
EmbeddingWorker::~EmbeddingWorker() = default;

dragon::Encoder *EmbeddingWorker::encoder(const QString &spec)
{
    auto &slot = m_encoders[spec.toStdString()];
    if (!slot)
        slot = dragon::createEncoder(spec.toStdString());
    return slot.get();
}

void EmbeddingWorker::loadEncoder(const QString &spec)
{
    try {
        dragon::Encoder *e = encoder(spec);
        Q_EMIT encoderLoaded({spec, QString::fromStdString(e->id()),
                              QString::fromStdString(e->displayName()), e->dimension(),
                              e->hasTextTower(), QString::fromStdString(e->integrityWarning())});
    } catch (const std::exception &e) {
        m_encoders.erase(spec.toStdString());
        Q_EMIT encoderFailed(spec, QString::fromUtf8(e.what()));
    }
}

void EmbeddingWorker::embedSet(const dragon::ExemplarSet &set, const QString &encoderSpec,
                               const QString &cacheDir)
{
    const QString setId = QString::fromStdString(set.id);
    QElapsedTimer timer;
    timer.start();
    try {
        dragon::Encoder *e = encoder(encoderSpec);
        QDir().mkpath(cacheDir);
        dragon::EmbeddingCache cache(cacheDir.toStdString());
        const auto result = dragon::ExemplarSetEmbedder::embed(
            set, *e, &cache,
            [&](const dragon::EmbeddingProgress &p) {
                Q_EMIT progress(setId, p.done, p.total, p.cacheHits);
            },
            &m_cancel);
        if (result.cancelled) {
            Q_EMIT cancelled(setId);
            return;
        }
        EmbeddingSummary summary;
        summary.setId = setId;
        summary.encoderId = QString::fromStdString(result.encoderId);
        summary.embedded = int(result.audio.size());
        summary.texts = int(result.text.size());
        summary.cacheHits = result.cacheHits;
        for (const auto &[item, reason] : result.problems)
            summary.problems << QString::fromStdString(item) + ": " +
                                    QString::fromStdString(reason);
        summary.unknownWords = QString::fromStdString(
            dragon::ExemplarSetEmbedder::unknownWordsNote(result, encoderSpec.toStdString()));
        summary.seconds = timer.elapsed() / 1000.0;
        Q_EMIT finished(summary);
    } catch (const std::exception &e) {
        Q_EMIT failed(setId, QString::fromUtf8(e.what()));
    }
}
