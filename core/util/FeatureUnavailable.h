#pragma once

#include <stdexcept>
#include <string>

namespace dragon {

// Something this build was configured without (see BuildFeatures): the message names the
// feature, the library it needs and how to get it, e.g. "Loudness measurement is not in this
// build: it was configured without libebur128 (install libebur128-dev and rebuild)".
class FeatureUnavailable : public std::runtime_error
{
public:
    explicit FeatureUnavailable(const std::string &message) : std::runtime_error(message) {}
};

} // namespace dragon
