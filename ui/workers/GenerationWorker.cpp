#include "workers/GenerationWorker.h"

#include "facade/GeneratorService.h"

GenerationWorker::GenerationWorker() = default;
GenerationWorker::~GenerationWorker() = default;

void GenerationWorker::generate(const QString &checkpoint, const QString &outputDir,
                                const QString &prompt, quint64 seed, int steps, double guidance,
                                int count)
{
    try {
        if (!m_service || m_loadedCheckpoint != checkpoint) {
            m_service = dragon::GeneratorService::load(checkpoint.toStdString());
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
        const auto paths =
            m_service->save(clips, outputDir.toStdString(), m_service->check(request));
        QVector<GeneratedItem> items;
        for (std::size_t i = 0; i < clips.size(); ++i) {
            GeneratedItem item;
            item.prompt = QString::fromStdString(clips[i].prompt);
            item.seed = clips[i].seed;
            item.steps = clips[i].steps;
            item.guidance = clips[i].guidance;
            item.seconds = clips[i].audio.durationSeconds();
            item.path = QString::fromStdString(paths[i]);
            items << item;
        }
        Q_EMIT finished(items, notes);
    } catch (const std::exception &e) {
        Q_EMIT failed(QString::fromStdString(e.what()));
    }
}
