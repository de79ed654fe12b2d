#include "workers/GenerationWorker.h"

#include "audio/AudioFileWriter.h"
#include "facade/GeneratorService.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

GenerationWorker::GenerationWorker() = default;
GenerationWorker::~GenerationWorker() = default;

void GenerationWorker::generate(const QString &checkpoint, const QString &outputDir,
                                const QString &prompt, quint64 seed, int steps, double guidance,
                                int count)
{
    try {
        if (!m_service || m_loadedCheckpoint != checkpoint) {
            m_service = dragon::GeneratorService::loadPocket(checkpoint.toStdString());
            m_loadedCheckpoint = checkpoint;
        }
        dragon::GenerationRequest request;
        request.prompt = prompt.toStdString();
        request.seed = seed;
        request.steps = steps;
        request.guidance = float(guidance);
        request.count = count;
        QStringList notes;
        for (const auto &m : m_service->check(request).messages)
            notes << QString::fromStdString(m);
        const auto clips = m_service->generate(
            request, [this](int done, int total) { Q_EMIT progress(done, total); }, &m_cancel);
        if (clips.empty()) {
            Q_EMIT cancelled();
            return;
        }
        QDir().mkpath(outputDir);
        const QString stamp = QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss");
        QVector<GeneratedItem> items;
        for (const auto &clip : clips) {
            GeneratedItem item;
            item.prompt = QString::fromStdString(clip.prompt);
            item.seed = clip.seed;
            item.steps = clip.steps;
            item.guidance = clip.guidance;
            item.seconds = clip.audio.durationSeconds();
            item.path = QDir(outputDir).filePath(QString("%1-seed%2.wav").arg(stamp).arg(clip.seed));
            dragon::AudioFileWriter::write(item.path.toStdString(), clip.audio,
                                           {dragon::AudioContainer::Wav, dragon::SampleEncoding::Pcm16});
            QJsonObject sidecar{{"prompt", item.prompt}, {"seed", QString::number(item.seed)},
                                {"steps", item.steps}, {"guidance", item.guidance},
                                {"model", "pocket"}, {"checkpoint", checkpoint}};
            QFile json(QString(item.path).replace(".wav", ".json"));
            if (json.open(QIODevice::WriteOnly))
                json.write(QJsonDocument(sidecar).toJson());
            items << item;
        }
        Q_EMIT finished(items, notes);
    } catch (const std::exception &e) {
        Q_EMIT failed(QString::fromStdString(e.what()));
    }
}
