#pragma once

#include "project/Project.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <map>
#include <memory>
#include <string>

namespace dragon {
class Encoder;
}

// What the GUI keeps of one set's embedding pass.
struct EmbeddingSummary
{
    QString setId;
    QString encoderId;
    int embedded = 0; // audio items with an embedding
    int texts = 0;    // text items embedded by the text tower
    int cacheHits = 0;
    QStringList problems; // "item: reason"
    QString unknownWords; // ExemplarSetEmbedder::unknownWordsNote, "" when none
    double seconds = 0.0;
};
Q_DECLARE_METATYPE(EmbeddingSummary)

// What an encoder is, once loaded (validated) on the worker thread.
struct EncoderInfo
{
    QString spec, id, name;
    int dimension = 0;
    bool textTower = false;
    QString integrityWarning; // empty: verified or built in
};
Q_DECLARE_METATYPE(EncoderInfo)

// Lives on the embedding thread (see EmbeddingController). Encoders are loaded there (a plug-in
// runs its probe inputs at load time) and kept by spec; sets are embedded through the project's
// embedding cache. Cancel is checked between items.
class EmbeddingWorker : public QObject
{
    Q_OBJECT
public:
    EmbeddingWorker();
    ~EmbeddingWorker() override;
    void cancel() { m_cancel = true; }
    void resetCancel() { m_cancel = false; }

public Q_SLOTS:
    void loadEncoder(const QString &spec);
    void embedSet(const dragon::ExemplarSet &set, const QString &encoderSpec,
                  const QString &cacheDir);

Q_SIGNALS:
    void encoderLoaded(const EncoderInfo &info);
    void encoderFailed(const QString &spec, const QString &message);
    void progress(const QString &setId, int done, int total, int cacheHits);
    void finished(const EmbeddingSummary &summary);
    void cancelled(const QString &setId);
    void failed(const QString &setId, const QString &message);

private:
    dragon::Encoder *encoder(const QString &spec); // throws EncoderError
    std::map<std::string, std::unique_ptr<dragon::Encoder>> m_encoders;
    std::atomic<bool> m_cancel{false};
};
