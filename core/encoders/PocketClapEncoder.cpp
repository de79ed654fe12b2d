#include "encoders/PocketClapEncoder.h"

#include "encoders/EmbeddingTensors.h"
#include "encoders/PocketClapModel.h"
#include "model/CorpusGenerator.h"
#include "util/BundledResource.h"
#include "util/ContentHash.h"

#include <cstring>
#include <map>

namespace dragon {

std::string PocketClapEncoder::defaultCheckpoint()
{
    return bundledResource("pocket-clap.pt", "DRAGON_POCKET_CLAP_CHECKPOINT");
}

PocketClapEncoder::PocketClapEncoder(const std::string &checkpoint)
{
    try {
        m_clap = PocketClap::load(checkpoint);
        m_id = "pocket-clap-1:" + toHex(hashFileContent(checkpoint));
    } catch (const std::exception &e) {
        throw EncoderError(e.what());
    }
}

PocketClapEncoder::~PocketClapEncoder() = default;

int PocketClapEncoder::sampleRate() const
{
    return m_clap->config().sampleRate;
}

int PocketClapEncoder::dimension() const
{
    return m_clap->config().dimension;
}

Embedding PocketClapEncoder::embedMono(const std::vector<float> &mono)
{
    torch::NoGradGuard noGrad;
    const auto frames = m_clap->embedFrames(mono);
    return embeddingFromFrames(frames,
                               PocketClapNetImpl::clipFromFrames(frames.unsqueeze(0)).squeeze(0));
}

std::vector<Embedding>
PocketClapEncoder::embedMonoBatch(const std::vector<std::vector<float>> &mono)
{
    torch::NoGradGuard noGrad;
    const auto &c = m_clap->config();
    const std::size_t window =
        std::size_t(c.windowFrames) * std::size_t(c.hopLength) - 1; // as embedFrames
    const std::size_t minimum = std::size_t(c.sampleRate / 2);
    std::vector<Embedding> out(mono.size());
    std::map<std::size_t, std::vector<std::size_t>> byLength; // batchable clips by length
    for (std::size_t i = 0; i < mono.size(); ++i) {
        if (mono[i].size() >= minimum && mono[i].size() <= window)
            byLength[mono[i].size()].push_back(i);
        else
            out[i] = embedMono(mono[i]);
    }
    for (const auto &[length, members] : byLength) {
        auto batch = torch::empty({int64_t(members.size()), int64_t(length)});
        for (std::size_t k = 0; k < members.size(); ++k)
            std::memcpy(batch[int64_t(k)].data_ptr<float>(), mono[members[k]].data(),
                        sizeof(float) * length);
        const auto mel = m_clap->normalisedLogMel(batch);
        const auto frames = m_clap->net()->audioFrames(
            mel.narrow(2, 0, std::min<int64_t>(mel.size(2), c.windowFrames)));
        const auto clips = PocketClapNetImpl::clipFromFrames(frames);
        for (std::size_t k = 0; k < members.size(); ++k)
            out[members[k]] = embeddingFromFrames(frames[int64_t(k)], clips[int64_t(k)]);
    }
    return out;
}

std::vector<std::vector<float>> PocketClapEncoder::embedText(const std::vector<std::string> &texts)
{
    const auto e = m_clap->embedText(texts).contiguous();
    std::vector<std::vector<float>> out;
    for (int64_t i = 0; i < e.size(0); ++i)
        out.emplace_back(e[i].data_ptr<float>(), e[i].data_ptr<float>() + e.size(1));
    return out;
}

std::vector<std::string> PocketClapEncoder::unknownWords(const std::string &text) const
{
    return m_clap->tokenizer().encode(text).unknown;
}

std::string PocketClapEncoder::knownWordsHint() const
{
    // The text tower was trained on the corpus captions: it knows their words.
    return "it knows " + CorpusGenerator::vocabularySummary();
}

} // namespace dragon
