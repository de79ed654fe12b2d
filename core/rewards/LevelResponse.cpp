#include "rewards/LevelResponse.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace dragon {

double LevelResponse::relative() const
{
    return spread > 0 ? meanAbsChange / spread : std::numeric_limits<double>::quiet_NaN();
}

LevelResponse LevelResponse::of(double gainDb, const std::vector<double> &atZero,
                                const std::vector<double> &atGain)
{
    if (atZero.empty() || atZero.size() != atGain.size())
        throw std::invalid_argument("level response: the values at 0 dB and at the gain must "
                                    "be one per clip");
    const double n = double(atZero.size());
    LevelResponse r;
    r.gainDb = gainDb;
    double mean = 0;
    for (std::size_t i = 0; i < atZero.size(); ++i) {
        r.meanChange += (atGain[i] - atZero[i]) / n;
        r.meanAbsChange += std::abs(atGain[i] - atZero[i]) / n;
        mean += atZero[i] / n;
    }
    double squares = 0;
    for (double v : atZero)
        squares += (v - mean) * (v - mean);
    r.spread = atZero.size() > 1 ? std::sqrt(squares / (n - 1)) : 0.0;
    return r;
}

} // namespace dragon
