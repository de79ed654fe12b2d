#include "rewards/ClapScoreReward.h"

#include "encoders/Encoder.h"

#include <cmath>
#include <stdexcept>

namespace dragon {

ClapScoreReward::ClapScoreReward(std::shared_ptr<Encoder> encoder) : m_encoder(std::move(encoder))
{
    if (!m_encoder->hasTextTower())
        throw EncoderError("the CLAP score needs an encoder with a text tower; " +
                           m_encoder->displayName() +
                           " has none (use pocket-clap or a plug-in with embed_text)");
}

std::vector<double> ClapScoreReward::scoreEach(const RewardBatch &batch) const
{
    if (batch.prompts.size() != batch.embeddings.size())
        throw std::invalid_argument("CLAP score: one prompt per sample is needed");
    std::lock_guard<std::mutex> lock(m_mutex);
    std::vector<std::string> missing;
    for (const auto &p : batch.prompts)
        if (!m_prompts.count(p))
            missing.push_back(p);
    if (!missing.empty()) {
        const auto embedded = m_encoder->embedText(missing);
        for (std::size_t i = 0; i < missing.size(); ++i)
            m_prompts[missing[i]] = embedded[i];
    }
    std::vector<double> out;
    for (std::size_t i = 0; i < batch.embeddings.size(); ++i) {
        const auto &audio = batch.embeddings[i].clip;
        const auto &text = m_prompts.at(batch.prompts[i]);
        if (audio.size() != text.size())
            throw std::invalid_argument("CLAP score: audio and text embeddings differ in size");
        double dot = 0, na = 0, nt = 0;
        for (std::size_t d = 0; d < audio.size(); ++d) {
            dot += double(audio[d]) * text[d];
            na += double(audio[d]) * audio[d];
            nt += double(text[d]) * text[d];
        }
        out.push_back(na > 0 && nt > 0 ? dot / std::sqrt(na * nt) : 0.0);
    }
    return out;
}

} // namespace dragon
