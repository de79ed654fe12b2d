#include "encoders/MelStatsEncoder.h"

#include "audio/MusicFeatures.h"
#include "encoders/EmbeddingTensors.h"

namespace dragon {

Embedding MelStatsEncoder::embedMono(const std::vector<float> &mono)
{
    return embeddingFromFrames(MusicFeatures::logMelFrames(AudioBuffer(mono, 1, sampleRate())));
}

} // namespace dragon
