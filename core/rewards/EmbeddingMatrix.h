#pragma once

#include "encoders/Embedding.h"

#include <Eigen/Dense>
#include <vector>

namespace dragon {

// Embeddings -> float64 matrices for the metrics.
Eigen::MatrixXd clipMatrix(const std::vector<Embedding> &embeddings);    // [n, D]
Eigen::MatrixXd framesMatrix(const std::vector<Embedding> &embeddings);  // [sum F, D]
Eigen::MatrixXd framesMatrix(const Embedding &embedding);                // [F, D]
Eigen::MatrixXd rowsMatrix(const std::vector<std::vector<float>> &rows); // [n, D]

} // namespace dragon
