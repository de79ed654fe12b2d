#include "facade/Spectrogram.h"

#include "audio/MelSpectrogram.h"
#include "audio/Resampler.h"

namespace dragon {

SpectrogramImage computeLogMelImage(const AudioBuffer &audio, int sampleRate, int mels,
                                    int hopLength)
{
    SpectrogramImage image;
    if (audio.empty())
        return image;
    AudioBuffer mono = Resampler::resample(audio.mixdownToMono(), sampleRate);
    MelConfig config;
    config.sampleRate = sampleRate;
    config.nMels = mels;
    config.hopLength = hopLength;
    if (static_cast<int>(mono.frames()) <= config.nFft / 2) // reflect padding needs this much
        mono = mono.cropOrPad(0, config.nFft / 2 + 1);
    torch::NoGradGuard noGrad;
    const auto input = torch::from_blob(mono.interleaved().data(),
                                        {static_cast<int64_t>(mono.frames())}, torch::kFloat32);
    const torch::Tensor mel = MelSpectrogram(config)(input).contiguous();
    image.mels = static_cast<int>(mel.size(0));
    image.frames = static_cast<int>(mel.size(1));
    image.values.assign(mel.data_ptr<float>(), mel.data_ptr<float>() + mel.numel());
    return image;
}

} // namespace dragon
