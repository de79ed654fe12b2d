#pragma once

#include <vector>

namespace dragon {

// What an encoder makes of one audio clip: frame embeddings [frames, dimension] (row-major) and
// one clip embedding [dimension]. Plain data (no torch), so rewards, the cache and the facade
// can hold it.
struct Embedding
{
    int frames = 0;
    int dimension = 0;
    std::vector<float> frameData;
    std::vector<float> clip;

    const float *frame(int i) const
    {
        return frameData.data() + std::size_t(i) * std::size_t(dimension);
    }
    bool consistent() const; // sizes agree and every value is finite
};

} // namespace dragon
