#include "dragon/TrainingReward.h"

#include "audio/Loudness.h"
#include "encoders/EmbeddingCache.h"
#include "encoders/EncoderFactory.h"
#include "encoders/ExemplarSetEmbedder.h"
#include "project/Project.h"
#include "rewards/RewardBuilder.h"
#include "rewards/WeightedReward.h"

#include <chrono>
#include <iomanip>
#include <map>
#include <sstream>
#include <stdexcept>

namespace dragon {

namespace {

bool needsEmbeddings(const RewardDefinition &d)
{
    for (const auto &t : d.terms)
        if (t.type != "loudness")
            return true;
    return false;
}

} // namespace

TrainingReward::TrainingReward(const Project &project, const std::string &cacheDir, const Log &log)
{
    const RewardDefinition &definition = project.reward;
    if (needsEmbeddings(definition))
        m_encoder = std::shared_ptr<Encoder>(createEncoder(definition.encoder));
    std::map<std::string, ExemplarEmbeddings> &exemplars = m_exemplars;
    EmbeddingCache cache(cacheDir);
    for (const auto &term : definition.terms) {
        if (term.exemplarSet.empty() || exemplars.count(term.exemplarSet))
            continue;
        const ExemplarSet *set = project.findSet(term.exemplarSet);
        if (!set)
            throw std::runtime_error("reward term names exemplar set '" + term.exemplarSet +
                                     "', which the project lacks");
        auto embedded = ExemplarSetEmbedder::embed(*set, *m_encoder, &cache);
        for (const auto &[item, why] : embedded.problems)
            if (log)
                log("exemplar skipped: " + item + ": " + why);
        const std::string unknown =
            ExemplarSetEmbedder::unknownWordsNote(embedded, definition.encoder);
        if (log && !unknown.empty())
            log("exemplar set '" + set->name + "': " + unknown);
        if (embedded.empty()) // named here, where the set's name is known
            throw std::runtime_error("exemplar set '" + set->name + "' has no usable embeddings" +
                                     (embedded.problems.empty()
                                          ? std::string(" (it is empty)")
                                          : " (" + embedded.problems.front().first + ": " +
                                                embedded.problems.front().second + ")"));
        exemplars[term.exemplarSet] = std::move(embedded);
    }
    m_reward = RewardBuilder::build(definition, m_encoder, exemplars);
}

RewardBatch TrainingReward::score(const std::vector<AudioBuffer> &audio,
                                  const std::vector<std::string> &prompts,
                                  double *encodeSeconds) const
{
    const auto started = std::chrono::steady_clock::now();
    RewardBatch batch;
    batch.prompts = prompts;
    if (m_encoder)
        batch.embeddings = m_encoder->embedBatch(audio);
    if (m_reward->needsLoudness())
        for (const auto &a : audio)
            batch.loudnessLufs.push_back(Loudness::integratedLufs(a));
    if (encodeSeconds)
        *encodeSeconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return batch;
}

bool TrainingReward::needsScales() const
{
    const auto weighted = std::dynamic_pointer_cast<WeightedReward>(m_reward);
    return weighted && !weighted->frozen();
}

void TrainingReward::freezeScales(const RewardBatch &batch)
{
    if (const auto weighted = std::dynamic_pointer_cast<WeightedReward>(m_reward))
        weighted->freezeScales(batch);
}

std::string TrainingReward::scalesText() const
{
    const auto weighted = std::dynamic_pointer_cast<WeightedReward>(m_reward);
    if (!weighted || !weighted->frozen())
        return {};
    std::ostringstream s;
    s << std::setprecision(17);
    for (const auto &scale : weighted->scales())
        s << scale.mean << " " << scale.sd << "\n";
    return s.str();
}

void TrainingReward::restoreScales(const std::string &text)
{
    const auto weighted = std::dynamic_pointer_cast<WeightedReward>(m_reward);
    if (!weighted || text.empty())
        return;
    std::istringstream in(text);
    std::vector<WeightedReward::Scale> scales;
    WeightedReward::Scale s;
    while (in >> s.mean >> s.sd)
        scales.push_back(s);
    if (scales.size() != weighted->terms().size())
        throw std::runtime_error("the checkpoint's reward scales do not fit this reward (" +
                                 std::to_string(scales.size()) + " for " +
                                 std::to_string(weighted->terms().size()) + " terms)");
    weighted->setScales(scales);
}

} // namespace dragon
