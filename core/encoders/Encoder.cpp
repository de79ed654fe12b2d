#include "encoders/Encoder.h"

#include "audio/Resampler.h"

#include <cmath>

namespace dragon {

bool Embedding::consistent() const
{
    if (frames < 1 || dimension < 1 || frameData.size() != std::size_t(frames) * std::size_t(dimension) ||
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

Embedding Encoder::embed(const AudioBuffer &audio)
{
    if (audio.empty())
        throw EncoderError(displayName() + ": cannot embed empty audio");
    AudioBuffer mono = audio.channels() == 1 ? audio : audio.mixdownToMono();
    if (mono.sampleRate() != sampleRate())
        mono = Resampler::resample(mono, sampleRate());
    for (float v : mono.interleaved())
        if (!std::isfinite(v))
            throw EncoderError(displayName() + ": the audio holds NaN or infinite samples");
    Embedding e = embedMono(mono.interleaved());
    if (!e.consistent())
        throw EncoderError(displayName() + ": produced an inconsistent or non-finite embedding");
    return e;
}

std::vector<std::vector<float>> Encoder::embedText(const std::vector<std::string> &)
{
    throw EncoderError(displayName() + " has no text tower: text exemplars and CLAP scores need a "
                                       "cross-modal encoder such as pocket-clap");
}

} // namespace dragon
