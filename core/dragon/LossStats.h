#pragma once

namespace dragon {

// TRL-style diagnostics of a preference loss (torch-free: events carry it to the UI).
struct LossStats
{
    double loss = 0;
    double implicitAccuracy = 0; // fraction of pairs/labels the implicit reward already ranks right
    double rewardsChosen = 0;    // mean implicit reward of D+
    double rewardsRejected = 0;  // mean implicit reward of D-
    double margin = 0;           // chosen - rejected
};

} // namespace dragon
