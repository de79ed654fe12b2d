#include "encoders/Encoder.h"

#include "audio/Resampler.h"

#include <cmath>

namespace dragon {

bool Embedding::consistent() const
{
    if (frames < 1 || dimension < 1 ||
        frameData.size() != std::size_t(frames) * std::size_t(dimension) ||
        clip.size() != std::size_t(dimension))
        return false;
    for (float v : frameData)
        if (!std::isfinite(v))
            return false;
    for (float v : clip)
        if (!std::isfinite(v))
            return false;
    return true;
}

namespace {
std::vector<float> prepared(const AudioBuffer &audio, int rate, const std::string &name)
{
    if (audio.empty())
        throw EncoderError(name + ": cannot embed empty audio");
    AudioBuffer mono = audio.channels() == 1 ? audio : audio.mixdownToMono();
    if (mono.sampleRate() != rate)
        mono = Resampler::resample(mono, rate);
    for (float v : mono.interleaved())
        if (!std::isfinite(v))
            throw EncoderError(name + ": the audio holds NaN or infinite samples");
    return std::move(mono.interleaved());
}
} // namespace

Embedding Encoder::embed(const AudioBuffer &audio)
{
    return embedBatch({audio}).front();
}

std::vector<Embedding> Encoder::embedBatch(const std::vector<AudioBuffer> &audio)
{
    std::vector<std::vector<float>> mono;
    for (const auto &a : audio)
        mono.push_back(prepared(a, sampleRate(), displayName()));
    auto out = embedMonoBatch(mono);
    for (const auto &e : out)
        if (!e.consistent())
            throw EncoderError(displayName() +
                               ": produced an inconsistent or non-finite embedding");
    return out;
}

std::vector<Embedding> Encoder::embedMonoBatch(const std::vector<std::vector<float>> &mono)
{
    std::vector<Embedding> out;
    for (const auto &m : mono)
        out.push_back(embedMono(m));
    return out;
}

std::vector<std::vector<float>> Encoder::embedText(const std::vector<std::string> &)
{
    throw EncoderError(displayName() + " has no text tower: text exemplars and CLAP scores need a "
                                       "cross-modal encoder such as pocket-clap");
}

std::vector<std::string> Encoder::unknownWords(const std::string &) const
{
    return {};
}

} // namespace dragon
