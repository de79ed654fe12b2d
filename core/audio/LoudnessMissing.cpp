// Loudness for a build configured without libebur128 (core/CMakeLists.txt picks this file).
#include "audio/Loudness.h"
#include "util/BuildFeatures.h"
#include "util/FeatureUnavailable.h"

namespace dragon {

bool Loudness::available()
{
    return false;
}

LoudnessStats Loudness::measure(const AudioBuffer &)
{
    throw FeatureUnavailable(BuildFeatures::missingLoudnessMessage());
}

double Loudness::integratedLufs(const AudioBuffer &)
{
    throw FeatureUnavailable(BuildFeatures::missingLoudnessMessage());
}

} // namespace dragon
