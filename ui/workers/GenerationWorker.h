#pragma once

#include <QObject>
#include <QString>
#include <QVector>
#include <atomic>
#include <memory>

namespace dragon {
class GeneratorService;
}

// One generated clip as the GUI keeps it: a WAV file (with a JSON sidecar) plus its settings.
struct GeneratedItem
{
    QString path;
    QString prompt;
    quint64 seed = 0;
    int steps = 0;
    double guidance = 0.0;
    double seconds = 0.0;
};
Q_DECLARE_METATYPE(GeneratedItem)
Q_DECLARE_METATYPE(QVector<GeneratedItem>)

// Lives on the generation thread (see GenerationController). Loads the model on first use,
// generates, writes each clip to `outputDir` and reports back; cancel is checked every step.
class GenerationWorker : public QObject
{
    Q_OBJECT
public:
    GenerationWorker();
    ~GenerationWorker() override;
    void cancel() { m_cancel = true; }
    void resetCancel() { m_cancel = false; }

public Q_SLOTS:
    void generate(const QString &checkpoint, const QString &outputDir, const QString &prompt,
                  quint64 seed, int steps, double guidance, int count);

Q_SIGNALS:
    void progress(int done, int total);
    void finished(const QVector<GeneratedItem> &items, const QStringList &notes);
    void cancelled();
    void failed(const QString &message);

private:
    std::unique_ptr<dragon::GeneratorService> m_service;
    QString m_loadedCheckpoint;
    std::atomic<bool> m_cancel{false};
};
