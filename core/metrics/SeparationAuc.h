#pragma once

#include <vector>

namespace dragon {

// The area under the ROC curve of "positives score above negatives": the probability that a
// random positive outscores a random negative, ties counting one half (the Mann-Whitney U
// statistic over |P| x |N|). 1: perfectly separated, 0.5: indistinguishable, 0: reversed.
// Non-finite values are left out; NaN when either side has nothing left.
double separationAuc(const std::vector<double> &positives, const std::vector<double> &negatives);

// How a preview reads an AUC to a user: "well" (>= 0.8), "barely" (>= 0.65), "not at all"
// (above 0.35), "reversed" (0.35 or less: the other side scores higher).
const char *separationReading(double auc);

} // namespace dragon
