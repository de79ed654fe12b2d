#include "widgets/RunExport.h"

#include "audio/AudioFileReader.h"
#include "audio/AudioFileWriter.h"
#include "dragon/RunHistory.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

RunExport::Result RunExport::metrics(const QString &runDir, const QString &csvPath)
{
    const QString source = runDir + "/metrics.csv";
    if (runDir.isEmpty() || !QFileInfo::exists(source))
        return {false, tr("No metrics to export: choose a run with finished rounds.")};
    QFile::remove(csvPath);
    if (!QFile::copy(source, csvPath))
        return {false, tr("Cannot write %1").arg(csvPath)};
    return {true, tr("Metrics exported to %1").arg(csvPath)};
}

RunExport::Result RunExport::model(const QString &runDir, const QString &path)
{
    const QString source = runDir + "/policy.pt";
    if (runDir.isEmpty() || !QFileInfo::exists(source))
        return {false, tr("This run has no fine-tuned model yet (policy.pt).")};
    for (const QString &suffix : {QString(), QString(".xxh3")}) {
        if (!suffix.isEmpty() && !QFileInfo::exists(source + suffix))
            continue;
        QFile::remove(path + suffix);
        if (!QFile::copy(source + suffix, path + suffix))
            return {false, tr("Cannot write %1").arg(path + suffix)};
    }
    return {true, tr("Model exported to %1 (dragon generate --generator %1, or Load… on the "
                     "Generate tab)")
                      .arg(path)};
}

RunExport::Result RunExport::clips(const QString &runDir, const QString &folder, bool flac)
{
    Result result;
    QDir().mkpath(folder);
    for (const auto &clip : dragon::RunHistory::auditions(runDir.toStdString())) {
        const QString target = folder + "/" +
                               QFileInfo(QString::fromStdString(clip.path)).completeBaseName() +
                               (flac ? ".flac" : ".wav");
        try {
            dragon::AudioFileWriter::write(
                target.toStdString(), dragon::AudioFileReader::read(clip.path),
                {flac ? dragon::AudioContainer::Flac : dragon::AudioContainer::Wav});
            ++result.files;
        } catch (const std::exception &e) {
            result.message =
                tr("Cannot export %1: %2").arg(target, QString::fromStdString(e.what()));
            return result;
        }
    }
    result.ok = true;
    result.message = tr("%n audition clip(s) exported to %1", nullptr, result.files).arg(folder);
    return result;
}
