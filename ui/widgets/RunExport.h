#pragma once

#include <QCoreApplication>
#include <QString>

// Copies out of a run folder, for the Train tab's Export menu: the metrics (CSV), the
// fine-tuned model (policy.pt with its checksum, which `dragon generate --generator` and the
// Generate tab load) and the audition clips (FLAC or WAV). Each says in a sentence what it
// did or why it could not, naming the file.
class RunExport
{
    Q_DECLARE_TR_FUNCTIONS(RunExport)
public:
    struct Result
    {
        bool ok = false;
        QString message;
        int files = 0; // clips written (clips() only)
    };
    static Result metrics(const QString &runDir, const QString &csvPath);
    static Result model(const QString &runDir, const QString &path);
    // Stops at the first clip it cannot read or write; `files` says how many were written
    // before it.
    static Result clips(const QString &runDir, const QString &folder, bool flac);
};
