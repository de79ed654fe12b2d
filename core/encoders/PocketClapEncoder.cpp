#include "encoders/PocketClapEncoder.h"

#include "encoders/EmbeddingTensors.h"
#include "encoders/PocketClapModel.h"
#include "util/BundledResource.h"
#include "util/ContentHash.h"

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
    return embeddingFromFrames(frames, PocketClapNetImpl::clipFromFrames(frames.unsqueeze(0)).squeeze(0));
}

std::vector<std::vector<float>> PocketClapEncoder::embedText(const std::vector<std::string> &texts)
{
    const auto e = m_clap->embedText(texts).contiguous();
    std::vector<std::vector<float>> out;
    for (int64_t i = 0; i < e.size(0); ++i)
        out.emplace_back(e[i].data_ptr<float>(), e[i].data_ptr<float>() + e.size(1));
    return out;
}

} // namespace dragon
