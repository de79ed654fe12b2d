#include "rewards/EmbeddingMatrix.h"

#include <stdexcept>

namespace dragon {

Eigen::MatrixXd clipMatrix(const std::vector<Embedding> &embeddings)
{
    if (embeddings.empty())
        return {};
    Eigen::MatrixXd m(Eigen::Index(embeddings.size()), embeddings.front().dimension);
    for (std::size_t i = 0; i < embeddings.size(); ++i) {
        if (embeddings[i].dimension != m.cols())
            throw std::invalid_argument("embeddings of different dimensions in one set");
        for (int d = 0; d < m.cols(); ++d)
            m(Eigen::Index(i), d) = embeddings[i].clip[std::size_t(d)];
    }
    return m;
}

Eigen::MatrixXd framesMatrix(const std::vector<Embedding> &embeddings)
{
    Eigen::Index rows = 0;
    for (const auto &e : embeddings)
        rows += e.frames;
    if (embeddings.empty())
        return {};
    Eigen::MatrixXd m(rows, embeddings.front().dimension);
    Eigen::Index at = 0;
    for (const auto &e : embeddings) {
        if (e.dimension != m.cols())
            throw std::invalid_argument("embeddings of different dimensions in one set");
        m.middleRows(at, e.frames) = framesMatrix(e);
        at += e.frames;
    }
    return m;
}

Eigen::MatrixXd framesMatrix(const Embedding &e)
{
    return Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
               e.frameData.data(), e.frames, e.dimension)
        .cast<double>();
}

Eigen::MatrixXd rowsMatrix(const std::vector<std::vector<float>> &rows)
{
    if (rows.empty())
        return {};
    Eigen::MatrixXd m(Eigen::Index(rows.size()), Eigen::Index(rows.front().size()));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (Eigen::Index(rows[i].size()) != m.cols())
            throw std::invalid_argument("rows of different lengths");
        for (Eigen::Index d = 0; d < m.cols(); ++d)
            m(Eigen::Index(i), d) = rows[i][std::size_t(d)];
    }
    return m;
}

} // namespace dragon
