#include "dragon/CheckpointStore.h"

#include "dragon/DemoBuilder.h"
#include "dragon/RunFolder.h"
#include "model/Generator.h"
#include "model/TorchLoadError.h"

#include <algorithm>

namespace dragon {
namespace fs = std::filesystem;

CheckpointStore::CheckpointStore(fs::path dir, int keep) : m_dir(std::move(dir)), m_keep(keep) {}

fs::path CheckpointStore::pathFor(int round) const
{
    return m_dir / (RunFolder::roundName(round) + ".pt");
}

std::vector<fs::path> CheckpointStore::files() const
{
    std::vector<fs::path> all;
    std::error_code ignored;
    for (const auto &e : fs::directory_iterator(m_dir, ignored))
        if (e.path().extension() == ".pt" && e.path().filename().string().rfind("round-", 0) == 0)
            all.push_back(e.path());
    std::sort(all.begin(), all.end());
    return all;
}

void CheckpointStore::save(int round, const State &state, const std::string &journal) const
{
    torch::serialize::OutputArchive archive;
    {
        torch::serialize::OutputArchive weights, optimizerState;
        state.policy.saveWeights(weights);
        state.optimizer.save(optimizerState);
        archive.write("round", c10::IValue(int64_t(round)));
        archive.write("policy", weights);
        archive.write("optimizer", optimizerState);
        archive.write("baseline", c10::IValue(state.demo.baseline()));
        archive.write("hasBaseline", c10::IValue(state.demo.hasBaseline()));
        archive.write("rewardScales", c10::IValue(state.rewardScales));
        if (state.ema) {
            torch::serialize::OutputArchive emaWeights;
            state.ema->saveWeights(emaWeights);
            archive.write("ema", emaWeights);
        }
    }
    // Atomic and synced: a kill or a full disk leaves the previous checkpoint intact.
    RunCheckpoint::write(pathFor(round).string(), archive, journal);
    const auto all = files();
    for (std::size_t i = 0; i + std::size_t(m_keep) < all.size(); ++i)
        fs::remove(all[i]);
}

std::string CheckpointStore::load(const fs::path &path, const State &state, int &round,
                                  RunCheckpoint::Contents &contents) const
{
    try {
        torch::serialize::InputArchive archive, weights, optimizerState;
        contents = RunCheckpoint::read(path.string(), archive);
        c10::IValue savedRound, baseline, hasBaseline;
        archive.read("round", savedRound);
        archive.read("policy", weights);
        archive.read("optimizer", optimizerState);
        archive.read("baseline", baseline);
        archive.read("hasBaseline", hasBaseline);
        state.policy.loadWeights(weights);
        state.optimizer.load(optimizerState);
        if (state.ema) {
            // A checkpoint of a run that kept no EMA copy (emaDecay turned on at resume): the
            // copy starts from the resumed policy, not from the base model.
            torch::serialize::InputArchive emaWeights;
            if (archive.try_read("ema", emaWeights))
                state.ema->loadWeights(emaWeights);
            else
                state.ema->copyParametersFrom(state.policy);
        }
        for (const auto &p : state.policy.parameters())
            if (!torch::isfinite(p).all().item<bool>())
                return "it holds NaN or infinite weights";
        if (!savedRound.isInt() || savedRound.toInt() < 0 || savedRound.toInt() > (1 << 30) ||
            !baseline.isDouble() || !hasBaseline.isBool())
            return "its counters are damaged";
        state.demo.setBaseline(baseline.toDouble(), hasBaseline.toBool());
        c10::IValue scales;
        state.rewardScales = archive.try_read("rewardScales", scales) && scales.isString()
                                 ? scales.toStringRef()
                                 : "";
        round = int(savedRound.toInt());
        return {};
    } catch (...) {
        return TorchLoadError::describeCurrent();
    }
}

CheckpointStore::Resumed CheckpointStore::resume(const State &state, Generator &restore,
                                                 const Log &log, bool removeTemporaries) const
{
    // A kill during a checkpoint write can leave the writer's temporary file behind.
    if (removeTemporaries) {
        std::error_code ignored;
        for (const auto &e : fs::directory_iterator(m_dir, ignored))
            if (e.path().filename().string().find(".tmp-") != std::string::npos)
                fs::remove(e.path());
    }
    auto all = files();
    std::reverse(all.begin(), all.end());
    Resumed r;
    for (const auto &path : all) {
        int round = 0;
        const std::string problem = load(path, state, round, r.contents);
        if (problem.empty()) {
            r.resumed = true;
            r.round = round;
            r.file = path.filename().string();
            if (log)
                log("resumed from " + r.file + " (round " + std::to_string(round) + ")" +
                    (r.contents.verified
                         ? ""
                         : "; an older checkpoint without a checksum, not verified"));
            return r;
        }
        if (log)
            log("checkpoint " + path.filename().string() + " is unreadable or damaged (" + problem +
                "): trying an older one");
        // A failed load may have left half-read weights: restore the base model's.
        state.policy.copyParametersFrom(restore);
    }
    r.contents = {};
    return r;
}

} // namespace dragon
