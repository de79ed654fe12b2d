#include "rewards/RewardBuilder.h"

#include "audio/Loudness.h"
#include "encoders/ExemplarSetEmbedder.h"
#include "rewards/ClapScoreReward.h"
#include "rewards/DatasetFadReward.h"
#include "rewards/EmbeddingMatrix.h"
#include "rewards/ExemplarSimilarityReward.h"
#include "rewards/FadInfReward.h"
#include "rewards/KidReward.h"
#include "rewards/LoudnessTargetReward.h"
#include "rewards/PerSongFadReward.h"
#include "rewards/VendiReward.h"
#include "rewards/WeightedReward.h"
#include "util/BuildFeatures.h"
#include "util/FeatureUnavailable.h"

#include <stdexcept>

namespace dragon {
namespace {

// Rows of a set: audio embeddings (clips or frames) and text embeddings together (text lives in
// the same space only for cross-modal encoders, which is why text items need a text tower).
Eigen::MatrixXd rowsOf(const ExemplarEmbeddings &e, bool frames)
{
    const Eigen::MatrixXd audio = frames ? framesMatrix(e.audio) : clipMatrix(e.audio),
                          text = rowsMatrix(e.text);
    if (text.rows() == 0)
        return audio;
    if (audio.rows() == 0)
        return text;
    Eigen::MatrixXd all(audio.rows() + text.rows(), audio.cols());
    all << audio, text;
    return all;
}

Eigen::MatrixXd clipRowsOf(const ExemplarEmbeddings &e)
{
    return rowsOf(e, false);
}

Eigen::MatrixXd frameRowsOf(const ExemplarEmbeddings &e)
{
    return rowsOf(e, true);
}

} // namespace

std::shared_ptr<Reward>
RewardBuilder::buildTerm(const RewardTerm &term, std::shared_ptr<Encoder> encoder,
                         const std::map<std::string, ExemplarEmbeddings> &exemplars)
{
    const RewardTypeInfo *info = findRewardType(term.type);
    if (!info)
        throw std::invalid_argument("unknown reward type '" + term.type + "'");
    if (term.type == "clap")
        return std::make_shared<ClapScoreReward>(encoder);
    if (term.type == "loudness") {
        if (!Loudness::available())
            throw FeatureUnavailable(info->label + ": " + BuildFeatures::missingLoudnessMessage());
        return std::make_shared<LoudnessTargetReward>(term.targetLufs);
    }
    if (term.type == "vendi")
        return std::make_shared<VendiReward>(term.vendiOrder);
    const auto found = exemplars.find(term.exemplarSet);
    if (found == exemplars.end() || found->second.empty())
        throw std::invalid_argument(info->label + ": exemplar set '" + term.exemplarSet +
                                    "' has no usable embeddings (empty, or every item failed)");
    const auto &set = found->second;
    const int count = int(set.audio.size() + set.text.size());
    if ((term.type == "fad" || term.type == "fad-inf" || term.type == "kid") && count < 2)
        throw std::invalid_argument(info->label + " needs at least 2 exemplars");
    if (term.type == "exemplar-similarity")
        return std::make_shared<ExemplarSimilarityReward>(clipRowsOf(set), term.topK);
    if (term.type == "per-song-fad")
        return std::make_shared<PerSongFadReward>(frameRowsOf(set));
    if (term.type == "fad")
        return std::make_shared<DatasetFadReward>(clipRowsOf(set));
    if (term.type == "fad-inf")
        return std::make_shared<FadInfReward>(clipRowsOf(set));
    return std::make_shared<KidReward>(clipRowsOf(set));
}

std::shared_ptr<Reward>
RewardBuilder::build(const RewardDefinition &definition, std::shared_ptr<Encoder> encoder,
                     const std::map<std::string, ExemplarEmbeddings> &exemplars)
{
    if (definition.terms.empty())
        throw std::invalid_argument("the reward has no terms");
    if (definition.terms.size() == 1 && !definition.terms.front().away)
        return buildTerm(definition.terms.front(), encoder, exemplars);
    std::vector<WeightedReward::Term> terms;
    for (const auto &t : definition.terms)
        terms.push_back({buildTerm(t, encoder, exemplars), t.away ? -t.weight : t.weight});
    return std::make_shared<WeightedReward>(std::move(terms));
}

} // namespace dragon
