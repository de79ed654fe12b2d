#include "dragon/RunFolder.h"

#include "dragon/DragonConfig.h"
#include "util/AtomicFileWriter.h"
#include "util/JsonFormatError.h"
#include "util/JsonObject.h"
#include "util/StrictJson.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace dragon {
namespace fs = std::filesystem;

RunFolder::RunFolder(fs::path root, bool writer) : m_root(std::move(root)), m_writer(writer) {}

std::string RunFolder::roundName(int round)
{
    std::ostringstream s;
    s << "round-" << std::setw(6) << std::setfill('0') << round;
    return s.str();
}

fs::path RunFolder::auditionClip(int round, int label) const
{
    return audition() / (roundName(round) + (label > 0 ? "-plus.wav" : "-minus.wav"));
}

void RunFolder::create() const
{
    fs::create_directories(checkpoints());
    fs::create_directories(audition());
    if (m_writer && !fs::exists(file("README.txt")))
        AtomicFileWriter::write(
            file("README.txt").string(),
            "A DRAGON Studio training run. What each file is:\n"
            "  config.json         the run's settings and the project it trained on (a stopped\n"
            "                      run continues from these: the Train tab's Continue run, or\n"
            "                      dragon train --out THIS_FOLDER --resume)\n"
            "  metrics.jsonl       one row per round: reward quantiles, loss, implicit accuracy,\n"
            "                      timings (metrics.csv: the same numbers as a table)\n"
            "  eval.jsonl          one row per evaluation: win rate against the base model with\n"
            "                      its 95 % interval and sign-test p, reward of both, guardrails,\n"
            "                      median loudness (LUFS) of both sides' clips\n"
            "  audition/           each round's best (-plus) and worst (-minus) clip, WAV, with a\n"
            "                      .json sidecar (prompt, seed, reward)\n"
            "  eval-base/          the base model's evaluation clips (cached)\n"
            "  checkpoints/        round-NNNNNN.pt: full training state for resuming\n"
            "  policy.pt           the newest fine-tuned model: dragon generate --generator\n"
            "                      policy.pt, or Load... on the Generate tab (with emaDecay\n"
            "                      above 0 in config.json: the EMA copy, as evaluated)\n"
            "  best-policy.pt      the model of the evaluation with the best lower bound, once\n"
            "                      it beat the base model with its guardrails held (Vendi and\n"
            "                      CLAP adherence not fallen; + .json: which round)\n",
            AtomicFileWriter::Durability::Fast);
}

void RunFolder::writeConfig(const DragonConfig &config) const
{
    if (m_writer)
        AtomicFileWriter::write(file("config.json").string(), config.toJson());
}

const std::vector<RunFolder::MetricField> &RunFolder::metricFields()
{
    using S = const RoundStats &;
    static const std::vector<MetricField> fields = {
        {"round", [](S s) { return nlohmann::json(s.round); }, true},
        {"reward_mean", [](S s) { return nlohmann::json(s.rewardMean); }, true},
        {"reward_p10", [](S s) { return nlohmann::json(s.rewardP10); }, true},
        {"reward_p50", [](S s) { return nlohmann::json(s.rewardP50); }, true},
        {"reward_p90", [](S s) { return nlohmann::json(s.rewardP90); }, true},
        {"demo_plus", [](S s) { return nlohmann::json(s.demoPlusMean); }, true},
        {"demo_minus", [](S s) { return nlohmann::json(s.demoMinusMean); }, true},
        {"pairs", [](S s) { return nlohmann::json(s.pairs); }, true},
        {"labels", [](S s) { return nlohmann::json(s.labels); }, true},
        {"skipped_ties", [](S s) { return nlohmann::json(s.skippedTies); }, true},
        {"skipped_passes", [](S s) { return nlohmann::json(s.skippedPasses); }, true},
        {"loss", [](S s) { return nlohmann::json(s.loss.loss); }, true},
        {"implicit_accuracy", [](S s) { return nlohmann::json(s.loss.implicitAccuracy); }, true},
        {"margin", [](S s) { return nlohmann::json(s.loss.margin); }, true},
        {"rewards_chosen", [](S s) { return nlohmann::json(s.loss.rewardsChosen); }, true},
        {"rewards_rejected", [](S s) { return nlohmann::json(s.loss.rewardsRejected); }, true},
        {"grad_norm", [](S s) { return nlohmann::json(s.gradNorm); }, true},
        {"anchor_loss", [](S s) { return nlohmann::json(s.anchorLoss); }, true},
        {"lr", [](S s) { return nlohmann::json(s.learningRate); }, true},
        {"updated", [](S s) { return nlohmann::json(s.updated); }, true},
        {"warning", [](S s) { return nlohmann::json(s.warning); }, false},
        {"s_sample", [](S s) { return nlohmann::json(s.secondsSample); }, true},
        {"s_decode", [](S s) { return nlohmann::json(s.secondsDecode); }, true},
        {"s_encode", [](S s) { return nlohmann::json(s.secondsEncode); }, true},
        {"s_reward", [](S s) { return nlohmann::json(s.secondsReward); }, true},
        {"s_update", [](S s) { return nlohmann::json(s.secondsUpdate); }, true},
        {"s_checkpoint", [](S s) { return nlohmann::json(s.secondsCheckpoint); }, true},
        {"s_total", [](S s) { return nlohmann::json(s.secondsTotal); }, true},
    };
    return fields;
}

nlohmann::json RunFolder::metricsRow(const RoundStats &stats)
{
    nlohmann::json row = nlohmann::json::object();
    for (const auto &field : metricFields())
        row[field.key] = field.value(stats);
    if (!stats.terms.empty()) {
        nlohmann::json terms = nlohmann::json::array();
        for (const auto &t : stats.terms)
            terms.push_back({{"name", t.name},
                             {"mean", t.mean},
                             {"p10", t.p10},
                             {"p50", t.p50},
                             {"p90", t.p90}});
        row["terms"] = terms;
    }
    return row;
}

