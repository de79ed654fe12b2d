#pragma once

#include "dragon/DragonEvents.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dragon {

struct DragonConfig;

// The layout and the text files of one run folder (DESIGN section 7):
//   config.json                 the run's configuration (written at start)
//   metrics.jsonl, metrics.csv  one row per round; both from the one table of fields below
//   eval.jsonl                  one row per evaluation
//   audition/round-NNNNNN-plus.wav, -minus.wav    the best D+ and worst D- clip of a round
//   eval-base/                  the base model's evaluation clips (cached)
//   checkpoints/round-NNNNNN.pt (RunCheckpoint), policy.pt, best-policy.pt (+ .json)
// Only the writer (rank 0 of a multi-process run) touches files; other ranks get paths only.
// Rows are appended with fsync; a failed write throws std::runtime_error naming the file.
class RunFolder
{
public:
    RunFolder(std::filesystem::path root, bool writer);

    const std::filesystem::path &root() const { return m_root; }
    bool writer() const { return m_writer; }
    std::filesystem::path checkpoints() const { return m_root / "checkpoints"; }
    std::filesystem::path audition() const { return m_root / "audition"; }
    std::filesystem::path evalBase() const { return m_root / "eval-base"; }
    std::filesystem::path file(const std::string &name) const { return m_root / name; }
    // "round-000012": checkpoint and audition names.
    static std::string roundName(int round);
    std::filesystem::path auditionClip(int round, int label) const;

    void create() const; // the folder and its sub-folders (writer only)
    void writeConfig(const DragonConfig &config) const;

    // One field of a metrics row: its key (JSONL and CSV header) and whether it is a number
    // (numbers go to the CSV too; text such as warnings only to the JSONL).
    struct MetricField
    {
        const char *key;
        nlohmann::json (*value)(const RoundStats &);
        bool number;
    };
    static const std::vector<MetricField> &metricFields();
    static nlohmann::json metricsRow(const RoundStats &stats);
    static nlohmann::json evalRow(const EvalStats &stats);

    // Appends a row to metrics.jsonl or eval.jsonl and syncs it (writer only).
    void appendMetrics(const nlohmann::json &row) const;
    void appendEval(const nlohmann::json &row) const;
    // metrics.csv from metrics.jsonl (writer only; torn or damaged lines are skipped).
    void rewriteCsv() const;

    // On resume at `round`: keeps the rows of rounds up to `round` in metrics.jsonl and
    // eval.jsonl and drops torn lines and rows of the round(s) that were in flight. With a
    // checkpoint journal (`journal` non-null), metrics.jsonl is rebuilt from it (the file's copy
    // of a row is preferred: it is complete) and `journal` gets the rows written; else the
    // file's rows are kept and returned in `journal`'s place. Returns the newest round with an
    // evaluation row (-1: none).
    int keepRowsUpTo(int round, std::vector<std::string> &rows, bool fromJournal) const;
    // The "round" of a metrics or eval line, or -1 for a torn or damaged line.
    static int roundOfLine(const std::string &line);

private:
    static void appendLineSynced(const std::filesystem::path &path, const std::string &line);

    std::filesystem::path m_root;
    bool m_writer;
};

} // namespace dragon
