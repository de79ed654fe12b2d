#pragma once

#include <vector>

namespace dragon {

// What a gain change alone did to per-clip values (rewards, utilities, FADs): each clip's value
// at the gain minus its value at 0 dB, against the spread of the values between the clips at
// 0 dB. A value that moves by about its spread when clips are turned up or down can be won by
// level as well as by content.
struct LevelResponse
{
    double gainDb = 0;
    double meanChange = 0;    // mean over the clips of (value at the gain - value at 0 dB)
    double meanAbsChange = 0; // mean over the clips of |value at the gain - value at 0 dB|
    double spread = 0;        // standard deviation (n - 1) of the values at 0 dB; 0 for one clip

    // meanAbsChange in units of the spread; NaN when the values do not spread.
    double relative() const;
    // Throws std::invalid_argument when the lists differ in length or are empty.
    static LevelResponse of(double gainDb, const std::vector<double> &atZero,
                            const std::vector<double> &atGain);
};

} // namespace dragon