nlohmann::json RunFolder::evalRow(const EvalStats &e)
{
    nlohmann::json row = {{"round", e.round},
                          {"win_rate", e.winRate.rate},
                          {"win_lower", e.winRate.lower},
                          {"win_upper", e.winRate.upper},
                          {"sign_test_p", e.winRate.signTestP},
                          {"trials", e.winRate.trials},
                          {"reward_base", e.rewardBase},
                          {"reward_policy", e.rewardPolicy},
                          {"delta", e.deltaMean},
                          {"delta_lower", e.deltaLower},
                          {"delta_upper", e.deltaUpper},
                          {"vendi_base", e.vendiBase},
                          {"vendi_policy", e.vendiPolicy},
                          {"clap_base", e.clapBase},
                          {"clap_policy", e.clapPolicy},
                          {"seconds", e.seconds}};
    if (e.loudnessMeasured()) {
        row["lufs_base"] = e.lufsBase;
        row["lufs_policy"] = e.lufsPolicy;
    }
    if (!e.terms.empty()) {
        nlohmann::json terms = nlohmann::json::array();
        for (const auto &t : e.terms)
            terms.push_back({{"name", t.name},
                             {"base", t.base},
                             {"policy", t.policy},
                             {"delta", t.delta},
                             {"delta_lower", t.deltaLower},
                             {"delta_upper", t.deltaUpper}});
        row["terms"] = terms;
    }
    return row;
}

void RunFolder::appendMetrics(const nlohmann::json &row) const
{
    if (m_writer)
        appendLineSynced(file("metrics.jsonl"), row.dump());
}

void RunFolder::appendEval(const nlohmann::json &row) const
{
    if (m_writer)
        appendLineSynced(file("eval.jsonl"), row.dump());
}

void RunFolder::rewriteCsv() const
{
    if (!m_writer)
        return;
    std::ifstream in(file("metrics.jsonl"));
    std::ostringstream csv;
    bool first = true;
    for (const auto &field : metricFields())
        if (field.number) {
            csv << (first ? "" : ",") << field.key;
            first = false;
        }
    csv << "\n";
    std::string line;
    while (std::getline(in, line)) {
        nlohmann::json j;
        try {
            j = StrictJson::parse(line);
        } catch (const JsonFormatError &) {
            continue;
        }
        if (!j.is_object() || roundOfLine(line) < 0)
            continue;
        first = true;
        for (const auto &field : metricFields()) {
            if (!field.number)
                continue;
            const auto v = j.find(field.key);
            csv << (first ? "" : ",")
                << (v != j.end() && !v->is_structured() ? v->dump() : std::string("0"));
            first = false;
        }
        csv << "\n";
    }
    AtomicFileWriter::write(file("metrics.csv").string(), csv.str(),
                            AtomicFileWriter::Durability::Fast);
}

int RunFolder::roundOfLine(const std::string &line)
{
    try {
        return JsonObject(StrictJson::parse(line), "a metrics line")
            .integer("round", -1, -1, 1 << 30);
    } catch (const JsonFormatError &) {
        return -1;
    }
}

int RunFolder::keepRowsUpTo(int round, std::vector<std::string> &rows, bool fromJournal) const
{
    int lastEvalRound = -1;
    if (!m_writer)
        return lastEvalRound;
    for (const char *name : {"metrics.jsonl", "eval.jsonl"}) {
        const fs::path path = file(name);
        const bool metrics = std::string(name) == "metrics.jsonl";
        std::ifstream in(path);
        if (!in && !metrics)
            continue;
        std::string line, kept;
        std::vector<std::string> fileRows;
        while (std::getline(in, line)) {
            const int r = roundOfLine(line); // -1: a torn line from a kill, dropped
            if (r < 0 || r > round)
                continue;
            kept += line + "\n";
            fileRows.push_back(line);
            if (!metrics)
                lastEvalRound = std::max(lastEvalRound, r);
        }
        in.close();
        if (metrics) {
            if (fromJournal) {
                // The file's copy of a row is the complete one (it has the checkpoint's time);
                // the journal's stands in where the file lacks the round.
                std::map<int, std::string> onDisk;
                for (const auto &row : fileRows)
                    onDisk[roundOfLine(row)] = row;
                for (auto &row : rows) {
                    const auto it = onDisk.find(roundOfLine(row));
                    if (it != onDisk.end())
                        row = it->second;
                }
            } else {
                rows = fileRows; // older checkpoints: the file is all there is
            }
            kept.clear();
            for (const auto &row : rows)
                kept += row + "\n";
        }
        AtomicFileWriter::write(path.string(), kept);
    }
    return lastEvalRound;
}

void RunFolder::appendLineSynced(const fs::path &path, const std::string &line)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        throw std::runtime_error(path.string() +
                                 ": cannot open for writing: " + std::strerror(errno));
    const std::string text = line + "\n";
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const std::string why = std::strerror(errno);
            // Never leave half a row behind: the reader would drop it, but the next row would
            // be glued to it.
            if (::ftruncate(fd, ::lseek(fd, 0, SEEK_END) - off_t(done)) != 0) {
            }
            ::close(fd);
            throw std::runtime_error(path.string() + ": cannot write: " + why);
        }
        done += std::size_t(n);
    }
    const bool synced = ::fsync(fd) == 0;
    const std::string why = std::strerror(errno);
    ::close(fd);
    if (!synced)
        throw std::runtime_error(path.string() + ": cannot sync: " + why);
}

} // namespace dragon
