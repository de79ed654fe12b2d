#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

namespace dragon {

// Cosine similarity of two vectors of the same length, accumulated in double; 0 when either is
// all zeros.
template <class T> double cosine(const std::vector<T> &a, const std::vector<T> &b)
{
    double dot = 0, na = 0, nb = 0;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
        dot += double(a[i]) * double(b[i]);
        na += double(a[i]) * double(a[i]);
        nb += double(b[i]) * double(b[i]);
    }
    return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0.0;
}

} // namespace dragon
